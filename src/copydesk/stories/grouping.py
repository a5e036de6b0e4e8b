"""Stories: event clusters of articles, each with its family tree and timeline.

``cluster_stories`` decides membership (reuse families clustered by content, names
and time, ``cluster.py``); ``group_stories`` names the clusters with stable ids
(``ids.py``) and lays out each story's originals, tree and timeline from the reuse
relations. Entities, facts and the brief are added afterwards (``enrich.py``)."""

from __future__ import annotations

from datetime import date
from typing import Collection, Mapping, Sequence

import numpy as np

from ..config import StoriesSettings
from ..dates import date_sort_key
from ..model import Relation, Story, StoryChange, TimelineEntry, TreeEdge
from ..unionfind import UnionFind
from .cluster import cluster_families
from .features import lead_text, story_text
from .ids import assign_story_ids
from .terms import story_terms_many, terms_matrix


def _days(published: str | None) -> float | None:
    key = date_sort_key(published)
    if not key:
        return None
    try:
        return float(date.fromisoformat(key[:10]).toordinal())
    except ValueError:
        return None


def families(article_ids: Sequence[str], relations: Sequence[Relation]) -> list[int]:
    """The reuse family index of each article (articles linked by any relation share one)."""
    index = {a: i for i, a in enumerate(article_ids)}
    uf = UnionFind()
    for r in relations:
        if r.original in index and r.derived in index:
            uf.union(r.original, r.derived)
    roots: dict[str, int] = {}
    return [roots.setdefault(uf.find(a), len(roots)) for a in article_ids]


def cluster_stories(
    article_ids: Sequence[str], texts: Sequence[str], published: Sequence[str | None],
    relations: Sequence[Relation], params: StoriesSettings, *, previous: Mapping[str, str] | None = None,
    links: Sequence[tuple[str, str, float]] | None = None, leads: Sequence[str] | None = None,
) -> list[list[str]]:
    """Article ids grouped by event, each group in the order of ``article_ids``.

    ``texts``: ``story_text`` of each article; ``leads``: its ``lead_text`` (made from the
    texts when not given). With ``previous`` (article -> story of the last run) and ``links``
    (that run's links, from ``last_links``), only the links of new articles are searched and
    untouched groups stay."""
    texts = list(texts)
    terms = story_terms_many(texts, list(leads) if leads is not None else [lead_text(None, t) for t in texts])
    groups, _ = cluster_with_links(article_ids, None, published, relations, params, previous=previous, links=links,
                                   terms=terms)
    return groups


def cluster_with_links(
    article_ids: Sequence[str], texts: Sequence[str] | None, published: Sequence[str | None],
    relations: Sequence[Relation], params: StoriesSettings, *, previous: Mapping[str, str] | None = None,
    links: Sequence[tuple[str, str, float]] | None = None, terms: Sequence[bytes] | None = None,
) -> tuple[list[list[str]], list[tuple[str, str, float]]]:
    """``cluster_stories`` and the links found, to keep for the next run. ``terms``: the
    articles' stored story terms (``terms.story_terms``), used instead of ``texts`` if given."""
    if not article_ids:
        return [], []
    if terms is None:  # (the texts' terms, as the ingest workers make and store them)
        texts = list(texts or [])
        terms = story_terms_many(texts, [lead_text(None, t) for t in texts])
    incremental = {}
    if previous and links is not None:
        index = {a: i for i, a in enumerate(article_ids)}
        story_no: dict[str, int] = {}
        kept = [(index[a], index[b], w) for a, b, w in links if a in index and b in index]
        incremental = dict(
            new=[a not in previous for a in article_ids],
            previous=[story_no.setdefault(previous[a], len(story_no)) if a in previous else -1 for a in article_ids],
            old_links=(np.array([k[0] for k in kept], dtype=np.int64), np.array([k[1] for k in kept], dtype=np.int64),
                       np.array([k[2] for k in kept], dtype=np.float32)),
        )
    # similarities count each article's lead twice; which pairs are compared is found on the plain counts.
    # (Both matrices are made in the call, so that cluster_families holds the only reference and frees each
    # once it is summed into family nodes.)
    result = cluster_families(terms_matrix(terms, names_weight=params.names_weight, max_df=params.max_df, lead=True),
                              [_days(p) for p in published], families(article_ids, relations),
                              threshold=params.threshold, time_window_days=params.time_window_days,
                              split_threshold=params.split_threshold, neighbourhood=params.neighbourhood,
                              search=terms_matrix(terms, names_weight=params.names_weight, max_df=params.max_df),
                              attach_threshold=params.attach_threshold,
                              **incremental)
    groups: dict[int, list[str]] = {}
    for a, label in zip(article_ids, result.labels):
        groups.setdefault(label, []).append(a)
    r, c, w = result.links
    return list(groups.values()), [(article_ids[i], article_ids[j], float(x)) for i, j, x in zip(r, c, w)]


def group_stories(
    clusters: Sequence[Sequence[str]], relations: Sequence[Relation], *, order: Mapping[str, int],
    previous: Mapping[str, str], titles: Mapping[str, str | None], published: Mapping[str, str | None],
    sources: Mapping[str, str | None], crawled: Collection[str] = (),
) -> tuple[list[Story], list[StoryChange]]:
    """Stories (without entities, facts, brief) for ``clusters``, ids kept from ``previous``;
    ``crawled``: the articles whose date in ``published`` is only their crawl time."""
    ids, changes = assign_story_ids(clusters, previous, order)
    derived_from: dict[str, str] = {}
    for r in relations:
        if r.via is None:
            derived_from.setdefault(r.derived, r.original)
    stories = []
    for sid, members in zip(ids, clusters):
        inside = set(members)
        parent = {a: p for a in members if (p := derived_from.get(a)) in inside}
        originals = [a for a in members if a not in parent]
        dated = sorted((date_sort_key(published.get(a)) or "~", order[a], a) for a in members)
        first_seen = next((published.get(a) for _, _, a in dated if date_sort_key(published.get(a))), None)
        lead = min(originals, key=lambda a: (date_sort_key(published.get(a)) or "~", order[a])) if originals \
            else members[0]
        stories.append(Story(
            id=sid, title=titles.get(lead) or next((titles[a] for a in members if titles.get(a)), None),
            articles=tuple(members), originals=tuple(originals), first_seen=first_seen,
            tree=tuple(TreeEdge(a, parent.get(a)) for a in members),
            timeline=tuple(TimelineEntry(a, sources.get(a), published.get(a), a in crawled) for _, _, a in dated),
        ))
    return stories, changes


__all__ = ["cluster_stories", "cluster_with_links", "families", "group_stories", "story_text"]
