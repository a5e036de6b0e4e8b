"""Sentence alignment between two articles: verbatim, edited, paraphrase.

Lexical first: equal token sequences are ``verbatim``; a high character-level
similarity of the token strings (rapidfuzz) is ``edited`` (spelling, a changed
word or number, punctuation). Sentence pairs that share much vocabulary but are
reworded are *paraphrase candidates*; they become ``paraphrase`` matches when
the embedding model confirms them (or, with no model, when the lexical overlap
alone is high). Each sentence is matched at most once on each side."""

from __future__ import annotations

from dataclasses import dataclass, field

from rapidfuzz import fuzz

from ..fingerprint import SentenceProfile

EDITED_MIN = 0.80          # rapidfuzz ratio of token strings for an "edited" match
CANDIDATE_DICE = 0.30      # content-word Dice for a paraphrase candidate
LEXICAL_PARAPHRASE = 0.60  # Dice that counts as paraphrase without a model
MIN_TOKENS = 4             # shorter sentences are only matched verbatim
#: a reworded copy may move its sentences about (a restructured rewrite); it is still one when this share
#: of the shorter text's sentences have a counterpart, in any order (see relate.pair.is_reuse). At 0.7,
#: two rewrites of one press release in ECB+ passed (each covering 70% of the other)
UNORDERED_COVERAGE = 0.8
#: reworded sentences that make a rewrite when none is taken verbatim or lightly edited
#: (``relate.pair.is_reuse``): two short reports of one event tell its few facts in one order
MIN_REWORDED = 5
KIND_RANK = {"verbatim": 3, "edited": 2, "paraphrase": 1}


@dataclass(frozen=True, slots=True)
class SentenceMatch:
    a: int           # sentence index in article A
    b: int           # sentence index in article B
    kind: str
    score: float
    #: False for a reworded pair taken on its place alone (``fill_gaps``): it counts toward the share
    #: and the passages, never as evidence that one text was taken from the other
    evidence: bool = True


@dataclass(slots=True)
class Draft:
    """Lexical matches, plus paraphrase candidates waiting for the model's word."""

    matches: list[SentenceMatch] = field(default_factory=list)
    pending: list[tuple[int, int, float]] = field(default_factory=list)  # (a, b, dice)


def lexical_matches(sa: list[SentenceProfile], sb: list[SentenceProfile]) -> Draft:
    """Score every plausible sentence pair lexically (an inverted index keeps it near-linear)."""
    by_hash: dict[int, list[int]] = {}
    index: dict[str, list[int]] = {}
    for s in sa:
        by_hash.setdefault(s.hash, []).append(s.index)
        for w in s.content:
            index.setdefault(w, []).append(s.index)
    scored: list[tuple[int, float, int, int, str]] = []  # (rank, score, a, b, kind)
    pending: list[tuple[int, int, float]] = []
    strings_a = {}
    in_b: dict[int, int] = {}
    for s in sb:
        in_b[s.hash] = in_b.get(s.hash, 0) + 1
    for s in sb:
        if not s.tokens:
            continue
        same = by_hash.get(s.hash, ())
        for i in same:
            if sa[i].tokens == s.tokens:
                scored.append((3, 1.0, i, s.index, "verbatim"))
        if len(same) == 1 and in_b[s.hash] == 1 and sa[same[0]].tokens == s.tokens:
            continue  # the one verbatim pair of this sentence in either text: it is assigned first, so no
            #           edited or paraphrase candidate of this sentence could be
        if len(s.tokens) < MIN_TOKENS:
            continue
        counts: dict[int, int] = {}
        for w in s.content:
            for i in index.get(w, ()):
                counts[i] = counts.get(i, 0) + 1
        if not counts:
            continue
        sb_str = " ".join(s.tokens)
        best = sorted(counts.items(), key=lambda kv: -kv[1])[:8]
        for i, shared in best:
            other = sa[i]
            if other.tokens == s.tokens or len(other.tokens) < MIN_TOKENS:
                continue
            dice = 2 * shared / (len(other.content) + len(s.content))
            if dice < CANDIDATE_DICE:
                continue
            sa_str = strings_a.get(i)
            if sa_str is None:
                sa_str = strings_a[i] = " ".join(other.tokens)
            ratio = fuzz.ratio(sa_str, sb_str) / 100.0
            if ratio >= EDITED_MIN:
                scored.append((2, ratio, i, s.index, "edited"))
            else:
                pending.append((i, s.index, dice))
    draft = Draft()
    draft.matches = _assign([(r, sc, a, b, k) for r, sc, a, b, k in scored])
    used_a = {m.a for m in draft.matches}
    used_b = {m.b for m in draft.matches}
    draft.pending = [(a, b, d) for a, b, d in pending if a not in used_a and b not in used_b]
    return draft


