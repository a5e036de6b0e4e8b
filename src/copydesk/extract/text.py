"""News-aware reading of plain-text articles: headline, date line, byline, outlet.

Scraped plain text usually starts with a header block: a headline, perhaps a
standfirst, ``By <name>`` (often as a bullet), the outlet's name, a date line.
Some scrapers glue the date onto the first paragraph (`` date 2023-06-05 A
pro-Ukraine group ...``). These rules read that block and leave the body alone;
captions, boilerplate and embedded posts are the segmenter's job."""

from __future__ import annotations

import re

from ..dates import DATE_RE, is_date_line, normalize_date
from ..model import Extracted, RawRecord, Removed
from ..textutil import clean_line, split_blocks

HEADER_WINDOW = 8  # header lines are looked for among the first paragraphs only

_BULLET = r"[\s•·▪●*\-–]*"
_NAME = r"[A-Z][\w'’.\-]*(?:\s+(?:[A-Z][\w'’.\-]*|de|da|van|von|der|al|bin|and|&))*"
BYLINE_RE = re.compile(rf"^{_BULLET}By\s+(?P<name>{_NAME}(?:\s*(?:,|and|&)\s*{_NAME})*)\s*(?:[,|]\s*(?P<rest>.{{1,60}}))?$")
#: a time put before the date ("10:32 AM EST, Tue March 14, 2023")
_LEAD_TIME = r"\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?\s*(?:[A-Z]{2,4}\b)?\s*,?\s*"
_DATE_LABEL = r"date|(?:first\s+)?published(?:\s+on)?|posted(?:\s+on)?|updated(?:\s+on)?"
DATE_PREFIX_RE = re.compile(
    rf"^{_BULLET}(?P<label>{_DATE_LABEL})\s*:?\s*(?P<date>(?:{_LEAD_TIME})?{DATE_RE})\s*(?:[|·•;,\-–]\s*)?", re.I)
#: a date in a byline line's part, where "Last updated" and "Modified" are dates too (a title line that
#: opens with "Last Updated: <date> |" is read as a title, as before)
_PART_DATE_RE = re.compile(
    rf"^(?:(?P<label>{_DATE_LABEL}|(?:last\s+)?(?:updated|modified)(?:\s+on|\s+at)?)\s*:?\s*)?"
    rf"(?P<date>(?:{_LEAD_TIME})?{DATE_RE})\s*$", re.I)
#: a date label that says when an article was changed, not when it came out
_UPDATE_LABEL = re.compile(r"(?:last\s+)?(?:updated|modified)", re.I)
#: the parts of a byline line ("By Ann Lee | Harbour Times | Published 5 January 2012")
_BYLINE_PARTS = re.compile(r"\s*\|\s*|\s+[·•]\s+")


def _byline(line: str) -> re.Match[str] | None:
    """The byline match of a line's first part ("By Ann Lee" of "By Ann Lee | Harbour Times | 5 May 2012")."""
    if len(line) > 240:
        return None
    first = _BYLINE_PARTS.split(line, 1)[0]
    return BYLINE_RE.match(first) if len(first) <= 120 else None


def _short_name(part: str) -> bool:
    """A byline part that can be an outlet ("Reuters", "CNN", "AP"): one to four capitalised words, no
    digit, no role, no credit ("Photos by ...")."""
    words = part.split()
    return (0 < len(words) <= 4 and all(w[:1].isupper() or w.lower() in ("of", "the", "and", "&") for w in words)
            and not any(c.isdigit() or c in "@:" for c in part) and not _ROLE.search(part)
            and " by " not in f" {part.lower()} ")


def _read_date(meta: dict, dated: dict, label: str | None, value: str, block: int) -> None:
    """A header's date into ``meta["published"]``: the first one, except that a publication date
    ("Published", "Posted", or no label) replaces an update's read before it in the same block of
    lines ("Updated: 6 Jan" over "Published: 5 Jan", "Last updated 6 Jan | First published 5 Jan"); a
    date the record gave is kept, and so is one of another block (a copy's "Updated" header, then
    the original's dateline pasted with its text)."""
    update = bool(label and _UPDATE_LABEL.match(label))
    if meta.get("published") and not (dated.get("by") == ("update", block) and not update):
        return
    meta["published"] = normalize_date(value)
    dated["by"] = ("update" if update else "publication", block)
