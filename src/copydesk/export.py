"""A dataset export: one row per stored article with what copydesk found about it.

What a dataset builder wants from a deduplication run is the corpus itself, each article
labelled (which story, which article it derives from, how and how much of it) and, for
deduplication, one article kept per group of copies. Groups are the connected sets of
articles joined by relations of the ``group_types`` (by default ``duplicate`` and
``near_duplicate``: the same body, up to formatting, spelling and headline); a group keeps
the article that derives from no other in it (the original), else the earliest, else the
first ingested. Partial reuses and rewrites carry material of their own and are kept
unless their types are named too.

Rows stream from the store (one article at a time), so an export of any size is written in
bounded memory: only the relations (light) and each article's id and date are held. JSON
Lines, CSV and Parquet, written to a temporary file renamed at the end (a failed export leaves
no half file); a JSONL export with texts is itself copydesk input.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Collection, Iterator

from .dates import to_instant
from .errors import ConfigError
from .model import RELATION_TYPES, Article, Relation
from .unionfind import UnionFind

#: relation types that make a group of copies, of which a deduplicated export keeps one
GROUP_TYPES = ("duplicate", "near_duplicate")
FORMATS = ("jsonl", "csv", "parquet")
#: the columns, in order; ``text`` only when texts are exported
COLUMNS = ("id", "source", "url", "title", "published", "crawled", "byline", "story_id", "role", "derived_from",
           "reuse_type", "share", "direction_confidence", "copies", "group", "keep", "input", "record", "text")


@dataclass(frozen=True, slots=True)
class ExportStats:
    path: str
    format: str
    articles: int      # articles in the store
    written: int       # rows written (fewer than ``articles`` with ``dedup``)
    groups: int        # groups of two or more copies
    left_out: int      # copies left out by ``dedup``

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "format": self.format, "articles": self.articles, "written": self.written,
                "groups": self.groups, "left_out": self.left_out}


def format_of(path: Path, fmt: str | None) -> str:
    """The export format: as given, else from the file's suffix (.jsonl/.ndjson, .csv, .parquet)."""
    if fmt is not None:
        if fmt not in FORMATS:
            raise ConfigError(f"unknown export format '{fmt}': use one of {', '.join(FORMATS)}")
        return fmt
    suffix = path.suffix.lower()
    found = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".parquet": "parquet"}.get(suffix)
    if found is None:
        raise ConfigError(f"cannot tell the export format from '{path.name}': name the file .jsonl, .csv or "
                          f".parquet, or give --format")
    return found


def check_types(types: Collection[str]) -> tuple[str, ...]:
    unknown = [t for t in types if t not in RELATION_TYPES]
    if unknown:
        raise ConfigError(f"unknown relation type(s) {', '.join(map(repr, unknown))}: use "
                          f"{', '.join(RELATION_TYPES)}")
    return tuple(types)


class Labels:
    """What each article's row says, from the relations and stories alone."""

    def __init__(self, relations: list[Relation], members: list[tuple[str, str, str | None, str | None]],
                 order: dict[str, int], seen: dict[str, str | None], group_types: Collection[str]):
        self.story = {article: story for story, article, _, _ in members}
        self.parent: dict[str, Relation] = {}
        self.copies: dict[str, int] = {}
        relations = [rel for rel in relations if rel.original != rel.derived]
        for rel in relations:
            self.copies[rel.original] = self.copies.get(rel.original, 0) + 1
            if rel.via is None:  # the article it derives from directly: the surest, then the largest share
                best = self.parent.get(rel.derived)
                if best is None or (rel.direction_confidence, rel.share) > (best.direction_confidence, best.share):
                    self.parent[rel.derived] = rel
        # groups of copies: connected by relations of the group types; each keeps one
        sets = UnionFind()
        derived_in_group: set[str] = set()
        for rel in relations:
            if rel.type in group_types:
                sets.union(rel.original, rel.derived)
                derived_in_group.add(rel.derived)
        by_root: dict[str, list[str]] = {}
        for article in list(sets.parent):
            by_root.setdefault(sets.find(article), []).append(article)

        def rank(article: str) -> tuple:  # stored first, then not derived, then the earliest, the first ingested
            instant = to_instant(seen.get(article))
            return (article not in order, article in derived_in_group, instant is None, instant[0] if instant else 0.0,
                    order.get(article, len(order)))

        self.group: dict[str, str] = {}
        for group in by_root.values():
            kept = min(group, key=rank)
            for article in group:
                self.group[article] = kept
        self.groups = len(by_root)  # (each of two articles or more)

    def row(self, article: Article, *, text: bool) -> dict[str, Any]:
        parent = self.parent.get(article.id)
        copies = self.copies.get(article.id, 0)
        group = self.group.get(article.id, article.id)
        row: dict[str, Any] = {
            "id": article.id, "source": article.source, "url": article.url, "title": article.title,
            "published": article.published, "crawled": article.crawled, "byline": article.byline,
            "story_id": self.story.get(article.id),
            "role": "derived" if parent is not None else ("original" if copies else "unrelated"),
            "derived_from": parent.original if parent else None,
            "reuse_type": parent.type if parent else None,
            "share": parent.share if parent else None,
            "direction_confidence": parent.direction_confidence if parent else None,
            "copies": copies, "group": group, "keep": group == article.id,
            "input": article.input, "record": article.record,
        }
        if text:
            row["text"] = article.text
        return row


