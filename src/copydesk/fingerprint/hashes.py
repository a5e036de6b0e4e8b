"""Token, sentence, shingle and content-word hashes of many articles at once, with numpy.

The candidate stage needs no token *strings*, only hashes: of each token (for
5-gram shingles and the content-word sketch) and of each sentence (for the
shared-sentence index). Making one Python string per token and hashing it was
most of fingerprinting's time, so this module finds the tokens of a whole batch
of articles as runs of character classes over one code-point array and hashes
them with prefix sums:

- tokens are exactly those of ``tokens.tokens`` (lower-cased words with inner
  apostrophes, numbers with inner ``.``/``,``; a number's commas dropped, ``’``
  read as ``'``): each character gets a class (letter, digit, apostrophe,
  number separator, other) and an apostrophe between two letters or a separator
  between two digits joins its neighbours, as the regular expression's
  ``(?:['’]…)*`` and ``(?:[.,]\\d+)*`` do. ``tests/test_speed_paths.py`` checks
  the two against each other on arbitrary text.
- a token's hash is a polynomial hash of its code points modulo 2**64, taken from
  one prefix-sum array (``H[e] - H[s]`` scaled by the inverse power of its start;
  the base is odd, so it has an inverse), then mixed with its length by
  splitmix64's finaliser. A sentence's hash is the same construction over its
  token hashes. Both are pure functions of the token text, so equal sentences in
  two articles (or two batches, or two processes) get equal hashes.
- ``word_table`` finds, the same way, the words of scikit-learn's TF-IDF token
  pattern, for the story clustering's terms (``stories/terms.py``).

A library could not do this for us: tokenizers (Hugging Face's, spaCy's) return
Python objects per token, which is the cost being removed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..model import Span
from .tokens import STOPWORDS

_P = 0x100000001B3                 # code points -> token hash (FNV's prime; odd)
_Q = 0x9E3779B97F4A7C15            # token hashes -> sentence hash (odd)
_LEN = np.uint64(0xD6E8FEB86659FD93)

# character classes
_OTHER, _LETTER, _DIGIT, _APOS, _SEP, _UNDERSCORE, _HYPHEN = 0, 1, 2, 3, 4, 5, 6
_ASCII = np.zeros(128, dtype=np.uint8)
for _c in range(128):
    _ch = chr(_c)
    _ASCII[_c] = (_LETTER if _ch.isalpha() else _DIGIT if _ch.isdigit() else _APOS if _ch == "'"
                  else _SEP if _ch in ".," else _UNDERSCORE if _ch == "_" else _HYPHEN if _ch == "-" else _OTHER)
_RE_DIGIT = re.compile(r"\d")
_RE_LETTER = re.compile(r"[^\W\d_]")
_CLASS_CACHE: dict[int, int] = {}
_BMP: np.ndarray | None = None
_RIGHT_QUOTE = ord("’")
#: replaced before the classes are looked up (same class, one character for one): the
#: batch is then often pure ASCII, which is classified by one table look-up
_PUNCTUATION = (("’", "'"), ("‘", " "), ("“", " "), ("”", " "), ("–", " "), ("—", " "), ("…", " "), ("\u00a0", " "))
_COMMA = ord(",")


def _class_of(cp: int) -> int:
    """The class of a non-ASCII code point, as the token pattern's ``\\d`` and ``[^\\W\\d_]`` see it."""
    c = _CLASS_CACHE.get(cp)
    if c is None:
        ch = chr(cp)
        c = _APOS if cp == _RIGHT_QUOTE else _DIGIT if _RE_DIGIT.match(ch) else _LETTER if _RE_LETTER.match(ch) else _OTHER
        if len(_CLASS_CACHE) < 100_000:
            _CLASS_CACHE[cp] = c
    return c


def _bmp_classes() -> np.ndarray:
    """The class of every code point of the Basic Multilingual Plane (made once, ~50 ms)."""
    global _BMP
    if _BMP is None:
        table = np.zeros(0x10000, dtype=np.uint8)
        table[:128] = _ASCII
        text = "".join(map(chr, range(128, 0xD800))) + "".join(map(chr, range(0xE000, 0x10000)))
        at = np.array(list(range(128, 0xD800)) + list(range(0xE000, 0x10000)))
        for cls, found in ((_LETTER, _RE_LETTER), (_DIGIT, _RE_DIGIT)):
            hit = np.zeros(len(text), dtype=bool)
            hit[[m.start() for m in found.finditer(text)]] = True
            table[at[hit]] = cls
        table[_RIGHT_QUOTE] = _APOS
        _BMP = table
    return _BMP


