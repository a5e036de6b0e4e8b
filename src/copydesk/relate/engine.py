"""The reuse engine: fingerprint -> candidates -> align -> relate, incrementally.

Pairs are decided from the two articles alone, and stored; only pairs that
involve new or changed articles are computed in a run. Relations (with chains
and their ``via``) are then derived from all stored pairs, so an incremental
run gives what a run from scratch gives."""

from __future__ import annotations

import json
import time
from collections import Counter, OrderedDict
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import islice
from typing import Callable, Iterable, Iterator
from urllib.parse import urlsplit

import numpy as np

from ..align.embed import Embedder
from ..align.passages import passages as build_passages
from ..align.sentences import Draft, SentenceMatch, add_splits, finish, lexical_matches, open_candidates
from ..config import ReuseSettings
from ..fingerprint import PARAMS, SentenceProfile, content_tokens, fingerprint_many, profile, tokens
from ..fingerprint.hashes import TokenTable
from ..model import Article, Change, Passage, Relation, RunStats
from .changes import changes_both
from .direction import context_fit, decide, usable_date
from ..unionfind import UnionFind
from . import families as family_rules
from .families import FamilyPruner, family_pruner
from .pair import PairStats, is_reuse, pair_stats, reuse_type

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
#: bump when pair decisions change: stored pairs of another version are recomputed
ENGINE_VERSION = "reuse-7"  # 7: "as many as", "up to", "some" before a number hedge it; 6: nearest by content


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


def family_pruner_of(store) -> FamilyPruner | None:
    """``families.family_pruner`` of everything ``store`` holds."""
    rows = store.fingerprints()
    if not rows:
        return None
    ids = [r[0] for r in rows]
    shingle = np.stack([np.frombuffer(r[2], dtype=np.uint32) for r in rows])
    return family_pruner(ids, shingle, _shingle_bands([np.frombuffer(r[5], dtype=np.uint64) for r in rows]),
                         lambda: _times(store, ids))


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