#: what follows a byline's comma that is the writer's role, not the outlet ("By Jane Doe, Staff Writer")
_ROLE = re.compile(r"\b(?:writer|reporter|correspondent|editor|columnist|contributor|journalist|staff|"
                   r"producer|analyst|bureau chief)s?\b", re.I)
OUTLET_RE = re.compile(rf"^{_BULLET}(?P<name>[A-Z][\w&'’.\-]*(?:\s+[\w&'’.\-]+){{0,4}})$")
#: words that name a news outlet ("The Daily Ledger", "Summit Newswire", "Independent Voice"), not a person
#: (not words that are also surnames or common title words, "Sun", "Star", "Post", "World": "The Sun" opens with "The")
_MEDIA = re.compile(r"\b(?:news|newswire|wire|times|herald|journal|gazette|tribune|voice|daily|weekly|press|chronicle|"
                    r"courier|examiner|dispatch|observer|telegraph|bulletin|ledger|sentinel|magazine|radio|television|"
                    r"tv|network|media|online|inquirer|enquirer|monitor|beacon|messenger|advertiser|argus|newspaper)s?\b",
                    re.I)
#: words of the trade that are also surnames or common words ("Sun Valley Schools", "Star Wars Day"): they name
#: an outlet only as its name's last word ("Midland Star", "The Public Record", "The Washington Post")
_MEDIA_LAST = re.compile(r"\b(?:post|star|sun|record|review|report|standard|world|globe|mail|independent|express|"
                         r"mirror|leader|citizen|bee|today|register|guardian|current)s?$", re.I)
#: an initial ("Lena H. Sun"): a person's name, not an outlet's
_INITIAL = re.compile(r"(?:^|\s)[A-Z]\.(?:\s|$)")


def looks_like_outlet(text: str, *, the: bool = True) -> bool:
    """A line that is an outlet's name: one to five capitalised words, with no initial, that hold a word of
    the trade ("Frontier Journal", "The National Bulletin"; not "Maria Foster", "Lena H. Sun") or, with
    ``the`` (after a byline's comma, where a name is expected), open with "The" ("The Sun")."""
    m = OUTLET_RE.match(text)
    if m is None or _INITIAL.search(m.group("name")):
        return False
    words = m.group("name").split()
    return (len(words) <= 5 and all(w[0].isupper() or w.lower() in ("of", "the", "and", "&", "de") for w in words)
            and (the and words[0] == "The" and len(words) >= 2 or _MEDIA.search(m.group("name")) is not None
                 or _MEDIA_LAST.search(m.group("name")) is not None))


def looks_like_headline(text: str) -> bool:
    words = text.split()
    return (
        0 < len(words) <= 30 and len(text) <= 200
        and not text.endswith((".", ",", ";", ":"))
        and text[0].isupper() or (text[:1] in "\"“‘'" and len(words) <= 30 and not text.endswith("."))
    )


def _looks_like_standfirst(text: str) -> bool:
    """A standfirst (dek): one line of 6-45 words under the headline that does not end as a
    sentence does, and is no byline, date or credit line."""
    words = text.split()
    return (6 <= len(words) <= 45 and "\n" not in text and text[0].isupper()
            and not text.rstrip("\"”’'").endswith((".", "!", "?", ":", ";", ",", "…"))
            and not _byline(text) and not is_date_line(text)
            and not any(r.match(text) for r in _HEADER_LINE))


_HEADER_LINE = (BYLINE_RE, DATE_PREFIX_RE, re.compile(r"^(?:Image|Photo|Media|Video)\s+(?:source|caption|credit)\b", re.I))


def _header_aware_paragraphs(text: str) -> tuple[list[str], list[int]]:
    """Paragraphs, with the lines of a header-zone block kept apart when any of them is
    a header line (a byline, a date line, an image credit): scrapers often put the
    standfirst, byline, outlet and date on consecutive lines of one block. Also each
    paragraph's block."""
    out: list[str] = []
    blocks: list[int] = []
    for i, lines in enumerate(split_blocks(text)):
        if i < HEADER_WINDOW and len(lines) > 1 and any(
            r.match(line) or is_date_line(line) or _byline(line) for line in lines for r in _HEADER_LINE
        ):
            out.extend(lines)
            blocks.extend([i] * len(lines))
        else:
            out.append(" ".join(lines))
            blocks.append(i)
    return out, blocks


