"""Embedded social posts pasted into plain text.

A tweet copied out of a page reads as its text (often ending with a
``pic.twitter.com/…`` or ``https://t.co/…`` link), then an attribution line
``— Name (@handle) Month D, YYYY``. The attribution line is unambiguous; the
post's text is the paragraph(s) just before it, taken back while they fit in
a post (280 characters, links counted as 23, as the platform counts them) and
are not another post's attribution. A scrape that flattens the embed puts text
and attribution in one paragraph; that is a post too when it fits in one."""

from __future__ import annotations

import re

from ..dates import normalize_date
from ..model import Embed

#: the date an attribution ends with ("May 5, 2010", "5 May 2010")
_POST_DATE = r"(?P<date>[A-Z][a-z]+\.? \d{1,2}, \d{4}|\d{1,2} [A-Z][a-z]+ \d{4})"
ATTRIBUTION_RE = re.compile(
    rf"^[—–-]{{1,2}}\s*(?P<author>[^()\n]{{1,80}}?)\s*\(@(?P<handle>\w{{1,15}})\)\s*{_POST_DATE}?\s*$"
)
#: a post pasted as one paragraph: its text, then the attribution on the same line ("Smoke over the square
#: right now #Greece — Maria K. (@mariak_news) May 5, 2010"); only with a date or a post's link, and no
#: longer than a post, since a body sentence may end by naming someone's handle
INLINE_RE = re.compile(
    rf"^(?P<text>\S.*?)\s+[—–]{{1,2}}\s*(?P<author>[^()\n—–]{{1,80}}?)\s*\(@(?P<handle>\w{{1,15}})\)\s*"
    rf"{_POST_DATE}?\s*$"
)
#: an attribution inside run-on text ("... pic.twitter.com/x1 — Laura Brown (@LauraBrown96) May 30, 2011 The
#: next sentence ..."): where a run-on paragraph is cut, so that it stands as the piece ``ATTRIBUTION_RE`` reads
INLINE_ATTRIBUTION_RE = re.compile(rf"[—–]{{1,2}}\s*[^()\n—–.!?]{{1,80}}?\s*\(@\w{{1,15}}\)(?:\s*{_POST_DATE})?")
LINK_RE = re.compile(r"(?:https?://t\.co/\w+|pic\.twitter\.com/\w+|https?://(?:x|twitter)\.com/\S+)")
POST_LIMIT = 280
#: an Instagram embed pasted as text: "View this post on Instagram", the caption (if any), then
#: "A post shared by Name (@handle)" and perhaps a date
INSTAGRAM_HEAD = re.compile(r"^view this post on instagram$", re.I)
INSTAGRAM_ATTRIBUTION = re.compile(
    r"^A post shared by\s+(?:(?P<author>[^()\n]{1,80}?)\s*)?\(?@(?P<handle>[\w.]{1,30})\)?\s*"
    rf"(?:on\s+)?{_POST_DATE}?\s*$")
CAPTION_LIMIT = 2200  # Instagram's caption limit
#: a paragraph that is only a link to a post on a social platform (the embed's fallback text)
SOCIAL_URL = re.compile(
    r"^(?:https?://)?(?:www\.|m\.|mobile\.)?(?P<site>twitter\.com|x\.com|instagram\.com|facebook\.com|fb\.watch|"
    r"tiktok\.com|youtube\.com|youtu\.be|t\.me|threads\.net|bsky\.app)/(?P<path>\S*)$", re.I)
#: the paths of one post (a profile's link, "twitter.com/name", is no post)
_POST_PATH = re.compile(r"(?:^|/)(?:status|statuses|p|reel|reels|tv|video|videos|posts|post|watch|shorts|permalink"
                        r"|photo|story)(?:/|\.php|\?|$)|^\w+/\d+$", re.I)
_SITE_KIND = {"twitter.com": "tweet", "x.com": "tweet", "instagram.com": "instagram", "tiktok.com": "tiktok",
              "youtube.com": "video", "youtu.be": "video", "fb.watch": "video"}


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
        embeds.append(_tweet(" ".join(paragraphs[k] for k in sorted(taken) if k != i), m))
        used.update(taken)
    _inline_posts(paragraphs, embeds, used)
    _instagram_posts(paragraphs, embeds, used)
    _social_links(paragraphs, embeds, used)
    return embeds, used