@dataclass
class ReuseEngine:
    settings: ReuseSettings
    stats: RunStats = field(default_factory=RunStats)
    progress: Callable[..., None] = lambda *a, **k: None
    embedder: Embedder | None = None
    cache_size: int = 4096
    #: a distributed engine's ``map_ordered``: candidate pairs are then aligned and decided there
    remote: Callable[..., Iterator] | None = None
    #: the large families of near-identical copies the last ``candidates`` found (None: none)
    families: FamilyPruner | None = None
    _articles: "OrderedDict[str, Article]" = field(default_factory=OrderedDict)
    _profiles: "OrderedDict[str, list[SentenceProfile]]" = field(default_factory=OrderedDict)

    # -- stage helpers --------------------------------------------------------------------
    def _timed(self, name: str, t0: float) -> None:
        self.stats.add_time(name, time.perf_counter() - t0)

    def _remember(self, cache: OrderedDict, key: str, value):
        cache[key] = value
        if len(cache) > self.cache_size:  # bounded: a 100k-article run must not hold every article
            cache.popitem(last=False)
        return value

    def article(self, store, id: str) -> Article:
        a = self._articles.get(id)
        if a is None:
            return self._remember(self._articles, id, store.article(id))
        self._articles.move_to_end(id)
        return a

    def prof(self, store, id: str) -> list[SentenceProfile]:
        p = self._profiles.get(id)
        if p is None:
            return self._remember(self._profiles, id, profile(self.article(store, id)))
        self._profiles.move_to_end(id)
        return p

    # -- fingerprint ----------------------------------------------------------------------
    def fingerprint(self, store) -> list[str]:
        """Fingerprint new and changed articles; returns the ids (in ingest order) of every
        article whose candidates are still to be found: those fingerprinted here, and those
        fingerprinted at ingest (see fingerprint/step.py) that no relate run has settled."""
        t0 = time.perf_counter()
        state = store.fingerprint_state()
        params = fingerprint_params(self.settings)
        meta = store.article_meta()
        stale = [m[0] for m in meta if state.get(m[0]) != (m[4], params)]
        changed = [i for i in stale if i in state]
        if changed:
            store.drop_fingerprints(changed)
        for i in range(0, len(stale), 500):
            loaded = store.article_batch(stale[i:i + 500])
            batch = [loaded[id] for id in stale[i:i + 500]]
            store.put_fingerprints(fingerprint_rows(batch, params))
            self.progress("fingerprint", len(batch), len(stale))
        fresh = store.fresh_fingerprints()
        new = [m[0] for m in meta if m[0] in fresh]
        self.stats.count("fingerprinted", len(new))
        self._timed("fingerprint", t0)
        return new

    # -- candidates -----------------------------------------------------------------------
    def candidates(self, store, new: list[str]) -> list[tuple[str, str, str]]:
        """Candidate pairs (a, b, why) that involve a new article; a is the earlier ingested.

        Same clean body, a shared sentence (not a stock phrase), or a shared LSH band
        of either sketch; LSH-only pairs must also have an estimated similarity in reach
        of a copy. All indexes are built in memory from the stored fingerprints."""
        t0 = time.perf_counter()
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
        self.families = family_pruner(ids, shingle, _shingle_bands(bands), times) if rows else None

        bodies: dict[str, list[int]] = {}
        for i, r in enumerate(rows):
            bodies.setdefault(r[1], []).append(i)
        for members in bodies.values():
            if len(members) > 2 and self.families is not None and self.families.one_digest(members):
                # exact copies of one large family: every pair without a hub would be left out below
                # (1,000 copies made half a million pairs here to drop them)
                hubs = [m for m in members if self.families.hub[m]]
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
            for pair in _shared_key_pairs(keys, owner, is_new, self.settings.max_sentence_df):
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
        for pair in self._exact_vocabulary_check(store, ids, [p for p in lsh if p not in found], shingle, words):
            found.setdefault(pair, "similar vocabulary (MinHash LSH)")
        for pair in self._similar_content(store, ids, bodies, is_new):
            found.setdefault(pair, "similar content (nearest by TF-IDF)")
        if self.families is not None and found:
            pairs = np.array(list(found), dtype=np.int64)
            dropped = pairs[self.families.drops(pairs[:, 0], pairs[:, 1])]
            for x, y in dropped.tolist():
                del found[(x, y)]
            self.stats.count("family_pairs_left_out", len(dropped))
        out = []
        for (x, y), why in found.items():
            a, b = ids[min(x, y)], ids[max(x, y)]  # rows are in ingest order
            if (a, b) not in known:
                out.append((a, b, why))
        out.sort()
        self.stats.count("candidate_pairs", len(out))
        self._timed("candidates", t0)
        return out

    def _similar_content(self, store, ids: list[str], bodies: dict[str, list[int]],
                         is_new: np.ndarray) -> list[tuple[int, int]]:
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
        copies-only run (no story terms) or where ``content_neighbours`` is 0."""
        k, level = self.settings.content_neighbours, self.settings.content_similarity
        if k <= 0 or not ids or not is_new.any():
            return []
        from ..stories.cluster import nearest_pairs
        from ..stories.terms import TERMS_VERSION, terms_matrix

        stored = store.story_terms(TERMS_VERSION)
        rep = np.arange(len(ids))
        for members in bodies.values():
            rep[members] = members[0]
        heads = [i for i in range(len(ids)) if rep[i] == i and ids[i] in stored]
        if len(heads) < 2:
            return []
        vectors = terms_matrix([stored[ids[i]] for i in heads])
        del stored
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

    @staticmethod
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

    # -- align + relate -----------------------------------------------------------------
    def align_and_relate(self, store, pairs: list[tuple[str, str, str]], *, chunk: int = 1000) -> None:
        """``align`` then ``relate`` the candidate pairs, families of related articles a chunk
        (about ``chunk`` pairs) at a time. Both go over each pair's sentence profiles (align
        twice, around the embedding batch); with the whole corpus in one pass, every article
        had fallen out of the caches before its next use and its profile was made three
        times (a quarter of the relate stage at 300k articles)."""
        ordered, family = _family_order(pairs)
        if not ordered:
            self.relate(store, self.align(store, []))  # the stages still report (0 s)
            return
        if self.remote is not None:
            self._decide_remotely(store, _parts(ordered, family, chunk), len(ordered))
            return
        for part in _parts(ordered, family, chunk):
            self.relate(store, self.align(store, part, total=len(ordered)))

    def _decide_remotely(self, store, parts: Iterable[list[tuple[str, str, str]]], total: int) -> None:
        """``align_and_relate`` with each part decided elsewhere (``remote``: a distributed
        engine's ``map_ordered``), sent with its articles; the pairs are stored here as they
        come back, in order."""
        def jobs() -> Iterator[tuple]:
            for part in parts:
                ids = sorted({x for a, b, _ in part for x in (a, b)})
                yield self.settings, store.article_batch(ids), part

        for rows, counts in self.remote(decide_chunk, jobs(), self.stats, what="chunk of candidate pairs"):
            store.put_pairs(rows)
            for key, n in counts.items():
                self.stats.count(key, n)
            self.progress("align", len(rows), total)

    def align(self, store, pairs: list[tuple[str, str, str]], *,
              total: int | None = None) -> list[tuple[str, str, list[SentenceMatch]]]:
        """Sentence matches of each pair (``total``: the pairs of the whole run, for progress)."""
        t0 = time.perf_counter()
        drafts: list[tuple[str, str, Draft]] = []
        for a, b, _why in _by_family(pairs):  # family by family, so the article caches hit
            if self.article(store, a).body_hash == self.article(store, b).body_hash:
                drafts.append((a, b, Draft()))
                continue
            drafts.append((a, b, lexical_matches(self.prof(store, a), self.prof(store, b))))
        embed_before = self.stats.timings.get("embed", 0.0)
        sims = self._paraphrase_similarities(store, drafts)
        t0 += self.stats.timings.get("embed", 0.0) - embed_before  # embedding is its own stage
        out = []
        for a, b, d in drafts:
            if self.article(store, a).body_hash == self.article(store, b).body_hash:
                out.append((a, b, []))
                continue
            matches = finish(d, sims.get((a, b)) if sims is not None else None, self.settings.paraphrase_threshold)
            out.append((a, b, add_splits(matches, self.prof(store, a), self.prof(store, b))))
            self.progress("align", 1, total or len(drafts))
        self._timed("align", t0)
        return out

    def _paraphrase_similarities(self, store, drafts) -> dict | None:
        """Cosine similarities of the paraphrase candidates that could change a decision."""
        if not self.settings.paraphrase:
            return None
        todo: list[tuple[str, str, int, int]] = []
        for a, b, d in drafts:
            if d.pending:
                todo.extend((a, b, i, j) for i, j in open_candidates(d, self.prof(store, a), self.prof(store, b)))
        if not todo:
            return {}
        t0 = time.perf_counter()
        keys = sorted({(a, i) for a, _b, i, _j in todo} | {(b, j) for _a, b, _i, j in todo})
        texts = []
        for art, idx in keys:
            p = self.prof(store, art)[idx]
            texts.append(self.article(store, art).text[p.start:p.end])
        embedder = self._embedder()
        vecs = embedder.encode(texts)
        row = {k: n for n, k in enumerate(keys)}
        sims: dict[tuple[str, str], dict[tuple[int, int], float]] = {}
        for a, b, i, j in todo:
            cos = float(np.dot(vecs[row[(a, i)]], vecs[row[(b, j)]]))
            sims.setdefault((a, b), {})[(i, j)] = cos
        self.stats.count("sentences_embedded", len(keys))
        self.stats.add_time("embed", time.perf_counter() - t0)
        return sims

    def _embedder(self):
        if self.embedder is None:
            from ..align.embed import shared_embedder

            device = None if self.settings.device == "auto" else self.settings.device
            self.embedder = shared_embedder(self.settings.model, device)
        return self.embedder

    def relate(self, store, aligned: list[tuple[str, str, list[SentenceMatch]]]) -> None:
        t0 = time.perf_counter()
        rows = []
        for a_id, b_id, matches in aligned:
            a, b = self.article(store, a_id), self.article(store, b_id)
            result = self.decide_pair(store, a, b, matches)
            rows.append((a_id, b_id, result is not None, result))
        store.put_pairs(rows)
        self.stats.count("related_pairs", sum(1 for r in rows if r[2]))
        self._timed("relate", t0)

    def decide_pair(self, store, a: Article, b: Article, matches: list[SentenceMatch]) -> dict | None:
        """The pair as decided from the two articles alone, or None when it is no reuse.

        Both orientations are kept (type, share, passages, changes if A were the
        original, and if B were) with the signed direction clues, so that the global
        pass can add family evidence and still pick either side."""
        if a.body_hash == b.body_hash:
            d = decide(a, b, pair_stats([], [], []), [], [], 0)
            full_a, full_b = (0, len(a.text)), (0, len(b.text))
            both = {
                "type": "duplicate", "share": 1.0, "share_original": 1.0, "closeness": 1.0, "changes": [],
                "note": "same clean body (exact duplicate)",
            }
            return {
                "a": a.id, "b": b.id, "dated": [usable_date(a), usable_date(b)], "clues": [list(w) for w in d.weighted],
                "ab": {**both, "passages": [Passage(full_a, full_b, "verbatim").to_dict()]},
                "ba": {**both, "passages": [Passage(full_b, full_a, "verbatim").to_dict()]},
            }
        sa, sb = self.prof(store, a.id), self.prof(store, b.id)
        st = pair_stats(matches, sa, sb, _self_refs(a, sa), _self_refs(b, sb), one_outlet=same_outlet(a, b))
        if not is_reuse(st):
            return None
        changes_ab, changes_ba = changes_both(a, b, matches, sa, sb)
        d = decide(a, b, st, changes_ab, changes_ba, _cut_end(matches, sa, sb), intro=_intro(matches, sa, sb),
                   context=_context(matches, sa, sb))

        def side(a_orig: bool) -> dict:
            share_d, share_o = (st.share_b, st.share_a) if a_orig else (st.share_a, st.share_b)
            kind = reuse_type(share_d, share_o, st.reworded)
            return {
                "type": kind, "share": round(share_d, 4), "share_original": round(share_o, 4),
                "closeness": round(_closeness(matches, sb if a_orig else sa, derived_is_b=a_orig), 4),
                "note": _reuse_evidence(kind, st, share_d, share_o),
                "passages": [p.to_dict() for p in build_passages(matches, sa, sb, a_is_original=a_orig)],
                "changes": [c.to_dict() for c in (changes_ab if a_orig else changes_ba)],
            }

        return {"a": a.id, "b": b.id, "dated": [usable_date(a), usable_date(b)],
                "clues": [list(w) for w in d.weighted], "ab": side(True), "ba": side(False)}


def _parts(ordered: list[tuple[str, str, str]], family: list[int], chunk: int) -> Iterator[list[tuple[str, str, str]]]:
    """``ordered`` (``_family_order``) cut into parts of about ``chunk`` pairs, never inside a family."""
    start = 0
    for end in range(1, len(ordered) + 1):
        if end == len(ordered) or (end - start >= chunk and family[end] != family[end - 1]):
            yield ordered[start:end]
            start = end


class _HeldArticles:
    """The articles of one part of the candidate pairs, standing in for the store where the
    part is decided (``decide_chunk``); the decided pairs are kept, not written."""

    def __init__(self, articles: dict[str, Article]):
        self.articles = articles
        self.rows: list[tuple] = []

    def article(self, id: str) -> Article:
        return self.articles[id]

    def put_pairs(self, rows: list[tuple]) -> None:
        self.rows.extend(rows)


def decide_chunk(settings: ReuseSettings, articles: dict[str, Article],
                 pairs: list[tuple[str, str, str]]) -> tuple[tuple[list[tuple], dict[str, int]], dict[str, float]]:
    """Align and decide ``pairs`` (one part of ``align_and_relate``) from their ``articles``
    alone, as a distributed engine's worker does: ((the rows for ``store.put_pairs``, counts),
    seconds per stage). The paraphrase model is loaded once per worker process."""
    held = _HeldArticles(articles)
    engine = ReuseEngine(settings)
    engine.relate(held, engine.align(held, pairs))
    return (held.rows, dict(engine.stats.counts)), dict(engine.stats.timings)


def _family_order(pairs: list[tuple[str, str, str]]) -> tuple[list[tuple[str, str, str]], list[int]]:
    """``pairs`` grouped by connected component (each group in its original order), and the
    component (numbered by its first pair) of each."""
    families = UnionFind()
    find = families.find
    for a, b, _ in pairs:
        families.union(a, b)
    first: dict[str, int] = {}
    for i, (a, _b, _w) in enumerate(pairs):
        first.setdefault(find(a), i)
    keyed = sorted(((first[find(p[0])], p[0], p[1]), p) for p in pairs)
    return [p for _, p in keyed], [k[0] for k, _ in keyed]


def _by_family(pairs: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """``pairs`` grouped by connected component (each group in its original order)."""
    return _family_order(pairs)[0]


def _closeness(matches: list[SentenceMatch], sd: list[SentenceProfile], *, derived_is_b: bool) -> float:
    """How closely the derived text follows the original: matched characters weighted by
    match quality (verbatim 1, edited by similarity, paraphrase 0.6 x cosine). Used to
    tell a chain (C follows B more closely than A) from copies of one original."""
    total = sum(s.end - s.start for s in sd) or 1
    best: dict[int, float] = {}
    for m in matches:
        idx = m.b if derived_is_b else m.a
        w = 1.0 if m.kind == "verbatim" else (m.score if m.kind == "edited" else 0.6 * m.score)
        best[idx] = max(best.get(idx, 0.0), w)
    return sum((sd[i].end - sd[i].start) * w for i, w in best.items()) / total


def _outlet_keys(article: Article) -> tuple[str, str]:
    """The outlet's name (letters and digits, lower-cased) and the web host of the article's URL
    (without "www."), each "" when unknown."""
    name = "".join(ch for ch in (article.source or "").lower() if ch.isalnum())
    host = ""
    if article.url:
        try:
            host = (urlsplit(article.url.strip()).hostname or "").removeprefix("www.")
        except ValueError:
            host = ""
    return name, host


def same_outlet(a: Article, b: Article) -> bool:
    """Whether two articles come from one outlet: the same name ("My6Sense", "my6sense") or the
    same web host."""
    (name_a, host_a), (name_b, host_b) = _outlet_keys(a), _outlet_keys(b)
    return bool(name_a and name_a == name_b) or bool(host_a and host_a == host_b)


def _self_refs(article: Article, profiles: list[SentenceProfile]) -> frozenset[int]:
    """Sentences of paragraphs that name the article's own outlet ("About The X: ...")."""
    name = (article.source or "").strip()
    if len(name) < 4:
        return frozenset()
    paragraphs = {i for i, (s, e) in enumerate(article.paragraphs) if name in article.text[s:e]}
    return frozenset(p.index for p in profiles if p.paragraph in paragraphs)


