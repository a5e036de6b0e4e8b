"""The ingest stage: read inputs, drop records the store already holds unchanged."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, TextIO

from ..errors import InputError
from ..model import ErrorRecord, InputMark, RawRecord
from ..pipeline import Context
from . import read_inputs


@dataclass
class ReadStep:
    """Yields RawRecords and ErrorRecords for every input; skips records whose id and
    raw hash are already stored (re-ingesting is a no-op)."""

    paths: list[str | Path]
    stdin: TextIO | None = None
    name: str = "ingest"
    lookup_batch: int = 256
    skipped_files: list[str] = field(default_factory=list)

    def run(self, items: Iterable[Any], ctx: Context) -> Iterator[Any]:
        pending: list[RawRecord] = []
        for item in read_inputs(self.paths, ctx.settings.ingest, stdin=self.stdin, skipped=self.skipped_files):
            if isinstance(item, InputMark):
                yield item
                continue
            if isinstance(item, InputError):
                ctx.stats.count("errors")
                yield ErrorRecord(item.input, item.record, item.reason, item.kind)
                continue
            ctx.stats.count("records_read")
            pending.append(item)
            if len(pending) >= self.lookup_batch:
                yield from self._new_only(pending, ctx)
                pending = []
        if pending:
            yield from self._new_only(pending, ctx)
        if self.skipped_files:
            ctx.stats.count("files_skipped", len(self.skipped_files))
            ctx.stats.skipped_files.extend(self.skipped_files)

    def _new_only(self, batch: list[RawRecord], ctx: Context) -> Iterator[RawRecord]:
        known = ctx.store.known_hashes(r.id for r in batch)
        for rec in batch:
            if known.get(rec.id) == rec.raw_hash:
                ctx.stats.count("unchanged")
                ctx.progress("ingest", 1)
                continue
            yield rec
