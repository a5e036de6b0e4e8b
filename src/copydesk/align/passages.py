"""Sentence matches -> passages: runs of matches adjacent in both texts, of one kind."""

from __future__ import annotations

from ..fingerprint import SentenceProfile
from ..model import Passage
from .sentences import SentenceMatch


def passages(matches: list[SentenceMatch], sa: list[SentenceProfile], sb: list[SentenceProfile],
             *, a_is_original: bool = True) -> list[Passage]:
    """Merge matches that follow each other in both articles (B order; a reordered
    paragraph starts a new passage) into passages with character spans."""
    out: list[Passage] = []
    run: list[SentenceMatch] = []

    def close() -> None:
        if not run:
            return
        a_span = (min(sa[m.a].start for m in run), max(sa[m.a].end for m in run))
        b_span = (min(sb[m.b].start for m in run), max(sb[m.b].end for m in run))
        kind = run[0].kind
        orig, der = (a_span, b_span) if a_is_original else (b_span, a_span)
        out.append(Passage(orig, der, kind))
        run.clear()

    order = sorted(matches, key=lambda m: m.b) if a_is_original else sorted(matches, key=lambda m: m.a)
    for m in order:
        if run:
            prev = run[-1]
            adjacent = (m.a - prev.a in (0, 1) and m.b - prev.b in (0, 1))  # 0: a split or merged sentence
            if not adjacent or m.kind != prev.kind:
                close()
        run.append(m)
    close()
    return out
