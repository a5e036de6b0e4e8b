"""Which of two related articles is the original, how sure, and why.

Each clue adds to a score for "A is the original" (positive) or "B is"
(negative); the confidence is the logistic of the total. Clues:

- publication dates, when both are known, plausible (not in the future, not before a post the
  article carries) and far enough apart;
- pasted material only one side has (embedded posts with their text): copies add, originals
  don't; an intro one side put before the shared text;
- how well the shared passage fits the rest of each text (an original's own context);
- Americanised spelling of the same words: content farms respell;
- dropped hedges ("denies direct involvement" -> "denies involvement");
- the ending one side cut: the original holds the passage the copy dropped;
- containment: a text that lies almost wholly inside a longer one is the copy;
- a credit: one side names the other's outlet (in its text, byline, credit or boilerplate
  lines: "first published by The Daily Ledger", a copied copyright line) and not the reverse;
- foreign branding: one side's headline ends with another outlet's name (" | Global Dispatch"),
  a page title carried over from elsewhere (the other's outlet: as strong as a credit);
- a labelled headline: one side's headline is the other's with a label put before it
  ("UPDATE:", "Explained:") or a note after it ("(updated)"): copies and later versions
  label a headline, originals seldom lose such a label.
"""

from __future__ import annotations

import math
import re
import time
from dataclasses import dataclass
from functools import lru_cache

from ..dates import earlier, to_instant
from ..model import Article, Change
from .lexicon import american
from .pair import PairStats

# Weights are log-odds, set from how often each clue points the right way on the
# labelled corpus of bench/reuse_corpus.py (see BENCHMARKS.md); clues that were right
# about as often as wrong there (spelling direction, cut endings, containment) are kept
# weak, as priors from the field, not as deciders.
W_DATE = 1.2
W_EMBEDS = 1.2
W_SPELLING = 0.3
W_HEDGE = 1.0
W_CUT_END = 0.3
W_INTRO = 1.3
W_CONTAINED = 0.3
W_CONTEXT = 2.5      # at a difference in context fit of 0.4 or more
# A labelled headline is inserted material, like an intro, but a label is also how a
# newsroom marks its own later version; below the date's weight, so that it alone never
# overrides a plausible date. (On bench/reuse_corpus.py it is right whenever it fires,
# by construction of the generator, so the corpus cannot set this weight.)
W_HEADLINE = 1.0
# An outlet named in the other's text is an explicit credit (or its copied copyright line):
# stronger than a date, which a copy may carry wrong.
W_CREDIT = 2.0
# A headline branded with another outlet's name is a page title carried over from that site:
# inserted material, weighed as an inserted intro is (W_INTRO); as a credit when it is the
# other article's outlet.
W_BRANDING = 1.3


@dataclass(frozen=True, slots=True)
class Direction:
    a_is_original: bool
    confidence: float
    evidence: tuple[str, ...]
    score: float = 0.0                                   # > 0: A is the original
    weighted: tuple[tuple[float, str], ...] = ()         # each clue with its signed weight


#: a trailing " | Outlet" / " - Site News" segment: an outlet's own branding, left out of the comparison
_BRANDING = re.compile(r"\s+(?:\||-|–|—|::|·|•)\s+(?P<brand>[^|–—·•]{1,60})$")
#: a leading label: "UPDATE:", "What we know:" (at most four words)
_LABEL = re.compile(r"^\s*(?P<label>[^:]{1,40}?)\s*:\s+(?P<rest>\S.*)$", re.S)
#: a trailing note in brackets: "(updated)", "(video)" (at most three words)
_NOTE = re.compile(r"^(?P<rest>.*\S)\s*\((?P<note>[^()]{1,30})\)\s*$", re.S)
_WORD = re.compile(r"\w+")
#: labels an outlet puts on its own piece (a copy may drop them): no clue either way
_OWN_LABELS = frozenset("analysis opinion exclusive comment commentary editorial interview review column op ed "
                        "breaking live".split())


def _words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def _name_key(name: str) -> str:
    """A name as its words, any case or punctuation: "The Daily-Ledger" -> "the daily ledger"."""
    return " ".join(_words(name))


def headline_additions(short: str | None, long: str | None) -> list[str]:
    """See ``_headline_additions`` (cached: a family of n copies asks about n^2 pairs of headlines)."""
    return list(_headline_additions(short, long))


