"""The public Python API and the report contract."""

from __future__ import annotations

import copydesk


def test_public_api_is_curated():
    assert len(copydesk.__all__) == len(set(copydesk.__all__))
    for name in copydesk.__all__:
        assert hasattr(copydesk, name), name
    public = {n for n in dir(copydesk) if not n.startswith("_") and not __import__("inspect").ismodule(getattr(copydesk, n))}
    assert public <= set(copydesk.__all__), public - set(copydesk.__all__)


def test_error_tree():
    for exc in (copydesk.DecodeError, copydesk.FormatError, copydesk.EmptyInputError, copydesk.TooLargeError):
        assert issubclass(exc, copydesk.InputError) and issubclass(exc, copydesk.CopydeskError)
    assert issubclass(copydesk.SchemaError, copydesk.StoreError)
    e = copydesk.FormatError("malformed JSON", input="a.jsonl", record="line 4")
    assert str(e) == "a.jsonl [line 4]: malformed JSON"


def test_report_contract(demo_report):
    d = demo_report.to_dict()
    art = d["articles"][0]
    assert set(art) == {"id", "source", "url", "title", "published", "crawled", "byline", "text", "removed", "embeds"}
    rel = d["relations"][0]
    assert set(rel) >= {"original", "derived", "type", "via", "share", "direction_confidence", "evidence",
                        "passages", "changes"}
    assert set(rel["passages"][0]) == {"original", "derived", "kind"}
    story = d["stories"][0]
    assert set(story) >= {"id", "title", "articles", "originals", "first_seen", "tree", "timeline", "entities",
                          "facts", "brief"}
    assert set(d["errors"][0]) >= {"input", "record", "reason"}
    stages = list(d["stats"]["timings"])
    order = ["ingest", "extract", "segment", "fingerprint", "store", "candidates", "embed", "align", "relate",
             "stories.cluster", "stories.enrich", "stories.store",
             "report"]
    assert [s for s in order if s in stages] == stages


def test_demo_exact_duplicates(demo_report):
    dups = [r for r in demo_report.relations if r.type == "duplicate"]
    assert all(r.via is None for r in demo_report.relations)
    assert {(r.original, r.derived) for r in dups} == {
        ("riverside-gazette-original", "wire-copy"), ("riverside-gazette-original", "aggregator-dupe")}
    arts = {a.id: a for a in demo_report.articles}
    for r in dups:
        assert r.share == 1.0 and r.direction_confidence >= 0.75
        assert any("published first" in e for e in r.evidence)
        (p,) = r.passages
        assert p.derived == (0, len(arts[r.derived].text)) and p.kind == "verbatim"
        assert arts[r.original].text == arts[r.derived].text
    others = {(r.original, r.derived): r.type for r in demo_report.relations if r.type != "duplicate"}
    assert others == {("riverside-gazette-original", "valley-daily-rewrite"): "rewrite",
                      ("riverside-gazette-original", "coastline-news-partial"): "partial"}
    story = next(s for s in demo_report.stories if "wire-copy" in s.articles)
    assert set(story.articles) == {"riverside-gazette-original", "wire-copy", "aggregator-dupe",
                                   "valley-daily-rewrite", "coastline-news-partial", "metro-herald-independent"}
    assert set(story.originals) == {"riverside-gazette-original", "metro-herald-independent"}
    assert {(t.article, t.parent) for t in story.tree} >= {("wire-copy", "riverside-gazette-original")}
    assert story.timeline[0].article == "riverside-gazette-original"
    assert story.first_seen.startswith("2025-03-14")
    # every article is in exactly one story
    members = [a for s in demo_report.stories for a in s.articles]
    assert sorted(members) == sorted(arts)


def test_workers_give_the_same_articles(tmp_path):
    from pathlib import Path

    demo = Path(__file__).resolve().parent.parent / "examples" / "demo"
    one = copydesk.analyze([demo], db=tmp_path / "one.db", workers=1)
    two = copydesk.analyze([demo], db=tmp_path / "two.db", workers=2)
    assert one.articles == two.articles
    assert one.errors == two.errors
    assert one.relations == two.relations


def test_streamed_report_equals_the_report(tmp_path):
    import json
    from pathlib import Path

    from copydesk.report import write_streaming

    demo = Path(__file__).resolve().parent.parent / "examples" / "demo"
    full = copydesk.analyze([demo], db=tmp_path / "r.db")
    light = copydesk.analyze([demo], db=tmp_path / "r.db", load_articles=False, out=tmp_path / "r.json")
    assert light.articles == () and light.summary()["articles"] == len(full.articles) == 8
    with copydesk.open_store(tmp_path / "r.db") as store:
        write_streaming(store, tmp_path / "s.json", copydesk.RunStats())
    for path in (tmp_path / "r.json", tmp_path / "s.json"):
        streamed = json.loads(path.read_text(encoding="utf-8"))
        expected = full.to_dict()
        for key in ("articles", "relations", "stories", "errors"):
            assert streamed[key] == expected[key], key
