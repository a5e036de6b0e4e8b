"""One reader per input format. Each yields RawRecords, or InputErrors for the
records it cannot use, and goes on with the rest of its input."""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from ..config import IngestSettings
from ..errors import EmptyInputError, FormatError, InputError, TooLargeError
from ..model import InputMark, RawRecord
from .files import (compression_of, declared_encoding, decode, decompress_errors, decompress_message, looks_binary,
                    open_binary, read_bytes, stem_of)
from .records import from_mapping, has_text_field, make_record

Item = RawRecord | InputError | InputMark


def read_text(path: Path, name: str, settings: IngestSettings) -> Iterator[Item]:
    content = decode(read_bytes(path, settings.max_file_bytes))
    yield make_record(stem_of(path), input=name, record=None, fmt="text", content=content)


def read_html(path: Path, name: str, settings: IngestSettings) -> Iterator[Item]:
    content = decode(read_bytes(path, settings.max_file_bytes))
    yield make_record(stem_of(path), input=name, record=None, fmt="html", content=content)


def read_json(path: Path, name: str, settings: IngestSettings) -> Iterator[Item]:
    """A JSON file: one article, ``{"articles": [...]}``, or a list of articles. A list in UTF-8
    (as scrapers export their items: Scrapy's ``-o items.json``) is streamed with ijson an item
    at a time, so it has no size limit (its items do): a malformed part ends the file there,
    the items before it kept. An object is read whole, up to ``ingest.max_file_bytes``."""
    head = _head(path)
    try:
        data = read_bytes(path, settings.max_file_bytes)
    except TooLargeError:
        if head.removeprefix(codecs.BOM_UTF8).lstrip()[:1] != b"[" or looks_binary(head):
            raise
        # a list over the limit is streamed (one within it is read whole: json.loads takes NaN, huge
        # numbers and other encodings)
        yield from _json_array(path, name, settings)
        return
    text = decode(data)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormatError(f"malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from exc
    except RecursionError as exc:  # e.g. "[[[[...": json.loads recurses; it must not stop the run
        raise FormatError("malformed JSON: nested too deeply") from exc
    stem = stem_of(path)
    if isinstance(data, list):
        yield from _json_list(data, stem, name)
    elif isinstance(data, dict) and isinstance(data.get("articles"), list):
        yield from _json_list(data["articles"], stem, name)
    else:
        yield from_mapping(data, default_id=stem, input=name, record=None)


def _table_record(obj: Any, what: str, default_id: str, name: str, where: str, settings: IngestSettings) -> Item:
    """A row or item of a CSV, Parquet or JSON-list input as a record; one whose text fields are
    over ``ingest.max_record_bytes`` characters, or that ``from_mapping`` refuses, is an error
    naming it."""
    chars = sum(len(v) for v in obj.values() if isinstance(v, str)) if isinstance(obj, dict) else 0
    if chars > settings.max_record_bytes:
        return TooLargeError(f"{what} of {chars:,} characters is over the limit of {settings.max_record_bytes:,} "
                             "(ingest.max_record_bytes)", input=name, record=where)
    try:
        return from_mapping(obj, default_id=default_id, input=name, record=where)
    except InputError as exc:
        return exc.at(input=name, record=where)


def _json_array(path: Path, name: str, settings: IngestSettings) -> Iterator[Item]:
    import ijson

    stem = stem_of(path)
    i = -1
    try:
        with open_binary(path) as fh:
            if fh.peek(3)[:3] == codecs.BOM_UTF8:  # (every stream open_binary gives can peek)
                fh.read(3)
            for i, obj in enumerate(ijson.items(fh, "item", use_float=True)):
                yield _table_record(obj, "item", f"{stem}-{i}", name, f"item {i}", settings)
    except ijson.JSONError as exc:
        why = (str(exc).strip().splitlines() or [type(exc).__name__])[0].strip("b'\" ")
        yield FormatError(f"malformed JSON ({why}); the rest of the file was not read", input=name,
                          record=f"item {i + 1}")
    except decompress_errors() as exc:
        yield FormatError(f"{decompress_message(path, exc)}; the rest of the file was not read", input=name,
                          record=f"item {i + 1}")


def _json_list(items: list, stem: str, name: str) -> Iterator[Item]:
    for i, obj in enumerate(items):
        where = f"item {i}"
        try:
            yield from_mapping(obj, default_id=f"{stem}-{i}", input=name, record=where)
        except InputError as exc:
            yield exc.at(input=name, record=where)


def read_jsonl_stream(stream: Iterable[str], stem: str, name: str, settings: IngestSettings) -> Iterator[Item]:
    yield from _jsonl_records(enumerate(stream, start=1), stem, name, settings)


def _jsonl_records(lines: Iterable[tuple[int, str]], stem: str, name: str, settings: IngestSettings) -> Iterator[Item]:
    for lineno, line in lines:
        if lineno < 0:  # a line that could not be read: the message comes in place of the text
            yield FormatError(line, input=name, record=f"line {-lineno}")
            continue
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
        except RecursionError:  # a line of "[[[[...": an error for this line, the rest is still read
            yield FormatError("malformed JSON: nested too deeply", input=name, record=where)
            continue
        try:
            yield from_mapping(obj, default_id=f"{stem}-{lineno}", input=name, record=where)
        except InputError as exc:
            yield exc.at(input=name, record=where)


def read_jsonl(path: Path, name: str, settings: IngestSettings) -> Iterator[Item]:
    """JSON Lines, streamed: a JSONL file has no size limit (its records do), so corpora of
    any size are read in constant memory. Each line is UTF-8, or decoded by detection."""
    head = _head(path)
    if not head.strip():
        raise EmptyInputError("empty file")
    if looks_binary(head):
        raise FormatError("binary data, not text")
    declared = declared_encoding(head)
    if declared and declared not in ("utf-8", "utf-8-sig"):  # UTF-16/32 lines cannot be split as bytes
        text = decode(read_bytes(path, settings.max_file_bytes))
        yield from read_jsonl_stream(io.StringIO(text), stem_of(path), name, settings)
        return
    yield from _jsonl_records(_decoded_lines(path, name), stem_of(path), name, settings)


def read_csv(path: Path, name: str, settings: IngestSettings, *, delimiter: str = ",") -> Iterator[Item]:
    """CSV (or, with ``delimiter="\\t"``, TSV) with a header row naming the fields, as news datasets
    come (``title,publication,date,url,content``): each row a record, its fields read as a JSON
    record's are (``records.from_mapping``: the same field names and aliases). A quoted field
    may span lines, as article texts do. UTF-8 files are streamed in constant memory; a file in
    another encoding is decoded whole (``files.decode``, up to ``ingest.max_file_bytes``). A row
    that lacks an article text or is over ``ingest.max_record_bytes`` is an error naming its
    row, and the rest is read; a row the csv module cannot parse, or a truncated gzip stream,
    ends the file there (the rows before it are kept)."""
    head = _head(path)
    if not head.strip():
        raise EmptyInputError("empty file")
    if looks_binary(head):
        raise FormatError("binary data, not text")
    try:
        head.decode("utf-8")
        utf8 = True
    except UnicodeDecodeError as exc:
        utf8 = exc.start >= len(head) - 3  # only a character cut at the end of the sample
    if delimiter == ",":
        delimiter = _header_delimiter(head)
    stem = stem_of(path)
    if not utf8:
        text = decode(read_bytes(path, settings.max_file_bytes))
        yield from _csv_rows(io.StringIO(text.removeprefix("\ufeff"), newline=""), stem, name, settings, delimiter)
        return
    try:
        with open_binary(path) as raw:
            # (bytes past the sample that are not UTF-8 are replaced: one bad byte costs a character)
            stream = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")
            yield from _csv_rows(stream, stem, name, settings, delimiter)
    except decompress_errors() as exc:
        yield FormatError(f"{decompress_message(path, exc)}; the rest of the file was not read", input=name)


def _header_delimiter(head: bytes) -> str:
    """The delimiter of a ``.csv`` file: a comma, unless its header row has none and does have
    semicolons (spreadsheets in locales whose decimal mark is a comma), tabs or bars."""
    first = head.split(b"\n", 1)[0]
    if b"," in first:
        return ","
    counts = {d: first.count(d.encode()) for d in (";", "\t", "|")}
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] else ","


