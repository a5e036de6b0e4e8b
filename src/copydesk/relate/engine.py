"""The reuse engine: fingerprint -> candidates -> align -> relate, incrementally.

Pairs are decided from the two articles alone, and stored; only pairs that
involve new or changed articles are computed in a run. Relations (with chains
and their ``via``) are then derived from all stored pairs, so an incremental
run gives what a run from scratch gives.

The stages live in their own modules: ``candidates.py`` (fingerprints and candidate
pairs), ``pair.py`` (what one aligned pair amounts to), ``direction.py`` and
``changes.py`` (its direction and edits), ``relations.py`` (the pass over all stored
pairs: family evidence, chains, siblings). This module runs them in order and keeps
the per-pair decision (``ReuseEngine.decide_pair``)."""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator
from urllib.parse import urlsplit

import numpy as np

from ..align.embed import Embedder
from ..align.passages import passages as build_passages
from ..align.sentences import Draft, SentenceMatch, add_splits, finish, lexical_matches, open_candidates
from ..config import ReuseSettings
from ..fingerprint import SentenceProfile, profile
from ..model import Article, Passage, RunStats
from ..unionfind import UnionFind
from .candidates import find_candidates, fingerprint_params, fingerprint_rows
from .changes import changes_both
from .direction import context_fit, decide, usable_date
from .families import FamilyPruner
from .pair import ENGINE_VERSION, PairStats, is_reuse, pair_stats, reuse_type
from .relations import family_pruner_of, relations_from_pairs, stored_relations

__all__ = ["ENGINE_VERSION", "ReuseEngine", "decide_chunk", "family_pruner_of", "fingerprint_params",
           "fingerprint_rows", "relations_from_pairs", "same_outlet", "stored_relations"]


