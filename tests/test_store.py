"""The SQLite store: schema versions, WAL, idempotent re-ingest, resume after kill -9."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

import copydesk
from copydesk.store import SCHEMA_VERSION, open_store


def _write_jsonl(path: Path, n: int, *, salt: str = "") -> None:
    words = "river council flood evacuated residents engineers embankment officials said".split()
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            body = "\n\n".join(
                f"Paragraph {p} of article {i}{salt}: " + " ".join(words[(i + p + k) % len(words)] for k in range(40)) + "."
                for p in range(4)
            )
            fh.write(json.dumps({"id": f"art-{i}", "title": f"Story {i}", "published": "2024-01-02", "text": body}) + "\n")


def test_schema_is_versioned_and_wal(tmp_path: Path):
    db = tmp_path / "a.db"
    with open_store(db) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    # reopening does not migrate again
    with open_store(db) as store:
        assert store.schema_version == SCHEMA_VERSION


def test_newer_schema_is_refused(tmp_path: Path):
    db = tmp_path / "future.db"
    con = sqlite3.connect(db)
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    con.close()
    with pytest.raises(copydesk.SchemaError, match="newer than this copydesk"):
        open_store(db)


def test_older_schema_opened_read_only_is_migrated_with_its_content(tmp_path: Path):
    """A database of an older copydesk (here: stopped at v4, before fingerprints were made at
    ingest) opened read-only, as `copydesk serve` and `copydesk stories` do, is migrated once."""
    db = tmp_path / "old.db"
    with open_store(db) as store:  # today's schema, then wound back to look like v4
        store.db.execute("INSERT INTO stories VALUES ('st-x', '{}')")
        store.db.commit()
    con = sqlite3.connect(db)
    con.execute("DROP INDEX fingerprints_fresh")
    con.execute("ALTER TABLE fingerprints DROP COLUMN fresh")
    con.execute("DROP TABLE story_terms")
    con.execute("ALTER TABLE articles DROP COLUMN crawled")
    con.execute("PRAGMA user_version = 4")
    con.commit()
    con.close()
    with open_store(db, readonly=True) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert store.db.execute("SELECT id FROM stories").fetchall() == [("st-x",)]
        assert "fresh" in {row[1] for row in store.db.execute("PRAGMA table_info(fingerprints)")}
        assert store.story_terms("1") == {}
        assert "crawled" in {row[1] for row in store.db.execute("PRAGMA table_info(articles)")}


def test_unsupported_url_scheme(tmp_path: Path):
    with pytest.raises(copydesk.StoreError, match="unsupported store URL scheme"):
        open_store("mysql://localhost/x")


def test_reingest_is_a_noop_and_changes_update(tmp_path: Path):
    src = tmp_path / "in.jsonl"
    _write_jsonl(src, 30)
    db = tmp_path / "c.db"
    with open_store(db) as store:
        first = copydesk.ingest([src], store)
        assert (first.added, first.updated, first.unchanged) == (30, 0, 0)
        before = {a.id: a for a in store.articles()}
        second = copydesk.ingest([src], store)
        assert (second.added, second.updated, second.unchanged) == (0, 0, 30)
        assert {a.id: a for a in store.articles()} == before
        _write_jsonl(src, 30, salt=" (corrected)")
        third = copydesk.ingest([src], store)
        assert (third.added, third.updated) == (0, 30)
        assert store.count_articles() == 30
        assert "(corrected)" in store.article("art-7").text


def test_look_ups_of_more_ids_than_one_sqlite_chunk(tmp_path: Path):
    """The store asks for ids 500 at a time (SQLite's limit on parameters): every look-up and
    update by id must cover all of more than one chunk."""
    src = tmp_path / "in.jsonl"
    _write_jsonl(src, 1203)
    with open_store(tmp_path / "c.db") as store:
        copydesk.ingest([src], store)
        ids = [f"art-{i}" for i in range(1203)]
        assert len(store.known_hashes(ids)) == 1203
        batch = store.article_batch(ids + ["missing"])
        assert set(batch) == set(ids) and batch["art-1202"].title == "Story 1202"
        assert store.fresh_fingerprints() == set(ids)
        store.settle_fingerprints(ids[:1001])
        assert store.fresh_fingerprints() == set(ids[1001:])
        store.drop_fingerprints(ids[:700])
        assert {row[0] for row in store.fingerprints()} == set(ids[700:])


def test_interrupted_ingest_resumes_without_loss_or_doubling(tmp_path: Path):
    """kill -9 in the middle of an ingest, run again: every record once, as a clean run gives."""
    n = 6000
    src = tmp_path / "big.jsonl"
    _write_jsonl(src, n)
    cfg = tmp_path / "small-batches.toml"
    cfg.write_text("[ingest]\nbatch_size = 50\n")
    db = tmp_path / "killed.db"
    cmd = [sys.executable, "-m", "copydesk.cli", "ingest", str(src), "--db", str(db), "--quiet", "--config", str(cfg)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stored = 0
    deadline = time.time() + 60
    while time.time() < deadline and proc.poll() is None:
        if db.exists():
            try:
                con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
                stored = con.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
                con.close()
            except sqlite3.OperationalError:
                stored = 0
            if stored >= 500:
                break
        time.sleep(0.01)
    assert proc.poll() is None, "ingest finished before it could be interrupted; make the corpus larger"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with open_store(db) as store:
        partial = store.count_articles()
    assert 500 <= partial < n
    # resume
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    clean_db = tmp_path / "clean.db"
    with open_store(clean_db) as clean:
        copydesk.ingest([src], clean)
        expected = {a.id: (a.text, a.title, a.body_hash) for a in clean.articles()}
    with open_store(db) as store:
        rows = store.db.execute("SELECT id, COUNT(*) FROM articles GROUP BY id HAVING COUNT(*) > 1").fetchall()
        assert rows == []
        got = {a.id: (a.text, a.title, a.body_hash) for a in store.articles()}
        seqs = [r[0] for r in store.db.execute("SELECT seq FROM articles ORDER BY seq")]
    assert got == expected
    assert len(seqs) == len(set(seqs)) == n
