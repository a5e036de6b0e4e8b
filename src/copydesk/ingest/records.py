"""Turning what a reader found into :class:`RawRecord`s."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Mapping

import xxhash

from ..errors import EmptyInputError, FormatError
from ..model import RawRecord
from .markup import is_page, looks_like_markup, markup_to_text, unescape

#: record field -> the keys accepted for it, in order of preference. Keys are compared without
#: case, "_", "-" or spaces, so "publishedAt", "published_at" and "Published" are one key: the
#: schemas of common scrapers and news APIs (news-please, NewsAPI, GDELT, Common Crawl News
#: exports) are read as they come.
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "doc_id", "article_id", "docid", "uuid", "guid"),
    "source": ("source", "outlet", "site", "sitename", "site_name", "publisher", "source_name", "source_domain",
               "domain", "newspaper", "media", "publication"),
    "url": ("url", "link", "uri", "canonical_url", "article_url"),
    "title": ("title", "headline", "heading"),
    "published": ("published", "date", "published_at", "publish_date", "date_publish", "date_published",
                  "publication_date", "published_date", "datetime", "pubdate", "pub_date", "timestamp", "seendate"),
    "byline": ("byline", "author", "authors", "author_name", "creator"),
    # when a crawler fetched it (news-please's date_download): a bound of its publication, never taken for it
    "crawled": ("crawled", "crawled_at", "date_download", "download_date", "fetched_at", "crawl_date"),
}
TEXT_KEYS = ("text", "body", "content", "article", "maintext", "article_text", "full_text", "body_text", "story")
HTML_KEYS = ("html", "raw_html", "html_content", "page_html")


@lru_cache(maxsize=4096)
def _key(name: str) -> str:
    """A record's key compared without case or separators (cached: every record repeats its file's keys)."""
    return "".join(ch for ch in name.lower() if ch.isalnum())


_FIELD_KEYS = {field: tuple(_key(k) for k in keys) for field, keys in FIELD_ALIASES.items()}
_TEXT_KEYS = tuple(_key(k) for k in TEXT_KEYS)
_HTML_KEYS = tuple(_key(k) for k in HTML_KEYS)


#: bump when extraction or cleaning changes what an article becomes: stored articles are
#: then extracted again on the next run instead of being skipped as unchanged
CLEANING_VERSION = "clean-13"  # 6: byline dates read, posts pasted as one paragraph, "Like this story?"; 7: a
#                                page is not dated by its text, links or copyright year; 8: run-on text cleaned;
#                                9: furniture glued without full stops, one-line articles of any length;
#                                10: a crawl time kept apart from the publication date; 11: text fields in HTML markup read;
#                                12: numeric dates, tokenised times, "By Name, Outlet", outlet from its copyright line;
#                                13: a crawl time normalised as a publication date is (WARC-Date, date_download);
#                                    byline lines read part by part, a publication date over an update's


def raw_hash(id: str, fmt: str, content: str, meta: Mapping[str, Any]) -> str:
    h = xxhash.xxh3_128(CLEANING_VERSION.encode())
    for part in (id, fmt, content, *(f"{k}={meta.get(k)}" for k in sorted(meta))):
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\x1f")
    return h.hexdigest()


#: lone UTF-16 surrogates: JSON may spell them ("\\ud800"), but no UTF-8 text can hold
#: them, so the store's write would fail with UnicodeEncodeError and stop the whole run
_SURROGATE = re.compile("[\ud800-\udfff]")


def _no_surrogates(value: Any) -> Any:
    if not isinstance(value, str) or value.isascii():
        return value
    try:
        value.encode("utf-8")  # in C, ~8x faster than the regex scan on text that has none (nearly all)
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", value)
    return value


def make_record(
    id: str, *, input: str, record: str | None, fmt: str, content: str, meta: Mapping[str, Any] | None = None
) -> RawRecord:
    meta = {k: _no_surrogates(v) for k, v in (meta or {}).items() if v is not None}
    id, content = _no_surrogates(id), _no_surrogates(content)
    if not content or not content.strip():
        raise EmptyInputError("no article text", input=input, record=record)
    return RawRecord(
        id=id, input=input, record=record, format=fmt, content=content,  # type: ignore[arg-type]
        meta=meta, raw_hash=raw_hash(id, fmt, content, meta),
    )


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        parts = [str(v).strip() for v in value if v is not None and str(v).strip()]
        return ", ".join(parts) or None
    if isinstance(value, dict):  # {"name": ...} (NewsAPI's source), {"rendered": ...} (WordPress's REST API)
        return _as_text(value.get("name") if "name" in value else value.get("rendered"))
    text = unescape(str(value)).strip()
    return text or None


def text_field(value: str) -> tuple[str, str]:
    """(format, content) of a record's text field: a whole HTML page is read as a page; a body in
    HTML markup ("<p>...</p>", as CMS exports, RSS and news APIs keep it) as its text, a paragraph
    per block; character references ("&quot;", "&#8217;") in plain text as their characters."""
    if looks_like_markup(value):
        return ("html", value) if is_page(value) else ("text", markup_to_text(value))
    return "text", unescape(value)


def has_text_field(names) -> bool:
    """Whether any of a table's column ``names`` can hold an article's text or HTML."""
    keys = {_key(str(n)) for n in names}
    return any(k in keys for k in _TEXT_KEYS + _HTML_KEYS)


def from_mapping(obj: Any, *, default_id: str, input: str, record: str | None) -> RawRecord:
    """A JSON object -> RawRecord. ``id`` is kept when given, ``default_id`` otherwise."""
    if not isinstance(obj, dict):
        raise FormatError(f"expected a JSON object, got {type(obj).__name__}", input=input, record=record)
    keys: dict[str, Any] = {}
    for key, value in obj.items():
        keys.setdefault(_key(str(key)), value)
    rid = next((keys[k] for k in _FIELD_KEYS["id"] if k in keys and keys[k] is not None), None)
    if rid is None or (isinstance(rid, str) and not rid.strip()):
        rid = default_id
    elif not isinstance(rid, (str, int)):
        raise FormatError(f"'id' must be a string or number, got {type(rid).__name__}", input=input, record=record)
    rid = str(rid).strip()
    meta: dict[str, str | None] = {}
    for field, aliases in _FIELD_KEYS.items():
        if field == "id":
            continue
        for key in aliases:
            if key in keys and _as_text(keys[key]):
                meta[field] = _as_text(keys[key])
                break
    for key in _HTML_KEYS:
        if isinstance(keys.get(key), str) and keys[key].strip():
            return make_record(rid, input=input, record=record, fmt="html", content=keys[key], meta=meta)
    for key in _TEXT_KEYS:
        value = keys.get(key)
        if isinstance(value, dict) and isinstance(value.get("rendered"), str):  # WordPress: {"rendered": "<p>..."}
            value = value["rendered"]
        if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            value = "\n\n".join(value)
        if isinstance(value, str) and value.strip():
            fmt, content = text_field(value)
            return make_record(rid, input=input, record=record, fmt=fmt, content=content, meta=meta)
    # (only here, on the way to an error: the field as the record spells it)
    for key in _HTML_KEYS + _TEXT_KEYS:
        value = keys.get(key)
        if value is None or isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value)) \
                or (isinstance(value, dict) and isinstance(value.get("rendered"), str)):
            continue
        name = next(str(k) for k in obj if _key(str(k)) == key)
        wanted = "text" if not isinstance(value, list) else "text or a list of paragraphs (strings)"
        raise FormatError(f"record '{rid}': field '{name}' must be {wanted}, got {type(value).__name__}",
                          input=input, record=record)
    raise EmptyInputError(
        f"record '{rid}' has no article text (no non-empty field text, body, content, maintext, html "
        f"or another of their usual names)",
        input=input, record=record,
    )