def table_rows(stream: Iterable[str], delimiter: str) -> Iterator[tuple[int, dict[str, str]]]:
    """The rows of a CSV/TSV text whose header row names the fields: (row number, {field: cell})
    for each row with something in it, empty cells and unnamed columns left out. No header is a
    ``FormatError``; the csv module's own errors (``csv.Error``) pass through: after one it
    cannot say where the next row starts."""
    # article texts are longer than the csv module's default field limit (131,072 characters), and a
    # field over the limit leaves the reader inside it (the rows after it come out as garbage): no
    # limit there, the callers check each record's size
    csv.field_size_limit(2**31 - 1)
    rows = csv.reader(stream, delimiter=delimiter)
    header = next(rows, None)
    if not header or not any(h.strip() for h in header):
        raise FormatError("no header row naming the fields (title, text, ...)")
    fields = [h.strip() for h in header]
    for row_no, row in enumerate(rows, start=1):
        if any(cell.strip() for cell in row):
            yield row_no, {f: cell for f, cell in zip(fields, row) if f and cell.strip()}


def _csv_rows(stream: Iterable[str], stem: str, name: str, settings: IngestSettings,
              delimiter: str) -> Iterator[Item]:
    row_no = 0
    try:
        for row_no, obj in table_rows(stream, delimiter):
            yield _table_record(obj, "row", f"{stem}-{row_no}", name, f"row {row_no}", settings)
    except csv.Error as exc:
        yield FormatError(f"unreadable CSV row ({exc}); the rest of the file was not read", input=name,
                          record=f"row {row_no + 1}")
        return
    if row_no == 0:
        raise EmptyInputError("no rows after the header")