def _context(matches: list[SentenceMatch], sa: list[SentenceProfile], sb: list[SentenceProfile]):
    """How well the shared passage fits each article's own text; None when one side has
    too little text of its own to tell (duplicates, near-duplicates)."""
    ma = {m.a for m in matches}
    mb = {m.b for m in matches}
    rest_a = set().union(*(s.content for s in sa if s.index not in ma)) if len(sa) > len(ma) else set()
    rest_b = set().union(*(s.content for s in sb if s.index not in mb)) if len(sb) > len(mb) else set()
    if len(rest_a) < 15 or len(rest_b) < 15:
        return None
    shared = set().union(*(sa[i].content for i in ma)) if ma else set()
    return context_fit(shared, rest_a), context_fit(shared, rest_b)


def _intro(matches: list[SentenceMatch], sa: list[SentenceProfile], sb: list[SentenceProfile]) -> int:
    """Sentences one side puts before the shared text begins, when the other starts with it."""
    if not matches:
        return 0
    first_a = min(m.a for m in matches)
    first_b = min(m.b for m in matches)
    # sentences of prose (ending in . ! ? or a closing quote); a standfirst or subheading is not an intro
    pre_a = sum(1 for s in sa[:first_a] if len(s.tokens) >= 5 and s.prose)
    pre_b = sum(1 for s in sb[:first_b] if len(s.tokens) >= 5 and s.prose)
    if pre_a + pre_b != sum(1 for s in sa[:first_a] + sb[:first_b] if len(s.tokens) >= 5):
        return 0
    if pre_a == 0 and 1 <= pre_b <= 3:
        return pre_b
    if pre_b == 0 and 1 <= pre_a <= 3:
        return -pre_a
    return 0


