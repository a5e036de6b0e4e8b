"""The web UI in a real browser: Playwright drives Debian's Chromium (/usr/bin/chromium,
installed by `make test` through scripts/ensure-chromium.sh; Playwright never downloads a
browser) against `copydesk serve`'s app on loopback, over a database of the demo corpus.

Screenshots of every page visited are saved in build/test-artifacts/."""

from __future__ import annotations

import os
import socket
import sqlite3
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed: pip install 'copydesk[web]'")
uvicorn = pytest.importorskip("uvicorn", reason="the web extra is not installed: pip install 'copydesk[web]'")
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed: pip install -e '.[dev]'")
import httpx  # noqa: E402

from copydesk.web import create_app  # noqa: E402

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "build" / "test-artifacts"
CHROMIUM = os.environ.get("COPYDESK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic", "--disable-dev-shm-usage"]
TOKEN = "browser-test-token"
EASTMERE_TITLE = "Eastmere flood defence fails as River Caddon bursts its banks"

#: an article built to run script if anything is rendered unescaped: script tags, event
#: handlers and javascript: links in its HTML, its plain text, its title, source and url
HOSTILE = [
    {"id": "hostile-html", "source": "<img src=x onerror=\"window.__pwned='source'\">",
     "url": "javascript:window.__pwned='url'", "title": "<script>window.__pwned='title';alert('title')</script>",
     "html": "<html><body><article><h1>Quiet day</h1>"
             "<p>The Eastmere council said on Friday that the River Caddon embankment repairs would take "
             "three weeks, and residents could return home once engineers had inspected every house.</p>"
             "<img src=\"x\" onerror=\"window.__pwned='img';alert('img')\">"
             "<p><a href=\"javascript:window.__pwned='link'\">Read more</a> "
             "<a href=\"JaVaScRiPt:alert('link2')\">also</a></p>"
             "<script>window.__pwned='script';alert('script')</script>"
             "<svg onload=\"window.__pwned='svg'\"></svg></article></body></html>"},
]


def _hostile_text(original: str) -> dict:
    # (no block or closing tags: a text field that is markup is read as its text, which drops scripts; this
    # one stays text, and must be shown as text)
    evil = ("<script>window.__pwned='text';alert('text')</script> <img src=x onerror=\"window.__pwned='t-img'\"> "
            "<a href=\"javascript:window.__pwned='t-link'\">click ")
    return {"id": "hostile-copy\"><script>alert(1)</script>", "source": "Evil <b onmouseover=alert(1)>Outlet</b>",
            "url": "https://evil.example/a\"onmouseover=\"alert(1)", "title": "</title><script>alert(1)</script>",
            "published": "2025-03-15T10:00:00", "text": evil + "\n\n" + original + "\n\n" + evil}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(demo_db: Path, tmp_path_factory: pytest.TempPathFactory):
    """The app on a loopback port, over a copy of the demo database, with the token set."""
    db = tmp_path_factory.mktemp("browser") / "b.db"
    with sqlite3.connect(demo_db) as a, sqlite3.connect(db) as b:
        a.backup(b)
    port = _free_port()
    config = uvicorn.Config(create_app(db, token=TOKEN), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    yield base
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM}: `make chromium` (scripts/ensure-chromium.sh) installs "
                    "Debian's chromium, or set COPYDESK_CHROMIUM")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.dialogs = []  # type: ignore[attr-defined]
    pg.console_errors = []  # type: ignore[attr-defined]
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    pg.on("console", lambda m: pg.console_errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.console_errors.append(str(e)))
    yield pg
    context.close()


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"web-{name}.png"), full_page=True)


