"""Candidate pairs: which articles are worth aligning, cheap and lexical first.

Fingerprints (two 128-value MinHash digests, hashed sentences and LSH band keys) are made
at ingest (``fingerprint_rows``) and stored; the candidates of a run are the pairs that
involve a new article and share a clean body, a sentence (not a stock phrase), an LSH band
of either digest (checked on the estimated similarity), or each other's nearest place by
content (the stored story terms). A large family of near-identical copies is paired through
its hubs (``families.py``)."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Callable, Iterable

import numpy as np

from ..config import ReuseSettings
from ..fingerprint import PARAMS, content_tokens, fingerprint_many, tokens
from ..fingerprint.hashes import TokenTable
from ..model import Article, RunStats
from . import families as family_rules
from .families import FamilyPruner, family_pruner
from .pair import ENGINE_VERSION

#: LSH banding: (name, rows per band, bands) over the two 128-value digests
SHINGLE_BANDS = (4, 32)   # word 5-grams: near-duplicates (Jaccard >= ~0.5)
WORD_BANDS = (3, 42)      # content words: rewrites (Jaccard >= ~0.35)
MAX_BUCKET = 500
#: content-word bands held by more articles than this are topic vocabulary, not a rewrite's
#: trace (the same line as max_sentence_df draws for sentences); a 5-gram band held by more than
#: MAX_BUCKET (a story reprinted by more outlets) pairs its earliest published holders with every other
#: (as a large family is paired through its hubs: families.py)
MAX_WORD_BUCKET = 200
# An LSH candidate is kept when its estimated similarity is in reach of a copy: 5-gram Jaccard
# >= 0.15, or content-word Jaccard >= 0.55 (rewrites keep most of the vocabulary), or >= 0.40 with
# some 5-grams left. Articles on one topic share words (0.35-0.55 measured) but no 5-grams.
MIN_SHINGLE_J = 0.15
MIN_WORD_J = 0.55
MIN_WORD_J_WITH_SHINGLES = 0.40
# ... or >= 0.45 with no 5-gram left when the smaller vocabulary lies mostly (>= 0.78) inside the larger:
# a rewrite that rewords, restructures and condenses (the containment is estimated from the two
# digests' sizes first, then checked on the texts). Articles on one topic of unequal length reach
# 0.75-0.77 (at 0.75, 223 such pairs among 100k speed-corpus articles became candidates; at 0.78, 6)
MIN_WORD_J_CONTAINED = 0.45
MIN_WORD_CONTAINMENT = 0.78
#: exact copies of an article paired with each of its nearest by content (``_similar_content``)
CONTENT_COPIES = 8


def _band_keys(digests: np.ndarray, rows: int, bands: int, first_band: int) -> np.ndarray:
    """One 64-bit key per LSH band of each digest (digests x bands; the band number mixed
    in, so bands never collide)."""
    d = digests[:, : rows * bands].astype(np.uint64).reshape(len(digests), bands, rows)
    keys = np.arange(first_band, first_band + bands, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    keys = np.broadcast_to(keys, (len(digests), bands))
    with np.errstate(over="ignore"):
        for r in range(rows):
            keys = (keys ^ d[:, :, r]) * np.uint64(0x100000001B3)
    return keys


def fingerprint_params(r: ReuseSettings) -> str:
    """What a stored fingerprint was made with: one made otherwise is recomputed."""
    return json.dumps([PARAMS.num_perm, PARAMS.seed, PARAMS.shingle, PARAMS.version, ENGINE_VERSION,
                       r.paraphrase, r.model, r.paraphrase_threshold, r.content_neighbours, r.content_similarity])


def fingerprint_rows(articles: list[Article], params: str,
                     table: TokenTable | None = None) -> list[tuple[str, str, str, bytes, bytes, bytes, bytes]]:
    """The stored form of the articles' fingerprints: (article, body_hash, params,
    shingle_digest, word_digest, sentence_hashes, band_keys). ``table``: the articles' token
    table (``fingerprint.hashes.token_table``) when made already."""
    fps = fingerprint_many(articles, table)
    if not fps:
        return []
    keys = np.concatenate([_band_keys(np.stack([fp.shingle_digest for fp in fps]), *SHINGLE_BANDS, 0),
                           _band_keys(np.stack([fp.word_digest for fp in fps]), *WORD_BANDS, SHINGLE_BANDS[1])],
                          axis=1)
    return [(a.id, a.body_hash, params, fp.shingle_digest.tobytes(), fp.word_digest.tobytes(),
             np.array(fp.sentence_hashes, dtype=np.uint64).tobytes(), k.tobytes())
            for a, fp, k in zip(articles, fps, keys)]


def _shared_key_pairs(keys: np.ndarray, owner: np.ndarray, is_new: np.ndarray, cap: int,
                      verify=None, chunk: int = 1 << 20, *, dedupe_first: bool = True,
                      star: int = 0, rank: Callable[[], np.ndarray] | None = None) -> set[tuple[int, int]]:
    """Pairs of owners that share a key, at least one of them new; keys held by more than
    ``cap`` owners are skipped (stock content, not evidence), or, with ``star``, pair their
    ``star`` first owners (by ``rank()``, lowest first; else by number) with every other. ``verify(x, y)`` filters the pairs as they are made, ``chunk`` at a time, so
    that only the pairs kept are held: a large bucket never floods memory.

    ``dedupe_first``: a pair met in several buckets of one chunk is verified once (worth it
    where pairs repeat, as near-duplicates do across 5-gram bands); without it every pair is
    verified as met and only the kept ones are deduplicated, which spares sorting the many
    pairs that content-word buckets make and verify rejects (at 100k articles: 39 M pairs,
    1% repeats, 0.08% kept)."""
    order = np.argsort(keys, kind="stable")
    k, o = keys[order], owner[order]
    starts = np.flatnonzero(np.r_[True, k[1:] != k[:-1]])
    sizes = np.r_[starts[1:], len(k)] - starts
    n = np.int64(max(len(is_new), 1))
    all_new = bool(is_new.all())
    kept: list[np.ndarray] = []  # x * n + y (x < y) of the pairs kept

    def take(x: np.ndarray, y: np.ndarray) -> None:
        wanted = x != y
        if not all_new:
            wanted &= is_new[x] | is_new[y]
        x, y = np.minimum(x[wanted], y[wanted]), np.maximum(x[wanted], y[wanted])
        if not len(x):
            return
        if dedupe_first:
            codes = np.unique(x.astype(np.int64) * n + y)
            x, y = codes // n, codes % n
        if verify is not None:
            ok = np.zeros(len(x), dtype=bool)
            for v in range(0, len(x), 65536):
                ok[v:v + 65536] = verify(x[v:v + 65536], y[v:v + 65536])
            x, y = x[ok], y[ok]
        kept.append(x.astype(np.int64) * n + y)

    # every pair of positions inside a kept bucket, all buckets of one size at once
    keep = (sizes == 2) | ((sizes > 2) & (sizes <= cap))
    for size in np.unique(sizes[keep]).tolist():
        bucket_starts = starts[keep & (sizes == size)]
        i, j = np.triu_indices(size, k=1)
        per_chunk = max(1, chunk // len(i))
        for c in range(0, len(bucket_starts), per_chunk):
            b = bucket_starts[c:c + per_chunk, None]
            take(o[(b + i).ravel()], o[(b + j).ravel()])
    if star:
        # a bucket over the cap (a story reprinted by more outlets than the cap): its first owners with every other
        for b, size in zip(starts[sizes > cap].tolist(), sizes[sizes > cap].tolist()):
            members = np.sort(o[b:b + size])
            if rank is not None:
                members = members[np.argsort(rank()[members], kind="stable")]
            for h in range(min(star, size - 1)):
                take(np.full(size - h - 1, members[h]), members[h + 1:])
    if not kept:
        return set()
    codes = np.unique(np.concatenate(kept))
    return set(zip((codes // n).tolist(), (codes % n).tolist()))


def _shingle_bands(bands: list[np.ndarray]) -> np.ndarray:
    """The 5-gram band keys of each article (the first ``SHINGLE_BANDS[1]`` of its stored keys), one row each."""
    width = SHINGLE_BANDS[1]
    out = np.empty((len(bands), width), dtype=np.uint64)
    for i, b in enumerate(bands):
        # (an article stored without keys gets keys of its own, shared with no one)
        out[i] = b[:width] if len(b) >= width else np.uint64(0xFFFFFFFF00000000) + np.uint64(i)
    return out


def _times(store, ids: list[str]) -> np.ndarray:
    """The publication time of each of ``ids`` (POSIX seconds, NaN where undated or unreadable)."""
    from ..dates import to_instant

    published = {m[0]: m[3] for m in store.article_meta()}
    out = np.full(len(ids), np.nan)
    for i, id in enumerate(ids):
        inst = to_instant(published.get(id))
        if inst is not None:
            out[i] = inst[0]
    return out


def _in_reach(sj: np.ndarray, wj: np.ndarray, ratio: np.ndarray | None = None) -> np.ndarray:
    """Whether estimated 5-gram (``sj``) and content-word (``wj``) Jaccards are in reach of a
    copy (``ratio``: the larger content-word set's size over the smaller's, estimated, for the
    containment route); never false where a larger ``sj`` or ``wj`` would make it true."""
    ok = (sj >= MIN_SHINGLE_J) | (wj >= MIN_WORD_J) | ((wj >= MIN_WORD_J_WITH_SHINGLES) & (sj >= 0.04))
    if ratio is not None:
        ok |= (wj >= MIN_WORD_J_CONTAINED) & (_containment(wj, ratio) >= MIN_WORD_CONTAINMENT)
    return ok


def _containment(j: np.ndarray, ratio: np.ndarray) -> np.ndarray:
    """The share of the smaller set inside the larger, from their Jaccard and size ratio (>= 1)."""
    return j * (1.0 + ratio) / (1.0 + j)


def _set_sizes(digests: np.ndarray) -> np.ndarray:
    """A number proportional to the size of each digest's set: the mean of k minimum hash values
    falls as 1 / (size + 1) (only ratios of these are used, so the hash range does not matter)."""
    return 1.0 / np.maximum(digests.astype(np.float64).mean(axis=1), 1.0)


class _Similar:
    """``(x, y) -> bool array``: whether the estimated similarity of each pair is in reach of a
    copy (LSH buckets also catch articles that merely share a topic).

    Checked first on the low byte of each digest value: two equal values have equal low
    bytes, so the Jaccards estimated on these are never lower, and a pair out of reach on
    them is out of reach. Most LSH pairs are such same-topic pairs, and a quarter of the
    bytes are read for them; the others are checked on the full values."""

    def __init__(self, shingle: np.ndarray, words: np.ndarray):
        self.shingle, self.words = shingle, words
        self.shingle8, self.words8 = shingle.astype(np.uint8), words.astype(np.uint8)
        self.size = _set_sizes(words)

    def __call__(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        sx, sy = self.size[x], self.size[y]
        ratio = np.maximum(sx, sy) / np.minimum(sx, sy)
        ok = _in_reach((self.shingle8[x] == self.shingle8[y]).mean(axis=1),
                       (self.words8[x] == self.words8[y]).mean(axis=1), ratio)
        if ok.any():
            i = np.flatnonzero(ok)
            x, y = x[i], y[i]
            ok[i] = _in_reach((self.shingle[x] == self.shingle[y]).mean(axis=1),
                              (self.words[x] == self.words[y]).mean(axis=1), ratio[i])
        return ok


def find_candidates(store, new: list[str], settings: ReuseSettings,
                    stats: RunStats) -> tuple[list[tuple[str, str, str]], FamilyPruner | None]:
    """Candidate pairs (a, b, why) that involve a new article; a is the earlier ingested.

    Same clean body, a shared sentence (not a stock phrase), or a shared LSH band
    of either sketch; LSH-only pairs must also have an estimated similarity in reach
    of a copy. All indexes are built in memory from the stored fingerprints. Also returns the large
    families of near-identical copies found (``families.py``; None: none)."""
    rows = store.fingerprints()
    ids = [r[0] for r in rows]
    index = {id: i for i, id in enumerate(ids)}
    is_new = np.zeros(len(ids), dtype=bool)
    is_new[[index[i] for i in new if i in index]] = True
    known = store.known_pairs()
    found: dict[tuple[int, int], str] = {}
    bands = [np.frombuffer(r[5], dtype=np.uint64) for r in rows]
    shingle = np.stack([np.frombuffer(r[2], dtype=np.uint32) for r in rows]) if rows else None
    words = np.stack([np.frombuffer(r[3], dtype=np.uint32) for r in rows]) if rows else None

    @lru_cache(maxsize=None)
    def times() -> np.ndarray:  # (read only where a large family or a crowded bucket needs them)
        return _times(store, ids)

    # a large family of near-identical copies is paired through its hubs (families.py)
    families = family_pruner(ids, shingle, _shingle_bands(bands), times) if rows else None

    bodies: dict[str, list[int]] = {}
    for i, r in enumerate(rows):
        bodies.setdefault(r[1], []).append(i)
    for members in bodies.values():
        if len(members) > 2 and families is not None and families.one_digest(members):
            # exact copies of one large family: every pair without a hub would be left out below
            # (1,000 copies made half a million pairs here to drop them)
            hubs = [m for m in members if families.hub[m]]
            body_pairs: Iterable[tuple[int, int]] = ((min(h, x), max(h, x)) for h in hubs for x in members
                                                     if x != h)
        else:
            body_pairs = ((members[x], members[y]) for x in range(len(members))
                          for y in range(x + 1, len(members)))
        for x, y in body_pairs:
            if is_new[x] or is_new[y]:
                found[(x, y)] = "same body"

    sent = [np.frombuffer(r[4], dtype=np.uint64) for r in rows]
    if any(len(h) for h in sent):
        keys = np.concatenate(sent)
        owner = np.repeat(np.arange(len(ids)), [len(h) for h in sent])
        for pair in _shared_key_pairs(keys, owner, is_new, settings.max_sentence_df):
            found.setdefault(pair, "shared sentence")

    keys = np.concatenate(bands) if bands else np.zeros(0, dtype=np.uint64)
    lengths = np.array([len(b) for b in bands], dtype=np.int64)
    owner = np.repeat(np.arange(len(ids)), lengths)
    # each article's first SHINGLE_BANDS[1] keys are its 5-gram bands, the rest its word bands
    of_shingles = np.arange(len(keys)) - np.repeat(np.cumsum(lengths) - lengths, lengths) < SHINGLE_BANDS[1]

    similar = _Similar(shingle, words) if rows else None

    lsh = _shared_key_pairs(keys[of_shingles], owner[of_shingles], is_new, MAX_BUCKET, verify=similar,
                            star=family_rules.HUBS, rank=lambda: family_rules.hub_rank(times()))
    lsh |= _shared_key_pairs(keys[~of_shingles], owner[~of_shingles], is_new, MAX_WORD_BUCKET, verify=similar,
                             dedupe_first=False)
    for pair in _exact_vocabulary_check(store, ids, [p for p in lsh if p not in found], shingle, words):
        found.setdefault(pair, "similar vocabulary (MinHash LSH)")
    for pair in _similar_content(store, ids, bodies, is_new, settings):
        found.setdefault(pair, "similar content (nearest by TF-IDF)")
    if families is not None and found:
        pairs = np.array(list(found), dtype=np.int64)
        dropped = pairs[families.drops(pairs[:, 0], pairs[:, 1])]
        for x, y in dropped.tolist():
            del found[(x, y)]
        stats.count("family_pairs_left_out", len(dropped))
    out = []
    for (x, y), why in found.items():
        a, b = ids[min(x, y)], ids[max(x, y)]  # rows are in ingest order
        if (a, b) not in known:
            out.append((a, b, why))
    out.sort()
    stats.count("candidate_pairs", len(out))
    return out, families


def _similar_content(store, ids: list[str], bodies: dict[str, list[int]], is_new: np.ndarray,
                     settings: ReuseSettings) -> list[tuple[int, int]]:
    """Pairs of articles each among the other's nearest by content (``content_neighbours``
    most similar, TF-IDF cosine of the stored story terms >= ``content_similarity``) that
    involve a new article: a rewrite that rewords nearly every sentence keeps no sentence
    and no 5-gram and too little of the vocabulary for the LSH (a third of it, like two
    reports of one event), but the original is still the article nearest to it. Alignment
    then decides, with the model, whether its sentences follow the original's.

    Exact copies (``bodies``: rows by body hash) are one neighbour, their first-ingested
    row standing for them, and a pair found for it holds each of its first
    ``CONTENT_COPIES`` copies: otherwise an original with two reprints fills a rewrite's
    nearest with itself, and a rewrite meets only the copy nearest by its title. None in a
    copies-only run (no story terms) or where ``content_neighbours`` is 0.

    In a corpus of fewer than ``SMALL_CORPUS`` articles the cosine bar is halved: its IDF,
    made from a handful of texts, weighs the words two texts share little against those
    only one has, so a rewrite scores lower against its original than it would in a
    larger corpus (0.23 alone with it, 0.34 among 200 other articles), and aligning a few
    more pairs costs nothing there. (A pair aligned while a growing corpus was small stays
    decided; a run from scratch on the grown corpus aligns it only if it reaches the full bar.)"""
    k, level = settings.content_neighbours, settings.content_similarity
    if k <= 0 or not ids or not is_new.any():
        return []
    from ..stories.cluster import nearest_pairs
    from ..stories.terms import SMALL_CORPUS, TERMS_VERSION, terms_matrix

    stored = store.story_terms(TERMS_VERSION)
    rep = np.arange(len(ids))
    for members in bodies.values():
        rep[members] = members[0]
    heads = [i for i in range(len(ids)) if rep[i] == i and ids[i] in stored]
    if len(heads) < 2:
        return []
    vectors = terms_matrix([stored[ids[i]] for i in heads])
    del stored
    if len(heads) < SMALL_CORPUS:
        level /= 2
    at = np.array(heads, dtype=np.int64)
    touched = np.zeros(len(ids), dtype=bool)
    touched[rep[is_new]] = True  # a new copy of a stored article reaches its head
    copies = {m[0]: m[:CONTENT_COPIES] for m in bodies.values()}
    out = []
    for x, y in nearest_pairs(vectors, np.flatnonzero(touched[at]), k=k, threshold=level):
        for i in copies[int(at[x])]:
            for j in copies[int(at[y])]:
                if is_new[i] or is_new[j]:
                    out.append((min(i, j), max(i, j)))
    return out


def _exact_vocabulary_check(store, ids: list[str], pairs: list[tuple[int, int]], shingle: np.ndarray,
                            words: np.ndarray) -> list[tuple[int, int]]:
    """``pairs`` less those kept by the estimated content-word Jaccard alone (no 5-gram in
    common) whose exact Jaccard is under ``MIN_WORD_J`` (and, at ``MIN_WORD_J_CONTAINED`` or
    more, whose smaller vocabulary is not ``MIN_WORD_CONTAINMENT`` inside the larger): two
    articles on one topic share much of their vocabulary, and the 128-value estimate is off
    by 0.04 on average, so such pairs near the threshold are checked on the texts themselves
    (they are few)."""
    if not pairs:
        return pairs
    x, y = np.array(pairs, dtype=np.int64).T
    sj = (shingle[x] == shingle[y]).mean(axis=1)
    wj = (words[x] == words[y]).mean(axis=1)
    vocab_only = (sj < MIN_SHINGLE_J) & ~((wj >= MIN_WORD_J_WITH_SHINGLES) & (sj >= 0.04))
    if not vocab_only.any():
        return pairs
    members = sorted({ids[i] for k in np.flatnonzero(vocab_only) for i in pairs[k]})
    vocab = {id: set(content_tokens(tokens(a.text))) for id, a in store.article_batch(members).items()}
    out = []
    for k, (i, j) in enumerate(pairs):
        if vocab_only[k]:
            va, vb = vocab[ids[i]], vocab[ids[j]]
            small, large = sorted((len(va), len(vb)))
            union = len(va | vb)
            # the same rule as the estimate's, on the exact Jaccard and sizes (no 5-gram counted)
            if union and not (small and _in_reach(np.zeros(1), np.array([len(va & vb) / union]),
                                                  np.array([large / small]))[0]):
                continue
        out.append((i, j))
    return out