def _cut_end(matches: list[SentenceMatch], sa: list[SentenceProfile], sb: list[SentenceProfile]) -> int:
    """How many substantial closing sentences of A have no match in B (positive), or of B in A (negative),
    when the other side's ending is matched up to that point."""
    if not matches:
        return 0
    last_a = max(m.a for m in matches)
    last_b = max(m.b for m in matches)
    tail_a = sum(1 for s in sa[last_a + 1:] if len(s.tokens) >= 5)
    tail_b = sum(1 for s in sb[last_b + 1:] if len(s.tokens) >= 5)
    if tail_a >= 2 and tail_b == 0:
        return tail_a
    if tail_b >= 2 and tail_a == 0:
        return -tail_b
    return 0


def _reuse_evidence(kind: str, st: PairStats, share_d: float, share_o: float) -> str:
    what = {"near_duplicate": "near-duplicate", "rewrite": "reworded copy", "partial": "partial reuse"}[kind]
    return (f"{what}: {share_d:.0%} of the derived text is matched in the original ({st.strong} verbatim or "
            f"lightly edited sentence(s), {st.para} paraphrased; {st.reworded:.0%} of the matched text reworded); "
            f"the derived text covers {share_o:.0%} of the original")


W_FAMILY = 1.2


def _family_clues(pairs: list[dict]) -> dict[tuple[str, str], tuple[float, str]]:
    """One original, many copies: in a family of related articles where a pair's dates
    cannot settle it (one is undated), the article dated earliest in the family is
    taken as the original."""
    from ..dates import date_sort_key, to_instant

    families = UnionFind()
    find = families.find
    dates: dict[str, str | None] = {}
    for p in pairs:
        families.union(p["a"], p["b"])
        dates[p["a"]], dates[p["b"]] = p["dated"]
    earliest: dict[str, tuple[float, str]] = {}
    n_dated: dict[str, int] = {}
    for art, when in dates.items():
        inst = to_instant(when) if date_sort_key(when) else None
        if inst is None:
            continue
        root = find(art)
        n_dated[root] = n_dated.get(root, 0) + 1
        if root not in earliest or inst[0] < earliest[root][0]:
            earliest[root] = (inst[0], art)
    # "earliest" means something only when it is earlier than another dated copy
    earliest = {root: v for root, v in earliest.items() if n_dated[root] >= 2}
    out = {}
    for p in pairs:
        a, b = p["a"], p["b"]
        da, db = p["dated"]
        if bool(da) == bool(db):
            continue
        first = earliest.get(find(a))
        if first is None or first[1] not in (a, b):
            continue
        sign = 1.0 if first[1] == a else -1.0
        out[(a, b)] = (sign * W_FAMILY, f"{first[1]} is the earliest dated article of its family of related "
                                        f"articles, and the other has no date")
    return out


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