def _tweet(text: str, attribution: re.Match) -> Embed:
    """A tweet of ``text`` (its last post link as its URL, links out of its text) by the author,
    handle and date of ``attribution`` (a match of ``ATTRIBUTION_RE`` or ``INLINE_RE``)."""
    links = LINK_RE.findall(text)
    url = links[-1] if links else None
    if url and url.startswith("pic.twitter.com"):
        url = "https://" + url
    date = attribution.group("date")
    return Embed(kind="tweet", author=attribution.group("author").strip(), handle=attribution.group("handle"),
                 text=LINK_RE.sub("", text).strip() or text, url=url, published=normalize_date(date) if date else None)


def _inline_posts(paragraphs: list[str], embeds: list[Embed], used: set[int]) -> None:
    """Posts pasted as one paragraph, text and attribution together (``INLINE_RE``)."""
    for i, p in enumerate(paragraphs):
        if i in used or "(@" not in p:
            continue
        m = INLINE_RE.match(p)
        if not m or post_length(m.group("text")) > POST_LIMIT:
            continue
        if not (m.group("date") or LINK_RE.search(m.group("text"))):
            continue
        embeds.append(_tweet(m.group("text"), m))
        used.add(i)


def _instagram_posts(paragraphs: list[str], embeds: list[Embed], used: set[int]) -> None:
    """Instagram embeds pasted as text: from a "View this post on Instagram" line (taken alone
    when no attribution follows) to the "A post shared by …" line, the caption between them."""
    for i, p in enumerate(paragraphs):
        m = INSTAGRAM_ATTRIBUTION.match(p)
        if not m or i in used:
            continue
        head = next((j for j in range(i - 1, max(-1, i - 5), -1) if INSTAGRAM_HEAD.match(paragraphs[j])), None)
        caption = paragraphs[head + 1:i] if head is not None else []
        if head is None or sum(map(len, caption)) > CAPTION_LIMIT or any(j in used for j in range(head, i)):
            caption, head = [], None  # the attribution alone: its caption cannot be told from the body
        embeds.append(Embed(kind="instagram", author=(m.group("author") or "").strip() or None, handle=m.group("handle"),
                            text=" ".join(caption), url=None,
                            published=normalize_date(m.group("date")) if m.group("date") else None))
        used.update(range(head if head is not None else i, i + 1))
    for i, p in enumerate(paragraphs):
        if i not in used and INSTAGRAM_HEAD.match(p):
            used.add(i)  # "View this post on Instagram" with nothing after it: the embed's leftover
            embeds.append(Embed(kind="instagram", author=None, handle=None, text="", url=None, published=None))


def _social_links(paragraphs: list[str], embeds: list[Embed], used: set[int]) -> None:
    """Paragraphs that are only a link to a post (what an embed leaves in a scrape)."""
    for i, p in enumerate(paragraphs):
        m = SOCIAL_URL.match(p.strip())
        if not m or i in used:
            continue
        site = m.group("site").lower()
        path = m.group("path")
        if site == "youtu.be" or site == "fb.watch":
            pass  # every path is one video
        elif not _POST_PATH.search(path):
            continue  # a profile or a home page: left to the boilerplate rules
        first = path.split("/")[0].split("?")[0]
        handle = first if site in ("twitter.com", "x.com") and re.fullmatch(r"\w{1,15}", first) \
            and first.lower() not in ("i", "intent", "home", "hashtag", "search", "share") else None
        if site == "instagram.com" and first not in ("p", "reel", "tv", ""):
            handle = first if re.fullmatch(r"[\w.]{1,30}", first) else None
        url = p.strip() if p.strip().lower().startswith("http") else "https://" + p.strip()
        embeds.append(Embed(kind=_SITE_KIND.get(site, "post"), author=None, handle=handle, text="", url=url,
                            published=None))
        used.add(i)


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
