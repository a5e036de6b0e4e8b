"""Edits between aligned sentences, each with a kind.

Meaning-changing kinds: ``number``, ``negation``, ``hedge``, ``quote``, ``name``,
``attribution``. The others: ``spelling`` (British/American), ``wording``, and
``added`` / ``dropped`` for whole sentences only one side has. Edited sentences
are diffed word by word; paraphrases (reworded throughout) only report the
meaning-changing differences, found by comparing what each side states."""

from __future__ import annotations

import difflib
import re
from functools import lru_cache

from ..align.sentences import SentenceMatch
from ..fingerprint import SentenceProfile
from ..model import Article, Change
from .lexicon import APPROXIMATOR_PHRASES, APPROXIMATORS, HEDGES, NEGATIONS, NEUTRAL_SPEECH, SPEECH_VERBS, is_number, number_value, spelling_variants

_WORD = re.compile(r"\d+(?:[.,]\d+)*%?|[^\W\d_]+(?:['’][^\W\d_]+)*", re.UNICODE)
_QUOTED = re.compile(r"[“\"][^”\"]*[”\"]")
MEANING = ("negation", "number", "hedge", "quote", "name", "attribution")


def _words(text: str, offset: int) -> list[tuple[str, int, int]]:
    return [(m.group(), m.start() + offset, m.end() + offset) for m in _WORD.finditer(text)]


#: a sentence this much inside a quotation (``SentenceProfile.quote_share``, measured over its
#: paragraph) is a speaker's words throughout
WHOLLY_QUOTED = 0.98


def _in_quote(text: str, start: int, end: int) -> bool:
    return any(q.start() <= start and end <= q.end() for q in _QUOTED.finditer(text))


def _capitalised(words: list[tuple[str, int, int]], i: int, text: str, base: int) -> bool:
    """A capitalised word that is not capitalised only for starting a sentence."""
    w, s, _ = words[i]
    before = text[: s - base].rstrip(" “\"‘'(")
    sentence_initial = not before or before[-1] in ".!?:"
    return (w[:1].isupper() and not sentence_initial and not w.isupper()) or (w.isupper() and len(w) > 1)


_CONTRACTIONS = {"won't": ["will", "not"], "can't": ["can", "not"], "cannot": ["can", "not"], "shan't": ["shall", "not"]}
_SUFFIXES = (("n't", ["not"]), ("'re", ["are"]), ("'m", ["am"]), ("'ll", ["will"]), ("'ve", ["have"]))


def _uncontracted(words: list[str]) -> list[str]:
    """Lower-cased words with contractions written out ("don't" -> "do", "not"; "'s" and "'d",
    which stand for two words each, are left as they are)."""
    out: list[str] = []
    for w in words:
        if w in _CONTRACTIONS:
            out.extend(_CONTRACTIONS[w])
            continue
        for suffix, full in _SUFFIXES:
            if w.endswith(suffix) and len(w) > len(suffix):
                out.append(w[: -len(suffix)])
                out.extend(full)
                break
        else:
            out.append(w)
    return out


def _hedges(words: list[str], after: str | None = None) -> list[str]:
    """The hedging words among ``words`` (lower-cased; ``after``: the word that follows them, if
    any). An approximator hedges only a number ("about 300", "nearly half", "at least 10", "as many
    as 20,000", ``APPROXIMATOR_PHRASES``, each given as one hedge): "asked about the plan", "some
    of them", "as many as he could" hedge nothing."""
    out = []
    for i, w in enumerate(words):
        for phrase in APPROXIMATOR_PHRASES:
            if w == phrase[0] and tuple(words[i:i + len(phrase)]) == phrase:
                following = words[i + len(phrase)] if i + len(phrase) < len(words) else after
                if following is not None and is_number(following):
                    out.append(" ".join(phrase))
        if w in HEDGES:
            following = words[i + 1] if i + 1 < len(words) else after
            if w not in APPROXIMATORS or (following is not None and is_number(following)):
                out.append(w)
    return out


def _approximates(hedge: str) -> bool:
    """Whether a hedge of ``_hedges`` is an approximator (one word or ``APPROXIMATOR_PHRASES``)."""
    return hedge in APPROXIMATORS or " " in hedge


_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")


def _squashed(words: list[str]) -> str:
    """The words run together, without apostrophes, hyphens and thousands separators: two
    spellings of one word or number (a tokeniser's "doesn ’ t", "20, 000") squash alike."""
    return _THOUSANDS.sub("", "".join(words)).replace("'", "").replace("-", "")


