"""Engines: the Dask engine runs the per-record steps on a cluster and gives what the local one gives."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

import copydesk
from copydesk.store import open_store

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "examples" / "demo"

pytest.importorskip("distributed")


def _stored(db) -> tuple[list[dict], list[dict], list[tuple]]:
    with open_store(db) as store:
        articles = sorted((a.to_dict() for a in store.articles()), key=lambda a: a["id"])
        errors = sorted((e.to_dict() for e in store.errors()), key=lambda e: (e["input"], str(e["record"])))
        rows = sorted(tuple(r) for r in store.db.execute("SELECT * FROM fingerprints"))
    return articles, errors, rows


@pytest.mark.slow
def test_dask_engine_gives_what_the_local_engine_gives(tmp_path, demo_report):
    # the demo (with its two bad records) and three noisy scrapes, on a local Dask cluster of two processes
    inputs = [DEMO, *sorted((REPO / "tests" / "data").glob("noisy-scrape*.txt"))]
    engine = copydesk.dask_engine("local", workers=2)
    report = copydesk.analyze(inputs, db=tmp_path / "dask.db", engine=engine)
    local = copydesk.analyze(inputs, db=tmp_path / "local.db", workers=1)
    assert _stored(tmp_path / "dask.db") == _stored(tmp_path / "local.db")
    assert len(report.articles) == len(local.articles) >= 10 and len(report.errors) == len(local.errors) == 2
    assert [r.to_dict() for r in report.relations] == [r.to_dict() for r in local.relations]
    assert [s.to_dict() for s in report.stories] == [s.to_dict() for s in local.stories]
    # the workers' seconds are reported per step, as the local engine's are
    assert {"extract", "segment", "fingerprint"} <= set(report.stats.timings)
    # the demo's relations are all there (the same corpus as the session's demo report)
    assert {(r.original, r.derived) for r in demo_report.relations} <= {(r.original, r.derived) for r in report.relations}


def test_an_unreachable_scheduler_is_a_clear_error(tmp_path):
    with socket.socket() as s:  # a loopback port that nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    from copydesk.engines.dask_cluster import DaskEngine

    engine = DaskEngine(f"tcp://127.0.0.1:{port}", timeout=2)
    with open_store(tmp_path / "x.db") as store, pytest.raises(copydesk.EngineError) as err:
        copydesk.ingest([DEMO], store, engine=engine)
    assert f"127.0.0.1:{port}" in str(err.value) and "Dask scheduler" in str(err.value)


def test_the_cli_takes_a_dask_address(tmp_path):
    from click.testing import CliRunner

    from copydesk.cli import cli

    runner = CliRunner()
    res = runner.invoke(cli, ["ingest", str(DEMO), "--db", str(tmp_path / "c.db"), "--dask", "local", "--workers", "1",
                              "--json"])
    assert res.exit_code == 0, res.output
    assert '"added": 8' in res.output and '"errors": 2' in res.output
