"""The reuse evaluation corpus served as scraped web pages.

``bench/reuse_corpus.py`` writes plain-text records; real corpora are pages. This
script renders each of its records into the HTML page its outlet would serve, so
that the same truth file scores the whole path from a page to a relation:
extraction, metadata, cleaning, then reuse. Each outlet gets a page template of its
own (drawn from the outlet's name, so all its pages share it) from parts that real
news sites carry: a navigation bar, a cookie banner, the headline, a byline with
the date, a lead photo with caption and credit, share buttons, "Read more" links
to the outlet's other stories between paragraphs, a newsletter box, a "Most read"
list, a comments block and a footer. The page's metadata (title, site name,
author, publication time) sits where sites put it (``<title>``, Open Graph and
``article:`` meta tags, JSON-LD for some); a record without a date gets a page
without one. The body text is the record's, paragraph for paragraph (its own
pasted posts and outlet boilerplate included), so the truth's spans still hold.

The output is JSONL of ``{"id", "html"}`` records: the ids stay those of the
truth file; everything else must come from the page.

Usage::

    .venv/bin/python bench/reuse_corpus.py --out /tmp/re1 --seed 1
    .venv/bin/python bench/html_corpus.py --corpus /tmp/re1/corpus.jsonl --out /tmp/re1/pages.jsonl
    .venv/bin/copydesk analyze /tmp/re1/pages.jsonl --db /tmp/re1/pages.db --out /tmp/re1/pages.json -q
    .venv/bin/python bench/reuse_eval.py --truth /tmp/re1/truth.json --report /tmp/re1/pages.json

With ``--warc /tmp/re1/crawl.warc.gz`` the pages are also written as a crawl (score the report of
``copydesk analyze /tmp/re1/crawl.warc.gz`` with ``reuse_eval.py --ids /tmp/re1/crawl.warc.gz.ids.json``).
"""

from __future__ import annotations

import argparse
import html
import json
import random
import zlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

_SECTIONS = ("Home", "News", "World", "Politics", "Business", "Tech", "Science", "Sport", "Culture", "Opinion")
_PEOPLE = ("Staff photographer", "Handout", "Pool", "Getty Images", "Reuters", "AP Photo")


@dataclass(frozen=True)
class Template:
    """What one outlet's pages carry; drawn once per outlet."""
    cookie_banner: bool
    share_bar: bool
    photo: bool
    read_more_every: int  # 0: none; else a "Read more" link after every n-th paragraph
    newsletter_box: bool
    most_read: bool
    comments: bool
    json_ld: bool
    byline_date: bool  # the date shown in the byline too (as well as in the meta tags)
    wrapper: str  # the element around the body paragraphs


def template_of(source: str) -> Template:
    rng = random.Random(zlib.crc32(source.encode()))
    return Template(
        cookie_banner=rng.random() < 0.7, share_bar=rng.random() < 0.7, photo=rng.random() < 0.8,
        read_more_every=rng.choice((0, 0, 2, 3, 4)), newsletter_box=rng.random() < 0.5,
        most_read=rng.random() < 0.6, comments=rng.random() < 0.4, json_ld=rng.random() < 0.5,
        byline_date=rng.random() < 0.7, wrapper=rng.choice(("article", "div", "section")),
    )


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _shown_date(published: str) -> str:
    try:
        return datetime.fromisoformat(published.replace("Z", "+00:00")).strftime("%d %B %Y, %H:%M")
    except ValueError:
        return published