def read_tsv(path: Path, name: str, settings: IngestSettings) -> Iterator[Item]:
    yield from read_csv(path, name, settings, delimiter="\t")


def _head(path: Path, size: int = 65536) -> bytes:
    """The first ``size`` bytes (decompressed), or what comes before a truncated compressed stream
    ends: the records in it are still read, and the stream's end is an error after them."""
    got = b""
    try:
        with open_binary(path) as fh:
            while len(got) < size:
                chunk = fh.read(min(8192, size - len(got)))
                if not chunk:
                    break
                got += chunk
            return got
    except decompress_errors() as exc:
        if got and compression_of(path):
            return got
        raise FormatError(decompress_message(path, exc)) from exc


def _decoded_lines(path: Path, name: str) -> Iterator[tuple[int, str]]:
    lineno = 0
    try:
        with open_binary(path) as fh:
            for lineno, raw in enumerate(fh, start=1):
                if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
                    raw = raw[3:]
                try:
                    line = raw.decode("utf-8")
                except UnicodeDecodeError:
                    try:
                        line = decode(raw)
                    except InputError as exc:
                        yield -lineno, str(exc.reason)  # the error names the line
                        continue
                yield lineno, line
    except decompress_errors() as exc:
        yield -(lineno + 1), f"{decompress_message(path, exc)} after line {lineno}"