def _assign(scored: list[tuple[int, float, int, int, str]]) -> list[SentenceMatch]:
    """Greedy one-to-one assignment, best kind then best score first; ties prefer nearby order."""
    scored.sort(key=lambda t: (-t[0], -t[1], abs(t[2] - t[3])))
    used_a: set[int] = set()
    used_b: set[int] = set()
    out = []
    for _rank, score, a, b, kind in scored:
        if a in used_a or b in used_b:
            continue
        used_a.add(a)
        used_b.add(b)
        out.append(SentenceMatch(a, b, kind, score))
    return sorted(out, key=lambda m: m.b)


def finish(draft: Draft, similarity: dict[tuple[int, int], float] | None, threshold: float) -> list[SentenceMatch]:
    """Add paraphrase candidates: those with a high lexical overlap, and those the model
    confirmed (``similarity`` maps (a, b) to a cosine); then the gaps (``fill_gaps``)."""
    extra = []
    for a, b, dice in draft.pending:
        cos = similarity.get((a, b)) if similarity is not None else None
        if cos is not None and cos >= threshold:
            extra.append((1, cos, a, b, "paraphrase"))
        elif dice >= LEXICAL_PARAPHRASE:
            extra.append((1, dice, a, b, "paraphrase"))
    if not extra:
        matches = list(draft.matches)  # already one to one, in order of b
    else:
        matches = _assign([(KIND_RANK[m.kind], m.score, m.a, m.b, m.kind) for m in draft.matches] + extra)
    return fill_gaps(matches, similarity) if similarity else matches


#: the model's cosine from which a reworded sentence between two matched ones is their match
GAP_PARAPHRASE = 0.6
#: at most this many sentences of A in such a gap (a condensed rewrite drops some)
GAP_SPAN = 3


def fill_gaps(matches: list[SentenceMatch], similarity: dict[tuple[int, int], float]) -> list[SentenceMatch]:
    """``matches`` (in order of b) with the gaps filled: where two consecutive matches leave one
    sentence of one text unmatched between them, and one to ``GAP_SPAN`` sentences of the other
    in the same order, that sentence matches the one of those the model finds most alike, from
    ``GAP_PARAPHRASE`` (under the paraphrase threshold): a rewrite rewords some sentences further
    than the rest, and in its place the sentence can only stand for one of those. Such a match
    counts toward the share and the passages but is no evidence (``SentenceMatch.evidence``):
    two reports of one event that tell it in the same order have such gaps too."""
    if len(matches) < 2:
        return matches
    used_a, used_b = {m.a for m in matches}, {m.b for m in matches}
    filled = []
    for m1, m2 in zip(matches, matches[1:]):
        gap_a = [a for a in range(m1.a + 1, m2.a) if a not in used_a]
        gap_b = [b for b in range(m1.b + 1, m2.b) if b not in used_b]
        if not gap_a or not gap_b or min(len(gap_a), len(gap_b)) > 1 or max(len(gap_a), len(gap_b)) > GAP_SPAN:
            continue
        cos, a, b = max((similarity.get((a, b), -1.0), a, b) for a in gap_a for b in gap_b)
        if cos >= GAP_PARAPHRASE:
            filled.append(SentenceMatch(a, b, "paraphrase", cos, evidence=False))
    return sorted(matches + filled, key=lambda m: m.b) if filled else matches


