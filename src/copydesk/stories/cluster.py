"""Which articles report the same event: average-linkage clustering of reuse families.

Articles connected by reuse relations form a *family* (a copy is about what its
original is about), and families are what get clustered: each is one node whose
vector is the mean of its members' (``features.story_vectors``) and whose time is its
earliest publication. Two nodes are linked when their cosine similarity, damped when
both are dated further apart than ``time_window_days`` (to half of it from twice the window:
``TIME_FLOOR``), reaches ``threshold``.
Average linkage then runs inside each connected component of those links (a cluster
made by average linkage at a threshold never spans two components, so this is exact
and keeps the work local); a component too large for a dense matrix is first cut at its
weakest links. Candidate links come from each article's 40 strongest terms, and only
those are scored exactly, which keeps 100k articles in memory; articles dated
``TIME_HORIZON`` windows apart or more are never compared (``_blocks``), which keeps the
search linear in a corpus's time span.

Average linkage at one level cannot tell two events of the same kind apart when they
share most of their words (two players of one team arrested for drunk driving a month
apart, two Watergate figures dying): the cross-event similarity is above the level at
which a single event holds together. So each cluster is then *split by neighbourhood*
(``split_by_neighbourhood``): an article's neighbourhood is its ``neighbourhood`` most
similar articles in the component; two articles whose neighbourhoods overlap little
(shared-nearest-neighbour cosine) are told apart, and average linkage on that overlap
runs inside the cluster. Splitting can only make a cluster smaller, so what the first
level keeps apart (and all it decides on sparse corpora, where a story has one or two
articles and neighbourhoods say nothing) stays as it was. The split level shrinks with
the cluster's size (``SPLIT_SCALE``): in one large story every article has far more
story-mates than neighbours, so two arbitrary members share few, and a fixed level
would break a large homogeneous story into random pieces.

Why not a single pass that assigns each new article to its nearest story: it depends
on arrival order and chains two events of the same kind together through one vague
article; on ECB+ it scored 3-5 points of B-cubed F1 below average linkage. Each run
clusters again from the current vectors (cheap next to alignment), and
``ids.assign_story_ids`` keeps story ids stable across runs, recording merges and
splits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..errors import require

#: components larger than this are clustered greedily (a dense n x n matrix is n^2 floats)
MAX_DENSE = 3000
_BLOCK = 2048
#: candidate links scored exactly this many at a time: each takes the two rows of every pair
#: (~300 terms a row), so 200,000 at a time held ~1.5 GB at 100k articles, the run's peak
_SCORE_CHUNK = 20_000
#: terms per node used to find candidate links, and the share of the threshold their overlap must reach
TOP_TERMS = 40
PREFILTER = 0.5
#: candidate links kept per node (its most similar on the strongest terms)
NEIGHBOURS = 30
#: the split level inside a cluster of n nodes is min(split_threshold, SPLIT_SCALE * neighbourhood / n): in a
#: homogeneous cluster two members share about neighbourhood / n of their neighbours
SPLIT_SCALE = 0.25
#: ``attach_small``: pieces of at most ATTACH_SMALL nodes join a cluster of at least ATTACH_LARGE nodes whose
#: centroid is ATTACH_MARGIN times as similar to theirs as the next such cluster's
ATTACH_SMALL = 2
ATTACH_LARGE = 4
ATTACH_MARGIN = 1.3


def _groups(labels: np.ndarray) -> list[np.ndarray]:
    """The positions holding each label, label by label in increasing order (each in position order)."""
    order = np.argsort(labels, kind="stable")
    return np.split(order, np.flatnonzero(np.diff(labels[order])) + 1)


def _top_terms(m, k: int):
    """``m`` (CSR) with only the ``k`` largest entries of each row kept."""
    sparse = require("scipy.sparse", feature="story clustering", extra="stories")
    m = m.tocsr()
    keep = np.zeros(len(m.data), dtype=bool)
    for i in range(m.shape[0]):
        a, b = m.indptr[i], m.indptr[i + 1]
        if b - a <= k:
            keep[a:b] = True
        else:
            keep[a + np.argpartition(-m.data[a:b], k)[:k]] = True
    rows = np.repeat(np.arange(m.shape[0]), np.diff(m.indptr))[keep]
    return sparse.csr_matrix((m.data[keep], (rows, m.indices[keep])), shape=m.shape)


#: two articles dated further apart than twice the window keep this share of their similarity (a
#: follow-up weeks later still joins its story when it shares much with it; two events of one kind
#: that share only their topic fall apart), and none from ``TIME_HORIZON`` times the window on
TIME_FLOOR = 0.5
TIME_HORIZON = 50.0


def _time_factor(days_a: np.ndarray, days_b: np.ndarray, window: float) -> np.ndarray:
    """1 within ``window`` days (or when either date is unknown), falling to ``TIME_FLOOR`` at twice
    it, and 0 from ``TIME_HORIZON`` windows apart."""
    if window <= 0:
        return np.ones(np.broadcast(days_a, days_b).shape, dtype=np.float32)
    delta = np.abs(days_a - days_b)
    f = np.clip(2.0 - delta / window, 0.0, 1.0) * (1.0 - TIME_FLOOR) + TIME_FLOOR
    f = np.where(delta >= TIME_HORIZON * window, 0.0, f)
    return np.where(np.isnan(delta), 1.0, f).astype(np.float32)


@dataclass
class Clustering:
    """Cluster labels per article, and the links found (article index pairs and their
    similarity), kept so that a later run only looks for links of its new articles."""

    labels: list[int]
    links: tuple[np.ndarray, np.ndarray, np.ndarray]


def cluster_families(
    vectors, days: Sequence[float | None], family: Sequence[int], *, threshold: float, time_window_days: float,
    split_threshold: float = 0.0, neighbourhood: int = 0, new: Sequence[bool] | None = None,
    old_links: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None, previous: Sequence[int] | None = None,
    search=None, attach_threshold: float = 0.0,
) -> Clustering:
    """A cluster label per article (rows of ``vectors``); ``family[i]`` is article i's family index.

    Incremental use: ``new[i]`` marks the articles added since the last run, ``old_links`` are
    that run's links (article indices, similarity) and ``previous[i]`` its cluster label of
    article i (-1 if none). Only links of families holding a new article are searched; a
    connected component without new articles keeps its previous clusters as they were.

    ``split_threshold`` and ``neighbourhood`` (both > 0) split each cluster by neighbourhood
    overlap (module docstring); 0 turns that off.

    ``search``: other rows for the same articles whose strongest terms find the candidate
    links (``_candidate_links``), which ``vectors`` then score: the plain counts, where
    ``vectors`` count the lead twice (a lead counted twice fills an article's strongest terms
    with its own outlet's words, and the links of independent reports were missed).

    ``attach_threshold`` (> 0): a piece of one or two nodes left beside a larger cluster of its
    component joins it when their centroids are that similar (``attach_small``)."""
    sparse = require("scipy.sparse", feature="story clustering", extra="stories")
    normalize = require("sklearn.preprocessing", feature="story clustering", extra="stories").normalize
    n = vectors.shape[0]
    empty = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))
    if n == 0:
        return Clustering([], empty)
    fam = np.asarray(family, dtype=np.int64)
    n_fam = int(fam.max()) + 1
    member = sparse.csr_matrix((np.ones(n, dtype=np.float32), (fam, np.arange(n))), shape=(n_fam, n))
    nodes = normalize(member @ vectors).tocsr()
    del vectors
    search_nodes = normalize(member @ search).tocsr() if search is not None else None
    del search
    d = np.array([np.nan if x is None else x for x in days], dtype=np.float64)
    node_days = np.full(n_fam, np.nan)
    for i in np.argsort(np.nan_to_num(d, nan=np.inf))[::-1]:  # earliest date of each family wins
        if not np.isnan(d[i]):
            node_days[fam[i]] = d[i]
    incremental = new is not None and old_links is not None and previous is not None
    fresh = np.ones(n_fam, dtype=bool)
    if incremental:
        fresh[:] = False
        fresh[fam[np.asarray(new, dtype=bool)]] = True
    # a representative article per node, to keep links in article terms between runs
    rep = np.full(n_fam, -1, dtype=np.int64)
    rep[fam[::-1]] = np.arange(n)[::-1]

    r, c, w = _candidate_links(nodes, np.flatnonzero(fresh), node_days, threshold, time_window_days,
                               search=search_nodes)
    del search_nodes
    if incremental and len(old_links[0]):
        orr, occ = fam[old_links[0]], fam[old_links[1]]
        keep = (orr != occ) & ~fresh[orr] & ~fresh[occ]
        r = np.concatenate([r, np.minimum(orr, occ)[keep]])
        c = np.concatenate([c, np.maximum(orr, occ)[keep]])
        w = np.concatenate([w, old_links[2][keep]])
    _, comp = _components(n_fam, r, c)

    node_label = np.empty(n_fam, dtype=np.int64)
    next_label = 0
    prev = np.asarray(previous, dtype=np.int64) if incremental else None
    fam_members = _groups(fam)
    for component in _groups(comp):
        if incremental and not fresh[component].any():
            # untouched: the previous clusters of its articles stand
            members = np.concatenate([fam_members[f] for f in component])
            _, labels_here = np.unique(prev[members], return_inverse=True)
            node_label[fam[members]] = labels_here + next_label
            next_label += int(labels_here.max()) + 1
            continue
        pieces = [component] if len(component) <= MAX_DENSE else _split(component, r, c, w, threshold)
        for idx in pieces:
            if len(idx) == 1:
                labels = np.zeros(1, dtype=np.int64)
            else:
                sims = _gram(nodes, idx)
                sims *= _time_factor(node_days[idx][:, None], node_days[idx][None, :], time_window_days)
                labels = _average_link(sims, threshold)
                if split_threshold > 0 and neighbourhood > 0:
                    labels = split_by_neighbourhood(sims, labels, neighbourhood, split_threshold)
                if attach_threshold > 0:
                    labels = attach_small(sims, labels, attach_threshold)
            node_label[idx] = labels + next_label
            next_label += int(labels.max()) + 1
    return Clustering(node_label[fam].tolist(), (rep[r], rep[c], w.astype(np.float32)))


def _gram(nodes, idx: np.ndarray) -> np.ndarray:
    """Dense products (cosines) of the rows ``idx`` of CSR ``nodes`` with each other. The rows
    are cut to the columns they use first: the transposed product converts its right operand
    at a cost that follows its column count, and the whole vocabulary, which grows with the
    corpus, was paid once per component (17 of 62 s at 100k articles)."""
    sparse = require("scipy.sparse", feature="story clustering", extra="stories")
    sub = nodes[idx]
    cols, local = np.unique(sub.indices, return_inverse=True)
    sub = sparse.csr_matrix((sub.data, local.ravel(), sub.indptr), shape=(len(idx), len(cols)))
    return (sub @ sub.T).toarray()


def _candidate_links(nodes, rows_of: np.ndarray, node_days: np.ndarray, threshold: float, window: float,
                     search=None):
    """Links (i, j, similarity), i < j, of the nodes ``rows_of`` to every node: candidates from
    each node's strongest terms only (a full product of 100k rows is mostly tiny overlaps and
    does not fit in memory), at most ``NEIGHBOURS`` per node (the most similar on those
    terms), then the exact similarity of those, time-damped.

    The cap keeps the exact scoring linear: in a large corpus every article shares topic
    words with hundreds of others (every match report with every other), and scoring all
    of those grew with the square of the corpus (the product on the strongest terms that
    finds them still does). A node's strongest neighbours are what chain a story together;
    average linkage then sees every pair inside a component exactly. In an incremental run
    only the new nodes' neighbours are searched, so a link that only an old node's list
    would have held is not found there. ``search``: the rows whose strongest terms are
    used instead of ``nodes``' (``cluster_families``)."""
    found_i, found_j = [], []
    top = _top_terms(nodes if search is None else search, TOP_TERMS)
    for block_rows, cols, right in _blocks(top, rows_of, node_days, window):
        block = (top[block_rows] @ right).tocoo()
        i, j, approx = block_rows[block.row], cols[block.col], block.data
        del block
        # the time factor is at most 1: what is under the bar without it stays under with it, so it
        # is only computed for the rest (it was a quarter of the clustering at 300k)
        keep = (approx >= threshold * PREFILTER) & (i != j)
        i, j, approx = i[keep], j[keep], approx[keep]
        approx = approx * _time_factor(node_days[i], node_days[j], window)
        keep = approx >= threshold * PREFILTER
        i, j, approx = i[keep], j[keep], approx[keep]
        # the NEIGHBOURS best of each row: sort by row, then by score, and rank inside the row
        order = np.lexsort((-approx, i))
        i, j = i[order], j[order]
        starts = np.flatnonzero(np.r_[True, i[1:] != i[:-1]]) if len(i) else np.zeros(0, dtype=np.int64)
        rank = np.arange(len(i)) - np.repeat(starts, np.diff(np.r_[starts, len(i)]))
        best = rank < NEIGHBOURS
        found_i.append(np.minimum(i[best], j[best]))
        found_j.append(np.maximum(i[best], j[best]))
    n = np.int64(nodes.shape[0])
    pairs = np.unique(np.concatenate(found_i).astype(np.int64) * n + np.concatenate(found_j)) if found_i else []
    rows = [np.zeros(0, dtype=np.int64)]
    cols = [np.zeros(0, dtype=np.int64)]
    strengths = [np.zeros(0, dtype=np.float32)]
    for k in range(0, len(pairs), _SCORE_CHUNK):
        ii, jj = pairs[k:k + _SCORE_CHUNK] // n, pairs[k:k + _SCORE_CHUNK] % n
        s = np.asarray(nodes[ii].multiply(nodes[jj]).sum(axis=1)).ravel()
        s *= _time_factor(node_days[ii], node_days[jj], window)
        ok = s >= threshold
        rows.append(ii[ok])
        cols.append(jj[ok])
        strengths.append(s[ok])
    return np.concatenate(rows), np.concatenate(cols), np.concatenate(strengths).astype(np.float32)


