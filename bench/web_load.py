"""Web UI and API under load: page render times and 200 concurrent requests, on loopback.

What it does
    1. Takes a database (``--db``), or builds one: ``bench/speed_corpus.py --n N`` then
       ``copydesk analyze corpus.jsonl --db ... -q`` in ``--workdir`` (about 3 minutes for
       10k articles on 2 cores; reused when already there).
    2. Starts ``copydesk serve`` (one uvicorn process, the real command) on 127.0.0.1.
    3. Times pages one request at a time over a keep-alive connection (client-side wall
       clock, the whole response read): the story page of the largest stories and of
       random ones, the compare page of random stored relations, article pages, the story
       list; ``--samples`` requests each, median and p95.
    4. Fires ``--concurrency`` (200) requests at the story list at once (``--rounds`` times),
       each on its own connection, and counts errors (non-200 answers, failed connections).

Only loopback is used; every loop is bounded. Prints a JSON summary (and writes ``--out``).

    python bench/web_load.py --articles 10000 --workdir build/web-bench
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchutil import REPO, revision  # noqa: E402

SRC = REPO / "src"


def build_db(workdir: Path, n: int) -> Path:
    workdir.mkdir(parents=True, exist_ok=True)
    corpus, db = workdir / "corpus.jsonl", workdir / f"web{n // 1000}k.db"
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    if not corpus.exists():
        subprocess.run([sys.executable, str(REPO / "bench" / "speed_corpus.py"), "--n", str(n), "--out", str(corpus)],
                       check=True, env=env)
    if not db.exists():
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "copydesk.cli", "analyze", str(corpus), "--db", str(db), "-q"],
                       check=True, env=env)
        print(f"built {db} in {time.perf_counter() - t0:.0f}s", file=sys.stderr)
    return db


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    env.pop("COPYDESK_TOKEN", None)  # read-only, as served by default
    proc = subprocess.Popen([sys.executable, "-m", "copydesk.cli", "serve", "--db", str(db), "--port", str(port)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited: {proc.stderr.read().decode() if proc.stderr else ''}")
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/stories?limit=1", timeout=5).raise_for_status()
            return proc
        except httpx.TransportError:
            time.sleep(0.25)
    proc.kill()
    raise SystemExit("the server did not start within 120 s")


def timed(client: httpx.Client, urls: list[str]) -> dict:
    times = []
    for url in urls:
        t0 = time.perf_counter()
        res = client.get(url)
        times.append((time.perf_counter() - t0) * 1000)
        if res.status_code != 200:
            raise SystemExit(f"{url}: HTTP {res.status_code}: {res.text[:300]}")
    times.sort()
    return {"n": len(times), "median_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[min(len(times) - 1, int(len(times) * 0.95))], 1), "max_ms": round(times[-1], 1)}


async def burst(base: str, path: str, n: int) -> dict:
    limits = httpx.Limits(max_connections=n, max_keepalive_connections=0)
    errors: list[str] = []
    lat: list[float] = []
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        async def one(i: int) -> None:
            t0 = time.perf_counter()
            try:
                res = await client.get(path)
                if res.status_code != 200:
                    errors.append(f"HTTP {res.status_code}")
            except httpx.HTTPError as exc:
                errors.append(type(exc).__name__)
            lat.append((time.perf_counter() - t0) * 1000)

        t0 = time.perf_counter()
        await asyncio.gather(*(one(i) for i in range(n)))
        wall = time.perf_counter() - t0
    lat.sort()
    return {"requests": n, "errors": len(errors), "error_kinds": sorted(set(errors)), "wall_s": round(wall, 2),
            "median_ms": round(statistics.median(lat), 1), "p95_ms": round(lat[int(len(lat) * 0.95) - 1], 1),
            "max_ms": round(lat[-1], 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", type=Path, help="an analysed database (default: build one in --workdir)")
    ap.add_argument("--articles", type=int, default=10000, help="articles of the corpus to build (default 10000)")
    ap.add_argument("--workdir", type=Path, default=REPO / "build" / "web-bench")
    ap.add_argument("--samples", type=int, default=60, help="requests per timed page kind (default 60)")
    ap.add_argument("--concurrency", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=3, help="concurrent bursts (default 3)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    db = args.db or build_db(args.workdir, args.articles)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = start_server(db, port)
    try:
        with httpx.Client(base_url=base, timeout=60) as client:
            info = client.get("/api/stories", params={"limit": 1}).json()
            n_articles = client.get("/api/articles", params={"limit": 1}).json()["total"]
            largest = client.get("/api/stories", params={"sort": "size", "limit": 20}).json()["items"]
            n_stories = info["total"]
            sample = [client.get("/api/stories", params={"limit": 1, "offset": rng.randrange(n_stories)}
                                 ).json()["items"][0] for _ in range(40)]
            n_rel = client.get("/api/relations", params={"limit": 1}).json()["total"]
            rels = [client.get("/api/relations", params={"limit": 1, "offset": rng.randrange(n_rel)}
                               ).json()["items"][0] for _ in range(40)]
            k = args.samples
            story_urls = [f"/stories/{s['id']}" for s in largest + sample]
            compare_urls = [f"/compare/{r['original']}/{r['derived']}" for r in rels]
            article_urls = [f"/articles/{r['derived']}" for r in rels]
            for url in story_urls[:5] + compare_urls[:5]:  # warm up (imports, first connections)
                client.get(url)
            pages = {
                "story page (20 largest + 40 random stories)": timed(client, [story_urls[i % len(story_urls)] for i in range(k)]),
                "story page, largest story": timed(client, [story_urls[0]] * k),
                "compare page (40 random relations)": timed(client, [compare_urls[i % len(compare_urls)] for i in range(k)]),
                "article page (40 random copies)": timed(client, [article_urls[i % len(article_urls)] for i in range(k)]),
                "story list /": timed(client, ["/"] * k),
                "story list sorted by size, page 3": timed(client, ["/?sort=size&offset=100"] * k),
                "API /api/stories": timed(client, ["/api/stories"] * k),
                "API /api/search?q=": timed(client, ["/api/search?q=council"] * max(5, k // 4)),
            }
        bursts = [asyncio.run(burst(base, "/", args.concurrency)) for _ in range(args.rounds)]
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
    result = {
        "revision": revision(), "db": str(db), "articles": n_articles, "stories": n_stories, "relations": n_rel,
        "largest_story_articles": largest[0]["articles"], "cores": os.cpu_count(), "pages": pages,
        "concurrent_story_list": bursts,
        "total_errors": sum(b["errors"] for b in bursts),
    }
    text = json.dumps(result, indent=1)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")


if __name__ == "__main__":
    main()
