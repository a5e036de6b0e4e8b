"""Sentence splitting for English news text.

Hand-written on purpose: the library splitters are either slow (pysbd: ~1 ms a
sentence, too slow for 100k articles) or need data downloaded at run time
(NLTK punkt). News prose is regular enough for a rule set: end punctuation,
optional closing quotes/brackets, space, then an upper-case letter, a digit or
an opening quote, unless the word before is an abbreviation or an initial."""

from __future__ import annotations

import re

from ..model import Span

ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof sr jr st mt ft gen col lt sgt capt cmdr adm maj cpl pvt rep sen gov pres supt insp
    det rev hon messrs mme mlle jan feb mar apr jun jul aug sep sept oct nov dec no nos vs v etc inc ltd co
    corp bros dept univ approx est fig al ave blvd rd u.s u.k u.n e.g i.e a.m p.m""".split()
)
_BOUNDARY = re.compile(r"""[.!?…]+["”’')\]]*(?=\s+["“‘'(\[]?[A-Z0-9À-Ý])""")
# The same boundaries, found as two patterns: a run of end punctuation opening with a full stop,
# and one opening with "!", "?" or "…" (each checks, once it has its first character, that no
# end punctuation comes before it, so every run is found once, from its first character, as
# ``_BOUNDARY`` finds it). A pattern that opens with a literal is scanned for it several times
# faster than one that opens with a character class, and most paragraphs have no "!", "?" or "…".
_FULL_STOP = re.compile(r"""\.(?<![.!?…]\.)[.!?…]*["”’')\]]*(?=\s+["“‘'(\[]?[A-Z0-9À-Ý])""")
_OTHER_END = re.compile(r"""[!?…](?<![.!?…][!?…])[.!?…]*["”’')\]]*(?=\s+["“‘'(\[]?[A-Z0-9À-Ý])""")


def _boundaries(text: str) -> list[re.Match[str]]:
    """``_BOUNDARY.finditer(text)``, in order, found faster."""
    found = list(_FULL_STOP.finditer(text))
    if "!" in text or "?" in text or "…" in text:
        found.extend(_OTHER_END.finditer(text))
        found.sort(key=re.Match.start)
    return found


def split_sentences(text: str, offset: int = 0) -> list[Span]:
    """Spans of the sentences of ``text`` (one paragraph), shifted by ``offset``."""
    spans: list[Span] = []
    start = 0
    n = len(text)
    for m in _boundaries(text):
        end = m.end()
        at = m.start()
        if text[at] == ".":  # after an abbreviation or an initial a full stop ends no sentence
            space = text.rfind(" ", start, at)  # the last word before the boundary ...
            word = text[(space + 1 if space >= 0 else start):at + 1]
            if not word.isprintable():  # ... unless white space other than " " is about (none is printable)
                last = text[start:at + 1].rsplit(None, 1)
                word = last[-1] if last else ""
            token = word.rstrip(".!?…").lstrip("\"“‘'([").lower()
            if token in ABBREVIATIONS or (len(token) == 1 and token.isalpha()):
                continue
        if end - start < 2:
            continue
        spans.append((start + offset, end + offset))
        start = end
        while start < n and text[start].isspace():
            start += 1
    if start < n and text[start:].strip():
        spans.append((start + offset, n + offset))
    return spans
