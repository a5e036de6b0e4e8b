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
from copydesk.fingerprint import MIN_SENTENCE_TOKENS, fingerprint_many, tokens
from copydesk.fingerprint.hashes import token_table, word_table
from copydesk.fingerprint.sketch import digests_flat, shingle_rows
from copydesk.fingerprint.tokens import content_tokens
from copydesk.model import Article, Embed, Removed
from copydesk.relate.candidates import _exact_vocabulary_check, _shared_key_pairs, fingerprint_params, fingerprint_rows
from copydesk.relate.engine import ReuseEngine
from copydesk.segment import split_sentences
from copydesk.segment.rules import RULES, classify
from copydesk.textutil import clean_line, normalize_for_hash

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


_M64 = 1 << 64


def reference_hash(values: list[int], base: int) -> int:
    """The polynomial hash of ``hashes.py`` written out: sum of v_k * base**k modulo 2**64,
    plus the length times a constant, through splitmix64's finaliser."""
    x = (sum(v * pow(base, k, _M64) for k, v in enumerate(values)) + len(values) * 0xD6E8FEB86659FD93) % _M64
    x ^= x >> 30
    x = x * 0xBF58476D1CE4E5B9 % _M64
    x ^= x >> 27
    x = x * 0x94D049BB133111EB % _M64
    return x ^ (x >> 31)


def reference_token_hash(tok: str) -> int:
    return reference_hash([ord(c) for c in tok], 0x100000001B3)


def reference_sentence_hash(toks: list[str]) -> int:
    return reference_hash([reference_token_hash(t) for t in toks], 0x9E3779B97F4A7C15)


def spans_of(paragraphs: list[str]) -> tuple[str, list[tuple[int, int]]]:
    spans, pos = [], 0
    for p in paragraphs:
        spans.extend(split_sentences(p, pos))
        pos += len(p) + 2
    return "\n\n".join(paragraphs), spans


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(texts, min_size=1, max_size=4), min_size=1, max_size=4))
def test_token_table_hashes_the_tokens_of_each_sentence(articles):
    """The vectorised tokeniser finds exactly ``tokens`` of each sentence, and hashes them
    (and each sentence) as the plain formulas do; content tokens as ``content_tokens``."""
    made = [spans_of(paragraphs) for paragraphs in articles]
    table = token_table([t for t, _ in made], [s for _, s in made])
    for i, (text, spans) in enumerate(made):
        per_sentence = [tokens(text[s:e]) for s, e in spans]
        flat = [t for toks in per_sentence for t in toks]
        lo, hi = table.article_starts[i], table.article_starts[i + 1]
        assert table.hashes[lo:hi].tolist() == [reference_token_hash(t) for t in flat]
        assert [t for t, keep in zip(flat, table.content[lo:hi]) if keep] == content_tokens(flat)
        assert table.sentence_sizes[i] == [len(toks) for toks in per_sentence]
        assert table.sentence_hashes[i] == [reference_sentence_hash(toks) for toks in per_sentence]


_SKLEARN_WORD = re.compile(r"(?u)\b[^\W\d_][\w'’-]+\b")
def reference_words(text: str) -> list[str]:
    return [w.replace("’", "'") for w in _SKLEARN_WORD.findall(text.lower())]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.text(alphabet=ALPHABET + "-", max_size=80), min_size=1, max_size=4))
def test_word_table_finds_scikit_learns_words(texts_):
    hashes, owner, lengths = word_table(texts_)
    for i, text in enumerate(texts_):
        words = reference_words(text)
        assert hashes[owner == i].tolist() == [reference_token_hash(w) for w in words]
        assert lengths[owner == i].tolist() == [len(w) for w in words]


def test_word_table_on_news_text():
    text = "Al-Qaeda’s F-16 and covid-19: a 3rd-place rock- -roll, 'tis a_b, élan x1 1,200 U.S. don't"
    hashes, owner, _ = word_table(["", text])
    expected = ["al-qaeda's", "f-16", "and", "covid-19", "place", "rock", "roll", "tis", "a_b", "élan", "x1",
                "don't"]
    assert hashes.tolist() == [reference_token_hash(w) for w in expected] and owner.tolist() == [1] * 12


