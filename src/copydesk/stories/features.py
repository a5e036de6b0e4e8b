"""What story clustering compares: content words and names, weighted by TF-IDF.

Each article becomes one unit vector made of two halves: TF-IDF over the content
words of its title and body, and TF-IDF over the proper names in it (runs of
capitalised words, found by a cheap rule: NER is far too slow for every article of
a large corpus, and for clustering a name only has to be the same string in both
texts). Names are what tell two events of the same kind apart (two robberies in
Paris, two players put on injured reserve), so they get their own half."""

from __future__ import annotations

import re
from typing import Sequence


_CAP = r"(?:[A-Z][\w'’.-]*[a-z][\w'’-]*|[A-Z]{2,}\b)"
# (the look-ahead repeats what _CAP starts with: a pattern that opens with a character class
# lets the regex engine skip to the next capital instead of trying every position; 2x faster)
_NAME_RE = re.compile(rf"(?=[A-Z])\b{_CAP}(?:\s+(?:of\s+|de\s+|the\s+|al[- ])?{_CAP})*")
#: capitalised words that start sentences or name days and months, not entities
_NOT_NAMES = frozenset("""
a an and as at but by for from he her his i if in it its mr mrs ms dr on or our she so that the their them
then there these they this those to we what when where which while who why how with you your after before
monday tuesday wednesday thursday friday saturday sunday january february march april may june july august
september october november december today yesterday tomorrow earlier later meanwhile however also
""".split())


def proper_names(text: str) -> list[str]:
    """Lower-cased runs of capitalised words in ``text`` (sentence-initial function words dropped)."""
    out = []
    for run in _NAME_RE.findall(text):
        if run.isalpha():  # one plain word, most runs: the general case below, shorter
            low = run.lower()
            if low not in _NOT_NAMES:
                out.append(low)
            continue
        words = run.rstrip(".").split()
        while words and words[0].lower().strip("’'") in _NOT_NAMES:
            words = words[1:]
        if words:
            out.append(" ".join(words).lower())
    return out


def story_text(title: str | None, text: str) -> str:
    return f"{title}\n{text}" if title and not text.startswith(title) else text


def story_vectors(texts: Sequence[str], *, names_weight: float = 1.0, max_df: float = 0.5):
    """One L2-normalised sparse row per text: [content-word TF-IDF | name TF-IDF] (``terms.py``)."""
    from .terms import story_terms_many, terms_matrix

    return terms_matrix(story_terms_many(texts), names_weight=names_weight, max_df=max_df)