def nearest_pairs(vectors, rows_of: np.ndarray, *, k: int, threshold: float) -> list[tuple[int, int]]:
    """Pairs (i, j), i < j, of rows of ``vectors`` (L2-normalised, CSR) where one is among the
    other's ``k`` most similar rows at cosine ``threshold`` or more, for every pair that holds a
    row of ``rows_of`` (all rows, or the new ones of an incremental run). A row's top ``k`` is read
    from its own neighbour search, so the rows that ``rows_of`` reaches are searched too, and a
    new row that enters an old row's top ``k`` is paired with it as a run from scratch would.
    Candidates come as for story links (``_candidate_links``: strongest terms first, then exact
    cosines), undated."""
    if not len(rows_of) or k <= 0:
        return []
    undated = np.full(vectors.shape[0], np.nan)
    r, c, w = _candidate_links(vectors, rows_of, undated, threshold, 0)
    reached = np.setdiff1d(np.unique(np.r_[r, c]), rows_of)
    if len(reached):
        r2, c2, w2 = _candidate_links(vectors, reached, undated, threshold, 0)
        r, c, w = np.r_[r, r2], np.r_[c, c2], np.r_[w, w2]
        n = np.int64(vectors.shape[0])
        _, first = np.unique(r.astype(np.int64) * n + c, return_index=True)
        r, c, w = r[first], c[first], w[first]
    # each row's k best links (both ends of every link), ties by the other row's number
    ends = np.r_[r, c]
    others = np.r_[c, r]
    order = np.lexsort((others, -np.r_[w, w], ends))
    ends = ends[order]
    starts = np.flatnonzero(np.r_[True, ends[1:] != ends[:-1]]) if len(ends) else np.zeros(0, dtype=np.int64)
    rank = np.arange(len(ends)) - np.repeat(starts, np.diff(np.r_[starts, len(ends)]))
    best = order[rank < k] % len(r) if len(r) else np.zeros(0, dtype=np.int64)
    wanted = np.zeros(vectors.shape[0], dtype=bool)
    wanted[rows_of] = True
    keep = np.unique(best)
    keep = keep[wanted[r[keep]] | wanted[c[keep]]]
    return sorted(zip(r[keep].tolist(), c[keep].tolist()))