def test_click_through_story_article_compare(server: str, page):
    page.goto(server + "/?sort=size")
    assert page.title().startswith("Stories")
    assert page.locator("#totals").inner_text().split() [:2] == ["2", "stories"]
    rows = page.locator("#story-list tbody tr")
    assert rows.count() == 2
    assert rows.first.locator("td").nth(1).inner_text() == "6"  # articles in the biggest story
    assert rows.first.locator("td").nth(4).inner_text().strip() == "4"  # of which copies
    shot(page, "1-stories")
    # sorting by another key through the select (the page's own script submits it)
    page.select_option("#story-sort", "title")
    page.wait_for_url("**sort=title**")
    assert rows.first.locator("a").inner_text() == EASTMERE_TITLE

    page.get_by_role("link", name=EASTMERE_TITLE).click()
    page.wait_for_url("**/stories/**")
    assert page.locator("#story-title").inner_text() == EASTMERE_TITLE
    assert page.locator("svg.timeline circle.point").count() == 6
    assert page.locator("svg.timeline circle.point.original").count() == 2  # the original and the independent report
    assert page.locator("svg.tree .node-link").count() == 6
    assert page.locator("svg.tree .edge-link").count() == 4
    labels = page.locator("svg.tree .edge-label").all_text_contents()
    assert sorted(l.split()[0] for l in labels) == ["duplicate", "duplicate", "partial", "rewrite"]
    shot(page, "2-story")

    page.locator('svg.tree a.node-link[data-article="valley-daily-rewrite"]').click()
    page.wait_for_url("**/articles/valley-daily-rewrite")
    assert page.locator("#article-source").inner_text() == "Valley Daily"
    reused = page.locator("#article-body a.reuse")
    assert reused.count() >= 3
    assert page.locator("#article-body .change.meaning").count() >= 2  # the changed number, the dropped hedge
    assert page.locator("#embeds blockquote.embed").count() == 2
    assert page.locator("#removed li").count() >= 1
    shot(page, "3-article")

    reused.first.click()
    page.wait_for_url("**/compare/riverside-gazette-original/valley-daily-rewrite#p0")
    assert "rewrite" in page.locator("#verdict").inner_text()
    n_left = page.locator("#left-text [data-p]").evaluate_all("els => new Set(els.map(e => e.dataset.p)).size")
    n_right = page.locator("#right-text [data-p]").evaluate_all("els => new Set(els.map(e => e.dataset.p)).size")
    assert n_left == n_right == page.locator("#passages tbody tr").count() > 3
    # the script connected every passage pair
    assert page.locator("#connectors").get_attribute("data-drawn") == str(n_left)
    assert page.locator("#connectors path").count() == n_left
    kinds = set(page.locator("#passages tbody td:nth-child(2) span").all_inner_texts())
    assert {"verbatim", "edited"} <= kinds
    meaning = page.locator("#changes tr.meaning td.kind").all_inner_texts()
    assert {k.split()[0] for k in meaning} >= {"number", "hedge", "attribution"}
    # hovering a passage lights up its counterpart on the other side
    page.locator('#right-text [data-p="1"]').first.hover()
    assert "hot" in page.locator('#left-text [data-p="1"]').first.get_attribute("class")
    shot(page, "4-compare")

    page.goto(server + "/search?q=Caddon")
    assert page.locator("#hits li").count() >= 4
    assert page.dialogs == [] and page.console_errors == [], (page.dialogs, page.console_errors)
    page.goto(server + "/no/such/page")
    assert page.locator(".error-message").get_attribute("data-code") == "not_found"
    page.goto(server + "/docs")
    assert page.locator("section.op").count() >= 8
    shot(page, "5-docs")


def test_hostile_article_runs_nothing(server: str, page):
    original = httpx.get(server + "/api/articles/riverside-gazette-original").json()["article"]["text"]
    records = HOSTILE + [_hostile_text(original)]
    res = httpx.post(server + "/api/articles", json=records, headers={"Authorization": f"Bearer {TOKEN}"},
                     timeout=300)
    assert res.status_code == 200, res.text
    assert res.json()["added"] == 2, res.json()
    copy_id = records[1]["id"]
    from copydesk.web.views import article_href, compare_href, story_href

    story = httpx.get(server + "/api" + article_href(copy_id)).json()["story"]
    assert story is not None

    urls = [article_href("hostile-html"), article_href(copy_id), story_href(story),
            compare_href("riverside-gazette-original", copy_id), "/?q=%3Cscript%3E", "/?sort=recent",
            "/search?q=" + "%3Cscript%3E", "/search?q=pwned"]
    for i, url in enumerate(urls):
        page.goto(server + url)
        page.wait_for_load_state("load")
        page.wait_for_timeout(150)  # let any handler that could fire, fire
        assert page.evaluate("() => window.__pwned === undefined"), f"script ran on {url}"
        assert page.locator('[href^="javascript:" i]').count() == 0, url
        assert page.locator("[onerror], [onload], [onmouseover]").count() == 0, url
        assert page.locator("script:not([src='/static/app.js'])").count() == 0, url
        shot(page, f"6-hostile-{i}")
    assert page.dialogs == [], page.dialogs
    # the hostile text is shown, as text
    page.goto(server + article_href(copy_id))
    assert "<script>window.__pwned='text'" in page.locator("#article-body").inner_text()
    assert page.locator("#article-title").inner_text() == "</title><script>alert(1)</script>"
    page.goto(server + article_href("hostile-html"))
    assert page.locator(".unsafe-url").inner_text() == "javascript:window.__pwned='url'"
    assert page.dialogs == []


def test_no_path_outside_the_app_is_served(server: str):
    """Raw requests (no client-side normalisation of '..')."""
    import http.client

    from urllib.parse import urlsplit

    host = urlsplit(server)
    for path in ("/static/../app.py", "/static/%2e%2e/app.py", "/static/..%2fapp.py", "/static/%2e%2e%2f%2e%2e%2fpyproject.toml",
                 "/static//etc/passwd", "/static/../../../../etc/passwd", "/../../etc/passwd", "/etc/passwd",
                 "/static/app.css/../../web/app.py", "/static/%2fetc%2fpasswd"):
        conn = http.client.HTTPConnection(host.hostname, host.port, timeout=10)
        conn.request("GET", path)
        res = conn.getresponse()
        body = res.read()
        conn.close()
        assert res.status in (400, 404), (path, res.status)
        assert b"root:" not in body and b"import" not in body and b"[project]" not in body, path
