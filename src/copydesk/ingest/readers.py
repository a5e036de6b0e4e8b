"""One reader per input format. Each yields RawRecords, or InputErrors for the
records it cannot use, and goes on with the rest of its input."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Callable, Iterator, TextIO

from ..config import IngestSettings
from ..errors import FormatError, InputError, TooLargeError
from ..model import RawRecord
from .files import decode, read_bytes
from .records import from_mapping, make_record

Item = RawRecord | InputError


def read_text(path: Path, name: str, settings: IngestSettings) -> Iterator[Item]:
    content = decode(read_bytes(path, settings.max_file_bytes))
    yield make_record(_stem(path), input=name, record=None, fmt="text", content=content)


def read_html(path: Path, name: str, settings: IngestSettings) -> Iterator[Item]:
    content = decode(read_bytes(path, settings.max_file_bytes))
    yield make_record(_stem(path), input=name, record=None, fmt="html", content=content)


def read_json(path: Path, name: str, settings: IngestSettings) -> Iterator[Item]:
    text = decode(read_bytes(path, settings.max_file_bytes))
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormatError(f"malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from exc
    stem = _stem(path)
    if isinstance(data, list):
        yield from _json_list(data, stem, name)
    elif isinstance(data, dict) and isinstance(data.get("articles"), list):
        yield from _json_list(data["articles"], stem, name)
    else:
        yield from_mapping(data, default_id=stem, input=name, record=None)


def _json_list(items: list, stem: str, name: str) -> Iterator[Item]:
    for i, obj in enumerate(items):
        where = f"item {i}"
        try:
            yield from_mapping(obj, default_id=f"{stem}-{i}", input=name, record=where)
        except InputError as exc:
            yield exc.at(input=name, record=where)


def read_jsonl_stream(stream: TextIO, stem: str, name: str, settings: IngestSettings) -> Iterator[Item]:
    for lineno, line in enumerate(stream, start=1):
        where = f"line {lineno}"
        if not line.strip():
            continue
        if len(line) > settings.max_record_bytes:
            yield TooLargeError(
                f"record of {len(line):,} characters is over the limit of {settings.max_record_bytes:,} "
                "(ingest.max_record_bytes)", input=name, record=where)
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield FormatError(f"malformed JSON: {exc.msg.removesuffix(' at')} at column {exc.colno}", input=name, record=where)
            continue
        try:
            yield from_mapping(obj, default_id=f"{stem}-{lineno}", input=name, record=where)
        except InputError as exc:
            yield exc.at(input=name, record=where)


def read_jsonl(path: Path, name: str, settings: IngestSettings) -> Iterator[Item]:
    text = decode(read_bytes(path, settings.max_file_bytes))
    yield from read_jsonl_stream(io.StringIO(text), _stem(path), name, settings)


def read_warc(path: Path, name: str, settings: IngestSettings) -> Iterator[Item]:
    """HTML responses (and resource records) of a WARC file, gzipped or not."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    stem = _stem(path)
    n = 0
    try:
        with open(path, "rb") as fh:
            for rec in ArchiveIterator(fh, arc2warc=True):
                if rec.rec_type not in ("response", "resource", "conversion"):
                    continue
                ctype = (rec.http_headers.get_header("Content-Type") if rec.http_headers else None) or (
                    rec.rec_headers.get_header("Content-Type") or "")
                if rec.rec_type == "response" and rec.http_headers is None:
                    continue
                if "html" not in ctype.lower() and "text/plain" not in ctype.lower():
                    continue
                n += 1
                uri = rec.rec_headers.get_header("WARC-Target-URI")
                where = f"record {n} ({uri})" if uri else f"record {n}"
                try:
                    body = rec.content_stream().read(settings.max_record_bytes + 1)
                    if len(body) > settings.max_record_bytes:
                        raise TooLargeError(f"record is over the limit of {settings.max_record_bytes:,} bytes")
                    content = decode(body)
                    meta = {"url": uri, "published": rec.rec_headers.get_header("WARC-Date")}
                    fmt = "text" if "text/plain" in ctype.lower() else "html"
                    yield make_record(f"{stem}-{n}", input=name, record=where, fmt=fmt, content=content, meta=meta)
                except InputError as exc:
                    yield exc.at(input=name, record=where)
    except (ArchiveLoadFailed, EOFError, OSError, ValueError) as exc:
        reason = "truncated or corrupt WARC" if n else "not a readable WARC file"
        yield FormatError(f"{reason} ({type(exc).__name__}: {exc})", input=name,
                          record=f"after record {n}" if n else None)
    if n == 0:
        yield FormatError("WARC file holds no HTML or text responses", input=name)


def _stem(path: Path) -> str:
    name = path.name
    for suffix in (".gz",):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
    return Path(name).stem


READERS: dict[str, Callable[[Path, str, IngestSettings], Iterator[Item]]] = {
    "text": read_text,
    "html": read_html,
    "json": read_json,
    "jsonl": read_jsonl,
    "warc": read_warc,
}