def _classes(batch: str) -> tuple[np.ndarray, np.ndarray]:
    """The code points of ``batch`` (quotes, dashes and odd spaces made ASCII) and their classes."""
    if not batch.isascii():  # most news text is ASCII but for its quotes, dashes and spaces
        for ch, ascii in _PUNCTUATION:
            if ch in batch:
                batch = batch.replace(ch, ascii)
    if batch.isascii():
        cps = np.frombuffer(batch.encode("ascii"), dtype=np.uint8)
        return cps, _ASCII[cps]
    cps = np.frombuffer(batch.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    table = _bmp_classes()
    if int(cps.max()) < len(table):
        return cps, table[cps]
    cls = np.zeros(len(cps), dtype=np.uint8)
    plain = cps < len(table)
    cls[plain] = table[cps[plain]]
    high = np.flatnonzero(~plain)
    distinct, which = np.unique(cps[high], return_inverse=True)
    cls[high] = np.array([_class_of(int(c)) for c in distinct], dtype=np.uint8)[which]
    return cps, cls


class _Powers:
    """``base**k`` and ``base**-k`` modulo 2**64 for k < n, grown on demand."""

    def __init__(self, base: int):
        self.base, self.inverse = base, pow(base, -1, 1 << 64)
        self.pw = self.inv = np.ones(0, dtype=np.uint64)

    #: larger tables (one very long text) are made for the call and not kept
    KEEP = 1 << 22

    def get(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        if n > self.KEEP:
            return self._make(self.base, n), self._make(self.inverse, n)
        if len(self.pw) < n:
            size = min(max(n, 2 * len(self.pw), 1 << 16), self.KEEP)
            self.pw, self.inv = (self._make(b, size) for b in (self.base, self.inverse))
        return self.pw, self.inv

    @staticmethod
    def _make(base: int, n: int) -> np.ndarray:
        a = np.full(n, base, dtype=np.uint64)
        a[0] = 1
        return np.multiply.accumulate(a, dtype=np.uint64)


_CHAR_POWERS = _Powers(_P)
_TOKEN_POWERS = _Powers(_Q)


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser (in place)."""
    x ^= x >> np.uint64(30)
    x *= np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(27)
    x *= np.uint64(0x94D049BB133111EB)
    x ^= x >> np.uint64(31)
    return x


def _range_hashes(values: np.ndarray, starts: np.ndarray, ends: np.ndarray, powers: _Powers) -> np.ndarray:
    """Polynomial hash of ``values[s:e]`` for each (s, e), mixed with the length."""
    pw, inv = powers.get(len(values) + 1)
    prefix = np.zeros(len(values) + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        np.cumsum(values * pw[: len(values)], out=prefix[1:])
        h = (prefix[ends] - prefix[starts]) * inv[starts]
        h += (ends - starts).astype(np.uint64) * _LEN
    return _mix(h)


@dataclass(frozen=True, slots=True)
class TokenTable:
    """The tokens of a batch of articles, in order: one row per token."""

    hashes: np.ndarray          # uint64, as ``token_hashes_of`` gives for the token's text
    content: np.ndarray         # bool: a content token (``tokens.content_tokens`` keeps it)
    article_starts: np.ndarray  # int64, len(articles) + 1: article i's tokens are [starts[i], starts[i+1])
    sentence_hashes: list[list[int]]  # per article, the hash of each sentence
    sentence_sizes: list[list[int]]   # per article, the token count of each sentence


#: texts are hashed together up to this many characters (the arrays take ~40 bytes a character)
MAX_BATCH_CHARS = 1 << 21


def _groups(sizes: Sequence[int]) -> list[range]:
    """Consecutive runs of texts of at most MAX_BATCH_CHARS characters together (a longer text alone)."""
    out, start, total = [], 0, 0
    for i, size in enumerate(sizes):
        if i > start and total + size > MAX_BATCH_CHARS:
            out.append(range(start, i))
            start, total = i, 0
        total += size
    out.append(range(start, len(sizes)))
    return out


def token_table(texts: Sequence[str], sentences: Sequence[Sequence[Span]]) -> TokenTable:
    """Tokens of each text's sentences (``sentences[i]``: spans into ``texts[i]``), hashed."""
    groups = _groups([len(t) for t in texts])
    if len(groups) == 1:
        return _token_table(texts, sentences)
    parts = [_token_table([texts[i] for i in g], [sentences[i] for i in g]) for g in groups]
    starts, at = [np.zeros(1, dtype=np.int64)], 0
    for part in parts:
        starts.append(part.article_starts[1:] + at)
        at += len(part.hashes)
    return TokenTable(np.concatenate([p.hashes for p in parts]), np.concatenate([p.content for p in parts]),
                      np.concatenate(starts), [h for p in parts for h in p.sentence_hashes],
                      [n for p in parts for n in p.sentence_sizes])


def _token_table(texts: Sequence[str], sentences: Sequence[Sequence[Span]]) -> TokenTable:
    parts: list[str] = []
    all_spans: list[Span] = []
    bases: list[int] = []
    sentence_count: list[int] = []
    base = 0
    for text, spans in zip(texts, sentences):
        low = text.lower()
        if len(low) != len(text):  # ("İ" lower-cases to two characters) each sentence apart, as ``tokens`` does
            pieces = [text[s:e].lower() for s, e in spans]
            low = "\n".join(pieces)
            spans, at = [], 0
            for piece in pieces:
                spans.append((at, at + len(piece)))
                at += len(piece) + 1
        all_spans.extend(spans)
        sentence_count.append(len(spans))
        bases.append(base)
        parts.append(low)
        base += len(low) + 1
    span_at = np.array(all_spans, dtype=np.int64).reshape(-1, 2)
    span_at += np.repeat(np.array(bases, dtype=np.int64), sentence_count)[:, None]
    # one separator (no token character) after every text: tokens never run across two
    cps, cls = _classes("\n".join(parts) + "\n")
    n = len(cls)
    # an apostrophe between letters and a separator between digits join their neighbours
    label = np.where(cls >= _APOS, np.uint8(_OTHER), cls)
    glued_sep = np.zeros(n, dtype=bool)
    if n > 2:
        inner, before, after = cls[1:-1], cls[:-2], cls[2:]
        label[1:-1][(inner == _APOS) & (before == _LETTER) & (after == _LETTER)] = _LETTER
        glued_sep[1:-1] = (inner == _SEP) & (before == _DIGIT) & (after == _DIGIT)
        label[glued_sep] = _DIGIT
    is_token = label != _OTHER
    change = np.ones(n + 1, dtype=bool)
    change[1:n] = label[1:] != label[:-1]
    starts = np.flatnonzero(is_token & change[:n])
    ends = np.flatnonzero(is_token & change[1:]) + 1
    # hashed text: a number's commas dropped (’ was read as ' above)
    drop = glued_sep & (cps == _COMMA)
    if drop.any():
        keep = ~drop
        at = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(keep, out=at[1:])
        values, hs, he = cps[keep].astype(np.uint64), at[starts], at[ends]
    else:
        values, hs, he = cps.astype(np.uint64), starts, ends
    hashes = _range_hashes(values, hs, he, _CHAR_POWERS)
    content = (label[starts] == _DIGIT) | (((he - hs) > 2) & ~_stop_hashes().contains(hashes))
    # sentences: the tokens starting inside each span
    n_spans = len(span_at)
    sent_first = np.searchsorted(starts, span_at[:, 0])
    sent_last = np.searchsorted(starts, span_at[:, 1])
    sent_hashes = _range_hashes(hashes, sent_first, sent_last, _TOKEN_POWERS) if n_spans else np.zeros(0, np.uint64)
    bounds = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(sentence_count, out=bounds[1:])
    first_tok = np.r_[sent_first, len(starts)] if n_spans else np.zeros(1, np.int64)
    article_starts = first_tok[np.minimum(bounds, n_spans)]
    article_starts[-1] = len(starts)
    # articles without sentences hold no tokens: their start is the next article's
    sh, sizes = sent_hashes.tolist(), (sent_last - sent_first).tolist()
    return TokenTable(hashes, content, article_starts.astype(np.int64),
                      [sh[bounds[i]:bounds[i + 1]] for i in range(len(texts))],
                      [sizes[bounds[i]:bounds[i + 1]] for i in range(len(texts))])


class HashSet:
    """A small fixed set of 64-bit hashes with a vectorised membership test: each member owns
    one slot of a direct-mapped table, indexed by some 20 bits of the hash (bits chosen so that
    no two members share a slot), so a test is two look-ups and a compare, with no sort."""

    BITS = 20

    def __init__(self, members: np.ndarray):
        self.members = np.r_[np.uint64(0), np.unique(np.asarray(members, dtype=np.uint64))]
        self.table = np.zeros(1 << self.BITS, dtype=np.int32)
        mask = np.uint64((1 << self.BITS) - 1)
        for shift in range(0, 64 - self.BITS + 1, 4):
            slots = (self.members[1:] >> np.uint64(shift)) & mask
            if len(np.unique(slots)) == len(slots):
                self.shift = np.uint64(shift)
                self.table[slots.astype(np.int64)] = np.arange(1, len(self.members), dtype=np.int32)
                return
        raise ValueError("no collision-free slots for this set")  # (not with a few hundred members)

    def contains(self, values: np.ndarray) -> np.ndarray:
        at = self.table[((values >> self.shift) & np.uint64((1 << self.BITS) - 1)).astype(np.int64)]
        return (at != 0) & (self.members[at] == values)


def word_table(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The words of each text as scikit-learn's default ``token_pattern`` for TF-IDF finds them
    (see ``_word_table``), MAX_BATCH_CHARS of text at a time: (hashes, the text each word is
    of, their lengths)."""
    groups = _groups([len(t) for t in texts])
    if len(groups) == 1:
        return _word_table(texts)
    parts = [_word_table([texts[i] for i in g]) for g in groups]
    return (np.concatenate([p[0] for p in parts]), np.concatenate([p[1] + g.start for p, g in zip(parts, groups)]),
            np.concatenate([p[2] for p in parts]))


def _word_table(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The words of each text as scikit-learn's default ``token_pattern`` for TF-IDF finds them
    (``\\b[^\\W\\d_][\\w'’-]+\\b``, lower-cased: a letter, then word characters, apostrophes
    and hyphens, ending on a word character), hashed as ``token_hashes_of`` hashes them: (hashes,
    the text each word is of, their lengths)."""
    parts = [t.lower() for t in texts]
    cps, cls = _classes("\n".join(parts) + "\n")
    n = len(cls)
    inside = cls != _OTHER
    inside &= cls != _SEP
    change = np.ones(n + 1, dtype=bool)
    change[1:n] = inside[1:] != inside[:-1]
    run_starts = np.flatnonzero(inside & change[:n])
    run_ends = np.flatnonzero(inside & change[1:]) + 1
    # a word opens at the run's first letter that follows no word character (a word boundary)
    # and closes after the run's last word character
    word_char = (cls == _LETTER) | (cls == _DIGIT) | (cls == _UNDERSCORE)
    opens = np.flatnonzero((cls == _LETTER) & ~np.r_[False, word_char[:-1]])
    solid = np.flatnonzero(word_char)
    if not len(opens):
        empty = np.zeros(0, dtype=np.int64)
        return np.zeros(0, dtype=np.uint64), empty, empty
    first = opens[np.minimum(np.searchsorted(opens, run_starts), len(opens) - 1)]
    last = solid[np.searchsorted(solid, run_ends) - 1] + 1
    ok = (first >= run_starts) & (first < run_ends) & (last - first >= 2)
    first, last = first[ok], last[ok]
    hashes = _range_hashes(cps.astype(np.uint64), first, last, _CHAR_POWERS)
    bounds = np.cumsum([len(p) + 1 for p in parts])
    return hashes, np.searchsorted(bounds, first, side="right"), last - first


_STOP_HASHES: HashSet | None = None


def _stop_hashes() -> HashSet:
    global _STOP_HASHES
    if _STOP_HASHES is None:
        _STOP_HASHES = HashSet(token_hashes_of(sorted(STOPWORDS)))
    return _STOP_HASHES


def token_hashes_of(toks: Sequence[str]) -> np.ndarray:
    """The hash ``token_table`` gives each of ``toks`` (already tokens: lower-cased, a number's
    commas dropped, ``'`` for ``’``)."""
    if not toks:
        return np.zeros(0, dtype=np.uint64)
    lens = np.fromiter(map(len, toks), dtype=np.int64, count=len(toks))
    ends = np.cumsum(lens)
    cps = np.frombuffer("".join(toks).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    return _range_hashes(cps.astype(np.uint64), ends - lens, ends, _CHAR_POWERS)


def sentence_hash_of(token_hashes: np.ndarray) -> int:
    """The hash ``token_table`` gives a sentence whose tokens have these hashes."""
    return int(_range_hashes(np.asarray(token_hashes, dtype=np.uint64), np.array([0]),
                             np.array([len(token_hashes)]), _TOKEN_POWERS)[0])


__all__ = ["TokenTable", "token_table", "token_hashes_of", "sentence_hash_of", "HashSet", "word_table"]