@dataclass
class ReuseEngine:
    settings: ReuseSettings
    stats: RunStats = field(default_factory=RunStats)
    progress: Callable[..., None] = lambda *a, **k: None
    embedder: Embedder | None = None
    cache_size: int = 4096
    #: a distributed engine's ``map_ordered``: candidate pairs are then aligned and decided there
    remote: Callable[..., Iterator] | None = None
    #: the large families of near-identical copies the last ``candidates`` found (None: none)
    families: FamilyPruner | None = None
    _articles: "OrderedDict[str, Article]" = field(default_factory=OrderedDict)
    _profiles: "OrderedDict[str, list[SentenceProfile]]" = field(default_factory=OrderedDict)

    # -- stage helpers --------------------------------------------------------------------
    def _timed(self, name: str, t0: float) -> None:
        self.stats.add_time(name, time.perf_counter() - t0)

    def _remember(self, cache: OrderedDict, key: str, value):
        cache[key] = value
        if len(cache) > self.cache_size:  # bounded: a 100k-article run must not hold every article
            cache.popitem(last=False)
        return value

    def article(self, store, id: str) -> Article:
        a = self._articles.get(id)
        if a is None:
            return self._remember(self._articles, id, store.article(id))
        self._articles.move_to_end(id)
        return a

    def prof(self, store, id: str) -> list[SentenceProfile]:
        p = self._profiles.get(id)
        if p is None:
            return self._remember(self._profiles, id, profile(self.article(store, id)))
        self._profiles.move_to_end(id)
        return p

    # -- fingerprint ----------------------------------------------------------------------
    def fingerprint(self, store) -> list[str]:
        """Fingerprint new and changed articles; returns the ids (in ingest order) of every
        article whose candidates are still to be found: those fingerprinted here, and those
        fingerprinted at ingest (see fingerprint/step.py) that no relate run has settled."""
        t0 = time.perf_counter()
        state = store.fingerprint_state()
        params = fingerprint_params(self.settings)
        meta = store.article_meta()
        stale = [m[0] for m in meta if state.get(m[0]) != (m[4], params)]
        changed = [i for i in stale if i in state]
        if changed:
            store.drop_fingerprints(changed)
        for i in range(0, len(stale), 500):
            loaded = store.article_batch(stale[i:i + 500])
            batch = [loaded[id] for id in stale[i:i + 500]]
            store.put_fingerprints(fingerprint_rows(batch, params))
            self.progress("fingerprint", len(batch), len(stale))
        fresh = store.fresh_fingerprints()
        new = [m[0] for m in meta if m[0] in fresh]
        self.stats.count("fingerprinted", len(new))
        self._timed("fingerprint", t0)
        return new

    # -- candidates -----------------------------------------------------------------------
    def candidates(self, store, new: list[str]) -> list[tuple[str, str, str]]:
        """Candidate pairs (a, b, why) that involve a new article; a is the earlier ingested
        (``candidates.find_candidates``). Keeps the large families found in ``families``."""
        t0 = time.perf_counter()
        out, self.families = find_candidates(store, new, self.settings, self.stats)
        self._timed("candidates", t0)
        return out

    # -- align + relate -----------------------------------------------------------------
    def align_and_relate(self, store, pairs: list[tuple[str, str, str]], *, chunk: int = 1000) -> None:
        """``align`` then ``relate`` the candidate pairs, families of related articles a chunk
        (about ``chunk`` pairs) at a time. Both go over each pair's sentence profiles (align
        twice, around the embedding batch); with the whole corpus in one pass, every article
        had fallen out of the caches before its next use and its profile was made three
        times (a quarter of the relate stage at 300k articles)."""
        ordered, family = _family_order(pairs)
        if not ordered:
            self.relate(store, self.align(store, []))  # the stages still report (0 s)
            return
        if self.remote is not None:
            self._decide_remotely(store, _parts(ordered, family, chunk), len(ordered))
            return
        for part in _parts(ordered, family, chunk):
            self.relate(store, self.align(store, part, total=len(ordered)))

    def _decide_remotely(self, store, parts: Iterable[list[tuple[str, str, str]]], total: int) -> None:
        """``align_and_relate`` with each part decided elsewhere (``remote``: a distributed
        engine's ``map_ordered``), sent with its articles; the pairs are stored here as they
        come back, in order."""
        def jobs() -> Iterator[tuple]:
            for part in parts:
                ids = sorted({x for a, b, _ in part for x in (a, b)})
                yield self.settings, store.article_batch(ids), part

        for rows, counts in self.remote(decide_chunk, jobs(), self.stats, what="chunk of candidate pairs"):
            store.put_pairs(rows)
            for key, n in counts.items():
                self.stats.count(key, n)
            self.progress("align", len(rows), total)

    def align(self, store, pairs: list[tuple[str, str, str]], *,
              total: int | None = None) -> list[tuple[str, str, list[SentenceMatch]]]:
        """Sentence matches of each pair (``total``: the pairs of the whole run, for progress)."""
        t0 = time.perf_counter()
        drafts: list[tuple[str, str, Draft]] = []
        for a, b, _why in _by_family(pairs):  # family by family, so the article caches hit
            if self.article(store, a).body_hash == self.article(store, b).body_hash:
                drafts.append((a, b, Draft()))
                continue
            drafts.append((a, b, lexical_matches(self.prof(store, a), self.prof(store, b))))
        embed_before = self.stats.timings.get("embed", 0.0)
        sims = self._paraphrase_similarities(store, drafts)
        t0 += self.stats.timings.get("embed", 0.0) - embed_before  # embedding is its own stage
        out = []
        for a, b, d in drafts:
            if self.article(store, a).body_hash == self.article(store, b).body_hash:
                out.append((a, b, []))
                continue
            matches = finish(d, sims.get((a, b)) if sims is not None else None, self.settings.paraphrase_threshold)
            out.append((a, b, add_splits(matches, self.prof(store, a), self.prof(store, b))))
            self.progress("align", 1, total or len(drafts))
        self._timed("align", t0)
        return out

    def _paraphrase_similarities(self, store, drafts) -> dict | None:
        """Cosine similarities of the paraphrase candidates that could change a decision."""
        if not self.settings.paraphrase:
            return None
        todo: list[tuple[str, str, int, int]] = []
        for a, b, d in drafts:
            if d.pending:
                todo.extend((a, b, i, j) for i, j in open_candidates(d, self.prof(store, a), self.prof(store, b)))
        if not todo:
            return {}
        t0 = time.perf_counter()
        keys = sorted({(a, i) for a, _b, i, _j in todo} | {(b, j) for _a, b, _i, j in todo})
        texts = []
        for art, idx in keys:
            p = self.prof(store, art)[idx]
            texts.append(self.article(store, art).text[p.start:p.end])
        embedder = self._embedder()
        vecs = embedder.encode(texts)
        row = {k: n for n, k in enumerate(keys)}
        sims: dict[tuple[str, str], dict[tuple[int, int], float]] = {}
        for a, b, i, j in todo:
            cos = float(np.dot(vecs[row[(a, i)]], vecs[row[(b, j)]]))
            sims.setdefault((a, b), {})[(i, j)] = cos
        self.stats.count("sentences_embedded", len(keys))
        self.stats.add_time("embed", time.perf_counter() - t0)
        return sims

    def _embedder(self):
        if self.embedder is None:
            from ..align.embed import shared_embedder

            device = None if self.settings.device == "auto" else self.settings.device
            self.embedder = shared_embedder(self.settings.model, device)
        return self.embedder

    def relate(self, store, aligned: list[tuple[str, str, list[SentenceMatch]]]) -> None:
        t0 = time.perf_counter()
        rows = []
        for a_id, b_id, matches in aligned:
            a, b = self.article(store, a_id), self.article(store, b_id)
            result = self.decide_pair(store, a, b, matches)
            rows.append((a_id, b_id, result is not None, result))
        store.put_pairs(rows)
        self.stats.count("related_pairs", sum(1 for r in rows if r[2]))
        self._timed("relate", t0)

    def decide_pair(self, store, a: Article, b: Article, matches: list[SentenceMatch]) -> dict | None:
        """The pair as decided from the two articles alone, or None when it is no reuse.

        Both orientations are kept (type, share, passages, changes if A were the
        original, and if B were) with the signed direction clues, so that the global
        pass can add family evidence and still pick either side."""
        if a.body_hash == b.body_hash:
            d = decide(a, b, pair_stats([], [], []), [], [], 0)
            full_a, full_b = (0, len(a.text)), (0, len(b.text))
            both = {
                "type": "duplicate", "share": 1.0, "share_original": 1.0, "closeness": 1.0, "changes": [],
                "note": "same clean body (exact duplicate)",
            }
            return {
                "a": a.id, "b": b.id, "dated": [usable_date(a), usable_date(b)], "clues": [list(w) for w in d.weighted],
                "ab": {**both, "passages": [Passage(full_a, full_b, "verbatim").to_dict()]},
                "ba": {**both, "passages": [Passage(full_b, full_a, "verbatim").to_dict()]},
            }
        sa, sb = self.prof(store, a.id), self.prof(store, b.id)
        st = pair_stats(matches, sa, sb, _self_refs(a, sa), _self_refs(b, sb), one_outlet=same_outlet(a, b))
        if not is_reuse(st):
            return None
        changes_ab, changes_ba = changes_both(a, b, matches, sa, sb)
        d = decide(a, b, st, changes_ab, changes_ba, _cut_end(matches, sa, sb), intro=_intro(matches, sa, sb),
                   context=_context(matches, sa, sb))

        def side(a_orig: bool) -> dict:
            share_d, share_o = (st.share_b, st.share_a) if a_orig else (st.share_a, st.share_b)
            kind = reuse_type(share_d, share_o, st.reworded)
            return {
                "type": kind, "share": round(share_d, 4), "share_original": round(share_o, 4),
                "closeness": round(_closeness(matches, sb if a_orig else sa, derived_is_b=a_orig), 4),
                "note": _reuse_evidence(kind, st, share_d, share_o),
                "passages": [p.to_dict() for p in build_passages(matches, sa, sb, a_is_original=a_orig)],
                "changes": [c.to_dict() for c in (changes_ab if a_orig else changes_ba)],
            }

        return {"a": a.id, "b": b.id, "dated": [usable_date(a), usable_date(b)],
                "clues": [list(w) for w in d.weighted], "ab": side(True), "ba": side(False)}


