"""The Step protocol and the Pipeline that runs steps over a stream of records.

A step is ``run(items, ctx) -> items``: it takes the stream, handles the records
it knows, and passes everything else (ErrorRecords above all) on untouched.
Steps that do one record at a time also offer ``apply(record)`` so an engine
may run them in worker processes (see engines/local.py)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Protocol, runtime_checkable

from .config import Settings
from .model import ErrorRecord, RunStats


class Progress(Protocol):
    def __call__(self, stage: str, advance: int = 1, total: int | None = None) -> None: ...


def _no_progress(stage: str, advance: int = 1, total: int | None = None) -> None:
    return None


@dataclass
class Context:
    """What every step may use: settings, the store, run statistics, progress."""

    settings: Settings
    store: Any
    stats: RunStats = field(default_factory=RunStats)
    progress: Progress = _no_progress
    run_id: int | None = None


@runtime_checkable
class Step(Protocol):
    name: str

    def run(self, items: Iterable[Any], ctx: Context) -> Iterator[Any]: ...


@runtime_checkable
class RecordStep(Step, Protocol):
    """A step that maps one record to one record (or an ErrorRecord)."""

    def apply(self, item: Any) -> Any: ...


#: how a pipeline's steps are run over a stream (``engines``): ``engine(steps, items, ctx)``
Engine = Callable[[list[Step], Iterable[Any], "Context"], Iterator[Any]]


class Pipeline:
    """An ordered list of steps run over one stream, each one timed."""

    def __init__(self, steps: list[Step]):
        self.steps = steps

    def run(self, items: Iterable[Any], ctx: Context, *, engine: Engine | None = None) -> Iterator[Any]:
        if engine is not None:
            return engine(self.steps, items, ctx)
        return chain_timed(self.steps, items, ctx)


class _Clock:
    """Seconds spent inside one stage's generator, its upstream's time excluded."""

    __slots__ = ("inner",)

    def __init__(self) -> None:
        self.inner = 0.0  # total wall time spent in next() of this stage, upstream included


def _timed(name: str | None, stage_iter: Iterator[Any], ctx: Context,
           up: _Clock | None, me: _Clock) -> Iterator[Any]:
    """Yield from ``stage_iter``, charging stage ``name`` (None: the stage times itself)."""
    while True:
        up_before = up.inner if up is not None else 0.0
        t0 = time.perf_counter()
        try:
            item = next(stage_iter)
        except StopIteration:
            dt = time.perf_counter() - t0
            me.inner += dt
            if name:
                ctx.stats.add_time(name, dt - ((up.inner if up is not None else 0.0) - up_before))
            return
        dt = time.perf_counter() - t0
        me.inner += dt
        if name:
            ctx.stats.add_time(name, dt - ((up.inner if up is not None else 0.0) - up_before))
        yield item


def chain_timed(steps: list[Step], items: Iterable[Any], ctx: Context,
                first_clock: _Clock | None = None) -> Iterator[Any]:
    """Chain ``steps`` over ``items``, charging each step only the time it spends itself."""
    stream: Iterator[Any] = iter(items)
    clock = first_clock
    for step in steps:
        me = _Clock()
        name = None if getattr(step, "self_timed", False) else step.name
        stream = _timed(name, iter(step.run(stream, ctx)), ctx, clock, me)
        clock = me
    return stream


def to_error(exc: Exception, item: Any, stage: str) -> ErrorRecord:
    """An ErrorRecord for a record that failed in ``stage``; unexpected exceptions are
    labelled as internal so they can be reported as bugs, yet never stop the corpus."""
    from .errors import InputError

    input_name = getattr(item, "input", "") or ""
    record = getattr(item, "record", None)
    if isinstance(exc, InputError):
        exc.at(input=input_name, record=record)
        return ErrorRecord(exc.input, exc.record, exc.reason, exc.kind)
    where = record or getattr(item, "id", None)
    return ErrorRecord(input_name, where, f"internal error in {stage}: {type(exc).__name__}: {exc}", "internal")
