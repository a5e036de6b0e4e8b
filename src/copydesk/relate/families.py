"""Large families of near-identical copies: a wire story reprinted by hundreds of outlets.

Every two members of such a family are a candidate pair, and aligning and deciding them
all grows with the square of the family: 600 lightly edited copies of one story made
180,000 pairs, 3 minutes and 3 GB, for 600 relations, as copies of one original are
siblings and the relations drop what is between them. So in a family larger than
``FAMILY_CAP``, a near-identical pair (estimated 5-gram Jaccard of ``NEAR_IDENTICAL`` or
more) is kept only when one end is a *hub*: one of the family's ``HUBS`` first-ingested
members. Every other pair (partial reuse, rewrites, a copy of another family) is kept as
ever, and a family up to the cap is aligned pair by pair as before.

A family is a connected component of articles that share a key of two consecutive 5-gram
LSH bands (8 MinHash values equal in a row: likely at Jaccard 0.8 and above, rare below
0.5). It is computed from the stored fingerprints alone, and ingest order never changes,
so the candidate stage (which leaves the pairs out) and the relations (which also leave
out pairs an earlier run decided while the family was under the cap) apply one rule, and
an incremental run gives what a run from scratch gives."""

from __future__ import annotations

import numpy as np

from ..errors import require

#: families larger than this are paired through their hubs
FAMILY_CAP = 64
#: the first-ingested members of a large family that every member is paired with
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

    def drops_ids(self, a: str, b: str) -> bool:
        x, y = self.index.get(a), self.index.get(b)
        if x is None or y is None:
            return False
        return bool(self.drops(np.array([x]), np.array([y]))[0])


def family_pruner(ids: list[str], shingle: np.ndarray, shingle_bands: np.ndarray) -> FamilyPruner | None:
    """The pruner of the articles ``ids`` (in ingest order) from their 5-gram digests and 5-gram
    band keys (one row each), or None when no family is larger than ``FAMILY_CAP``."""
    n = len(ids)
    if n <= FAMILY_CAP:
        return None
    sparse = require("scipy.sparse", feature="the reuse engine", extra="stories")
    csgraph = require("scipy.sparse.csgraph", feature="the reuse engine", extra="stories")
    bands = shingle_bands[:, : shingle_bands.shape[1] // 2 * 2]
    with np.errstate(over="ignore"):
        keys = bands[:, 0::2] * np.uint64(0x9E3779B97F4A7C15) ^ bands[:, 1::2]
    # a text with no 5-gram has the digest of the empty set: it is like every other such text, and like no copy
    usable = shingle.min(axis=1) != shingle.max(axis=1)
    owner = np.repeat(np.arange(n), keys.shape[1])[np.repeat(usable, keys.shape[1])]
    flat = keys[usable].ravel()
    if not len(flat):
        return None
    _, key_of = np.unique(flat, return_inverse=True)
    nodes = n + int(key_of.max()) + 1
    graph = sparse.csr_matrix((np.ones(len(flat), dtype=np.int8), (owner, n + key_of)), shape=(nodes, nodes))
    _, labels = csgraph.connected_components(graph, directed=False)
    label = labels[:n]
    size = np.bincount(label)[label]
    big = usable & (size > FAMILY_CAP)
    if not big.any():
        return None
    family = np.where(big, label, -1)
    # the first HUBS members of each large family (rows are in ingest order; a stable sort keeps it)
    order = np.flatnonzero(big)[np.argsort(family[big], kind="stable")]
    fam_sorted = family[order]
    starts = np.flatnonzero(np.r_[True, fam_sorted[1:] != fam_sorted[:-1]])
    rank = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    hub = np.zeros(n, dtype=bool)
    hub[order[rank < HUBS]] = True
    return FamilyPruner(ids, family, hub, shingle)
