"""HTML pages through trafilatura (body and metadata), with embedded posts kept.

trafilatura drops or flattens ``<blockquote class="twitter-tweet">`` embeds; we
take them out of the page first, so a tweet becomes an Embed with its author,
handle, date and link and never counts as article text."""

from __future__ import annotations

import re

from copy import deepcopy

from ..dates import is_date_line, normalize_date
from ..errors import EmptyInputError, FormatError
from ..model import Embed, Extracted, RawRecord, Removed
from ..segment.rules import COPYRIGHT_MARK
from ..textutil import clean_line, split_paragraphs

_ATTRIB = re.compile(r"[—–-]\s*(?P<author>[^()]+?)\s*\(@(?P<handle>\w{1,15})\)\s*(?P<date>.*)$", re.S)


def _embeds_from_tree(tree) -> list[Embed]:
    embeds = []
    for node in tree.xpath('//blockquote[contains(concat(" ", normalize-space(@class), " "), " twitter-tweet ")'
                           ' or contains(@class, "tiktok-embed") or contains(@class, "instagram-media")]'):
        cls = node.get("class") or ""
        kind = "tweet" if "twitter" in cls else ("tiktok" if "tiktok" in cls else "instagram")
        paras = [clean_line(p.text_content()) for p in node.xpath(".//p")]
        text = " ".join(p for p in paras if p)
        full = clean_line(node.text_content())
        author = handle = published = None
        m = _ATTRIB.search(full)
        if m:
            author, handle = clean_line(m.group("author")), m.group("handle")
            published = normalize_date(clean_line(m.group("date"))) or None
        links = [a.get("href") for a in node.xpath(".//a[@href]")]
        status = [u for u in links if u and "/status" in u]
        url = status[-1] if status else (links[-1] if links else None)
        if not text:
            text = full
        node.getparent().remove(node)
        embeds.append(Embed(kind, author, handle, text, url, published))
    return embeds


_DATE_META = ("article:published_time", "og:article:published_time", "og:published_time", "datepublished",
              "pubdate", "publishdate", "publish-date", "parsely-pub-date", "sailthru.date", "dc.date.issued",
              "dc.date", "dcterms.created", "date")
_JSONLD_DATE = re.compile(r'"datePublished"\s*:\s*"([^"]+)"')


def published_from_tree(tree) -> str | None:
    """The full publication timestamp a page declares (meta tags, JSON-LD, <time>).

    trafilatura (via htmldate) reports day precision only; a timestamp lets two
    same-day copies be ordered."""
    metas = {}
    for m in tree.xpath("//meta[@content]"):
        key = (m.get("property") or m.get("name") or m.get("itemprop") or "").strip().lower()
        if key and key not in metas:
            metas[key] = m.get("content")
    for key in _DATE_META:
        if metas.get(key):
            return metas[key]
    for script in tree.xpath('//script[@type="application/ld+json"]/text()'):
        m = _JSONLD_DATE.search(script)
        if m:
            return m.group(1)
    times = tree.xpath("//time[@datetime and (@itemprop='datePublished' or @pubdate or contains(@class, 'publish'))]/@datetime")
    return times[0] if times else None


#: a copyright notice ("© 2024 Outlet. All rights reserved."): its year is no publication date
_COPYRIGHT = re.compile(rf"{COPYRIGHT_MARK}\D{{0,99}}(?:19|20)\d{{2}}", re.I)
_COPYRIGHT_MAX = 300


