"""engines: how a pipeline's steps are executed (in process, in worker processes, or on
a Dask cluster: ``dask_cluster.DaskEngine``, imported on use, as Dask is an extra)."""

from .local import LocalEngine

__all__ = ["LocalEngine"]
