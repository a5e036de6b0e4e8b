"""The store stage: encode each article as the store holds it (``EncodeStep``, a per-record
step, so it runs in the ingest's worker processes), then write articles and errors in
batches of one transaction each (``WriteStep``, in the one process that holds the store)."""

from __future__ import annotations

from typing import Any, Callable, Iterable, Iterator

from ..fingerprint.step import Fingerprinted
from ..model import Article, ErrorRecord, InputMark
from ..pipeline import Context
from ..stories.terms import TERMS_VERSION


class EncodeStep:
    """Article -> what the store writes of it (``encode``: the store's ``encode_article``); a
    fingerprinted article keeps its fingerprint row and terms. Run in the ingest's worker
    processes, so that what crosses back is strings and bytes, cheap to pass, and the encoding
    is done where the CPUs are."""

    name = "store"

    def __init__(self, encode: Callable[[Article], Any]):
        self.encode = encode  # a module-level function: the step is pickled to the workers

    def apply(self, item: Any) -> Any:
        if isinstance(item, Fingerprinted):
            return item._replace(article=self.encode(item.article))
        if isinstance(item, Article):
            return self.encode(item)
        return item

    def run(self, items: Iterable[Any], ctx: Context) -> Iterator[Any]:
        for item in items:
            yield self.apply(item)


class WriteStep:
    name = "store"

    def run(self, items: Iterable[Any], ctx: Context) -> Iterator[Any]:
        size = ctx.settings.ingest.batch_size
        articles: list[Any] = []  # Articles, or what EncodeStep made of them
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
            if isinstance(item, ErrorRecord):
                errors.append(item)
            elif isinstance(item, (Article, tuple)):  # an Article, or its row (a named tuple)
                articles.append(item)
            if len(articles) + len(errors) >= size:
                flush()
            yield item
        if articles or errors or clear:
            flush()
