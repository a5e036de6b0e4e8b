"""engines: how a pipeline's steps are executed (in process, or in worker processes)."""

from .local import LocalEngine

__all__ = ["LocalEngine"]
