"""Large families of near-identical copies: a wire story reprinted by hundreds of outlets.

Every two members of such a family are a candidate pair, and aligning and deciding them
all grows with the square of the family: 600 lightly edited copies of one story made
180,000 pairs, 3 minutes and 3 GB, for 600 relations, as copies of one original are
siblings and the relations drop what is between them. So in a family larger than
``FAMILY_CAP``, a near-identical pair (estimated 5-gram Jaccard of ``NEAR_IDENTICAL`` or
more) is kept only when one end is a *hub*: one of the family's ``HUBS`` earliest published
members (the likeliest originals; then the undated, in ingest order). Every other pair
(partial reuse, rewrites, a copy of another family) is kept as ever, and a family up to the
cap is aligned pair by pair as before.

A family is a connected component of articles that share a key of two consecutive 5-gram
LSH bands (8 MinHash values equal in a row: likely at Jaccard 0.8 and above, rare below
0.5). It is computed from the stored fingerprints and dates alone, so the candidate stage
(which leaves the pairs out) and the relations (which also leave out pairs an earlier run
decided while the family was under the cap, or with a hub that newer, earlier-dated
articles have since displaced) apply one rule, and an incremental run gives what a run from
scratch gives: adding articles never makes an old article a hub, so no pair a scratch run
aligns is missing. (Re-ingesting a hub with a later date can make another old article a hub
whose pairs no run aligned: they are missing until a run from scratch.)"""

from __future__ import annotations

from typing import Callable

import numpy as np

#: families larger than this are paired through their hubs
FAMILY_CAP = 64
#: the earliest published members of a large family that every member is paired with
HUBS = 8
#: estimated 5-gram Jaccard from which a pair inside a large family counts as near-identical
NEAR_IDENTICAL = 0.8


class FamilyPruner:
    """Which candidate pairs (row indices into the stored fingerprints, in ingest order) a large
    family leaves out."""

    def __init__(self, ids: list[str], family: np.ndarray, hub: np.ndarray, shingle: np.ndarray):
        self.index = {id: i for i, id in enumerate(ids)}
        self.family, self.hub, self.shingle = family, hub, shingle
        self.families = int(len(np.unique(family[family >= 0])))
        self.members = int((family >= 0).sum())

    def drops(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """For each pair (x[i], y[i]): whether it is left out."""
        x, y = np.asarray(x, dtype=np.int64), np.asarray(y, dtype=np.int64)
        fx = self.family[x]
        out = (fx >= 0) & (fx == self.family[y]) & ~self.hub[x] & ~self.hub[y]
        if out.any():
            i = np.flatnonzero(out)
            out[i] = (self.shingle[x[i]] == self.shingle[y[i]]).mean(axis=1) >= NEAR_IDENTICAL
        return out

    def one_digest(self, rows: list[int]) -> bool:
        """Whether ``rows`` are all of one large family with one 5-gram digest: every pair of them
        without a hub is left out (exact copies of a reprinted story)."""
        f = self.family[rows]
        return bool(f[0] >= 0 and (f == f[0]).all() and (self.shingle[rows] == self.shingle[rows[0]]).all())

    def drops_ids(self, a: str, b: str) -> bool:
        x, y = self.index.get(a), self.index.get(b)
        if x is None or y is None:
            return False
        return bool(self.drops(np.array([x]), np.array([y]))[0])


def _components(n: int, keys: np.ndarray, owner: np.ndarray) -> np.ndarray:
    """A component label per article (the smallest article number in it): articles joined by a
    shared key (``keys[i]`` held by article ``owner[i]``). Label propagation with pointer jumping,
    in numpy: each round gives every key the smallest label of its holders and every article the
    smallest of its keys'; families of copies are joined in a few rounds."""
    order = np.argsort(keys, kind="stable")
    k, o = keys[order], owner[order]
    starts = np.flatnonzero(np.r_[True, k[1:] != k[:-1]])
    counts = np.diff(np.r_[starts, len(k)])
    shared = np.repeat(counts > 1, counts)  # a key of one article joins nothing
    o, starts = o[shared], np.flatnonzero(np.r_[True, k[shared][1:] != k[shared][:-1]]) if shared.any() else None
    label = np.arange(n)
    if starts is None:
        return label
    counts = np.diff(np.r_[starts, len(o)])
    while True:
        smallest = np.repeat(np.minimum.reduceat(label[o], starts), counts)
        new = label.copy()
        np.minimum.at(new, o, smallest)
        new = new[new]  # (a label is an article number: follow it to that article's own label)
        if np.array_equal(new, label):
            return label
        label = new


def hub_rank(when: np.ndarray) -> np.ndarray:
    """Each article's place in the order hubs are chosen in: the earliest published first, then the
    undated (``when`` NaN), ties and the undated in ingest order (the order of ``when``)."""
    undated = np.isnan(when)
    order = np.lexsort((np.arange(len(when)), np.where(undated, 0.0, when), undated))
    rank = np.empty(len(when), dtype=np.int64)
    rank[order] = np.arange(len(when))
    return rank


def family_pruner(ids: list[str], shingle: np.ndarray, shingle_bands: np.ndarray,
                  when: Callable[[], np.ndarray] | None = None) -> FamilyPruner | None:
    """The pruner of the articles ``ids`` (in ingest order) from their 5-gram digests and 5-gram
    band keys (one row each) and publication times (``when()``: POSIX seconds, NaN if undated;
    asked only when there is a large family), or None when no family is larger than ``FAMILY_CAP``."""
    n = len(ids)
    if n <= FAMILY_CAP:
        return None
    bands = shingle_bands[:, : shingle_bands.shape[1] // 2 * 2]
    with np.errstate(over="ignore"):
        keys = bands[:, 0::2] * np.uint64(0x9E3779B97F4A7C15) ^ bands[:, 1::2]
    # a text with no 5-gram has the digest of the empty set: it is like every other such text, and like no copy
    usable = shingle.min(axis=1) != shingle.max(axis=1)
    owner = np.repeat(np.arange(n), keys.shape[1])[np.repeat(usable, keys.shape[1])]
    flat = keys[usable].ravel()
    if not len(flat):
        return None
    label = _components(n, flat, owner)
    size = np.bincount(label, minlength=n)[label]
    big = usable & (size > FAMILY_CAP)
    if not big.any():
        return None
    family = np.where(big, label, -1)
    # the first HUBS members of each large family: the earliest published (the likeliest originals), then the
    # undated, each in ingest order (rows are in ingest order; the sorts are stable)
    members = np.flatnonzero(big)
    if when is not None:
        members = members[np.argsort(hub_rank(when())[members], kind="stable")]
    order = members[np.argsort(family[members], kind="stable")]
    fam_sorted = family[order]
    starts = np.flatnonzero(np.r_[True, fam_sorted[1:] != fam_sorted[:-1]])
    rank = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    hub = np.zeros(n, dtype=bool)
    hub[order[rank < HUBS]] = True
    return FamilyPruner(ids, family, hub, shingle)
