"""Comparing two articles: the stored relation between them, or one computed on demand."""

from __future__ import annotations

from dataclasses import dataclass

from .config import Settings, load_settings
from .model import Article, Passage, Relation


@dataclass(frozen=True, slots=True)
class Comparison:
    """Two articles, the relation between them (None: no reuse), and the aligned passages
    (with no relation, whatever sentences still align, for a person to judge)."""

    original: Article
    derived: Article
    relation: Relation | None
    passages: tuple[Passage, ...]

    def to_dict(self) -> dict:
        return {
            "original": self.original.id, "derived": self.derived.id,
            "relation": self.relation.to_dict() if self.relation else None,
            "passages": [p.to_dict() for p in self.passages],
        }


def compare(store, a: str, b: str, *, settings: Settings | None = None, embedder: object | None = None) -> Comparison:
    """How ``b`` relates to ``a`` (either way round): the stored relation when there is one,
    otherwise the two articles aligned now."""
    from .align.passages import passages as build_passages
    from .relate.engine import ReuseEngine, relations_from_pairs

    art_a, art_b = store.article(a), store.article(b)  # NotFoundError names a missing id
    for rel in store.relations(a):
        if {rel.original, rel.derived} == {a, b}:
            orig, der = (art_a, art_b) if rel.original == a else (art_b, art_a)
            return Comparison(orig, der, rel, rel.passages)
    settings = settings or load_settings()
    engine = ReuseEngine(settings.reuse, embedder=embedder)
    ((_, _, matches),) = engine.align(store, [(a, b, "compare")])
    decided = engine.decide_pair(store, art_a, art_b, matches)
    if decided is not None:
        (rel,) = relations_from_pairs([decided])
        orig, der = (art_a, art_b) if rel.original == a else (art_b, art_a)
        return Comparison(orig, der, rel, rel.passages)
    sa, sb = engine.prof(store, a), engine.prof(store, b)
    return Comparison(art_a, art_b, None, tuple(build_passages(matches, sa, sb, a_is_original=True)))
