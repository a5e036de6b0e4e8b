"""What story clustering compares: content words and names, weighted by TF-IDF.

Each article becomes one unit vector made of two halves: TF-IDF over the content
words of its title and body, and TF-IDF over the proper names in it (runs of
capitalised words, found by a cheap rule: NER is far too slow for every article of
a large corpus, and for clustering a name only has to be the same string in both
texts). Names are what tell two events of the same kind apart (two robberies in
Paris, two players put on injured reserve), so they get their own half. An article's
title and first sentences count twice (``LEAD_SENTENCES``): they name its event."""

from __future__ import annotations

import re
from typing import Sequence

from ..model import Span
from ..segment.sentences import split_sentences


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


#: the title and the first sentences of an article count twice (``story_text``): a news report says
#: which event it is about (who, what, where) first, and brings in the background other events share
#: later (a player's arrest recalls a teammate's earlier one, a patch an earlier patch). ECB+ at the
#: default settings (bench/stories_eval.py): B3 F1 0.894 -> 0.911 (topics 1-20), 0.907 -> 0.919
#: (21-45), 0.922 -> 0.935 (36-45); 3 and 5 sentences score less on topics 1-20
LEAD_SENTENCES = 4


def story_text(title: str | None, text: str, sentences: Sequence[Span] | None = None) -> str:
    """What story clustering reads of an article: its title and text, then its title and its
    first ``LEAD_SENTENCES`` sentences again (``sentences``: the article's sentence spans; split
    here when not given)."""
    body = f"{title}\n{text}" if title and not text.startswith(title) else text
    if LEAD_SENTENCES <= 0:
        return body
    return f"{body}\n{title or ''}\n{lead(text, sentences)}"


def lead(text: str, sentences: Sequence[Span] | None = None, n: int | None = None) -> str:
    """The first ``n`` (``LEAD_SENTENCES``) sentences of ``text``, by its sentence spans or,
    without them, as the segmenter splits its paragraphs."""
    n = LEAD_SENTENCES if n is None else n
    if sentences is None:
        found: list[Span] = []
        at = 0
        for paragraph in text.split("\n"):
            found.extend(split_sentences(paragraph, at))
            at += len(paragraph) + 1
            if len(found) >= n:
                break
        sentences = found
    return " ".join(text[s:e] for s, e in sentences[:n])


def story_vectors(texts: Sequence[str], *, names_weight: float = 1.0, max_df: float = 0.5):
    """One L2-normalised sparse row per text: [content-word TF-IDF | name TF-IDF] (``terms.py``)."""
    from .terms import story_terms_many, terms_matrix

    return terms_matrix(story_terms_many(texts), names_weight=names_weight, max_df=max_df)
