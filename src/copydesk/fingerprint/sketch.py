"""MinHash sketches of article bodies (rensa, pinned: signatures change between versions).

Two sketches per article, for two kinds of candidate:
- ``shingles``: word 5-grams, for near-duplicates (Jaccard of 5-gram sets);
- ``words``: the set of content words, for rewrites, which reword sentences but
  keep most of the names, numbers and vocabulary of the original.

Shingle hashes are built with numpy from per-word hashes, so the per-article
Python work is one dict lookup a word."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .tokens import content_tokens, token_hashes

NUM_PERM = 128
SEED = 20231122
SHINGLE = 5
_MIX = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x27D4EB2F165667C5,
                 0xFF51AFD7ED558CCD], dtype=np.uint64)


@dataclass(frozen=True, slots=True)
class SketchParams:
    """Sketches built with different parameters must never be compared."""

    num_perm: int = NUM_PERM
    seed: int = SEED
    shingle: int = SHINGLE
    version: str = "rensa-0.5.0"


PARAMS = SketchParams()


def _distinct(a: np.ndarray) -> np.ndarray:
    """``np.unique(a)`` for a 1-d array, without its per-call overhead."""
    a = np.sort(a)
    if len(a) < 2:
        return a
    return a[np.r_[True, a[1:] != a[:-1]]]


def shingle_hashes(toks: list[str], n: int = SHINGLE) -> np.ndarray:
    """64-bit hashes of the word n-grams of ``toks`` (the whole text if shorter than n)."""
    if not toks:
        return np.zeros(0, dtype=np.uint64)
    h = token_hashes(toks)
    if len(h) < n:
        return np.array([np.bitwise_xor.reduce(h * _MIX[: len(h)])], dtype=np.uint64)
    with np.errstate(over="ignore"):
        acc = h[: len(h) - n + 1] * _MIX[0]
        for k in range(1, n):
            acc = acc ^ (h[k: len(h) - n + 1 + k] * _MIX[k])
            acc = (acc << np.uint64(13)) | (acc >> np.uint64(51))
    return _distinct(acc)


def shingle_hashes_many(token_lists: list[list[str]], n: int = SHINGLE) -> list[np.ndarray]:
    """``[shingle_hashes(t) for t in token_lists]``, the n-gram hashing done in one pass over
    all the tokens (an n-gram that straddles two lists is computed, never used)."""
    lens = [len(t) for t in token_lists]
    h = token_hashes([t for toks in token_lists for t in toks])
    last = len(h) - n + 1
    if last > 0:
        with np.errstate(over="ignore"):
            acc = h[:last] * _MIX[0]
            for k in range(1, n):
                acc = acc ^ (h[k: last + k] * _MIX[k])
                acc = (acc << np.uint64(13)) | (acc >> np.uint64(51))
    out = []
    start = 0
    for size in lens:
        if size == 0:
            out.append(np.zeros(0, dtype=np.uint64))
        elif size < n:
            out.append(np.array([np.bitwise_xor.reduce(h[start:start + size] * _MIX[:size])], dtype=np.uint64))
        else:
            out.append(_distinct(acc[start:start + size - n + 1]))
        start += size
    return out


def word_hashes(toks: list[str]) -> np.ndarray:
    """Hashes of the distinct content words of ``toks``, sorted."""
    return _distinct(token_hashes(content_tokens(list(set(toks)))))


def digests(rows: list[np.ndarray], params: SketchParams = PARAMS) -> np.ndarray:
    """MinHash digests (rows x num_perm, uint32) of several token-hash sets at once."""
    import rensa

    if not rows:
        return np.zeros((0, params.num_perm), dtype=np.uint32)
    offsets = np.zeros(len(rows) + 1, dtype=np.uint64)
    offsets[1:] = np.cumsum([len(r) for r in rows])
    flat = np.concatenate(rows) if rows else np.zeros(0, dtype=np.uint64)
    mat = rensa.RMinHash.digest_matrix_from_flat_token_hashes(flat, offsets, params.num_perm, params.seed)
    return np.asarray(mat.to_rows(), dtype=np.uint32).reshape(len(rows), params.num_perm)
