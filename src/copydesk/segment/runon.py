"""Run-on text: an article body that came without its line breaks (a dataset's text column, a
flattened scrape), read for the boilerplate and pasted posts it carries inline."""

from __future__ import annotations

import re

from ..model import Embed, Span
from .embeds import INLINE_ATTRIBUTION_RE, find_posts
from .rules import COPYRIGHT_RULE, COPYRIGHT_TAIL, SHARE_PREFIX, SHARE_RULE, Rule, classify

__all__ = ["RUN_ON_CHARS", "RUN_ON_SENTENCES", "run_on_pieces"]


#: a paragraph over the rules' largest length cap, of this many sentences or more, is run-on text: a
#: body that came without its line breaks (datasets that keep an article as one line, text flattened
#: by a scraper), which carries its boilerplate inline. News paragraphs hold one to four sentences
#: (none of ECB+'s 14,886 paragraphs is run-on, 19 of the extraction pages' 4,415 are).
RUN_ON_CHARS = 800
RUN_ON_SENTENCES = 6
#: the most consecutive sentences one boilerplate block is looked for in ("This website uses cookies
#: to improve your experience. We'll assume you're ok with this, but you can opt-out if you wish.")
RUN_ON_WINDOW = 3


#: where run-on text is cut to be read by the rules: after end punctuation (and a closing quotation
#: mark, which tokenised text spaces out: 'wreck. " Share this'), before a capital or a digit, with
#: no regard for abbreviations. Cutting too often only makes more pieces to read: the body's pieces
#: are put back together as they were.
_LOOSE_END = re.compile(r"""[.!?…]+(?:\s?["”’'])?(?=\s+["“‘']?[A-Z0-9©])""")


def _loose_sentences(text: str) -> list[Span]:
    """Where run-on ``text`` is cut for the rules: at every loose end of sentence, and around every
    pasted post's attribution ("— Name (@handle) May 30, 2011"), which has no full stop of its own."""
    ends = [m.end() for m in _LOOSE_END.finditer(text)]
    if "(@" in text:
        ends = sorted({*ends, *(x for m in INLINE_ATTRIBUTION_RE.finditer(text) for x in (m.start(), m.end()))})
    spans: list[Span] = []
    start = 0
    for end in ends:
        while start < end and text[start].isspace():
            start += 1
        if start < end:
            spans.append((start, end))
        start = end
    while start < len(text) and text[start].isspace():
        start += 1
    if start < len(text):
        spans.append((start, len(text)))
    return spans


#: what a pasted post's pieces of run-on text are marked with (kind "embed", as a post's paragraphs)
_POST = Rule("pasted-post", "embed", re.compile(r"(?!)"), 0)


def run_on_pieces(paragraph: str) -> tuple[list[tuple[str, Rule | None]], list[Embed]] | None:
    """A run-on paragraph cut where its inline boilerplate and pasted posts are: the body pieces (rule
    None) and the rest (its rule), in order, and the posts; None when ``paragraph`` is not run-on or
    holds neither.

    The paragraph rules are tried on each sentence, then on runs of two or three sentences that no
    shorter run within matched (a block that a sentence boundary splits): a run counts only when
    none of its parts does, so a body sentence next to a boilerplate one is never taken with it.
    A share bar that opens a sentence and a copyright notice that ends one are cut off it (run-on
    text glues them to their neighbour: they have no full stop of their own)."""
    if len(paragraph) <= RUN_ON_CHARS:
        return None
    spans = _loose_sentences(paragraph)
    n = len(spans)
    if n < RUN_ON_SENTENCES:
        return None
    texts = [paragraph[a:b] for a, b in spans]
    embeds, used = find_posts(texts) if "(@" in paragraph else ([], set())
    rules: list[Rule | None] = [_POST if i in used else classify(t) for i, t in enumerate(texts)]
    for size in range(2, RUN_ON_WINDOW + 1):
        i = 0
        while i + size <= n:
            if any(rules[i:i + size]):
                i += 1
                continue
            rule = classify(paragraph[spans[i][0]:spans[i + size - 1][1]])
            if rule is not None:
                rules[i:i + size] = [rule] * size
                i += size
            else:
                i += 1
    cuts: list[tuple[int, int, Rule | None]] = []
    for (a, b), rule in zip(spans, rules):
        if rule is not None:
            cuts.append((a, b, rule))
            continue
        head = SHARE_PREFIX.match(paragraph, a, b)
        if head is not None:
            cuts.append((a, head.end(), SHARE_RULE))
            a = head.end()
        tail = COPYRIGHT_TAIL.search(paragraph, a, b)
        if tail is not None and tail.start() > a:
            cuts += [(a, tail.start(), None), (tail.start(), b, COPYRIGHT_RULE)]
        else:
            cuts.append((a, b, None))
    if not embeds and not any(rule for _, _, rule in cuts):
        return None
    pieces: list[tuple[str, Rule | None]] = []
    start, end, rule = cuts[0]
    for a, b, r in cuts[1:]:
        if r is rule:
            end = b
            continue
        pieces.append((paragraph[start:end].strip(), rule))
        start, end, rule = a, b, r
    pieces.append((paragraph[start:end].strip(), rule))
    return [(text, rule) for text, rule in pieces if text], embeds
