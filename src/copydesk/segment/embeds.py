"""Embedded social posts pasted into plain text.

A tweet copied out of a page reads as its text (often ending with a
``pic.twitter.com/…`` or ``https://t.co/…`` link), then an attribution line
``— Name (@handle) Month D, YYYY``. The attribution line is unambiguous; the
post's text is the paragraph(s) just before it, taken back while they fit in
a post (280 characters, links counted as 23, as the platform counts them) and
are not another post's attribution."""

from __future__ import annotations

import re

from ..dates import normalize_date
from ..model import Embed

ATTRIBUTION_RE = re.compile(
    r"^[—–-]{1,2}\s*(?P<author>[^()\n]{1,80}?)\s*\(@(?P<handle>\w{1,15})\)\s*"
    r"(?P<date>[A-Z][a-z]+\.? \d{1,2}, \d{4}|\d{1,2} [A-Z][a-z]+ \d{4})?\s*$"
)
LINK_RE = re.compile(r"(?:https?://t\.co/\w+|pic\.twitter\.com/\w+|https?://(?:x|twitter)\.com/\S+)")
POST_LIMIT = 280


def post_length(text: str) -> int:
    return len(LINK_RE.sub("x" * 23, text))


def find_posts(paragraphs: list[str]) -> tuple[list[Embed], set[int]]:
    """The embedded posts among ``paragraphs`` and the indexes of the paragraphs they use."""
    embeds: list[Embed] = []
    used: set[int] = set()
    for i, p in enumerate(paragraphs):
        m = ATTRIBUTION_RE.match(p)
        if not m or i == 0:
            continue
        taken = [i]
        total = 0
        j = i - 1
        while j >= 0 and j not in used and not ATTRIBUTION_RE.match(paragraphs[j]):
            length = post_length(paragraphs[j])
            if taken != [i] and total + length > POST_LIMIT:
                break
            # the paragraph right before the attribution is always the post; earlier ones
            # only when the post so far has no link of its own ending it
            if taken != [i] and not _continues_post(paragraphs[j], paragraphs[j + 1]):
                break
            taken.append(j)
            total += length
            j -= 1
        parts = [paragraphs[k] for k in sorted(taken) if k != i]
        text = " ".join(parts)
        links = LINK_RE.findall(text)
        url = links[-1] if links else None
        if url and url.startswith("pic.twitter.com"):
            url = "https://" + url
        clean = LINK_RE.sub("", text).strip()
        embeds.append(Embed(
            kind="tweet", author=m.group("author").strip(), handle=m.group("handle"), text=clean or text,
            url=url, published=normalize_date(m.group("date")) if m.group("date") else None,
        ))
        used.update(taken)
    return embeds, used


_CONTINUATION = re.compile(r"^(?:[a-z]|(?:He|She|It|They|This|That|These|Those|And|But|So|We|I|His|Her|Their)\b)")
_POSTY = re.compile(r"(?:#\w+|@\w+|\b[A-Z]{3,}(?:\s+[A-Z]{3,})+\b|[\U0001F300-\U0001FAFF\u2600-\u27BF])")


def _continues_post(earlier: str, later: str) -> bool:
    """Whether ``earlier`` belongs to the same post as ``later`` (already in it).

    Conservative, since a wrong guess would take real body text out of the
    article: the earlier paragraph must carry no link (a link ends a post), be
    short, and either the later one reads as its continuation ("He will be
    used...") or the earlier one reads as a post (hashtags, handles, shouting)."""
    if LINK_RE.search(earlier) or post_length(earlier) > POST_LIMIT - 40:
        return False
    return bool(_CONTINUATION.match(later) or _POSTY.search(earlier))
