"""Per-article story terms, made once at ingest and kept in the store.

Story clustering weighs each article's content words and proper names by TF-IDF
(``features.py``). Tokenising every article again on every run was 90% of the
clustering time at 100k articles, and it ran in the main process; the counts need
only the article, so they are made by the ingest workers beside the reuse
fingerprints and stored as one small blob per article (32-bit term hashes and their
counts). The TF-IDF matrix is then assembled from the blobs with numpy alone.

Words are those of scikit-learn's TF-IDF token pattern, less its English stop words,
found and hashed for a whole batch of texts at once with numpy
(``fingerprint.hashes.word_table``); a word's term is the low 32 bits of its hash. Names are
``features.proper_names``, hashed with xxh32. With ~10^6 distinct terms a few
dozen of them collide, which moves no cosine noticeably (scikit-learn's
``HashingVectorizer`` makes the same trade with far fewer buckets)."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np
import xxhash

from ..errors import require
from ..fingerprint.hashes import HashSet, token_hashes_of, word_table
from ..model import Article
from .features import lead_text, proper_names, story_text

#: bump when the tokenisation below changes: stored terms of another version are made again
TERMS_VERSION = "3"  # 3: each blob followed by its lead's (features.lead_text)

_HEADER = np.dtype("<u4")


#: name -> hash (xxh32, seed 1), since the names of the news repeat
_NAME_HASHES: dict[str, int] = {}
_NAME_SEED = 1


def _sklearn_stop_words() -> frozenset[str]:
    """scikit-learn's English stop words (what the TF-IDF always used).

    Read from scikit-learn's own list module alone: importing ``sklearn.feature_extraction``
    costs each ingest worker 1-2 s (scikit-learn, SciPy), a fifth of ingesting 10k articles."""
    import importlib.util

    try:
        package = importlib.util.find_spec("sklearn")
        where = Path(package.submodule_search_locations[0]) / "feature_extraction" / "_stop_words.py"
        spec = importlib.util.spec_from_file_location("_copydesk_sklearn_stop_words", where)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return frozenset(module.ENGLISH_STOP_WORDS)
    except (AttributeError, ImportError, OSError, TypeError):  # another layout: the public import
        text = require("sklearn.feature_extraction.text", feature="story clustering", extra="stories")
        return frozenset(text.ENGLISH_STOP_WORDS)


def _name_hashes(names: list[str]) -> np.ndarray:
    """xxh32 (seed 1) of each name, as uint32, through a cache: the names of the news repeat."""
    cache = _NAME_HASHES
    if len(cache) > 1_000_000:
        cache.clear()
    get = cache.get
    hashes = [get(t) for t in names]
    if None in hashes:
        for k, (t, h) in enumerate(zip(names, hashes)):
            if h is None:
                hashes[k] = cache[t] = xxhash.xxh32_intdigest(t.encode("utf-8"), _NAME_SEED)
    return np.array(hashes, dtype=np.uint32)


def _names_many(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The names of all ``texts`` counted per text at once: hashes, counts and each text's start
    in them (``cut``); each text's names in the order of their first mention, as
    a ``Counter(proper_names(text))`` holds them."""
    per_text = [proper_names(t) for t in texts]
    sizes = np.fromiter(map(len, per_text), dtype=np.int64, count=len(per_text))
    hashes = _name_hashes([n for names in per_text for n in names]).astype(np.uint64)
    key = (np.repeat(np.arange(len(texts), dtype=np.uint64), sizes) << np.uint64(32)) | hashes
    _, first, counts = np.unique(key, return_index=True, return_counts=True)
    order = np.argsort(first, kind="stable")  # first mentions, text by text (key is in text order)
    first, counts = first[order], counts[order]
    owner = np.repeat(np.arange(len(texts)), sizes)[first]
    cut = np.searchsorted(owner, np.arange(len(texts) + 1))
    return hashes[first].astype(np.uint32), np.minimum(counts, 65535).astype(np.uint16), cut


def story_terms(text: str, lead: str | None = None) -> bytes:
    """The stored form of ``text``'s story terms: counts of content words and of names, then
    those of its ``lead`` (``features.lead_text``) when given."""
    return story_terms_many([text], None if lead is None else [lead])[0]


def story_terms_many(texts: Sequence[str], leads: Sequence[str] | None = None) -> list[bytes]:
    """``[story_terms(t, l) for t, l in zip(texts, leads)]``: the words of all the texts found,
    hashed and counted together (``fingerprint.hashes.word_table``), and so are their names
    (``_names_many``); the leads' the same way, each lead's blob after its text's."""
    hashes, owner, _lengths = word_table(texts)
    blobs = _blobs(texts, owner, hashes)
    if leads is None:
        return blobs
    hashes, owner, _lengths = word_table(leads)
    return [b + lead for b, lead in zip(blobs, _blobs(leads, owner, hashes))]


def article_terms(articles: Sequence[Article]) -> list[bytes]:
    """``story_terms(story_text(a.title, a.text), lead_text(a.title, a.text, a.sentences))`` for
    each article."""
    return story_terms_many([story_text(a.title, a.text) for a in articles],
                            [lead_text(a.title, a.text, a.sentences) for a in articles])