def rows(store, *, group_types: Collection[str] = GROUP_TYPES, dedup: bool = False,
         text: bool = True, progress=None) -> tuple[Labels, Iterator[dict[str, Any]]]:
    """(the labels, the rows in ingest order); with ``dedup`` only each group's kept article.
    ``progress`` is called with each article read, written or not."""
    meta = store.article_meta()
    labels = Labels(store.relation_edges(), store.story_members(), {m[0]: i for i, m in enumerate(meta)},
                    {m[0]: m[3] for m in meta}, check_types(group_types))

    def made() -> Iterator[dict[str, Any]]:
        for article in store.articles():
            row = labels.row(article, text=text)
            if progress is not None:
                progress(row)
            if row["keep"] or not dedup:
                yield row

    return labels, made()


def write(store, path: str | Path, *, fmt: str | None = None, group_types: Collection[str] = GROUP_TYPES,
          dedup: bool = False, text: bool = True, progress=None) -> ExportStats:
    """Write the export of ``store`` to ``path`` (see the module's docstring); ``progress`` is
    called with each article read."""
    path = Path(path)
    fmt = format_of(path, fmt)
    labels, made = rows(store, group_types=group_types, dedup=dedup, text=text, progress=progress)
    columns = columns_of(text)
    total = store.count_articles()
    written = 0

    def counted() -> Iterator[dict[str, Any]]:
        nonlocal written
        for row in made:
            written += 1
            yield row

    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(f".{path.name}.part")
    try:
        if fmt == "parquet":
            _write_parquet(part, columns, counted())
        else:
            with open(part, "w", encoding="utf-8", newline="") as fh:
                fh.writelines(lines(counted(), fmt, columns))
        part.replace(path)
    finally:
        part.unlink(missing_ok=True)
    return ExportStats(str(path), fmt, total, written, labels.groups, total - written if dedup else 0)


def columns_of(text: bool) -> list[str]:
    return [c for c in COLUMNS if text or c != "text"]


def lines(made: Iterator[dict[str, Any]], fmt: str, columns: list[str]) -> Iterator[str]:
    """The rows as the text of a JSONL or CSV file (with its header row), a row at a time."""
    if fmt == "jsonl":
        for row in made:
            # (U+2028 and U+2029 escaped: readers that split lines as Unicode does would cut a row there)
            yield json.dumps(row, ensure_ascii=False).replace("\u2028", "\\u2028").replace("\u2029", "\\u2029") + "\n"
        return
    buf = io.StringIO()
    out = csv.DictWriter(buf, fieldnames=columns)
    out.writeheader()
    for row in made:
        out.writerow(row)
        yield buf.getvalue()
        buf.seek(0)
        buf.truncate()
    if buf.getvalue():  # the header of an empty export
        yield buf.getvalue()


def _write_parquet(path: Path, columns: list[str], made: Iterator[dict[str, Any]], batch: int = 2048) -> None:
    from .errors import require

    pa = require("pyarrow", feature="a Parquet export", extra="parquet")
    pq = require("pyarrow.parquet", feature="a Parquet export", extra="parquet")
    types = {"share": pa.float64(), "direction_confidence": pa.float64(), "copies": pa.int64(), "keep": pa.bool_()}
    schema = pa.schema([(c, types.get(c, pa.string())) for c in columns])
    with pq.ParquetWriter(path, schema) as writer:
        chunk: list[dict[str, Any]] = []
        for row in made:
            chunk.append(row)
            if len(chunk) >= batch:
                writer.write_table(pa.Table.from_pylist(chunk, schema=schema))
                chunk = []
        if chunk:
            writer.write_table(pa.Table.from_pylist(chunk, schema=schema))
