"""The fast paths of the candidate stage give what the plain code gives.

Each faster function is checked against the straightforward implementation it
replaced (kept here as the reference), and fingerprints made at ingest, in
worker processes, are checked against those the reuse engine makes itself."""

from __future__ import annotations

import json
import pickle
import re
import sqlite3
import unicodedata
from pathlib import Path

import numpy as np
from hypothesis import given, settings, strategies as st

import copydesk
from copydesk.config import load_settings
from copydesk.fingerprint import span_tokens, tokens
from copydesk.fingerprint.sketch import _distinct, shingle_hashes, word_hashes
from copydesk.fingerprint.tokens import content_tokens, token_hash
from copydesk.model import Article, Embed, Removed
from copydesk.relate.engine import ReuseEngine, _shared_key_pairs, fingerprint_params, fingerprint_rows
from copydesk.segment import split_sentences
from copydesk.segment.rules import RULES, classify
from copydesk.textutil import clean_line

# letters, digits, separators, quotes, accents, a Greek sigma, a dotted capital I,
# zero-width characters and odd spaces: the places where the fast paths could differ
ALPHABET = ("abcXYZ019 ,.'’‘“”\"-—…!?\n\t\u00a0\u2009\u3000\u200b\u00ad\ufeff"
            "éÉßΣσςİıﬁ٣_()#@")
texts = st.text(alphabet=ALPHABET, max_size=80)

_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:['’][^\W\d_]+)*", re.UNICODE)


def reference_tokens(text: str) -> list[str]:
    toks = _TOKEN.findall(text.lower())
    if "," in text or "’" in text:
        toks = [t.replace(",", "") if t[0].isdigit() else t.replace("’", "'") for t in toks]
    return toks


@settings(max_examples=400, deadline=None)
@given(texts)
def test_tokens_equal_the_unicode_pattern(text):
    assert tokens(text) == reference_tokens(text)


def test_tokens_fast_path_on_news_text():
    text = "On Jan. 5 the council’s 1,200-page “plan” — 3.5% over budget — wasn't approved… (ok)"
    assert tokens(text) == reference_tokens(text)
    assert tokens(text) == ["on", "jan", "5", "the", "council's", "1200", "page", "plan", "3.5", "over",
                            "budget", "wasn't", "approved", "ok"]


@settings(max_examples=200, deadline=None)
@given(st.lists(texts, min_size=1, max_size=5))
def test_span_tokens_equal_tokens_of_each_span(paragraphs):
    text = "\n\n".join(paragraphs)
    spans, pos = [], 0
    for p in paragraphs:
        spans.extend(split_sentences(p, pos))
        pos += len(p) + 2
    assert span_tokens(text, spans) == [tokens(text[s:e]) for s, e in spans]


_WS = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff\u00ad"), None)


def reference_clean_line(text: str) -> str:
    if text.isascii():
        return " ".join(text.split()) if ("  " in text or "\t" in text) else text.strip()
    text = unicodedata.normalize("NFC", text).translate(_ZERO_WIDTH)
    return _WS.sub(" ", text).strip()


@settings(max_examples=400, deadline=None)
@given(texts)
def test_clean_line_equals_reference(text):
    assert clean_line(text) == reference_clean_line(text)


def reference_split_sentences(text: str, offset: int = 0):
    from copydesk.segment.sentences import _BOUNDARY, ABBREVIATIONS

    spans, start, n = [], 0, len(text)
    for m in _BOUNDARY.finditer(text):
        end = m.end()
        word = text[start:m.start() + 1].split()[-1] if text[start:m.start() + 1].split() else ""
        token = word.rstrip(".!?…").lstrip("\"“‘'([").lower()
        if text[m.start()] == "." and (token in ABBREVIATIONS or (len(token) == 1 and token.isalpha())):
            continue
        if end - start < 2:
            continue
        spans.append((start + offset, end + offset))
        start = end
        while start < n and text[start].isspace():
            start += 1
    if start < n and text[start:].strip():
        spans.append((start + offset, n + offset))
    return spans


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="aB. !?”\"Mr 1\n", max_size=60), st.integers(0, 50))
def test_split_sentences_equals_reference(text, offset):
    assert split_sentences(text, offset) == reference_split_sentences(text, offset)