def _parts(ordered: list[tuple[str, str, str]], family: list[int], chunk: int) -> Iterator[list[tuple[str, str, str]]]:
    """``ordered`` (``_family_order``) cut into parts of about ``chunk`` pairs, never inside a family."""
    start = 0
    for end in range(1, len(ordered) + 1):
        if end == len(ordered) or (end - start >= chunk and family[end] != family[end - 1]):
            yield ordered[start:end]
            start = end


class _HeldArticles:
    """The articles of one part of the candidate pairs, standing in for the store where the
    part is decided (``decide_chunk``); the decided pairs are kept, not written."""

    def __init__(self, articles: dict[str, Article]):
        self.articles = articles
        self.rows: list[tuple] = []

    def article(self, id: str) -> Article:
        return self.articles[id]

    def put_pairs(self, rows: list[tuple]) -> None:
        self.rows.extend(rows)


def decide_chunk(settings: ReuseSettings, articles: dict[str, Article],
                 pairs: list[tuple[str, str, str]]) -> tuple[tuple[list[tuple], dict[str, int]], dict[str, float]]:
    """Align and decide ``pairs`` (one part of ``align_and_relate``) from their ``articles``
    alone, as a distributed engine's worker does: ((the rows for ``store.put_pairs``, counts),
    seconds per stage). The paraphrase model is loaded once per worker process."""
    held = _HeldArticles(articles)
    engine = ReuseEngine(settings)
    engine.relate(held, engine.align(held, pairs))
    return (held.rows, dict(engine.stats.counts)), dict(engine.stats.timings)


