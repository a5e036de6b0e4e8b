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
    #: how many articles the store holds (``articles`` may be left empty for a large corpus)
    article_count: int | None = None

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
            "articles": self.article_count if self.article_count is not None else len(self.articles),
            "relations": len(self.relations),
            "relations_by_type": by_type,
            "duplicate_groups": len(dup_groups),
            "stories": len(self.stories),
            "multi_article_stories": sum(1 for s in self.stories if len(s.articles) > 1),
            "errors": len(self.errors),
            "counts": dict(self.stats.counts),
            "timings": {k: round(v, 3) for k, v in self.stats.timings.items()},
        }


def write_streaming(store: Any, path: str | Path, stats: RunStats) -> None:
    """Write the report of everything in ``store`` one article at a time, so a corpus of
    any size is written in constant memory (same JSON as ``Report.write``)."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    dumps = lambda obj: json.dumps(obj, ensure_ascii=False)  # noqa: E731
    with tmp.open("w", encoding="utf-8") as fh:
        fh.write('{"version": %d,\n"articles": [' % REPORT_VERSION)
        for i, a in enumerate(store.articles()):
            fh.write(("," if i else "") + "\n" + dumps(a.report_dict()))
        fh.write('],\n"relations": [')
        for i, r in enumerate(store.relations()):
            fh.write(("," if i else "") + "\n" + dumps(r.to_dict()))
        fh.write('],\n"stories": [')
        for i, st in enumerate(store.stories()):
            fh.write(("," if i else "") + "\n" + dumps(st.to_dict()))
        fh.write('],\n"errors": ')
        fh.write(dumps([{"input": e.input, "record": e.record, "reason": e.reason, "kind": e.kind}
                        for e in store.errors()]))
        fh.write(',\n"stats": ' + dumps(stats.to_dict()) + "}\n")
    tmp.replace(path)
