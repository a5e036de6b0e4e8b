"""fingerprint: per-article features for finding candidates cheaply.

``Fingerprint`` holds an article's sentence hashes and two MinHash digests (see
sketch.py). ``profile`` gives the per-sentence view that alignment uses."""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import xxhash

from ..model import Article
from .hashes import TokenTable, token_table
from .sketch import PARAMS, SketchParams, digests_flat, shingle_rows
from .tokens import STOPWORDS, content_tokens, tokens

__all__ = ["Fingerprint", "SentenceProfile", "fingerprint_many", "profile", "MIN_SENTENCE_TOKENS", "PARAMS",
           "SketchParams", "tokens", "content_tokens", "STOPWORDS"]

#: sentences shorter than this never make a candidate on their own (stock phrases, datelines)
MIN_SENTENCE_TOKENS = 7



@dataclass(frozen=True, slots=True)
class SentenceProfile:
    """One body sentence as alignment sees it."""

    index: int
    start: int
    end: int
    tokens: tuple[str, ...]
    content: frozenset[str]
    hash: int
    quote_share: float  # fraction of the sentence's characters inside quotation marks
    paragraph: int
    prose: bool = True  # ends like a sentence of prose (. ! ? or a closing quote), not like a heading
    listing: bool = False  # not prose and made of names and numbers: a row of a schedule, table or list


@dataclass(frozen=True, slots=True)
class Fingerprint:
    article: str
    sentence_hashes: tuple[int, ...]
    shingle_digest: np.ndarray
    word_digest: np.ndarray
    params: SketchParams = PARAMS


def _sentence_hash(toks: list[str]) -> int:
    return xxhash.xxh64_intdigest(" ".join(toks).encode("utf-8", "surrogatepass"))


_QUOTED = re.compile(r"[“\"][^”\"]*(?:[”\"]|$)")


def quote_spans(text: str, start: int = 0, end: int | None = None,
                sentence_ends: Sequence[int] = ()) -> list[tuple[int, int]]:
    """The quotations of ``text[start:end]`` (one paragraph) as spans of ``text``: a quote opened
    in one sentence runs on through the next ones until it closes, as a speaker's words of
    several sentences do ("“Two months after ... pass out. Going upstairs ... rest.”"). One that
    never closes in the paragraph runs to the end of its own sentence only, as before (it may be
    a stray mark, or the first paragraph of a quotation of several, which this does not follow);
    ``sentence_ends``: where the paragraph's sentences end, in order."""
    end = len(text) if end is None else end
    if "“" not in text[start:end] and '"' not in text[start:end]:
        return []
    out = []
    for m in _QUOTED.finditer(text, start, end):
        qs, qe = m.span()
        if text[qe - 1] not in '”"' or qe - qs < 2:  # never closed: to the end of its own sentence
            i = bisect.bisect_right(sentence_ends, qs)
            qe = min(qe, sentence_ends[i]) if i < len(sentence_ends) else qe
        out.append((qs, qe))
    return out


def _quoted(spans: list[tuple[int, int]], s: int, e: int) -> float:
    """Fraction of ``s..e`` inside ``spans``."""
    if not spans or e <= s:
        return 0.0
    return sum(max(0, min(e, qe) - max(s, qs)) for qs, qe in spans) / (e - s)


_LOWER_WORD = re.compile(r"(?<![\w-])[^\W\d_A-Z][^\W\d_]*")
_ANY_WORD = re.compile(r"\w+")


def _listing(text: str) -> bool:
    """Whether ``text`` (a sentence that does not end like prose) is a row of data: at most one
    word in eight lower-case ("June 9 -- Coral Sky Amphitheatre, West Palm Beach, FL"; "Spain 2
    Russia 1"), where a line of prose, a bullet point of a summary, has its verbs and articles."""
    words = len(_ANY_WORD.findall(text))
    return words >= 3 and len(_LOWER_WORD.findall(text)) * 8 <= words


def profile(article: Article) -> list[SentenceProfile]:
    out = []
    para_idx = 0
    paragraphs = article.paragraphs
    quotes: dict[int, list[tuple[int, int]]] = {}
    starts = [s for s, _ in article.sentences]
    for i, (s, e) in enumerate(article.sentences):
        while para_idx + 1 < len(paragraphs) and paragraphs[para_idx][1] <= s:
            para_idx += 1
        text = article.text[s:e]
        toks = tokens(text)
        if para_idx < len(paragraphs):
            if para_idx not in quotes:
                p0, p1 = paragraphs[para_idx]
                ends = [article.sentences[k][1] for k in range(bisect.bisect_left(starts, p0), bisect.bisect_left(starts, p1))]
                quotes[para_idx] = quote_spans(article.text, p0, p1, ends)
            share = _quoted(quotes[para_idx], s, e)
        else:  # no paragraph holds it: the sentence is its own
            share = _quoted(quote_spans(article.text, s, e, (e,)), s, e)
        out.append(SentenceProfile(
            index=i, start=s, end=e, tokens=tuple(toks), content=frozenset(content_tokens(toks)),
            hash=_sentence_hash(toks), quote_share=share, paragraph=para_idx,
            prose=(prose := text.rstrip().endswith((".", "!", "?", "”", '"', "’", "'", "…"))),
            listing=not prose and _listing(text),
        ))
    return out


def fingerprint_many(articles: list[Article], table: TokenTable | None = None) -> list[Fingerprint]:
    """Fingerprints of several articles, made together: their tokens found and hashed in one
    pass (``hashes.token_table``; ``table`` when made already), their MinHash digests in one call."""
    if table is None:
        table = token_table([a.text for a in articles], [a.sentences for a in articles])
    bounds = table.article_starts
    shingles = digests_flat(*shingle_rows(table.hashes, bounds))
    content = np.flatnonzero(table.content)
    words = digests_flat(table.hashes[content], np.searchsorted(content, bounds))
    out = []
    for i, a in enumerate(articles):
        hashes = [h for h, size in zip(table.sentence_hashes[i], table.sentence_sizes[i]) if size >= MIN_SENTENCE_TOKENS]
        out.append(Fingerprint(a.id, tuple(dict.fromkeys(hashes)), shingles[i], words[i]))
    return out
