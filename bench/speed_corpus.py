"""Synthetic news corpus for speed and near-duplicate benchmarks.

What it makes
    ``--n`` articles of 400-800 words as JSONL records
    ``{id, source, url, title, published, text}`` (paragraphs separated by a blank
    line), streamed to ``--out``, plus a sidecar truth file ``OUT.truth.jsonl``
    with one ``{"original", "derived", "kind"}`` line per copy.

Where the text comes from
    The topics, vocabulary and sentence shapes of ECB+ (``ecbplus/ecbplus.jsonl``:
    982 articles, 43 topics), but no ECB+ sentence, and no sentence shared by two
    articles unless one copies the other. Each sentence of a *unique* article is
    generated fresh (``Source``): ECB+ sentences are reduced to skeletons (stop
    words and punctuation kept, each content word replaced by a slot of its shape:
    lower-case word, capitalised word / name, number); an order-2 Markov chain over
    the skeletons of the article's topic generates a new skeleton of 12-35 words;
    its slots are filled with content words of that topic (half drawn by frequency,
    half uniformly over the distinct words). A sentence is dropped unless every word
    8-gram of it has at least 3 content words and none occurs in ECB+. A unique
    article takes 12-35-word sentences of one topic until its length is reached and
    groups them in paragraphs of 1-4 sentences. Sentences are made per topic in
    chunks of ~3k (numpy, seeded by (seed, topic, chunk)) and handed out in order,
    each to one article only. Two unique articles therefore share topic,
    vocabulary and named entities, but no sentence: on 2,000 unique articles of
    the 10k corpus, no word 8-gram of the bodies occurs in two articles (the old
    generator, which reused ECB+ sentences with ~15% of their words substituted,
    had 30k article pairs sharing 8-grams, up to 361 of them; see
    ``unique_overlap``). The text reads as topical word salad, which is all a
    speed and precision benchmark needs. Each article is published by one
    of a few outlets; most outlets add a fixed tail paragraph (read-more /
    cookie / newsletter text) and some a by-line, so unrelated articles share
    boilerplate: that tests precision.

Copies (about ``--copy-rate`` = 25% of the articles, each of an earlier unique one)
    * ``duplicate``: the same body, published by another outlet (other
      boilerplate, other url, later date);
    * ``near_duplicate``: the same body with 1-8 small edits (word replaced,
      inserted or deleted, a typo, a US->UK spelling change), same outlet or
      another one;
    * ``partial``: a new unique article with 2-4 consecutive paragraphs of the
      original inserted in it;
    * ``rewrite``: synonym swaps and a few paraphrase-like word replacements in
      most sentences, some sentences and paragraphs reordered.

    Originals are always unique articles, so two copies of the same original are
    related as well (the truth file lists only the original->copy pairs; the
    evaluation in ``bench/peers.py`` closes duplicate/near-duplicate groups).

Speed and memory
    Sentence generation is vectorised (numpy, ~20 us a sentence); an article then
    only picks the next sentences of its topic and renders their token ids. The
    sentences given to each unique article are remembered (chunk id + indices) so
    a copy renders its original again; the chunks are kept (uint16 tokens).
    Output is streamed. 10k articles: ~10 s; 100k: ~75 s of CPU (~2 min wall on a
    shared 2-core machine). Lengths: 400-800 words (with boilerplate) except a
    handful a few words short (4 of 10k at 398-399).

Usage
    python bench/speed_corpus.py --n 10000 --out bench/data/speed-10k.jsonl [--seed 1]
        [--copy-rate 0.25] [--event-size K] [--data DIR]

    ``--event-size K`` (default 0: off) splits each topic's unique articles into events of
    about K articles, each with four made-up names put in place of every 10th-15th word,
    so that the number of events grows with the corpus (``bench/stories_speed.py``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import sys
import time
from array import array
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "data"

MIN_WORDS, MAX_WORDS = 400, 800
SUB_RATE = 0.15  # share of content words replaced in a unique article
KIND_WEIGHTS = {"duplicate": 0.30, "near_duplicate": 0.30, "partial": 0.20, "rewrite": 0.20}
BASE_DATE = dt.datetime(2013, 1, 1, tzinfo=dt.timezone.utc)
SPAN_DAYS = 730

# Outlets: (name, domain, by-line paragraph or None, tail paragraph or None).
OUTLETS = [
    ("Daily Ledger", "dailyledger.example", None,
     "Read more: Sign up for the Daily Ledger morning briefing and get the day's top stories "
     "delivered to your inbox every weekday. Follow us on Twitter and Facebook for breaking news."),
    ("Metro Wire", "metrowire.example", "By Metro Wire staff",
     "We use cookies to improve your experience on our site and to show you relevant advertising. "
     "By continuing to browse you agree to our use of cookies. Read our privacy policy to learn more."),
    ("The Courier", "thecourier.example", None,
     "Newsletter: Get The Courier's best journalism in your inbox. Subscribe now for unlimited "
     "digital access and support independent local reporting. Cancel any time."),
    ("Coastal Times", "coastaltimes.example", "From our correspondents",
     "Copyright Coastal Times. All rights reserved. This material may not be published, broadcast, "
     "rewritten or redistributed without permission."),
    ("Newsline 24", "newsline24.example", None,
     "Related: More stories like this one are available in our archive. Have a tip? Contact our "
     "newsroom by email or use our secure form. Comments are closed for this article."),
    ("Valley Herald", "valleyherald.example", "Staff and wire reports", None),
    ("Global Dispatch", "globaldispatch.example", None,
     "Read more: The Global Dispatch is funded by readers like you. Become a member today and "
     "help keep our reporting free for everyone, everywhere."),
    ("Plain Post", "plainpost.example", None, None),
]
SECTIONS = ["news", "world", "us", "local", "business", "tech", "entertainment", "sports", "crime"]

STOP = set("""
a about above after again against all also am an and any are around as at be because been before
being below between both but by can could did do does doing down during each even ever every few for
from further had has have having he her here hers herself him himself his how however i if in into is
it its itself just least less like many may me might more most much must my myself no nor not now of
off often on once only or other others our ours ourselves out over own per same she should since so
some still such than that the their theirs them themselves then there these they this those though
through to too under until up upon us very was we were what when where whether which while who whom
whose why will with within without would yet you your yours yourself said says say told tell
""".split())

# Hand-made synonym table for rewrites (news register).
SYN = {
    "said": "stated", "says": "states", "told": "informed", "police": "officers", "killed": "slain",
    "died": "perished", "people": "individuals", "man": "male", "woman": "female", "new": "fresh",
    "first": "initial", "last": "final", "found": "discovered", "according": "per", "hit": "struck",
    "shot": "gunned", "left": "departed", "million": "millions", "team": "squad", "game": "match",
    "death": "passing", "later": "subsequently", "began": "started", "start": "begin", "help": "assist",
    "small": "little", "large": "sizable", "home": "house", "near": "close",
    "show": "display", "showed": "displayed", "company": "firm", "announced": "unveiled",
    "officials": "authorities", "official": "spokesperson", "attack": "assault", "city": "town",
    "car": "vehicle", "died.": "perished.", "victim": "casualty", "victims": "casualties",
    "injured": "wounded", "arrested": "detained", "charged": "accused", "court": "tribunal",
    "earthquake": "quake", "fire": "blaze", "building": "structure", "hospital": "clinic",
    "children": "kids", "child": "kid", "house": "residence", "street": "road", "week": "week-long",
    "year": "twelve-month", "years": "decades", "days": "days-long", "several": "various",
    "many": "numerous", "big": "major", "also": "additionally", "because": "since", "about": "roughly",
    "before": "prior to", "after": "following", "during": "throughout", "but": "yet",
    "while": "whereas", "however": "nevertheless", "very": "extremely", "quickly": "rapidly",
    "buy": "purchase", "bought": "purchased", "acquire": "buy", "deal": "agreement",
    "agreement": "accord", "report": "account", "reported": "stated", "news": "reports",
    "statement": "release", "spokesman": "representative", "member": "participant",
    "members": "participants", "killing": "slaying", "murder": "homicide", "suspect": "accused",
    "investigation": "probe", "fans": "supporters", "star": "celebrity", "actress": "performer",
    "actor": "performer", "film": "movie", "released": "issued", "role": "part", "award": "prize",
    "win": "victory", "won": "claimed", "lost": "dropped", "beat": "defeated", "season": "campaign",
    "coach": "manager", "player": "athlete", "players": "athletes", "market": "marketplace",
    "chip": "processor", "chips": "processors", "servers": "machines", "quake": "tremor",
    "magnitude": "strength", "struck": "hit", "area": "region", "residents": "locals",
    "government": "administration", "president": "leader", "country": "nation", "state": "province",
    "military": "armed forces", "troops": "soldiers", "soldiers": "troops", "ship": "vessel",
    "boat": "craft", "rescue": "save", "rescued": "saved", "missing": "unaccounted for",
    "biggest": "largest", "largest": "biggest", "worst": "deadliest", "early": "premature",
    "late": "belated", "morning": "forenoon", "night": "evening", "afternoon": "midday",
}

US_UK = {
    "center": "centre", "centers": "centres", "color": "colour", "honor": "honour",
    "defense": "defence", "organization": "organisation", "program": "programme",
    "theater": "theatre", "neighbor": "neighbour", "neighbors": "neighbours", "favorite": "favourite",
    "labor": "labour", "traveled": "travelled", "analyze": "analyse", "recognize": "recognise",
    "apologize": "apologise", "criticized": "criticised", "jewelry": "jewellery", "gray": "grey",
    "toward": "towards", "license": "licence", "offense": "offence", "realize": "realise",
    "authorized": "authorised", "organized": "organised", "percent": "per cent",
    "behavior": "behaviour", "harbor": "harbour", "canceled": "cancelled", "rumors": "rumours",
}

_WORD = re.compile(r"^[a-z]+$")


_CORE = re.compile(r"^(\W*?)(\w(?:.*\w)?)(\W*)$")  # leading punctuation, core word, trailing punctuation
_DIGIT = re.compile(r"\d")

# Reserved token ids of the sentence chain: content-word slots and sentence bounds.
SLOT_LOWER, SLOT_CAP, SLOT_NUM, BOS, EOS = range(5)
N_SLOTS = 3
# Token kinds: a literal word (stop word or bare punctuation, kept as written), glue
# punctuation (attached to the next / previous word when rendered, not a word), a content word.
K_LITERAL, K_GLUE, K_CONTENT, K_SPECIAL = range(4)
GLUE_R, GLUE_L = "\x01", "\x02"  # markers removed at rendering: "“\x01 word" -> "“word", "word \x02." -> "word."
MAX_TOKENS = 64       # chain steps per generated sentence (words + glue)
SENT_MIN, SENT_MAX = 12, 35
NOVEL_N = 8           # no word 8-gram of a generated sentence occurs in ECB+
MIN_CONTENT = 3       # content words in every word 8-gram of a generated sentence
CHUNK_CANDIDATES = 8192


def _hash_grams(ids: np.ndarray, n: int) -> np.ndarray:
    """Polynomial hashes (uint64, wrapping) of the n-grams along axis 1 of a 2-D id array."""
    w = ids.shape[1] - n + 1
    h = np.zeros((ids.shape[0], max(w, 0)), dtype=np.uint64)
    if w <= 0:
        return h
    mul = np.uint64(0x100000001B3)
    for k in range(n):
        h = h * mul + ids[:, k:k + w].astype(np.uint64) + np.uint64(1)
    return h


class Source:
    """Fresh sentences in the style of each ECB+ topic, generated in bulk with numpy.

    Every ECB+ sentence is turned into a *skeleton*: stop words and bare punctuation
    stay as written, attached punctuation becomes its own glue token, and each content
    word becomes a slot of its shape (lower-case word, capitalised word / name, number).
    An order-2 Markov chain over the skeleton tokens of one topic generates new
    skeletons (12-35 words); the slots are filled with the content words of the same
    topic (drawn half by frequency, half uniformly over the distinct words, so topic
    names and vocabulary recur without making sentences repeat). A sentence is kept
    only if every word 8-gram of it holds at least ``MIN_CONTENT`` content words and
    none occurs in ECB+ (case-insensitive, punctuation aside). Sentences are made per
    topic in chunks of a few thousand, each from its own numpy generator seeded by
    (seed, topic, chunk), and handed out in order: no sentence is used by two articles."""

    def __init__(self, ecb_path: Path, seed: int):
        self.seed = seed
        words: list[str] = ["<l>", "<C>", "<N>", "<s>", "</s>"]
        kind: list[int] = [K_SPECIAL] * 5
        wid: dict[str, int] = {}

        def tid(s: str, k: int) -> int:
            key = s if k != K_CONTENT else "\x03" + s  # a content core and a literal may share a spelling
            j = wid.get(key)
            if j is None:
                j = wid[key] = len(words)
                words.append(s)
                kind.append(k)
            return j

        topic_skel: dict[int, list[list[int]]] = {}
        topic_fill: dict[int, list[list[int]]] = {}
        src_word_sents: list[list[int]] = []  # ECB+ sentences as word-token ids (for the 8-gram check)
        with open(ecb_path, encoding="utf-8") as fh:
            for line in fh:
                d = json.loads(line)
                t = int(d.get("topic", 0))
                skels = topic_skel.setdefault(t, [])
                fills = topic_fill.setdefault(t, [[], [], []])
                for s in d.get("text", "").split("\n"):
                    toks = s.split()
                    if not toks:
                        continue
                    skel: list[int] = []
                    wseq: list[int] = []
                    for w in toks:
                        m = _CORE.match(w)
                        if m is None:  # bare punctuation: a literal word
                            j = tid(w, K_LITERAL)
                            skel.append(j)
                            wseq.append(j)
                            continue
                        pre, core, post = m.groups()
                        if pre:
                            skel.append(tid(pre + GLUE_R, K_GLUE))
                        if core.lower() in STOP:
                            j = tid(core, K_LITERAL)
                            skel.append(j)
                        else:
                            j = tid(core, K_CONTENT)
                            slot = SLOT_NUM if _DIGIT.search(core) else \
                                SLOT_CAP if core[0].isupper() else SLOT_LOWER
                            skel.append(slot)
                            fills[slot].append(j)
                        wseq.append(j)
                        if post:
                            skel.append(tid(GLUE_L + post, K_GLUE))
                    skels.append(skel)
                    src_word_sents.append(wseq)
        if len(words) > 65535:
            raise ValueError("token table too large for uint16 sentence storage")
        self.words = words
        self.kind = np.array(kind, dtype=np.int8)
        self.isword_sym = ((self.kind == K_LITERAL) | (self.kind == K_CONTENT)).astype(np.int32)
        self.isword_sym[[SLOT_LOWER, SLOT_CAP, SLOT_NUM]] = 1
        low: dict[str, int] = {}
        self.low = np.array([low.setdefault(w.lower(), len(low)) for w in words], dtype=np.int64)
        # content vocabulary (for the copy edits): lower-case alphabetic non-stop words
        self.vocab_lower = sorted({w for w, k in zip(words, kind)
                                   if k == K_CONTENT and len(w) >= 3 and _WORD.match(w)})
        # every word 8-gram of ECB+ (hashed on lower-cased words)
        flat = self.low[np.array([j for ws in src_word_sents for j in ws], dtype=np.int64)]
        sent_id = np.repeat(np.arange(len(src_word_sents)), [len(ws) for ws in src_word_sents])
        h = _hash_grams(flat[None, :], NOVEL_N)[0]
        self.src_grams = np.unique(h[sent_id[:len(h)] == sent_id[NOVEL_N - 1:]])  # within a sentence
        # per topic: the order-2 chain over skeleton tokens and the slot fillers
        all_fill = [np.array(sorted({j for f in topic_fill.values() for j in f[k]}), dtype=np.int64)
                    for k in range(N_SLOTS)]
        self.topics = sorted(t for t, sk in topic_skel.items() if len(sk) >= 20)
        self.chains = [self._chain(topic_skel[t]) for t in self.topics]
        self.fills = []
        for t in self.topics:
            fl = []
            for k in range(N_SLOTS):
                occ = np.array(topic_fill[t][k], dtype=np.int64)
                fl.append(np.concatenate([occ, np.unique(occ)]) if len(occ) >= 20 else all_fill[k])
            self.fills.append(fl)
        # sentence chunks, handed out in order per topic
        self.chunk_tok: list[array] = []     # uint16 tokens of the chunk's sentences, concatenated
        self.chunk_off: list[list[int]] = []  # sentence start offsets (+ end)
        self.chunk_len: list[list[int]] = []  # words per sentence
        self.cur = [-1] * len(self.topics)    # current chunk of each topic
        self.pos = [0] * len(self.topics)     # next unused sentence in it
        self.made = [0] * len(self.topics)    # chunks made per topic
        self.stats = {"candidates": 0, "kept": 0, "too_long_or_short": 0, "few_content": 0, "in_ecb": 0}

    @staticmethod
    def _chain(skels: list[list[int]]):
        a_l, b_l, c_l = [], [], []
        for sk in skels:
            seq = [BOS, BOS] + sk + [EOS]
            a_l.extend(seq[:-2])
            b_l.extend(seq[1:-1])
            c_l.extend(seq[2:])
        a, b, c = (np.array(x, dtype=np.int64) for x in (a_l, b_l, c_l))
        key_ab = (a << 20) | b
        states, state = np.unique(key_ab, return_inverse=True)
        key_bc = (b << 20) | c
        nxt = np.searchsorted(states, key_bc)
        nxt[c == EOS] = 0  # unused: the sentence ends
        order = np.argsort(state, kind="stable")
        off = np.searchsorted(state[order], np.arange(len(states) + 1))
        start = int(np.searchsorted(states, (BOS << 20) | BOS))
        return off[:-1], np.diff(off), c[order], nxt[order], start

    def _make_chunk(self, ti: int) -> int:
        """Generate one chunk of sentences for topic index ``ti``; returns its chunk id."""
        off, cnt, sym, nxt, start = self.chains[ti]
        rng = np.random.default_rng([self.seed, 0x5EC, ti, self.made[ti]])
        self.made[ti] += 1
        B = CHUNK_CANDIDATES
        L = MAX_TOKENS
        isw_sym = self.isword_sym
        mat = np.full((B, L), EOS, dtype=np.int32)
        s = np.full(B, start, dtype=np.int64)
        alive = np.ones(B, dtype=bool)
        nw = np.zeros(B, dtype=np.int32)
        rand = rng.random((L, B))
        for j in range(L):
            cs_ = cnt[s]
            idx = off[s] + (rand[j] * cs_).astype(np.int64)
            c = sym[idx]
            early = (c == EOS) & (nw < SENT_MIN)
            if early.any():  # an end before SENT_MIN words: draw again (twice), else the sentence is dropped
                for _ in range(2):
                    e = np.flatnonzero(early)
                    i2 = off[s[e]] + (rng.random(len(e)) * cs_[e]).astype(np.int64)
                    idx[e] = i2
                    c[e] = sym[i2]
                    early[e] = c[e] == EOS
            c = np.where(alive, c, EOS)
            mat[:, j] = c
            nw += isw_sym[c]
            alive &= (c != EOS) & (nw <= SENT_MAX)
            if not alive.any():
                break
            s = np.where(alive, nxt[idx], start)
        nw_ok = (nw >= SENT_MIN) & (nw <= SENT_MAX)
        ok_len = ~alive & nw_ok & (mat[:, -1] == EOS)
        # a row that stopped on too many words has nw = SENT_MAX + 1 and is dropped here
        mat = mat[ok_len]
        nw = nw[ok_len]
        n_len = int(ok_len.sum())
        for k in range(N_SLOTS):
            m = mat == k
            pool = self.fills[ti][k]
            mat[m] = pool[rng.integers(0, len(pool), int(m.sum()))]
        kd = self.kind[mat]
        isword = (kd == K_LITERAL) | (kd == K_CONTENT)
        # words only, left-aligned
        col = np.arange(L, dtype=np.int32)
        order = np.argsort(np.where(isword, col, L + col), axis=1, kind="stable")
        comp = np.take_along_axis(mat, order, axis=1)
        W = SENT_MAX
        comp = comp[:, :W]
        valid = col[: W - NOVEL_N + 1][None, :] <= (nw[:, None] - NOVEL_N)
        iscontent = (self.kind[comp] == K_CONTENT).astype(np.int16)
        csum = np.concatenate([np.zeros((len(comp), 1), np.int16), np.cumsum(iscontent, axis=1, dtype=np.int16)],
                              axis=1)
        win = csum[:, NOVEL_N:] - csum[:, :-NOVEL_N]
        ok_content = ~((win < MIN_CONTENT) & valid).any(axis=1)
        h = _hash_grams(self.low[comp], NOVEL_N)
        in_src = np.zeros(h.shape, dtype=bool)
        hv = h[valid]
        g = self.src_grams
        in_src[valid] = g[np.minimum(np.searchsorted(g, hv), len(g) - 1)] == hv
        ok_novel = ~in_src.any(axis=1)
        keep = ok_content & ok_novel
        st = self.stats
        st["candidates"] += B
        st["too_long_or_short"] += B - n_len
        st["few_content"] += int((~ok_content).sum())
        st["in_ecb"] += int((ok_content & ~ok_novel).sum())
        st["kept"] += int(keep.sum())
        rows = mat[keep]
        ntok = (rows != EOS).sum(axis=1)  # EOS only pads the end of a row
        flat = rows[rows != EOS].astype(np.uint16)
        offs = np.concatenate([[0], np.cumsum(ntok)]).tolist()
        self.chunk_tok.append(array("H", flat.tobytes()))
        self.chunk_off.append(offs)
        self.chunk_len.append(nw[keep].tolist())
        return len(self.chunk_tok) - 1

    def take(self, ti: int, budget: int) -> tuple[int, list[int]]:
        """Unused sentences of topic ``ti`` that fill ``budget`` words: (chunk id, sentence indices)."""
        c = self.cur[ti]
        if c < 0 or len(self.chunk_len[c]) - self.pos[ti] < 80:
            c = self.cur[ti] = self._make_chunk(ti)
            self.pos[ti] = 0
        lens = self.chunk_len[c]
        p = self.pos[ti]
        chosen = []
        acc = 0
        misses = 0
        end = len(lens)
        while p < end:
            ln = lens[p]
            p += 1
            if acc + ln > budget:  # skip a sentence that does not fit (it stays unused); stop after a few
                misses += 1
                if misses > 4 or budget - acc < SENT_MIN:
                    break
                continue
            chosen.append(p - 1)
            acc += ln
        self.pos[ti] = p
        return c, chosen

    def render(self, c: int, sents: list[int]) -> str:
        tok, off = self.chunk_tok[c], self.chunk_off[c]
        ids = tok[off[sents[0]]:off[sents[0] + 1]] if len(sents) == 1 else \
            [x for s in sents for x in tok[off[s]:off[s + 1]]]
        text = " ".join(map(self.words.__getitem__, ids)).replace(" " + GLUE_L, "").replace(GLUE_R + " ", "")
        if GLUE_L in text or GLUE_R in text:
            text = text.replace(GLUE_L, "").replace(GLUE_R, "")
        return text


class Generator:
    def __init__(self, src: Source, n: int, seed: int, copy_rate: float, event_size: int = 0):
        self.src, self.n, self.seed, self.copy_rate = src, n, seed, copy_rate
        # events: each topic's unique articles fall into events of about event_size articles, each
        # with its own names (0: no events, every article of a topic alike, as before)
        self.event_size = event_size
        self.events_per_topic = max(1, round(n * (1 - copy_rate) / (len(src.topics) * event_size))) if event_size else 0
        self.event_names: dict[tuple[int, int], list[str]] = {}
        self.master = random.Random(seed * 1_000_003 + 7)
        self.r = random.Random()
        # per-article metadata needed by copies: outlet, published (epoch s), title, sentences
        self.outlet = array("b", bytes(n))
        self.pub = array("q", bytes(8 * n))
        self.titles: dict[int, str] = {}
        self.alloc: dict[int, tuple[int, array]] = {}
        self.uniques = array("l")
        self.kinds = list(KIND_WEIGHTS)
        self.kind_w = list(KIND_WEIGHTS.values())
        self.tail_len = [len(o[3].split()) if o[3] else 0 for o in OUTLETS]
        self.head_len = [len(o[2].split()) if o[2] else 0 for o in OUTLETS]
        self.max_boiler = max(h + t for h, t in zip(self.head_len, self.tail_len))

    # -- unique bodies ------------------------------------------------------
    def body(self, i: int, budget: int | None = None) -> tuple[list[str], int]:
        """Paragraphs of unique article ``i`` and the outlet drawn for it.

        Fresh sentences of one topic; the first call for ``i`` takes them from the
        topic's stream and remembers which (so an original is rendered again when a
        copy needs it); the draws are deterministic in (seed, i). ``budget`` overrides
        the body word count (and is not remembered: copies' fresh content)."""
        src = self.src
        r = self.r
        r.seed((self.seed << 40) + i)
        o = r.randrange(len(OUTLETS))
        total = r.randint(MIN_WORDS + self.max_boiler + 20, MAX_WORDS)
        t = r.randrange(len(src.topics))
        got = self.alloc.get(i) if budget is None else None
        if got is None:
            if budget is None:  # room for the longest boilerplate (copies change outlet) and edits
                c, chosen = src.take(t, total - self.max_boiler - 10)
                self.alloc[i] = (c, array("H", chosen))
            else:
                c, chosen = src.take(t, budget)
        else:
            c, chosen = got
        sizes = r.choices(_PARA_SIZES, cum_weights=_PARA_CUM, k=len(chosen))
        paras = []
        j = 0
        for k in sizes:
            if j >= len(chosen):
                break
            paras.append(src.render(c, chosen[j:j + k]))
            j += k
        if self.event_size:
            paras = self._with_event_names(i, t, paras)
        return paras, o

    _SYLLABLES = ("ka", "ro", "vel", "mar", "ti", "den", "sa", "lor", "quin", "bra", "to", "mel", "dar", "ve",
                  "ni", "gor", "ha", "lis", "pen", "su", "ral", "co", "fen", "mi")

    def _names_of(self, t: int, e: int) -> list[str]:
        """Four made-up names (a person, two places, an organisation) of event e of topic t."""
        key = (t, e)
        if key not in self.event_names:
            rn = random.Random(((self.seed * 1_000_003 + t) * 1_000_003 + e) ^ 0xE7E)

            def word() -> str:
                return "".join(rn.choice(self._SYLLABLES) for _ in range(rn.randint(2, 3))).capitalize()

            self.event_names[key] = [f"{word()} {word()}", word(), word(), f"{word()} Group"]
        return self.event_names[key]

    def _with_event_names(self, i: int, t: int, paras: list[str]) -> list[str]:
        """``paras`` with every 10th-15th word replaced by one of the names of article i's event
        (deterministic in (seed, i), so a copy renders its original's names)."""
        re_ = random.Random(((self.seed << 40) + i) ^ 0x5EED)
        names = self._names_of(t, re_.randrange(self.events_per_topic))
        out = []
        for p in paras:
            words = p.split(" ")
            k = re_.randint(3, 9)
            while k < len(words) - 1:
                tail = words[k][len(words[k].rstrip(".,;:!?\"”’")):]
                words[k] = re_.choice(names) + tail
                k += re_.randint(10, 15)
            out.append(" ".join(words))
        return out

    # -- records ------------------------------------------------------------
    def _record(self, i: int, outlet: int, paras: list[str], title: str, pub: int) -> dict:
        name, domain, head, tail = OUTLETS[outlet]
        body = list(paras)
        if head:
            body.insert(0, head)
        if tail:
            body.append(tail)
        slug = "-".join(re.sub(r"[^a-z0-9 ]", "", title.lower()).split()[:6]) or "story"
        d = dt.datetime.fromtimestamp(pub, dt.timezone.utc)
        sec = SECTIONS[(i * 7 + outlet) % len(SECTIONS)]
        return {
            "id": f"sc{self.seed}-{i:07d}",
            "source": name,
            "url": f"https://www.{domain}/{sec}/{d:%Y/%m/%d}/{slug}-{i}",
            "title": title,
            "published": d.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "text": "\n\n".join(body),
        }

    @staticmethod
    def _title(first_para: str, rng: random.Random) -> str:
        ws = first_para.split()[: rng.randint(6, 11)]
        t = " ".join(ws).rstrip(".,;:\"'”’“")
        return t[:1].upper() + t[1:]

    def _pub_base(self, i: int, rng: random.Random) -> int:
        base = BASE_DATE.timestamp() + (i / max(1, self.n)) * SPAN_DAYS * 86400
        return int(base) + rng.randint(-43200, 43200)

    def article(self, i: int) -> tuple[dict, dict | None]:
        """Record ``i`` and its truth line (None for a unique article)."""
        rng = self.master
        if i >= 20 and self.uniques and rng.random() < self.copy_rate:
            kind = rng.choices(self.kinds, weights=self.kind_w)[0]
            orig = self.uniques[rng.randrange(len(self.uniques))]
            rec = self._copy(i, orig, kind, rng)
            return rec, {"original": f"sc{self.seed}-{orig:07d}", "derived": rec["id"], "kind": kind}
        paras, o = self.body(i)
        title = self._title(paras[0], rng)
        pub = self._pub_base(i, rng)
        self.outlet[i], self.pub[i], self.titles[i] = o, pub, title
        self.uniques.append(i)
        return self._record(i, o, paras, title, pub), None

    def _other_outlet(self, o: int, rng: random.Random) -> int:
        return (o + 1 + rng.randrange(len(OUTLETS) - 1)) % len(OUTLETS)

    def _copy(self, i: int, orig: int, kind: str, rng: random.Random) -> dict:
        oo = self.outlet[orig]
        pub = self.pub[orig] + rng.randint(600, 4 * 86400)
        title = self.titles[orig]
        oparas = self.body(orig)[0]
        if kind == "partial":
            k = min(len(oparas), rng.randint(2, 4))
            start = rng.randint(0, len(oparas) - k)
            reused = oparas[start:start + k]
            o = rng.randrange(len(OUTLETS))
            reused_words = sum(len(p.split()) for p in reused)
            total = rng.randint(MIN_WORDS + 20, MAX_WORDS)
            budget = max(0, total - reused_words - self.tail_len[o] - self.head_len[o])
            paras = self.body(i, budget=budget)[0] if budget >= 40 else []  # fresh content
            at = rng.randint(0, len(paras))
            paras = paras[:at] + reused + paras[at:]
            title = self._title(paras[0], rng)
        elif kind == "duplicate":
            o = self._other_outlet(oo, rng)
            paras = oparas
        else:
            words = []
            for p in oparas:
                words.extend(p.split())
                words.append("\n\n")
            if kind == "near_duplicate":
                o = oo if rng.random() < 0.5 else self._other_outlet(oo, rng)
                words = self._near_edit(words, rng)
                if rng.random() < 0.3:
                    title = " ".join(self._near_edit(title.split(), rng, max_edits=1))
            else:  # rewrite
                o = rng.randrange(len(OUTLETS))
                words = self._rewrite(words, rng)
            paras = [p.strip() for p in " ".join(words).split("\n\n") if p.strip()]
            if kind == "rewrite":
                paras = self._reorder(paras, rng)
                title = self._title(paras[0], rng)
        self.outlet[i], self.pub[i] = o, pub
        return self._record(i, o, paras, title, pub)

    def _near_edit(self, words: list[str], rng: random.Random, max_edits: int = 8) -> list[str]:
        """1..max_edits small edits: replace / delete / insert a word, a typo, a US->UK spelling."""
        words = list(words)
        vocab = self.src.vocab_lower
        for _ in range(rng.randint(1, max_edits)):
            op = rng.randrange(5)
            pos = [j for j in (rng.randrange(len(words)) for _ in range(8)) if words[j] != "\n\n"]
            if not pos:
                continue
            j = pos[0]
            if op == 0:  # replace
                words[j] = rng.choice(vocab)
            elif op == 1 and len(words) > 10:  # delete
                del words[j]
            elif op == 2:  # insert
                words.insert(j, rng.choice(vocab))
            elif op == 3:  # typo: swap two inner letters of a longer word
                cand = [p for p in pos if len(words[p]) >= 5 and words[p].isalpha()]
                if cand:
                    w = words[cand[0]]
                    q = rng.randint(1, len(w) - 3)
                    words[cand[0]] = w[:q] + w[q + 1] + w[q] + w[q + 2:]
            else:  # US -> UK spelling of every occurrence of one word (else a case change)
                hits = [w for w in words if w in US_UK]
                if hits:
                    w0 = rng.choice(hits)
                    words = [US_UK[w] if w == w0 else w for w in words]
                else:
                    words[j] = words[j].upper() if len(words[j]) <= 3 else words[j].capitalize()
        return words

    def _rewrite(self, words: list[str], rng: random.Random) -> list[str]:
        """Synonym swaps (85% of the words in SYN) and ~8% of the other content words replaced."""
        vocab = self.src.vocab_lower
        out = []
        rand = rng.random
        for w in words:
            lw = w.lower()
            x = rand()
            if lw in SYN and x < 0.85:
                s = SYN[lw]
                out.append(s.capitalize() if w[:1].isupper() else s)
            elif x < 0.08 and lw.isalpha() and lw not in STOP:
                out.append(rng.choice(vocab))
            else:
                out.append(w)
        return out

    @staticmethod
    def _reorder(paras: list[str], rng: random.Random) -> list[str]:
        """Shuffle the sentences of ~40% of the paragraphs, then swap 1-3 paragraph pairs."""
        paras = list(paras)
        for j, p in enumerate(paras):
            if rng.random() < 0.4:
                ss = re.split(r"(?<=[.!?])\s+", p)
                if len(ss) > 1:
                    rng.shuffle(ss)
                    paras[j] = " ".join(ss)
        for _ in range(rng.randint(1, 3)):
            if len(paras) > 2:
                a, b = rng.sample(range(len(paras)), 2)
                paras[a], paras[b] = paras[b], paras[a]
        return paras


_PARA_SIZES = [1, 2, 3, 4]
_PARA_CUM = [0.15, 0.55, 0.85, 1.0]  # p = .15 .40 .30 .15


def unique_overlap(path: Path, truth: Path | None = None, sample: int = 2000, n: int = NOVEL_N,
                   seed: int = 0) -> dict:
    """Word n-grams (default 8, lower-cased, whitespace words) shared between unique articles.

    Unique articles are those that are no copy (never ``derived`` in the truth file).
    ``sample`` of them are drawn; the outlets' by-line and tail paragraphs are removed
    first (they are shared on purpose); for comparison the n-grams are also counted with
    them kept. Returns, for the bodies, the number of article pairs that share any n-gram
    and the most n-grams one pair shares."""
    truth = truth or path.with_name(path.name.removesuffix(".jsonl") + ".truth.jsonl")
    derived = {json.loads(line)["derived"] for line in open(truth, encoding="utf-8") if line.strip()}
    boiler = {p for o in OUTLETS for p in (o[2], o[3]) if p}
    texts = [(rec["id"], rec["text"]) for rec in map(json.loads, open(path, encoding="utf-8"))
             if rec["id"] not in derived]
    texts = random.Random(seed).sample(texts, min(sample, len(texts)))
    out: dict = {"n": n, "unique_articles": len(texts)}
    for label, strip in (("body", True), ("with_boilerplate", False)):
        where: dict[str, list[int]] = {}
        for k, (_id, text) in enumerate(texts):
            if strip:
                text = "\n\n".join(p for p in text.split("\n\n") if p not in boiler)
            w = text.lower().split()
            for g in {" ".join(w[j:j + n]) for j in range(len(w) - n + 1)}:
                where.setdefault(g, []).append(k)
        multi = [v for v in where.values() if len(v) > 1]
        r = {"ngrams_in_2plus_articles": len(multi), "max_articles_per_ngram": max(map(len, multi), default=1)}
        if strip:  # exact pair counts (cheap when, as intended, almost nothing is shared)
            shared: dict[tuple[int, int], int] = {}
            for v in multi:
                for x in range(len(v)):
                    for y in range(x + 1, len(v)):
                        shared[(v[x], v[y])] = shared.get((v[x], v[y]), 0) + 1
            r.update(pairs_sharing=len(shared), max_shared_per_pair=max(shared.values(), default=0))
        out[label] = r
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--copy-rate", type=float, default=0.25)
    ap.add_argument("--event-size", type=int, default=0,
                    help="unique articles per event (each event with its own names); 0: no events")
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help=f"shared data folder (default: {DEFAULT_DATA})")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    src = Source(args.data / "ecbplus" / "ecbplus.jsonl", args.seed)
    gen = Generator(src, args.n, args.seed, args.copy_rate, args.event_size)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    truth_path = args.out.with_name(args.out.name.removesuffix(".jsonl") + ".truth.jsonl") \
        if args.out.name.endswith(".jsonl") else Path(str(args.out) + ".truth.jsonl")
    counts: dict[str, int] = {}
    dumps = json.dumps
    with open(args.out, "w", encoding="utf-8") as out, open(truth_path, "w", encoding="utf-8") as tr:
        buf: list[str] = []
        tbuf: list[str] = []
        for i in range(args.n):
            rec, truth = gen.article(i)
            buf.append(dumps(rec, ensure_ascii=False))
            if truth:
                tbuf.append(dumps(truth))
                counts[truth["kind"]] = counts.get(truth["kind"], 0) + 1
            if len(buf) >= 2000:
                out.write("\n".join(buf) + "\n")
                buf.clear()
                if tbuf:
                    tr.write("\n".join(tbuf) + "\n")
                    tbuf.clear()
        if buf:
            out.write("\n".join(buf) + "\n")
        if tbuf:
            tr.write("\n".join(tbuf) + "\n")
    dt_s = time.perf_counter() - t0
    print(f"wrote {args.n} articles to {args.out} ({args.out.stat().st_size / 1e6:.1f} MB) and "
          f"{sum(counts.values())} truth pairs to {truth_path} {counts} in {dt_s:.1f}s "
          f"({args.n / dt_s:,.0f} articles/s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
