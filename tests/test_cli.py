"""The command line: help, output formats, exit codes, documentation."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click
from click.testing import CliRunner

import copydesk
from copydesk.cli import cli

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "examples" / "demo"


def test_every_command_and_option_is_documented():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name, cmd in cli.commands.items():
        assert f"copydesk {name}" in readme, f"command {name} is not in README.md"
        assert cmd.help and len(cmd.help) > 20, f"command {name} has no help text"
        for param in cmd.params:
            if isinstance(param, click.Option):
                longest = max(param.opts, key=len)
                assert longest in readme, f"option {longest} of `copydesk {name}` is not in README.md"
                assert param.help, f"option {longest} of {name} has no help"


def test_every_setting_is_documented():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    settings = copydesk.load_settings()
    for section in ("ingest", "extract"):
        for key in getattr(settings, section).__slots__:
            assert f"`{section}.{key}`" in readme, f"setting {section}.{key} is not in README.md"


def test_help_explains_options():
    runner = CliRunner()
    out = runner.invoke(cli, ["--help"]).output
    for name in cli.commands:
        assert name in out
    out = runner.invoke(cli, ["analyze", "--help"]).output
    for opt in ("--db", "--out", "--json", "--strict", "--quiet", "--verbose", "--workers", "--config"):
        assert opt in out


def test_analyze_demo_text_and_json(tmp_path: Path):
    runner = CliRunner()
    db, out = tmp_path / "d.db", tmp_path / "r.json"
    res = runner.invoke(cli, ["analyze", str(DEMO), "--db", str(db), "--out", str(out), "-v"])
    assert res.exit_code == 0, res.output
    assert "analysed 8 articles" in res.output
    assert "riverside-gazette-original (original) <- " in res.output
    assert "feeds.jsonl [line 3]" in res.output  # errors name file and line
    assert re.search(r"extract\s+.*\d", res.output)  # --verbose prints timings
    report = json.loads(out.read_text())
    assert set(report) >= {"articles", "relations", "stories", "errors", "stats"}
    res = runner.invoke(cli, ["analyze", str(DEMO), "--db", str(db), "--json"])
    data = json.loads(res.output)
    assert data["articles"] == 8 and data["counts"]["unchanged"] == 8 and data["counts"].get("articles_added", 0) == 0
    assert {e["record"] for e in data["errors"]} == {"line 3", "line 5"}


def test_quiet_prints_nothing_on_stdout(tmp_path: Path):
    runner = CliRunner()
    res = runner.invoke(cli, ["analyze", str(DEMO / "event-b"), "--db", str(tmp_path / "q.db"), "--quiet"])
    assert res.exit_code == 0
    assert res.stdout == ""


def test_report_and_errors_commands(tmp_path: Path):
    runner = CliRunner()
    db = tmp_path / "d.db"
    runner.invoke(cli, ["analyze", str(DEMO), "--db", str(db), "-q"])
    res = runner.invoke(cli, ["report", "--db", str(db)])
    assert res.exit_code == 0
    assert len(json.loads(res.output)["articles"]) == 8
    res = runner.invoke(cli, ["errors", "--db", str(db), "--json"])
    assert len(json.loads(res.output)) == 2
    res = runner.invoke(cli, ["report", "--db", str(tmp_path / "missing.db")])
    assert res.exit_code == 1 and "no such database" in res.output and "Traceback" not in res.output


def test_config_errors_are_friendly(tmp_path: Path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[ingest]\nbatch_sise = 3\n")
    res = CliRunner().invoke(cli, ["analyze", str(DEMO), "--db", str(tmp_path / "x.db"), "--config", str(bad)])
    assert res.exit_code == 1
    assert "unknown key ingest.batch_sise" in res.output and "Traceback" not in res.output


def test_workers_option_takes_a_number_or_auto(tmp_path):
    from copydesk.cli import MAX_AUTO_WORKERS, auto_workers

    assert 1 <= auto_workers() <= MAX_AUTO_WORKERS
    runner = CliRunner()
    demo = str(Path(__file__).resolve().parent.parent / "examples" / "demo")
    res = runner.invoke(cli, ["ingest", demo, "--db", str(tmp_path / "a.db"), "--workers", "auto", "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["added"] == 8
    for bad, says in (("0", "not between 1 and 64"), ("many", "neither a number nor 'auto'")):
        res = runner.invoke(cli, ["ingest", demo, "--db", str(tmp_path / "b.db"), "--workers", bad])
        assert res.exit_code == 2 and says in res.output, res.output


def test_compare_two_files_without_a_database(tmp_path: Path, monkeypatch):
    """`copydesk compare FILE FILE`: a fact-checker with two saved articles needs no database. The demo's
    original and a hand-written rewrite of it (tests/data/cut-restructured-rewrite.txt) are a rewrite,
    original first, and nothing is left behind; a file of several articles is an error naming it."""
    monkeypatch.chdir(tmp_path)
    original = DEMO / "riverside-gazette-original.txt"
    rewrite = REPO / "tests" / "data" / "cut-restructured-rewrite.txt"
    res = CliRunner().invoke(cli, ["compare", str(rewrite), str(original), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert (data["original"], data["derived"]) == ("riverside-gazette-original", "cut-restructured-rewrite")
    assert data["relation"]["type"] == "rewrite" and data["relation"]["share"] >= 0.7
    assert list(tmp_path.iterdir()) == []  # no copydesk.db made
    res = CliRunner().invoke(cli, ["compare", str(original), str(rewrite)])
    assert res.exit_code == 0 and "rewrite" in res.output and "cut-restructured-rewrite" in res.output
    res = CliRunner().invoke(cli, ["compare", str(DEMO / "feeds.jsonl"), str(rewrite)])
    assert res.exit_code == 1 and "feeds.jsonl: holds 3 articles" in res.output
    res = CliRunner().invoke(cli, ["compare", "no-such-id", "other-id"])
    assert res.exit_code == 1 and "or give two files" in res.output