def extract_text(rec: RawRecord) -> Extracted:
    meta = dict(rec.meta)
    paras, blocks = _header_aware_paragraphs(rec.content)
    removed: list[Removed] = []
    body: list[str] = []
    title = meta.get("title")
    dated: dict = {}  # what the header's date was read from (``_read_date``)
    byline_at = -2  # the paragraph of the byline: an outlet's name may follow it directly
    for i, p in enumerate(paras):
        if i >= HEADER_WINDOW or sum(len(b) >= 80 for b in body) >= 2:
            body.extend(paras[i:])
            break
        m = DATE_PREFIX_RE.match(p)
        if m:
            while m:  # "Posted: 04/9/2012 8: 33 am Updated: 04/9/2012 8: 33 am": the publication's, not the update's
                _read_date(meta, dated, m.group("label"), m.group("date"), blocks[i])
                removed.append(Removed("dateline", clean_line(p[: m.end()])))
                p = p[m.end():].strip()
                m = DATE_PREFIX_RE.match(p)
            if not p:
                continue
        elif is_date_line(p.strip(" •·-–")):
            _read_date(meta, dated, None, p.strip(" •·-–"), blocks[i])
            removed.append(Removed("dateline", p))
            continue
        if i == 0 and not body:
            if title and clean_line(title).casefold() == p.casefold():
                removed.append(Removed("title", p))
                continue
            if not title and looks_like_headline(p) and len(paras) > 1:
                title = meta["title"] = p
                removed.append(Removed("title", p))
                continue
        if not body and removed and removed[-1].kind == "title" and _looks_like_standfirst(p):
            # the line under the headline that sums the story up, without a full stop: a copy seldom
            # keeps it, so left in the body it would read as an intro the original put before the text
            removed.append(Removed("standfirst", p))
            continue
        bm = _byline(p)
        if bm:
            parts = _BYLINE_PARTS.split(p)
            name, rest = bm.group("name").strip(), bm.group("rest")
            for part in parts[1:]:  # "By Ann Lee | Harbour Times | Last updated 6 January 2012 | First published ..."
                dm = _PART_DATE_RE.match(part)
                if dm:
                    _read_date(meta, dated, dm.group("label"), dm.group("date"), blocks[i])
                elif is_date_line(part):
                    _read_date(meta, dated, None, part, blocks[i])
                elif rest is None and (looks_like_outlet(part) or _short_name(part)):
                    rest = part  # "By Jane Doe | Reuters"
            if rest is None and "," in name and looks_like_outlet(name.rsplit(",", 1)[1].strip()):
                name, rest = (part.strip() for part in name.rsplit(",", 1))  # "By Jane Doe, The Daily Ledger"
            if not meta.get("byline"):
                meta["byline"] = name
            rm = _PART_DATE_RE.match(rest) if rest else None
            if rm:  # "By Ann Lee, 5 January 2012", "By Ann Lee, Published 5 January 2012"
                _read_date(meta, dated, rm.group("label"), rm.group("date"), blocks[i])
            elif rest and not meta.get("source") and not _ROLE.search(rest) and not DATE_PREFIX_RE.match(rest):
                meta["source"] = rest.strip()
            removed.append(Removed("byline", p))
            byline_at = i
            continue
        om = OUTLET_RE.match(p) if len(p) <= 60 and not p.endswith(".") else None
        # the outlet's name: right under a byline, or anywhere in the header before the body when it is the
        # record's outlet or reads as an outlet's name
        if om and (i == byline_at + 1 or not body and (
                (meta.get("source") and om.group("name").strip().casefold() == clean_line(meta["source"]).casefold())
                or looks_like_outlet(p, the=False))):
            if not meta.get("source"):
                meta["source"] = om.group("name").strip()
            removed.append(Removed("outlet", p))
            continue
        body.append(p)
    return Extracted(
        id=rec.id, input=rec.input, record=rec.record, raw_hash=rec.raw_hash,
        meta=meta, paragraphs=tuple(body), removed=tuple(removed),
    )
