"""segment: Extracted -> Article. Splits the body into paragraphs and sentences and
takes out what is not body text: boilerplate, captions and credits, embedded posts.
Every removal is kept under ``Article.removed`` with its kind, so nothing is lost."""

from __future__ import annotations

import re

import xxhash

from ..model import Article, Embed, Extracted, Removed, Span
from ..textutil import normalize_for_hash
from .embeds import INLINE_ATTRIBUTION_RE, find_posts
from .rules import (CAPTION_LABEL, CAPTION_MAX, COPYRIGHT_RULE, COPYRIGHT_TAIL, SHARE_PREFIX, SHARE_RULE, Rule,
                    classify)
from .sentences import split_sentences

__all__ = ["segment", "split_sentences", "body_hash"]


def body_hash(text: str) -> str:
    return xxhash.xxh3_128_hexdigest(normalize_for_hash(text).encode("utf-8", "surrogatepass"))


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


def segment(ex: Extracted) -> Article:
    paras = list(ex.paragraphs)
    removed: list[Removed] = list(ex.removed)
    embeds, used = find_posts(paras)
    for i in sorted(used):
        removed.append(Removed("embed", paras[i]))
    body: list[str] = []
    caption_next = False
    for i, p in enumerate(paras):
        if i in used:
            continue
        if caption_next:
            caption_next = False
            if len(p) <= CAPTION_MAX:
                removed.append(Removed("caption", p))
                continue
        label = CAPTION_LABEL.match(p)
        if label:
            rest = label.group("rest").strip()
            removed.append(Removed("caption", p))
            caption_next = not rest
            continue
        rule = classify(p)
        if rule is not None:
            removed.append(Removed(rule.kind, p))
            continue
        run_on = run_on_pieces(p)
        if run_on is None:
            body.append(p)
            continue
        pieces, posts = run_on
        embeds.extend(posts)
        for piece, rule in pieces:
            if rule is None:
                body.append(piece)
            else:
                removed.append(Removed(rule.kind, piece))
    text_parts: list[str] = []
    paragraphs: list[Span] = []
    sentences: list[Span] = []
    pos = 0
    for p in body:
        if text_parts:
            pos += 2
        paragraphs.append((pos, pos + len(p)))
        sentences.extend(split_sentences(p, pos))
        text_parts.append(p)
        pos += len(p)
    text = "\n\n".join(text_parts)
    meta = ex.meta
    return Article(
        id=ex.id, source=meta.get("source"), url=meta.get("url"), title=meta.get("title"),
        published=meta.get("published") or meta.get("crawled"), byline=meta.get("byline"), text=text,
        removed=tuple(removed), embeds=tuple(ex.embeds) + tuple(embeds),
        paragraphs=tuple(paragraphs), sentences=tuple(sentences),
        input=ex.input, record=ex.record, raw_hash=ex.raw_hash, body_hash=body_hash(text),
    )
