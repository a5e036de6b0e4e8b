"""Finding input files, reading their bytes safely, and decoding them to text."""

from __future__ import annotations

import codecs
import gzip
import re
import zlib
from pathlib import Path
from typing import BinaryIO, Iterator

from ..errors import DecodeError, EmptyInputError, FormatError, TooLargeError

#: suffix (after an optional .gz) -> reader format
FORMATS = {
    ".txt": "text", ".text": "text",
    ".html": "html", ".htm": "html", ".xhtml": "html", ".shtml": "html",
    ".json": "json",
    ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".csv": "csv", ".tsv": "tsv",
    ".warc": "warc", ".arc": "warc",
    ".rss": "feed", ".atom": "feed", ".xml": "feed",
}


def format_of(path: Path) -> str | None:
    """The reader format of a path from its suffixes (``a.jsonl.gz`` -> ``jsonl``)."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return FORMATS.get(suffixes[-1]) if suffixes else None


def is_gzipped(path: Path) -> bool:
    return path.suffix.lower() == ".gz"


def walk(path: Path) -> Iterator[tuple[Path, str | None]]:
    """Files under ``path`` (recursive, sorted, hidden ones skipped) with their format.

    Files of unknown format inside a directory yield ``None`` as their format so the
    caller can count them as skipped; an explicitly named file is always read."""
    if path.is_dir():
        for child in sorted(path.rglob("*")):
            rel = child.relative_to(path)
            if any(part.startswith(".") for part in rel.parts) or not child.is_file():
                continue
            yield child, format_of(child)
    else:
        yield path, format_of(path) or "text"


def read_limited(stream: BinaryIO, limit: int, *, what: str) -> bytes:
    """Read at most ``limit`` bytes, raising TooLargeError when there is more."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise TooLargeError(f"{what} is larger than the limit of {limit:,} bytes (ingest.max_file_bytes)")
    return data


def read_bytes(path: Path, limit: int) -> bytes:
    """A file's bytes, gunzipped if it ends in .gz, within ``limit``."""
    try:
        if is_gzipped(path):
            with gzip.open(path, "rb") as fh:
                data = read_limited(fh, limit, what="decompressed file")
        else:
            if path.stat().st_size > limit:
                raise TooLargeError(
                    f"file is {path.stat().st_size:,} bytes, over the limit of {limit:,} (ingest.max_file_bytes)"
                )
            data = path.read_bytes()
    except (EOFError, zlib.error) as exc:
        raise FormatError(f"truncated or corrupt gzip data ({exc})") from exc
    except gzip.BadGzipFile as exc:
        raise FormatError(f"not a gzip file although it ends in .gz ({exc})") from exc
    except OSError as exc:
        raise FormatError(f"cannot read file: {exc.strerror or exc}") from exc
    if not data.strip():
        raise EmptyInputError("empty file")
    return data


_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_\-.]+)""", re.I)


def declared_encoding(data: bytes) -> str | None:
    """The encoding the bytes declare: a BOM, an HTML meta charset or an XML declaration."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    head = data[:4096]
    m = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    if m:
        name = m.group(1).decode("ascii", "ignore").lower()
        try:
            return codecs.lookup(name).name
        except LookupError:
            return None
    return None


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control characters near the start (and no UTF-16/32 BOM)."""
    if any(data.startswith(bom) for bom, _ in _BOMS):
        return False
    head = data[:8192]
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return controls > max(8, len(head) // 100)


def decode(data: bytes) -> str:
    """Decode bytes: the declared encoding, then UTF-8, then cp1252 when the bytes read
    as Western European text (see _as_western), then the detected one.

    Among detected encodings a Western one (cp1252) wins a tie, since it is by far
    the most common non-UTF-8 encoding of English news pages."""
    if looks_binary(data):
        raise FormatError("binary data, not text")
    declared = declared_encoding(data)
    tried = []
    for enc in (declared, "utf-8"):
        if enc and enc not in tried:
            tried.append(enc)
            try:
                return data.decode(enc)
            except (UnicodeDecodeError, LookupError):
                continue
    western = _as_western(data)
    if western is not None:
        return western
    from charset_normalizer import from_bytes

    matches = from_bytes(data)
    best = matches.best()
    if best is None:
        raise DecodeError(
            "cannot decode the bytes: not " + ", ".join(tried) + ", and no encoding could be detected"
        )
    chosen = best
    for m in matches:
        if m.encoding in ("cp1252", "latin_1", "iso8859_15") and m.chaos <= best.chaos + 0.02:
            chosen = m
            break
    return str(chosen)


#: the non-ASCII characters of Western European text in cp1252: Latin-1 letters, the
#: letters and typographic punctuation of cp1252's 0x80-0x9F range, common symbols
_WESTERN_LETTERS = "ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞßàáâãäåæçèéêëìíîïðñòóôõöøùúûüýþÿŒœŠšŽžŸƒ"
_NOT_WESTERN = re.compile("[^\x00-\x7f" + _WESTERN_LETTERS + "‘’‚“”„–—…•€™†‡‰‹›«»°£¥¢§©®¡¿·½¼¾±×÷²³ºªµ\xa0]")
_ACCENTED = re.compile(f"[{_WESTERN_LETTERS}]")
_ACCENTED_RUN = re.compile(f"[{_WESTERN_LETTERS}]{{3}}")


def _as_western(data: bytes) -> str | None:
    """The bytes as cp1252 when they read as Western European text, else None.

    Charset detection alone misreads short French/Spanish/German cp1252 text (it
    picked cp1257 for "très" -> "trčs", by a chaos margin far over the tie allowance
    below). Western text is told apart by its shape: every non-ASCII character is a
    Latin-1 letter or cp1252 punctuation, and accented letters sit among ASCII letters
    ("café"), never three in a row, as Cyrillic or Greek read through cp1252 would."""
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    if _NOT_WESTERN.search(text) or _ACCENTED_RUN.search(text) or not _ACCENTED.search(text):
        return None
    return text

