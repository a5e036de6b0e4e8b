"""MinHash sketches of article bodies (rensa, pinned: signatures change between versions).

Two sketches per article, for two kinds of candidate:
- ``shingles``: word 5-grams, for near-duplicates (Jaccard of 5-gram sets);
- ``words``: the set of content words, for rewrites, which reword sentences but
  keep most of the names, numbers and vocabulary of the original.

Shingle hashes are built with numpy from the token hashes of ``hashes.py``, for a
whole batch of articles at once: there is no per-token Python work."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


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
    version: str = "rensa-0.5.0/tokens-2"


PARAMS = SketchParams()


def shingle_rows(h: np.ndarray, bounds: np.ndarray, n: int = SHINGLE) -> tuple[np.ndarray, np.ndarray]:
    """64-bit hashes of the word n-grams of each article, as one flat array and the offsets of
    each article's run in it (``bounds``: article i's token hashes are ``h[bounds[i]:bounds[i+1]]``;
    a text shorter than n gets one hash of the whole). The n-grams are computed in one pass
    over all the tokens: one that straddles two articles is computed, never used. Repeats are
    left in: a MinHash is the same with them."""
    last = len(h) - n + 1
    acc = np.zeros(0, dtype=np.uint64)
    if last > 0:
        with np.errstate(over="ignore"):
            acc = h[:last] * _MIX[0]
            for k in range(1, n):
                acc = acc ^ (h[k: last + k] * _MIX[k])
                acc = (acc << np.uint64(13)) | (acc >> np.uint64(51))
    pieces, sizes = [], []
    for s, e in zip(bounds[:-1].tolist(), bounds[1:].tolist()):
        size = e - s
        if size >= n:
            pieces.append(acc[s:e - n + 1])
        elif size:
            with np.errstate(over="ignore"):
                pieces.append(np.array([np.bitwise_xor.reduce(h[s:e] * _MIX[:size])], dtype=np.uint64))
        sizes.append(max(size - n + 1, 1) if size else 0)
    offsets = np.zeros(len(bounds), dtype=np.uint64)
    np.cumsum(sizes, out=offsets[1:])
    flat = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.uint64)
    return flat, offsets


def digests_flat(flat: np.ndarray, offsets: np.ndarray, params: SketchParams = PARAMS) -> np.ndarray:
    """MinHash digests (rows x num_perm, uint32) of several hash sets at once: row i is
    ``flat[offsets[i]:offsets[i+1]]``."""
    import rensa

    rows = len(offsets) - 1
    if rows <= 0:
        return np.zeros((0, params.num_perm), dtype=np.uint32)
    mat = rensa.RMinHash.digest_matrix_from_flat_token_hashes(
        np.ascontiguousarray(flat, dtype=np.uint64), np.ascontiguousarray(offsets, dtype=np.uint64),
        params.num_perm, params.seed)
    return np.asarray(mat.to_rows(), dtype=np.uint32).reshape(rows, params.num_perm)
