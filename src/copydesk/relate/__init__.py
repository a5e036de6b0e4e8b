"""relate: reuse relations between articles (type, share, direction, evidence)."""

from .exact import duplicate_relations, order_by_date

__all__ = ["duplicate_relations", "order_by_date"]