@lru_cache(maxsize=65536)
def _headline_additions(short: str | None, long: str | None) -> tuple[str, ...]:
    """The labels ``long`` adds to ``short`` when it is the same headline (same words, any case)
    with labels before it ("UPDATE:", "Explained:") and/or notes after it ("(updated)");
    else []. A trailing branding segment (" | Outlet", " - Site News") of either is left out
    first: an outlet brands its own pages, so a site name tells nothing about who copied.
    Labels an outlet puts on its own piece ("Exclusive:", "Analysis:", "BREAKING:"), which a
    copy may as well drop, make no clue: [] then too."""
    if not short or not long:
        return ()
    target = _words(_BRANDING.sub("", short))
    if len(target) < 4:  # "Video", "Live updates": too short to be one story's headline
        return ()
    # the labels before and notes after ``long``'s headline, peeled off one by one; the fewest that
    # leave ``short``'s words are the additions (both may carry one label: "Explained: X" and
    # "Report: Explained: X (updated)" add "Report:" and "(updated)")
    heads = [([], _BRANDING.sub("", long))]
    for _ in range(4):
        m = _LABEL.match(heads[-1][1])
        if not m or not 0 < len(_words(m["label"])) <= 4:
            break
        heads.append((heads[-1][0] + [m["label"] + ":"], m["rest"]))
    best: list[str] | None = None
    for labels, text in heads:
        notes: list[str] = []
        for _ in range(5):
            if _words(text) == target:
                if best is None or len(labels) + len(notes) < len(best):
                    best = labels + notes
                break
            m = _NOTE.match(text)
            if not m or not 0 < len(_words(m["note"])) <= 3:
                break
            notes.insert(0, "(" + m["note"] + ")")
            text = m["rest"]
    if not best or any(w in _OWN_LABELS for x in best for w in _words(x)):
        return ()
    return tuple(best)


def foreign_branding(article: Article) -> str | None:
    """The outlet a headline is branded with (" | Global Dispatch") when it is not the article's
    own outlet: a page title carried over from another site. None when the headline has no
    such segment, or the article's outlet is unknown, or the two names share a word's worth
    of identity (one inside the other: "Gazette" for "The Evening Gazette")."""
    if not article.title or not article.source:
        return None
    m = _BRANDING.search(article.title)
    if m is None:
        return None
    if _same_outlet(m["brand"], article.source) or not _looks_like_outlet(m["brand"]):
        return None
    return m["brand"].strip()


def _same_outlet(brand: str, source: str) -> bool:
    """Whether a headline's brand may be the article's own outlet: one name inside the other
    ("Gazette", "The Evening Gazette"), an acronym of it ("NYT", "The New York Times"), or an
    outlet given as a web address ("bbc.co.uk"), which cannot be told from its brand, so it is
    given the benefit of the doubt."""
    b, o = _name_key(brand), _name_key(source)
    if not b or not o or b in o or o in b:
        return True
    if "." in source.strip() and " " not in source.strip():
        return True
    initials = "".join(w[0] for w in _words(brand) if w not in _CONNECTORS)
    return source.strip().isupper() and initials == o.replace(" ", "")


_CONNECTORS = frozenset("of the and & de la le du des di del der am an im at on".split())
#: what a headline's own tail says (" - Live Updates", " | Explained"): no outlet's name
_SUBTITLE_WORDS = frozenset("live latest update updates news video videos photos pictures watch explained analysis "
                            "opinion review report breaking exclusive what we know timeline q a faq interview "
                            "podcast recap highlights".split())


def _looks_like_outlet(name: str) -> bool:
    """One to five capitalised words (connectors aside), no digits, not only a subtitle's words:
    "Global Dispatch", "The New York Times", "BBC News"; not "what we know" or "Live Updates"."""
    words = name.split()
    if not 1 <= len(words) <= 5 or any(ch.isdigit() for ch in name):
        return False
    if not all(w[:1].isupper() or w.lower() in _CONNECTORS for w in words):
        return False
    return not all(w in _SUBTITLE_WORDS or w in _CONNECTORS for w in _words(name))


