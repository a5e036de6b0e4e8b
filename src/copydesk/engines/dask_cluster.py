"""The Dask engine: the per-article and per-pair work runs on a Dask cluster
(``dask.distributed``) instead of in this process and its local worker processes.

- Ingest: the per-record steps (extraction, cleaning, fingerprinting, story terms) are
  shipped to the workers once, and each chunk of records is run there by the same code
  the local pool runs (``local.apply_chunk``).
- Reuse: the candidate pairs are cut into the same chunks (families of related
  articles, ~1,000 pairs) the local run aligns one after the other; each chunk goes to
  a worker with its articles, which aligns it, embeds its paraphrase candidates and
  decides its pairs (``relate.engine.decide_chunk``).

Results come back in order, so a run gives what a local run gives. This process
still reads the inputs, writes the store, finds the candidates and runs the
corpus-wide stages (relations, chains and siblings, stories). The workers need
copydesk installed, at the same version.

``address``: a running scheduler (``tcp://host:8786``), or ``local`` to start a
cluster of ``workers`` processes on this machine (loopback only). The engine
connects on first use and holds the connection (and a local cluster) until
``close()``; it is also a context manager."""

from __future__ import annotations

import logging
from collections import deque
from typing import Any, Callable, Iterable, Iterator

from ..errors import EngineError, require
from ..model import RunStats
from ..pipeline import Context, RecordStep, Step, chain_timed
from .local import apply_chunk, chunked, group_record_steps

#: tasks in flight per worker thread: enough to keep every worker busy while results are collected
IN_FLIGHT_PER_THREAD = 2
CONNECT_TIMEOUT_S = 10


class DaskEngine:
    """Run the per-record steps and the pair decisions on a Dask cluster."""

    def __init__(self, address: str = "local", *, workers: int = 2, chunk: int = 256,
                 timeout: float = CONNECT_TIMEOUT_S):
        self.address = address
        self.workers = max(1, workers)
        self.chunk = chunk
        self.timeout = timeout  # seconds to reach a scheduler
        self._client: Any = None
        self._cluster: Any = None

    def __call__(self, steps: list[Step], items: Iterable[Any], ctx: Context) -> Iterator[Any]:
        return chain_timed(group_record_steps(steps, lambda run: _ClusterStage(run, self)), items, ctx)

    def __enter__(self) -> "DaskEngine":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Disconnect (and stop the local cluster, if this engine started one)."""
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    def client(self) -> Any:
        if self._client is not None:
            return self._client
        distributed = require("distributed", feature="the Dask engine", extra="dask")
        try:
            if self.address == "local":
                self._cluster = distributed.LocalCluster(
                    n_workers=self.workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                    # the scheduler's HTTP server starts even without a dashboard, on 8787 by default: any
                    # free loopback port instead (two runs at once, or a user's own cluster, hold 8787)
                    dashboard_address="127.0.0.1:0", silence_logs=logging.ERROR)
                self._client = distributed.Client(self._cluster)
            else:
                self._client = distributed.Client(self.address, timeout=self.timeout)
        except (OSError, TimeoutError) as exc:
            self.close()
            where = "a local Dask cluster" if self.address == "local" else f"the Dask scheduler at {self.address}"
            raise EngineError(f"cannot start or reach {where}: {exc}") from exc
        return self._client

    def map_ordered(self, fn: Callable[..., tuple[Any, dict[str, float]]], jobs: Iterable[tuple], stats: RunStats,
                    *, what: str = "task") -> Iterator[Any]:
        """``fn(*job)`` on the cluster for each job, the results in order. ``fn`` returns (result,
        seconds per stage): the seconds are added to ``stats`` as a share of the cluster's threads
        (worker seconds / threads, the stage's share of the wall clock). Jobs are taken from
        ``jobs`` only as the cluster has room for them."""
        client = self.client()
        threads = max(1, sum(client.nthreads().values()))
        pending: deque = deque()

        def collect() -> Any:
            future = pending.popleft()
            try:
                result, timings = future.result()
            except Exception as exc:  # noqa: BLE001 - a worker lost, or what it was sent could not be read
                raise EngineError(f"a {what} failed on the Dask cluster: {type(exc).__name__}: {exc}") from exc
            for name, secs in timings.items():
                stats.add_time(name, secs / threads)
            return result

        for job in jobs:
            pending.append(client.submit(fn, *job, pure=False))
            if len(pending) >= IN_FLIGHT_PER_THREAD * threads:
                yield collect()
        while pending:
            yield collect()


class _ClusterStage:
    """Several per-record steps run together on the cluster, as one stream stage."""

    self_timed = True  # the workers report each step's own seconds

    def __init__(self, steps: list[RecordStep], engine: DaskEngine):
        self.steps = steps
        self.engine = engine
        self.name = "+".join(s.name for s in steps)

    def run(self, items: Iterable[Any], ctx: Context) -> Iterator[Any]:
        [steps] = self.engine.client().scatter([self.steps], broadcast=True, hash=False)  # shipped once
        jobs = ((steps, chunk) for chunk in chunked(items, self.engine.chunk))
        for out in self.engine.map_ordered(_apply_remote, jobs, ctx.stats,
                                           what=f"chunk of {self.engine.chunk} records"):
            yield from out


def _apply_remote(steps: list[RecordStep], chunk: list[Any]) -> tuple[list[Any], dict[str, float]]:
    return apply_chunk((steps, chunk))
