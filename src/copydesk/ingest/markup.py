"""A record's text field that holds HTML: a body as a CMS export, an RSS ``content:encoded`` or a
news API keeps it (``<p>...</p><p>...</p>``, ``&quot;`` and ``&#8217;``), or a whole page.

A whole page goes to the HTML extraction as a page file would. A body fragment is not a page:
there is no navigation or footer to tell from the article, and a page extractor drops a short
fragment as too little to be an article. So its markup is read here, as what it means for the
text: each block element (paragraph, heading, list item, quotation, table row) is a paragraph, a
line break a new line, character references are the characters they name; scripts and styles
are dropped. The result goes through the plain-text path like any other text field, so a post
pasted as a ``<blockquote>`` is found by the segmenter's post reader."""

from __future__ import annotations

import html
import re

__all__ = ["is_page", "looks_like_markup", "has_entities", "markup_to_text", "unescape"]

#: tags that show a text is markup, not prose that mentions a tag: block elements, line breaks, and the
#: closing tags of the inline ones a body uses (a plain text with two of them is no plain text)
_MARKUP = re.compile(r"<(?:p|div|br|li|ul|ol|h[1-6]|blockquote|table|tr|td|figure|figcaption|section|article)\b[^<>]{0,500}>"
                     r"|</(?:p|div|li|h[1-6]|blockquote|a|span|em|strong|b|i|figure|section|article)\s*>", re.I)
_PAGE = re.compile(r"^\s*(?:<!doctype\s+html|<html\b|<head\b|<body\b)", re.I)
_CLOSING = re.compile(r"</[a-z][a-z0-9]{0,9}\s*>", re.I)
#: what no XML tree can hold (C0 controls but tab and line ends, U+FFFE/U+FFFF, lone surrogates): lxml refuses
#: the whole text, and parses a text with a lone surrogate only up to it
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_NOT_XML = re.compile("[\ufffe\uffff\ud800-\udfff]")
#: a character reference: named (&quot;), decimal (&#8217;) or hexadecimal (&#x2019;)
_ENTITY = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});")
_BLOCKS = ("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "figure", "figcaption",
           "section", "article", "header", "footer", "aside", "ul", "ol", "table", "pre", "dd", "dt")


def looks_like_markup(text: str) -> bool:
    """Whether ``text`` is HTML: two or more block, line-break or closing tags, a closing one among them (or
    three): prose that names a tag or two ("use <p> and <br> tags") is not markup."""
    if "<" not in text:
        return False
    found = [m.group() for _, m in zip(range(3), _MARKUP.finditer(text))]
    return len(found) >= 3 or (len(found) == 2 and any(_CLOSING.match(t) for t in found))


def is_page(text: str) -> bool:
    """Whether ``text`` (markup) is a whole page (a doctype, <html>, <head> or <body>), not a fragment."""
    return _PAGE.search(text[:5000]) is not None


def has_entities(text: str) -> bool:
    return "&" in text and _ENTITY.search(text) is not None


def unescape(text: str) -> str:
    """``text`` with its character references ("&quot;", "&#8217;", ending in ";") replaced by the characters
    they name; a bare "&copy=" in a link is left alone."""
    return _ENTITY.sub(lambda m: html.unescape(m.group()), text) if has_entities(text) else text


def markup_to_text(fragment: str) -> str:
    """The text of an HTML body fragment, one paragraph per block element (blank lines between them),
    a line break as a new line."""
    fragment = _NOT_XML.sub("\ufffd", _CONTROL.sub(" ", fragment))
    try:
        return _tree_text(fragment)
    except Exception:  # lxml on markup it cannot take: the tags are dropped, the text is kept
        return unescape(re.sub(r"<[^<>]{0,500}>", " ", fragment))


def _tree_text(fragment: str) -> str:
    import lxml.html

    parser = lxml.html.HTMLParser(huge_tree=True)  # (without it, markup nested past 255 levels is cut off there)
    root = lxml.html.fragment_fromstring(fragment, create_parent="div", parser=parser)
    for bad in root.xpath("//script|//style|//noscript|//template"):
        bad.drop_tree()
    for el in root.iter():
        if not isinstance(el.tag, str):  # a comment or a processing instruction
            continue
        tag = el.tag.lower()
        if tag == "br":
            el.tail = "\n" + (el.tail or "")
        elif tag in _BLOCKS:
            el.text = "\n\n" + (el.text or "")
            el.tail = "\n\n" + (el.tail or "")
        elif tag in ("td", "th"):
            el.tail = " " + (el.tail or "")
    text = root.text_content()
    paragraphs = (re.sub(r"[ \t\r\f\v]+", " ", block).strip() for block in re.split(r"\n[ \t\r\f\v]*\n\s*", text))
    return "\n\n".join("\n".join(line.strip() for line in p.split("\n") if line.strip()) for p in paragraphs if p)
