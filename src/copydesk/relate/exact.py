"""Exact duplicates: articles whose clean bodies are the same.

The original of a group is the earliest publication when the dates tell them
apart; otherwise the article ingested first, with a low direction confidence and
evidence that says so."""

from __future__ import annotations

from functools import cmp_to_key
from typing import Mapping, Sequence

from ..dates import earlier
from ..model import Passage, Relation


def order_by_date(ids: Sequence[str], published: Mapping[str, str | None]) -> list[str]:
    """``ids`` oldest first by publication date; undated or tied ones keep input order."""
    position = {id: i for i, id in enumerate(ids)}

    def cmp(a: str, b: str) -> int:
        e = earlier(published.get(a), published.get(b))
        return e if e is not None else position[a] - position[b]

    return sorted(ids, key=cmp_to_key(cmp))


def duplicate_relations(
    groups: Sequence[Sequence[str]], published: Mapping[str, str | None], lengths: Mapping[str, int],
    sources: Mapping[str, str | None] | None = None,
) -> list[Relation]:
    """One ``duplicate`` relation from the original to each other member of each group."""
    sources = sources or {}
    out: list[Relation] = []
    for group in groups:
        ordered = order_by_date(list(group), published)
        original = ordered[0]
        for other in ordered[1:]:
            e = earlier(published.get(original), published.get(other))
            if e == -1:
                evidence = [f"same clean body; {original} was published first "
                            f"({published[original]} vs {published[other]})"]
                confidence = 0.9
            else:
                why = ("both published at about the same time" if published.get(original) and published.get(other)
                       else "publication dates missing")
                evidence = [f"same clean body; {why}, so the direction is uncertain "
                            f"({original} was ingested first)"]
                confidence = 0.5
            n = lengths.get(other, 0)
            m = lengths.get(original, 0)
            out.append(Relation(
                original=original, derived=other, type="duplicate", share=1.0,
                direction_confidence=confidence, evidence=tuple(evidence),
                passages=(Passage((0, m), (0, n), "verbatim"),),
            ))
    return out
