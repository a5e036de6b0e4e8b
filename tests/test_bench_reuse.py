"""The reuse evaluation corpus generator and scorer (bench/reuse_corpus.py, bench/reuse_eval.py)."""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("COPYDESK_SHARED", REPO.parent / "shared"))
ECB = SHARED / "data" / "ecbplus" / "ecbplus.jsonl"
MRPC = SHARED / "data" / "mrpc" / "msr_paraphrase_train.txt"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, REPO / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


corpus_mod = _load("reuse_corpus")
eval_mod = _load("reuse_eval")


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    if not ECB.exists():
        pytest.skip(f"ECB+ data not found at {ECB} (set COPYDESK_SHARED)")
    records, truth = corpus_mod.generate(seed=3, n_originals=8, ecb=ECB, mrpc=MRPC)
    out = tmp_path_factory.mktemp("reuse")
    corpus_mod.write(out, records, truth)
    return out, records, truth


def test_files_and_records(tiny):
    out, records, truth = tiny
    lines = (out / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(records) == len(truth["articles"])
    assert json.loads((out / "truth.json").read_text(encoding="utf-8"))["pairs"] == truth["pairs"]
    ids = [r["id"] for r in records]
    assert len(set(ids)) == len(ids) and sorted(ids) == truth["articles"]
    for r in records:
        assert r["id"].startswith("a") and r["id"][1:].isdigit()  # neutral ids, nothing to cheat on
        assert r["text"].strip() and r["source"] and r["title"]
    kinds = {m["kind"] for m in truth["meta"].values()}
    assert {"original", "duplicate", "near_duplicate", "rewrite"} <= kinds


def test_truth_is_consistent(tiny):
    _, records, truth = tiny
    raw = {r["id"]: r["text"] for r in records}
    bodies = truth["bodies"]
    positive = set()
    for p in truth["pairs"]:
        assert p["type"] in ("duplicate", "near_duplicate", "partial", "rewrite")
        assert p["date"] in ("ok", "missing", "misleading")
        assert 0 < p["share"] <= 1
        body = bodies[p["derived"]]
        covered = 0
        for s, e in p["spans"]:
            assert 0 <= s < e <= len(body)
            assert body[s:e] in raw[p["derived"]]  # the clean body's paragraphs are in the raw text
            covered += e - s
            if p["verbatim"]:  # duplicates, unedited partial copies
                assert body[s:e] in bodies[p["original"]]
        paras = sum(len(x) for x in body.split("\n\n"))
        assert abs(covered / paras - p["share"]) < 1e-3
        if p["type"] == "duplicate":
            assert p["verbatim"] and body == bodies[p["original"]]
        if p["type"] in ("near_duplicate", "rewrite"):
            assert " ".join(body.split()) != " ".join(bodies[p["original"]].split())
        positive.add(frozenset((p["original"], p["derived"])))
    for n in truth["negatives"]:
        assert n["kind"] in ("same_event", "shared_boilerplate", "shared_post_quote")
        assert frozenset((n["a"], n["b"])) not in positive
    for t in truth["tolerated"]:
        assert frozenset((t["a"], t["b"])) not in positive


def test_generation_is_deterministic(tiny):
    _, records, truth = tiny
    again = corpus_mod.generate(seed=3, n_originals=8, ecb=ECB, mrpc=MRPC)
    assert again[0] == records and again[1]["pairs"] == truth["pairs"]


def _perfect_report(records, truth):
    articles = [{"id": r["id"], "text": truth["bodies"][r["id"]]} for r in records]
    relations = []
    for p in truth["pairs"]:
        relations.append({"original": p["original"], "derived": p["derived"], "type": p["type"], "via": p["via"],
                          "share": p["share"], "direction_confidence": 1.0,
                          "passages": [{"original": [0, 0], "derived": list(s), "kind": "verbatim"}
                                       for s in p["spans"]]})
    return {"articles": articles, "relations": relations}


def test_scorer_on_a_perfect_report(tiny):
    _, records, truth = tiny
    res = eval_mod.score(truth, _perfect_report(records, truth))
    d = res["detection"]
    assert d["precision"] == d["recall"] == d["f1"] == 1.0
    assert res["direction"]["all"]["accuracy"] == 1.0
    assert res["type"]["accuracy"] == 1.0
    assert res["share"]["mae"] == 0.0
    assert res["passages"]["f1"] == 1.0 and res["passages"]["unmapped_spans"] == 0
    assert all(v["rate"] == 0.0 for v in res["negatives"].values())
    assert "pair F1" in eval_mod.render(res)


def test_scorer_on_an_empty_report(tiny):
    _, records, truth = tiny
    res = eval_mod.score(truth, {"articles": [], "relations": []})
    assert res["detection"]["recall"] == 0.0 and res["detection"]["f1"] == 0.0
    assert res["passages"]["chars_tp"] == 0
    eval_mod.render(res)


def test_scorer_counts_negatives_reversed_direction_and_shifted_text(tiny):
    _, records, truth = tiny
    report = _perfect_report(records, truth)
    # the report's text with a prefix and folded whitespace: spans must still be found
    for a in report["articles"]:
        a["text"] = "Intro line.\n\n" + a["text"].replace("  ", " ")
    for rel in report["relations"]:
        rel["passages"] = []
    neg = truth["negatives"][0]
    report["relations"].append({"original": neg["a"], "derived": neg["b"], "type": "partial", "via": None,
                                "share": 0.2, "passages": []})
    first = report["relations"][0]
    first["original"], first["derived"] = first["derived"], first["original"]
    res = eval_mod.score(truth, report)
    assert res["detection"]["fp"] == 1 and res["detection"]["fp_by"] == {neg["kind"]: 1}
    assert res["negatives"][neg["kind"]]["with_relation"] == 1
    assert res["direction"]["all"]["right"] == len(truth["pairs"]) - 1
    assert res["passages"]["unmapped_spans"] == 0 and res["passages"]["recall"] == 0.0


def test_span_mapping_folds_whitespace():
    body = "First para.\n\nSecond  para with   spaces."
    mapped, missing = eval_mod.map_spans(body, [[13, len(body)]], "X\n\nFirst para.\n\nSecond para with spaces.")
    assert not missing
    text = "X\n\nFirst para.\n\nSecond para with spaces."
    s, e = mapped[0]
    assert text[s:e] == "Second para with spaces."
    _, missing = eval_mod.map_spans(body, [[0, 11]], "nothing alike")
    assert missing == [[0, 11]]


def test_pages_of_the_corpus_give_back_its_records(tiny):
    """bench/html_corpus.py: each record served as its outlet's page (nav, cookie banner, links, footer)
    comes back from extraction and cleaning with the record's body, headline, outlet and date, and an
    undated record's page stays undated (its footer's copyright year and links are not its date)."""
    import copydesk

    out, records, truth = tiny
    pages_mod = _load("html_corpus")
    pages = out / "pages.jsonl"
    assert pages_mod.main(["--corpus", str(out / "corpus.jsonl"), "--out", str(pages)]) == 0
    lines = pages.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(records) and all("<footer>" in json.loads(line)["html"] for line in lines)
    with copydesk.open_store(out / "pages.db") as store:
        copydesk.ingest([pages], store)
        arts = {a.id: a for a in store.articles()}
    assert set(arts) == {r["id"] for r in records}
    undated = 0
    for rec in records:
        art = arts[rec["id"]]
        assert art.source == rec["source"] and art.title == rec["title"]
        body = truth["bodies"].get(rec["id"])
        if body:  # every paragraph of the record's clean body is found in the page's
            starts = [0] + [i + 2 for i in range(len(body)) if body.startswith("\n\n", i)]
            spans = [[a, body.find("\n\n", a) if body.find("\n\n", a) >= 0 else len(body)] for a in starts]
            assert eval_mod.map_spans(body, spans, art.text)[1] == []
        if rec.get("published"):
            assert art.published[:10] == rec["published"][:10]
        else:
            undated += 1
            assert art.published is None
    assert undated
