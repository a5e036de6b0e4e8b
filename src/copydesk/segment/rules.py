"""Paragraph rules: what is not article body (boilerplate, captions, credits).

Each rule is a named regular expression with a length cap: boilerplate is short,
and a long paragraph that mentions "cookies" or "newsletter" is more likely a
story about them. A rule's name is the reason recorded under ``removed``."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    kind: str
    pattern: re.Pattern[str]
    max_chars: int
    #: cheap pre-check: the lower-cased paragraph must contain one of these to be tried (only worth it
    #: for a pattern that is not anchored at the start: an anchored one fails in well under a microsecond)
    needles: tuple[str, ...] = ()


def _r(name: str, kind: str, pattern: str, max_chars: int, needles: tuple[str, ...] = ()) -> Rule:
    return Rule(name, kind, re.compile(pattern, re.I), max_chars, needles)


_SOCIAL = r"(?:share|tweet|email|e-mail|facebook|twitter|x|whatsapp|linkedin|pinterest|reddit|copy link|print|messenger|telegram|flipboard|comments?)"
#: one button of a share bar ("Share this article:", "Facebook |")
_SHARE_UNIT = rf"{_SOCIAL}(?:\s+(?:on|via|this|article|story|page))*[\s|/·•,:]*"
AGENCIES = (r"(?:Getty Images|Reuters|AFP|AP(?: Photo)?|EPA(?:-EFE)?|Shutterstock|Alamy|PA(?: Media| Wire)?|"
             r"Bloomberg|Anadolu(?: Agency)?|SOPA Images|NurPhoto|LightRocket|Xinhua|TASS|Sputnik|ANP|dpa)")

RULES: tuple[Rule, ...] = (
    _r("read-more", "boilerplate",
       r"^(?:read more|read also|also read|more from|see also|related(?: articles| stories| coverage)?|recommended"
       r"|most read|you (?:may|might) (?:also )?like|don'?t miss|more on this story|continue reading|read the full story"
       r"|read next|what to read next|further reading|more stories|more news|top stories|trending(?: now| stories)?"
       r"|editor'?s picks|recommended for you)\b\s*(?:[:\-–|»›]|$)", 300),
    _r("cookies", "boilerplate",
       r"\b(?:we|this (?:web)?site|our (?:web)?site|(?:web)?site)\s+(?:uses?|is using)\s+cookies"
       r"|\bcookie (?:policy|settings|preferences|consent|notice|banner)|\b(?:accept|reject|manage|allow)(?: all)? cookies"
       r"|\bby continuing to (?:browse|use) (?:this|our|the) (?:web)?site"
       r"|\bimprove your (?:browsing )?experience\b.*\b(?:opt[- ]out|cookies)"
       r"|\byou can opt[- ]out if you wish\b", 400,
       ("cookie", "by continuing", "opt-out", "opt out")),
    _r("subscribe", "boilerplate",
       r"^(?:subscribe|sign[- ]?up|register|join|get|receive|never miss)\b.{0,80}\b(?:newsletter|inbox|updates|e-?mails?|alerts|"
       r"free|today|now|our)\b|\b(?:subscribe|sign[- ]?up)\s+(?:to|for)\s+(?:our|the|my)\b|\bour (?:daily |weekly |free )?newsletters?\b"
       r"|\bmailing list\b|\bin(?:to)? your inbox\b|\bto your (?:e-?mail )?inbox\b|\bget more stuff like this\b"
       r"|\balready a subscriber\b|\blog ?in to continue\b|\bcreate (?:a|an|your) (?:free )?account\b", 250,
       ("subscri", "sign up", "sign-up", "signup", "newsletter", "mailing", "inbox", "stuff like this", "register",
        "account", "log in", "login", "join", "never miss", "receive")),
    _r("status", "boilerplate",
       r"^(?:thank you for (?:subscribing|signing up|reading)|thanks for (?:subscribing|signing up|reading)"
       r"|something went wrong|please try again(?: later)?|oops\b.*|loading(?:\.\.\.|…)?|advertisement\b.{0,40}|advert"
       r"|\d{1,3}\s*-?\s*min(?:ute)?s?\s+read|listen to (?:this )?(?:article|story)|(?:watch|video|listen)\s*:\s*.{1,120}"
       r"|(?:view|show|read|load|see) (?:all )?comments?(?: \(\d+\))?|comments?\s*\(\d+\)|\d+ comments?"
       r"|sponsored(?: content)?|skip to (?:main )?content|back to top|click here\b.*|tap here\b.*|follow us on\b.*"
       r"|(?:did you )?(?:like|enjoy(?:ed)?|love) this (?:story|article|post|piece)\?.*"
       r"|all rights reserved\b.*|copyright\s*(?:©|\(c\))?\s*\d{4}.*|©\s*\d{4}.*|accept(?: all)?(?: read more)?|reject all"
       r"|manage (?:preferences|cookies|consent)|javascript is (?:disabled|required).*|enable javascript\b.*"
       r"|this (?:video|content) (?:is )?(?:not available|can ?not be played).*|watch:?|listen:?|video:?"
       r"|report an? (?:error|correction)\b.*|topics?:.*|tags?:.*)\.?$", 160),
    _r("copyright", "boilerplate",
       r"^(?:copyright|©|\(c\))\b.{0,120}\ball rights reserved\b|\bmay not be (?:published|reproduced|copied),? broadcast,? "
       r"rewritten,? or redistributed\b", 400, ("rights reserved", "redistributed")),
    _r("credit-line", "credit",
       r"^(?:from our (?:correspondents?|reporters?)|(?:staff|wire|agency|news) (?:and (?:wire|agency) )?reports?"
       r"|(?:with )?(?:additional )?(?:reporting|writing|editing) by\b.{0,150}|compiled by\b.{0,60}"
       r"|(?:by )?(?:wire|news) services?|(?:by )?(?:staff|agencies))\.?$", 200),
    # a republication credit: "This article was originally published on The Conversation."
    _r("republished", "credit",
       r"^(?:this (?:article|story|piece|post) (?:was|has been|is) (?:(?:originally|first) (?:published|posted|appeared)"
       r"|republished)|(?:originally|first) (?:published|appeared) (?:on|in|by|at)|republished (?:with permission )?"
       r"(?:from|courtesy of))\b.{0,200}$", 300),
    # "About The Daily Ledger: Founded in 1976, ...", "About us: ...": a name (capitalised), not a factbox's
    # "About the prison: The supermax unit ..."
    _r("about-outlet", "boilerplate", r"^about (?:the (?-i:[A-Z])|us\b)[^:.]{0,60}:\s*\S.{40,}", 800),
    _r("disclaimer", "boilerplate",
       r"\b(?:views|opinions|statements|positions|thoughts) (?:expressed|stated|voiced)\b.{0,160}\b(?:do not|don'?t|does not|"
       r"are not necessarily)\b.{0,40}\b(?:necessarily )?(?:reflect|represent|those of)", 800, ("expressed", "stated", "voiced")),
    _r("policy", "boilerplate",
       r"^(?:corrections? policy|editorial (?:policy|standards)|our standards|comment(?:s|ing)? policy|community guidelines)\s*:"
       r"|\bcomments? (?:that|which) (?:are|contain|include)\b.{0,200}\b(?:removed|deleted|blocked|taken down|banned|moderat\w*)\b"
       r"|\b(?:committed to (?:creating|providing|fostering) (?:a|an) (?:place|platform|space) for)\b.{0,80}\b(?:discussion|debate|conversation)", 800,
       ("policy", "guidelines", "standards", "comment", "committed to")),
    _r("donation", "boilerplate",
       r"\b(?:readers like you|support (?:our|independent|local|quality) (?:journalism|reporting|newsroom)"
       r"|(?:consider|think about) (?:donating|a donation|supporting us|subscribing)|become a (?:member|supporter|patron)"
       r"|make a (?:donation|contribution) (?:today|now))\b", 600,
       ("readers like you", "support", "donat", "become a", "contribution")),
    _r("share-bar", "boilerplate", rf"^(?:{_SHARE_UNIT}){{1,12}}$", 200),
    # "Click to share on Twitter (Opens in new window)", one or more
    _r("share-links", "boilerplate",
       rf"^(?:(?:click|tap) to (?:share|email|print)(?: this)?(?: (?:on|via|to|a link to))?(?: {_SOCIAL}| a friend)?"
       r"(?:\s*\(opens in (?:a )?new window\))?[\s|/·•,]*){1,12}$", 400),
    # a paragraph that is only a link (a post's link is an embed: see embeds.py)
    _r("bare-link", "boilerplate", r"^(?:https?://|www\.|[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}/)\S*$", 300),
    _r("news-tips", "boilerplate",
       r"^(?:(?:have|got) an? (?:news )?(?:tip|story idea)\b|send (?:us )?(?:your )?(?:news )?tips\b"
       r"|(?:want|like) to (?:contact|reach) (?:us|the newsroom)\b)", 250),
    _r("image-credit", "credit",
       r"^\(?(?:image|photo|picture|photograph|video|media)\s*(?:source|credit|copyright)s?\s*[:,]|"
       r"^\(?(?:photo|picture|photograph|credit|image)s?(?: by)?\s*:\s", 200),
    # case-sensitive on purpose: agency names are proper nouns ("PA", not "Pa" of "Parliament")
    Rule("agency-credit", "credit",
         re.compile(rf"(?:^|/|\bvia\s|\()\s*{AGENCIES}\b(?:\s*(?:/\s*[A-Z][\w .'-]{{0,30}}|Photo|Pool|Wire|Images))*"
                    r"\s*\)?\.?$"), 160,
         ("getty", "reuters", "afp", "ap", "epa", "shutterstock", "alamy", "pa", "bloomberg", "anadolu", "sopa",
          "nurphoto", "lightrocket", "xinhua", "tass", "sputnik", "anp", "dpa")),

)

#: a copyright notice at the end of a sentence ("... killing hundreds. © 2013 The Weekly Sentinel"):
#: run-on text glues it to what comes before
COPYRIGHT_MARK = r"(?:©|\(c\)|\bcopyright\b)"
COPYRIGHT_TAIL = re.compile(rf"{COPYRIGHT_MARK}\s*(?:\d{{4}}\s*[-–]\s*)?\d{{4}}\b[^.!?©]{{0,100}}[.!?]?$", re.I)
COPYRIGHT_RULE = next(r for r in RULES if r.name == "copyright")
#: a share bar that opens a sentence ("Share this article: Facebook | Twitter | Email Flood waters ..."):
#: three or more sharing words in a row, then a capital. Used with ``match(text, pos)``, which anchors it
#: (a "^" would not match at ``pos`` inside a text)
SHARE_PREFIX = re.compile(rf"(?:{_SHARE_UNIT}){{3,12}}(?=(?-i:[\"“A-Z©]))", re.I)
#: what makes a run of sharing words a share bar, not a sentence that names the networks ("Facebook, Twitter,
#: Reddit Inc and Google must pay"): a "share" word, or the bars and bullets between buttons
SHARE_MARK = re.compile(r"\bshare\b|[|·•/]", re.I)
#: a share bar that ends a sentence ("... on Microsoft's support site Share this article: Facebook | Twitter |
#: Email"): three or more sharing words, the first capitalised, after a space, to the end
SHARE_SUFFIX = re.compile(rf"(?<=\s)(?=(?-i:[A-Z]))(?:{_SHARE_UNIT}){{3,12}}$", re.I)
SHARE_RULE = next(r for r in RULES if r.name == "share-bar")

#: a paragraph that is only this label makes the next paragraph a caption
CAPTION_LABEL = re.compile(r"^(?:image|media|video|photo|picture)\s+caption\s*[,:]?\s*(?P<rest>.*)$", re.I)
CAPTION_MAX = 400


#: the rules' length caps, ascending, and for each the (needles, search, rule) of the rules whose
#: cap is at least that, in order: a paragraph of n characters reads the checks of the first cap >= n
_CAPS = tuple(sorted({r.max_chars for r in RULES}))
_CHECKS = tuple(tuple((r.needles, r.pattern.search, r) for r in RULES if r.max_chars >= cap) for cap in _CAPS)


def classify(paragraph: str) -> Rule | None:
    """The first rule that says ``paragraph`` is not body text, or None."""
    size = len(paragraph)
    at = bisect_left(_CAPS, size)
    if at == len(_CAPS):
        return None
    lowered = None
    for needles, search, rule in _CHECKS[at]:
        if needles:
            if lowered is None:
                lowered = paragraph.lower()
            for needle in needles:  # (a plain loop: a generator in any() costs more than the tests)
                if needle in lowered:
                    break
            else:
                continue
        if search(paragraph):
            return rule
    return None