def relations_from_pairs(pairs: Iterable[dict]) -> list[Relation]:
    """Relations from the decided pairs: each pair's direction from its own clues plus
    family evidence; chains get ``via``; copies of one original are not related to each
    other (siblings)."""
    pairs = list(pairs)
    plans = _plans(pairs)
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
    plans = {plan.pair: plan for plan in _plans(list(pairs)).values()}
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


def _plans(pairs: list[dict]) -> dict[tuple[str, str], _Plan]:
    """(original, derived) -> plan of each relation the pairs make, in (original, derived)
    order; siblings (two copies of one original) make none. Reads no passages or changes."""
    from .direction import date_prior, resolve

    near = _geometry(pairs)
    family = _family_clues(pairs)
    central = _centrality_clues(pairs, near)
    edge: dict[tuple[str, str], dict] = {}
    for p in pairs:
        clues = [tuple(c) for c in p["clues"]]
        for extra in (family.get((p["a"], p["b"])), central.get((p["a"], p["b"]))):
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
        via, via_len = None, 9.0
        for m in sorted(shared):
            d_om, d_md = near_o[m], near_d[m]
            if (o, m) in edge and (m, d) in edge and d_md < d_od - max(0.001, 0.25 * d_om) and d_om < d_od + 0.05 \
                    and d_om + d_md < via_len:
                via, via_len = m, d_om + d_md   # a chain o -> m -> d: d follows m more closely than o
        evidence = list(p["evidence"])
        if via is not None:
            evidence.insert(0, f"indirect: {d} derives from {via}, which derives from {o}")
        out[(o, d)] = _Plan(p["pair"], p["side"], via, p["direction_confidence"], tuple(evidence))
    return out


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
