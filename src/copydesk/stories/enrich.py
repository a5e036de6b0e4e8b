"""Entities, facts and the brief of each story with enough articles to compare."""

from __future__ import annotations

from dataclasses import replace
from typing import Sequence

import numpy as np

from ..config import Settings
from ..dates import date_sort_key
from ..model import Story
from ..pipeline import Progress, _no_progress
from .entities import ENTITY_VERSION, entity_mentions, merge_entities, ner_text
from .facts import make_brief, make_facts, needs_vectors, units_of, word_overlap

#: what makes a story's entities, facts and brief: stories enriched under another version are enriched
#: again (3: disagreements between the parties of one sentence; briefs that copies do not rank)
ENRICH_VERSION = f"{ENTITY_VERSION}+facts-3"


def is_enriched(story: Story) -> bool:
    """Whether ``story`` has entities or facts, made by this version."""
    return bool(story.entities or story.facts) and story.enriched == ENRICH_VERSION


def _reading_order(story: Story, published: dict[str, str | None], order: dict[str, int]) -> list[str]:
    """Originals first, then copies; each by date (undated last), then ingest order."""
    originals = set(story.originals)
    return sorted(story.articles, key=lambda a: (a not in originals, date_sort_key(published.get(a)) or "~",
                                                 order.get(a, 0)))


def _root_of(story: Story) -> dict[str, str]:
    parent = {e.article: e.parent for e in story.tree}
    roots = {}
    for a in story.articles:
        seen, x = set(), a
        while parent.get(x) and x not in seen:
            seen.add(x)
            x = parent[x]
        roots[a] = x
    return roots


def enrich_stories(store, stories: Sequence[Story], settings: Settings, *, published: dict[str, str | None],
                   order: dict[str, int], progress: Progress = _no_progress,
                   embedder: object | None = None, previous: dict[str, Story] | None = None) -> list[Story]:
    """``stories`` with entities, facts and brief (``published`` and ``order``: each article's
    date and ingest position), for at most ``stories.enrich_max_stories`` of them.
    ``previous``: the stories as stored before (all of them are read if not given)."""
    conf = settings.stories
    out = list(stories)
    # a story whose articles did not change keeps what was made for it last run
    if previous is None:
        previous = {s.id: s for s in store.stories()}
    todo = []
    for i, s in enumerate(stories):
        if len(s.articles) < conf.enrich_min_articles:
            continue
        before = previous.get(s.id)
        if before is not None and set(before.articles) == set(s.articles) and is_enriched(before):
            out[i] = replace(s, entities=before.entities, facts=before.facts, brief=before.brief,
                             enriched=before.enriched)
        else:
            todo.append(i)
    # the stories with most independent sources first, then the largest, up to the budget
    todo.sort(key=lambda i: (-len(stories[i].originals), -len(stories[i].articles), stories[i].id))
    todo = todo[:conf.enrich_max_stories]
    if not todo:
        return out
    if embedder is None:
        from ..align.embed import shared_embedder

        device = None if settings.reuse.device == "auto" else settings.reuse.device
        embedder = shared_embedder(settings.reuse.model, device)
    cache: dict[str, np.ndarray] = {}

    def encode(texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in cache]
        if missing:
            for t, v in zip(missing, embedder.encode(missing)):
                cache[t] = v
        return np.array([cache[t] for t in texts]) if texts else np.zeros((0, 1), dtype=np.float32)

    def similar(a: str, b: str) -> float:
        va, vb = encode([a, b])
        return float(va @ vb)

    for i in todo:
        story = stories[i]
        ids = _reading_order(story, published, order)[:conf.enrich_max_articles]
        articles = store.article_batch(ids)
        arts = [articles[a] for a in ids if a in articles]
        mentions = entity_mentions(store, arts, max_chars=conf.ner_max_chars)
        # headlines and standfirsts too: their words are context for the body's mentions ("... to Kyiv")
        texts = {a.id: ner_text(a) for a in arts}
        entities = merge_entities(mentions, texts, similar=similar)
        roots = _root_of(story)
        families = {a: roots.get(a, a) for a in ids}
        units = [u for a in arts for u in units_of(a)]
        # sentence embeddings only where independent sources may word one fact differently
        independent = len({families[a.id] for a in arts}) > 1 or any(u.embedded for u in units)
        vectors = None  # none: shared words alone decide (see facts._similarity)
        dice = word_overlap(units)
        wanted = needs_vectors(units, families, dice=dice) if independent else np.zeros(len(units), dtype=bool)
        if wanted.any():
            got = encode([u.text for u, w in zip(units, wanted) if w])
            vectors = np.full((len(units), got.shape[1]), np.nan, dtype=np.float32)
            vectors[wanted] = got
        place_names = [(f, e.name) for e in entities if e.kind == "place" for f in (e.name, *e.aliases)]
        places = {u.text: sorted({name for f, name in place_names if f in u.text}) for u in units}
        facts = make_facts(units, vectors, families, threshold=conf.fact_threshold, places=places, dice=dice)
        rank = {u.text: n for n, u in enumerate(units)}
        brief = make_brief(facts, rank, families, sentences=conf.brief_sentences)
        out[i] = replace(story, entities=tuple(entities), facts=tuple(facts), brief=tuple(brief),
                         enriched=ENRICH_VERSION)
        progress("stories", 1, len(todo))
    return out
