"""engines: where the work runs: in process and local worker processes (``LocalEngine``), or
on a Dask cluster (``dask_cluster.DaskEngine``, imported on use, as Dask is an extra: the
per-record ingest steps and the reuse engine's per-pair decisions run there)."""

from .local import LocalEngine

__all__ = ["LocalEngine"]