def reference_classify(paragraph: str):
    needles = {r.name: re.compile("|".join(re.escape(n) for n in r.needles)) for r in RULES if r.needles}
    for rule in RULES:
        if len(paragraph) > rule.max_chars:
            continue
        if rule.needles and not needles[rule.name].search(paragraph.lower()):
            continue
        if rule.pattern.search(paragraph):
            return rule
    return None


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["Read more", "cookies", "Subscribe to our newsletter", "Reuters", "AP", "by",
                                 "Photo: ", "share", "the council said", "About The Herald: ", "x" * 50, " ", ".",
                                 "All rights reserved", "readers like you", "views expressed do not reflect"]),
                max_size=8))
def test_classify_equals_reference(parts):
    paragraph = "".join(parts)
    assert classify(paragraph) == reference_classify(paragraph)


def test_distinct_is_unique():
    rng = np.random.default_rng(3)
    for n in (0, 1, 2, 50):
        a = rng.integers(0, 10, n).astype(np.uint64)
        assert np.array_equal(_distinct(a), np.unique(a))


def reference_shingle_hashes(toks: list[str], n: int = 5) -> np.ndarray:
    from copydesk.fingerprint.sketch import _MIX

    if not toks:
        return np.zeros(0, dtype=np.uint64)
    h = np.fromiter((token_hash(t) for t in toks), dtype=np.uint64, count=len(toks))
    if len(h) < n:
        return np.array([np.bitwise_xor.reduce(h * _MIX[: len(h)])], dtype=np.uint64)
    with np.errstate(over="ignore"):
        acc = h[: len(h) - n + 1] * _MIX[0]
        for k in range(1, n):
            acc = acc ^ (h[k: len(h) - n + 1 + k] * _MIX[k])
            acc = (acc << np.uint64(13)) | (acc >> np.uint64(51))
    return np.unique(acc)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["the", "mayor", "said", "1200", "bridge", "of", "an", "42", "x", "über"]),
                min_size=1, max_size=30))
def test_shingle_and_word_hashes_as_before(toks):
    assert np.array_equal(shingle_hashes(toks), reference_shingle_hashes(toks))
    words = content_tokens(toks)
    expected = np.unique(np.fromiter((token_hash(t) for t in words), dtype=np.uint64, count=len(words)))
    assert np.array_equal(word_hashes(toks), expected)


def brute_force_pairs(keys, owner, is_new, cap, verify):
    holders: dict[int, list[int]] = {}
    for k, o in zip(keys.tolist(), owner.tolist()):
        holders.setdefault(k, []).append(o)
    out = set()
    for members in holders.values():
        if len(members) > 2 and len(members) > cap:
            continue
        for x in members:
            for y in members:
                if x < y and (is_new[x] or is_new[y]) and (verify is None or verify(np.array([x]), np.array([y]))[0]):
                    out.add((x, y))
    return out


def test_shared_key_pairs_equal_brute_force():
    rng = np.random.default_rng(7)
    for trial in range(200):
        n, m = int(rng.integers(1, 40)), int(rng.integers(0, 300))
        keys = rng.integers(0, int(rng.integers(1, 60)), m).astype(np.uint64)
        owner = rng.integers(0, n, m)
        is_new = rng.random(n) < rng.random()
        cap = int(rng.integers(1, 10))
        ok = rng.random((n, n)) < 0.5
        verify = (lambda x, y: ok[x, y]) if trial % 2 else None
        got = _shared_key_pairs(keys, owner, is_new, cap, verify=verify, chunk=int(rng.integers(1, 40)))
        assert got == brute_force_pairs(keys, owner, is_new, cap, verify)


def test_records_pickle_as_equal_records():
    a = Article(id="a", source="S", url=None, title="T", published="2024-01-01", byline=None, text="Body.",
                removed=(Removed("boilerplate", "Read more"),),
                embeds=(Embed("tweet", "N", "n", "hi", None, None),), paragraphs=((0, 5),), sentences=((0, 5),),
                input="in", record="line 1", raw_hash="r", body_hash="b")
    b = pickle.loads(pickle.dumps(a))
    assert b == a and type(b) is Article and b.removed[0] == Removed("boilerplate", "Read more")


# -- fingerprints made at ingest ------------------------------------------------------------

def _corpus(path: Path, bodies: dict[str, str]) -> None:
    path.write_text("".join(json.dumps({"id": k, "text": v, "published": "2024-05-01"}) + "\n"
                            for k, v in bodies.items()), encoding="utf-8")


BASE = ("The city council approved the new budget on Monday after a long debate about school funding. "
        "Council members said the plan would add 1,200 teachers over three years. "
        "The mayor called the vote a turning point for the district and thanked the residents who came.")
