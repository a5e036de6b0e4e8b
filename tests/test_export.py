"""`copydesk export`: a row per article with what copydesk found about it, and a deduplicated
corpus, on the analysed demo corpus (real articles through the real pipeline)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import copydesk
from copydesk.cli import cli
from copydesk.export import Labels
from copydesk.model import Relation

ORIGINAL = "riverside-gazette-original"


def export(db: Path, out: Path, *args: str) -> dict:
    result = CliRunner().invoke(cli, ["export", "--db", str(db), "--out", str(out), "--json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_every_article_is_labelled_with_its_story_its_source_and_its_group(demo_db: Path, tmp_path: Path):
    stats = export(demo_db, tmp_path / "all.jsonl")
    rows = {r["id"]: r for r in jsonl(tmp_path / "all.jsonl")}
    with copydesk.open_store(demo_db) as store:
        ids = [a.id for a in store.articles()]
        stories = {a: store.story_of(a) for a in ids}
        relations = store.relations()
    assert list(rows) == ids and stats["written"] == stats["articles"] == len(ids) and stats["left_out"] == 0
    assert all(rows[a]["story_id"] == stories[a] for a in ids)
    # the two exact copies of the original: derived from it, in its group, not kept
    for copy in ("aggregator-dupe", "wire-copy"):
        r = rows[copy]
        assert (r["role"], r["derived_from"], r["reuse_type"], r["share"]) == ("derived", ORIGINAL, "duplicate", 1.0)
        assert (r["group"], r["keep"]) == (ORIGINAL, False)
    # the rewrite and the partial reuse carry their own material: derived, but their own group, kept
    assert rows["valley-daily-rewrite"]["reuse_type"] == "rewrite" and rows["valley-daily-rewrite"]["keep"] is True
    assert rows["coastline-news-partial"]["reuse_type"] == "partial"
    assert 0.2 < rows["coastline-news-partial"]["share"] < 0.6
    original = rows[ORIGINAL]
    assert (original["role"], original["derived_from"], original["keep"]) == ("original", None, True)
    assert original["copies"] == sum(1 for rel in relations if rel.original == ORIGINAL)
    # an independent report of the same story: no relation, same story
    independent = rows["metro-herald-independent"]
    assert (independent["role"], independent["derived_from"]) == ("unrelated", None)
    assert independent["story_id"] == original["story_id"] and independent["story_id"] is not None
    assert rows["harbour-times"]["story_id"] != original["story_id"]
    # the relation each derived row names is a stored one, with its confidence
    by_pair = {(rel.original, rel.derived): rel for rel in relations}
    for r in rows.values():
        if r["derived_from"]:
            assert r["direction_confidence"] == by_pair[r["derived_from"], r["id"]].direction_confidence
    assert original["text"].startswith("A 40-metre section of the flood defence")
    assert not list(tmp_path.glob(".*.part"))  # written to a temporary file, renamed at the end


def test_dedup_leaves_the_copies_out_and_its_output_is_copydesk_input(demo_db: Path, tmp_path: Path):
    stats = export(demo_db, tmp_path / "dedup.jsonl", "--dedup")
    kept = jsonl(tmp_path / "dedup.jsonl")
    assert {r["id"] for r in kept}.isdisjoint({"aggregator-dupe", "wire-copy"})
    assert ORIGINAL in {r["id"] for r in kept} and stats["left_out"] == 2 and stats["groups"] == 1
    assert stats["written"] == len(kept) == stats["articles"] - 2
    # rewrites and partial reuses join a group when named: only the original of that family is left
    wide = export(demo_db, tmp_path / "wide.jsonl", "--dedup", "--group-types",
                  "duplicate,near_duplicate,partial,rewrite")
    left = {r["id"] for r in jsonl(tmp_path / "wide.jsonl")}
    assert ORIGINAL in left and left.isdisjoint({"valley-daily-rewrite", "coastline-news-partial", "wire-copy"})
    assert wide["left_out"] == 4
    # the deduplicated corpus is read back as a corpus: no copies left in it, the rewrite still found
    report = copydesk.analyze([tmp_path / "dedup.jsonl"], db=tmp_path / "again.db")
    assert report.errors == ()
    assert {a.id for a in report.articles} == {r["id"] for r in kept}
    assert not [rel for rel in report.relations if rel.type in ("duplicate", "near_duplicate")]
    assert any((rel.original, rel.derived, rel.type) == (ORIGINAL, "valley-daily-rewrite", "rewrite")
               for rel in report.relations)
    dates = {a.id: a.published for a in report.articles}
    assert dates[ORIGINAL] and dates[ORIGINAL].startswith("2025-03-14T08:10")


def test_csv_and_parquet_hold_the_same_rows(demo_db: Path, tmp_path: Path):
    import pyarrow.parquet as pq

    export(demo_db, tmp_path / "all.jsonl", "--no-text")
    export(demo_db, tmp_path / "all.csv", "--no-text")
    export(demo_db, tmp_path / "all.parquet", "--no-text")
    want = jsonl(tmp_path / "all.jsonl")
    assert "text" not in want[0]
    assert pq.read_table(tmp_path / "all.parquet").to_pylist() == want
    with open(tmp_path / "all.csv", encoding="utf-8", newline="") as fh:
        got = list(csv.DictReader(fh))
    assert [r["id"] for r in got] == [r["id"] for r in want]
    assert [r["keep"] for r in got] == [str(r["keep"]) for r in want]
    assert [r["derived_from"] or None for r in got] == [r["derived_from"] for r in want]


def test_a_group_keeps_the_article_that_derives_from_none_else_the_earliest():
    """Two originals whose copies met (C copies A and B) make one group: it keeps the earlier of the
    two originals, not a copy, whatever the order of ingest."""
    rels = [Relation("a", "c", "near_duplicate", 1.0, 0.8), Relation("b", "c", "duplicate", 1.0, 0.9),
            Relation("a", "d", "rewrite", 0.9, 0.9)]
    order = {"c": 0, "b": 1, "a": 2, "d": 3}
    seen = {"a": "2024-05-02", "b": "2024-05-01T10:00:00+02:00", "c": "2024-04-01", "d": None}
    labels = Labels(rels, [], order, seen, ("duplicate", "near_duplicate"))
    assert labels.group == {"a": "b", "b": "b", "c": "b"} and labels.groups == 1
    assert labels.parent["c"].original == "b"  # the surer of its two relations
    assert labels.copies == {"a": 2, "b": 1}
    # an original that is not stored (gone from the store) keeps nothing from its copies: a stored one is kept;
    # a relation of an article with itself makes no group
    ghost = Labels([Relation("ghost", "x", "duplicate", 1.0, 0.9), Relation("ghost", "y", "duplicate", 1.0, 0.9),
                    Relation("z", "z", "duplicate", 1.0, 0.9)], [], {"x": 0, "y": 1, "z": 2}, {}, ("duplicate",))
    assert ghost.group["x"] == ghost.group["y"] == "x" and "z" not in ghost.group and ghost.groups == 1


@pytest.mark.parametrize("args,words", [
    (["--out", "x.txt"], ["cannot tell the export format", "x.txt"]),
    (["--out", "x.jsonl", "--group-types", "duplicate,copy"], ["unknown relation type", "'copy'"]),
])
def test_bad_export_options_are_errors_that_say_what_to_do(demo_db: Path, tmp_path: Path, args, words):
    result = CliRunner().invoke(cli, ["export", "--db", str(demo_db), *[str(tmp_path / a) if a.startswith("x.")
                                                                         else a for a in args]])
    assert result.exit_code != 0
    for w in words:
        assert w in result.output
    assert "Traceback" not in result.output
