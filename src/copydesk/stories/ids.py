"""Stable story ids across runs, and the merges and splits between them.

A new cluster takes the id of the previous story it shares the most articles with
(larger overlaps claim first; each previous id goes to one cluster at most); a
cluster with no previous story is named after its earliest-ingested article. So
adding articles about a new event leaves every existing id as it was, an article
joining a story keeps that story's id, and when a run merges or splits stories the
change is recorded."""

from __future__ import annotations

from collections import Counter
from typing import Mapping, Sequence

import xxhash

from ..model import StoryChange


def story_id(anchor_article: str) -> str:
    return "st-" + xxhash.xxh64_hexdigest(anchor_article.encode("utf-8"))[:12]


def assign_story_ids(
    clusters: Sequence[Sequence[str]], previous: Mapping[str, str], order: Mapping[str, int],
) -> tuple[list[str], list[StoryChange]]:
    """An id per cluster (clusters hold article ids in ingest order) and the merges/splits
    relative to ``previous`` (article -> story id of the last run)."""
    overlaps = []
    for ci, members in enumerate(clusters):
        for story, count in Counter(previous[a] for a in members if a in previous).items():
            overlaps.append((-count, min(order[a] for a in members), story, ci))
    overlaps.sort()
    ids: list[str | None] = [None] * len(clusters)
    taken: set[str] = set()
    for _, _, story, ci in overlaps:
        if ids[ci] is None and story not in taken:
            ids[ci] = story
            taken.add(story)
    used = set(previous.values())
    for ci, members in enumerate(clusters):
        if ids[ci] is None:
            for anchor in members:  # earliest-ingested first; skip ids still in use elsewhere
                candidate = story_id(anchor)
                if candidate not in used and candidate not in taken:
                    break
            else:
                candidate = story_id("\x00".join(members))
            ids[ci] = candidate
            taken.add(candidate)

    changes: list[StoryChange] = []
    went_to: dict[str, set[str]] = {}
    for sid, members in zip(ids, clusters):
        before = {previous[a] for a in members if a in previous}
        for old in before:
            went_to.setdefault(old, set()).add(sid)
        absorbed = sorted(before - {sid})
        if absorbed:
            changes.append(StoryChange("merge", sid, tuple(absorbed)))
    for old, targets in sorted(went_to.items()):
        if len(targets) > 1:
            changes.append(StoryChange("split", old, tuple(sorted(targets - {old}))))
    return [i for i in ids if i is not None], changes
