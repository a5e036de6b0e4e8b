"""Ingestion: every input format, files and directories, stdin, and the metadata
that records carry through to the stored Article.

Every test builds real input files in ``tmp_path`` and runs the real pipeline.
"""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

import copydesk
from copydesk.cli import cli

P1 = "Officials confirmed on Tuesday that the harbour bridge would reopen next month after long repairs."
P2 = ("The work cost far more than expected, according to the city's transport department, "
      "which said the delays were caused by a wet winter.")
BODY = f"{P1}\n\n{P2}"


def body(tag: str) -> str:
    """A two-paragraph article body, unique per ``tag`` so no two articles are duplicates."""
    return (f"Reporters in {tag} confirmed on Tuesday that the harbour bridge would reopen next month.\n\n"
            f"The {tag} repairs cost far more than expected, according to the transport department.")


def html_page(title: str, text: str, *, author: str | None = None) -> str:
    paras = "".join(f"<p>{p}</p>" for p in text.split("\n\n"))
    meta = f'<meta name="author" content="{author}">' if author else ""
    return (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{title}</title>{meta}</head>"
            f"<body><nav><a href='/'>Home</a></nav><article><h1>{title}</h1>{paras}</article></body></html>")


def write_warc(path: Path, pages: list[tuple[str, str]], *, gz: bool, extra: bool = True) -> None:
    """A real WARC: a warcinfo record, and per page a request and an HTML response record;
    with ``extra``, also a PNG response (not an article) that the reader must skip."""
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=gz)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "copydesk-tests"}))
        for url, html in pages:
            req = StatusAndHeaders("GET / HTTP/1.1", [("Host", "example.com")], is_http_request=True)
            writer.write_record(writer.create_warc_record(url, "request", payload=io.BytesIO(b""), http_headers=req))
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(html.encode("utf-8")),
                                                          http_headers=headers))
        if extra:
            png = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                "https://example.com/logo.png", "response", payload=io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),
                http_headers=png))


def stored(db: Path) -> dict[str, copydesk.Article]:
    with copydesk.open_store(db) as store:
        return {a.id: a for a in store.articles()}


def errors_of(db: Path) -> list[copydesk.ErrorRecord]:
    with copydesk.open_store(db) as store:
        return store.errors()


# -- single formats ---------------------------------------------------------------------


def test_text_file_id_is_its_stem(tmp_path: Path):
    src = tmp_path / "harbour-bridge.txt"
    src.write_text("Harbour bridge to reopen\n\n" + BODY, encoding="utf-8")
    db = tmp_path / "c.db"
    report = copydesk.analyze([src], db=db)
    assert report.errors == ()
    with copydesk.open_store(db) as store:
        art = store.article("harbour-bridge")
    assert art.text == f"{P1}\n\n{P2}"
    assert art.title == "Harbour bridge to reopen"
    assert art.input == str(src)


def _furnished_page(byline: str = "") -> str:
    """An undated news page with what sites put around an article: links to the outlet's other (dated)
    stories, a copyright footer, and in the article's text a pasted dateline of the story it copied."""
    return ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>Harbour bridge to reopen</title></head><body>"
            "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav><article><h1>Harbour bridge to reopen</h1>"
            f"{byline}<p>{P1}</p>"
            "<p class='related'>Read more: <a href='https://example.com/2019/03/04/bridge-closed'>"
            "Bridge closed for repairs, March 4, 2019</a></p>"
            f"<p>{P2} The original report was updated 12/19/2005 2:48:40 PM ET.</p></article>"
            "<aside><h2>Most read</h2><ol><li><a href='https://example.com/2020/07/01/ferry'>Ferry fares rise</a></li>"
            "</ol></aside><footer><p>© 2024 Harbour Times. All rights reserved.</p></footer></body></html>")


def test_html_page_date_is_its_own_not_another_dates_on_the_page(tmp_path: Path):
    """A page that declares no date is dated only by what it shows of itself: not by the copyright year,
    its links to other stories, or a date in its article text (a wrong date misleads the direction of a
    relation more than a missing one). A visible byline date is still read, also beside a photo credit."""
    (tmp_path / "undated.html").write_text(_furnished_page(), encoding="utf-8")
    (tmp_path / "byline.html").write_text(
        _furnished_page("<div class='byline'>By Clark Kent | Published 18 November 2019 | Photo © Reuters 2019</div>"),
        encoding="utf-8")
    (tmp_path / "declared.html").write_text(_furnished_page().replace(
        "</title>", "</title><meta property='article:published_time' content='2021-06-02T08:00:00Z'>"),
        encoding="utf-8")
    db = tmp_path / "c.db"
    copydesk.analyze([tmp_path], db=db)
    arts = stored(db)
    assert P1 in arts["undated"].text and "Read more" not in arts["undated"].text
    assert arts["undated"].published is None
    assert arts["byline"].published == "2019-11-18"
    assert arts["byline"].byline == "Clark Kent"  # the byline's date and credit are no names
    assert arts["declared"].published.startswith("2021-06-02")


@pytest.mark.parametrize("suffix", [".html", ".htm"])
def test_html_file(tmp_path: Path, suffix: str):
    src = tmp_path / f"page{suffix}"
    src.write_text(html_page("Harbour bridge to reopen next month", BODY, author="Clark Kent"), encoding="utf-8")
    db = tmp_path / "c.db"
    copydesk.analyze([src], db=db)
    with copydesk.open_store(db) as store:
        art = store.article("page")
    assert P1 in art.text and P2 in art.text
    assert "Home" not in art.text  # navigation is not article text
    assert art.title == "Harbour bridge to reopen next month"
    assert art.byline == "Clark Kent"
    assert errors_of(db) == []


