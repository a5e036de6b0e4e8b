"""segment: Extracted -> Article. Splits the body into paragraphs and sentences and
takes out what is not body text: boilerplate, captions and credits, embedded posts.
Every removal is kept under ``Article.removed`` with its kind, so nothing is lost."""

from __future__ import annotations

import re

import xxhash

from ..model import Article, Extracted, Removed, Span
from ..textutil import normalize_for_hash
from .embeds import find_posts
from .rules import AGENCIES, CAPTION_LABEL, CAPTION_MAX, COPYRIGHT_MARK, classify
from .runon import run_on_pieces
from .sentences import split_sentences

__all__ = ["segment", "split_sentences", "body_hash", "run_on_pieces"]


def body_hash(text: str) -> str:
    return xxhash.xxh3_128_hexdigest(normalize_for_hash(text).encode("utf-8", "surrogatepass"))


#: the outlet a copyright notice names ("© 2013 Bay Area Current. All rights reserved.", "Copyright 2024 The
#: Daily Ledger | All rights reserved"): one to six capitalised words after the year
_NOTICE_OUTLET = re.compile(rf"^{COPYRIGHT_MARK}\s*(?:©\s*)?(?:\d{{4}}\s*[-–]\s*)?\d{{4}},?\s+"
                            r"(?P<name>[A-Z][\w&'’.-]*(?:\s+(?:[A-Z][\w&'’.-]*|of|and|&|the|de)){0,5}?)"
                            r"\s*(?:[.,|]|-\s|all rights|$)", re.I)


#: copyright holders that are no outlet of the article: a photo agency, a wire (a copy keeps the wire's notice)
_NOT_AN_OUTLET = re.compile(rf"^(?:the\s+)?(?:{AGENCIES}|associated press|getty|press association|agence france-presse)\b",
                            re.I)


def _outlet_of(removed: list[Removed]) -> str | None:
    """The outlet named by a copyright notice among the removed boilerplate, for an article whose
    record or page did not name one."""
    for r in removed:
        if r.kind == "boilerplate" and len(r.text) <= 200:
            m = _NOTICE_OUTLET.match(r.text.strip())
            if m and m.group("name")[0].isupper() and "rights" not in m.group("name").lower():
                name = m.group("name").strip(" .")
                return None if _NOT_AN_OUTLET.match(name) else name
    return None


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
        run_on = run_on_pieces(p, alone=len(paras) - len(used) == 1)
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
    meta = ex.meta
    source = meta.get("source") or _outlet_of(removed)
    if source and not meta.get("source"):
        # the outlet named by its own copyright notice: a line of the header that is only its name goes too
        name = source.casefold()
        while body and len(body[0]) <= 80 and body[0].strip(" •·-–|").casefold() == name:
            removed.append(Removed("outlet", body.pop(0)))
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
    return Article(
        id=ex.id, source=source, url=meta.get("url"), title=meta.get("title"),
        published=meta.get("published"), byline=meta.get("byline"), text=text, crawled=meta.get("crawled"),
        removed=tuple(removed), embeds=tuple(ex.embeds) + tuple(embeds),
        paragraphs=tuple(paragraphs), sentences=tuple(sentences),
        input=ex.input, record=ex.record, raw_hash=ex.raw_hash, body_hash=body_hash(text),
    )
