"""The fingerprint stage as a per-record pipeline step, run at ingest.

Fingerprinting (tokens, MinHash sketches, LSH band keys, sentence hashes) needs
the article alone, so it runs in the same worker processes as extraction and
segmentation; the store writes the rows with the articles, and the reuse
engine's ``fingerprint`` then finds them made (same body hash and parameters).
The story clustering's term counts (``stories.terms``) are made here too, for the
same reason."""

from __future__ import annotations

from typing import Any, Iterable, Iterator, NamedTuple

from ..config import ReuseSettings
from ..model import Article
from ..pipeline import Context


class Fingerprinted(NamedTuple):
    """An article with its stored fingerprint row (see ``relate.candidates.fingerprint_rows``)."""

    #: the Article; its row (``store.sqlite.ArticleRow``, a named tuple of the articles table's columns)
    #: once ``store.step.EncodeStep`` has encoded it for the store
    article: Article | tuple[Any, ...]
    row: tuple[str, str, str, bytes, bytes, bytes, bytes]
    #: the article's story terms (``stories.terms.story_terms``), None when they could not be made
    terms: bytes | None = None


class FingerprintStep:
    name = "fingerprint"
    batch = 64  # articles fingerprinted together: numpy and rensa calls are made per batch

    def __init__(self, settings: ReuseSettings, *, terms: bool = True):
        from ..relate.candidates import fingerprint_params

        self.params = fingerprint_params(settings)
        self.terms = terms  # False: no story terms (a copies-only run; the stories stage makes them if ever run)

    def apply(self, item: Any) -> Any:
        return self.apply_many([item])[0]

    def apply_many(self, items: list[Any]) -> list[Any]:
        """``[apply(item) for item in items]``, the articles among them fingerprinted together."""
        from ..relate.candidates import fingerprint_rows

        articles = [i for i in items if isinstance(i, Article)]
        if not articles:
            return list(items)
        from .hashes import token_table

        try:
            table = token_table([a.text for a in articles], [a.sentences for a in articles])
            rows = iter(fingerprint_rows(articles, self.params, table))
        except Exception:  # noqa: BLE001 - one at a time, so one bad article leaves the others fingerprinted
            if len(articles) == 1:
                return list(items)  # left to the reuse engine, which fingerprints what has no row
            return [self.apply(i) for i in items]
        terms = iter(_terms(articles) if self.terms else [None] * len(articles))
        return [Fingerprinted(i, next(rows), next(terms)) if isinstance(i, Article) else i for i in items]

    def run(self, items: Iterable[Any], ctx: Context) -> Iterator[Any]:
        pending: list[Any] = []
        for item in items:
            pending.append(item)
            if len(pending) >= self.batch:
                yield from self.apply_many(pending)
                pending = []
        yield from self.apply_many(pending)


def _terms(articles: list[Article]) -> list[bytes | None]:
    """The articles' story terms (None for one whose terms could not be made)."""
    from ..stories.terms import article_terms

    try:
        return list(article_terms(articles))
    except Exception:  # noqa: BLE001 - one at a time; the stories stage makes what is missing, and reports its errors there
        if len(articles) == 1:
            return [None]
        return [_terms([a])[0] for a in articles]
