"""The Dask engine: the per-record steps (extraction, cleaning, fingerprinting, story
terms) run on a Dask cluster (``dask.distributed``) instead of local worker processes.

The same step objects the local engine runs are shipped to the cluster's workers with
each chunk of records (``local.apply_chunk``); the results come back in input order,
so a run gives what a local run gives, errors and all. This process still reads the
inputs, writes the store and runs the corpus-wide stages (candidates, alignment,
relations, stories): what a cluster takes off it is the per-article work, which is
most of an ingest. The workers need copydesk installed, at the same version.

``address``: a running scheduler (``tcp://host:8786``), or ``local`` to start a
cluster of ``workers`` processes on this machine (loopback only), closed at the end
of the run."""

from __future__ import annotations

import logging
from collections import deque
from contextlib import contextmanager
from typing import Any, Iterable, Iterator

from ..errors import EngineError, require
from ..pipeline import Context, RecordStep, Step, chain_timed
from .local import apply_chunk, chunked, group_record_steps

#: chunks in flight per worker thread: enough to keep every worker busy while results are collected
IN_FLIGHT_PER_THREAD = 2
CONNECT_TIMEOUT_S = 10


class DaskEngine:
    """Run the per-record steps on a Dask cluster; every other step in this process."""

    def __init__(self, address: str = "local", *, workers: int = 2, chunk: int = 256,
                 timeout: float = CONNECT_TIMEOUT_S):
        self.address = address
        self.workers = max(1, workers)
        self.chunk = chunk
        self.timeout = timeout  # seconds to reach a scheduler

    def __call__(self, steps: list[Step], items: Iterable[Any], ctx: Context) -> Iterator[Any]:
        return chain_timed(group_record_steps(steps, lambda run: _ClusterStage(run, self)), items, ctx)

    @contextmanager
    def client(self) -> Iterator[Any]:
        distributed = require("distributed", feature="the Dask engine", extra="dask")
        cluster = None
        try:
            if self.address == "local":
                cluster = distributed.LocalCluster(
                    n_workers=self.workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                    dashboard_address=None, silence_logs=logging.ERROR)
                client = distributed.Client(cluster)
            else:
                client = distributed.Client(self.address, timeout=self.timeout)
        except (OSError, TimeoutError) as exc:
            if cluster is not None:
                cluster.close()
            where = "a local Dask cluster" if self.address == "local" else f"the Dask scheduler at {self.address}"
            raise EngineError(f"cannot start or reach {where}: {exc}") from exc
        try:
            yield client
        finally:
            client.close()
            if cluster is not None:
                cluster.close()


class _ClusterStage:
    """Several per-record steps run together on the cluster, as one stream stage."""

    self_timed = True  # the workers report each step's own seconds

    def __init__(self, steps: list[RecordStep], engine: DaskEngine):
        self.steps = steps
        self.engine = engine
        self.name = "+".join(s.name for s in steps)

    def run(self, items: Iterable[Any], ctx: Context) -> Iterator[Any]:
        with self.engine.client() as client:
            threads = max(1, sum(client.nthreads().values()))
            [steps] = client.scatter([self.steps], broadcast=True, hash=False)  # shipped once, not with every chunk
            pending: deque = deque()

            def collect() -> Iterator[Any]:
                future = pending.popleft()
                try:
                    out, timings = future.result()
                except Exception as exc:  # noqa: BLE001 - a worker lost or a step that could not be unpickled
                    raise EngineError(f"a chunk of {self.engine.chunk} records failed on the Dask cluster: "
                                      f"{type(exc).__name__}: {exc}") from exc
                for name, secs in timings.items():
                    ctx.stats.add_time(name, secs / threads)  # worker seconds as a wall-clock share
                yield from out

            for chunk in chunked(items, self.engine.chunk):
                pending.append(client.submit(_apply_remote, steps, chunk, pure=False))
                if len(pending) >= IN_FLIGHT_PER_THREAD * threads:
                    yield from collect()
            while pending:
                yield from collect()


def _apply_remote(steps: list[RecordStep], chunk: list[Any]) -> tuple[list[Any], dict[str, float]]:
    return apply_chunk((steps, chunk))