OTHER = ("A storm closed the coastal highway for six hours on Tuesday, stranding hundreds of drivers. "
         "Crews cleared fallen trees and debris from the road before the evening rush began. "
         "Officials warned that more heavy rain was expected across the region later in the week.")


def _rows(db: Path) -> dict[str, tuple]:
    con = sqlite3.connect(db)
    try:
        return {r[0]: r for r in con.execute(
            "SELECT article, body_hash, params, shingle_digest, word_digest, sentence_hashes, band_keys, fresh "
            "FROM fingerprints")}
    finally:
        con.close()


def test_ingest_fingerprints_equal_the_engine_ones(tmp_path: Path):
    corpus = tmp_path / "c.jsonl"
    _corpus(corpus, {"a": BASE, "b": BASE.replace("Monday", "Tuesday"), "c": OTHER, "d": BASE + " " + OTHER})
    settings = load_settings()
    params = fingerprint_params(settings.reuse)
    for workers in (1, 2):
        db = tmp_path / f"w{workers}.db"
        with copydesk.open_store(db) as store:
            copydesk.ingest([corpus], store, settings=settings, workers=workers)
            assert store.fresh_fingerprints() == {"a", "b", "c", "d"}
            articles = store.article_batch(["a", "b", "c", "d"])
            expected = {r[0]: (*r, 1) for r in fingerprint_rows(list(articles.values()), params)}
            assert _rows(db) == expected
            # the engine finds them made: nothing is fingerprinted again, all four are new
            engine = ReuseEngine(settings.reuse)
            assert engine.fingerprint(store) == ["a", "b", "c", "d"]
            assert _rows(db) == expected
            pairs = engine.candidates(store, ["a", "b", "c", "d"])
        assert {(a, b) for a, b, _ in pairs} == {("a", "b"), ("a", "d"), ("b", "d"), ("c", "d")}


def test_relate_settles_fresh_fingerprints_and_a_changed_article_is_fresh_again(tmp_path: Path):
    corpus, db = tmp_path / "c.jsonl", tmp_path / "r.db"
    _corpus(corpus, {"a": BASE, "b": BASE.replace("Monday", "Tuesday"), "c": OTHER})
    copydesk.analyze([corpus], db=db)
    with copydesk.open_store(db) as store:
        assert store.fresh_fingerprints() == set()
        assert ("a", "b") in store.known_pairs()
    # b changes (its pairs are dropped and found again), c is read again unchanged
    _corpus(corpus, {"a": BASE, "b": BASE.replace("Monday", "Wednesday"), "c": OTHER})
    with copydesk.open_store(db) as store:
        copydesk.ingest([corpus], store)
        assert store.fresh_fingerprints() == {"b"}
        assert store.known_pairs() == set()
    report = copydesk.analyze([corpus], db=db)
    assert report.stats.counts["fingerprinted"] == 1  # b, fingerprinted by the ingest above
    with copydesk.open_store(db) as store:
        assert store.fresh_fingerprints() == set()
        assert ("a", "b") in store.known_pairs()
    assert copydesk.analyze([corpus], db=db).stats.counts["fingerprinted"] == 0


def test_incremental_after_a_separate_ingest_equals_scratch(tmp_path: Path):
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    _corpus(first, {"a": BASE, "c": OTHER})
    _corpus(second, {"b": BASE.replace("Monday", "Tuesday"), "d": OTHER.replace("six", "seven")})
    db = tmp_path / "inc.db"
    copydesk.analyze([first], db=db)
    with copydesk.open_store(db) as store:
        copydesk.ingest([second], store, workers=2)  # fingerprinted at ingest, related later
    later = copydesk.analyze([second], db=db)
    assert later.stats.counts["fingerprinted"] == 2
    scratch = copydesk.analyze([first, second], db=tmp_path / "scratch.db")
    key = lambda r: (r.original, r.derived, r.type, r.share, r.passages)  # noqa: E731
    assert sorted(map(key, later.relations)) == sorted(map(key, scratch.relations))
    assert {(r.original, r.derived) for r in later.relations} == {("a", "b"), ("c", "d")}


class _Texts:
    def __init__(self, texts: dict[str, str]):
        self.texts = texts

    def article_batch(self, ids):
        return {i: Article(id=i, source=None, url=None, title=None, published=None, byline=None, text=self.texts[i])
                for i in ids}


