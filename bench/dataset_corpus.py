"""The reuse evaluation corpus as a news dataset is published: a Parquet table, or JSON Lines
compressed with zstd, xz or bzip2.

The Parquet table has the columns of a Hugging Face news dataset export: ``id``, ``title``,
``text``, ``url``, ``source``, ``date`` as a timestamp column (UTC; null for an undated record)
and ``authors`` as a list of strings; it is written in row groups of 100 rows, so the reader's
batches cross row groups. The ids stay the truth's, so ``bench/reuse_eval.py`` scores the
report as it is.

Usage::

    .venv/bin/python bench/dataset_corpus.py --corpus /tmp/re1/corpus.jsonl --out /tmp/re1/data --format parquet
    .venv/bin/copydesk analyze /tmp/re1/data/corpus.parquet --db /tmp/re1/pq.db --out /tmp/re1/pq.json -q
    .venv/bin/python bench/reuse_eval.py --truth /tmp/re1/truth.json --report /tmp/re1/pq.json
"""

from __future__ import annotations

import argparse
import bz2
import json
import lzma
from datetime import datetime
from pathlib import Path
from typing import Any


def records(corpus: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines() if line.strip()]


def write_parquet(rows: list[dict[str, Any]], path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    def when(rec: dict[str, Any]) -> datetime | None:
        value = rec.get("published")
        return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None

    table = pa.table({
        "id": [r["id"] for r in rows],
        "title": [r.get("title") for r in rows],
        "text": [r["text"] for r in rows],
        "url": [r.get("url") for r in rows],
        "source": [r.get("source") for r in rows],
        "date": pa.array([when(r) for r in rows], type=pa.timestamp("s", tz="UTC")),
        "authors": [[a.strip() for a in r["byline"].split(" and ")] if r.get("byline") else [] for r in rows],
    })
    pq.write_table(table, path, row_group_size=100)


def write_jsonl(rows: list[dict[str, Any]], path: Path, compression: str) -> None:
    data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode("utf-8")
    if compression == "zst":
        import zstandard

        data = zstandard.ZstdCompressor(level=10).compress(data)
    elif compression == "xz":
        data = lzma.compress(data)
    elif compression == "bz2":
        data = bz2.compress(data)
    path.write_bytes(data)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, required=True, help="corpus.jsonl of bench/reuse_corpus.py")
    ap.add_argument("--out", type=Path, required=True, help="folder for the dataset file")
    ap.add_argument("--format", choices=["parquet", "jsonl.zst", "jsonl.xz", "jsonl.bz2"], default="parquet")
    args = ap.parse_args(argv)
    rows = records(args.corpus)
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"corpus.{args.format}"
    if args.format == "parquet":
        write_parquet(rows, path)
    else:
        write_jsonl(rows, path, args.format.rsplit(".", 1)[1])
    print(f"wrote {path}: {len(rows)} records, {path.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
