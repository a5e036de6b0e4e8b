"""Ingest throughput of the ``copydesk ingest`` CLI, in articles per second.

What it measures
    Wall-clock time of the real command, ``copydesk ingest PATH --db NEW.db
    --quiet [--workers W]`` run as a subprocess (so interpreter start-up, reading,
    extraction, segmentation and the SQLite writes all count), on:

    * a JSONL corpus of ``--n`` plain-text articles (default 10,000) built from
      ECB+ (``ecbplus/ecbplus.jsonl``, 982 articles): the originals, then
      copies with a fresh id, paragraphs shuffled and a reference line appended,
      so that every copy has its own raw hash and its own body. Timed into a
      fresh database with ``--workers 1`` and ``--workers 2``, and re-ingested
      into the same database (the no-op path: every record is unchanged);
    * a folder of the 181 HTML pages of the extraction data set (gunzipped into
      ``bench/data/html/``), fresh database, ``--workers 1`` and ``2``.

    As a peer, the same run times plain ``trafilatura.extract`` (default settings,
    one process, in-process, HTML already decoded) over the same 181 pages, and
    the start-up cost of the CLI (``copydesk --help``), and, before and after the
    run, a control: the speed-up of two processes over one on a pure-CPU loop,
    i.e. how much ``--workers 2`` could gain on the shared machine at that
    moment (2.0 on two idle cores). Each configuration runs
    ``--repeat`` times; the table shows the median (and the best) and the ratios
    are taken between medians of the same run, since the machine is shared and
    absolute figures drift.

Usage
    python bench/ingest_throughput.py [--n 10000] [--repeat 3] [--data DIR] [--json OUT]

Generated inputs and scratch databases go to ``<repo>/bench/data/`` (gitignored);
JSON results to ``<repo>/bench/out/ingest_throughput.json``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchutil import REPO, revision  # noqa: E402

DEFAULT_DATA = REPO.parent / "shared" / "data"
BENCH_DATA = REPO / "bench" / "data"
DEFAULT_JSON = REPO / "bench" / "out" / "ingest_throughput.json"
SEED = 20261122


def copydesk_exe() -> list[str]:
    """The ``copydesk`` console script next to this interpreter, else ``python -m copydesk.cli``."""
    exe = Path(sys.executable).with_name("copydesk")
    return [str(exe)] if exe.exists() else [sys.executable, "-c", "from copydesk.cli import main; main()"]


# ---------------------------------------------------------------- inputs


def make_jsonl(source: Path, n: int, out: Path) -> int:
    """Write ``n`` articles to ``out`` (skipped when it exists with ``n`` lines); returns the count."""
    if out.exists():
        with out.open(encoding="utf-8") as fh:
            if sum(1 for _ in fh) == n:
                return n
    originals = []
    with source.open(encoding="utf-8") as fh:
        for line in fh:
            obj = json.loads(line)
            if isinstance(obj.get("text"), str) and obj["text"].strip():  # ECB+ has two empty records
                originals.append(obj)
    rng = random.Random(SEED)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        for i in range(n):
            base = originals[i % len(originals)]
            copy = i // len(originals)
            obj = {k: base.get(k) for k in ("id", "title", "date", "url", "text")}
            if copy:
                obj["id"] = f"{base['id']}~{copy}"
                paras = [p for p in base["text"].split("\n") if p.strip()]
                rng.shuffle(paras)
                obj["text"] = "\n".join(paras) + f"\n(Reference {obj['id']}.)"
            fh.write(json.dumps(obj, ensure_ascii=False) + "\n")
    tmp.replace(out)
    return n


def make_html_dir(extraction: Path, out: Path) -> int:
    """Gunzip the extraction pages into ``out`` as ``<key>.html``; returns the count."""
    pages = sorted((extraction / "html").glob("*.html.gz"))
    out.mkdir(parents=True, exist_ok=True)
    for page in pages:
        target = out / page.name.removesuffix(".gz")
        if not target.exists():
            target.write_bytes(gzip.decompress(page.read_bytes()))
    return len(pages)


# ---------------------------------------------------------------- timing


@dataclass(frozen=True, slots=True)
class Timing:
    name: str
    articles: int
    runs: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.runs)

    @property
    def best(self) -> float:
        return min(self.runs)

    @property
    def rate(self) -> float:
        return self.articles / self.median

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "median_s": self.median, "best_s": self.best, "articles_per_s": self.rate}


def _run(cmd: list[str]) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    secs = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}: {proc.stderr.strip()[-2000:]}")
    return secs


def _stored(db: Path) -> tuple[int, int]:
    with sqlite3.connect(db) as con:
        return (con.execute("SELECT count(*) FROM articles").fetchone()[0],
                con.execute("SELECT count(*) FROM errors").fetchone()[0])


def time_ingest(name: str, path: Path, workers: int, repeat: int, scratch: Path, expect: int,
                reingest: bool = False) -> list[Timing]:
    """Fresh-database ingests of ``path`` (and, with ``reingest``, a second ingest into the same database)."""
    fresh: list[float] = []
    again: list[float] = []
    for i in range(repeat):
        db = scratch / f"{name}-w{workers}-{i}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        cmd = [*copydesk_exe(), "ingest", str(path), "--db", str(db), "--quiet", "--workers", str(workers)]
        fresh.append(_run(cmd))
        stored, errors = _stored(db)
        if stored != expect:
            raise RuntimeError(f"{name}: expected {expect} articles stored, found {stored} ({errors} errors)")
        if reingest:
            again.append(_run(cmd))
            if _stored(db)[0] != expect:
                raise RuntimeError(f"{name}: re-ingest changed the number of articles")
    out = [Timing(f"{name}, --workers {workers}", expect, tuple(fresh))]
    if reingest:
        out.append(Timing(f"{name}, re-ingest into the same db (no-op), --workers {workers}", expect, tuple(again)))
    return out


def time_trafilatura(html_dir: Path, repeat: int) -> Timing:
    """Plain ``trafilatura.extract`` over the pages, in this process, HTML decoded beforehand."""
    import trafilatura

    from copydesk.ingest.files import decode

    pages = [decode(p.read_bytes()) for p in sorted(html_dir.glob("*.html"))]
    trafilatura.extract(pages[0])  # imports and lazy initialisation out of the timing
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for html in pages:
            trafilatura.extract(html)
        runs.append(time.perf_counter() - t0)
    return Timing("plain trafilatura.extract (in-process, 1 process)", len(pages), tuple(runs))


def _spin(n: int) -> int:
    total = 0
    for i in range(n):
        total += i
    return total


def parallel_headroom(repeat: int, n: int = 5_000_000) -> float:
    """Speed-up of 2 processes over 1 on a pure-CPU loop, measured now: the most ``--workers 2``
    can gain on this (shared) machine at the moment. 2.0 on two idle cores, 1.0 when one is taken."""
    import multiprocessing as mp

    ratios = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(4):
            _spin(n)
        serial = time.perf_counter() - t0
        with mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn").Pool(2) as pool:
            t0 = time.perf_counter()
            pool.map(_spin, [n] * 4)
            parallel = time.perf_counter() - t0
        ratios.append(serial / parallel)
    return statistics.median(ratios)


def time_startup(repeat: int) -> Timing:
    runs = [_run([*copydesk_exe(), "--help"]) for _ in range(max(3, repeat))]
    return Timing("copydesk --help (CLI start-up)", 0, tuple(runs))


# ---------------------------------------------------------------- report


def markdown(res: dict[str, Any]) -> str:
    out = [
        f"copydesk revision {res['revision']}; {res['cpus']} CPUs visible, Python {res['python']}, {res['repeat']} runs per row (median; best in brackets).",
        "",
        "| input | configuration | articles | seconds | articles/s |",
        "|---|---|---:|---:|---:|",
    ]
    for t in res["timings"]:
        rate = f"{t['articles_per_s']:.0f}" if t["articles"] else "–"
        out.append(f"| {t['input']} | {t['name']} | {t['articles'] or '–'} | {t['median_s']:.2f} ({t['best_s']:.2f}) "
                   f"| {rate} |")
    out += ["", "| ratio (medians, same run) | value |", "|---|---:|"]
    for name, value in res["ratios"].items():
        out.append(f"| {name} | {value:.2f} |")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=10_000, help="articles in the generated JSONL (default: 10000)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per configuration (default: 3)")
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help=f"shared data folder (default: {DEFAULT_DATA})")
    ap.add_argument("--json", type=Path, default=DEFAULT_JSON, help=f"JSON results (default: {DEFAULT_JSON})")
    args = ap.parse_args(argv)

    jsonl = BENCH_DATA / f"ecbplus-{args.n}.jsonl"
    n_jsonl = make_jsonl(args.data / "ecbplus" / "ecbplus.jsonl", args.n, jsonl)
    html_dir = BENCH_DATA / "html"
    n_html = make_html_dir(args.data / "extraction", html_dir)
    scratch = BENCH_DATA / "db"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)

    headroom_before = parallel_headroom(args.repeat)
    rows: list[tuple[str, Timing]] = [("–", time_startup(args.repeat))]
    label = f"JSONL, {n_jsonl:,} text articles"
    for t in time_ingest("jsonl", jsonl, 1, args.repeat, scratch, n_jsonl, reingest=True):
        rows.append((label, t))
    rows.append((label, time_ingest("jsonl", jsonl, 2, args.repeat, scratch, n_jsonl)[0]))
    hlabel = f"HTML folder, {n_html} pages"
    for w in (1, 2):
        rows.append((hlabel, time_ingest("html", html_dir, w, args.repeat, scratch, n_html)[0]))
    rows.append((hlabel, time_trafilatura(html_dir, args.repeat)))
    shutil.rmtree(scratch, ignore_errors=True)
    headroom_after = parallel_headroom(args.repeat)

    t = {name: timing for _, timing in rows for name in [timing.name]}
    j1, j2 = t["jsonl, --workers 1"], t["jsonl, --workers 2"]
    jre = t["jsonl, re-ingest into the same db (no-op), --workers 1"]
    h1, h2 = t["html, --workers 1"], t["html, --workers 2"]
    peer = t["plain trafilatura.extract (in-process, 1 process)"]
    ratios = {
        "JSONL: --workers 2 / --workers 1 (speed-up)": j1.median / j2.median,
        "JSONL: re-ingest (no-op) / fresh ingest, --workers 1 (speed-up)": j1.median / jre.median,
        "HTML: --workers 2 / --workers 1 (speed-up)": h1.median / h2.median,
        "HTML: copydesk ingest --workers 1 / plain trafilatura.extract (articles/s)": h1.rate / peer.rate,
        "HTML: copydesk ingest --workers 2 / plain trafilatura.extract (articles/s)": h2.rate / peer.rate,
        "control: 2 processes / 1 on a pure-CPU loop, before the run (parallel headroom)": headroom_before,
        "control: the same, after the run": headroom_after,
    }
    res = {
        "revision": revision(), "cpus": os.cpu_count(), "python": platform.python_version(), "repeat": args.repeat,
        "timings": [{"input": inp, **timing.to_dict()} for inp, timing in rows],
        "ratios": ratios,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(res, indent=1), encoding="utf-8")
    print(markdown(res))
    print(f"\nJSON: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