#: one-word outlet names that are also everyday words of news text ("the Independent Police
#: Complaints Commission", "Times Square"): too common to read as a credit
_GENERIC_NAMES = frozenset("news time times daily post mail sun star today world press herald journal tribune report "
                           "express mirror observer independent telegraph guardian globe metro record chronicle courier "
                           "gazette bulletin sentinel examiner dispatch standard review".split())


@lru_cache(maxsize=4096)
def _outlet_pattern(outlet: str | None) -> re.Pattern[str] | None:
    """Whole words, case-sensitive; a name of at least four characters, or an agency's capitals
    ("AP", "AFP"; "dpa" is left out): shorter names match too much, and so do one-word names
    that are everyday words ("Times", "Independent")."""
    name = (outlet or "").strip()
    if len(name) < 4 and not (len(name) >= 2 and name.isupper()):
        return None
    if " " not in name and name.lower() in _GENERIC_NAMES:
        return None
    return re.compile(r"(?<!\w)" + re.escape(name) + r"(?!\w)")


def _cut(line: str, at: int) -> str:
    start = max(0, at - 30)
    return ("…" if start else "") + line[start:start + 80].strip() + ("…" if len(line) > start + 80 else "")


def credits(article: Article, outlet: str | None, other: Article) -> str | None:
    """Where ``article`` names ``outlet`` (``_outlet_pattern``) as a credit: in its byline or its
    removed credit and boilerplate lines, or in its text when ``other``'s text does not name it too (a name both texts share is what the story is about,
    not who it came from). The line, cut to 80 characters; None when it does not."""
    pattern = _outlet_pattern(outlet)
    if pattern is None:
        return None
    name = (outlet or "").strip()

    def find(text: str) -> re.Match[str] | None:
        # the plain substring test first: the pattern opens with a look-behind, so the regex engine
        # tries every position of a text that, nearly always, does not hold the name at all
        return pattern.search(text) if name in text else None

    for line in (article.byline or "", *(r.text for r in article.removed)):
        if m := find(line):
            return _cut(line, m.start())
    if (m := find(article.text)) and not find(other.text):
        return _cut(article.text, m.start())
    return None


#: how many days after an article's date a post it embeds may be dated (a post's footer gives the
#: day where it was posted, the article's date may be another zone's)
_POST_SLACK_DAYS = 1


def date_doubt(article: Article, *, now: float | None = None) -> str | None:
    """Why ``article``'s publication date cannot be right, or None: it lies in the future, or it
    comes before a post pasted into the article (nothing embeds a post not yet made): the date of
    a copy that misdated itself, or a page's date taken from the wrong place."""
    when = to_instant(article.published)
    if when is None:
        return None
    if when[0] > (time.time() if now is None else now) + 86400:
        return f"{article.id}'s date ({article.published}) lies in the future, so it is not weighed"
    for post in article.embeds:
        posted = to_instant(post.published)
        if posted is not None and posted[0] - when[0] > (_POST_SLACK_DAYS + 1) * 86400 - 1:
            who = f"@{post.handle}" if post.handle else (post.author or "a post")
            return (f"{article.id}'s date ({article.published}) comes before the post by {who} it carries "
                    f"({post.published}), so it is not weighed")
    return None


def usable_date(article: Article) -> str | None:
    """The publication date the direction weighs: the article's, unless ``date_doubt`` finds it wrong."""
    return None if date_doubt(article) else article.published


def crawl_bound(a: Article, b: Article, date_a: str | None, date_b: str | None) -> tuple[float, str] | None:
    """The clue of a crawl time, where one article has no usable publication date but was crawled
    (a WARC record's date): it was online by then, so when that is before the other's publication,
    it came first. A crawl time after the other's publication says nothing (a crawl fetches pages
    long after they appear), so it is never read as a publication date."""
    for x, y, sign in ((a, b, 1.0), (b, a, -1.0)):
        other = date_b if x is a else date_a
        if (date_a if x is a else date_b) is None and x.crawled and other and earlier(x.crawled, other) == -1:
            return sign * W_DATE, (f"{x.id} was online by {x.crawled} (when it was crawled), before {y.id} "
                                   f"was published ({y.published})")
    return None


