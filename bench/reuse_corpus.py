"""A labelled evaluation corpus for copydesk's reuse engine (copy detection).

What it builds
    From real ECB+ news articles (``ecbplus.jsonl``: one real-world event per
    ``subtopic``) it takes *originals* (articles of at least 6 sentences, the
    sentences grouped into paragraphs of 2-3) and derives new articles from them
    with known ground truth:

    ``duplicate``       the same body under another outlet, with that outlet's
                        boilerplate ("Read more: ...", cookie notice, newsletter
                        prompt, copyright line) appended; identical once cleaned.
    ``near_duplicate``  the same body lightly edited: US/UK spelling flipped, a few
                        words changed, punctuation and whitespace changes, another
                        headline.
    ``partial``         2-4 consecutive paragraphs of the original (verbatim, or
                        lightly edited) in the middle of another ECB+ article of
                        another topic (the derived article's own material).
    ``rewrite``         every paragraph kept, most sentences reworded (synonyms,
                        "X said Y" -> "Y, X said", MRPC paraphrases where the exact
                        sentence is known), plus some of: paragraphs reordered,
                        hedge words dropped, numbers changed, social posts pasted
                        in, the ending cut, an intro sentence added.
    chain               A -> B (rewrite or near_duplicate) -> C (near_duplicate or
                        partial of B): truth holds A->B, B->C and A->C with via=B.

    and negatives, pairs that must get no relation:

    ``same_event``          two different ECB+ reports of the same event (subtopic);
    ``shared_boilerplate``  two unrelated articles carrying the same long outlet
                            boilerplate paragraphs (an "about us", a disclaimer);
    ``shared_post_quote``   two unrelated articles pasting the same social post
                            (with its attribution line) and/or the same quoted
                            sentence.

    No two ECB+ articles used anywhere in the corpus share a word 8-gram (ECB+
    holds some real wire copies; those are kept out), so the only text shared
    across articles is the text put there on purpose.

truth.json
    ``pairs``: ``{original, derived, type, via, share, spans, date, chain, verbatim}``
    (``verbatim``: every span's text is the original's text unedited).
    ``spans`` are ``[start, end)`` character offsets into the DERIVED article's
    *clean body*: its body paragraphs joined with "\\n\\n", before boilerplate
    and pasted posts were added (the paragraphs are single-spaced lines, so the
    clean body is what a cleaner should recover, up to whitespace folding). The
    clean bodies are stored under ``bodies`` so a scorer can take each span's
    text and find it in the text a tool reports (offsets may shift when the tool
    cleans differently). A span covers text taken from the original (verbatim,
    edited or reworded); new material (the host article of a partial, an added
    intro sentence, pasted quotes) is outside every span. ``share`` is the spans'
    characters over the body's paragraph characters (separators not counted).
    ``date`` is ``ok`` (derived dated after the original), ``missing`` (derived
    has no date) or ``misleading`` (derived dated before the original).
    ``negatives``: ``{a, b, kind}``. ``tolerated``: pairs of articles that share
    text through a common ancestor without a truth pair between them (two
    copies of one original); a relation between them is neither right nor wrong.
    ``articles``: every id. ``meta``: per id its kind and ECB+ source (ids are
    neutral, ``a00017``, so the kind cannot leak into the engine).

Usage
    python bench/reuse_corpus.py --out DIR [--seed 1] [--n-originals 150]
        [--ecb FILE] [--mrpc FILE]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "data"
DEFAULT_ECB = SHARED / "ecbplus" / "ecbplus.jsonl"
DEFAULT_MRPC = SHARED / "mrpc" / "msr_paraphrase_train.txt"

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the sibling module below, however this file is loaded
from rewrite_ops import (  # noqa: E402
    BOILER_LONG, BOILER_SLOTS, FIRST, HEDGES, INTROS, LAST, OUTLETS, ROLES, _WORD, _boiler_short, change_numbers, drop_hedges, fallback_reword, move_phrase, norm_ws, punctuation_edits, reorder_clause, spelling_flip, synonyms,
)

_HEDGE_RE = re.compile(r"\b(?:" + "|".join(HEDGES) + r")\b", re.I)

# ----------------------------------------------------------------------------- data

@dataclass
class Para:
    text: str
    lin: frozenset[str]  # keys of the articles this paragraph's text passed through (its first author included)


@dataclass
class Doc:
    key: str
    kind: str
    paras: list[Para]
    source: str
    domain: str
    title: str
    published: datetime | None
    byline: str | None
    parent: str | None = None
    verbatim: bool = False  # every paragraph taken from the parent is unedited
    ecb: list[str] = field(default_factory=list)
    inserts: list[tuple[int, list[str]]] = field(default_factory=list)  # (before body paragraph i, raw paragraphs)
    tail: list[str] = field(default_factory=list)

    def body(self) -> str:
        return "\n\n".join(p.text for p in self.paras)

    def raw(self) -> str:
        out: list[str] = []
        by_pos: dict[int, list[str]] = defaultdict(list)
        for pos, items in self.inserts:
            by_pos[pos].extend(items)
        for i, p in enumerate(self.paras):
            out.extend(by_pos.get(i, []))
            out.append(p.text)
        out.extend(by_pos.get(len(self.paras), []))
        out.extend(self.tail)
        return "\n\n".join(out)


def load_ecb(path: Path) -> list[dict[str, Any]]:
    rows = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            r["sents"] = [norm_ws(s) for s in r["text"].split("\n") if s.strip()]
            rows.append(r)
    return rows


def load_mrpc(path: Path) -> dict[str, str]:
    table: dict[str, str] = {}
    if not path.exists():
        return table
    with open(path, encoding="utf-8-sig") as fh:
        next(fh, None)
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 5 and parts[0] == "1":
                a, b = norm_ws(parts[3]), norm_ws(parts[4])
                table.setdefault(a, b)
                table.setdefault(b, a)
    return table


def ngrams8(text: str) -> set[int]:
    w = _WORD.findall(text.lower())
    return {hash(tuple(w[i:i + 8])) for i in range(len(w) - 7)}


def wire_conflicts(rows: list[dict[str, Any]]) -> dict[str, set[str]]:
    """Pairs of ECB+ articles that share a word 8-gram (real wire copies)."""
    index: dict[int, list[str]] = defaultdict(list)
    for r in rows:
        for g in ngrams8(r["text"]):
            index[g].append(r["id"])
    conflicts: dict[str, set[str]] = defaultdict(set)
    for ids in index.values():
        if 1 < len(ids) < 50:
            for a in ids:
                conflicts[a].update(x for x in ids if x != a)
    return conflicts


_CONFLICTS: dict[tuple[str, ...], dict[str, set[str]]] = {}


class Picker:
    """Draws ECB+ articles so that no two drawn ones share a word 8-gram."""

    def __init__(self, rows: list[dict[str, Any]], rng: random.Random):
        self.rows = rows
        self.rng = rng
        key = tuple(r["id"] for r in rows)
        if key not in _CONFLICTS:  # the same rows give the same conflicts: computed once per process
            _CONFLICTS[key] = wire_conflicts(rows)
        self.conflicts = _CONFLICTS[key]
        self.used: set[str] = set()
        self.blocked: set[str] = set()

    def take(self, row: dict[str, Any]) -> dict[str, Any]:
        self.used.add(row["id"])
        self.blocked.add(row["id"])
        self.blocked.update(self.conflicts.get(row["id"], ()))
        return row

    def pick(self, ok) -> dict[str, Any] | None:
        cands = [r for r in self.rows if r["id"] not in self.blocked and ok(r)]
        return self.take(self.rng.choice(cands)) if cands else None


def group_paragraphs(sents: list[str], rng: random.Random) -> list[str]:
    paras, i = [], 0
    while i < len(sents):
        k = rng.choice([2, 3])
        if len(sents) - (i + k) == 1:
            k += 1 if k == 2 else -1
        paras.append(" ".join(sents[i:i + k]))
        i += k
    return paras


# ----------------------------------------------------------------------------- generator

class Generator:
    def __init__(self, seed: int, n_originals: int, ecb: Path, mrpc: Path):
        self.rng = random.Random(seed)
        self.n = n_originals
        self.rows = load_ecb(ecb)
        self.rows.sort(key=lambda r: r["id"])
        self.mrpc = load_mrpc(mrpc)
        self.picker = Picker(self.rows, self.rng)
        self.docs: dict[str, Doc] = {}
        self.pairs: list[dict[str, Any]] = []
        self.negatives: list[tuple[str, str, str]] = []
        self.counter = defaultdict(int)
        self.stats = defaultdict(int)
        self.event_day: dict[str, datetime] = {}

    # -- helpers
    def key(self, kind: str) -> str:
        self.counter[kind] += 1
        return f"{kind}-{self.counter[kind]:04d}"

    def outlet(self, avoid: str | None = None) -> tuple[str, str]:
        while True:
            o = self.rng.choice(OUTLETS)
            if o[0] != avoid:
                return o

    def person(self) -> str:
        return f"{self.rng.choice(FIRST)} {self.rng.choice(LAST)}"

    def base_date(self, subtopic: str) -> datetime:
        if subtopic not in self.event_day:
            day = datetime(2008, 1, 1, tzinfo=timezone.utc) + timedelta(days=self.rng.randint(0, 6 * 365))
            self.event_day[subtopic] = day.replace(hour=self.rng.randint(6, 20))
        return self.event_day[subtopic] + timedelta(minutes=self.rng.randint(0, 36 * 60))

    def title_of(self, row: dict[str, Any]) -> str:
        if row.get("title"):
            return norm_ws(row["title"])
        words = row["sents"][0].split()
        return " ".join(words[:10]).rstrip(",.;:")

    def add(self, doc: Doc) -> Doc:
        self.docs[doc.key] = doc
        return doc

    def derived_date(self, parent: Doc) -> tuple[datetime | None, str]:
        r = self.rng.random()
        if parent.published is None or r < 0.15:
            return None, "missing"
        if r < 0.20:
            return parent.published - timedelta(minutes=self.rng.randint(60, 5 * 24 * 60)), "misleading"
        return parent.published + timedelta(minutes=self.rng.randint(20, 72 * 60)), "ok"

    def new_doc(self, kind: str, parent: Doc, paras: list[Para], title: str) -> Doc:
        k = self.key(kind)
        name, domain = self.outlet(avoid=parent.source)
        published, _ = self.derived_date(parent)
        byline = parent.byline if self.rng.random() < 0.3 else (self.person() if self.rng.random() < 0.8 else None)
        lin_paras = [Para(p.text, p.lin | {k}) for p in paras]
        return Doc(k, kind, lin_paras, name, domain, title, published, byline, parent=parent.key)

    def short_boiler(self, doc: Doc) -> None:
        year = (doc.published or datetime(2013, 1, 1)).year
        other = self.title_of(self.rng.choice(self.rows))
        doc.tail = _boiler_short(self.rng, doc.source, year, other)

    def tweet(self, when: datetime | None) -> list[str]:
        text = self.unused_sentence(20, 220)
        if self.rng.random() < 0.5:
            text += " #" + self.rng.choice(["breaking", "news", "update", "prayers"])
        if self.rng.random() < 0.5:
            text += " pic.twitter.com/" + "".join(self.rng.choice("abcdefghijkmnopqrstuvwxyzABCDEFGH0123456789")
                                                 for _ in range(10))
        name = self.person()
        handle = name.replace(" ", "")[:12] + str(self.rng.randint(1, 99))
        when = when or datetime(2013, 5, 3)
        return [text, f"— {name} (@{handle}) {when.strftime('%B')} {when.day}, {when.year}"]

    # -- kinds
    def original(self) -> Doc | None:
        row = self.picker.pick(lambda r: len(r["sents"]) >= 6)
        if row is None:
            return None
        k = self.key("orig")
        paras = [Para(t, frozenset({k})) for t in group_paragraphs(row["sents"], self.rng)]
        name, domain = self.outlet()
        doc = Doc(k, "original", paras, name, domain, self.title_of(row), self.base_date(row["subtopic"]),
                  self.person() if self.rng.random() < 0.85 else None, ecb=[row["id"]])
        doc.subtopic = row["subtopic"]  # type: ignore[attr-defined]
        if self.rng.random() < 0.5:
            self.short_boiler(doc)
        return self.add(doc)

    def duplicate(self, parent: Doc) -> Doc:
        title = parent.title if self.rng.random() < 0.7 else parent.title.upper() if self.rng.random() < 0.3 \
            else parent.title + f" | {self.outlet()[0]}"
        doc = self.new_doc("duplicate", parent, parent.paras, title)
        doc.verbatim = True
        self.short_boiler(doc)
        return self.add(doc)

    def light_edit(self, text: str, *, words: int) -> str:
        text = spelling_flip(text, self.rng)
        text = synonyms(text, self.rng, 0.3, limit=words)[0]
        return punctuation_edits(text, self.rng)

    def near_duplicate(self, parent: Doc) -> Doc:
        budget = self.rng.randint(2, 5)
        paras: list[Para] = []
        for p in parent.paras:
            take = self.rng.randint(0, 2) if budget > 0 else 0
            budget -= take
            paras.append(Para(self.light_edit(p.text, words=take), p.lin))
        if norm_ws(" ".join(p.text for p in paras)) == norm_ws(" ".join(p.text for p in parent.paras)):
            # no visible edit took: drop the last sentence of the longest paragraph
            i = max(range(len(paras)), key=lambda j: len(paras[j].text))
            sents = re.split(r"(?<=[.!?”\"])\s+(?=[A-Z“\"])", paras[i].text)
            paras[i] = Para(" ".join(sents[:-1]) if len(sents) > 1 else paras[i].text.replace(",", "", 1), paras[i].lin)
        title = synonyms(parent.title, self.rng, 0.8)[0]
        if title == parent.title:
            title = self.rng.choice(["UPDATE: ", "", "Report: "]) + parent.title + self.rng.choice(["", " (updated)"])
        if title == parent.title:
            title = parent.title + " - latest"
        doc = self.new_doc("near_duplicate", parent, paras, title)
        if self.rng.random() < 0.5:
            self.short_boiler(doc)
        return self.add(doc)

    def host(self, parent_subtopic: str, topic: int) -> dict[str, Any] | None:
        return self.picker.pick(lambda r: r["topic"] != topic and len(r["sents"]) >= 6) or \
            self.picker.pick(lambda r: r["topic"] != topic and len(r["sents"]) >= 4)

    def partial(self, parent: Doc) -> Doc | None:
        if len(parent.paras) < 3:
            return None
        row = self.host(getattr(parent, "subtopic", ""), self.topic_of(parent))
        if row is None:
            return None
        k_copy = min(self.rng.randint(2, 4), len(parent.paras) - 1)
        start = self.rng.randint(0, len(parent.paras) - k_copy)
        copied = parent.paras[start:start + k_copy]
        edit = self.rng.random() < 0.3
        copied = [Para(self.light_edit(p.text, words=1) if edit else p.text, p.lin) for p in copied]
        k = f"host:{row['id']}"
        own = [Para(t, frozenset({k})) for t in group_paragraphs(row["sents"], self.rng)]
        at = self.rng.randint(1, max(1, len(own) - 1))
        paras = own[:at] + copied + own[at:]
        doc = self.new_doc("partial", parent, paras, self.title_of(row))
        doc.paras = [Para(p.text, (p.lin - {k}) | {doc.key}) for p in doc.paras]
        doc.ecb = [row["id"]]
        doc.verbatim = not edit
        if self.rng.random() < 0.4:
            self.short_boiler(doc)
        return self.add(doc)

    def topic_of(self, doc: Doc) -> int:
        while doc.parent:
            doc = self.docs[doc.parent]
        return next(r["topic"] for r in self.rows if r["id"] == doc.ecb[0])

    def reword(self, sentence: str) -> str:
        key = norm_ws(sentence)
        if key in self.mrpc:
            self.stats["mrpc_used"] += 1
            return self.mrpc[key]
        out = sentence
        if self.rng.random() < 0.8:
            r = reorder_clause(out)
            if r:
                self.stats["clause_reordered"] += 1
                out = r
        if out == sentence and self.rng.random() < 0.8:
            r = move_phrase(out)
            if r:
                self.stats["phrase_moved"] += 1
                out = r
        out2, n = synonyms(out, self.rng, 0.7, limit=3)
        if n == 0 and out == sentence:
            out2 = synonyms(out, self.rng, 1.0, limit=2)[0]
        if out2 == sentence and len(sentence) > 20:
            self.stats["fallback_reworded"] += 1
            out2 = fallback_reword(sentence, self.rng)
        return out2

    def rewrite(self, parent: Doc) -> Doc:
        split = [re.split(r"(?<=[.!?”\"])\s+(?=[A-Z“\"])", p.text) for p in parent.paras]
        n = sum(len(x) for x in split)
        keep = set(self.rng.sample(range(n), int(n * 0.15)))  # sentences left as they were
        paras: list[Para] = []
        i = 0
        for p, sents in zip(parent.paras, split):
            out = []
            for s in sents:
                out.append(s if i in keep else self.reword(s))
                i += 1
            paras.append(Para(" ".join(out), p.lin))
        ops: list[str] = []
        dropped: list[str] = []
        changed = 0
        if self.rng.random() < 0.5:
            before = [p.text for p in paras]
            paras = [Para(drop_hedges(p.text), p.lin) for p in paras]
            for old_text, p in zip(before, paras):
                words = Counter(w.lower() for w in _HEDGE_RE.findall(old_text))
                words.subtract(w.lower() for w in _HEDGE_RE.findall(p.text))
                dropped.extend(w for w, n in words.items() for _ in range(max(0, n)))
            ops.append("hedges")
        if self.rng.random() < 0.35:
            for i, p in enumerate(paras):
                t, n = change_numbers(p.text, self.rng)
                changed += n
                paras[i] = Para(t, p.lin)
            ops.append("numbers")
        if self.rng.random() < 0.3 and len(paras) >= 4:
            i = self.rng.randint(1, len(paras) - 2)
            paras[i], paras[i + 1] = paras[i + 1], paras[i]
            ops.append("reorder")
        if self.rng.random() < 0.3 and len(paras) >= 4:
            cut = self.rng.randint(1, min(3, len(paras) - 3)) if len(paras) > 3 else 0
            if cut:
                paras = paras[:-cut]
                ops.append("cut")
        title = synonyms(parent.title, self.rng, 1.0)[0]
        if title == parent.title:
            title = self.rng.choice(["What we know: ", "Latest: ", "Explained: "]) + parent.title
        doc = self.new_doc("rewrite", parent, paras, title)
        if self.rng.random() < 0.4:
            doc.paras.insert(0, Para(self.rng.choice(INTROS), frozenset({doc.key})))
            ops.append("intro")
        if self.rng.random() < 0.3:
            for _ in range(self.rng.randint(1, 2)):
                doc.inserts.append((self.rng.randint(1, len(doc.paras)), self.tweet(doc.published)))
            ops.append("posts")
        if self.rng.random() < 0.4:
            self.short_boiler(doc)
        doc.meaning = {"hedges_dropped": sorted(dropped), "numbers_changed": changed}  # type: ignore[attr-defined]
        for op in ops:
            self.stats["rewrite_" + op] += 1
        return self.add(doc)

    # -- negatives
    def extra(self, ok) -> Doc | None:
        row = self.picker.pick(ok)
        if row is None:
            return None
        k = self.key("extra")
        name, domain = self.outlet()
        doc = Doc(k, "independent", [Para(t, frozenset({k})) for t in group_paragraphs(row["sents"], self.rng)],
                  name, domain, self.title_of(row), self.base_date(row["subtopic"]),
                  self.person() if self.rng.random() < 0.85 else None, ecb=[row["id"]])
        doc.subtopic = row["subtopic"]  # type: ignore[attr-defined]
        return self.add(doc)

    def unused_sentence(self, lo: int, hi: int) -> str:
        """A sentence of an ECB+ article used nowhere else (so it is shared only where pasted)."""
        for _ in range(20):
            row = self.picker.pick(lambda r: True)
            sents = [s for s in (row["sents"] if row else []) if lo < len(s) < hi and not re.search("[\"“”]", s)]
            if sents:
                return self.rng.choice(sents)
        return f"We are doing everything we can, and we thank {self.person()} for the help."

    def quote(self) -> str:
        s = self.unused_sentence(60, 220).rstrip(".")
        return f"“{s},” said {self.person()}, {self.rng.choice(ROLES)}."

    def negatives_boilerplate(self, n: int) -> None:
        outlets = self.rng.sample(OUTLETS, len(OUTLETS))
        for i in range(n):
            a = self.extra(lambda r: len(r["sents"]) >= 4)
            b = self.extra(lambda r, t=None: len(r["sents"]) >= 4 and a is not None
                           and r["topic"] != int(a.ecb[0].split("_")[0]))
            if a is None or b is None:
                break
            name, domain = outlets[i % len(outlets)]
            slots = {k: self.rng.choice(v) for k, v in BOILER_SLOTS.items()}
            slots["year"] = str(self.rng.randint(1850, 1999))
            block = [t.format(o=name, **slots) for t in self.rng.sample(BOILER_LONG, self.rng.randint(2, 3))]
            for d in (a, b):
                d.source, d.domain = name, domain
                d.tail = list(block)
            self.negatives.append((a.key, b.key, "shared_boilerplate"))

    def negatives_posts(self, n: int) -> None:
        for _ in range(n):
            a = self.extra(lambda r: len(r["sents"]) >= 4)
            if a is None:
                break
            same = self.rng.random() < 0.5
            b = self.extra(lambda r: len(r["sents"]) >= 4 and (
                r["subtopic"] == a.subtopic if same else r["topic"] != int(a.ecb[0].split("_")[0])))  # type: ignore
            if b is None:
                b = self.extra(lambda r: len(r["sents"]) >= 4)
            if b is None:
                break
            what = self.rng.choice(["post", "quote", "both"])
            post = self.tweet(a.published)
            quote = self.quote()
            for d in (a, b):
                if what in ("post", "both"):
                    d.inserts.append((self.rng.randint(1, len(d.paras)), list(post)))
                if what in ("quote", "both"):
                    i = self.rng.randint(1, len(d.paras))
                    d.paras.insert(i, Para(quote, frozenset({f"quote:{id(quote)}"})))
            self.negatives.append((a.key, b.key, "shared_post_quote"))

    # -- main
    def run(self) -> None:
        originals = [d for d in (self.original() for _ in range(self.n)) if d is not None]
        for o in originals:
            kinds = [k for k, p in (("duplicate", 0.55), ("near_duplicate", 0.55), ("partial", 0.5),
                                    ("rewrite", 0.8), ("chain", 0.25)) if self.rng.random() < p]
            for kind in kinds:
                if kind == "chain":
                    b = self.rewrite(o) if self.rng.random() < 0.6 else self.near_duplicate(o)
                    c = self.near_duplicate(b) if self.rng.random() < 0.5 else self.partial(b)
                    if c is None:
                        c = self.near_duplicate(b)
                    b.chain = c.chain = True  # type: ignore[attr-defined]
                else:
                    getattr(self, kind)(o)
        subtopics = sorted({o.subtopic for o in originals})  # type: ignore[attr-defined]
        for _ in range(max(1, self.n // 5)):
            st = self.rng.choice(subtopics)
            self.extra(lambda r, st=st: r["subtopic"] == st and len(r["sents"]) >= 3)
        self.negatives_boilerplate(max(2, self.n // 8))
        self.negatives_posts(max(2, self.n // 8))

    # -- truth
    def truth(self) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        keys = list(self.docs)
        self.rng.shuffle(keys)
        ids = {k: f"a{i:05d}" for i, k in enumerate(keys)}
        records = []
        for k in sorted(keys, key=lambda k: ids[k]):
            d = self.docs[k]
            slug = re.sub(r"[^a-z0-9]+", "-", d.title.lower()).strip("-")[:60]
            rec: dict[str, Any] = {"id": ids[k], "source": d.source}
            rec["url"] = f"https://www.{d.domain}/{(d.published or datetime(2013, 1, 1)).year}/{slug}-{ids[k][1:]}"
            rec["title"] = d.title
            if d.published is not None:
                rec["published"] = d.published.strftime("%Y-%m-%dT%H:%M:%SZ")
            if d.byline:
                rec["byline"] = d.byline
            rec["text"] = d.raw()
            records.append(rec)

        def pair(orig: Doc, der: Doc, via: Doc | None) -> dict[str, Any]:
            spans, pos, covered = [], 0, 0
            total = sum(len(p.text) for p in der.paras)
            for i, p in enumerate(der.paras):
                if i:
                    pos += 2
                if orig.key in p.lin:
                    spans.append([pos, pos + len(p.text)])
                    covered += len(p.text)
                pos += len(p.text)
            if der.published is None:
                date = "missing"
            elif orig.published is not None and der.published < orig.published:
                date = "misleading"
            else:
                date = "ok"
            if via is None:
                typ = der.kind
            else:
                typ = "partial" if "partial" in (der.kind, via.kind) else \
                    "rewrite" if "rewrite" in (der.kind, via.kind) else "near_duplicate"
            out = {"original": ids[orig.key], "derived": ids[der.key], "type": typ,
                   "via": ids[via.key] if via else None, "share": round(covered / total, 4) if total else 0.0,
                   "spans": spans, "date": date, "chain": bool(getattr(der, "chain", False)),
                   "verbatim": der.verbatim and (via is None or via.verbatim)}
            if via is None and der.kind in ("duplicate", "near_duplicate", "rewrite"):
                # the meaning changes made on the way (a near-duplicate's light edits make none)
                out["meaning"] = getattr(der, "meaning", {"hedges_dropped": [], "numbers_changed": 0})
            return out

        pairs = []
        for d in self.docs.values():
            if d.parent:
                p = self.docs[d.parent]
                pairs.append(pair(p, d, None))
                if p.parent:
                    pairs.append(pair(self.docs[p.parent], d, p))
        positive = {frozenset((p["original"], p["derived"])) for p in pairs}
        # same-event negatives: independent ECB+ reports of one subtopic
        by_st: dict[str, list[Doc]] = defaultdict(list)
        for d in self.docs.values():
            if d.kind in ("original", "independent"):
                by_st[d.subtopic].append(d)  # type: ignore[attr-defined]
        negs = [(a, b, kind) for a, b, kind in self.negatives]
        listed = {frozenset((a, b)) for a, b, _ in negs}
        for group in by_st.values():
            for i in range(len(group)):
                for j in range(i + 1, len(group)):
                    ab = frozenset((group[i].key, group[j].key))
                    if ab not in listed:
                        negs.append((group[i].key, group[j].key, "same_event"))
                        listed.add(ab)
        negatives = [{"a": ids[a], "b": ids[b], "kind": kind} for a, b, kind in negs
                     if frozenset((ids[a], ids[b])) not in positive]
        # tolerated: articles sharing text through a common ancestor, without a truth pair
        family: dict[str, list[str]] = defaultdict(list)
        for d in self.docs.values():
            for anc in set().union(*(p.lin for p in d.paras)) if d.paras else ():
                if anc in self.docs:
                    family[anc].append(d.key)
        tolerated = set()
        for members in family.values():
            for i in range(len(members)):
                for j in range(i + 1, len(members)):
                    ab = frozenset((ids[members[i]], ids[members[j]]))
                    if ab not in positive:
                        tolerated.add(tuple(sorted(ab)))
        truth = {
            "spans_are": "character [start, end) offsets into the derived article's clean body (body paragraphs "
                         "joined by '\\n\\n', boilerplate and pasted posts excluded); the bodies are under 'bodies'",
            "pairs": pairs, "negatives": negatives,
            "tolerated": [{"a": a, "b": b} for a, b in sorted(tolerated)],
            "articles": sorted(ids.values()),
            "bodies": {ids[k]: self.docs[k].body() for k in keys},
            "meta": {ids[k]: {"key": k, "kind": self.docs[k].kind, "ecb": self.docs[k].ecb,
                              "parent": ids[self.docs[k].parent] if self.docs[k].parent else None} for k in keys},
            "stats": dict(self.stats),
        }
        return records, truth


def generate(seed: int = 1, n_originals: int = 150, ecb: Path = DEFAULT_ECB,
             mrpc: Path = DEFAULT_MRPC) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The corpus records and the truth for ``seed`` (deterministic)."""
    gen = Generator(seed, n_originals, Path(ecb), Path(mrpc))
    gen.run()
    return gen.truth()


