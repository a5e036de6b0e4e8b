"""Per-article story terms, made once at ingest and kept in the store.

Story clustering weighs each article's content words and proper names by TF-IDF
(``features.py``). Tokenising every article again on every run was 90% of the
clustering time at 100k articles, and it ran in the main process; the counts need
only the article, so they are made by the ingest workers beside the reuse
fingerprints and stored as one small blob per article (32-bit term hashes and their
counts). The TF-IDF matrix is then assembled from the blobs with numpy alone.

Hashes are xxh32 of the term, seeded per kind: with ~10^6 distinct terms a
few dozen of them collide, which moves no cosine noticeably (scikit-learn's
``HashingVectorizer`` makes the same trade with far fewer buckets)."""

from __future__ import annotations

import re
from collections import Counter
from typing import Iterable, Sequence

import numpy as np
import xxhash

from ..errors import require
from .features import proper_names

#: bump when the tokenisation below changes: stored terms of another version are made again
TERMS_VERSION = "1"

# words of two or more characters that start with a letter, as scikit-learn's token_pattern
# r"(?u)\b[^\W\d_][\w'’-]+\b" finds them (lower-cased first)
_WORD = re.compile(r"(?u)\b[^\W\d_][\w'’-]+\b")
_HEADER = np.dtype("<u4")


_STOP: frozenset[str] = frozenset()
#: term -> hash, one cache per kind (the seed: 0 words, 1 names), since news vocabulary repeats
_HASHES: dict[int, dict[str, int]] = {0: {}, 1: {}}


def _stop_words() -> frozenset[str]:
    """scikit-learn's English stop words (what the TF-IDF always used), loaded on first use."""
    global _STOP
    if not _STOP:
        text = require("sklearn.feature_extraction.text", feature="story clustering", extra="stories")
        _STOP = frozenset(text.ENGLISH_STOP_WORDS)
    return _STOP


def _hash_counts(counts: Counter, seed: int) -> tuple[np.ndarray, np.ndarray]:
    cache = _HASHES[seed]
    if len(cache) > 1_000_000:
        cache.clear()
    get = cache.get
    hashes = [get(t) for t in counts]
    if None in hashes:
        for k, (t, h) in enumerate(zip(counts, hashes)):
            if h is None:
                hashes[k] = cache[t] = xxhash.xxh32_intdigest(t.encode("utf-8"), seed)
    values = np.fromiter(counts.values(), dtype=np.int64, count=len(counts))
    return np.array(hashes, dtype=np.uint32), np.minimum(values, 65535).astype(np.uint16)


def story_terms(text: str) -> bytes:
    """The stored form of ``text``'s story terms: counts of content words and of names."""
    stop = _stop_words()
    words = Counter([w for w in _WORD.findall(text.lower()) if w not in stop])
    names = Counter(proper_names(text))
    wh, wc = _hash_counts(words, 0)
    nh, nc = _hash_counts(names, 1)
    header = np.array([len(wh), len(nh)], dtype=_HEADER)
    return header.tobytes() + wh.tobytes() + nh.tobytes() + wc.tobytes() + nc.tobytes()


def _parse(blob: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    nw, nn = np.frombuffer(blob, dtype=_HEADER, count=2)
    off = 8
    wh = np.frombuffer(blob, dtype=np.uint32, count=nw, offset=off)
    nh = np.frombuffer(blob, dtype=np.uint32, count=nn, offset=off + 4 * nw)
    off += 4 * (nw + nn)
    wc = np.frombuffer(blob, dtype=np.uint16, count=nw, offset=off)
    nc = np.frombuffer(blob, dtype=np.uint16, count=nn, offset=off + 2 * nw)
    return wh, wc, nh, nc


def _tfidf(rows: np.ndarray, hashes: np.ndarray, counts: np.ndarray, n: int, max_df: float):
    """Row-normalised sublinear TF-IDF (scikit-learn's smooth idf) of (row, term hash, count) triples."""
    sparse = require("scipy.sparse", feature="story clustering", extra="stories")
    if not len(hashes):
        return sparse.csr_matrix((n, 1), dtype=np.float32)
    vocab, cols = np.unique(hashes, return_inverse=True)
    df = np.bincount(cols, minlength=len(vocab))
    keep = df <= max_df * n if max_df < 1.0 else np.ones(len(vocab), dtype=bool)
    idf = (np.log((1.0 + n) / (1.0 + df)) + 1.0).astype(np.float32)
    m = keep[cols]
    rows, cols, counts = rows[m], cols[m], counts[m]
    data = (1.0 + np.log(counts.astype(np.float32))) * idf[cols]
    out = sparse.csr_matrix((data, (rows, cols)), shape=(n, len(vocab)), dtype=np.float32)
    norms = np.sqrt(np.asarray(out.multiply(out).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    out = sparse.diags((1.0 / norms).astype(np.float32)) @ out
    return out.tocsr()


def terms_matrix(blobs: Sequence[bytes], *, names_weight: float = 1.0, max_df: float = 0.5):
    """One L2-normalised sparse row per article: [content-word TF-IDF | name TF-IDF].

    ``max_df``: terms in a larger share of the articles are dropped (only from 20 articles
    up: in a tiny corpus every word is in half the documents)."""
    sparse = require("scipy.sparse", feature="story clustering", extra="stories")
    n = len(blobs)
    parsed = [_parse(b) for b in blobs]
    cap = max_df if n >= 20 else 1.0
    halves = []
    for h_at, c_at, weight in ((0, 1, 1.0), (2, 3, names_weight)):
        lengths = np.array([len(p[h_at]) for p in parsed], dtype=np.int64)
        rows = np.repeat(np.arange(n), lengths)
        hashes = np.concatenate([p[h_at] for p in parsed]) if n else np.zeros(0, dtype=np.uint32)
        counts = np.concatenate([p[c_at] for p in parsed]) if n else np.zeros(0, dtype=np.uint16)
        halves.append(_tfidf(rows, hashes, counts, n, cap) * weight)
    both = sparse.hstack(halves, format="csr")
    norms = np.sqrt(np.asarray(both.multiply(both).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return (sparse.diags((1.0 / norms).astype(np.float32)) @ both).tocsr()


def story_terms_many(texts: Iterable[str]) -> list[bytes]:
    return [story_terms(t) for t in texts]


__all__ = ["TERMS_VERSION", "story_terms", "story_terms_many", "terms_matrix"]
