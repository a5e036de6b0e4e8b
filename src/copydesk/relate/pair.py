"""What one aligned pair of articles amounts to: shares, evidence of reuse, type.

Only body sentences count. Matches of sentences that are mostly a quotation
count toward the share but never as evidence on their own: independent reports
quote the same people word for word. So do rows of data both print (a tour's
dates and venues, results) and an outlet's own closing boilerplate."""

from __future__ import annotations

from dataclasses import dataclass

from ..align.sentences import MIN_REWORDED, UNORDERED_COVERAGE, SentenceMatch
from ..fingerprint import MIN_SENTENCE_TOKENS, SentenceProfile

#: bump when pair decisions change: stored pairs of another version are recomputed
ENGINE_VERSION = "reuse-9"  # 9: a crawl time is a bound, not a date, no family-date clue; 8: numbers compared by value, a negation needs what it negates on both sides; 7: "as many as", "up to", "some" before a number hedge it; 6: nearest by content

QUOTE_SENTENCE = 0.6   # a sentence this much inside quotation marks is a quote


@dataclass(frozen=True, slots=True)
class PairStats:
    share_a: float          # fraction of A's sentence characters matched in B
    share_b: float          # fraction of B's sentence characters matched in A
    strong: int             # verbatim/edited matches of substantial, non-quote sentences
    strong_chars: int
    para: int               # paraphrase matches of non-quote sentences
    reworded: float         # (edited + paraphrase) share of matched characters
    ordered: float          # longest in-order run of matches / matches
    n_a: int
    n_b: int


def _lis(seq: list[int]) -> int:
    import bisect

    tails: list[int] = []
    for x in seq:
        i = bisect.bisect_left(tails, x)
        if i == len(tails):
            tails.append(x)
        else:
            tails[i] = x
    return len(tails)


def pair_stats(matches: list[SentenceMatch], sa: list[SentenceProfile], sb: list[SentenceProfile],
               self_a: frozenset[int] = frozenset(), self_b: frozenset[int] = frozenset(), *,
               one_outlet: bool = False) -> PairStats:
    """``self_a``/``self_b``: sentences that name their own outlet ("About The X: ..."): outlet
    boilerplate when both sides of a match do, so never evidence of copying. ``one_outlet``: both
    articles come from one outlet, so the closing block they share is its boilerplate
    (``_closing_block``)."""
    len_a = sum(s.end - s.start for s in sa) or 1
    len_b = sum(s.end - s.start for s in sb) or 1
    got_a = got_b = strong_chars = 0
    strong = para = 0
    edited_chars = para_chars = 0
    seen_a: set[int] = set()
    seen_b: set[int] = set()
    tail_a = tail_b = frozenset()
    if one_outlet and matches:
        tail_a, tail_b = _closing_block({m.a for m in matches}, sa, len_a), _closing_block({m.b for m in matches}, sb, len_b)
    for m in matches:
        a, b = sa[m.a], sb[m.b]
        ca, cb = a.end - a.start, b.end - b.start
        if m.a not in seen_a:
            got_a += ca
            seen_a.add(m.a)
        if m.b in seen_b:
            continue
        seen_b.add(m.b)
        got_b += cb
        # what both texts may hold without one copying the other: a quotation, the outlet's own
        # boilerplate (lines naming it, its closing block), rows of data
        shared_source = (b.quote_share >= QUOTE_SENTENCE and a.quote_share >= QUOTE_SENTENCE) or (
            m.a in self_a and m.b in self_b) or (m.a in tail_a and m.b in tail_b) or (a.listing and b.listing)
        substantial = len(b.tokens) >= MIN_SENTENCE_TOKENS
        if m.kind in ("verbatim", "edited"):
            if not shared_source and substantial:
                strong += 1
                strong_chars += cb
            if m.kind == "edited":
                edited_chars += cb
        else:
            para_chars += cb
            if not shared_source and m.evidence:
                para += 1
    ordered = _lis([m.a for m in sorted(matches, key=lambda m: m.b)]) / len(matches) if matches else 0.0
    n_a = sum(1 for s in sa if len(s.tokens) >= MIN_SENTENCE_TOKENS) or len(sa)
    n_b = sum(1 for s in sb if len(s.tokens) >= MIN_SENTENCE_TOKENS) or len(sb)
    return PairStats(
        share_a=min(1.0, got_a / len_a), share_b=min(1.0, got_b / len_b), strong=strong, strong_chars=strong_chars,
        para=para, reworded=(edited_chars + para_chars) / got_b if got_b else 0.0,
        ordered=ordered, n_a=n_a, n_b=n_b,
    )


#: a closing block shared by two articles is their boilerplate only while it is a small part of each
CLOSING_BLOCK = 0.5


def _closing_block(matched: set[int], profiles: list[SentenceProfile], total: int) -> frozenset[int]:
    """The sentences of the run of matched sentences that closes an article (short lines that
    are not matched, "For more information, visit ...", do not break it). When another article of
    the same outlet closes with the same run, the run is that outlet's closing boilerplate (an
    "About the company" block, a newsletter call, a show's details), which its articles end with:
    it counts toward the share but is never evidence of copying on its own. Empty when the run is
    most of the article (a copy shares its ending with everything else). Articles of different
    outlets are not read so: two reprints of one wire story often end with the same background
    paragraphs, and that is shared text."""
    block: list[int] = []
    chars = 0
    for s in reversed(profiles):
        if s.index in matched:
            block.append(s.index)
            chars += s.end - s.start
        elif len(s.tokens) >= MIN_SENTENCE_TOKENS:
            break
    return frozenset(block) if chars < CLOSING_BLOCK * total else frozenset()


def is_reuse(st: PairStats) -> bool:
    """Enough evidence that one text was taken from the other.

    Either two or more substantial verbatim/edited sentences (partial reuse,
    near-duplicates), or a large share of reworded sentences in the same order
    (a rewrite), or most of the shorter text's sentences reworded in any order (a
    restructured rewrite); independent reports share facts and quotes, not that.
    Where no sentence is taken verbatim or lightly edited, it takes ``MIN_REWORDED``
    reworded ones: two short reports of one event tell its three or four facts in the
    same order, each in its own words (the model pairs them as paraphrases)."""
    if st.strong >= 2 and st.strong_chars >= 150:
        return True
    smaller = min(st.n_a, st.n_b)
    found = st.strong + st.para
    least = 3 if st.strong else MIN_REWORDED
    if found >= max(least, 0.5 * smaller) and st.ordered >= 0.6 and max(st.share_a, st.share_b) >= 0.4:
        return True
    # restructured: most of the shorter text's sentences have a counterpart, in whatever order, and each
    # text holds half of the other (a short report whose few sentences restate a longer one's facts is not it)
    return found >= max(4, UNORDERED_COVERAGE * smaller) and min(st.share_a, st.share_b) >= 0.5


def reuse_type(share_derived: float, share_original: float, reworded: float) -> str:
    """near_duplicate, rewrite or partial (``duplicate`` is decided by the body hash)."""
    if share_derived >= 0.85 and share_original >= 0.6 and reworded < REWORDED:
        return "near_duplicate"
    if reworded >= REWORDED and share_derived >= 0.4:
        return "rewrite"
    return "partial"


#: a rewrite rewords most of what it takes; a near-duplicate's few edits may still touch many sentences
REWORDED = 0.6
