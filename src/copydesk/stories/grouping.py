"""Stories from reuse relations: connected components of the relation graph.

Every article belongs to exactly one story. A story's id is derived from its
earliest-ingested article, so it stays the same when later runs add articles."""

from __future__ import annotations

from typing import Mapping, Sequence

import xxhash

from ..dates import date_sort_key
from ..model import Relation, Story, TimelineEntry, TreeEdge
from ..unionfind import UnionFind


def story_id(anchor_article: str) -> str:
    return "st-" + xxhash.xxh64_hexdigest(anchor_article.encode("utf-8"))[:12]


def group_stories(
    article_ids: Sequence[str], relations: Sequence[Relation], *, titles: Mapping[str, str | None],
    published: Mapping[str, str | None], sources: Mapping[str, str | None],
) -> list[Story]:
    """One story per connected component of ``relations`` over ``article_ids`` (ingest order)."""
    order = {a: i for i, a in enumerate(article_ids)}
    groups = UnionFind()
    find = groups.find
    for r in relations:
        if r.original in order and r.derived in order:
            ra, rb = find(r.original), find(r.derived)
            groups.union(ra, rb, keep=ra if order[ra] < order[rb] else rb)  # the earliest-ingested root names it
    members: dict[str, list[str]] = {}
    for a in article_ids:
        members.setdefault(find(a), []).append(a)
    derived_from: dict[str, str] = {}
    for r in relations:
        if r.via is None:
            derived_from.setdefault(r.derived, r.original)
    stories = []
    for root, ids in members.items():
        originals = [a for a in ids if a not in derived_from]
        dated = sorted((date_sort_key(published.get(a)) or "~", order[a], a) for a in ids)
        first_seen = next((published.get(a) for _, _, a in dated if date_sort_key(published.get(a))), None)
        lead = originals[0] if originals else ids[0]
        stories.append(Story(
            id=story_id(root), title=titles.get(lead) or next((titles[a] for a in ids if titles.get(a)), None),
            articles=tuple(ids), originals=tuple(originals), first_seen=first_seen,
            tree=tuple(TreeEdge(a, derived_from.get(a)) for a in ids),
            timeline=tuple(TimelineEntry(a, sources.get(a), published.get(a)) for _, _, a in dated),
        ))
    return stories