def test_long_batches_are_hashed_in_parts_with_the_same_result(monkeypatch):
    """Texts are hashed MAX_BATCH_CHARS at a time (a batch of long records must not take
    gigabytes); the parts give what one pass gives, and the power tables of a text longer
    than the cache are made for it alone."""
    from copydesk.fingerprint import hashes

    paragraphs = [BASE, OTHER, "", "İstanbul ٣,٤ café. " + BASE, OTHER + " " + BASE]
    made = [spans_of([p, p[::-1]]) for p in paragraphs]
    texts, spans = [t for t, _ in made], [s for _, s in made]
    whole, words = token_table(texts, spans), word_table(texts)
    monkeypatch.setattr(hashes, "MAX_BATCH_CHARS", 300)
    monkeypatch.setattr(hashes._Powers, "KEEP", 64)
    parts, word_parts = token_table(texts, spans), word_table(texts)
    assert len(hashes._groups([len(t) for t in texts])) > 2
    assert np.array_equal(parts.hashes, whole.hashes) and np.array_equal(parts.content, whole.content)
    assert np.array_equal(parts.article_starts, whole.article_starts)
    assert parts.sentence_hashes == whole.sentence_hashes and parts.sentence_sizes == whole.sentence_sizes
    assert all(np.array_equal(a, b) for a, b in zip(word_parts, words))


def test_token_table_on_news_text():
    text = "On Jan. 5 the council’s 1,200-page “plan” — 3.5% over budget — wasn't approved… (ok)"
    table = token_table([text, "", "İstanbul ٣,٤ café"], [[(0, len(text))], [], [(0, 17)]])
    expected = ["on", "jan", "5", "the", "council's", "1200", "page", "plan", "3.5", "over", "budget",
                "wasn't", "approved", "ok"] + tokens("İstanbul ٣,٤ café")
    assert table.hashes.tolist() == [reference_token_hash(t) for t in expected]
    assert table.article_starts.tolist() == [0, 14, 14, len(expected)]
    # equal tokens hash equal wherever they stand; "1,200" is "1200"
    assert table.hashes[5] == reference_token_hash("1200") and len(set(table.hashes.tolist())) == len(set(expected))


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


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=ALPHABET + "  ", max_size=40), max_size=4))
def test_normalize_for_hash_folds_white_space_as_split_and_join(paragraphs):
    for text in ("\n\n".join(paragraphs), "\n\n".join(clean_line(p) for p in paragraphs)):
        assert normalize_for_hash(text) == " ".join(unicodedata.normalize("NFKC", text).split())


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


@settings(max_examples=600, deadline=None)
@given(st.text(alphabet="aB. !?…”’)(“[\"'Mr 1À\n", max_size=60), st.integers(0, 50))
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


def reference_shingle_hashes(toks: list[str], n: int = 5) -> np.ndarray:
    from copydesk.fingerprint.sketch import _MIX

    if not toks:
        return np.zeros(0, dtype=np.uint64)
    h = np.array([reference_token_hash(t) for t in toks], dtype=np.uint64)
    if len(h) < n:
        return np.array([np.bitwise_xor.reduce(h * _MIX[: len(h)])], dtype=np.uint64)
    with np.errstate(over="ignore"):
        acc = h[: len(h) - n + 1] * _MIX[0]
        for k in range(1, n):
            acc = acc ^ (h[k: len(h) - n + 1 + k] * _MIX[k])
            acc = (acc << np.uint64(13)) | (acc >> np.uint64(51))
    return np.unique(acc)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["the", "mayor", "said", "1200", "bridge", "of", "an", "42", "x", "über"]),
                         max_size=30), min_size=1, max_size=5))
def test_shingle_rows_are_each_articles_n_grams(token_lists):
    h = np.array([reference_token_hash(t) for toks in token_lists for t in toks], dtype=np.uint64)
    bounds = np.cumsum([0] + [len(t) for t in token_lists])
    flat, offsets = shingle_rows(h, bounds)
    assert len(offsets) == len(token_lists) + 1
    for i, toks in enumerate(token_lists):
        row = flat[offsets[i]:offsets[i + 1]]
        assert np.array_equal(np.unique(row), reference_shingle_hashes(toks))


def digests(rows: list[np.ndarray]) -> np.ndarray:
    offsets = np.cumsum([0] + [len(r) for r in rows]).astype(np.uint64)
    return digests_flat(np.concatenate(rows) if rows else np.zeros(0, dtype=np.uint64), offsets)


def test_fingerprints_from_the_token_table():
    """An article's fingerprint: the hashes of its sentences of 7+ tokens (once each), MinHash
    digests of its 5-grams and of its content words, as the plain formulas give them."""
    text, spans = spans_of([BASE, "Short one. " + BASE.split(". ")[0] + "."])
    art = Article(id="x", source=None, url=None, title=None, published=None, byline=None, text=text,
                  removed=(), embeds=(), paragraphs=(), sentences=tuple(spans), input="t", record=None,
                  raw_hash="h", body_hash="b")
    (fp,) = fingerprint_many([art])
    per_sentence = [tokens(text[s:e]) for s, e in spans]
    flat = [t for toks in per_sentence for t in toks]
    assert fp.sentence_hashes == tuple(dict.fromkeys(
        reference_sentence_hash(t) for t in per_sentence if len(t) >= MIN_SENTENCE_TOKENS))
    assert len(fp.sentence_hashes) < len(spans)  # the short sentence and the repeated one
    assert np.array_equal(fp.shingle_digest, digests([reference_shingle_hashes(flat)])[0])
    words = np.unique(np.array([reference_token_hash(t) for t in content_tokens(flat)], dtype=np.uint64))
    assert np.array_equal(fp.word_digest, digests([words])[0])


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
    kept = _exact_vocabulary_check(_Texts(texts), ids, pairs, shingle, word)
    assert kept == [(0, 2), (0, 3)]  # (a, d) is kept on its 5-grams, without a look at the texts


