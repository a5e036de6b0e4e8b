"""The stories stage of the pipeline: cluster, name, lay out and enrich stories."""

from __future__ import annotations

from typing import Sequence

from ..config import Settings
from ..model import Relation, Story, StoryChange
from ..pipeline import Progress, _no_progress
from .cluster import TIME_FLOOR, TIME_HORIZON
from .grouping import cluster_with_links, group_stories
from .terms import TERMS_VERSION, article_terms


def build_stories(
    store, relations: Sequence[Relation], settings: Settings, *, progress: Progress = _no_progress,
    embedder: object | None = None, timings: dict[str, float] | None = None,
) -> tuple[list[Story], list[StoryChange]]:
    """Every story over the articles in ``store``; ids kept from the stories stored before."""
    import time

    t0 = time.perf_counter()
    meta = store.article_meta()
    ids = [m[0] for m in meta]
    order = {a: i for i, a in enumerate(ids)}
    titles = {m[0]: m[2] for m in meta}
    published = {m[0]: m[3] for m in meta}
    sources = {m[0]: m[1] for m in meta}
    terms = _story_terms(store, ids)
    params = settings.stories
    previous = store.story_assignments()
    # links found with other clustering settings are not reused: those runs start afresh (the split and attach
    # settings change no link, but under new ones every story is made again, not only those new articles touch)
    key = repr((params.threshold, params.names_weight, params.time_window_days, params.max_df, TIME_FLOOR, TIME_HORIZON,
                TERMS_VERSION, params.split_threshold, params.neighbourhood, params.attach_threshold))
    old_links = store.story_links(key) if previous else []
    clusters, links = cluster_with_links(ids, None, [published[a] for a in ids], relations, params,
                                         previous=previous if old_links else None, links=old_links or None,
                                         terms=terms)
    del terms
    store.replace_story_links(links, key)
    stories, changes = group_stories(clusters, relations, order=order, previous=previous,
                                     titles=titles, published=published, sources=sources, crawled=store.crawl_dated())
    t1 = time.perf_counter()
    from .enrich import enrich_stories

    stories = enrich_stories(store, stories, settings, published=published, order=order, progress=progress,
                             embedder=embedder)
    if timings is not None:
        timings["stories.cluster"] = t1 - t0
        timings["stories.enrich"] = time.perf_counter() - t1
    return stories, changes


def _story_terms(store, ids: list[str]) -> list[bytes]:
    """Each article's story terms: as stored at ingest, made (and stored) where missing or
    made by another version of the tokenisation."""
    have = store.story_terms(TERMS_VERSION)
    missing = [a for a in ids if a not in have]
    for i in range(0, len(missing), 2000):
        batch = store.article_batch(missing[i:i + 2000])
        arts = list(batch.values())
        rows = [(a.id, TERMS_VERSION, blob) for a, blob in zip(arts, article_terms(arts))]
        store.put_story_terms(rows)
        have.update((a, blob) for a, _, blob in rows)
    return [have[a] for a in ids]


__all__ = ["build_stories"]