def read_warc(path: Path, name: str, settings: IngestSettings, *, whole: bool | None = None,
              skip: int = 0) -> Iterator[Item]:
    """HTML responses (and resource records) of a WARC file: plain, gzipped record by record (as
    crawlers write them, read by warcio) or compressed whole (.warc.bz2, .warc.xz, .warc.zst, and
    a .warc.gz made by gzipping the whole file: warcio refuses that one at its second record, and
    the file is then read on as one stream, past the ``skip`` records already read)."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.bufferedreaders import ChunkedDataException
    from warcio.exceptions import ArchiveLoadFailed
    from warcio.statusandheaders import StatusAndHeadersParserException

    stem = stem_of(path)
    n = done = 0  # HTML records met, and read (or reported) to their end
    if whole is None:
        whole = compression_of(path) not in (None, "gzip")  # a stream of unknown size, decompressed here
    try:
        with (open_binary(path) if whole else open(path, "rb")) as fh:
            size = None if whole else os.fstat(fh.fileno()).st_size
            records = ArchiveIterator(fh, arc2warc=True)
            for rec in records:
                # warcio yields a record for a half-written header block (a WARC-Type cut to
                # "r", no Content-Length) instead of failing: that is a truncated file.
                if rec.format == "warc" and (rec.rec_type not in _WARC_TYPES
                                             or not (rec.rec_headers.get_header("Content-Length") or "").isdigit()):
                    raise EOFError(f"an incomplete record header (WARC-Type {rec.rec_type!r})")
                ctype = (rec.http_headers.get_header("Content-Type") if rec.http_headers else None) or (
                    rec.rec_headers.get_header("Content-Type") or "")
                if (rec.rec_type not in ("response", "resource", "conversion")
                        or (rec.rec_type == "response" and rec.http_headers is None)
                        or ("html" not in ctype.lower() and "text/plain" not in ctype.lower())):
                    # not an article, but a record cut short still means the file is truncated
                    # (e.g. a response cut inside its HTTP headers no longer looks like HTML)
                    missing = _missing_bytes(rec)
                    if missing:
                        raise EOFError(f"a {rec.rec_type} record is missing {missing:,} bytes of its Content-Length")
                    continue
                n += 1
                if n <= skip:
                    done = n
                    continue
                uri = rec.rec_headers.get_header("WARC-Target-URI")
                where = f"record {n} ({uri})" if uri else f"record {n}"
                try:
                    body = rec.content_stream().read(settings.max_record_bytes + 1)
                    if len(body) > settings.max_record_bytes:
                        raise TooLargeError(f"record is over the limit of {settings.max_record_bytes:,} bytes")
                    missing = _missing_bytes(rec)
                    if missing:
                        raise FormatError(f"truncated WARC record: {missing:,} bytes of its Content-Length are missing")
                    content = decode(body)
                    # the crawl time: when the page was seen, a stand-in for its publication date only
                    # where the page declares none (a crawl can fetch an original after its copies)
                    meta = {"url": uri, "crawled": rec.rec_headers.get_header("WARC-Date")}
                    fmt = "text" if "text/plain" in ctype.lower() else "html"
                    yield make_record(f"{stem}-{n}", input=name, record=where, fmt=fmt, content=content, meta=meta)
                except InputError as exc:
                    yield exc.at(input=name, record=where)
                done = n
            # warcio also stops silently at a record whose headers (or gzip member) were cut
            # off: its offset then stays at the end of the last whole record, short of the
            # file's end. Without this check a truncated WARC would look complete.
            if size is None:
                if fh.read(1):
                    raise EOFError(f"the bytes at offset {records.offset:,} are not a complete record")
            elif records.offset < size:
                raise EOFError(f"{size - records.offset:,} bytes at offset {records.offset:,} "
                               "are not a complete record")
    # warcio raises unrelated types for a record cut inside its headers (an AttributeError
    # when WARC-Target-URI is missing, a parser exception for a half header line); they
    # must become an error for this file, not stop the whole run.
    except (ArchiveLoadFailed, StatusAndHeadersParserException, ChunkedDataException,
            ValueError, AttributeError, TypeError, *decompress_errors()) as exc:
        if isinstance(exc, ArchiveLoadFailed) and "non-chunked" in str(exc) and not whole:
            yield from read_warc(path, name, settings, whole=True, skip=n)
            return
        reason = "truncated or corrupt WARC" if n else "not a readable WARC file"
        # (warcio's AttributeError and TypeError say only what was None, not what is wrong with the file)
        why = ("a record's headers are cut off or lack a required field" if isinstance(exc, (AttributeError, TypeError))
               else f"{type(exc).__name__}: {exc}")
        where = f"record {n}" if n > done else (f"after record {n}" if n else None)  # cut inside record n, or after it
        yield FormatError(f"{reason} ({why})", input=name, record=where)
        return  # one error per broken file: not also "holds no HTML" below
    if n == 0:
        yield FormatError("WARC file holds no HTML or text responses", input=name)


_WARC_TYPES = ("warcinfo", "response", "resource", "request", "metadata", "revisit", "conversion", "continuation")


def _missing_bytes(rec) -> int:
    """How many bytes of a WARC record's Content-Length the file lacks (0: complete).

    warcio does not complain when a record ends before its Content-Length (a file cut
    inside a record): read what is left of the record and see what its limit still wants."""
    while rec.raw_stream.read(1 << 16):
        pass
    return max(0, getattr(rec.raw_stream, "limit", 0) or 0)


def read_feed(path: Path, name: str, settings: IngestSettings) -> Iterator[Item]:
    """An RSS or Atom feed (any dialect feedparser reads: RSS 0.9x-2.0, RSS 1.0, Atom): each item a
    record, read as a JSON record's fields are (``records.from_mapping``): the full text
    (``content:encoded``, Atom ``content``) where the feed carries it, else the summary, both
    usually HTML; the item's id or link, title, link, date, author, and the feed's title as the
    outlet. An item without any text is an error naming it; the rest is read. feedparser is
    given the file's bytes, so it fetches nothing."""
    import feedparser

    data = read_bytes(path, settings.max_file_bytes)
    if not data.strip():
        raise EmptyInputError("empty file")
    feed = feedparser.parse(data)
    if not feed.entries:
        why = f" ({feed.bozo_exception})" if feed.get("bozo") and feed.get("bozo_exception") else ""
        raise FormatError(f"no RSS or Atom items in this file{why}")
    outlet = (feed.feed.get("title") or "").strip() or None
    stem = stem_of(path)
    for n, entry in enumerate(feed.entries, 1):
        link = entry.get("link")
        where = f"item {n}" + (f" ({link})" if link else "")
        contents = [c.get("value") for c in entry.get("content") or () if c.get("value")]
        record = {
            "id": entry.get("id") or link, "title": entry.get("title"), "url": link,
            "published": entry.get("published") or entry.get("updated"), "author": entry.get("author"),
            "source": (entry.get("source") or {}).get("title") or outlet,
            "text": max(contents, key=len) if contents else entry.get("summary"),
        }
        try:
            yield from_mapping({k: v for k, v in record.items() if v}, default_id=f"{stem}-{n}", input=name,
                               record=where)
        except InputError as exc:
            yield exc.at(input=name, record=where)