def _blobs(texts: Sequence[str], owner: np.ndarray, hashes: np.ndarray) -> list[bytes]:
    """The stored terms of each text: its words (``owner``: the text each is of) but stop words,
    counted, and its names."""
    keep = np.flatnonzero(~_stop_hashes().contains(hashes))
    owner = owner[keep]
    term = (hashes[keep] & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    order = np.lexsort((term, owner))
    owner, term = owner[order], term[order]
    first = np.flatnonzero(np.r_[len(term) > 0, (owner[1:] != owner[:-1]) | (term[1:] != term[:-1])])
    counts = np.minimum(np.diff(np.r_[first, len(term)]), 65535).astype(np.uint16)
    owner, term = owner[first], term[first]
    cut = np.searchsorted(owner, np.arange(len(texts) + 1))
    names, name_counts, name_cut = _names_many(texts)
    out = []
    for i in range(len(texts)):
        wh, wc = term[cut[i]:cut[i + 1]], counts[cut[i]:cut[i + 1]]
        nh, nc = names[name_cut[i]:name_cut[i + 1]], name_counts[name_cut[i]:name_cut[i + 1]]
        header = np.array([len(wh), len(nh)], dtype=_HEADER)
        out.append(header.tobytes() + wh.tobytes() + nh.tobytes() + wc.tobytes() + nc.tobytes())
    return out


_STOP_HASHES: HashSet | None = None


def _stop_hashes() -> HashSet:
    global _STOP_HASHES
    if _STOP_HASHES is None:
        _STOP_HASHES = HashSet(token_hashes_of(sorted(_sklearn_stop_words())))
    return _STOP_HASHES


def _parse(blob: bytes, start: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The (word hashes, word counts, name hashes, name counts) of the blob at ``start``."""
    nw, nn = np.frombuffer(blob, dtype=_HEADER, count=2, offset=start)
    off = start + 8
    wh = np.frombuffer(blob, dtype=np.uint32, count=nw, offset=off)
    nh = np.frombuffer(blob, dtype=np.uint32, count=nn, offset=off + 4 * nw)
    off += 4 * (nw + nn)
    wc = np.frombuffer(blob, dtype=np.uint16, count=nw, offset=off)
    nc = np.frombuffer(blob, dtype=np.uint16, count=nn, offset=off + 2 * nw)
    return wh, wc, nh, nc


def _parse_lead(blob: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The counts of the lead stored after the text's (none when the blob holds only those)."""
    nw, nn = (int(x) for x in np.frombuffer(blob, dtype=_HEADER, count=2))
    start = 8 + 6 * (nw + nn)
    if len(blob) <= start:
        empty32, empty16 = np.zeros(0, dtype=np.uint32), np.zeros(0, dtype=np.uint16)
        return empty32, empty16, empty32, empty16
    return _parse(blob, start)


def _summed(lengths: np.ndarray, hashes: np.ndarray, counts: np.ndarray, lead_lengths: np.ndarray,
            lead_hashes: np.ndarray, lead_counts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each article's terms with its lead's counts added: (lengths, hashes, counts), a term once per article."""
    n = len(lengths)
    # each article's terms are stored sorted, and a lead's words are its text's: then the lead's counts
    # are added in place (a search), and the sort below, a third of the stories stage's term work, is
    # left for what has a term of its own in the lead (names joined across the lead's sentences)
    if len(lead_hashes) and len(hashes):
        keys = (np.repeat(np.arange(n, dtype=np.uint64), lengths) << np.uint64(32)) | hashes.astype(np.uint64)
        lead_keys = (np.repeat(np.arange(n, dtype=np.uint64), lead_lengths) << np.uint64(32)) \
            | lead_hashes.astype(np.uint64)
        at = np.minimum(np.searchsorted(keys, lead_keys), len(keys) - 1)
        if (keys[at] == lead_keys).all() and (np.diff(keys) > 0).all():
            summed = counts.astype(np.int64)
            np.add.at(summed, at, lead_counts.astype(np.int64))
            return lengths, hashes, np.minimum(summed, 65535).astype(np.uint16)
    owner = np.r_[np.repeat(np.arange(n), lengths), np.repeat(np.arange(n), lead_lengths)]
    term = np.r_[hashes, lead_hashes]
    count = np.r_[counts.astype(np.int64), lead_counts.astype(np.int64)]
    order = np.lexsort((term, owner))
    owner, term, count = owner[order], term[order], count[order]
    first = np.flatnonzero(np.r_[len(term) > 0, (owner[1:] != owner[:-1]) | (term[1:] != term[:-1])])
    summed = np.minimum(np.add.reduceat(count, first) if len(first) else count[:0], 65535).astype(np.uint16)
    return np.bincount(owner[first], minlength=n), term[first], summed


#: articles whose lead counts are summed in one go (``_summed``'s sort holds ~50 bytes an entry: at 100k
#: articles, all at once, 1.5 GB, the peak of the stories stage)
_SUM_CHUNK = 8192


def _gathered(parsed: list, leads: list | None, h_at: int, c_at: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(lengths, hashes, counts) of one half (words: 0, 1; names: 2, 3) of the ``parsed`` blobs, each
    article's entries in turn, with its lead's counts added when ``leads`` are given."""
    if not parsed:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.uint32), np.zeros(0, dtype=np.uint16)
    parts = []
    for lo in range(0, len(parsed), _SUM_CHUNK):
        chunk = parsed[lo:lo + _SUM_CHUNK]
        lengths = np.array([len(p[h_at]) for p in chunk], dtype=np.int64)
        hashes = np.concatenate([p[h_at] for p in chunk])
        counts = np.concatenate([p[c_at] for p in chunk])
        if leads is not None:
            lead = leads[lo:lo + _SUM_CHUNK]
            lengths, hashes, counts = _summed(
                lengths, hashes, counts, np.array([len(p[h_at]) for p in lead], dtype=np.int64),
                np.concatenate([p[h_at] for p in lead]), np.concatenate([p[c_at] for p in lead]))
        parts.append((lengths, hashes, counts))
    if len(parts) == 1:
        return parts[0]
    return tuple(np.concatenate([part[k] for part in parts]) for k in range(3))


def _tfidf(lengths: np.ndarray, hashes: np.ndarray, counts: np.ndarray, max_df: float):
    """Row-normalised sublinear TF-IDF (scikit-learn's smooth idf) of articles whose terms are
    ``hashes`` and ``counts``, ``lengths[i]`` of them for article i, in article order. Built
    straight as CSR with 32-bit indices: at 100k articles there are ~30M entries."""
    sparse = require("scipy.sparse", feature="story clustering", extra="stories")
    n = len(lengths)
    if not len(hashes):
        return sparse.csr_matrix((n, 1), dtype=np.float32)
    # (np.unique's inverse would hold two 64-bit arrays of every entry at once)
    vocab = np.unique(hashes)
    cols = np.searchsorted(vocab, hashes).astype(np.int32)
    df = np.bincount(cols, minlength=len(vocab))
    idf = (np.log((1.0 + n) / (1.0 + df)) + 1.0).astype(np.float32)
    if max_df < 1.0 and (df > max_df * n).any():
        keep = (df <= max_df * n)[cols]
        row_of = np.repeat(np.arange(n, dtype=np.int32), lengths)
        lengths = np.bincount(row_of[keep], minlength=n)
        del row_of
        cols, counts = cols[keep], counts[keep]
        del keep
    data = np.log(counts.astype(np.float32))
    data += 1.0
    data *= idf[cols]
    indptr = np.zeros(n + 1, dtype=np.int64 if len(cols) >= 2**31 else np.int32)
    np.cumsum(lengths, out=indptr[1:])
    out = sparse.csr_matrix((data, cols, indptr), shape=(n, len(vocab)))
    _normalise_rows(out)
    return out


def _normalise_rows(m) -> None:
    """Scale each row of CSR ``m`` to unit length in place (empty rows stay empty)."""
    sizes = np.diff(m.indptr)
    full = sizes > 0
    if not full.any():
        return
    # one segment per non-empty row: reduceat sums from each start to the next (or the end)
    norms = np.sqrt(np.add.reduceat(m.data * m.data, m.indptr[:-1][full])).astype(np.float32)
    norms[norms == 0] = 1.0
    m.data /= np.repeat(norms, sizes[full])


#: a corpus of fewer articles than this has no document frequencies to speak of: ``max_df`` is not
#: applied (every word is in half the documents), and its IDF compresses cosines (a hand-written
#: restructured rewrite scores 0.34 against its original among 200 ECB+ articles, 0.23 alone with it)
SMALL_CORPUS = 20


def terms_matrix(blobs: Sequence[bytes], *, names_weight: float = 1.0, max_df: float = 0.5, lead: bool = False):
    """One L2-normalised sparse row per article: [content-word TF-IDF | name TF-IDF].

    ``max_df``: terms in a larger share of the articles are dropped (only from
    ``SMALL_CORPUS`` articles up: in a tiny corpus every word is in half the documents). ``lead``: each article's
    lead (title and first sentences) counted a second time; the columns are the same
    either way (a lead's terms are its text's)."""
    sparse = require("scipy.sparse", feature="story clustering", extra="stories")
    n = len(blobs)
    parsed = [_parse(b) for b in blobs]
    leads = [_parse_lead(b) for b in blobs] if lead else None
    cap = max_df if n >= SMALL_CORPUS else 1.0
    halves = []
    for h_at, c_at, weight in ((0, 1, 1.0), (2, 3, names_weight)):
        lengths, hashes, counts = _gathered(parsed, leads, h_at, c_at)
        half = _tfidf(lengths, hashes, counts, cap)
        del hashes, counts
        if weight != 1.0:
            half.data *= np.float32(weight)
        halves.append(half)
    del parsed
    both = sparse.hstack(halves, format="csr", dtype=np.float32)
    del halves
    _normalise_rows(both)
    return both


__all__ = ["SMALL_CORPUS", "TERMS_VERSION", "article_terms", "story_terms", "story_terms_many", "terms_matrix"]