def _blocks(top, rows_of: np.ndarray, node_days: np.ndarray, window: float):
    """The rows ``rows_of`` of ``top`` in blocks, each with the nodes it can link to: (rows,
    those nodes, their rows of ``top`` transposed). Two nodes dated ``TIME_HORIZON * window`` days or more
    apart never link (their time factor is 0), so dated rows are taken in date order and a
    block meets only the nodes dated within reach of it, and the undated ones; an undated row
    meets every node. Exact: it skips only products the time factor would zero, and in a
    corpus that spans months it keeps the search from growing with the square of its size."""
    every = np.arange(top.shape[0])
    dated = ~np.isnan(node_days)
    if window <= 0:
        dated[:] = False
    undated_rows = rows_of[~dated[rows_of]]
    if len(undated_rows):
        right = top.T.tocsr()  # (a CSC right operand is converted to CSR by every product: 30 s at 300k)
        for start in range(0, len(undated_rows), _BLOCK):
            yield undated_rows[start:start + _BLOCK], every, right
    rows = rows_of[dated[rows_of]]
    if not len(rows):
        return
    rows = rows[np.argsort(node_days[rows], kind="stable")]
    by_day = every[dated][np.argsort(node_days[dated], kind="stable")]
    days_sorted = node_days[by_day]
    undated = every[~dated]
    reach = TIME_HORIZON * window
    for start in range(0, len(rows), _BLOCK):
        block_rows = rows[start:start + _BLOCK]
        lo = np.searchsorted(days_sorted, node_days[block_rows[0]] - reach, side="right")
        hi = np.searchsorted(days_sorted, node_days[block_rows[-1]] + reach, side="left")
        cols = np.concatenate([by_day[lo:hi], undated])
        yield block_rows, cols, top[cols].T.tocsr()


