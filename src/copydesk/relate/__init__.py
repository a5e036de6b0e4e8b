"""relate: reuse relations between articles (type, share, direction, evidence, changes)."""

from .engine import ReuseEngine, relations_from_pairs

__all__ = ["ReuseEngine", "relations_from_pairs"]