def open_candidates(draft: Draft, sa: list[SentenceProfile], sb: list[SentenceProfile]) -> list[tuple[int, int]]:
    """The paraphrase candidates worth asking the model about: none when even all of them
    could not make the pair reuse (too few, or out of order and too few to cover most of
    the shorter text), and only the lexically uncertain ones (the confident ones count
    without the model)."""
    import bisect

    uncertain = [(a, b) for a, b, d in draft.pending if d < LEXICAL_PARAPHRASE]
    if not uncertain:
        return []
    # the most that could align, in order: LIS over matches plus every candidate
    points = sorted({(m.b, m.a) for m in draft.matches} | {(b, a) for a, b, _ in draft.pending})
    tails: list[int] = []
    for _b, a in points:
        i = bisect.bisect_left(tails, a)
        tails[i:i + 1] = [a]
    n_a = sum(1 for s in sa if len(s.tokens) >= MIN_TOKENS) or len(sa)
    n_b = sum(1 for s in sb if len(s.tokens) >= MIN_TOKENS) or len(sb)
    strong = sum(1 for m in draft.matches if m.kind in ("verbatim", "edited"))
    # at most this many one-to-one matches, in any order
    reach = min(len({a for _b, a in points}), len({b for b, _a in points}))
    if strong < 2 and len(tails) < max(3 if strong else MIN_REWORDED, 0.5 * min(n_a, n_b)) \
            and reach < max(4, UNORDERED_COVERAGE * min(n_a, n_b)):
        return []
    # already reuse: ask only when the candidates would change the share noticeably
    if strong >= 2:
        total = sum(s.end - s.start for s in sb) or 1
        at_stake = sum(sb[b].end - sb[b].start for _a, b in {(a, b) for a, b in uncertain})
        if at_stake < 0.1 * total:
            return []
    return uncertain
SPLIT_CONTAINMENT = 0.75


def _containment(part: SentenceProfile, whole: SentenceProfile) -> float:
    if not part.content:
        return 0.0
    return len(part.content & whole.content) / len(part.content)


def add_splits(matches: list[SentenceMatch], sa: list[SentenceProfile], sb: list[SentenceProfile]) -> list[SentenceMatch]:
    """Sentences one side split in two (or merged): an unmatched sentence next to a matched
    one whose counterpart contains most of its words joins that match as ``edited``."""
    def joins(one: list[SentenceProfile], other: list[SentenceProfile], by_index: dict[int, SentenceMatch],
              index_of_other, pair) -> list[SentenceMatch]:
        found = []
        for s in one:
            if s.index in by_index or len(s.tokens) < MIN_TOKENS:
                continue
            for n in (s.index - 1, s.index + 1):
                m = by_index.get(n)
                if m is not None and _containment(s, other[index_of_other(m)]) >= SPLIT_CONTAINMENT:
                    found.append(pair(m, s.index, _containment(s, other[index_of_other(m)])))
                    break
        return found

    extra = joins(sb, sa, {m.b: m for m in matches}, lambda m: m.a,
                  lambda m, i, c: SentenceMatch(m.a, i, "edited", c))
    extra += joins(sa, sb, {m.a: m for m in matches}, lambda m: m.b,
                   lambda m, i, c: SentenceMatch(i, m.b, "edited", c))
    if not extra:
        return matches
    # the match a split sentence joins is no longer verbatim
    touched_a = {m.a for m in extra}
    touched_b = {m.b for m in extra}
    out = [SentenceMatch(m.a, m.b, "edited", m.score) if m.kind == "verbatim" and (m.a in touched_a or m.b in touched_b)
           else m for m in matches]
    return sorted(out + extra, key=lambda m: (m.b, m.a))
