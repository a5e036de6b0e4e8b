"""The reuse evaluation corpus saved as plain-text files, as a scraper saves articles.

``bench/reuse_corpus.py`` writes JSONL records whose metadata sits in fields. A folder
of ``.txt`` scrapes carries it in a header block above the body instead: the headline,
then, in the outlet's own style, a byline ("By Jane Doe" or "By Jane Doe, The Daily
Ledger", bulleted or not), the outlet's name, and a date line in one of several formats
("Published 13 January 2012, 22:42", "01/13/2012", "Mon 06 May 2013 18.05 GMT",
"• Updated 2012-05-03 09:51"). Each outlet gets one style (drawn from its name). A record
without a date gets no date line. The body is the record's text, paragraph for
paragraph, so the truth's spans still hold; each file is named by the record's id, which
copydesk takes for the article id.

Usage::

    .venv/bin/python bench/reuse_corpus.py --out /tmp/re1 --seed 1
    .venv/bin/python bench/text_corpus.py --corpus /tmp/re1/corpus.jsonl --out /tmp/re1/txt
    .venv/bin/copydesk analyze /tmp/re1/txt --db /tmp/re1/txt.db --out /tmp/re1/txt.json -q
    .venv/bin/python bench/reuse_eval.py --truth /tmp/re1/truth.json --report /tmp/re1/txt.json
"""

from __future__ import annotations

import argparse
import json
import random
import zlib
from datetime import datetime
from pathlib import Path
from typing import Any

DATE_FORMATS = ("%d %B %Y, %H:%M", "%B %d, %Y %I:%M %p", "%Y-%m-%d %H:%M", "%a %d %b %Y %H.%M GMT", "%m/%d/%Y")


def render(rec: dict[str, Any]) -> str:
    """The text file a scraper would save for ``rec``: a header block in its outlet's style, then the body."""
    outlet = rec.get("source") or ""
    rng = random.Random(zlib.crc32(outlet.encode()))
    style, fmt = rng.randrange(4), DATE_FORMATS[rng.randrange(len(DATE_FORMATS))]
    when = (datetime.fromisoformat(rec["published"].replace("Z", "+00:00")).strftime(fmt)
            if rec.get("published") else None)
    by = rec.get("byline")
    head: list[str | None] = [rec.get("title")]
    if style == 0:  # one block: byline, outlet, date line
        head.append("\n".join(x for x in (f"By {by}" if by else None, outlet,
                                          f"Published {when}" if when else None) if x))
    elif style == 1:  # "By Name, Outlet", then the date
        head += [f"By {by}, {outlet}" if by else outlet, when]
    elif style == 2:  # the date, then the byline; no outlet
        head += [when, f"By {by}" if by else None]
    else:  # bullets
        head += [f"• By {by}" if by else None, f"• {outlet}" if outlet else None, f"• Updated {when}" if when else None]
    return "\n\n".join([h for h in head if h] + [rec["text"]]) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, required=True, help="corpus.jsonl of bench/reuse_corpus.py")
    ap.add_argument("--out", type=Path, required=True, help="folder for the .txt files")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    n = 0
    for line in args.corpus.read_text(encoding="utf-8").splitlines():
        if line.strip():
            rec = json.loads(line)
            (args.out / f"{rec['id']}.txt").write_text(render(rec), encoding="utf-8")
            n += 1
    print(f"wrote {n} text files to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
