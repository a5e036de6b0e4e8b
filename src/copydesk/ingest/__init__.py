"""ingest: read files, directories and stdin into RawRecords (see readers.py)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Iterable, Iterator, TextIO

from ..config import IngestSettings
from ..errors import FormatError, InputError
from ..model import InputMark, RawRecord
from .files import walk
from .readers import READERS, Item, read_jsonl_stream

__all__ = ["read_inputs", "Item"]


def read_inputs(
    paths: Iterable[str | Path], settings: IngestSettings, *, stdin: TextIO | None = None,
    skipped: list[str] | None = None,
) -> Iterator[Item]:
    """Every record of every input, in order: RawRecords, and InputErrors for what
    cannot be read. ``-`` reads JSONL from ``stdin``. Files of unknown type found
    inside directories are appended to ``skipped``."""
    seen: dict[str, str] = {}
    for raw in paths:
        for item in _read_one(str(raw), settings, stdin, skipped):
            if isinstance(item, RawRecord):
                where = f"{item.input}" + (f" [{item.record}]" if item.record else "")
                first = seen.get(item.id)
                if first is not None:
                    yield InputError(f"duplicate article id '{item.id}' (first seen in {first}); kept the first",
                                     input=item.input, record=item.record)
                    continue
                seen[item.id] = where
            yield item


def _read_one(raw: str, settings: IngestSettings, stdin: TextIO | None, skipped: list[str] | None) -> Iterator[Item]:
    yield InputMark(raw)
    if raw == "-":
        yield from read_jsonl_stream(stdin or sys.stdin, "stdin", "-", settings)
        return
    path = Path(raw)
    if not path.exists():
        yield InputError("no such file or directory", input=raw)
        return
    found = False
    for file, fmt in walk(path):
        name = str(file)
        if fmt is None:
            if skipped is not None:
                skipped.append(name)
            continue
        found = True
        if name != raw:
            yield InputMark(name)
        try:
            for item in READERS[fmt](file, name, settings):
                yield item
        except InputError as exc:
            yield exc.at(input=name)
        except Exception as exc:  # a reader's or a library's surprise must not stop the corpus
            yield FormatError(f"cannot read: {type(exc).__name__}: {exc}", input=name)
    if path.is_dir() and not found:
        yield InputError("directory holds no readable files (.txt, .html, .json, .jsonl, .csv, .tsv, .warc, .rss, "
                         ".parquet, ..., optionally compressed)", input=raw)
