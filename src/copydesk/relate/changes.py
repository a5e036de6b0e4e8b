"""Edits between aligned sentences, each with a kind.

Meaning-changing kinds: ``number``, ``negation``, ``hedge``, ``quote``, ``name``,
``attribution``. The others: ``spelling`` (British/American), ``wording``, and
``added`` / ``dropped`` for whole sentences only one side has. Edited sentences
are diffed word by word; paraphrases (reworded throughout) only report the
meaning-changing differences, found by comparing what each side states."""

from __future__ import annotations

import difflib
import re

from ..align.sentences import SentenceMatch
from ..fingerprint import SentenceProfile
from ..model import Article, Change
from .lexicon import APPROXIMATORS, HEDGES, NEGATIONS, SPEECH_VERBS, is_number, spelling_variants

_WORD = re.compile(r"\d+(?:[.,]\d+)*%?|[^\W\d_]+(?:['’][^\W\d_]+)*", re.UNICODE)
_QUOTED = re.compile(r"[“\"][^”\"]*[”\"]")
MEANING = ("negation", "number", "hedge", "quote", "name", "attribution")


def _words(text: str, offset: int) -> list[tuple[str, int, int]]:
    return [(m.group(), m.start() + offset, m.end() + offset) for m in _WORD.finditer(text)]


def _in_quote(text: str, start: int, end: int) -> bool:
    return any(q.start() <= start and end <= q.end() for q in _QUOTED.finditer(text))


def _capitalised(words: list[tuple[str, int, int]], i: int, text: str, base: int) -> bool:
    """A capitalised word that is not capitalised only for starting a sentence."""
    w, s, _ = words[i]
    before = text[: s - base].rstrip(" “\"‘'(")
    sentence_initial = not before or before[-1] in ".!?:"
    return (w[:1].isupper() and not sentence_initial and not w.isupper()) or (w.isupper() and len(w) > 1)


def classify_chunk(old: list[str], new: list[str], *, old_caps: bool, new_caps: bool, in_quote: bool) -> str:
    lo = [w.lower().replace("’", "'") for w in old]
    ln = [w.lower().replace("’", "'") for w in new]
    neg_o = sum(w in NEGATIONS or w.endswith("n't") for w in lo)
    neg_n = sum(w in NEGATIONS or w.endswith("n't") for w in ln)
    if neg_o != neg_n:
        return "negation"
    nums_o = [w for w in lo if is_number(w)]
    nums_n = [w for w in ln if is_number(w)]
    if nums_o != nums_n and (nums_o or nums_n):
        return "number"
    small = len(lo) <= 3 and len(ln) <= 3
    hedge_o = [w for w in lo if w in HEDGES]
    hedge_n = [w for w in ln if w in HEDGES]
    if len(hedge_o) != len(hedge_n) and (small or not (lo and ln)):
        return "hedge"
    if len(lo) == len(ln) and lo and all(a == b or spelling_variants(a, b) for a, b in zip(lo, ln)) and lo != ln:
        return "spelling"
    if in_quote and lo != ln:
        return "quote"
    if (old_caps or new_caps) and lo != ln and small:
        return "name"
    if any(w in SPEECH_VERBS for w in lo + ln) and small:
        return "attribution"
    return "wording"


def diff_sentences(orig_text: str, o_start: int, der_text: str, d_start: int, *, kinds: str = "all") -> list[Change]:
    """Word-level changes between one original and one derived sentence."""
    ow = _words(orig_text, o_start)
    dw = _words(der_text, d_start)
    sm = difflib.SequenceMatcher(a=[w.lower() for w, _, _ in ow], b=[w.lower() for w, _, _ in dw], autojunk=False)
    out = []
    moved = set(w.lower() for w, _, _ in ow) & set(w.lower() for w, _, _ in dw)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            continue
        old = [w for w, _, _ in ow[i1:i2]]
        new = [w for w, _, _ in dw[j1:j2]]
        # a word that only changed place ("said the man" -> "the man said") is no edit
        if tag in ("delete", "insert") and all(w.lower() in moved for w in old + new):
            continue
        o_span = (ow[i1][1], ow[i2 - 1][2]) if i2 > i1 else None
        if j2 > j1:
            d_span = (dw[j1][1], dw[j2 - 1][2])
        else:
            pos = dw[j1][1] if j1 < len(dw) else (dw[-1][2] if dw else d_start)
            d_span = (pos, pos)
        in_quote = bool(o_span) and _in_quote(orig_text, o_span[0] - o_start, o_span[1] - o_start)
        kind = classify_chunk(
            old, new, in_quote=in_quote,
            old_caps=any(_capitalised(ow, i, orig_text, o_start) for i in range(i1, i2)),
            new_caps=any(_capitalised(dw, j, der_text, d_start) for j in range(j1, j2)),
        )
        if kinds == "meaning" and kind not in MEANING:
            continue
        if kind == "name" and all(o.lower() == n.lower() for o, n in zip(old, new)) and len(old) == len(new):
            continue  # capitalisation only
        old_text = orig_text[o_span[0] - o_start:o_span[1] - o_start] if o_span else ""
        new_text = der_text[d_span[0] - d_start:d_span[1] - d_start]
        out.append(Change(kind, old_text, new_text, d_span))
    return out


