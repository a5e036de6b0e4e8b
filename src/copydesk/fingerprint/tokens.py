"""Tokens for matching: lower-cased words, numbers kept whole ("1,200" -> "1200").

Hashes are xxh64 of the token text (stable across runs and machines, unlike
Python's ``hash``), cached per process since news vocabulary repeats."""

from __future__ import annotations

import re

import xxhash

_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:['’][^\W\d_]+)*", re.UNICODE)

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
    toks = _TOKEN.findall(text.lower())
    if "," in text or "’" in text:
        toks = [t.replace(",", "") if t[0].isdigit() else t.replace("’", "'") for t in toks]
    return toks


def token_hash(tok: str) -> int:
    h = _HASH_CACHE.get(tok)
    if h is None:
        h = xxhash.xxh64_intdigest(tok.encode("utf-8", "surrogatepass"))
        if len(_HASH_CACHE) < 2_000_000:
            _HASH_CACHE[tok] = h
    return h


def content_tokens(toks: list[str]) -> list[str]:
    return [t for t in toks if t not in STOPWORDS and (len(t) > 2 or t.isdigit())]