def classify_chunk(old: list[str], new: list[str], *, old_caps: bool, new_caps: bool, in_quote: bool,
                   old_after: str | None = None, new_after: str | None = None) -> str:
    """The kind of one edit: ``old`` words replaced by ``new`` (``old_after``, ``new_after``: the
    word after each in its sentence, None at its end)."""
    lo = [w.lower().replace("’", "'") for w in old]
    ln = [w.lower().replace("’", "'") for w in new]
    if lo and ln and _squashed(lo) == _squashed(ln):
        # only how it is written: "20, 000" / "20,000", "doesn ’ t" / "doesn't", "per cent" / "percent",
        # "e-mail" / "email", or the case alone
        return "spelling"
    neg_o = sum(w in NEGATIONS or w.endswith("n't") for w in lo)
    neg_n = sum(w in NEGATIONS or w.endswith("n't") for w in ln)
    if neg_o != neg_n:
        return "negation"
    nums_o = [number_value(w) for w in lo if is_number(w)]
    nums_n = [number_value(w) for w in ln if is_number(w)]
    if nums_o != nums_n and (nums_o or nums_n):
        return "number"
    if nums_o and [w for w in lo if not is_number(w)] == [w for w in ln if not is_number(w)]:
        return "spelling"  # one number written two ways: "three" / "3"
    small = len(lo) <= 3 and len(ln) <= 3
    hedge_o = _hedges(lo, old_after.lower() if old_after else None)
    hedge_n = _hedges(ln, new_after.lower() if new_after else None)
    if len(hedge_o) != len(hedge_n) and (small or not (lo and ln)):
        return "hedge"
    if len(lo) == len(ln) and lo and all(a == b or spelling_variants(a, b) for a, b in zip(lo, ln)) and lo != ln:
        return "spelling"
    if lo and ln and _uncontracted(lo) == _uncontracted(ln):
        return "spelling"  # a contraction written out or made: "don't" / "do not", "we are" / "we're"
    if in_quote and lo != ln:
        return "quote"
    if (old_caps or new_caps) and lo != ln and small:
        return "name"
    if any(w in SPEECH_VERBS for w in lo + ln) and small:
        if lo and ln and all(w in NEUTRAL_SPEECH for w in lo + ln):
            return "wording"  # one plain verb of saying for another ("said" / "stated"): who said it stands
        return "attribution"
    return "wording"


def diff_both(a_text: str, a_start: int, b_text: str, b_start: int, *, a_quoted: bool = False,
              b_quoted: bool = False) -> tuple[list[Change], list[Change]]:
    """Word-level changes between two aligned sentences, both ways at once (one diff):
    the changes if A were the original, and if B were. ``a_start``, ``b_start``: where the
    sentences start in their articles (the changes' spans are in article offsets).
    ``a_quoted``/``b_quoted``: the sentence lies wholly inside a quotation that began before it
    (a speaker's words over several sentences), so any edit of its words is a misquote."""
    ab, ba = _diff_texts(a_text, b_text, a_quoted, b_quoted)
    return ([Change(k, o, d, (s + b_start, e + b_start)) for k, o, d, s, e in ab],
            [Change(k, o, d, (s + a_start, e + a_start)) for k, o, d, s, e in ba])


@lru_cache(maxsize=1 << 16)
def _diff_texts(a_text: str, b_text: str, a_quoted: bool = False,
                b_quoted: bool = False) -> tuple[tuple[tuple[str, str, str, int, int], ...], ...]:
    """``diff_both`` of two sentences at offset 0, as plain tuples: cached, as the members of a
    family of near-duplicates share most sentences, and each two of them diff the same pairs of
    sentence versions again (300 copies of one wire story: 44,850 pairs)."""
    a_start = b_start = 0
    aw = _words(a_text, a_start)
    bw = _words(b_text, b_start)
    sm = difflib.SequenceMatcher(a=[w.lower() for w, _, _ in aw], b=[w.lower() for w, _, _ in bw], autojunk=False)
    ab: list[tuple[str, str, str, int, int]] = []
    ba: list[tuple[str, str, str, int, int]] = []
    moved = set(w.lower() for w, _, _ in aw) & set(w.lower() for w, _, _ in bw)

    def span(words: list[tuple[str, int, int]], i1: int, i2: int, base: int) -> tuple[int, int]:
        if i2 > i1:
            return (words[i1][1], words[i2 - 1][2])
        pos = words[i1][1] if i1 < len(words) else (words[-1][2] if words else base)
        return (pos, pos)

    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            continue
        old = [w for w, _, _ in aw[i1:i2]]
        new = [w for w, _, _ in bw[j1:j2]]
        # a word that only changed place ("said the man" -> "the man said") is no edit
        if tag in ("delete", "insert") and all(w.lower() in moved for w in old + new):
            continue
        a_span, b_span = span(aw, i1, i2, a_start), span(bw, j1, j2, b_start)
        a_piece = a_text[a_span[0] - a_start:a_span[1] - a_start]
        b_piece = b_text[b_span[0] - b_start:b_span[1] - b_start]
        a_caps = any(_capitalised(aw, i, a_text, a_start) for i in range(i1, i2))
        b_caps = any(_capitalised(bw, j, b_text, b_start) for j in range(j1, j2))
        if all(o.lower() == n.lower() for o, n in zip(old, new)) and len(old) == len(new):
            continue  # capitalisation only
        a_after = aw[i2][0] if i2 < len(aw) else None
        b_after = bw[j2][0] if j2 < len(bw) else None
        kind_ab = classify_chunk(old, new, old_caps=a_caps, new_caps=b_caps, old_after=a_after, new_after=b_after,
                                 in_quote=i2 > i1 and (a_quoted or _in_quote(a_text, a_span[0] - a_start, a_span[1] - a_start)))
        kind_ba = classify_chunk(new, old, old_caps=b_caps, new_caps=a_caps, old_after=b_after, new_after=a_after,
                                 in_quote=j2 > j1 and (b_quoted or _in_quote(b_text, b_span[0] - b_start, b_span[1] - b_start)))
        ab.append((kind_ab, a_piece, b_piece, *b_span))
        ba.append((kind_ba, b_piece, a_piece, *a_span))
    return tuple(ab), tuple(ba)