def read_parquet(path: Path, name: str, settings: IngestSettings) -> Iterator[Item]:
    """A Parquet table (as news datasets are published: Hugging Face exports, Common Crawl News
    extracts), read with pyarrow (the ``parquet`` extra) one row group at a time, a batch of
    rows at a time: each row a record, its columns read as a JSON record's fields are
    (``records.from_mapping``: the same names and aliases). Date and time columns come as ISO
    text (a value out of range as none), binary columns are decoded as text. A row without an
    article text, or one over ``ingest.max_record_bytes``, is an error naming its row; a table
    with no column that can hold one is one error naming its columns; a row group that cannot
    be read is an error naming its rows, and the other row groups are read. (A compressed
    ``.parquet.gz`` is read into memory whole, up to ``ingest.max_file_bytes``: Parquet needs
    to seek.)"""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise FormatError('reading Parquet needs the pyarrow package: pip install "copydesk[parquet]"') from None
    stem = stem_of(path)
    try:
        source = pa.BufferReader(read_bytes(path, settings.max_file_bytes)) if compression_of(path) else str(path)
        # (without pre-buffering, a batch costs its rows' pages, not its whole row group)
        table = pq.ParquetFile(source, pre_buffer=False, buffer_size=1 << 20)
    except (pa.ArrowException, OSError) as exc:
        raise FormatError(f"not a readable Parquet file ({exc})") from exc
    if table.metadata.num_rows == 0:
        raise EmptyInputError("no rows in this Parquet table")
    columns = table.schema_arrow.names
    if not has_text_field(columns):
        raise FormatError(f"no column holds an article's text (text, body, content, html, ...): the columns "
                          f"are {', '.join(columns[:20])}{', ...' if len(columns) > 20 else ''}")
    first = 0  # the row number before the row group
    for group in range(table.num_row_groups):
        size = table.metadata.row_group(group).num_rows
        row_no = first
        try:
            for batch in table.iter_batches(batch_size=256, row_groups=[group]):
                for row in _batch_rows(batch):
                    row_no += 1
                    obj = {k: _cell(v) for k, v in row.items() if v is not None}
                    yield _table_record(obj, "row", f"{stem}-{row_no}", name, f"row {row_no}", settings)
        except (pa.ArrowException, OSError, ValueError, OverflowError) as exc:
            yield FormatError(f"unreadable Parquet data in row group {group + 1} ({exc}); rows {row_no + 1} to "
                              f"{first + size} were not read", input=name, record=f"row {row_no + 1}")
        first += size


def _batch_rows(batch) -> list[dict]:
    """A record batch's rows as dicts, its date and time columns as ISO text first (pyarrow would
    make Python datetimes, and fail on a value out of their range)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    for i, field in enumerate(batch.schema):
        if pa.types.is_timestamp(field.type) or pa.types.is_date(field.type) or pa.types.is_time(field.type):
            text = pc.cast(batch.column(i), pa.string())
            text = pc.if_else(pc.starts_with(text, "<"), pa.scalar(None, pa.string()), text)  # "<value out of range>"
            batch = batch.set_column(i, field.name, text)
    return batch.to_pylist()


def _cell(value):
    """A Parquet cell as a JSON record would hold it: text for bytes, an integral float (as
    pandas writes an integer column with nulls) as an integer, no nulls in a list."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        try:
            return decode(bytes(value))
        except InputError:
            return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [v for v in value if v is not None]
    return value


READERS: dict[str, Callable[[Path, str, IngestSettings], Iterator[Item]]] = {
    "text": read_text,
    "html": read_html,
    "json": read_json,
    "jsonl": read_jsonl,
    "csv": read_csv,
    "tsv": read_tsv,
    "warc": read_warc,
    "feed": read_feed,
    "parquet": read_parquet,
}
