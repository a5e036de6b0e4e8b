"""``POST /api/articles``: a request body of articles through the same pipeline as
``copydesk analyze`` (``api.ingest`` then ``api.relate``).

The body is JSON (one article, a list, or ``{"articles": [...]}``) or JSON Lines.
Each record must be an object with an ``id``: ids are how the API keeps articles
apart across requests (the CLI's file-stem ids have no meaning here). Records that
pass these checks are handed to the pipeline as JSONL; every error, ours or the
pipeline's, names the record as the client wrote it (``item 3`` or ``line 4``)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from typing import Any

from .. import api
from ..config import Settings
from ..errors import FormatError
from ..ingest.readers import table_rows

JSON_TYPES = ("application/json",)
JSONL_TYPES = ("application/x-ndjson", "application/jsonl", "application/x-jsonlines", "application/jsonlines",
               "application/json-lines", "application/x-json-lines")
#: (a header row naming the fields, as ``copydesk analyze`` reads .csv and .tsv files)
CSV_TYPES = ("text/csv", "application/csv")
TSV_TYPES = ("text/tab-separated-values",)


class BodyError(ValueError):
    """The body as a whole cannot be used (malformed JSON, too many records, ...)."""

    def __init__(self, status: int, message: str, code: str | None = None):
        super().__init__(message)
        self.status = status
        self.code = code


@dataclass
class Parsed:
    lines: list[str] = field(default_factory=list)     # one JSON object per line, for the pipeline
    labels: list[str] = field(default_factory=list)    # how the client names each of those records
    ids: list[str] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)


def media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def parse_body(body: bytes, content_type: str | None, settings: Settings) -> Parsed:
    kind = media_type(content_type)
    if kind not in JSON_TYPES + JSONL_TYPES + CSV_TYPES + TSV_TYPES:
        raise BodyError(415, "send application/json, application/x-ndjson (JSON Lines), text/csv or "
                             f"text/tab-separated-values, not '{kind or 'nothing'}'")
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BodyError(400, f"the body is not UTF-8 (byte {exc.start})") from exc
    if not text.strip():
        raise BodyError(400, "empty body: send one article, a list, {\"articles\": [...]}, or JSON Lines")
    records: list[tuple[str, Any]] = []
    parsed = Parsed()
    if kind in JSON_TYPES:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise BodyError(400, f"malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from exc
        except RecursionError as exc:
            raise BodyError(400, "malformed JSON: nested too deeply") from exc
        if isinstance(data, dict) and isinstance(data.get("articles"), list):
            data = data["articles"]
        if isinstance(data, list):
            records = [(f"item {i}", obj) for i, obj in enumerate(data)]
        else:
            records = [("body", data)]
    elif kind in CSV_TYPES + TSV_TYPES:
        records = _table_records(text, "\t" if kind in TSV_TYPES else ",")
    else:
        for lineno, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            where = f"line {lineno}"
            if len(line) > settings.ingest.max_record_bytes:
                parsed.errors.append(_error(where, f"record of {len(line):,} characters is over the limit of "
                                                   f"{settings.ingest.max_record_bytes:,} (ingest.max_record_bytes)",
                                            "too_large"))
                continue
            try:
                records.append((where, json.loads(line)))
            except json.JSONDecodeError as exc:
                parsed.errors.append(_error(where, f"malformed JSON: {exc.msg} at column {exc.colno}", "format"))
            except RecursionError:
                parsed.errors.append(_error(where, "malformed JSON: nested too deeply", "format"))
    if len(records) + len(parsed.errors) > settings.web.max_records:
        raise BodyError(413, f"{len(records) + len(parsed.errors):,} records in one request; the limit is "
                             f"{settings.web.max_records:,} (web.max_records): send them in several requests")
    seen: dict[str, str] = {}
    for where, obj in records:
        if not isinstance(obj, dict):
            parsed.errors.append(_error(where, f"expected a JSON object, got {_json_type(obj)}", "format"))
            continue
        rid = obj.get("id")
        if isinstance(rid, bool) or not isinstance(rid, (str, int)) or not str(rid).strip():
            parsed.errors.append(_error(where, "record has no 'id' (a non-empty string or number): the API needs "
                                               "one to tell articles apart across requests", "format"))
            continue
        rid = str(rid).strip()
        if rid in seen:
            parsed.errors.append(_error(where, f"duplicate article id '{rid}' (first in {seen[rid]}); kept the first",
                                        "format"))
            continue
        seen[rid] = where
        line = json.dumps(obj, ensure_ascii=False)
        if len(line) > settings.ingest.max_record_bytes:
            parsed.errors.append(_error(where, f"record of {len(line):,} characters is over the limit of "
                                               f"{settings.ingest.max_record_bytes:,} (ingest.max_record_bytes)",
                                        "too_large"))
            continue
        parsed.lines.append(line)
        parsed.labels.append(where)
        parsed.ids.append(rid)
    return parsed


def _table_records(text: str, delimiter: str) -> list[tuple[str, Any]]:
    """The rows of a CSV/TSV body as records named "row N", its header naming their fields
    (``ingest.readers.table_rows``, as ``copydesk analyze`` reads .csv and .tsv files)."""
    out: list[tuple[str, Any]] = []
    row_no = 0
    try:
        for row_no, obj in table_rows(io.StringIO(text, newline=""), delimiter):
            out.append((f"row {row_no}", obj))
    except FormatError as exc:
        raise BodyError(400, "a CSV body needs a header row naming the fields (id, title, text, ...)") from exc
    except csv.Error as exc:
        raise BodyError(400, f"malformed CSV at row {row_no + 1}: {exc}") from exc
    return out


def _json_type(obj: Any) -> str:
    return {list: "a list", str: "a string", int: "a number", float: "a number", bool: "true/false",
            type(None): "null"}.get(type(obj), type(obj).__name__)


def _error(record: str, reason: str, kind: str) -> dict[str, Any]:
    return {"record": record, "reason": reason, "kind": kind}


#: the pipeline's name for the standard-input stream the records go through
STREAM = "-"


def run(parsed: Parsed, store, settings: Settings) -> dict[str, Any]:
    """Ingest ``parsed`` into ``store`` (writable; the caller serialises writers), then
    relate, as ``copydesk analyze`` does. Returns what happened, errors per record."""
    errors = list(parsed.errors)
    result = None
    if parsed.lines:
        stream = io.StringIO("\n".join(parsed.lines) + "\n")
        result = api.ingest([STREAM], store, settings=settings, stdin=stream)
        # the pipeline names records "line N" of the stream: give them back the client's names
        for e in store.errors():
            if e.input != STREAM:
                continue
            label = e.record
            if e.record and e.record.startswith("line "):
                n = int(e.record.split()[1]) - 1
                label = parsed.labels[n] if 0 <= n < len(parsed.labels) else e.record
            errors.append(_error(label or "body", e.reason, e.kind))
    failed = {e["record"] for e in errors}
    accepted = [rid for rid, label in zip(parsed.ids, parsed.labels) if label not in failed]
    if result is not None and (result.added or result.updated):
        api.relate(store, settings=settings)
    order = {label: i for i, label in enumerate(_all_labels(parsed))}
    errors.sort(key=lambda e: order.get(e["record"], len(order)))
    return {
        "added": result.added if result else 0,
        "updated": result.updated if result else 0,
        "unchanged": result.unchanged if result else 0,
        "accepted": accepted,
        "errors": errors,
    }


def _all_labels(parsed: Parsed) -> list[str]:
    labels = set(parsed.labels) | {e["record"] for e in parsed.errors}

    def key(label: str) -> tuple:
        head, _, num = label.partition(" ")
        return (head, int(num) if num.isdigit() else -1)

    return sorted(labels, key=key)
