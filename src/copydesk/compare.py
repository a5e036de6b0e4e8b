"""Comparing two articles: the stored relation between them, or one computed on demand."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from .config import Settings, load_settings
from .errors import CopydeskError
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


def compare_files(path_a: str | Path, path_b: str | Path, *, settings: Settings | None = None) -> Comparison:
    """``compare`` of the articles in two files, with no database: each file is read as
    ``copydesk analyze`` reads it (any input format) into a throwaway store, and must hold one
    article. An unreadable file, or one of several articles, is a ``CopydeskError`` naming it."""
    from .api import ingest
    from .store import open_store

    settings = settings or load_settings()
    paths = [Path(path_a), Path(path_b)]
    if paths[0].resolve() == paths[1].resolve():
        raise CopydeskError(f"{path_a}: the same file twice; give two articles to compare")
    with tempfile.TemporaryDirectory(prefix="copydesk-compare-") as tmp, open_store(Path(tmp) / "c.db") as store:
        ids = []
        for path in paths:
            ingest([path], store, settings=settings)
            errors = [e for e in store.errors() if e.input == str(path)]
            held = [a.id for a in store.articles() if a.input == str(path)]
            if errors and not held:
                raise CopydeskError(f"{path}: {errors[0].reason}")
            if len(held) != 1:
                raise CopydeskError(f"{path}: holds {len(held)} articles; compare takes one article per file "
                                    f"(or two article ids of a database: copydesk compare ID ID --db FILE)")
            if held[0] in ids:
                raise CopydeskError(f"{path}: its article has the id '{held[0]}' of the other file's; rename one")
            ids.append(held[0])
        return compare(store, ids[0], ids[1], settings=settings)
