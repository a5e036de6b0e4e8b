"""The reuse evaluation corpus served as RSS feeds, one per outlet.

Each record of ``bench/reuse_corpus.py`` becomes an item of its outlet's RSS 2.0 feed: its
id as the ``guid``, its headline, link, date (``pubDate``, RFC 822, as feeds write it; none
for an undated record), byline (``dc:creator``), a teaser (``description``: the first
sentence) and the full body as HTML paragraphs in ``content:encoded``, character references
and all. The ids stay the truth's, so ``bench/reuse_eval.py`` scores the report as it is.

Usage::

    .venv/bin/python bench/feed_corpus.py --corpus /tmp/re1/corpus.jsonl --out /tmp/re1/feeds
    .venv/bin/copydesk analyze /tmp/re1/feeds --db /tmp/re1/feeds.db --out /tmp/re1/feeds.json -q
    .venv/bin/python bench/reuse_eval.py --truth /tmp/re1/truth.json --report /tmp/re1/feeds.json
"""

from __future__ import annotations

import argparse
import html
import json
import re
from datetime import datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any


def item(rec: dict[str, Any]) -> str:
    paras = [p for p in rec["text"].split("\n\n") if p.strip()]
    body = "".join(f"<p>{html.escape(p, quote=False).replace('’', '&#8217;')}</p>" for p in paras)
    teaser = re.split(r"(?<=[.!?])\s", paras[0], maxsplit=1)[0] if paras else ""
    parts = [f"<guid isPermaLink=\"false\">{html.escape(rec['id'])}</guid>",
             f"<title>{html.escape(rec.get('title') or '')}</title>",
             f"<link>{html.escape(rec.get('url') or '')}</link>",
             f"<description>{html.escape(teaser)}</description>",
             f"<content:encoded><![CDATA[{body.replace(']]>', ']]&gt;')}]]></content:encoded>"]
    if rec.get("published"):
        when = datetime.fromisoformat(rec["published"].replace("Z", "+00:00"))
        parts.append(f"<pubDate>{format_datetime(when)}</pubDate>")
    if rec.get("byline"):
        parts.append(f"<dc:creator>{html.escape(rec['byline'])}</dc:creator>")
    return "<item>" + "".join(parts) + "</item>"


def feed(outlet: str, records: list[dict[str, Any]]) -> str:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f"<channel><title>{html.escape(outlet)}</title><link>https://example.org/</link>"
            + "\n".join(item(r) for r in records) + "</channel></rss>\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, required=True, help="corpus.jsonl of bench/reuse_corpus.py")
    ap.add_argument("--out", type=Path, required=True, help="folder for the .rss files")
    args = ap.parse_args(argv)
    by_outlet: dict[str, list[dict[str, Any]]] = {}
    for line in args.corpus.read_text(encoding="utf-8").splitlines():
        if line.strip():
            rec = json.loads(line)
            by_outlet.setdefault(rec.get("source") or "Newsroom", []).append(rec)
    args.out.mkdir(parents=True, exist_ok=True)
    for outlet, records in by_outlet.items():
        slug = re.sub(r"[^a-z0-9]+", "-", outlet.lower()).strip("-")
        (args.out / f"{slug}.rss").write_text(feed(outlet, records), encoding="utf-8")
    print(f"wrote {sum(map(len, by_outlet.values()))} items in {len(by_outlet)} feeds to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
