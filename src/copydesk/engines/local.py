"""The local engine: runs the steps in this process, and the per-record steps
(those with ``apply``) in a pool of worker processes when ``workers > 1``.

Order is kept (``imap`` over chunks), so results and errors come out in input
order whatever the number of workers. A step may also offer ``apply_many(records)``
(the same as ``apply`` on each), which then gets a worker's whole chunk."""

from __future__ import annotations

import multiprocessing as mp
import os
import time
from itertools import islice
from typing import Any, Callable, Iterable, Iterator

from ..pipeline import Context, RecordStep, Step, chain_timed


def apply_chunk(args: tuple[list[RecordStep], list[Any]]) -> tuple[list[Any], dict[str, float]]:
    steps, chunk = args
    timings = {s.name: 0.0 for s in steps}
    out = chunk
    for s in steps:  # step by step over the chunk: a step with ``apply_many`` takes it whole
        t0 = time.perf_counter()
        many = getattr(s, "apply_many", None)
        out = many(out) if many is not None else [s.apply(item) for item in out]
        timings[s.name] += time.perf_counter() - t0
    return out, timings


def chunked(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """``items`` in lists of ``size`` (the last one shorter)."""
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


class _PoolStage:
    """Several per-record steps run together in worker processes, as one stream stage."""

    self_timed = True  # the workers report each step's own seconds

    def __init__(self, steps: list[RecordStep], workers: int, chunk: int):
        self.steps = steps
        self.workers = workers
        self.chunk = chunk
        self.name = "+".join(s.name for s in steps)

    def run(self, items: Iterable[Any], ctx: Context) -> Iterator[Any]:
        ctx_method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
        with mp.get_context(ctx_method).Pool(self.workers) as pool:
            for out, timings in pool.imap(apply_chunk, ((self.steps, c) for c in chunked(items, self.chunk))):
                for name, secs in timings.items():
                    # worker CPU seconds, divided by workers: wall-clock share of the stage
                    ctx.stats.add_time(name, secs / self.workers)
                yield from out


class LocalEngine:
    """Run steps in-process; ``workers > 1`` puts per-record steps in a process pool."""

    def __init__(self, workers: int | None = None, chunk: int = 128):
        self.workers = max(1, workers if workers is not None else (os.cpu_count() or 1))
        self.chunk = chunk

    def __call__(self, steps: list[Step], items: Iterable[Any], ctx: Context) -> Iterator[Any]:
        if self.workers == 1:
            return chain_timed(steps, items, ctx)
        return chain_timed(group_record_steps(steps, lambda run: _PoolStage(run, self.workers, self.chunk)), items, ctx)


def group_record_steps(steps: list[Step], stage: Callable[[list[RecordStep]], Step]) -> list[Step]:
    """``steps`` with each run of consecutive per-record steps (those with ``apply``) made one
    stage by ``stage`` (which runs them elsewhere: worker processes, a cluster)."""
    grouped: list[Step] = []
    run: list[RecordStep] = []
    for s in steps:
        if isinstance(s, RecordStep) and hasattr(s, "apply"):
            run.append(s)
            continue
        if run:
            grouped.append(stage(run))
            run = []
        grouped.append(s)
    if run:
        grouped.append(stage(run))
    return grouped
