"""What story clustering compares: content words and names, weighted by TF-IDF.

Each article becomes one unit vector made of two halves: TF-IDF over the content
words of its title and body, and TF-IDF over the proper names in it (runs of
capitalised words, found by a cheap rule: NER is far too slow for every article of
a large corpus, and for clustering a name only has to be the same string in both
texts). Names are what tell two events of the same kind apart (two robberies in
Paris, two players put on injured reserve), so they get their own half. The title and
first sentences, which name the event, count twice in the similarities (``lead_text``);
the search for which articles to compare reads the plain counts (``cluster.py``)."""

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


def story_text(title: str | None, text: str) -> str:
    return f"{title}\n{text}" if title and not text.startswith(title) else text


#: an article's title and first sentences count twice in the similarities that make stories (``lead_text``):
#: a report names its event (who, what, where) first and brings in the background other events share
#: later (a player's arrest recalls a teammate's earlier one). ECB+ at the defaults (bench/stories_eval.py):
#: B3 F1 0.894 -> 0.911 on topics 1-20 (a lead of 3 or 5 sentences: 0.897, 0.899)
LEAD_SENTENCES = 4


def lead_text(title: str | None, text: str, sentences: Sequence[Span] | None = None) -> str:
    """The title and the first ``LEAD_SENTENCES`` sentences of ``text`` (``sentences``: the
    article's sentence spans; split here, as the segmenter splits, when not given)."""
    if LEAD_SENTENCES <= 0:
        return ""
    if sentences is None:
        found: list[Span] = []
        at = 0
        for paragraph in text.split("\n"):
            found.extend(split_sentences(paragraph, at))
            at += len(paragraph) + 1
            if len(found) >= LEAD_SENTENCES:
                break
        sentences = found
    return f"{title or ''}\n" + " ".join(text[s:e] for s, e in sentences[:LEAD_SENTENCES])


def story_vectors(texts: Sequence[str], *, names_weight: float = 1.0, max_df: float = 0.5,
                  leads: Sequence[str] | None = None, lead: bool = True):
    """One L2-normalised sparse row per text: [content-word TF-IDF | name TF-IDF] (``terms.py``),
    with the ``leads`` counted a second time when given and ``lead``."""
    from .terms import story_terms_many, terms_matrix

    return terms_matrix(story_terms_many(texts, leads), names_weight=names_weight, max_df=max_df, lead=lead)