def test_json_object_carries_id_and_metadata(tmp_path: Path):
    src = tmp_path / "one.json"
    src.write_text(json.dumps({
        "id": "planet-001", "source": "Daily Planet", "url": "https://planet.example/bridge",
        "title": "Bridge to reopen", "published": "2024-03-05T10:00:00Z", "byline": "Lois Lane", "text": BODY,
    }), encoding="utf-8")
    db = tmp_path / "c.db"
    copydesk.analyze([src], db=db)
    with copydesk.open_store(db) as store:
        art = store.article("planet-001")  # the record's id, not the file stem
        assert store.count_articles() == 1
    assert art.source == "Daily Planet"
    assert art.url == "https://planet.example/bridge"
    assert art.title == "Bridge to reopen"
    assert art.published is not None and art.published.startswith("2024-03-05T10:00")
    assert art.byline == "Lois Lane"
    assert art.text == f"{P1}\n\n{P2}"
    assert art.input == str(src)


def test_json_html_field_is_extracted_as_html(tmp_path: Path):
    src = tmp_path / "one.json"
    src.write_text(json.dumps({"id": "h1", "source": "Wire", "html": html_page("Bridge to reopen", BODY)}),
                   encoding="utf-8")
    db = tmp_path / "c.db"
    copydesk.analyze([src], db=db)
    art = stored(db)["h1"]
    assert P1 in art.text and "<p>" not in art.text
    assert art.source == "Wire"  # the record's own metadata wins over the page's


def test_json_list_with_and_without_ids(tmp_path: Path):
    src = tmp_path / "batch.json"
    src.write_text(json.dumps([
        {"id": "first", "text": body("Lisbon"), "title": "Lisbon"},
        {"text": body("Oslo"), "headline": "Oslo", "author": ["Ann Lee", "Bo Chan"]},  # aliases
        {"id": 42, "content": body("Quito")},  # a numeric id becomes a string
    ]), encoding="utf-8")
    db = tmp_path / "c.db"
    copydesk.analyze([src], db=db)
    arts = stored(db)
    assert set(arts) == {"first", "batch-1", "42"}
    assert arts["batch-1"].title == "Oslo"
    assert arts["batch-1"].byline == "Ann Lee, Bo Chan"
    assert arts["batch-1"].record == "item 1"
    assert "Quito" in arts["42"].text


def test_jsonl_of_common_scraper_and_api_schemas(tmp_path: Path):
    """news-please, NewsAPI and GDELT-style exports are read as they come: keys are compared
    without case or separators, a source may be an object with a name, dates may be epoch
    seconds or milliseconds or ISO basic format."""
    src = tmp_path / "mixed.jsonl"
    src.write_text("\n".join(json.dumps(r) for r in [
        {"article_id": "np-1", "source_domain": "planet.example", "date_publish": "2024-03-05 10:00:00",
         "date_download": "2024-03-07 08:00:00",
         "maintext": body("Lima"), "authors": ["Lois Lane"], "title": "Lima"},
        {"uuid": "api-1", "source": {"id": None, "name": "Daily Planet"}, "publishedAt": "2024-03-06T08:30:00Z",
         "Article_Text": body("Suva"), "author": "Clark Kent", "url": "https://planet.example/suva"},
        {"id": "ts-1", "timestamp": 1709719200, "full_text": body("Apia")},
        {"id": "ts-2", "timestamp": 1709719200000, "text": body("Nuku")},
        {"id": "gd-1", "seendate": "20240306T103000Z", "text": body("Male")},
    ]), encoding="utf-8")
    db = tmp_path / "c.db"
    copydesk.analyze([src], db=db)
    arts = stored(db)
    assert set(arts) == {"np-1", "api-1", "ts-1", "ts-2", "gd-1"}
    assert arts["np-1"].source == "planet.example" and arts["np-1"].byline == "Lois Lane"
    assert arts["np-1"].published.startswith("2024-03-05T10:00")
    assert arts["np-1"].crawled.startswith("2024-03-07T08:00")  # news-please's crawl time: a bound, not the date
    assert arts["api-1"].source == "Daily Planet" and arts["api-1"].byline == "Clark Kent"
    assert arts["api-1"].published.startswith("2024-03-06T08:30") and "Suva" in arts["api-1"].text
    assert arts["ts-1"].published.startswith("2024-03-06T10:00") and "Apia" in arts["ts-1"].text
    assert arts["ts-2"].published.startswith("2024-03-06T10:00")
    assert arts["gd-1"].published.startswith("2024-03-06T10:30")


def test_csv_and_tsv_news_datasets(tmp_path: Path):
    """News datasets come as CSV with a header ("All the News": id, title, publication, author, date, url,
    content): each row is a record read as a JSON record is; a quoted text spans lines; a row with no text
    and a row over the record limit are errors naming the row, and the rows after them are read; a text longer than the csv module's default field limit is kept;
    TSV and gzip too."""
    import csv

    long_text = "\n\n".join(body(f"Town{k}") for k in range(1500))  # ~200,000 characters
    assert len(long_text) > 131072
    rows = [
        ["", "id", "title", "publication", "author", "date", "url", "content"],
        ["0", "17283", "Bridge to reopen", "Harbour Times", "Ann Lee", "2016-12-31", "https://h.example/1", body("Lagos")],
        ["1", "17284", "No text here", "Harbour Times", "", "2017-01-01", "https://h.example/2", ""],
        ["2", "", "Long read", "Valley Daily", "", "2017-01-02", "", long_text],
        ["4", "17287", "After the bad rows", "Coast News", "", "5 January 2017", "", body("Perth")],
    ]
    src = tmp_path / "articles1.csv"
    with src.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    tsv = tmp_path / "more.tsv.gz"
    tsv.write_bytes(gzip.compress(("headline\tsource\ttext\n" f"From a TSV\tTab News\t{body('Hobart').replace(chr(10), ' ')}\n").encode()))
    db = tmp_path / "c.db"
    report = copydesk.analyze([src, tsv], db=db, settings=copydesk.load_settings().with_overrides(
        {"ingest": {"max_record_bytes": 150_000}}))
    arts = stored(db)
    assert set(arts) == {"17283", "17287", "more-1"}
    assert arts["17283"].source == "Harbour Times" and arts["17283"].byline == "Ann Lee"
    assert arts["17283"].title == "Bridge to reopen" and arts["17283"].record == "row 1"
    assert arts["17283"].published.startswith("2016-12-31") and "Lagos" in arts["17283"].text
    assert "\n" in arts["17283"].text  # the quoted text's paragraphs are kept
    assert arts["17287"].published.startswith("2017-01-05") and arts["17287"].source == "Coast News"
    assert arts["more-1"].source == "Tab News" and arts["more-1"].title == "From a TSV"
    errors = {(Path(e.input).name, e.record): e.reason for e in report.errors}
    assert set(errors) == {("articles1.csv", "row 2"), ("articles1.csv", "row 3")}
    assert "no article text" in errors["articles1.csv", "row 2"]
    assert "ingest.max_record_bytes" in errors["articles1.csv", "row 3"]
    # a spreadsheet's export with semicolons (a comma is the decimal mark there)
    semi = tmp_path / "export.csv"
    semi.write_text("id;titel;text\n" f"s1;Brücke;\"{body('Graz')}\"\n", encoding="utf-8")
    copydesk.analyze([semi], db=tmp_path / "s.db")
    assert stored(tmp_path / "s.db")["s1"].text.startswith("Reporters in Graz")
    # with the default limit the long text is an article
    report = copydesk.analyze([src], db=tmp_path / "d.db")
    assert {a for a in stored(tmp_path / "d.db")} == {"17283", "articles1-3", "17287"}


