"""Whether a copy carries another copy's own edits: the textual test of a chain.

When M and D are both related to O, closeness alone cannot say whether D was taken from M
(a chain O -> M -> D) or from O beside M (two copies of one original, siblings): M is
usually a near twin of O, and the few hundredths of closeness that D is nearer to one of
them are within what the alignment's scores wobble by. The edits say it. Where M changed
O's text (a word, a number, a quotation mark), D reads either as M does, and so carries
M's edit, or as O does, and so was not taken from M (a copier does not undo another's
edits one by one). Each edit of M is looked for in D with a few words of O's text before
or after it; an edit whose surroundings D reworded on both sides is no evidence either way.

Written by hand: difflib's token alignment gives M's edits; no library offers the
three-text comparison."""

from __future__ import annotations

import difflib
import re
from collections import OrderedDict
from typing import Callable

_TOKEN = re.compile(r"\w+|[^\w\s]")
#: tokens of O's text either side of an edit, to find the place in D
CONTEXT = 3
#: a chain needs this many of M's edits in D, and D keeping O's text at most a third as often
CHAIN_EDITS = 3
CHAIN_RATIO = 3
#: two copies are siblings when one keeps O's text where the other changed it this often, carrying none of
#: its edits (at one, a relation turned the wrong way by a misleading date made a true chain look so)
BESIDE_EDITS = 2
#: texts longer than this (tokens) are not compared: difflib's alignment grows faster than the length (two
#: texts of 12,500 tokens took 1 s; an article of 400-800 words has 500-1,000)
MAX_TOKENS = 8_000


class Lineage:
    """``agreement(o, m, d)`` over the articles' clean texts (``text(id)``), with the texts'
    tokens and each pair's edits kept for the articles met last (a family is met together)."""

    def __init__(self, text: Callable[[str], str], cache_size: int = 256):
        self._text = text
        self._tokens: OrderedDict[str, list[str]] = OrderedDict()
        self._edits: OrderedDict[tuple[str, str], list[tuple[str, str]]] = OrderedDict()
        self._cache_size = cache_size

    def _remember(self, cache: OrderedDict, key, value):
        cache[key] = value
        if len(cache) > self._cache_size:
            cache.popitem(last=False)
        return value

    def tokens(self, id: str) -> list[str]:
        t = self._tokens.get(id)
        if t is None:
            return self._remember(self._tokens, id, _TOKEN.findall(self._text(id)))
        self._tokens.move_to_end(id)
        return t

    def edits(self, o: str, m: str) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
        """M's edits of O, each as (O's reading, M's reading), each reading as the space-framed
        token strings that find it in another text (``_readings``)."""
        key = (o, m)
        found = self._edits.get(key)
        if found is not None:
            return found
        to, tm = self.tokens(o), self.tokens(m)
        found = []
        if len(to) <= MAX_TOKENS and len(tm) <= MAX_TOKENS:
            for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, to, tm, autojunk=False).get_opcodes():
                if tag == "equal":
                    continue
                left, right = to[max(0, i1 - CONTEXT):i1], to[i2:i2 + CONTEXT]
                found.append((_readings(left, to[i1:i2], right), _readings(left, tm[j1:j2], right)))
        return self._remember(self._edits, key, found)

    def agreement(self, o: str, m: str, d: str) -> tuple[int, int]:
        """(edits of M that D carries, edits of M where D keeps O's text)."""
        edits = self.edits(o, m)
        if not edits:
            return 0, 0
        td = self.tokens(d)
        if len(td) > MAX_TOKENS:
            return 0, 0
        in_d = _framed(td)
        carried = kept = 0
        for as_o, as_m in edits:
            has_o, has_m = any(r in in_d for r in as_o), any(r in in_d for r in as_m)
            if has_m and not has_o:
                carried += 1
            elif has_o and not has_m:
                kept += 1
        return carried, kept

    def chain(self, o: str, m: str, d: str) -> bool:
        """Whether D carries M's own edits of O: D was taken from M, not from O beside it."""
        carried, kept = self.agreement(o, m, d)
        return carried >= CHAIN_EDITS and carried >= CHAIN_RATIO * kept

    def beside(self, o: str, m: str, d: str) -> bool:
        """Whether D keeps O's text where M changed it (``BESIDE_EDITS`` times or more) and
        carries none of M's edits: D was taken from O (or another copy), not from M."""
        carried, kept = self.agreement(o, m, d)
        return carried == 0 and kept >= BESIDE_EDITS


def _framed(tokens: list[str]) -> str:
    return " " + " ".join(tokens) + " "


def _readings(left: list[str], span: list[str], right: list[str]) -> tuple[str, ...]:
    """How one side of an edit reads in place: the span with the context before it, and with
    the context after it (either will do: the other text may have reworded one side), or,
    for nothing (a deletion or an insertion), the two contexts joined."""
    if not span:
        return (_framed(left + right),)
    return (_framed(left + span), _framed(span + right))
