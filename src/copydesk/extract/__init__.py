"""extract: RawRecord -> Extracted (metadata and body paragraphs)."""

from __future__ import annotations

from ..dates import normalize_date
from ..model import Extracted, RawRecord
from .html import extract_html
from .text import extract_text

__all__ = ["extract", "extract_html", "extract_text"]


def extract(rec: RawRecord) -> Extracted:
    """HTML through trafilatura, plain text through the news-aware header rules."""
    ex = extract_html(rec) if rec.format == "html" else extract_text(rec)
    meta = dict(ex.meta)
    for key in ("published", "crawled"):
        if meta.get(key):
            meta[key] = normalize_date(meta[key])
    if meta != dict(ex.meta):
        from dataclasses import replace

        ex = replace(ex, meta=meta)
    return ex
