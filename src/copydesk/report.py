"""The JSON report (DESIGN.md, "The report contract") and its human summary."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .model import Article, ErrorRecord, Relation, RunStats, Story

REPORT_VERSION = 1


@dataclass(frozen=True, slots=True)
class Report:
    articles: tuple[Article, ...]
    relations: tuple[Relation, ...]
    stories: tuple[Story, ...]
    errors: tuple[ErrorRecord, ...]
    stats: RunStats = field(default_factory=RunStats)

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": REPORT_VERSION,
            "articles": [a.report_dict() for a in self.articles],
            "relations": [r.to_dict() for r in self.relations],
            "stories": [s.to_dict() for s in self.stories],
            "errors": [{"input": e.input, "record": e.record, "reason": e.reason, "kind": e.kind} for e in self.errors],
            "stats": self.stats.to_dict(),
        }

    def write(self, path: str | Path) -> None:
        """Write the report as JSON (atomically: a reader never sees half a report)."""
        path = Path(path)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8")
        tmp.replace(path)

    def summary(self) -> dict[str, Any]:
        """The headline numbers, for people (the CLI) and programs (``--json``)."""
        dup_groups = {r.original for r in self.relations if r.type == "duplicate"}
        by_type: dict[str, int] = {}
        for r in self.relations:
            by_type[r.type] = by_type.get(r.type, 0) + 1
        return {
            "articles": len(self.articles),
            "relations": len(self.relations),
            "relations_by_type": by_type,
            "duplicate_groups": len(dup_groups),
            "stories": len(self.stories),
            "multi_article_stories": sum(1 for s in self.stories if len(s.articles) > 1),
            "errors": len(self.errors),
            "counts": dict(self.stats.counts),
            "timings": {k: round(v, 3) for k, v in self.stats.timings.items()},
        }