def _components(n: int, r: np.ndarray, c: np.ndarray) -> tuple[int, np.ndarray]:
    sparse = require("scipy.sparse", feature="story clustering", extra="stories")
    csgraph = require("scipy.sparse.csgraph", feature="story clustering", extra="stories")
    graph = sparse.csr_matrix((np.ones(len(r), dtype=np.int8), (r, c)), shape=(n, n))
    return csgraph.connected_components(graph, directed=False)


def _split(idx: np.ndarray, r: np.ndarray, c: np.ndarray, w: np.ndarray, level: float) -> list[np.ndarray]:
    """A component too large for a dense matrix, cut into pieces of at most MAX_DENSE nodes by
    dropping its weakest links (15% above the threshold, then higher for what is still too
    large); average linkage then runs in each piece. Only a chain of loosely similar articles
    (a giant component) is cut this way."""
    inside = np.zeros(int(max(r.max(initial=0), c.max(initial=0), idx.max())) + 1, dtype=bool)
    inside[idx] = True
    mask = inside[r] & inside[c]
    r, c, w = r[mask], c[mask], w[mask]
    level *= 1.15
    keep = w >= level
    local = np.full(len(inside), -1, dtype=np.int64)
    local[idx] = np.arange(len(idx))
    _, comp = _components(len(idx), local[r[keep]], local[c[keep]])
    out = []
    for part in _groups(comp):
        piece = idx[part]
        out.extend([piece] if len(piece) <= MAX_DENSE else _split(piece, r[keep], c[keep], w[keep], level))
    return out


