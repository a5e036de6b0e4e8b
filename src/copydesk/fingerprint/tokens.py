"""Tokens for matching: lower-cased words, numbers kept whole ("1,200" -> "1200").

Hashes are xxh64 of the token text (stable across runs and machines, unlike
Python's ``hash``), cached per process since news vocabulary repeats."""

from __future__ import annotations

import re

import numpy as np
import xxhash

_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:['’][^\W\d_]+)*", re.UNICODE)
# The same tokens for text of ASCII and a few punctuation marks that are no word characters
# (most news text): explicit character sets are much cheaper to match than Unicode classes,
# and lower-casing such text keeps every offset.
_FAST_PUNCT = "‘’“”–—…\u00a0"
# (possessive: nothing follows a repetition, so giving characters back never makes another match)
_TOKEN_FAST = re.compile(r"[0-9]++(?:[.,][0-9]++)*+|[a-z]++(?:['’][a-z]++)*+")
_NOT_FAST = re.compile("[^\x00-\x7f" + _FAST_PUNCT + "]")

STOPWORDS = frozenset(
    """a an the and or but if then so of to in on at by for with from into onto over under about after before
    as is are was were be been being has have had do does did will would shall should can could may might must
    it its it's this that these those there here he she they we you i me him her them us my your his their our
    who whom whose which what when where why how not no nor than too very just also only both each few more most
    other some such own same all any up down out off again further once said says say told""".split()
)

_HASH_CACHE: dict[str, int] = {}


def tokens(text: str) -> list[str]:
    """Lower-cased word and number tokens of ``text`` (thousands separators dropped)."""
    toks = (_TOKEN if _NOT_FAST.search(text) else _TOKEN_FAST).findall(text.lower())
    if "," in text or "’" in text:
        toks = [t.replace(",", "") if t[0].isdigit() else t.replace("’", "'") for t in toks]
    return toks


def span_tokens(text: str, spans) -> list[list[str]]:
    """``[tokens(text[s:e]) for s, e in spans]``, with the text lower-cased once."""
    if _NOT_FAST.search(text):
        return [tokens(text[s:e]) for s, e in spans]
    low = text.lower()
    find = _TOKEN_FAST.findall
    out = []
    for s, e in spans:
        part = low[s:e]
        toks = find(part)
        if "," in part or "’" in part:
            toks = [t.replace(",", "") if t[0].isdigit() else t.replace("’", "'") for t in toks]
        out.append(toks)
    return out


def token_hash(tok: str) -> int:
    h = _HASH_CACHE.get(tok)
    if h is None:
        h = xxhash.xxh64_intdigest(tok.encode("utf-8", "surrogatepass"))
        if len(_HASH_CACHE) < 2_000_000:
            _HASH_CACHE[tok] = h
    return h


def token_hashes(toks: list[str]):
    """``token_hash`` of each token, as a uint64 array."""
    hs = list(map(_HASH_CACHE.get, toks))
    if None in hs:
        hs = [token_hash(t) if h is None else h for h, t in zip(hs, toks)]
    return np.array(hs, dtype=np.uint64)


def content_tokens(toks: list[str]) -> list[str]:
    return [t for t in toks if t not in STOPWORDS and (len(t) > 2 or t.isdigit())]