def undeclared_date(page, paragraphs: list[str]) -> str | None:
    """A date the page shows but does not declare (a visible byline, a dated URL), found by htmldate's
    search, outside the article's own text, its links and the copyright notice.

    htmldate, left to itself, reads any date on the page: the article's text (a copy that pasted its
    original's "updated 12/19/2005" line would take the original's date), or failing that the copyright
    year ("© 2024" becomes 2024-01-01). Either is a wrong publication date, and a wrong date misleads
    the direction of a relation more than a missing one. So ``page`` (a copy of the page's tree, which
    this changes) is searched without the body's paragraphs (a paragraph that is only a date line stays:
    it is a byline), without copyright notices and without its links (a "Read more" or "Most read"
    link's dated URL or headline is another article's date), and a date known only by its year is not
    taken."""
    from htmldate import find_date

    body = {p for p in paragraphs if not is_date_line(p)}
    for el in list(page.iter("p", "li", "blockquote", "div", "section", "span", "small", "footer", "td",
                             "h2", "h3", "h4", "h5", "h6")):
        if el.getparent() is None:
            continue
        text = clean_line(el.text_content())
        if not text:
            continue
        # a notice is an element whose own text opens with it (not a byline that credits a photo "© Reuters")
        own = (el.text or "") + " ".join(child.tail or "" for child in el)
        if text in body or (len(text) <= _COPYRIGHT_MAX and _COPYRIGHT.match(own.strip())):
            el.drop_tree()
    for a in list(page.iter("a")):  # a link names another page ("Read more", "Most read"): its dated URL
        a.drop_tree()               # or headline is that page's date
    try:
        found = find_date(page, extensive_search=True, original_date=True)
    except Exception:  # htmldate on a malformed page: no date rather than no article
        return None
    # htmldate writes a date it knows only by its year ("/2013/slug", a copyright year) as 1 January:
    # compared by day, it would date the page months before its publication
    if not found or found.endswith("-01-01"):
        return None
    return found


#: what trafilatura keeps of a byline's other parts ("By Clark Kent | Published 18 November 2019 | Photo ©
#: Reuters" comes back as "Clark Kent; Published ; Photo © Reuters"): not names
_NOT_A_NAME = re.compile(r"^(?:published|updated|posted|modified|photo|image|picture|credit|video|source)\b|©|\d", re.I)


def _names_only(authors: str) -> str:
    """trafilatura's author string ("A; B") without the byline parts that name no one."""
    return "; ".join(part for part in (p.strip() for p in authors.split(";")) if part and not _NOT_A_NAME.search(part))


_NO_DATE_SEARCH = {"extensive_search": False, "original_date": True}


def extract_html(rec: RawRecord) -> Extracted:
    import trafilatura

    # trafilatura's own loader: comments and processing instructions removed (lxml's default
    # parser keeps comments, and trafilatura then silently drops body text around them)
    tree = trafilatura.load_html(rec.content)
    if tree is None:
        raise FormatError("cannot parse HTML")
    embeds = _embeds_from_tree(tree)
    declared_date = published_from_tree(tree)
    page = deepcopy(tree) if declared_date is None and not rec.meta.get("published") else None
    doc = trafilatura.bare_extraction(
        tree, url=rec.meta.get("url"), with_metadata=True, include_comments=False,
        include_tables=True, deduplicate=False,
        # trafilatura's own date is not read (see undeclared_date): its search is kept to the cheap one
        date_extraction_params=_NO_DATE_SEARCH,
    )
    text = getattr(doc, "text", None) if doc is not None else None
    if not text or not text.strip():
        raise EmptyInputError("HTML page has no article body that could be extracted")
    meta = dict(rec.meta)
    for field, attr in (("title", "title"), ("byline", "author"), ("source", "sitename"), ("url", "url")):
        value = getattr(doc, attr, None)
        if field == "byline" and value:
            value = _names_only(str(value))
        if value and not meta.get(field):
            meta[field] = clean_line(str(value))
    paragraphs = split_paragraphs(text.replace("\n", "\n\n"))
    if not meta.get("published"):
        meta["published"] = declared_date or (undeclared_date(page, paragraphs) if page is not None else None)
    removed: list[Removed] = []
    title = meta.get("title")
    if paragraphs and title and paragraphs[0].casefold() == clean_line(title).casefold():
        removed.append(Removed("title", paragraphs.pop(0)))
    return Extracted(
        id=rec.id, input=rec.input, record=rec.record, raw_hash=rec.raw_hash,
        meta=meta, paragraphs=tuple(paragraphs), removed=tuple(removed), embeds=tuple(embeds),
    )