def test_parquet_news_dataset(tmp_path: Path):
    """A Parquet table as news datasets are published (a Hugging Face export: a timestamp column,
    authors as a list, the HTML of some rows in a binary column), read a batch at a time across row
    groups: every row a record read as a JSON record is; a row without text is an error naming the
    row and the rows after it are read; a table without rows is an error."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    from datetime import datetime, timezone

    n = 300  # more than one reader batch (256 rows), several row groups
    texts = [body(f"Town{i}") for i in range(n)]
    texts[7] = None  # a row without text
    html = [None] * n
    html[3] = html_page("A page in a binary column", body("Bytes")).encode("utf-8")
    texts[3] = None
    table = pa.table({
        "id": [f"cc-{i}" for i in range(n)],
        "title": [f"Story {i}" if i != 3 else "A page in a binary column" for i in range(n)],
        "text": texts,
        "html": pa.array(html, type=pa.binary()),
        "domain": ["harbour.example"] * n,
        "date": pa.array([datetime(2024, 3, 5, 10, i % 60, tzinfo=timezone.utc) if i % 5 else None
                          for i in range(n)], type=pa.timestamp("ms", tz="UTC")),
        "authors": [["Ann Lee", "Bo Park"] if i == 1 else [] for i in range(n)],
    })
    src = tmp_path / "cc_news-train.parquet"
    pq.write_table(table, src, row_group_size=128)
    empty = tmp_path / "empty.parquet"
    pq.write_table(table.slice(0, 0), empty)
    db = tmp_path / "c.db"
    report = copydesk.analyze([src, empty], db=db)
    arts = stored(db)
    assert len(arts) == n - 1 and "cc-7" not in arts
    one = arts["cc-1"]
    assert (one.title, one.source, one.byline, one.record) == ("Story 1", "harbour.example", "Ann Lee, Bo Park", "row 2")
    assert one.published.startswith("2024-03-05T10:01") and "Town1 " in one.text
    assert arts["cc-5"].published is None and arts["cc-299"].text.startswith("Reporters in Town299")
    assert arts["cc-3"].text.startswith("Reporters in Bytes") and arts["cc-3"].title == "A page in a binary column"
    errors = {(Path(e.input).name, e.record): e.reason for e in report.errors}
    assert set(errors) == {("cc_news-train.parquet", "row 8"), ("empty.parquet", None)}
    assert "no article text" in errors["cc_news-train.parquet", "row 8"]
    assert "no rows" in errors["empty.parquet", None]


@pytest.mark.parametrize("compression", ["gz", "bz2", "xz", "zst"])
def test_compressed_dumps_are_read_as_a_stream(tmp_path: Path, compression: str):
    """News dumps come compressed (.jsonl.zst, .json.bz2, .csv.xz, .warc.xz): each kind is read
    decompressed, record by record, and the stem drops both suffixes."""
    import bz2
    import lzma

    import zstandard

    pack = {"gz": gzip.compress, "bz2": bz2.compress, "xz": lzma.compress,
            "zst": lambda b: zstandard.ZstdCompressor().compress(b)}[compression]
    lines = "".join(json.dumps({"id": f"d-{i}", "title": f"Story {i}", "text": body(f"Town{i}")}) + "\n"
                    for i in range(30))
    (tmp_path / f"dump.jsonl.{compression}").write_bytes(pack(lines.encode("utf-8")))
    (tmp_path / f"one.json.{compression}").write_bytes(
        pack(json.dumps({"title": "One story", "text": BODY}).encode("utf-8")))
    (tmp_path / f"sheet.csv.{compression}").write_bytes(pack(f"title,text\nFrom a sheet,\"{body('Graz')}\"\n".encode()))
    plain = tmp_path / "plain.warc"
    write_warc(plain, [("https://example.com/lima", html_page("Lima bridge", body("Lima"))),
                       ("https://example.com/oslo", html_page("Oslo bridge", body("Oslo")))], gz=False)
    warc = tmp_path / f"crawl.warc.{compression}"  # the whole file compressed (warcio reads .gz only by record)
    warc.write_bytes(pack(plain.read_bytes()) if compression != "gz" else gzip.compress(plain.read_bytes()))
    plain.unlink()
    db = tmp_path / "c.db"
    report = copydesk.analyze([tmp_path], db=db)
    assert report.errors == ()
    arts = stored(db)
    assert {f"d-{i}" for i in range(30)} | {"one", "sheet-1", "crawl-1", "crawl-2"} == set(arts)
    assert arts["d-29"].text.startswith("Reporters in Town29") and arts["one"].title == "One story"
    assert "Graz" in arts["sheet-1"].text and arts["crawl-1"].title == "Lima bridge"
    assert arts["crawl-2"].url == "https://example.com/oslo" and "Oslo" in arts["crawl-2"].text


def test_json_articles_wrapper(tmp_path: Path):
    src = tmp_path / "wrapped.json"
    src.write_text(json.dumps({"articles": [{"id": "w1", "text": body("Rome")}, {"id": "w2", "text": body("Kyiv")}]}),
                   encoding="utf-8")
    db = tmp_path / "c.db"
    copydesk.analyze([src], db=db)
    assert set(stored(db)) == {"w1", "w2"}


def test_jsonl_lines_ids_and_blank_lines(tmp_path: Path):
    src = tmp_path / "feed.jsonl"
    lines = [
        json.dumps({"id": "a", "text": body("Accra"), "url": "https://a.example/1", "outlet": "A News"}),
        "",  # blank lines are allowed
        json.dumps({"text": body("Berlin"), "date": "5 March 2024"}),
    ]
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = tmp_path / "c.db"
    copydesk.analyze([src], db=db)
    arts = stored(db)
    assert set(arts) == {"a", "feed-3"}  # no id: the file stem and the line number
    assert arts["a"].url == "https://a.example/1"
    assert arts["a"].source == "A News"
    assert arts["a"].record == "line 1"
    assert arts["feed-3"].published is not None and arts["feed-3"].published.startswith("2024-03-05")
    assert errors_of(db) == []


@pytest.mark.parametrize("header,byline,source,published", [
    ("By Olivia Kowalski, Independent Voice\n\n01/13/2012", "Olivia Kowalski", "Independent Voice", "2012-01-13"),
    ("The National Bulletin\n\nPublished Mon 06 May 2013 18.05 GMT", None, "The National Bulletin",
     "2013-05-06T18:05:00+00:00"),
    ("By Jane Doe, John Smith\n\n06/29/2012 5:30 PM", "Jane Doe, John Smith", None, "2012-06-29T17:30:00"),
    ("By Lenny Bernstein, Lena H. Sun\n\nMarch 3, 2012 12:00 GMT", "Lenny Bernstein, Lena H. Sun", None,
     "2012-03-03T12:00:00+00:00"),
    ("23 July 2013 Last updated at 13: 42 GMT", None, None, "2013-07-23T13:42:00+00:00"),
    # an update's date before the publication's: the publication's is the article's date
    ("By Ann Lee\nUpdated: 6 January 2012 10:00\nPublished: 5 January 2012 08:00", "Ann Lee", None,
     "2012-01-05T08:00:00"),
    ("Updated Jan. 6, 2012, 10:00 a.m. ET; Posted Jan. 5, 2012", None, None, "2012-01-05"),
    # a byline line of parts: outlet and dates after bars, none of them the outlet but the outlet
    ("By Ann Lee | Harbour Times | Last updated 6 January 2012 10:00 GMT | First published 5 January 2012 08:00 GMT",
     "Ann Lee", "Harbour Times", "2012-01-05T08:00:00+00:00"),
    ("By Ann Lee, Harbour Times | Published 5 January 2012", "Ann Lee", "Harbour Times", "2012-01-05"),
    ("By Ann Lee | 5 January 2012", "Ann Lee", None, "2012-01-05"),
    ("By Ann Lee|Reuters|10:32 AM EST, Tue March 14, 2012", "Ann Lee", "Reuters", "2012-03-14T10:32:00-05:00"),
    ("By Ann Lee, Published 5 January 2012", "Ann Lee", None, "2012-01-05"),
], ids=["byline-outlet-numeric-date", "outlet-line-dotted-time", "two-authors", "author-with-initial", "bbc-updated",
        "updated-then-published", "updated-then-posted-one-line", "byline-parts-two-dates", "byline-outlet-date",
        "byline-date", "byline-agency-unspaced-bars", "byline-comma-labelled-date"])
def test_a_text_scrape_header_is_read(tmp_path: Path, header: str, byline: str | None, source: str | None,
                                      published: str):
    """A scraped .txt article's header block, as outlets write it: "By Name, Outlet" (an outlet after the
    comma, not a second author), an outlet's name on its own line, numeric and dotted-time dates, the
    BBC's "Last updated at", a byline line's parts after bars, an update's date beside the publication's:
    each goes to its field, and the body starts at the story."""
    src = tmp_path / "story.txt"
    src.write_text(f"Bridge to reopen next month\n\n{header}\n\n{BODY}\n", encoding="utf-8")
    art = stored_one(tmp_path, src)
    assert (art.title, art.byline, art.source, art.published) == ("Bridge to reopen next month", byline, source, published)
    assert art.text == BODY


def test_a_text_scrape_is_credited_to_the_outlet_its_copyright_line_names(tmp_path: Path):
    """No byline or outlet line names it, but the scrape ends with the outlet's copyright notice: that is
    its outlet, and a header line that is only that name is no body text."""
    src = tmp_path / "story.txt"
    src.write_text(f"Bridge to reopen next month\n\n• Bay Area Current\n\n{BODY}\n\n"
                   "© 2013 Bay Area Current. All rights reserved.\n", encoding="utf-8")
    art = stored_one(tmp_path, src)
    assert art.source == "Bay Area Current" and art.text == BODY


def stored_one(tmp_path: Path, src: Path) -> copydesk.Article:
    db = tmp_path / "one.db"
    copydesk.analyze([src], db=db)
    [art] = stored(db).values()
    return art


def test_a_text_field_in_html_markup_is_read_as_its_text(tmp_path: Path):
    """Datasets keep bodies as their CMS or feed gave them: HTML paragraphs with character references
    (a WordPress export, RSS content:encoded, news APIs). Such a field is read for its text, a
    paragraph per block, a pasted post as a post, no script; a whole page in the field is read as a
    page; references in plain text become their characters. Before, the tags and "&quot;" were
    stored as article text."""
    post = ('<blockquote class="twitter-tweet"><p>Water right up to the windows on Mill Street</p>&mdash; Jane Roe '
            '(@janeroe) <a href="https://twitter.com/janeroe/status/1">May 19, 2024</a></blockquote>')
    fragment = (f"<p>{P1}</p>\n<p>The work cost far more than expected, according to the city&#8217;s transport "
                "department, which said the delays were caused by a <em>wet</em> winter.</p>"
                f"<script>track('view')</script>{post}<p>&quot;We are nearly there,&quot; said the engineer.</p>")
    plain = f"{P1} Shares of AT&amp;T rose &#8212; by 5%.\n\n{P2}"
    src = tmp_path / "export.jsonl"
    src.write_text("\n".join(json.dumps(r) for r in [
        {"id": "frag", "title": "Bridge to reopen", "content": fragment},
        {"id": "page", "content": html_page("Bridge to reopen", BODY)},
        {"id": "plain", "text": plain},
    ]) + "\n", encoding="utf-8")
    # WordPress's REST API keeps each as {"rendered": ...}, the title with references too
    wordpress = tmp_path / "posts.json"
    wordpress.write_text(json.dumps([{"id": 4711, "date": "2024-05-20T09:00:00", "link": "https://blog.example/?p=4711",
                                      "title": {"rendered": "Bridge&#8217;s reopening"},
                                      "content": {"rendered": fragment, "protected": False}}]), encoding="utf-8")
    wp = {a.id: a for a in copydesk.analyze([wordpress], db=tmp_path / "wp.db").articles}["4711"]
    assert wp.title == "Bridge’s reopening" and wp.url == "https://blog.example/?p=4711"
    assert wp.published.startswith("2024-05-20") and wp.text.startswith(P1 + "\n\nThe work cost")
    report = copydesk.analyze([src], db=tmp_path / "c.db")
    assert report.errors == ()
    arts = {a.id: a for a in report.articles}
    assert arts["frag"].text == "\n\n".join([P1, P2.replace("'", "’"),
                                            '"We are nearly there," said the engineer.'])
    assert [(e.handle, e.text) for e in arts["frag"].embeds] == [("janeroe", "Water right up to the windows on Mill Street")]
    assert arts["page"].text == BODY and arts["page"].title == "Bridge to reopen"
    assert arts["plain"].text.startswith(f"{P1} Shares of AT&T rose — by 5%.")


def test_rss_and_atom_feeds_are_read_item_by_item(tmp_path: Path):
    """A feed is a corpus: each item an article, with its full text (content:encoded, Atom content) read from
    its HTML, its link, date, author, and the feed's title as the outlet; an item without text is an error
    naming it, and an XML file with no items (a sitemap) is an error of its own."""
    rss = tmp_path / "gazette.rss"
    rss.write_text(f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Riverside Gazette</title>
<item><title>Bridge&#8217;s reopening</title><link>https://gazette.example/bridge</link><guid>gz-1</guid>
<pubDate>Mon, 20 May 2024 09:00:00 +0000</pubDate><dc:creator>Helen Marsh</dc:creator><description>A teaser</description>
<content:encoded><![CDATA[<p>{P1}</p><p>{P2}</p>]]></content:encoded></item>
<item><title>No text</title><link>https://gazette.example/none</link></item>
</channel></rss>""", encoding="utf-8")
    atom = tmp_path / "ledger.atom"
    atom.write_text(f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>The Daily Ledger</title>
<entry><id>tag:ledger.example,2024:7</id><title>Bridge to reopen</title><link href="https://ledger.example/7"/>
<published>2024-05-21T10:30:00Z</published><author><name>Jane Doe</name></author>
<summary>Short</summary><content type="html">&lt;p&gt;{P1}&lt;/p&gt;</content></entry></feed>""", encoding="utf-8")
    sitemap = tmp_path / "sitemap.xml"
    sitemap.write_text('<?xml version="1.0"?><urlset><url><loc>https://x.example/</loc></url></urlset>', encoding="utf-8")
    report = copydesk.analyze([tmp_path], db=tmp_path / "c.db")
    arts = {a.id: a for a in report.articles}
    assert set(arts) == {"gz-1", "tag:ledger.example,2024:7"}
    gz, ledger = arts["gz-1"], arts["tag:ledger.example,2024:7"]
    assert (gz.title, gz.source, gz.url, gz.byline) == ("Bridge’s reopening", "Riverside Gazette",
                                                        "https://gazette.example/bridge", "Helen Marsh")
    assert gz.published.startswith("2024-05-20T09:00") and gz.text == BODY
    assert (ledger.source, ledger.byline, ledger.text) == ("The Daily Ledger", "Jane Doe", P1)
    errors = {(Path(e.input).name, e.record) for e in report.errors}
    assert errors == {("gazette.rss", "item 2 (https://gazette.example/none)"), ("sitemap.xml", None)}


def test_markup_that_no_parser_takes_loses_nothing(tmp_path: Path):
    """A control character or a lone surrogate in a markup field (lxml refuses the first and stops at the
    second) costs neither that record's text nor the records after it; prose that names a tag or two is
    no markup."""
    src = tmp_path / "odd.jsonl"
    src.write_text("\n".join(json.dumps(r) for r in [
        {"id": "ctrl", "text": f"<p>{P1} \f</p><p>{P2}</p>"},
        {"id": "surrogate", "text": f"<p>{P1} \ud800 and more.</p><p>{P2}</p>"},
        {"id": "prose", "text": f"Use <p> and <br> tags, the guide says. {P2}"},
        {"id": "after", "text": BODY},
    ]) + "\n", encoding="utf-8")
    report = copydesk.analyze([src], db=tmp_path / "c.db")
    arts = {a.id: a for a in report.articles}
    assert report.errors == () and set(arts) == {"ctrl", "surrogate", "prose", "after"}
    assert arts["ctrl"].text.startswith(P1) and arts["ctrl"].text.endswith(P2)
    assert "and more." in arts["surrogate"].text and arts["surrogate"].text.endswith(P2)
    assert arts["prose"].text.startswith("Use <p> and <br> tags")


@pytest.mark.parametrize("gz", [False, True], ids=["warc", "warc.gz"])
def test_warc_html_responses(tmp_path: Path, gz: bool):
    src = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    dated = html_page("Oslo bridge", body("Oslo")).replace(
        "<title>", '<meta property="article:published_time" content="2019-04-02T08:15:00Z"><title>')
    write_warc(src, [("https://example.com/lisbon", html_page("Lisbon bridge", body("Lisbon"))),
                     ("https://example.com/oslo", dated)], gz=gz)
    db = tmp_path / "c.db"
    report = copydesk.analyze([src], db=db)
    assert report.errors == ()
    arts = stored(db)
    # only the HTML responses are articles: not warcinfo, the requests or the PNG
    assert set(arts) == {"crawl-1", "crawl-2"}
    assert arts["crawl-1"].url == "https://example.com/lisbon"
    assert arts["crawl-2"].url == "https://example.com/oslo"
    assert "Lisbon" in arts["crawl-1"].text and "Oslo" in arts["crawl-2"].text
    assert arts["crawl-1"].title == "Lisbon bridge"
    # the crawl time (the WARC-Date) is kept as when the page was crawled, never as its publication date
    # (the crawler may have fetched it years later); a page's own date is its publication date
    warc_date = next(ArchiveIterator(gzip.open(src) if gz else open(src, "rb"))).rec_headers.get_header("WARC-Date")
    assert arts["crawl-1"].published is None and arts["crawl-1"].crawled[:10] == warc_date[:10]
    assert arts["crawl-1"].seen == arts["crawl-1"].crawled  # what a story's timeline shows
    assert arts["crawl-2"].published.startswith("2019-04-02T08:15") and arts["crawl-2"].crawled[:10] == warc_date[:10]
    assert arts["crawl-1"].record == "record 1 (https://example.com/lisbon)"


def test_a_crawl_time_bounds_the_direction_but_is_no_publication_date(tmp_path: Path):
    """A crawl fetched an undated original on 2024-06-01 and a copy that declares 2024-05-20 and carries
    a pasted post. The crawl time is no publication date (read as one, the copy "was published first"
    and won); the pasted post decides. Crawled before the copy's date, the original was online
    first, and the evidence says so."""
    demo = (Path(__file__).resolve().parent.parent / "examples" / "demo" / "riverside-gazette-original.txt")
    paras = [line for line in demo.read_text(encoding="utf-8").splitlines() if len(line) > 150]
    post = ('<blockquote class="twitter-tweet"><p>Water right up to the windows on Mill Street #Eastmere</p>'
            '&mdash; Jane Roe (@janeroe) <a href="https://twitter.com/janeroe/status/1">May 19, 2024</a></blockquote>')
    original = html_page("Eastmere flood defence fails", "\n\n".join(paras))
    copy = html_page("Eastmere flood defence fails", "\n\n".join(paras[:4]) + "\n\n" + "\n\n".join(paras[4:])).replace(
        "<title>", '<meta property="article:published_time" content="2024-05-20T09:00:00Z"><title>').replace(
        "</article>", post + "</article>")

    def crawl(path: Path, when: str) -> None:
        with open(path, "wb") as fh:
            writer = WARCWriter(fh, gzip=True)
            for url, page in (("https://gazette.example/flood", original), ("https://farm.example/flood", copy)):
                headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
                writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(page.encode("utf-8")),
                                                              http_headers=headers, warc_headers_dict={"WARC-Date": when}))

    for when, clue in (("2024-06-01T12:00:00Z", None), ("2024-05-01T12:00:00Z", "was online by 2024-05-01")):
        src = tmp_path / f"crawl-{when[:10]}.warc.gz"
        crawl(src, when)
        report = copydesk.analyze([src], db=tmp_path / f"{when[:10]}.db")
        stem = src.name.split(".")[0]
        arts = {a.id: a for a in report.articles}
        assert arts[f"{stem}-1"].published is None and arts[f"{stem}-1"].crawled.startswith(when[:10])
        assert arts[f"{stem}-2"].published.startswith("2024-05-20")
        [rel] = report.relations
        assert (rel.original, rel.derived) == (f"{stem}-1", f"{stem}-2")
        assert not any("published first" in e for e in rel.evidence)
        assert any("pasted social posts (@janeroe)" in e for e in rel.evidence)
        # on the story's timeline the undated original stands at its crawl time, said to be one
        [story] = [s for s in report.stories if f"{stem}-1" in s.articles]
        entries = {t.article: t for t in story.timeline}
        assert entries[f"{stem}-1"].crawled and entries[f"{stem}-1"].published.startswith(when[:10])
        assert not entries[f"{stem}-2"].crawled and entries[f"{stem}-2"].published.startswith("2024-05-20")
        shown = CliRunner().invoke(cli, ["story", story.id, "--db", str(tmp_path / f"{when[:10]}.db")]).output
        assert f"{when[:10]}T12:00:00+00:00 (crawled)" in shown
        if clue:
            assert any(clue in e and "before" in e for e in rel.evidence)


@pytest.mark.parametrize("name,content", [
    ("story.txt.gz", "Gzipped headline\n\n" + BODY),
    ("story.html.gz", html_page("Gzipped headline", BODY)),
    ("story.json.gz", json.dumps({"id": "story", "title": "Gzipped headline", "text": BODY})),
    ("story.jsonl.gz", json.dumps({"id": "story", "title": "Gzipped headline", "text": BODY}) + "\n"),
])
def test_gzipped_inputs(tmp_path: Path, name: str, content: str):
    src = tmp_path / name
    src.write_bytes(gzip.compress(content.encode("utf-8")))
    db = tmp_path / "c.db"
    report = copydesk.analyze([src], db=db)
    assert report.errors == ()
    art = stored(db)["story"]  # the stem drops .gz and the format suffix
    assert art.title == "Gzipped headline"
    assert P1 in art.text and P2 in art.text


def test_explicit_file_of_unknown_type_is_read_as_text(tmp_path: Path):
    src = tmp_path / "notes.md"
    src.write_text("A headline here\n\n" + BODY, encoding="utf-8")
    db = tmp_path / "c.db"
    copydesk.analyze([src], db=db)
    assert P2 in stored(db)["notes"].text


# -- directories ------------------------------------------------------------------------


def test_directory_is_read_recursively_skipping_hidden_and_unknown(tmp_path: Path):
    root = tmp_path / "corpus"
    (root / "a" / "b").mkdir(parents=True)
    (root / ".git").mkdir()
    (root / "top.txt").write_text("Top story\n\n" + body("Lagos"), encoding="utf-8")
    (root / "a" / "mid.html").write_text(html_page("Mid story", body("Lima")), encoding="utf-8")
    (root / "a" / "b" / "deep.jsonl").write_text(json.dumps({"id": "deep", "text": body("Hanoi")}) + "\n",
                                                 encoding="utf-8")
    (root / "a" / "b" / "more.json.gz").write_bytes(gzip.compress(json.dumps(
        {"id": "more", "text": body("Dakar")}).encode()))
    # hidden files and hidden directories are never read, not even reported as skipped
    (root / ".draft.txt").write_text("Hidden\n\n" + body("Hidden"), encoding="utf-8")
    (root / ".git" / "x.txt").write_text("Git\n\n" + body("Git"), encoding="utf-8")
    # unknown extensions are skipped (and listed as such)
    (root / "a" / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    (root / "a" / "b" / "table.xlsx").write_bytes(b"PK\x03\x04" + b"\x00" * 100)

    db = tmp_path / "c.db"
    with copydesk.open_store(db) as store:
        res = copydesk.ingest([root], store)
    assert res.errors == 0
    assert res.added == 4
    assert sorted(Path(p).name for p in res.skipped_files) == ["photo.png", "table.xlsx"]
    assert set(stored(db)) == {"top", "mid", "deep", "more"}
    assert errors_of(db) == []
    # the report and the CLI say what was left out
    from click.testing import CliRunner
    from copydesk.cli import cli

    out = tmp_path / "r.json"
    res = CliRunner().invoke(cli, ["analyze", str(root), "--db", str(tmp_path / "d.db"), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "skipped: 2 file(s) of no format copydesk reads" in res.output and "table.xlsx" in res.output
    assert sorted(Path(p).name for p in json.loads(out.read_text())["stats"]["skipped_files"]) == ["photo.png",
                                                                                                   "table.xlsx"]


def test_directory_of_nothing_readable_is_an_error(tmp_path: Path):
    root = tmp_path / "empty-corpus"
    root.mkdir()
    (root / "readme.pdf").write_bytes(b"%PDF-1.4 not an article")
    report = copydesk.analyze([root], db=tmp_path / "c.db")
    assert len(report.errors) == 1
    assert report.errors[0].input == str(root)
    assert "no readable files" in report.errors[0].reason


def test_missing_path_is_an_error_naming_it(tmp_path: Path):
    good = tmp_path / "good.txt"
    good.write_text("Headline\n\n" + BODY, encoding="utf-8")
    missing = tmp_path / "nope.txt"
    report = copydesk.analyze([good, missing], db=tmp_path / "c.db")
    assert [a.id for a in report.articles] == ["good"]
    assert [(e.input, e.reason) for e in report.errors] == [(str(missing), "no such file or directory")]


# -- stdin ------------------------------------------------------------------------------


def _stdin_jsonl() -> str:
    return "".join(json.dumps(r) + "\n" for r in [
        {"id": "in-1", "title": "From stdin", "source": "Pipe Times", "text": body("Cairo")},
        {"text": body("Delhi")},
    ])


def test_stdin_jsonl_through_the_api(tmp_path: Path):
    db = tmp_path / "c.db"
    with copydesk.open_store(db) as store:
        res = copydesk.ingest(["-"], store, stdin=io.StringIO(_stdin_jsonl()))
    assert (res.added, res.errors) == (2, 0)
    arts = stored(db)
    assert set(arts) == {"in-1", "stdin-2"}
    assert arts["in-1"].source == "Pipe Times"
    assert arts["in-1"].input == "-"
    assert arts["stdin-2"].record == "line 2"


def test_stdin_jsonl_through_the_cli(tmp_path: Path):
    db = tmp_path / "c.db"
    out = tmp_path / "report.json"
    result = CliRunner().invoke(cli, ["analyze", "-", "--db", str(db), "--out", str(out), "-q"],
                                input=_stdin_jsonl())
    assert result.exit_code == 0, result.output
    assert set(stored(db)) == {"in-1", "stdin-2"}
    report = json.loads(out.read_text(encoding="utf-8"))
    assert {a["id"] for a in report["articles"]} == {"in-1", "stdin-2"}
    assert report["errors"] == []


def test_files_and_stdin_together(tmp_path: Path):
    src = tmp_path / "file.txt"
    src.write_text("File story\n\n" + body("Tunis"), encoding="utf-8")
    report = copydesk.analyze([src, "-"], db=tmp_path / "c.db", stdin=io.StringIO(_stdin_jsonl()))
    assert {a.id for a in report.articles} == {"file", "in-1", "stdin-2"}


# -- encodings that are not errors ------------------------------------------------------


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_western_single_byte_text_is_decoded_not_an_error(tmp_path: Path, encoding: str):
    text = ("Le café est très bon\n\n"
            "Le café du coin sert une crème brûlée très appréciée. Ça va, señor? Déjà vu, naïve façade.\n\n"
            "Les habitués disent que le garçon connaît déjà leur commande préférée.")
    src = tmp_path / "cafe.txt"
    src.write_bytes(text.encode(encoding))
    db = tmp_path / "c.db"
    report = copydesk.analyze([src], db=db)
    assert report.errors == ()
    art = stored(db)["cafe"]
    assert art.title == "Le café est très bon"
    assert "crème brûlée très appréciée. Ça va, señor? Déjà vu, naïve façade." in art.text
    assert "connaît déjà leur commande préférée" in art.text


def test_html_meta_charset_is_honoured(tmp_path: Path):
    page = html_page("Grüße aus München", "Die Brücke über die Isar wird nächsten Monat wieder geöffnet, "
                     "sagte die Stadtverwaltung am Dienstag.\n\nDie Reparaturen waren teurer als erwartet.")
    page = page.replace('<meta charset="utf-8">', '<meta charset="windows-1252">')
    src = tmp_path / "muenchen.html"
    src.write_bytes(page.encode("cp1252"))
    db = tmp_path / "c.db"
    copydesk.analyze([src], db=db)
    art = stored(db)["muenchen"]
    assert "Die Brücke über die Isar wird nächsten Monat" in art.text
    assert art.title == "Grüße aus München"


def test_utf8_bom_and_utf16_are_decoded(tmp_path: Path):
    a = tmp_path / "bom.txt"
    a.write_bytes(("Naïve headline\n\n" + BODY).encode("utf-8-sig"))
    b = tmp_path / "wide.txt"
    b.write_bytes(("Wide headline\n\n" + body("Zürich")).encode("utf-16"))
    db = tmp_path / "c.db"
    report = copydesk.analyze([a, b], db=db)
    assert report.errors == ()
    arts = stored(db)
    assert arts["bom"].title == "Naïve headline"
    assert "Zürich" in arts["wide"].text


def test_lone_surrogate_in_json_is_replaced_not_fatal(tmp_path: Path):
    """JSON may escape a lone surrogate ("\\ud800"); no UTF-8 store can hold one, and it
    used to stop the whole run with UnicodeEncodeError when the batch was written."""
    src = tmp_path / "feed.jsonl"
    src.write_text(
        json.dumps({"id": "ok", "text": body("Lisbon")}) + "\n"
        + '{"id": "odd", "title": "Odd \\udc80 title", "text": "Broken \\ud800 escape in an article about the harbour bridge."}\n',
        encoding="utf-8")
    db = tmp_path / "c.db"
    report = copydesk.analyze([src], db=db)
    assert report.errors == ()
    arts = stored(db)
    assert set(arts) == {"ok", "odd"}
    assert arts["odd"].text == "Broken \ufffd escape in an article about the harbour bridge."
    assert arts["odd"].title == "Odd \ufffd title"


def test_jsonl_is_streamed_past_the_file_size_limit(tmp_path):
    """JSONL corpora can be larger than ingest.max_file_bytes: only a record is limited."""
    import gzip as _gzip

    settings = copydesk.load_settings().with_overrides({"ingest": {"max_file_bytes": 2000}})
    lines = [json.dumps({"id": f"r{i}", "text": f"Record number {i} tells a long enough story. " * 5}) for i in range(40)]
    plain = tmp_path / "big.jsonl"
    plain.write_text("\n".join(lines) + "\n", encoding="utf-8")
    packed = tmp_path / "big2.jsonl.gz"
    packed.write_bytes(_gzip.compress(("\n".join(lines).replace('"r', '"g') + "\n").encode()))
    assert plain.stat().st_size > 2000
    with copydesk.open_store(tmp_path / "s.db") as store:
        res = copydesk.ingest([plain, packed], store, settings=settings)
        assert (res.added, res.errors) == (80, 0)


def test_a_json_list_is_streamed_past_the_file_size_limit(tmp_path):
    """A scraper's export as one JSON list (Scrapy's -o items.json), of any size: read an item at a time,
    BOM, compression and all; only an item is limited, and an item over the limit is an error naming it."""
    import zstandard

    settings = copydesk.load_settings().with_overrides({"ingest": {"max_file_bytes": 2000, "max_record_bytes": 1000}})
    items = [{"id": f"s{i}", "title": f"Item {i}", "text": f"Scraped item {i} tells a long enough story. " * 5,
              "score": 0.5} for i in range(40)]
    items[7]["text"] *= 10  # over the record limit
    plain = tmp_path / "items.json"
    plain.write_bytes(b"\xef\xbb\xbf" + json.dumps(items, indent=2).encode("utf-8"))
    packed = tmp_path / "more.json.zst"
    packed.write_bytes(zstandard.ZstdCompressor().compress(json.dumps(items).replace('"s', '"z').encode("utf-8")))
    assert plain.stat().st_size > 2000
    with copydesk.open_store(tmp_path / "s.db") as store:
        res = copydesk.ingest([plain, packed], store, settings=settings)
        assert (res.added, res.errors) == (78, 2)
        errors = {(Path(e.input).name, e.record): e.reason for e in store.errors()}
        assert set(errors) == {("items.json", "item 7"), ("more.json.zst", "item 7")}
        assert "ingest.max_record_bytes" in errors["items.json", "item 7"]
        art = store.article("s39")
        assert (art.title, art.record) == ("Item 39", "item 39") and art.text.startswith("Scraped item 39")


def test_a_json_list_within_the_limit_is_read_whole_as_json_loads_reads_it(tmp_path):
    """Only a list over ingest.max_file_bytes is streamed: one within it keeps what json.loads takes
    (NaN, integers past 64 bits, a Western single-byte encoding)."""
    src = tmp_path / "items.json"
    src.write_bytes(('[{"id": 18446744073709551617, "text": "Caf\u00e9 owners in Besan\u00e7on said on Tuesday that '
                     'the harbour bridge would reopen next month.", "score": NaN}, {"id": "b", "text": "A second '
                     'item tells of the repairs, which cost far more than expected, the department said."}]')
                    .encode("utf-8").decode("unicode_escape").encode("cp1252"))
    with copydesk.open_store(tmp_path / "s.db") as store:
        res = copydesk.ingest([src], store)
        assert (res.added, res.errors) == (2, 0)
        assert store.article("18446744073709551617").text.startswith("Café owners in Besançon")

