"""Run-on text: an article body that came without its line breaks (a dataset's text column, a
flattened scrape), read for the boilerplate and pasted posts it carries inline."""

from __future__ import annotations

import re

from ..model import Embed, Span
from .embeds import INLINE_ATTRIBUTION_RE, find_posts
from .rules import COPYRIGHT_RULE, COPYRIGHT_TAIL, SHARE_MARK, SHARE_PREFIX, SHARE_RULE, SHARE_SUFFIX, Rule, classify

__all__ = ["RUN_ON_CHARS", "RUN_ON_SENTENCES", "run_on_pieces"]


#: a paragraph over the rules' largest length cap, of this many sentences or more, is run-on text: a
#: body that came without its line breaks (datasets that keep an article as one line, text flattened
#: by a scraper), which carries its boilerplate inline. News paragraphs hold one to four sentences
#: (none of ECB+'s 14,886 paragraphs is run-on, 19 of the extraction pages' 4,415 are).
RUN_ON_CHARS = 800
RUN_ON_SENTENCES = 6
#: an article that is one paragraph is run-on from this many sentences (a short one-line record carries its
#: furniture inline too; a two- or three-sentence item is left to the paragraph rules)
RUN_ON_ALONE = 4
#: the most consecutive sentences one boilerplate block is looked for in ("This website uses cookies
#: to improve your experience. We'll assume you're ok with this, but you can opt-out if you wish.")
RUN_ON_WINDOW = 3


#: where run-on text is cut to be read by the rules: after end punctuation (and a closing quotation
#: mark, which tokenised text spaces out: 'wreck. " Share this'), before a capital or a digit, with
#: no regard for abbreviations. Cutting too often only makes more pieces to read: the body's pieces
#: are put back together as they were.
_LOOSE_END = re.compile(r"""[.!?…]+(?:\s?["”’'])?(?=\s+["“‘']?[A-Z0-9©])""")


#: a title whose full stop ends no sentence where a name follows ("Read more: Alaska Gov. Sarah Palin ..."), so
#: that a boilerplate line is not cut in two (not an initial: "... Plan B. This website uses cookies" must part)
_TITLE = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|Prof|Sen|Gov|Rep|Gen|Col|Lt|Sgt|Capt|Cmdr|Adm|Maj|Pres|Rev|Hon|St|Mt|Ft|vs)\.$")


def _loose_sentences(text: str) -> list[Span]:
    """Where run-on ``text`` is cut for the rules: at every loose end of sentence but after a title or an
    initial, and around every pasted post's attribution ("— Name (@handle) May 30, 2011"), which has no
    full stop of its own."""
    ends = [m.end() for m in _LOOSE_END.finditer(text) if not _TITLE.search(text, max(0, m.start() - 6), m.start() + 1)]
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


def _share_bar(m: re.Match[str] | None) -> re.Match[str] | None:
    """``m``, a run of sharing words, when it is a share bar (``SHARE_MARK``), else None."""
    return m if m is not None and SHARE_MARK.search(m.group()) else None


def _glued(paragraph: str, a: int, b: int) -> list[tuple[int, int, Rule | None]]:
    """A sentence no rule matched, cut where boilerplate without a full stop of its own is glued to
    it: a share bar that opens it, a copyright notice that ends it; what is left between them is read
    by the rules again ("Share this article: Facebook | Twitter | Email Read more: Actress Dies at 91"
    is a share bar and a "Read more" line; "... Email (c) 2010 Midland Star." a share bar and a notice)."""
    cuts: list[tuple[int, int, Rule | None]] = []
    head = _share_bar(SHARE_PREFIX.match(paragraph, a, b))
    if head is not None:
        cuts.append((a, head.end(), SHARE_RULE))
        a = head.end()
    tail = COPYRIGHT_TAIL.search(paragraph, a, b)
    if tail is None or tail.start() <= a:
        tail = _share_bar(SHARE_SUFFIX.search(paragraph, a, b))
    end = tail.start() if tail is not None and tail.start() > a else b
    rest = paragraph[a:end].strip()
    cuts.append((a, end, classify(rest) if rest and (head is not None or end < b) else None))
    if end < b:
        cuts.append((end, b, SHARE_RULE if tail.re is SHARE_SUFFIX else COPYRIGHT_RULE))
    return cuts


def _split_glued_start(paragraph: str, a: int, b: int, rule: Rule) -> list[tuple[int, int, Rule | None]]:
    """A sentence a rule matched, where the match opens with a capitalised word inside the sentence,
    with no end punctuation before it: a body sentence without its full stop run into a boilerplate
    one ("... move to a college program This website uses cookies to ..."). The body's part is kept
    (and read as ``_glued`` reads a sentence); the rest is the rule's."""
    m = rule.pattern.search(paragraph[a:b])
    at = a + m.start() if m is not None else a
    if (at - a < 2 or not paragraph[at].isupper() or paragraph[at - 1] != " "
            or paragraph[at - 2] in ".!?…:;\"”'’" or classify(paragraph[at:b]) is not rule):
        return [(a, b, rule)]
    return [*_glued(paragraph, a, at - 1), (at, b, rule)]


#: what a pasted post's pieces of run-on text are marked with (kind "embed", as a post's paragraphs)
_POST = Rule("pasted-post", "embed", re.compile(r"(?!)"), 0)


def run_on_pieces(paragraph: str, *, alone: bool = False) -> tuple[list[tuple[str, Rule | None]], list[Embed]] | None:
    """A run-on paragraph cut where its inline boilerplate and pasted posts are: the body pieces (rule
    None) and the rest (its rule), in order, and the posts; None when ``paragraph`` is not run-on or
    holds neither. A paragraph that is the whole article (``alone``) is run-on however short, once it
    holds two sentences: a short article that came as one line carries its outlet's furniture inline
    as a long one does.

    The paragraph rules are tried on each sentence, then on runs of two or three sentences that no
    shorter run within matched (a block that a sentence boundary splits): a run counts only when
    none of its parts does, so a body sentence next to a boilerplate one is never taken with it.
    A share bar that opens a sentence and a copyright notice that ends one are cut off it (run-on
    text glues them to their neighbour: they have no full stop of their own)."""
    if len(paragraph) <= RUN_ON_CHARS and not alone:
        return None
    spans = _loose_sentences(paragraph)
    n = len(spans)
    if n < (RUN_ON_ALONE if alone else RUN_ON_SENTENCES):
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
            cuts += _split_glued_start(paragraph, a, b, rule) if rule is not _POST else [(a, b, rule)]
            continue
        cuts += _glued(paragraph, a, b)
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