def undate_originals(records: list[dict[str, Any]], truth: dict[str, Any], fraction: float) -> None:
    """Drop the date of ``fraction`` of the originals (drawn with a fixed seed of their own, so the
    rest of the corpus is that of ``--seed``), and mark their pairs ``original_date: missing``."""
    rng = random.Random(7)
    originals = sorted({p["original"] for p in truth["pairs"]})
    undated = {a for a in originals if rng.random() < fraction}
    for r in records:
        if r["id"] in undated:
            r.pop("published", None)
    for p in truth["pairs"]:
        if p["original"] in undated:
            p["original_date"] = "missing"


def write(out: Path, records: list[dict[str, Any]], truth: dict[str, Any]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "corpus.jsonl", "w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    with open(out / "truth.json", "w", encoding="utf-8") as fh:
        json.dump(truth, fh, ensure_ascii=False, indent=1)


def summary(truth: dict[str, Any]) -> str:
    kinds = defaultdict(int)
    for m in truth["meta"].values():
        kinds[m["kind"]] += 1
    types = defaultdict(int)
    for p in truth["pairs"]:
        types[(p["type"] + (" (chain, indirect)" if p["via"] else " (chain)" if p["chain"] else ""))] += 1
    dates = defaultdict(int)
    for p in truth["pairs"]:
        dates[p["date"]] += 1
    negs = defaultdict(int)
    for n in truth["negatives"]:
        negs[n["kind"]] += 1
    lines = [f"articles: {len(truth['articles'])}  " + ", ".join(f"{k}={v}" for k, v in sorted(kinds.items())),
             f"pairs: {len(truth['pairs'])}  " + ", ".join(f"{k}={v}" for k, v in sorted(types.items())),
             "pair dates: " + ", ".join(f"{k}={v}" for k, v in sorted(dates.items())),
             f"negatives: {len(truth['negatives'])}  " + ", ".join(f"{k}={v}" for k, v in sorted(negs.items())),
             f"tolerated (sibling) pairs: {len(truth['tolerated'])}",
             "ops: " + ", ".join(f"{k}={v}" for k, v in sorted(truth["stats"].items()))]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--n-originals", type=int, default=150)
    ap.add_argument("--ecb", type=Path, default=DEFAULT_ECB)
    ap.add_argument("--mrpc", type=Path, default=DEFAULT_MRPC)
    ap.add_argument("--undated-originals", type=float, default=0.0, metavar="FRACTION",
                    help="drop the date of this fraction of the originals too (the corpus is otherwise the same; "
                         "their pairs are marked original_date: missing), as in a corpus that loses dates at random")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    records, truth = generate(args.seed, args.n_originals, args.ecb, args.mrpc)
    if args.undated_originals:
        undate_originals(records, truth, args.undated_originals)
    write(args.out, records, truth)
    print(summary(truth))
    print(f"wrote {args.out / 'corpus.jsonl'} and truth.json in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
