"""A copies-only run (`stories.enabled = false`, `analyze --no-stories`): the reuse engine's
results are those of a whole run, no story terms or stories are made, and a later run with
stories on makes the same stories as a run that had them all along."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

from click.testing import CliRunner

import copydesk
from copydesk.cli import cli
from copydesk.config import load_settings
from copydesk.store import open_store
from copydesk.stories.terms import TERMS_VERSION

from conftest import DEMO

COPIES_ONLY = load_settings().with_overrides({"stories": {"enabled": False}})


def _relations(report: copydesk.Report) -> list[tuple]:
    return sorted((r.original, r.derived, r.type, round(r.share, 3), r.via) for r in report.relations)


def _rows(db: Path, table: str) -> int:
    with sqlite3.connect(db) as con:
        return con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def test_copies_only_finds_the_same_relations_and_no_stories(tmp_path: Path, demo_report: copydesk.Report):
    db = tmp_path / "copies.db"
    report = copydesk.analyze([DEMO], db=db, settings=COPIES_ONLY)
    assert report.relations and _relations(report) == _relations(demo_report)
    assert report.stories == () and report.stats.counts["stories_skipped"] == 1
    assert _rows(db, "story_terms") == 0 and _rows(db, "stories") == 0

    # stories turned on later, nothing new to read: the stories stage makes the terms and the stories
    later = copydesk.analyze([DEMO], db=db)
    assert [(s.id, s.articles, s.originals) for s in later.stories] == \
        [(s.id, s.articles, s.originals) for s in demo_report.stories]
    assert _rows(db, "story_terms") == len(demo_report.articles)


def test_an_article_updated_without_terms_loses_its_old_ones(tmp_path: Path):
    """Terms of an article's old text must not stand for its new text."""
    src = tmp_path / "in"
    shutil.copytree(DEMO, src)
    db = tmp_path / "t.db"
    copydesk.analyze([src], db=db)
    with open_store(db) as store:
        before = store.story_terms(TERMS_VERSION)
    target = src / "riverside-gazette-original.txt"
    stem = target.stem
    assert any(k.startswith(stem) for k in before), sorted(before)
    target.write_text(target.read_text(encoding="utf-8") + "\n\nA closing paragraph added by an update, "
                      "about the council's new budget for the harbour bridge.\n", encoding="utf-8")
    copydesk.analyze([src], db=db, settings=COPIES_ONLY)
    with open_store(db) as store:
        after = store.story_terms(TERMS_VERSION)
        updated = [k for k in before if k not in after]
        assert updated and all(k.startswith(stem) for k in updated)
        # the next run with stories makes them again, from the new text
    copydesk.analyze([src], db=db)
    with open_store(db) as store:
        remade = store.story_terms(TERMS_VERSION)
    assert all(remade[k] != before[k] for k in updated)


def test_cli_no_stories_says_what_it_skipped(tmp_path: Path):
    db = tmp_path / "cli.db"
    res = CliRunner().invoke(cli, ["analyze", str(DEMO), "--db", str(db), "--no-stories"])
    assert res.exit_code == 0, res.output
    assert "relations: " in res.output and "stories: not made in this run" in res.output
    res = CliRunner().invoke(cli, ["analyze", str(DEMO), "--db", str(db), "--no-stories", "--json"])
    out = json.loads(res.output)
    assert out["stories"] == 0 and out["counts"]["stories_skipped"] == 1 and out["relations"] > 0
    res = CliRunner().invoke(cli, ["stories", "--db", str(db)])
    assert res.exit_code == 0 and "No stories" in res.output and "--no-stories" in res.output
    res = CliRunner().invoke(cli, ["stories", "--db", str(db), "--json"])
    assert json.loads(res.output) == []