def shared_neighbours(sims: np.ndarray, k: int):
    """Shared-nearest-neighbour similarity of the nodes of dense ``sims`` (sparse, symmetric):
    the cosine of their neighbourhood vectors, each node's row of ``sims`` cut to its ``k``
    largest off-diagonal entries, with the node itself at weight 1 (so that two nodes that are
    each other's neighbour score high however few others they share)."""
    sparse = require("scipy.sparse", feature="story clustering", extra="stories")
    n = len(sims)
    k = min(k, n - 1)
    off = sims.copy()
    np.fill_diagonal(off, -np.inf)
    cols = np.argpartition(-off, k - 1, axis=1)[:, :k] if k > 0 else np.zeros((n, 0), dtype=np.int64)
    rows = np.repeat(np.arange(n), k)
    weights = np.clip(off[rows, cols.ravel()], 0.0, None)
    every = np.arange(n)
    hood = sparse.csr_matrix((np.r_[weights, np.ones(n)], (np.r_[rows, every], np.r_[cols.ravel(), every])),
                             shape=(n, n), dtype=np.float64)
    norms = np.sqrt(np.asarray(hood.multiply(hood).sum(axis=1)).ravel())
    hood = sparse.diags(1.0 / norms) @ hood
    return (hood @ hood.T).tocsr()


def split_by_neighbourhood(sims: np.ndarray, labels: np.ndarray, k: int, level: float) -> np.ndarray:
    """``labels`` (clusters of the nodes of ``sims``) with each cluster split by average linkage on
    shared-neighbour similarity (``shared_neighbours``, over all nodes of ``sims``) at ``level``,
    lowered to ``SPLIT_SCALE * k / size`` for large clusters."""
    if len(sims) < 3:
        return labels
    snn = None
    out = np.empty_like(labels)
    next_label = 0
    for members in _groups(labels):
        if len(members) < 2:
            out[members] = next_label
            next_label += 1
            continue
        if snn is None:
            snn = shared_neighbours(sims, k)
        inner = snn[members][:, members].toarray()
        sub = _average_link(inner, min(level, SPLIT_SCALE * k / len(members)))
        out[members] = sub + next_label
        next_label += int(sub.max()) + 1
    return out