def _units(matches: list[SentenceMatch], o_is_a: bool) -> list[tuple[list[int], list[int], str]]:
    """Matches grouped where one sentence was split or merged: (original idxs, derived idxs, kind)."""
    pairs = sorted((((m.a, m.b) if o_is_a else (m.b, m.a), m.kind) for m in matches), key=lambda t: (t[0][1], t[0][0]))
    if len({m.a for m in matches}) == len(matches) == len({m.b for m in matches}):
        return [([o], [d], kind) for (o, d), kind in pairs]  # one to one (no split or merged sentence)
    groups: list[tuple[set[int], set[int], list[str]]] = []
    first_o: dict[int, int] = {}  # sentence -> the first group holding it
    first_d: dict[int, int] = {}
    none = len(matches)
    for (o, d), kind in pairs:
        g = min(first_o.get(o, none), first_d.get(d, none))  # the first group holding either
        if g == none:
            g = len(groups)
            groups.append((set(), set(), []))
        groups[g][0].add(o)
        groups[g][1].add(d)
        groups[g][2].append(kind)
        if first_o.get(o, none) > g:
            first_o[o] = g
        if first_d.get(d, none) > g:
            first_d[d] = g
    rank = {"verbatim": 3, "edited": 2, "paraphrase": 1}
    return [(sorted(o), sorted(d), min(kinds, key=lambda k: rank[k])) for o, d, kinds in groups]


#: words between a negation and what it negates ("did not yet confirm", "is not being treated")
_NOT_NEGATED = frozenset("""be is are was were been being am have has had do does did will would shall should can
could may might must yet so very really even ever a an the to it that this any by at in of""".split())


#: modal hedges that say the same ("the ministry may issue a statement" / "it might issue one")
_MODALS = frozenset(("may", "might", "could"))


def _stem(word: str) -> str:
    return word[:5]


def _negated(words: list[str]) -> set[str]:
    """Stems of the words a negation in ``words`` bears on: the first three after each negating
    word that are not auxiliaries or articles ("have not confirmed" -> "confirmed", "denied any
    involvement" -> "involvement")."""
    out = set()
    for i, w in enumerate(words):
        if w in NEGATIONS or w.endswith("n't"):
            following = [x for x in words[i + 1:i + 6] if x not in _NOT_NEGATED and x not in NEGATIONS]
            out.update(_stem(x) for x in following[:3])
    return out


def _lowered(text: str) -> list[str]:
    """The words of ``text`` lower-cased, the month "May" inside a sentence kept apart from the hedge."""
    out = []
    for m in _WORD.finditer(text):
        w = m.group()
        if w == "May" and text[:m.start()].rstrip(" “\"‘'(")[-1:] not in ("", ".", "!", "?", ":"):
            out.append("may(month)")
            continue
        out.append(w.lower().replace("’", "'"))
    return out