def date_prior(a: str | None, b: str | None) -> tuple[int, str]:
    """Which article the publication dates favour when the clues tie (1: A, -1: B, 0: neither),
    and how that reads. The earlier one; else, when only one of them is dated, that one: a
    copy (a scrape, a repost, an aggregator page) loses its date more often than an original."""
    e = earlier(a, b)
    if e is not None:
        return -e, "the article published first is taken as the original"
    dated_a, dated_b = to_instant(a) is not None, to_instant(b) is not None
    if dated_a != dated_b:
        return (1 if dated_a else -1), ("only one of them has a publication date, and it is taken as the "
                                        "original (copies lose their dates more often than originals)")
    return 0, ""


def resolve(weighted: list[tuple[float, str]], *, dated_first: int = 0,
            tie_reason: str = "the article published first is taken as the original") -> Direction:
    """The direction a set of signed clues points to. A tie (no clue, or clues that cancel out)
    goes to the article the dates favour when ``dated_first`` says which (1: A, -1: B; see
    ``date_prior``, whose reason is ``tie_reason``), else keeps A (ingested first); its
    confidence stays 0.5."""
    score = sum(w for w, _ in weighted)
    a_orig = score > 0 or (score == 0 and dated_first >= 0)
    confidence = 1.0 / (1.0 + math.exp(-abs(score))) if score else 0.5
    texts = tuple(t for _, t in sorted(weighted, key=lambda t: -abs(t[0])))
    if not score:
        cancel = any(w for w, _ in weighted)
        if dated_first:
            texts += (("the clues cancel out; " if cancel else "no clue tells the two apart; ") + tie_reason,)
        else:
            texts += (("the clues cancel out" if cancel else "no clue tells the two apart")
                      + "; the article ingested first is taken as the original",)
    return Direction(a_orig, round(confidence, 3), texts, round(score, 4), tuple(weighted))