def render(rec: dict[str, Any], others: list[dict[str, Any]], rng: random.Random) -> str:
    """The page an outlet would serve for ``rec``; ``others`` are the outlet's other articles (for links)."""
    source = rec.get("source") or "Newsroom"
    t = template_of(source)
    title, published, byline = rec.get("title") or "", rec.get("published"), rec.get("byline")
    url = rec.get("url") or ""
    slug = "".join(ch for ch in source.lower() if ch.isalnum())
    head = [f"<title>{_e(title)} | {_e(source)}</title>", '<meta charset="utf-8">',
            f'<meta property="og:site_name" content="{_e(source)}">',
            f'<meta property="og:title" content="{_e(title)}">', '<meta property="og:type" content="article">']
    if url:
        head += [f'<link rel="canonical" href="{_e(url)}">', f'<meta property="og:url" content="{_e(url)}">']
    if byline:
        head.append(f'<meta name="author" content="{_e(byline)}">')
    if published:
        head.append(f'<meta property="article:published_time" content="{_e(published)}">')
    if t.json_ld:
        ld: dict[str, Any] = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": title,
                              "publisher": {"@type": "Organization", "name": source}}
        if published:
            ld["datePublished"] = published
        if byline:
            ld["author"] = {"@type": "Person", "name": byline}
        head.append(f'<script type="application/ld+json">{json.dumps(ld)}</script>')
    nav = "".join(f'<li><a href="/{s.lower()}">{s}</a></li>' for s in _SECTIONS)
    body = [f'<header class="site-header"><a class="logo" href="/">{_e(source)}</a><nav><ul>{nav}</ul></nav>'
            '<a href="/subscribe" class="btn">Subscribe</a> <a href="/login">Sign in</a></header>']
    if t.cookie_banner:
        body.append('<div id="cookie-consent" class="cookie-banner"><p>We use cookies to improve your experience '
                    'on our site and to show you relevant advertising. By continuing to browse this site you agree '
                    'to our use of cookies.</p><button>Accept all</button><button>Manage cookies</button></div>')
    links = [o for o in others if o.get("title")]
    rng.shuffle(links)
    main = [f"<main><{t.wrapper} class=\"story\"><h1>{_e(title)}</h1>"]
    meta_line = []
    if byline:
        meta_line.append(f'<span class="author">By {_e(byline)}</span>')
    if published and t.byline_date:
        meta_line.append(f'<time datetime="{_e(published)}">{_e(_shown_date(published))}</time>')
    if meta_line:
        main.append(f'<div class="byline">{" · ".join(meta_line)}</div>')
    if t.share_bar:
        main.append('<ul class="share"><li><a href="#">Share</a></li><li><a href="#">Facebook</a></li>'
                    '<li><a href="#">Twitter</a></li><li><a href="#">Email</a></li></ul>')
    if t.photo:
        words = title.split()
        caption = (" ".join(words[: max(3, len(words) // 2)]) if words else "A scene") + ", pictured earlier this week."
        main.append(f'<figure><img src="https://cdn.{slug}.com/img/{rec["id"]}.jpg" alt="">'
                    f"<figcaption>{_e(caption)} <span class=\"credit\">Photo: {_e(rng.choice(_PEOPLE))}</span>"
                    "</figcaption></figure>")
    paras = [p for p in rec["text"].split("\n\n") if p.strip()]
    link_at = 0
    for i, p in enumerate(paras, 1):
        main.append(f"<p>{_e(p)}</p>")
        if t.read_more_every and i % t.read_more_every == 0 and i < len(paras) and link_at < len(links):
            other = links[link_at]
            link_at += 1
            main.append(f'<p class="related"><strong>Read more:</strong> <a href="{_e(other.get("url") or "#")}">'
                        f"{_e(other['title'])}</a></p>")
        if t.newsletter_box and i == min(3, len(paras) - 1):
            main.append('<aside class="newsletter"><h3>Never miss a story</h3><p>Sign up to our daily newsletter '
                        'for the news you need, delivered to your inbox every morning.</p>'
                        '<form><input type="email"><button>Sign up</button></form></aside>')
    main.append(f"</{t.wrapper}>")
    if t.comments:
        main.append('<section class="comments"><h2>Comments</h2><p>Join the conversation. Comments are moderated '
                    'and may take a few minutes to appear.</p><button>View comments (12)</button></section>')
    main.append("</main>")
    body += main
    if t.most_read and links:
        items = "".join(f'<li><a href="{_e(o.get("url") or "#")}">{_e(o["title"])}</a></li>'
                        for o in links[link_at:link_at + 5])
        body.append(f'<aside class="most-read"><h2>Most read</h2><ol>{items}</ol></aside>')
    body.append(f'<footer><p>About {_e(source)}</p><ul><li><a href="/about">About us</a></li>'
                '<li><a href="/contact">Contact</a></li><li><a href="/privacy">Privacy policy</a></li>'
                '<li><a href="/terms">Terms of use</a></li></ul>'
                f"<p>© 2024 {_e(source)}. All rights reserved.</p></footer>")
    return ("<!DOCTYPE html><html lang=\"en\"><head>" + "".join(head) + "</head><body>"
            + "\n".join(body) + "</body></html>")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, required=True, help="corpus.jsonl of bench/reuse_corpus.py")
    ap.add_argument("--out", type=Path, required=True, help="JSONL of {id, html}")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--warc", type=Path, default=None,
                    help="also write the pages as a gzipped WARC of HTTP responses, as a crawl of the outlets' "
                         "sites on one day; its article ids (file stem + record number) are mapped to the "
                         "truth's in WARC + '.ids.json' (for bench/reuse_eval.py --ids)")
    args = ap.parse_args(argv)
    records = [json.loads(line) for line in args.corpus.read_text(encoding="utf-8").splitlines() if line.strip()]
    by_source: dict[str, list[dict[str, Any]]] = {}
    for rec in records:
        by_source.setdefault(rec.get("source") or "Newsroom", []).append(rec)
    rng = random.Random(args.seed)
    with args.out.open("w", encoding="utf-8") as out:
        for rec in records:
            others = [o for o in by_source[rec.get("source") or "Newsroom"] if o["id"] != rec["id"]]
            out.write(json.dumps({"id": rec["id"], "html": render(rec, others, rng)}) + "\n")
    print(f"wrote {len(records)} pages of {len(by_source)} outlets to {args.out}")
    if args.warc:
        pages = [json.loads(line) for line in args.out.read_text(encoding="utf-8").splitlines() if line.strip()]
        ids = write_warc(args.warc, records, pages, random.Random(args.seed))
        ids_path = args.warc.with_name(args.warc.name + ".ids.json")
        ids_path.write_text(json.dumps(ids, indent=0), encoding="utf-8")
        print(f"wrote {len(ids)} responses to {args.warc}, ids to {ids_path}")
    return 0


def write_warc(path: Path, records: list[dict[str, Any]], pages: list[dict[str, Any]], rng: random.Random) -> dict[str, str]:
    """The pages as a crawl would store them: a WARC response each (HTTP headers, then the page), fetched
    on one day in random order, with a request record before each and a warcinfo record first. Returns
    {the id copydesk gives each page: the truth's id}."""
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    url_of = {r["id"]: r.get("url") or f"https://example.org/{r['id']}" for r in records}
    order = list(range(len(pages)))
    rng.shuffle(order)
    stem = path.name.split(".")[0]
    ids: dict[str, str] = {}
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "copydesk bench/html_corpus.py"}))
        for n, i in enumerate(order, 1):
            page = pages[i]
            url = url_of[page["id"]]
            when = f"2024-06-01T{n // 3600 % 24:02d}:{n // 60 % 60:02d}:{n % 60:02d}Z"
            request = writer.create_warc_record(url, "request", payload=BytesIO(b""), warc_headers_dict={"WARC-Date": when},
                                                http_headers=StatusAndHeaders("GET / HTTP/1.1", [("Host", url.split("/")[2])],
                                                                              is_http_request=True))
            body = page["html"].encode("utf-8")
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                               ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
            response = writer.create_warc_record(url, "response", payload=BytesIO(body), http_headers=http,
                                                 warc_headers_dict={"WARC-Date": when})
            writer.write_record(request)
            writer.write_record(response)
            ids[f"{stem}-{n}"] = page["id"]
    return ids


if __name__ == "__main__":
    raise SystemExit(main())
