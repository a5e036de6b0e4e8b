"""The fingerprint stage as a per-record pipeline step, run at ingest.

Fingerprinting (tokens, MinHash sketches, LSH band keys, sentence hashes) needs
the article alone, so it runs in the same worker processes as extraction and
segmentation; the store writes the rows with the articles, and the reuse
engine's ``fingerprint`` then finds them made (same body hash and parameters)."""

from __future__ import annotations

from typing import Any, Iterable, Iterator, NamedTuple

from ..config import ReuseSettings
from ..model import Article
from ..pipeline import Context


class Fingerprinted(NamedTuple):
    """An article with its stored fingerprint row (see ``relate.engine.fingerprint_rows``)."""

    article: Article
    row: tuple[str, str, str, bytes, bytes, bytes, bytes]


class FingerprintStep:
    name = "fingerprint"

    def __init__(self, settings: ReuseSettings):
        from ..relate.engine import fingerprint_params

        self.params = fingerprint_params(settings)

    def apply(self, item: Any) -> Any:
        if not isinstance(item, Article):
            return item
        from ..relate.engine import fingerprint_rows

        try:
            (row,) = fingerprint_rows([item], self.params)
        except Exception:  # noqa: BLE001 - left to the reuse engine, which fingerprints what has no row
            return item
        return Fingerprinted(item, row)

    def run(self, items: Iterable[Any], ctx: Context) -> Iterator[Any]:
        for item in items:
            yield self.apply(item)