def _family_order(pairs: list[tuple[str, str, str]]) -> tuple[list[tuple[str, str, str]], list[int]]:
    """``pairs`` grouped by connected component (each group in its original order), and the
    component (numbered by its first pair) of each."""
    families = UnionFind()
    find = families.find
    for a, b, _ in pairs:
        families.union(a, b)
    first: dict[str, int] = {}
    for i, (a, _b, _w) in enumerate(pairs):
        first.setdefault(find(a), i)
    keyed = sorted(((first[find(p[0])], p[0], p[1]), p) for p in pairs)
    return [p for _, p in keyed], [k[0] for k, _ in keyed]


def _by_family(pairs: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """``pairs`` grouped by connected component (each group in its original order)."""
    return _family_order(pairs)[0]


def _closeness(matches: list[SentenceMatch], sd: list[SentenceProfile], *, derived_is_b: bool) -> float:
    """How closely the derived text follows the original: matched characters weighted by
    match quality (verbatim 1, edited by similarity, paraphrase 0.6 x cosine). Used to
    tell a chain (C follows B more closely than A) from copies of one original."""
    total = sum(s.end - s.start for s in sd) or 1
    best: dict[int, float] = {}
    for m in matches:
        idx = m.b if derived_is_b else m.a
        w = 1.0 if m.kind == "verbatim" else (m.score if m.kind == "edited" else 0.6 * m.score)
        best[idx] = max(best.get(idx, 0.0), w)
    return sum((sd[i].end - sd[i].start) * w for i, w in best.items()) / total


def _outlet_keys(article: Article) -> tuple[str, str]:
    """The outlet's name (letters and digits, lower-cased) and the web host of the article's URL
    (without "www."), each "" when unknown."""
    name = "".join(ch for ch in (article.source or "").lower() if ch.isalnum())
    host = ""
    if article.url:
        try:
            host = (urlsplit(article.url.strip()).hostname or "").removeprefix("www.")
        except ValueError:
            host = ""
    return name, host


def same_outlet(a: Article, b: Article) -> bool:
    """Whether two articles come from one outlet: the same name ("My6Sense", "my6sense") or the
    same web host."""
    (name_a, host_a), (name_b, host_b) = _outlet_keys(a), _outlet_keys(b)
    return bool(name_a and name_a == name_b) or bool(host_a and host_a == host_b)


def _self_refs(article: Article, profiles: list[SentenceProfile]) -> frozenset[int]:
    """Sentences of paragraphs that name the article's own outlet ("About The X: ...")."""
    name = (article.source or "").strip()
    if len(name) < 4:
        return frozenset()
    paragraphs = {i for i, (s, e) in enumerate(article.paragraphs) if name in article.text[s:e]}
    return frozenset(p.index for p in profiles if p.paragraph in paragraphs)


def _context(matches: list[SentenceMatch], sa: list[SentenceProfile], sb: list[SentenceProfile]):
    """How well the shared passage fits each article's own text; None when one side has
    too little text of its own to tell (duplicates, near-duplicates)."""
    ma = {m.a for m in matches}
    mb = {m.b for m in matches}
    rest_a = set().union(*(s.content for s in sa if s.index not in ma)) if len(sa) > len(ma) else set()
    rest_b = set().union(*(s.content for s in sb if s.index not in mb)) if len(sb) > len(mb) else set()
    if len(rest_a) < 15 or len(rest_b) < 15:
        return None
    shared = set().union(*(sa[i].content for i in ma)) if ma else set()
    return context_fit(shared, rest_a), context_fit(shared, rest_b)


def _intro(matches: list[SentenceMatch], sa: list[SentenceProfile], sb: list[SentenceProfile]) -> int:
    """Sentences one side puts before the shared text begins, when the other starts with it."""
    if not matches:
        return 0
    first_a = min(m.a for m in matches)
    first_b = min(m.b for m in matches)
    # sentences of prose (ending in . ! ? or a closing quote); a standfirst or subheading is not an intro
    pre_a = sum(1 for s in sa[:first_a] if len(s.tokens) >= 5 and s.prose)
    pre_b = sum(1 for s in sb[:first_b] if len(s.tokens) >= 5 and s.prose)
    if pre_a + pre_b != sum(1 for s in sa[:first_a] + sb[:first_b] if len(s.tokens) >= 5):
        return 0
    if pre_a == 0 and 1 <= pre_b <= 3:
        return pre_b
    if pre_b == 0 and 1 <= pre_a <= 3:
        return -pre_a
    return 0


def _cut_end(matches: list[SentenceMatch], sa: list[SentenceProfile], sb: list[SentenceProfile]) -> int:
    """How many substantial closing sentences of A have no match in B (positive), or of B in A (negative),
    when the other side's ending is matched up to that point."""
    if not matches:
        return 0
    last_a = max(m.a for m in matches)
    last_b = max(m.b for m in matches)
    tail_a = sum(1 for s in sa[last_a + 1:] if len(s.tokens) >= 5)
    tail_b = sum(1 for s in sb[last_b + 1:] if len(s.tokens) >= 5)
    if tail_a >= 2 and tail_b == 0:
        return tail_a
    if tail_b >= 2 and tail_a == 0:
        return -tail_b
    return 0


def _reuse_evidence(kind: str, st: PairStats, share_d: float, share_o: float) -> str:
    what = {"near_duplicate": "near-duplicate", "rewrite": "reworded copy", "partial": "partial reuse"}[kind]
    return (f"{what}: {share_d:.0%} of the derived text is matched in the original ({st.strong} verbatim or "
            f"lightly edited sentence(s), {st.para} paraphrased; {st.reworded:.0%} of the matched text reworded); "
            f"the derived text covers {share_o:.0%} of the original")