def test_batched_fingerprints_equal_one_at_a_time():
    from copydesk.fingerprint.step import FingerprintStep, Fingerprinted
    from copydesk.model import ErrorRecord, Extracted
    from copydesk.segment import segment

    arts = [segment(Extracted(id=f"x{i}", input="t", record=None, raw_hash="h", meta={}, paragraphs=(p,)))
            for i, p in enumerate((BASE, OTHER, "Short one.", BASE + " More text here, and more."))]
    step = FingerprintStep(load_settings().reuse)
    err = ErrorRecord("t", "line 9", "no article text", "empty")
    batch = step.apply_many([arts[0], err, *arts[1:]])
    assert batch[1] is err and [b.article for b in batch if isinstance(b, Fingerprinted)] == arts
    assert [b.row for b in batch if isinstance(b, Fingerprinted)] == [step.apply(a).row for a in arts]
    # the band keys of the batch are those of each digest alone (the per-row formula)
    from copydesk.relate.candidates import _band_keys
    digest = np.frombuffer(batch[0].row[3], dtype=np.uint32)
    d = digest[:32 * 4].astype(np.uint64).reshape(32, 4)
    keys = np.arange(0, 32, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    with np.errstate(over="ignore"):
        for r in range(4):
            keys = (keys ^ d[:, r]) * np.uint64(0x100000001B3)
    assert np.array_equal(np.frombuffer(batch[0].row[6], dtype=np.uint64)[:32], keys)
    assert np.array_equal(_band_keys(digest[None, :], 4, 32, 0)[0], keys)


def test_similar_with_its_low_byte_prefilter_equals_the_plain_rule():
    from copydesk.relate.candidates import (MIN_SHINGLE_J, MIN_WORD_CONTAINMENT, MIN_WORD_J, MIN_WORD_J_CONTAINED,
                                        MIN_WORD_J_WITH_SHINGLES, _Similar)

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
    # the containment route: sizes from the digests' mean values, the share of the smaller set in the larger
    size = 1.0 / words.astype(np.float64).mean(axis=1)
    ratio = np.maximum(size[x], size[y]) / np.minimum(size[x], size[y])
    contained = wj * (1 + ratio) / (1 + wj) >= MIN_WORD_CONTAINMENT
    plain = (sj >= MIN_SHINGLE_J) | (wj >= MIN_WORD_J) | ((wj >= MIN_WORD_J_WITH_SHINGLES) & (sj >= 0.04)) \
        | ((wj >= MIN_WORD_J_CONTAINED) & contained)
    assert 0 < plain.sum() < n - 1
    assert np.array_equal(_Similar(shingle, words)(x, y), plain)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="Ab Jo Smith of the Paris . ’\nÉ", max_size=60), max_size=6))
def test_names_counted_for_a_batch_equal_a_counter_per_text(batch):
    """``stories.terms._names_many`` (all texts' names hashed and counted at once) gives each
    text's names as a Counter of ``proper_names`` does: the same hashes, in order of first
    mention, with the same counts."""
    from collections import Counter

    from copydesk.stories.features import proper_names
    from copydesk.stories.terms import _name_hashes, _names_many

    hashes, counts, cut = _names_many(batch)
    assert len(cut) == len(batch) + 1
    for i, text in enumerate(batch):
        expected = Counter(proper_names(text))
        assert hashes[cut[i]:cut[i + 1]].tolist() == _name_hashes(list(expected)).tolist()
        assert counts[cut[i]:cut[i + 1]].tolist() == list(expected.values())


