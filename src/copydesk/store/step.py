"""The store stage: write articles and errors in batches of one transaction each."""

from __future__ import annotations

from typing import Any, Iterable, Iterator

from ..fingerprint.step import Fingerprinted
from ..model import Article, ErrorRecord, InputMark
from ..pipeline import Context
from ..stories.terms import TERMS_VERSION


class WriteStep:
    name = "store"

    def run(self, items: Iterable[Any], ctx: Context) -> Iterator[Any]:
        size = ctx.settings.ingest.batch_size
        articles: list[Article] = []
        fingerprints: list[tuple] = []
        terms: list[tuple[str, str, bytes]] = []
        errors: list[ErrorRecord] = []
        inputs_seen: set[str] = set()
        clear: list[str] = []

        def flush() -> None:
            added, updated = ctx.store.write_batch(articles, errors, clear, run=ctx.run_id, fingerprints=fingerprints,
                                                  story_terms=terms)
            ctx.stats.count("articles_added", added)
            ctx.stats.count("articles_updated", updated)
            ctx.progress("ingest", len(articles) + len(errors))
            articles.clear()
            fingerprints.clear()
            terms.clear()
            errors.clear()
            clear.clear()

        for item in items:
            if isinstance(item, InputMark):
                if item.input not in inputs_seen:
                    inputs_seen.add(item.input)
                    clear.append(item.input)  # errors of an input that is read again are replaced
                continue
            if isinstance(item, Fingerprinted):
                fingerprints.append(item.row)
                if item.terms is not None:
                    terms.append((item.article.id, TERMS_VERSION, item.terms))
                item = item.article
            if isinstance(item, Article):
                articles.append(item)
            elif isinstance(item, ErrorRecord):
                errors.append(item)
            if len(articles) + len(errors) >= size:
                flush()
            yield item
        if articles or errors or clear:
            flush()