def meaning_changes(o_text: str, d_text: str, d_span: tuple[int, int]) -> list[Change]:
    """For reworded sentences: what the two state differently (numbers, negation, hedges).

    Numbers are compared by value ("three" and "3" are one number). A negation that one side has
    and the other lacks is a change only where the other side still states what was negated
    ("police have not confirmed" / "police confirmed"): a paraphrase often carries its sense in
    other words ("we are not finished yet" / "their work was far from over"), and on MRPC's
    paraphrase pairs, which mean the same by their labels, the plain rule flagged 2.8% of them."""
    lo = _lowered(o_text)
    ld = _lowered(d_text)
    out = []
    nums_o = [w for w in lo if is_number(w)]
    nums_d = [w for w in ld if is_number(w)]
    values_o = {number_value(w) for w in nums_o}
    values_d = {number_value(w) for w in nums_d}
    if values_o != values_d:
        gone = [w for w in nums_o if number_value(w) not in values_d]
        new = [w for w in nums_d if number_value(w) not in values_o]
        if gone or new:
            out.append(Change("number", " ".join(gone), " ".join(new), d_span))
    neg_o = sum(w in NEGATIONS or w.endswith("n't") for w in lo)
    neg_d = sum(w in NEGATIONS or w.endswith("n't") for w in ld)
    if (neg_o == 0) != (neg_d == 0):
        negated, other = (_negated(lo), ld) if neg_o else (_negated(ld), lo)
        if negated & {_stem(w) for w in other}:
            out.append(Change("negation", o_text if neg_o else "", d_text if neg_d else "", d_span))
    hedges_o, hedges_d = _hedges(lo), _hedges(ld)
    dropped = [w for w in dict.fromkeys(hedges_o) if w not in hedges_d]
    added = [w for w in dict.fromkeys(hedges_d) if w not in hedges_o]
    # one approximator swapped for another ("about" -> "around"), or one modal for another ("may" ->
    # "might"), is rewording, not a hedge change
    for alike in (_approximates, _MODALS.__contains__):
        while any(map(alike, dropped)) and any(map(alike, added)):
            dropped.remove(next(w for w in dropped if alike(w)))
            added.remove(next(w for w in added if alike(w)))
    out.extend(Change("hedge", w, "", d_span) for w in dropped)
    out.extend(Change("hedge", "", w, d_span) for w in added)
    return out


def changes_both(a: Article, b: Article, matches: list[SentenceMatch], sa: list[SentenceProfile],
                 sb: list[SentenceProfile]) -> tuple[list[Change], list[Change]]:
    """All changes if A were the original, and if B were (each sentence pair diffed once)."""
    ab: list[Change] = []
    ba: list[Change] = []
    units = _units(matches, True)
    for a_idx, b_idx, kind in units:
        if kind == "verbatim":
            continue
        a0, a1 = sa[a_idx[0]].start, sa[a_idx[-1]].end
        b0, b1 = sb[b_idx[0]].start, sb[b_idx[-1]].end
        if kind == "edited":
            x, y = diff_both(a.text[a0:a1], a0, b.text[b0:b1], b0,
                             a_quoted=all(sa[i].quote_share >= WHOLLY_QUOTED for i in a_idx),
                             b_quoted=all(sb[j].quote_share >= WHOLLY_QUOTED for j in b_idx))
        else:
            x = meaning_changes(a.text[a0:a1], b.text[b0:b1], (b0, b1))
            y = meaning_changes(b.text[b0:b1], a.text[a0:a1], (a0, a1))
        ab.extend(x)
        ba.extend(y)
    matched_a = {i for u in units for i in u[0]}
    matched_b = {i for u in units for i in u[1]}
    # a dropped passage is placed after the other text's counterpart of the sentence before it
    anchor_b = {i: sb[u[1][-1]].end for u in units for i in u[0]}
    anchor_a = {j: sa[u[0][-1]].end for u in units for j in u[1]}
    ab.extend(_unmatched(b, sb, matched_b, "added"))
    ab.extend(_unmatched(a, sa, matched_a, "dropped", anchor=anchor_b))
    ba.extend(_unmatched(a, sa, matched_a, "added"))
    ba.extend(_unmatched(b, sb, matched_b, "dropped", anchor=anchor_a))
    return ab, ba


def _unmatched(article: Article, profiles: list[SentenceProfile], matched: set[int], kind: str,
               anchor: dict[int, int] | None = None) -> list[Change]:
    """Runs of consecutive unmatched sentences as one added/dropped change each."""
    out = []
    run: list[SentenceProfile] = []

    def close() -> None:
        if not run:
            return
        text = article.text[run[0].start:run[-1].end]
        if kind == "added":
            out.append(Change("added", "", text, (run[0].start, run[-1].end)))
        else:
            prev = [anchor[i] for i in (anchor or {}) if i < run[0].index]
            pos = anchor[max(i for i in anchor if i < run[0].index)] if prev and anchor else 0
            out.append(Change("dropped", text, "", (pos, pos)))
        run.clear()

    for p in profiles:
        if p.index in matched or not p.tokens:
            close()
        else:
            run.append(p)
    close()
    return out