def test_vocabulary_only_candidates_are_checked_on_exact_jaccard():
    words = [f"word{i}" for i in range(40)]
    texts = {
        "a": " ".join(words[:20]),
        "b": " ".join(words[10:30]),   # exact Jaccard 10/30: under 0.55 whatever the estimate says
        "c": " ".join(words[2:20]),    # exact Jaccard 18/20
        "d": "unrelated text entirely",
    }
    ids = ["a", "b", "c", "d"]
    shingle = np.arange(4 * 8, dtype=np.uint32).reshape(4, 8)  # no 5-gram in common ...
    shingle[3] = shingle[0]                                   # ... but for a and d
    word = np.zeros((4, 8), dtype=np.uint32)                  # estimated word Jaccard 1.0 for every pair
    pairs = [(0, 1), (0, 2), (0, 3)]
    kept = ReuseEngine._exact_vocabulary_check(_Texts(texts), ids, pairs, shingle, word)
    assert kept == [(0, 2), (0, 3)]  # (a, d) is kept on its 5-grams, without a look at the texts


def test_batched_fingerprints_equal_one_at_a_time():
    from copydesk.fingerprint.sketch import shingle_hashes_many
    from copydesk.fingerprint.step import FingerprintStep, Fingerprinted
    from copydesk.model import ErrorRecord, Extracted
    from copydesk.segment import segment

    lists = [tokens(t) for t in ("", "one", "one two three four", "a b c d e", BASE, OTHER, BASE + " " + BASE)]
    got = shingle_hashes_many(lists)
    assert len(got) == len(lists)
    assert all(np.array_equal(x, reference_shingle_hashes(t)) for x, t in zip(got, lists))
    arts = [segment(Extracted(id=f"x{i}", input="t", record=None, raw_hash="h", meta={}, paragraphs=(p,)))
            for i, p in enumerate((BASE, OTHER, "Short one.", BASE + " More text here, and more."))]
    step = FingerprintStep(load_settings().reuse)
    err = ErrorRecord("t", "line 9", "no article text", "empty")
    batch = step.apply_many([arts[0], err, *arts[1:]])
    assert batch[1] is err and [b.article for b in batch if isinstance(b, Fingerprinted)] == arts
    assert [b.row for b in batch if isinstance(b, Fingerprinted)] == [step.apply(a).row for a in arts]
    # the band keys of the batch are those of each digest alone (the per-row formula)
    from copydesk.relate.engine import _band_keys
    digest = np.frombuffer(batch[0].row[3], dtype=np.uint32)
    d = digest[:32 * 4].astype(np.uint64).reshape(32, 4)
    keys = np.arange(0, 32, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    with np.errstate(over="ignore"):
        for r in range(4):
            keys = (keys ^ d[:, r]) * np.uint64(0x100000001B3)
    assert np.array_equal(np.frombuffer(batch[0].row[6], dtype=np.uint64)[:32], keys)
    assert np.array_equal(_band_keys(digest[None, :], 4, 32, 0)[0], keys)


def test_similar_with_its_low_byte_prefilter_equals_the_plain_rule():
    from copydesk.relate.engine import MIN_SHINGLE_J, MIN_WORD_J, MIN_WORD_J_WITH_SHINGLES, _Similar

    rng = np.random.default_rng(11)
    n = 300
    shingle = rng.integers(0, 2**32, (n, 128), dtype=np.uint32)
    words = rng.integers(0, 2**32, (n, 128), dtype=np.uint32)
    # pairs of every similarity, and values that differ only above the low byte
    for i in range(1, n):
        share_s, share_w = rng.random(128) < rng.random() * 0.3, rng.random(128) < rng.random() * 0.8
        shingle[i, share_s], words[i, share_w] = shingle[i - 1, share_s], words[i - 1, share_w]
        near = rng.random(128) < 0.2
        words[i, near] = (words[i - 1, near] & np.uint32(0xFF)) | (words[i, near] & np.uint32(0xFFFFFF00))
        shingle[i, near] = (shingle[i - 1, near] & np.uint32(0xFF)) | (shingle[i, near] & np.uint32(0xFFFFFF00))
    x, y = np.arange(n - 1), np.arange(1, n)
    sj, wj = (shingle[x] == shingle[y]).mean(axis=1), (words[x] == words[y]).mean(axis=1)
    plain = (sj >= MIN_SHINGLE_J) | (wj >= MIN_WORD_J) | ((wj >= MIN_WORD_J_WITH_SHINGLES) & (sj >= 0.04))
    assert 0 < plain.sum() < n - 1
    assert np.array_equal(_Similar(shingle, words)(x, y), plain)
