"""Tokens for matching: lower-cased words, numbers kept whole ("1,200" -> "1200").

The candidate stage hashes the same tokens without making them (``hashes.py``);
alignment and the checks that need the words use these."""

from __future__ import annotations

import re

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

def tokens(text: str) -> list[str]:
    """Lower-cased word and number tokens of ``text`` (thousands separators dropped)."""
    toks = (_TOKEN if _NOT_FAST.search(text) else _TOKEN_FAST).findall(text.lower())
    if "," in text or "’" in text:
        toks = [t.replace(",", "") if t[0].isdigit() else t.replace("’", "'") for t in toks]
    return toks


def content_tokens(toks: list[str]) -> list[str]:
    return [t for t in toks if t not in STOPWORDS and (len(t) > 2 or t.isdigit())]