def attach_small(sims: np.ndarray, labels: np.ndarray, level: float) -> np.ndarray:
    """``labels`` with each cluster of at most ``ATTACH_SMALL`` nodes moved into the cluster of at
    least ``ATTACH_LARGE`` nodes whose centroid is most similar to its own, when that cosine is
    ``level`` or more and ``ATTACH_MARGIN`` times the next large cluster's.

    Average linkage weighs a piece against a cluster by the mean of their pairwise
    similarities. A short report (a few sentences) or one that tells the event from one side
    shares a little with each of the event's reports, so that mean stays under the threshold,
    yet it shares much with the event's reports taken together, which is what their centroid
    holds (the nearest-centroid step of k-means). Only small pieces move, and only to large
    clusters, which have a centroid to speak of; each is measured against the clusters as
    average linkage left them, so the result does not depend on order. The cosines come from
    ``sims`` (the time-damped similarities): the centroid of a set S has the squared norm
    ``sims[S, S].sum()`` and its product with another set's is ``sims[S, T].sum()``."""
    sizes = np.bincount(labels)
    large = np.flatnonzero(sizes >= ATTACH_LARGE)
    if not len(large) or not (sizes <= ATTACH_SMALL).any():
        return labels
    # (in matrix form: a component holds up to MAX_DENSE nodes, and a loop over its small pieces
    # times its large clusters grew with the product of the two)
    column = np.full(len(sizes), -1, dtype=np.int64)
    column[large] = np.arange(len(large))
    in_large = np.flatnonzero(column[labels] >= 0)
    small = np.flatnonzero(sizes[labels] <= ATTACH_SMALL)
    onehot = np.zeros((len(labels), len(large)))
    onehot[in_large, column[labels[in_large]]] = 1.0
    # each large cluster's squared centroid norm: the sum of its block of sims
    inner = sims[in_large] @ onehot
    norms = np.sqrt(np.bincount(column[labels[in_large]], weights=inner[np.arange(len(in_large)),
                                                                         column[labels[in_large]]],
                                minlength=len(large)))
    # each small piece's products with the large clusters, and its own squared norm
    pieces, piece_of = np.unique(labels[small], return_inverse=True)
    piece_of = piece_of.ravel()
    cross = np.zeros((len(pieces), len(large)))
    np.add.at(cross, piece_of, sims[small] @ onehot)
    own = np.bincount(piece_of, weights=sims[small, small], minlength=len(pieces))
    # (a piece holds one or two nodes: a pair adds twice its one similarity)
    first = np.full(len(pieces), len(labels), dtype=np.int64)
    np.minimum.at(first, piece_of, small)
    other = small != first[piece_of]  # the second node of a pair
    own[piece_of[other]] += 2 * sims[first[piece_of[other]], small[other]]
    cos = cross / (np.sqrt(np.maximum(own, 1e-12))[:, None] * norms[None, :])
    order = np.argsort(-cos, axis=1, kind="stable")
    rows = np.arange(len(pieces))
    best = cos[rows, order[:, 0]]
    # (similarities are not negative, so with one large cluster the margin always holds)
    runner_up = cos[rows, order[:, 1]] if len(large) > 1 else np.zeros(len(pieces))
    moves = (best >= level) & (best >= ATTACH_MARGIN * runner_up)
    target = np.arange(len(sizes))
    target[pieces[moves]] = large[order[moves, 0]]
    return np.unique(target[labels], return_inverse=True)[1].reshape(labels.shape)


def _average_link(sims: np.ndarray, threshold: float) -> np.ndarray:
    hierarchy = require("scipy.cluster.hierarchy", feature="story clustering", extra="stories")
    distance = require("scipy.spatial.distance", feature="story clustering", extra="stories")
    dist = np.clip(1.0 - sims, 0.0, 2.0)
    np.fill_diagonal(dist, 0.0)
    tree = hierarchy.linkage(distance.squareform(dist, checks=False), method="average")
    return hierarchy.fcluster(tree, t=1.0 - threshold, criterion="distance") - 1