def test_story_candidate_links_in_date_blocks_equal_one_product(monkeypatch):
    """The story clustering's candidate search takes dated nodes in date order and meets each
    block only with the nodes within reach of the time window (and the undated ones): the links
    must be exactly those of one product of every node with every node."""
    import copydesk.stories.cluster as cluster
    from scipy import sparse

    rng = np.random.default_rng(7)
    n, vocab = 900, 400
    topics = rng.integers(0, 40, n)
    rows, cols, vals = [], [], []
    for i, t in enumerate(topics):  # articles of one topic share most of their terms
        terms = np.unique(np.r_[t * 8 + rng.integers(0, 8, 6), rng.integers(320, vocab, 5)])
        rows += [i] * len(terms)
        cols += terms.tolist()
        vals += rng.uniform(0.5, 1.0, len(terms)).tolist()
    m = sparse.csr_matrix((vals, (rows, cols)), shape=(n, vocab), dtype=np.float32)
    m = sparse.diags(1.0 / np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())) @ m
    days = rng.uniform(0, 90, n)
    days[rng.random(n) < 0.1] = np.nan  # some undated
    fresh = np.flatnonzero(rng.random(n) < 0.7)

    def one_product(top, rows_of, node_days, window):
        yield rows_of, np.arange(top.shape[0]), top.T.tocsr()

    monkeypatch.setattr(cluster, "_BLOCK", 50)  # many blocks, each spanning a few days
    for window in (3.0, 10.0, 0.0):
        blocked = cluster._candidate_links(m.tocsr(), fresh, days, 0.3, window)
        with monkeypatch.context() as mp:
            mp.setattr(cluster, "_blocks", one_product)
            whole = cluster._candidate_links(m.tocsr(), fresh, days, 0.3, window)
        assert len(whole[0]) > 100
        key = lambda links: sorted(zip(links[0].tolist(), links[1].tolist(), links[2].tolist()))  # noqa: E731
        assert key(blocked) == key(whole)


def reference_attach_small(sims: np.ndarray, labels: np.ndarray, level: float) -> np.ndarray:
    """``stories.cluster.attach_small`` as its docstring says it, one piece at a time."""
    from copydesk.stories import cluster

    groups = [np.flatnonzero(labels == k) for k in range(labels.max() + 1)]
    large = [g for g in groups if len(g) >= cluster.ATTACH_LARGE]
    if not large:
        return labels
    norms = np.sqrt(np.array([sims[np.ix_(g, g)].sum() for g in large]))
    out = labels.copy()
    for g in groups:
        if len(g) > cluster.ATTACH_SMALL:
            continue
        own = np.sqrt(max(float(sims[np.ix_(g, g)].sum()), 1e-12))
        cos = np.array([sims[np.ix_(g, t)].sum() for t in large]) / (own * norms)
        order = np.argsort(-cos, kind="stable")
        if cos[order[0]] >= level and (len(large) == 1 or cos[order[0]] >= cluster.ATTACH_MARGIN * cos[order[1]]):
            out[g] = labels[large[order[0]][0]]
    return np.unique(out, return_inverse=True)[1].reshape(labels.shape)


def test_attach_small_equals_reference():
    from copydesk.stories.cluster import attach_small

    rng = np.random.default_rng(7)
    for _ in range(400):
        n = int(rng.integers(1, 40))
        labels = np.unique(rng.integers(0, int(rng.integers(1, n + 1)), n), return_inverse=True)[1].ravel()
        x = rng.random((n, 5)) ** 3
        x /= np.linalg.norm(x, axis=1, keepdims=True)
        sims = x @ x.T * rng.uniform(0.5, 1.0)
        np.fill_diagonal(sims, 1.0)
        level = float(rng.uniform(0.1, 0.6))
        assert attach_small(sims, labels, level).tolist() == reference_attach_small(sims, labels, level).tolist()


def test_lead_counts_added_in_place_equal_the_sorted_sum(tmp_path: Path):
    """The stories stage adds each article's lead counts to its text's: in place where every lead term is
    one of its text's (words: always), by the sort otherwise (names joined across the lead's sentences).
    Both give, per article and term, the text's count plus the lead's (a plain sum as reference), on the
    demo's articles as stored."""
    from collections import Counter

    from copydesk.stories.terms import TERMS_VERSION, _gathered, _parse, _parse_lead

    copydesk.analyze([Path(__file__).resolve().parent.parent / "examples" / "demo"], db=tmp_path / "d.db")
    with copydesk.open_store(tmp_path / "d.db") as store:
        blobs = list(store.story_terms(TERMS_VERSION).values())
    parsed, leads = [_parse(b) for b in blobs], [_parse_lead(b) for b in blobs]
    for h_at in (0, 2):  # words, names
        lengths, hashes, counts = _gathered(parsed, leads, h_at, h_at + 1)
        got, at = [], 0
        for n in lengths:
            got.append(dict(zip(hashes[at:at + n].tolist(), counts[at:at + n].tolist())))
            at += n
        want = []
        for p, q in zip(parsed, leads):
            c = Counter(dict(zip(p[h_at].tolist(), p[h_at + 1].tolist())))
            c.update(dict(zip(q[h_at].tolist(), q[h_at + 1].tolist())))
            want.append(dict(c))
        assert got == want
        assert all(np.all(np.diff(hashes[s:s + n].astype(np.int64)) > 0)
                   for s, n in zip(np.r_[0, np.cumsum(lengths)[:-1]], lengths))
