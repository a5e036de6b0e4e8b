"""The PostgreSQL store: the same results as SQLite's, the schema made on first use, NUL-safe
text, and the web API served from it. Needs a server: `make test` starts a throwaway one on
loopback (scripts/ensure-postgres.sh) and names it in COPYDESK_TEST_PG."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

psycopg = pytest.importorskip("psycopg", reason="the postgres extra is not installed: pip install 'copydesk[postgres]'")

import copydesk  # noqa: E402
from copydesk.store import SCHEMA_VERSION, open_store  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "examples" / "demo"
SERVER = os.environ.get("COPYDESK_TEST_PG", "")


def _with_db(server: str, name: str) -> str:
    base, _, _ = server.rpartition("/")
    return f"{base}/{name}"


@pytest.fixture()
def pg_url():
    """A fresh, empty database on the test server (dropped afterwards)."""
    if not SERVER:
        pytest.skip("no PostgreSQL server: set COPYDESK_TEST_PG (make test starts one with scripts/ensure-postgres.sh)")
    name = f"copydesk_test_{uuid.uuid4().hex[:12]}"
    try:
        with psycopg.connect(SERVER, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        pytest.skip(f"the PostgreSQL server at {SERVER} cannot be reached: {exc}")
    yield _with_db(SERVER, name)
    with psycopg.connect(SERVER, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _comparable(report: copydesk.Report) -> dict:
    d = report.to_dict()
    d.pop("stats")
    return d


def test_postgres_gives_what_sqlite_gives(pg_url, demo_report, tmp_path):
    inputs = [DEMO, *sorted((REPO / "tests" / "data").glob("noisy-scrape*.txt"))]
    pg = copydesk.analyze(inputs, db=pg_url)
    lite = copydesk.analyze(inputs, db=tmp_path / "lite.db")
    assert _comparable(pg) == _comparable(lite)
    assert len(pg.relations) >= 4 and len(pg.errors) == 2 and any(len(s.articles) > 1 for s in pg.stories)
    # the listings of the web UI, read through the dialect's SQL, agree too
    with open_store(pg_url, readonly=True) as a, open_store(tmp_path / "lite.db", readonly=True) as b:
        assert a.story_summaries() == b.story_summaries()
        assert a.relations_page(limit=3, offset=1) == b.relations_page(limit=3, offset=1)
        assert a.search_articles("FLOOD", limit=5) == b.search_articles("FLOOD", limit=5)
        assert a.search_articles("flood", limit=5)[0] >= 2
        assert a.story_members() == b.story_members() or sorted(a.story_members()) == sorted(b.story_members())
        assert list(a.articles()) == list(b.articles())  # streamed from a server-side cursor
        from copydesk.export import rows
        assert list(rows(a, dedup=True)[1]) == list(rows(b, dedup=True)[1])  # the dataset export too
        pairs_a = list(a.iter_related_pairs(without=("ab.passages", "ba.changes")))
        pairs_b = list(b.iter_related_pairs(without=("ab.passages", "ba.changes")))
        assert pairs_a == pairs_b and pairs_a and "passages" not in pairs_a[0]["ab"]
    # analysing the same inputs again is a no-op, as with SQLite
    again = copydesk.analyze(inputs, db=pg_url)
    assert again.stats.counts.get("unchanged") == len(pg.articles)
    assert _comparable(again) == _comparable(pg)


def test_schema_is_made_once_and_versioned(pg_url, tmp_path):
    with pytest.raises(copydesk.StoreError, match="no copydesk database"):
        open_store(pg_url, readonly=True)
    with open_store(pg_url) as store:
        assert store.schema_version == SCHEMA_VERSION
        pg_cols: dict[str, list[str]] = {}
        for table, column in store.db.execute(
                "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() "
                "ORDER BY table_name, ordinal_position"):
            pg_cols.setdefault(table, []).append(column)
    with open_store(tmp_path / "s.db") as lite:
        tables = [t for (t,) in lite.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        lite_cols = {t: [r[1] for r in lite.db.execute(f"PRAGMA table_info({t})")] for t in tables}
    # the same tables and columns as SQLite's schema (PostgreSQL numbers story changes itself, and keeps
    # its schema version in a table): a migration of one store without the other fails here
    pg_cols.pop("copydesk_schema")
    pg_cols["story_changes"].remove("id")
    assert pg_cols == lite_cols
    with open_store(pg_url) as store, open_store(pg_url, readonly=True) as reader:  # opening again changes nothing
        assert store.schema_version == reader.schema_version == SCHEMA_VERSION
        assert store.count_articles() == 0


def test_a_bad_url_is_a_clear_error():
    with pytest.raises(copydesk.StoreError, match=r"someone:\*\*\*@127\.0\.0\.1:1/nothing: cannot connect to the "
                                                  r"PostgreSQL server: .*refused"):
        open_store("postgresql://someone:hunter2@127.0.0.1:1/nothing")
    try:
        open_store("postgresql://someone:hunter2@127.0.0.1:1/nothing")
    except copydesk.StoreError as exc:
        assert "hunter2" not in str(exc)  # the password is never shown


def test_nul_characters_are_stored_as_replacement_characters(pg_url, tmp_path):
    corpus = tmp_path / "nul.jsonl"
    text = "A council meeting\\u0000 approved the budget on Tuesday after a long debate about roads."
    corpus.write_text('{"id": "n1", "title": "Budget", "text": "%s"}\n' % text, encoding="utf-8")
    pg = copydesk.analyze([corpus], db=pg_url)
    lite = copydesk.analyze([corpus], db=tmp_path / "n.db")
    (a,), (b,) = pg.articles, lite.articles
    assert "\x00" in b.text and "\x00" not in a.text and "\ufffd" in a.text
    assert len(a.text) == len(b.text) and a.sentences == b.sentences  # every offset still holds


def test_the_web_api_serves_a_postgres_database(pg_url):
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from copydesk.web import create_app

    copydesk.analyze([DEMO], db=pg_url)
    client = TestClient(create_app(pg_url))
    stories = client.get("/api/stories", params={"sort": "size"}).json()
    assert stories["total"] == 2 and stories["items"][0]["articles"] == 6
    rels = client.get("/api/relations", params={"type": "duplicate"}).json()
    assert rels["total"] == 2
    art = client.get("/api/articles/valley-daily-rewrite").json()
    assert art["article"]["source"] == "Valley Daily" and art["story"] == stories["items"][0]["id"]
    (rel,) = art["relations"]
    assert rel["original"] == "riverside-gazette-original" and rel["type"] == "rewrite"
    hits = client.get("/api/search", params={"q": "caddon"}).json()
    assert {"riverside-gazette-original", "wire-copy", "valley-daily-rewrite"} <= {h["id"] for h in hits["items"]}
    assert all("caddon" in (h["snippet"] + (h["title"] or "")).lower() for h in hits["items"])
    assert client.get("/api/search", params={"q": "100%_no_such"}).json()["total"] == 0  # LIKE wildcards escaped
    assert client.get("/").status_code == 200
