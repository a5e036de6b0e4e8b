"""The HTTP API and the HTML pages through FastAPI's test client (the browser tests are in
test_web_browser.py): answers, pagination, the error envelope, ingest with the token,
escaping, security headers, and the view helpers."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed: pip install 'copydesk[web]'")
from fastapi.testclient import TestClient  # noqa: E402

import copydesk  # noqa: E402
from copydesk.model import (  # noqa: E402
    BriefSentence, Claim, Disagreement, Entity, Fact, Story, TimelineEntry, TreeEdge,
)
from copydesk.web import create_app  # noqa: E402
from copydesk.web import views  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
EASTMERE = "st-125a68830e45"  # the demo's flood story: the Riverside Gazette original, its four copies and
# the Metro Herald's independent report
TOKEN = "s3cret-test-token"


def copy_db(src: Path, dst: Path) -> Path:
    with sqlite3.connect(src) as a, sqlite3.connect(dst) as b:
        a.backup(b)
    return dst


@pytest.fixture(scope="module")
def client(demo_db: Path) -> TestClient:
    return TestClient(create_app(demo_db))


@pytest.fixture()
def writable(demo_db: Path, tmp_path: Path) -> TestClient:
    return TestClient(create_app(copy_db(demo_db, tmp_path / "w.db"), token=TOKEN))


def auth(token: str = TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def assert_envelope(res, status: int, code: str) -> dict:
    assert res.status_code == status, res.text
    assert res.headers["content-type"].startswith("application/json")
    body = res.json()
    assert set(body) == {"error"}
    assert body["error"]["status"] == status and body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]


# -- reading ------------------------------------------------------------------------------
def test_story_list_counts_copies_and_independent_reports(client: TestClient):
    res = client.get("/api/stories", params={"sort": "size"})
    assert res.status_code == 200
    data = res.json()
    assert data["total"] == 2 and data["next"] is None
    first = data["items"][0]
    assert first["id"] == EASTMERE
    assert first["title"] == "Eastmere flood defence fails as River Caddon bursts its banks"
    # the original, its four copies and the Metro Herald's independent report
    assert (first["articles"], first["copies"], first["independent"], first["sources"]) == (6, 4, 2, 6)
    assert data["totals"] == {"stories": 2, "articles": 8, "copies": 4, "independent": 4}
    # recency: the latest publication first (Coastline News, 17 March, is in the Eastmere story)
    recent = client.get("/api/stories").json()["items"]
    assert recent[0]["id"] == EASTMERE and recent[0]["last_seen"].startswith("2025-03-17")
    assert [s["title"] for s in client.get("/api/stories", params={"sort": "title"}).json()["items"]][0] \
        .startswith("Eastmere")
    hits = client.get("/api/stories", params={"q": "HARBOUR"}).json()
    assert {s["title"] for s in hits["items"]} == {"Recycling plant opens at Lowford Harbour with 240 jobs"}


def test_lists_paginate(client: TestClient):
    seen = []
    url = "/api/stories?limit=3&sort=size"
    while url:
        data = client.get(url).json()
        assert data["limit"] == 3 and data["total"] == 2
        seen += [s["id"] for s in data["items"]]
        url = data["next"]
    assert len(seen) == 2 == len(set(seen))
    data = client.get("/api/stories", params={"limit": 1}).json()
    assert len(data["items"]) == 1 and "offset=1" in data["next"]
    data = client.get("/api/relations", params={"limit": 1, "offset": 1}).json()
    assert data["total"] == 4 and len(data["items"]) == 1 and data["next"].endswith("offset=2") or \
        "offset=2" in data["next"]
    arts = client.get("/api/articles", params={"limit": 5}).json()
    assert arts["total"] == 8 and len(arts["items"]) == 5 and "offset=5" in arts["next"]
    assert_envelope(client.get("/api/stories", params={"limit": 0}), 422, "invalid")
    assert_envelope(client.get("/api/stories", params={"limit": 501}), 422, "invalid")
    assert_envelope(client.get("/api/articles", params={"offset": -1}), 422, "invalid")
    err = assert_envelope(client.get("/api/stories", params={"sort": "bogus"}), 422, "invalid")
    assert "sort" in err["message"]


def test_one_story_article_and_relations(client: TestClient):
    data = client.get(f"/api/stories/{EASTMERE}").json()
    assert set(data["story"]["articles"]) == {"riverside-gazette-original", "aggregator-dupe", "wire-copy",
                                              "valley-daily-rewrite", "coastline-news-partial",
                                              "metro-herald-independent"}
    assert set(data["story"]["originals"]) == {"riverside-gazette-original", "metro-herald-independent"}
    assert {(r["derived"], r["type"]) for r in data["relations"]} == {
        ("aggregator-dupe", "duplicate"), ("wire-copy", "duplicate"), ("valley-daily-rewrite", "rewrite"),
        ("coastline-news-partial", "partial")}
    art = client.get("/api/articles/valley-daily-rewrite").json()
    assert art["story"] == EASTMERE
    assert art["article"]["source"] == "Valley Daily" and len(art["article"]["embeds"]) == 2
    (rel,) = art["relations"]
    assert rel["original"] == "riverside-gazette-original" and rel["type"] == "rewrite"
    assert {c["kind"] for c in rel["changes"]} >= {"number", "hedge", "attribution"}
    rels = client.get("/api/relations", params={"type": "duplicate"}).json()
    assert rels["total"] == 2 and {r["derived"] for r in rels["items"]} == {"aggregator-dupe", "wire-copy"}
    assert client.get("/api/relations", params={"article": "coastline-news-partial"}).json()["total"] == 1
    assert_envelope(client.get("/api/stories/st-nope"), 404, "not_found")
    err = assert_envelope(client.get("/api/articles/no-such-article"), 404, "not_found")
    assert "no-such-article" in err["message"] and ".db" not in err["message"]  # no server paths


def test_compare(client: TestClient):
    data = client.get("/api/compare/valley-daily-rewrite/riverside-gazette-original").json()
    assert data["original"] == "riverside-gazette-original" and data["derived"] == "valley-daily-rewrite"
    assert data["relation"]["type"] == "rewrite"
    assert {p["kind"] for p in data["passages"]} >= {"verbatim", "edited"}
    same = client.get("/api/compare", params={"a": "riverside-gazette-original", "b": "valley-daily-rewrite"})
    assert same.json() == client.get("/api/compare/riverside-gazette-original/valley-daily-rewrite").json()
    # two independent reports of one event: aligned now, no reuse
    data = client.get("/api/compare/metro-herald-independent/harbour-times").json()
    assert data["relation"] is None
    assert_envelope(client.get("/api/compare/wire-copy/wire-copy"), 400, "bad_request")
    assert_envelope(client.get("/api/compare/wire-copy/nope"), 404, "not_found")


def test_search(client: TestClient):
    data = client.get("/api/search", params={"q": "Caddon"}).json()
    ids = {h["id"] for h in data["items"]}
    assert {"riverside-gazette-original", "wire-copy", "valley-daily-rewrite"} <= ids
    assert "harbour-times" not in ids
    assert all("caddon" in (h["snippet"] + (h["title"] or "")).lower() for h in data["items"])
    assert all(h["story"] for h in data["items"])
    assert client.get("/api/search", params={"q": "100%_no_such"}).json()["total"] == 0  # LIKE wildcards escaped
    assert_envelope(client.get("/api/search"), 422, "invalid")


def test_export_streams_the_rows_copydesk_export_writes(client: TestClient, demo_db: Path, tmp_path: Path):
    import csv
    import io

    from click.testing import CliRunner

    from copydesk.cli import cli

    res = client.get("/api/export", params={"dedup": "true"})
    assert res.status_code == 200 and res.headers["content-type"].startswith("application/x-ndjson")
    assert 'filename="copydesk-export-dedup.jsonl"' in res.headers["content-disposition"]
    out = tmp_path / "cli.jsonl"
    assert CliRunner().invoke(cli, ["export", "--db", str(demo_db), "--out", str(out), "--dedup"]).exit_code == 0
    assert res.text == out.read_text(encoding="utf-8")  # the API and the CLI give the same rows
    rows = [json.loads(line) for line in res.text.splitlines()]
    assert "aggregator-dupe" not in {r["id"] for r in rows} and all(r["keep"] for r in rows)
    res = client.get("/api/export", params={"format": "csv", "text": "false"})
    table = list(csv.DictReader(io.StringIO(res.text)))
    assert res.headers["content-type"].startswith("text/csv") and "text" not in table[0]
    dupe = next(r for r in table if r["id"] == "aggregator-dupe")
    assert (dupe["reuse_type"], dupe["keep"]) == ("duplicate", "False")
    assert_envelope(client.get("/api/export", params={"group_types": "copies"}), 400, "bad_request")
    assert_envelope(client.get("/api/export", params={"format": "xml"}), 422, "invalid")


def test_every_error_is_one_envelope(client: TestClient):
    assert_envelope(client.get("/api/nothing-here"), 404, "not_found")
    assert_envelope(client.post("/api/stories"), 405, "method_not_allowed")
    # pages answer a friendly HTML page, or the envelope to a client asking for JSON
    res = client.get("/no/such/page")
    assert res.status_code == 404 and "text/html" in res.headers["content-type"] and "Not found" in res.text
    assert_envelope(client.get("/no/such/page", headers={"Accept": "application/json"}), 404, "not_found")
    res = client.get("/articles/no-such-article")
    assert res.status_code == 404 and "no-such-article" in res.text


def test_openapi_and_docs(client: TestClient):
    spec = client.get("/openapi.json").json()
    paths = set(spec["paths"])
    assert {"/api/stories", "/api/stories/{story_id}", "/api/articles", "/api/articles/{article_id}",
            "/api/relations", "/api/compare/{a}/{b}", "/api/search", "/api/export"} <= paths
    assert "post" in spec["paths"]["/api/articles"]
    assert not any(p.startswith("/stories") for p in paths)  # pages are not API
    html = client.get("/docs").text
    for p in paths:
        assert p in html
    assert "cdn" not in html.lower() and "<script>" not in html


def test_security_headers_everywhere(client: TestClient):
    for url in ("/", f"/stories/{EASTMERE}", "/api/stories", "/static/app.css", "/nope", "/api/nope"):
        res = client.get(url)
        csp = res.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "default-src 'none'" in csp and "unsafe-inline" not in csp
        assert res.headers["x-content-type-options"] == "nosniff"
        assert res.headers["x-frame-options"] == "DENY"


# -- pages --------------------------------------------------------------------------------
def test_pages_render_the_demo(client: TestClient):
    index = client.get("/", params={"sort": "size"}).text
    assert "Eastmere flood defence fails as River Caddon bursts its banks" in index
    assert f'href="/stories/{EASTMERE}"' in index
    story = client.get(f"/stories/{EASTMERE}").text
    assert story.count('class="point ') == 6 and story.count('class="node-link"') == 6
    assert story.count('class="edge-link"') == 4
    assert 'href="/compare/riverside-gazette-original/valley-daily-rewrite"' in story
    article = client.get("/articles/valley-daily-rewrite").text
    assert 'class="reuse verbatim"' in article or 'class="reuse edited"' in article
    assert 'href="/compare/riverside-gazette-original/valley-daily-rewrite#p0"' in article
    assert "Embedded posts" in article and 'class="embed"' in article
    assert 'href="https://valleydaily.example/news/eastmere-flood-defense-collapse"' in article
    compare = client.get("/compare/riverside-gazette-original/valley-daily-rewrite").text
    assert 'data-p="0"' in compare and "change meaning" in compare
    assert '<tr class="meaning"><td class="kind">number' in compare
    search = client.get("/search", params={"q": "Caddon"}).text
    assert 'href="/articles/riverside-gazette-original"' in search


def test_story_entities_facts_and_brief_are_rendered(demo_db: Path, tmp_path: Path):
    """Stories built by the story engine carry entities, facts and a brief: rendered from the model
    (a story made here, so the test holds whatever the engine produces), escaped."""
    db = copy_db(demo_db, tmp_path / "s.db")
    evil = '<script>window.__pwned=1</script>'
    story = Story(
        id="st-made", title=f"Made story {evil}", articles=("riverside-gazette-original", "valley-daily-rewrite"),
        originals=("riverside-gazette-original",), first_seen="2025-03-14T08:10:00",
        tree=(TreeEdge("riverside-gazette-original", None), TreeEdge("valley-daily-rewrite", "riverside-gazette-original")),
        timeline=(TimelineEntry("riverside-gazette-original", "Riverside Gazette", "2025-03-14T08:10:00"),
                  TimelineEntry("valley-daily-rewrite", "Valley Daily", "2025-03-14T15:20:00+00:00")),
        entities=(Entity("Freedom of Russia Legion", "ORG", ("Liberty of Russia Legion", "FRL"),
                         ("riverside-gazette-original",)),),
        facts=(Fact("1,200 residents were evacuated", ("riverside-gazette-original", "metro-herald-independent"), 2,
                    (Disagreement("residents", "number", (
                        Claim("1,200 residents", ("riverside-gazette-original",)),
                        Claim("1,500 residents", ("valley-daily-rewrite",)))),)),),
        brief=(BriefSentence(f"The embankment failed {evil}.", ("riverside-gazette-original", "wire-copy")),),
    )
    with copydesk.open_store(db) as store:
        store.replace_stories([story])
    c = TestClient(create_app(db))
    html = c.get("/stories/st-made").text
    assert "Freedom of Russia Legion" in html and "Liberty of Russia Legion, FRL" in html
    assert "1,200 residents were evacuated" in html and "2 independent sources" in html
    assert "<q>1,500 residents</q>" in html and "<q>1,200 residents</q>" in html and "number: residents" in html
    assert 'href="/articles/wire-copy"' in html  # the brief cites its articles
    assert evil not in html and "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    api = c.get("/api/stories/st-made").json()["story"]
    assert api["entities"][0]["aliases"] == ["Liberty of Russia Legion", "FRL"]
    assert api["facts"][0]["independent_sources"] == 2 and api["brief"][0]["sources"] == ["riverside-gazette-original",
                                                                                          "wire-copy"]
    assert c.get("/api/stories").json()["items"][0]["id"] == "st-made"


# -- writing ------------------------------------------------------------------------------
HOSTILE_HTML = ('<html><head><title>x</title></head><body><article><h1>Flood <script>alert(1)</script></h1>'
                '<p>Eastmere residents were moved out overnight as the River Caddon rose faster than forecast, '
                'officials said, and the council opened two shelters in the town hall and the school.</p>'
                '<img src="x" onerror="window.__pwned=2"><a href="javascript:window.__pwned=3">more</a>'
                '<script>window.__pwned=4</script></article></body></html>')


def test_read_only_server_refuses_writes(client: TestClient):
    err = assert_envelope(client.post("/api/articles", json={"id": "x", "text": "hello"}, headers=auth()),
                          403, "read_only")
    assert "--token" in err["message"]


def test_ingest_needs_the_token(writable: TestClient):
    body = {"id": "tok", "text": "Some words of an article."}
    assert_envelope(writable.post("/api/articles", json=body), 401, "unauthorized")
    assert_envelope(writable.post("/api/articles", json=body, headers=auth("wrong")), 401, "unauthorized")
    assert_envelope(writable.post("/api/articles", json=body, headers={"Authorization": TOKEN}), 401, "unauthorized")
    assert writable.get("/api/articles/tok").status_code == 404  # nothing was written


def test_ingest_runs_the_pipeline(writable: TestClient):
    original = writable.get("/api/articles/riverside-gazette-original").json()["article"]
    copy = {"id": "api-copy", "source": "Copy Cat News", "title": "Copied", "published": "2025-03-15",
            "text": "Copy Cat News has learned the following.\n\n" + original["text"]}
    lines = "\n".join([json.dumps(copy), "{not json", json.dumps({"text": "no id here"}),
                       json.dumps({"id": "empty", "source": "X"})])
    res = writable.post("/api/articles", content=lines.encode(),
                        headers={**auth(), "Content-Type": "application/x-ndjson"})
    assert res.status_code == 200, res.text
    data = res.json()
    assert data["added"] == 1 and data["accepted"] == ["api-copy"]
    assert [(e["record"], e["kind"]) for e in data["errors"]] == [("line 2", "format"), ("line 3", "format"),
                                                                  ("line 4", "empty")]
    assert "no 'id'" in data["errors"][1]["reason"] and "no article text" in data["errors"][2]["reason"]
    # relate ran: the copy is related to the original and joined its story
    rels = writable.get("/api/relations", params={"article": "api-copy"}).json()["items"]
    assert ("riverside-gazette-original", "api-copy") in [(r["original"], r["derived"]) for r in rels]
    assert writable.get("/api/articles/api-copy").json()["story"] == EASTMERE
    top = writable.get("/api/stories", params={"sort": "size"}).json()["items"][0]
    assert top["id"] == EASTMERE and top["articles"] == 7  # the cached story list was refreshed
    # the same again: unchanged (idempotent)
    again = writable.post("/api/articles", json=copy, headers=auth()).json()
    assert again["unchanged"] == 1 and again["added"] == 0
    # JSON bodies: a list, errors named by item
    res = writable.post("/api/articles", json={"articles": [{"id": "n1", "text": "A short new article body."},
                                                            ["not", "an", "object"]]}, headers=auth())
    assert res.json()["added"] == 1 and res.json()["errors"][0]["record"] == "item 1"


def test_ingest_takes_a_csv_body(writable: TestClient):
    """A news dataset's CSV, as ``copydesk analyze`` reads .csv files: a header names the fields, rows are
    records named "row N", a quoted text spans lines; a row without an id or a text is an error naming it."""
    import csv
    import io

    original = writable.get("/api/articles/riverside-gazette-original").json()["article"]
    buf = io.StringIO()
    csv.writer(buf).writerows([
        ["id", "title", "publication", "date", "content"],
        ["csv-copy", "Copied again", "Table News", "2025-03-16", "Table News reprints this.\n\n" + original["text"]],
        ["", "No id", "Table News", "2025-03-16", "Some text of a story without an id of its own."],
        ["csv-empty", "No text", "Table News", "2025-03-16", ""],
    ])
    res = writable.post("/api/articles", content=buf.getvalue().encode(),
                        headers={**auth(), "Content-Type": "text/csv; charset=utf-8"})
    assert res.status_code == 200, res.text
    data = res.json()
    assert data["accepted"] == ["csv-copy"]
    assert [(e["record"], e["kind"]) for e in data["errors"]] == [("row 2", "format"), ("row 3", "empty")]
    article = writable.get("/api/articles/csv-copy").json()["article"]
    assert article["source"] == "Table News" and article["title"] == "Copied again"
    rels = writable.get("/api/relations", params={"article": "csv-copy"}).json()["items"]
    assert ("riverside-gazette-original", "csv-copy") in [(r["original"], r["derived"]) for r in rels]


def test_ingest_refuses_bad_bodies(writable: TestClient, monkeypatch):
    post = lambda **kw: writable.post("/api/articles", headers={**auth(), **kw.pop("headers", {})}, **kw)  # noqa: E731
    assert_envelope(post(content=b"{", headers={"Content-Type": "application/json"}), 400, "bad_request")
    assert_envelope(post(content=b"", headers={"Content-Type": "application/json"}), 400, "bad_request")
    assert_envelope(post(content=b"\xff\xfe", headers={"Content-Type": "application/json"}), 400, "bad_request")
    assert_envelope(post(content=b"<a/>", headers={"Content-Type": "application/xml"}), 415, "unsupported_media_type")
    assert_envelope(post(content=b"\n", headers={"Content-Type": "text/csv"}), 400, "bad_request")
    err = assert_envelope(post(json=[{"id": "a"}, {"text": "b"}]), 422, "invalid_records")
    assert [d["record"] for d in err["details"]] == ["item 0", "item 1"]
    web = writable.app.state.web
    monkeypatch.setattr(web, "settings", web.settings.with_overrides({"web": {"max_request_bytes": 1000,
                                                                              "max_records": 3}}))
    err = assert_envelope(post(json={"id": "big", "text": "x" * 2000}), 413, "too_large")
    assert "web.max_request_bytes" in err["message"]
    err = assert_envelope(post(json=[{"id": str(i), "text": "t"} for i in range(4)]), 413, "too_large")
    assert "web.max_records" in err["message"]


def test_hostile_article_is_escaped(writable: TestClient):
    evil = {"id": "evil<script>", "source": "<img src=x onerror=alert(1)>", "url": "javascript:alert(1)",
            "title": "<script>alert('title')</script>", "html": HOSTILE_HTML}
    assert writable.post("/api/articles", json=evil, headers=auth()).json()["added"] == 1
    page = writable.get("/articles/evil%3Cscript%3E")
    assert page.status_code == 200
    html = page.text
    assert "<script>alert" not in html and "<img src=x" not in html and 'href="javascript:' not in html.lower()
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in html
    assert '<span class="unsafe-url">javascript:alert(1)</span>' in html
    assert "<script" not in html.replace('<script src="/static/app.js" defer></script>', "")
    listing = writable.get("/", params={"q": "<script>"}).text
    assert "<script>alert" not in listing and "&lt;script&gt;alert" in listing


# -- the view helpers ---------------------------------------------------------------------
def test_paint_overlaps_and_clips():
    marks = [views.Mark(0, 5, "reuse verbatim", href="/a", title="one", passage=0),
             views.Mark(3, 8, "reuse edited", href="/b", title="two", passage=1),
             views.Mark(4, 6, "change meaning", title="number", layer="change"),
             views.Mark(9, 99, "reuse paraphrase", href="/c", passage=2)]
    segs = views.paint("0123456789", marks)
    assert "".join(s.text for s in segs) == "0123456789"
    assert [(s.text, s.href) for s in segs] == [("012", "/a"), ("3", "/a"), ("4", "/a"), ("5", "/b"), ("67", "/b"),
                                                ("8", None), ("9", "/c")]
    assert segs[2].css == "reuse verbatim change meaning" and segs[2].title == "one; two; number"
    assert segs[3].css == "reuse edited change meaning" and segs[3].passage == 1
    assert views.paint("", marks) == [] and [s.text for s in views.paint("abc", [])] == ["abc"]


def test_safe_url_and_ids():
    assert views.safe_url("https://x.example/a?b=1") == "https://x.example/a?b=1"
    for bad in ("javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,x", "//evil.example", "/local",
                "vbscript:x", None, ""):
        assert views.safe_url(bad) is None
    assert views.article_href("a/b c") == "/articles/a%2Fb%20c"


def test_tree_survives_a_cycle_and_timeline_undated():
    story = Story(id="s", title=None, articles=("a", "b", "c"), originals=(), first_seen=None,
                  tree=(TreeEdge("a", "b"), TreeEdge("b", "a"), TreeEdge("c", "a")),
                  timeline=(TimelineEntry("a", "S1", "2025-01-01"), TimelineEntry("b", None, None),
                            TimelineEntry("c", "S1", "2025-01-03")))
    tree = views.tree_geometry(story, {}, {})
    assert len(tree["nodes"]) == 3 and len(tree["edges"]) == 2
    tl = views.timeline_geometry(story, {})
    xs = {p["article"]: p["x"] for p in tl["points"]}
    assert xs["a"] < xs["c"] < xs["b"] == tl["undated_x"] and tl["undated"]


# -- the command ----------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_command(demo_db: Path, tmp_path: Path):
    import httpx

    from click.testing import CliRunner

    from copydesk.cli import cli

    res = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "missing.db")])
    assert res.exit_code == 1 and "no such database" in res.output
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "COPYDESK_TOKEN": TOKEN}
    proc = subprocess.Popen([sys.executable, "-m", "copydesk.cli", "serve", "--db", str(demo_db), "--port", str(port)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                res = httpx.get(f"http://127.0.0.1:{port}/api/stories", timeout=2)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stdout.read().decode()
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
        assert res.json()["total"] == 2
        # the token came from COPYDESK_TOKEN: a wrong one is refused, not the read-only answer
        res = httpx.post(f"http://127.0.0.1:{port}/api/articles", json={"id": "x", "text": "y"},
                         headers={"Authorization": "Bearer wrong"})
        assert res.status_code == 401
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_story_page_says_how_to_enrich_a_story_analyze_left_bare(tmp_path: Path):
    from copydesk import api
    from copydesk.config import load_settings
    from copydesk.store import open_store

    db = tmp_path / "bare.db"
    demo = Path(__file__).resolve().parents[1] / "examples" / "demo"
    api.analyze([demo], db=db, settings=load_settings().with_overrides({"stories": {"enrich_max_stories": 0}}))
    with open_store(db) as store:
        big = max(store.stories(), key=lambda s: len(s.articles))
    page = TestClient(create_app(db)).get(f"/stories/{big.id}")
    assert page.status_code == 200
    assert "not made yet" in page.text and f"copydesk enrich --story {big.id}" in page.text
    with open_store(db) as store:
        api.enrich(store, story_ids=[big.id])
    page = TestClient(create_app(db)).get(f"/stories/{big.id}")
    assert "not made yet" not in page.text and "entity-name" in page.text


def test_home_page_of_a_copies_only_database_lists_its_relations(tmp_path: Path):
    """`analyze --no-stories` makes no stories: the home page says so and lists the relations, each
    linking to both articles and to their comparison; a database with stories does not show it."""
    db = tmp_path / "copies.db"
    copydesk.analyze([REPO / "examples" / "demo"], db=db,
                     settings=copydesk.load_settings().with_overrides({"stories": {"enabled": False}}))
    web = TestClient(create_app(db))
    html = web.get("/").text
    assert 'id="copies-only"' in html and "--no-stories" in html
    rels = web.get("/api/relations").json()["items"]
    assert len(rels) == 4
    for r in rels:
        href = views.compare_href(r["original"], r["derived"])
        assert href in html and web.get(href).status_code == 200
        assert views.article_href(r["derived"]) in html


def test_home_page_with_stories_has_no_copies_only_list(client: TestClient):
    assert 'id="copies-only"' not in client.get("/").text
