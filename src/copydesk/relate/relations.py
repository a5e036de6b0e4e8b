"""Relations from the decided pairs, over the whole store: direction, chains, siblings.

Each pair was decided from its two articles alone (``engine.ReuseEngine.decide_pair``),
with both readings kept. Here the family evidence is added (one original and many copies:
the member closest to the others), each pair's direction is resolved, chains get their
``via``, and two copies of one original make no relation.

(A family's earliest dated member was a clue too, with a date's weight, against an undated
article: it only restated the tie-break for an undated article, turned into evidence that
outweighed text clues, and it was wrong wherever the undated article is the original. Without
it the reuse evaluation is unchanged and, with a third of its originals undated, 7 and 9 more
directions are right: BENCHMARKS, "A crawl".)"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from itertools import islice
from typing import Callable, Iterable, Iterator

import numpy as np

from ..model import Change, Passage, Relation
from .candidates import _shingle_bands, _times
from .families import FamilyPruner, family_pruner
from .lineage import Lineage


def family_pruner_of(store) -> FamilyPruner | None:
    """``families.family_pruner`` of everything ``store`` holds."""
    rows = store.fingerprints()
    if not rows:
        return None
    ids = [r[0] for r in rows]
    shingle = np.stack([np.frombuffer(r[2], dtype=np.uint32) for r in rows])
    return family_pruner(ids, shingle, _shingle_bands([np.frombuffer(r[5], dtype=np.uint64) for r in rows]),
                         lambda: _times(store, ids))


W_CENTRAL = 0.6
#: at most this many third articles vote on a pair (a family of n near-duplicates has n - 2 for each of its
#: n^2 / 2 pairs; the vote's weight is capped at 3 of them anyway)
MAX_VOTERS = 64


def _geometry(pairs: list[dict]) -> dict[str, dict[str, float]]:
    """How far apart related articles are (1 - mean closeness of the two readings): for each
    article, its related articles (its neighbours) and their distance to it."""
    near: dict[str, dict[str, float]] = {}
    for p in pairs:
        a, b = p["a"], p["b"]
        near.setdefault(a, {})[b] = near.setdefault(b, {})[a] = 1.0 - (p["ab"]["closeness"] + p["ba"]["closeness"]) / 2
    return near


def _centrality_clues(pairs: list[dict], near: dict[str, dict[str, float]]) -> dict[tuple[str, str], tuple[float, str]]:
    """One original, many copies: copies differ from each other by their own edits, so the
    original is the member of a family closest to the others. For each pair, the third
    articles related to both vote for the one they are closer to (``near``: ``_geometry``)."""
    out = {}
    in_order: dict[str, list[str]] = {}  # each article's neighbours by id
    for p in pairs:
        a, b = p["a"], p["b"]
        if p["ab"]["type"] == "duplicate":
            continue  # one clean body: every third article is exactly as close to both (and a family of n
            #           exact copies made this loop n^3)
        votes = 0
        # third articles are looked for among the neighbours of the end with fewer
        x, y, flip = (a, b, 1) if len(near[a]) <= len(near[b]) else (b, a, -1)
        dx_of, dy_of = near[x], near[y]
        if len(dx_of) <= MAX_VOTERS:
            voters: Iterable[str] = dx_of
        else:  # a large family: the first MAX_VOTERS articles (by id) related to both vote, not every one
            if x not in in_order:
                in_order[x] = sorted(dx_of)
            voters = islice((z for z in in_order[x] if z in dy_of), MAX_VOTERS)
        for z in voters:
            dx, dy = dx_of[z], dy_of.get(z)
            if dy is not None and abs(dx - dy) > 0.002 + 0.1 * max(dx, dy):
                votes += flip if dx < dy else -flip
        if votes:
            nearer = a if votes > 0 else b
            weight = max(-3, min(3, votes)) * W_CENTRAL
            out[(a, b)] = (weight, f"{nearer} is closer to the {abs(votes)} other related article(s) they share "
                                   f"(an original sits at the centre of its copies)")
    return out


def relations_from_pairs(pairs: Iterable[dict], text: Callable[[str], str] | None = None) -> list[Relation]:
    """Relations from the decided pairs: each pair's direction from its own clues plus
    family evidence; chains get ``via``; copies of one original are not related to each
    other (siblings). ``text``: an article's clean text by id, for the edit test of chains
    and siblings (``lineage.py``); without it they are told by closeness alone."""
    pairs = list(pairs)
    plans = _plans(pairs, Lineage(text) if text is not None else None)
    by_key = {(p["a"], p["b"]): p for p in pairs}
    return [_relation(by_key[plan.pair], plan) for plan in plans.values()]


_UNSET = object()


def stored_relations(store, families: FamilyPruner | None | object = _UNSET) -> list[Relation]:
    """``relations_from_pairs`` over every decided pair in ``store``, written to its relations
    table; returned without their passages and changes (what the stories need).

    Two passes over the stored pairs: the directions, chains and siblings are decided from
    each pair without its passages and changes, then each relation is made and written as its
    pair is read again. Holding every pair whole took ~70 kB a pair in Python (2.3 GB at 100k
    articles), the run's peak.

    ``families``: the large families of near-identical copies (``families.py``; found from the
    store when not given): the pairs they leave out are left out here too."""
    if families is _UNSET:
        families = family_pruner_of(store)
    pairs = store.iter_related_pairs(without=_HEAVY)
    if families is not None:  # pairs decided before their family grew past the cap are left out too
        pairs = (p for p in pairs if not families.drops_ids(p["a"], p["b"]))  # type: ignore[union-attr]
    plans = {plan.pair: plan for plan in _plans(list(pairs), Lineage(lambda id: store.article(id).text)).values()}
    light: list[Relation] = []

    def made() -> Iterator[Relation]:
        for p in store.iter_related_pairs():
            plan = plans.get((p["a"], p["b"]))
            if plan is not None:
                rel = _relation(p, plan)
                light.append(replace(rel, passages=(), changes=()))
                yield rel

    store.replace_relations(made())
    light.sort(key=lambda r: (r.original, r.derived))
    return light


#: the parts of a decided pair that only the relations themselves read: the passages and
#: changes of its two readings
_HEAVY = ("ab.passages", "ab.changes", "ba.passages", "ba.changes")


@dataclass(frozen=True, slots=True)
class _Plan:
    """What a decided pair becomes: its direction (``side``: the reading "ab" or "ba"), chain
    and evidence; the passages and changes are taken from the pair when the relation is made."""

    pair: tuple[str, str]
    side: str
    via: str | None
    confidence: float
    evidence: tuple[str, ...]


#: at most this many articles related to both ends of an edge are asked whether it joins siblings
MAX_PARENTS = 4


def _plans(pairs: list[dict], lineage: Lineage | None = None) -> dict[tuple[str, str], _Plan]:
    """(original, derived) -> plan of each relation the pairs make, in (original, derived)
    order; siblings (two copies of one original) make none. Reads no passages or changes;
    ``lineage`` reads the texts of the few articles whose chain or siblinghood closeness
    alone would decide."""
    from .direction import date_prior, resolve

    near = _geometry(pairs)
    central = _centrality_clues(pairs, near)
    edge: dict[tuple[str, str], dict] = {}
    for p in pairs:
        clues = [tuple(c) for c in p["clues"]]
        extra = central.get((p["a"], p["b"]))
        if extra is not None:
            clues.append(extra)
        sign, why = date_prior(*p["dated"])
        d = resolve(clues, dated_first=sign, tie_reason=why)  # type: ignore[arg-type]
        key = "ab" if d.a_is_original else "ba"
        side = p[key]
        o, der = (p["a"], p["b"]) if d.a_is_original else (p["b"], p["a"])
        edge[(o, der)] = {"type": side["type"], "pair": (p["a"], p["b"]), "side": key,
                          "direction_confidence": d.confidence, "evidence": [side["note"], *d.evidence]}
    out: dict[tuple[str, str], _Plan] = {}
    hubs = [m for m, _ in Counter(o for o, _ in edge).most_common(16)]
    for (o, d), p in sorted(edge.items()):
        near_o, near_d = near[o], near[d]
        d_od = near_o[d]
        # siblings first (any such m will do; the articles with most copies are tried first, as in a family
        # of n copies the one original is what makes every two of them siblings: the articles related to
        # both are only listed when no hub settles it, as listing them for each of a family's n^2 edges
        # made this loop n^3), then the chain through the m that d follows most closely
        if any(m in near_o and m in near_d and _siblings_of(m, o, d, edge, near, p) for m in hubs):
            continue
        shared = near_o.keys() & near_d.keys()
        if any(_siblings_of(m, o, d, edge, near, p) for m in shared):
            continue
        in_order = sorted(shared)
        if lineage is not None and _taken_beside(o, d, [m for m in hubs if m in shared] + in_order, edge, lineage):
            continue
        via, via_len = None, 9.0
        for m in in_order:
            d_om, d_md = near_o[m], near_d[m]
            if (o, m) in edge and (m, d) in edge and d_md < d_od - max(0.001, 0.25 * d_om) and d_om < d_od + 0.05 \
                    and d_om + d_md < via_len and (lineage is None or lineage.chain(o, m, d)):
                via, via_len = m, d_om + d_md   # a chain o -> m -> d: d follows m more closely than o, and carries
                #                                 m's own edits
        evidence = list(p["evidence"])
        if via is not None:
            carried = f" (it carries {lineage.agreement(o, via, d)[0]} of {via}'s own edits of {o})" if lineage else ""
            evidence.insert(0, f"indirect: {d} derives from {via}, which derives from {o}{carried}")
        out[(o, d)] = _Plan(p["pair"], p["side"], via, p["direction_confidence"], tuple(evidence))
    return out


def _taken_beside(o: str, d: str, parents: list[str], edge: dict, lineage: Lineage) -> bool:
    """Whether d, which looks taken from o, was taken from a parent of both instead: for an
    article m that both derive from (the first ``MAX_PARENTS`` of ``parents``, the family's hubs
    first), d keeps m's text where o changed it and carries none of o's edits, while o does not
    carry d's (which would make o the copy of d). Closeness cannot tell this when o is a near
    twin of m: a copy of m is then about as close to o as to m, and alignment noise decides."""
    asked = list(dict.fromkeys(m for m in parents if (m, o) in edge and (m, d) in edge))[:MAX_PARENTS]
    return any(lineage.beside(m, o, d) and not lineage.chain(m, d, o) for m in asked)


def _siblings_of(m: str, o: str, d: str, edge: dict, near: dict[str, dict[str, float]], p: dict) -> bool:
    """Whether o and d (the edge ``p``) are both copies of m, each at least as close to m as to each
    other: siblings, which make no relation. So when o is an exact copy of m, when both are surer
    copies than o -> d is, or when m lies between them (each has edits of its own)."""
    mo, md = edge.get((m, o)), edge.get((m, d))
    if mo is None or md is None:
        return False
    d_od, d_om, d_md = near[o][d], near[o][m], near[m][d]
    if not (d_md <= d_od + 0.001 and d_om <= d_od + 0.005):
        return False
    if mo["type"] == "duplicate" \
            or min(mo["direction_confidence"], md["direction_confidence"]) >= max(0.7, p["direction_confidence"] - 0.001):
        return True
    # m lies between them: o and d each differ from m by edits of their own, so neither holds the
    # other's (copies of one wire story, each edited apart): however unsure the directions, d was not
    # taken from o. Each side must hold a good part of the difference: a near-twin of o (o plus a
    # boilerplate line) lies "between" o and anything, and says nothing about where d came from
    return d_om + d_md <= 1.1 * d_od + 0.0005 and min(d_om, d_md) >= 0.35 * d_od


def _relation(pair: dict, plan: _Plan) -> Relation:
    side = pair[plan.side]
    o, d = plan.pair if plan.side == "ab" else plan.pair[::-1]
    return Relation(
        original=o, derived=d, type=side["type"], share=side["share"],
        direction_confidence=plan.confidence, evidence=plan.evidence,
        passages=tuple(Passage(tuple(x["original"]), tuple(x["derived"]), x["kind"]) for x in side["passages"]),  # type: ignore[arg-type]
        changes=tuple(Change(c["kind"], c["original_text"], c["derived_text"], tuple(c["derived"]))  # type: ignore[arg-type]
                      for c in side["changes"]),
        via=plan.via,
    )