def _units(matches: list[SentenceMatch], o_is_a: bool) -> list[tuple[list[int], list[int], str]]:
    """Matches grouped where one sentence was split or merged: (original idxs, derived idxs, kind)."""
    pairs = [((m.a, m.b) if o_is_a else (m.b, m.a), m.kind) for m in matches]
    groups: list[tuple[set[int], set[int], list[str]]] = []
    for (o, d), kind in sorted(pairs, key=lambda t: (t[0][1], t[0][0])):
        for g in groups:
            if o in g[0] or d in g[1]:
                g[0].add(o)
                g[1].add(d)
                g[2].append(kind)
                break
        else:
            groups.append(({o}, {d}, [kind]))
    rank = {"verbatim": 3, "edited": 2, "paraphrase": 1}
    return [(sorted(o), sorted(d), min(kinds, key=lambda k: rank[k])) for o, d, kinds in groups]


def meaning_changes(o_text: str, d_text: str, d_span: tuple[int, int]) -> list[Change]:
    """For reworded sentences: what the two state differently (numbers, negation, hedges)."""
    lo = [w.lower().replace("’", "'") for w in _WORD.findall(o_text)]
    ld = [w.lower().replace("’", "'") for w in _WORD.findall(d_text)]
    out = []
    nums_o = [w for w in lo if is_number(w)]
    nums_d = [w for w in ld if is_number(w)]
    if set(nums_o) != set(nums_d):
        gone = [w for w in nums_o if w not in nums_d]
        new = [w for w in nums_d if w not in nums_o]
        if gone or new:
            out.append(Change("number", " ".join(gone), " ".join(new), d_span))
    neg_o = sum(w in NEGATIONS or w.endswith("n't") for w in lo)
    neg_d = sum(w in NEGATIONS or w.endswith("n't") for w in ld)
    if (neg_o == 0) != (neg_d == 0):
        out.append(Change("negation", o_text if neg_o else "", d_text if neg_d else "", d_span))
    dropped = [w for w in dict.fromkeys(lo) if w in HEDGES and w not in ld]
    added = [w for w in dict.fromkeys(ld) if w in HEDGES and w not in lo]
    # one approximator swapped for another ("about" -> "around") is rewording, not a hedge change
    while any(w in APPROXIMATORS for w in dropped) and any(w in APPROXIMATORS for w in added):
        dropped.remove(next(w for w in dropped if w in APPROXIMATORS))
        added.remove(next(w for w in added if w in APPROXIMATORS))
    out.extend(Change("hedge", w, "", d_span) for w in dropped)
    out.extend(Change("hedge", "", w, d_span) for w in added)
    return out


def changes_for(original: Article, derived: Article, matches: list[SentenceMatch], so: list[SentenceProfile],
                sd: list[SentenceProfile], *, o_is_a: bool) -> list[Change]:
    """All changes from ``original`` to ``derived`` (``o_is_a``: the matches' A side is the original)."""
    out: list[Change] = []
    matched_o, matched_d = set(), set()
    for o_idx, d_idx, kind in _units(matches, o_is_a):
        matched_o.update(o_idx)
        matched_d.update(d_idx)
        if kind == "verbatim":
            continue
        o0, o1 = so[o_idx[0]].start, so[o_idx[-1]].end
        d0, d1 = sd[d_idx[0]].start, sd[d_idx[-1]].end
        if kind == "edited":
            out.extend(diff_sentences(original.text[o0:o1], o0, derived.text[d0:d1], d0))
        else:
            out.extend(meaning_changes(original.text[o0:o1], derived.text[d0:d1], (d0, d1)))
    out.extend(_unmatched(derived, sd, matched_d, "added"))
    # a dropped passage is placed after the derived text of the original sentence before it
    anchor: dict[int, int] = {}
    for o_idx, d_idx, _kind in _units(matches, o_is_a):
        for o in o_idx:
            anchor[o] = sd[d_idx[-1]].end
    out.extend(_unmatched(original, so, matched_o, "dropped", anchor=anchor))
    return out


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