def decide(a: Article, b: Article, stats: PairStats, changes_ab: list[Change], changes_ba: list[Change],
           cut_end: int, *, intro: int = 0, context: tuple[float, float] | None = None) -> Direction:
    """``changes_ab``: changes if A were the original; ``changes_ba``: if B were.
    ``cut_end`` > 0: A's last sentences are missing from B; < 0: B's from A.
    ``intro`` > 0: B opens with sentences of its own before A's opening; < 0: the reverse.
    ``context``: how well the shared passage fits the rest of A and of B (see context_fit)."""
    evidence: list[tuple[float, str]] = []

    doubt_a, doubt_b = date_doubt(a), date_doubt(b)
    date_a, date_b = (None if doubt_a else a.published), (None if doubt_b else b.published)
    e = earlier(date_a, date_b)
    seen = crawl_bound(a, b, date_a, date_b)
    if e is not None:
        first, second = (a, b) if e < 0 else (b, a)
        evidence.append((-e * W_DATE, f"{first.id} was published first ({first.published} vs {second.published})"))
    elif seen is not None:
        evidence.append(seen)
    elif date_a or date_b:
        evidence.append((0.0, "publication dates do not settle it ("
                         + ", ".join(f"{x.id}: {x.published or 'no date'}" for x in (a, b)) + ")"))
    evidence.extend((0.0, doubt) for doubt in (doubt_a, doubt_b) if doubt)

    # posts pasted with their text; a bare link to a post is as likely the leftover of an original's embed
    posts_a, posts_b = [m for m in a.embeds if m.text], [m for m in b.embeds if m.text]
    if bool(posts_a) != bool(posts_b):
        carrier, posts = (b, posts_b) if posts_b else (a, posts_a)
        sign = 1.0 if carrier is b else -1.0
        handles = ", ".join(f"@{m.handle}" if m.handle else (m.author or m.kind) for m in posts[:4])
        evidence.append((sign * W_EMBEDS, f"{carrier.id} carries pasted social posts ({handles}) that the other lacks"))

    def spelled(changes: list[Change]) -> list[str]:
        return [f"{c.original_text}→{c.derived_text}" for c in changes
                if c.kind == "spelling" and american(c.original_text.lower()) == c.derived_text.lower()]

    us_ab, us_ba = spelled(changes_ab), spelled(changes_ba)
    if len(us_ab) != len(us_ba):
        sign = 1.0 if len(us_ab) > len(us_ba) else -1.0
        copy, orig, pairs = (b, a, us_ab) if sign > 0 else (a, b, us_ba)
        evidence.append((sign * W_SPELLING, f"{copy.id} Americanises the spelling of {orig.id} ({', '.join(pairs[:3])})"))

    def dropped_hedges(changes: list[Change]) -> list[str]:
        return [c.original_text for c in changes if c.kind == "hedge" and c.original_text and not c.derived_text]

    h_ab, h_ba = dropped_hedges(changes_ab), dropped_hedges(changes_ba)
    if len(h_ab) != len(h_ba):
        sign = 1.0 if len(h_ab) > len(h_ba) else -1.0
        copy, orig, words = (b, a, h_ab) if sign > 0 else (a, b, h_ba)
        evidence.append((sign * W_HEDGE, f"{copy.id} drops hedging words of {orig.id} ({', '.join(repr(w) for w in words[:3])})"))

    if cut_end:
        longer, shorter = (a, b) if cut_end > 0 else (b, a)
        sign = 1.0 if cut_end > 0 else -1.0
        evidence.append((sign * W_CUT_END, f"{longer.id} has {abs(cut_end)} closing sentence(s) that {shorter.id} cut"))

    if intro:
        copy, orig = (b, a) if intro > 0 else (a, b)
        sign = 1.0 if intro > 0 else -1.0
        evidence.append((sign * W_INTRO, f"{copy.id} opens with {abs(intro)} sentence(s) of its own before "
                                         f"the text it shares with {orig.id}"))

    if context is not None:
        fit_a, fit_b = context
        if abs(fit_a - fit_b) >= 0.08:
            home, guest = (a, b) if fit_a > fit_b else (b, a)
            sign = 1.0 if fit_a > fit_b else -1.0
            evidence.append((sign * W_CONTEXT * min(0.4, abs(fit_a - fit_b)) / 0.4,
                             f"the shared passage fits the rest of {home.id} ({max(fit_a, fit_b):.0%} of its words recur "
                             f"there) better than the rest of {guest.id} ({min(fit_a, fit_b):.0%})"))

    if stats.share_b >= 0.8 and stats.share_a <= stats.share_b - 0.25:
        evidence.append((W_CONTAINED, f"{b.id} lies almost wholly inside {a.id} ({stats.share_b:.0%} of it), "
                                      f"not the other way round ({stats.share_a:.0%})"))
    elif stats.share_a >= 0.8 and stats.share_b <= stats.share_a - 0.25:
        evidence.append((-W_CONTAINED, f"{a.id} lies almost wholly inside {b.id} ({stats.share_a:.0%} of it), "
                                       f"not the other way round ({stats.share_b:.0%})"))

    if a.source and b.source and a.source.strip() != b.source.strip():
        a_in_b, b_in_a = credits(b, a.source, a), credits(a, b.source, b)
        if bool(a_in_b) != bool(b_in_a):
            copy, orig, line, sign = (b, a, a_in_b, 1.0) if a_in_b else (a, b, b_in_a, -1.0)
            evidence.append((sign * W_CREDIT, f"{copy.id} names the outlet of {orig.id} ({orig.source}: "
                                              f"\"{line}\"), and not the reverse"))

    brand_a, brand_b = foreign_branding(a), foreign_branding(b)
    if bool(brand_a) != bool(brand_b):
        copy, orig, brand, sign = (b, a, brand_b, 1.0) if brand_b else (a, b, brand_a, -1.0)
        theirs = orig.source and _name_key(brand) == _name_key(orig.source)
        evidence.append((sign * (W_CREDIT if theirs else W_BRANDING),
                         f"{copy.id}'s headline carries " + (f"{orig.id}'s outlet" if theirs else "another outlet's")
                         + f" branding ({brand!r}), not its own ({copy.source})"))

    for copy, orig, sign in ((b, a, 1.0), (a, b, -1.0)):
        if added := headline_additions(orig.title, copy.title):
            evidence.append((sign * W_HEADLINE, f"{copy.id}'s headline is {orig.id}'s with "
                                                f"{' and '.join(repr(x) for x in added)} added"))
            break

    sign, why = date_prior(date_a, date_b)
    return resolve(evidence, dated_first=sign, tie_reason=why)


def context_fit(shared: set[str], rest: set[str]) -> float:
    """Fraction of the shared passage's content words found in an article's own (unshared) text."""
    return len(shared & rest) / len(shared) if shared else 0.0
