"""copydesk's candidate stage (and optionally the whole pipeline) against MinHash-LSH peers, one corpus, one run.

What it does
    1. Makes (once) the synthetic corpus ``bench/data/speed-<N>.jsonl`` with
       ``bench/speed_corpus.py --n N`` (again when the generator is newer than
       the file), and checks on a sample of 2,000 unique articles that no two of
       them share a word 8-gram outside the outlets' boilerplate.
    2. Peers (``bench/peers.py``; single process, timing from the first line read
       to the last LSH query): datasketch (128 permutations, word 5-grams,
       threshold 0.8, its own banding 9x13) and rensa (same, 16 bands x 8 rows
       and 8 bands x 16 rows).
    3. copydesk's candidate stage, for ``--workers`` W (default 1 and 2): a fresh
       SQLite store, ``copydesk.ingest([path], store, workers=W)`` (read, extract,
       segment, fingerprint, store; the per-record steps in W worker processes),
       then ``copydesk.api.find_candidates(store)`` (candidate pairs: same body,
       shared sentence, MinHash-LSH on 5-grams and on content words, then an
       estimated-similarity filter, and an exact content-word Jaccard check for
       pairs kept on vocabulary alone). Articles/second =
       N / (ingest + candidates seconds). Two modes (``--modes``): ``default``, the
       ingest of ``copydesk analyze`` (which also makes each article's story terms
       for the stories stage, in the same workers), and ``copies``, the ingest of
       ``copydesk analyze --no-stories`` (read, clean, fingerprint, candidates: the
       work the peers do, plus extraction, sentences and the second sketch). A corpus over copydesk's default
       ``ingest.max_file_bytes`` (100 MiB; the 100k corpus is ~390 MB) is given to
       it as consecutive line shards (``speed-<N>.parts/``), all in one ingest call.
    4. With ``--full``: ``copydesk.analyze([path], db=...)`` with default settings
       (one worker, paraphrase check on), in a child process so that its peak RSS
       is its own: total and per-stage seconds (``report.stats.timings``), peak
       RSS, relations by type and against the truth file.

Accuracy (the same definitions for every system; found pairs are unordered id pairs)
    Truth: ``speed-<N>.truth.jsonl`` lists (original, derived, kind) per copy. The
    ``duplicate`` + ``near_duplicate`` pairs are closed into groups (connected
    components: two copies of one original are a true pair too). Every article is
    then either *plain* (a unique article, or a duplicate / near-duplicate copy of
    one: it belongs to the group of its original, a group of one when never
    copied) or *other* (a ``partial`` or ``rewrite`` copy).

    * recall: share of the listed duplicate + near-duplicate truth pairs found
      (also per kind; partial / rewrite recall are shown for information);
    * precision: TP / (TP + FP) where TP = found pairs of two plain articles of
      the same group and FP = found pairs of two plain articles of different
      groups (unrelated texts: two unique articles share no sentence). Pairs that
      involve a partial or rewrite copy are left out of it (copydesk's candidate
      stage is meant to find those; the peers rarely do) and counted apart;
    * precision_all: TP / all found pairs (``bench/peers.py``'s strict figure).

Usage
    python bench/speed.py --n 10000 [--full] [--json OUT] [--workers 1,2] [--skip-peers]
    (default JSON: bench/out/speed-<N>.json)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO / "src"))

from peers import POSITIVE_KINDS, iter_jsonl, load_truth, run_datasketch, run_rensa  # noqa: E402


def label(n: int) -> str:
    return f"{n // 1000}k" if n % 1000 == 0 else str(n)


def corpus(n: int, seed: int) -> tuple[Path, Path, float | None]:
    path = HERE / "data" / f"speed-{label(n)}.jsonl"
    truth = path.with_name(path.name.removesuffix(".jsonl") + ".truth.jsonl")
    gen = HERE / "speed_corpus.py"
    if path.exists() and truth.exists() and path.stat().st_mtime >= gen.stat().st_mtime:
        return path, truth, None
    print(f"generating {path} ...", file=sys.stderr, flush=True)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, str(gen), "--n", str(n), "--out", str(path), "--seed", str(seed)], check=True)
    return path, truth, time.perf_counter() - t0


class Truth:
    def __init__(self, path: Path):
        self.path = path
        self.by_kind, self.group, self.other_pairs = load_truth(path)
        self.kind_of: dict[str, str] = {}
        for t in iter_jsonl(path):
            self.kind_of[t["derived"]] = t["kind"]
        self.listed = set().union(*(self.by_kind.get(k, set()) for k in POSITIVE_KINDS))

    def plain_group(self, x: str) -> str | None:
        """Group of a plain article (itself when in no dup group); None for partial/rewrite copies."""
        if self.kind_of.get(x) in ("partial", "rewrite"):
            return None
        return self.group.get(x, x)

    def score(self, pairs: set[tuple[str, str]]) -> dict:
        out: dict = {"found_pairs": len(pairs)}
        out["recall"] = len(pairs & self.listed) / len(self.listed) if self.listed else None
        for k in ("duplicate", "near_duplicate", "partial", "rewrite"):
            s = self.by_kind.get(k, set())
            out[f"recall_{k}"] = len(pairs & s) / len(s) if s else None
        tp = fp = excluded = 0
        for a, b in pairs:
            ga, gb = self.plain_group(a), self.plain_group(b)
            if ga is None or gb is None:
                excluded += 1
            elif ga == gb:
                tp += 1
            else:
                fp += 1
        out.update(true_pairs=tp, false_pairs=fp, partial_or_rewrite_pairs=excluded,
                   precision=tp / (tp + fp) if tp + fp else None,
                   precision_all=tp / len(pairs) if pairs else None)
        return out


def pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def shards(path: Path) -> list[Path]:
    """The corpus as copydesk reads it: itself, or (when it is over copydesk's default
    ``ingest.max_file_bytes``, which refuses larger files) consecutive line shards of it."""
    from copydesk import load_settings

    limit = load_settings().ingest.max_file_bytes
    size = path.stat().st_size
    if size <= limit:
        return [path]
    k = size // int(limit * 0.9) + 1
    folder = path.with_name(path.name.removesuffix(".jsonl") + ".parts")
    parts = [folder / f"part-{i:02d}.jsonl" for i in range(k)]
    if all(p.exists() and p.stat().st_mtime >= path.stat().st_mtime for p in parts):
        return parts
    folder.mkdir(exist_ok=True)
    lines = sum(1 for _ in open(path, encoding="utf-8"))
    per = -(-lines // k)
    with open(path, encoding="utf-8") as fh:
        for p in parts:
            with open(p, "w", encoding="utf-8") as out:
                for _ in range(per):
                    line = fh.readline()
                    if not line:
                        break
                    out.write(line)
    return parts


def run_copydesk_candidates(paths: list[Path], workers: int, *, copies_only: bool = False) -> dict:
    import copydesk
    from copydesk import open_store
    from copydesk.api import find_candidates
    from copydesk.config import load_settings

    settings = load_settings()
    if copies_only:  # `analyze --no-stories`: no story terms at ingest
        settings = settings.with_overrides({"stories": {"enabled": False}})

    with tempfile.TemporaryDirectory(prefix="speed-") as tmp:
        with open_store(Path(tmp) / "speed.db") as store:
            t0 = time.perf_counter()
            res = copydesk.ingest(list(paths), store, workers=workers, settings=settings)
            if res.skipped_files or res.errors:
                raise SystemExit(f"copydesk ingest skipped {res.skipped_files} / {res.errors} errors")
            t1 = time.perf_counter()
            cands = find_candidates(store, settings=settings)
            t2 = time.perf_counter()
    why: dict[str, int] = {}
    for _a, _b, w in cands:
        k = "shared sentence(s)" if w.endswith("shared sentence(s)") else w
        why[k] = why.get(k, 0) + 1
    return {"ingest_s": t1 - t0, "candidates_s": t2 - t1, "seconds": t2 - t0,
            "added": res.added, "errors": res.errors, "candidates_by_reason": why,
            "pairs": {pair(a, b) for a, b, _w in cands}}


def analyze_child(path: Path, out: Path) -> None:
    """Run in a child process: the whole pipeline with default settings."""
    import copydesk

    with tempfile.TemporaryDirectory(prefix="speed-full-") as tmp:
        t0 = time.perf_counter()
        report = copydesk.analyze([path], db=Path(tmp) / "full.db")
        secs = time.perf_counter() - t0
    rels = [(r.original, r.derived, r.type) for r in report.relations]
    out.write_text(json.dumps({
        "seconds": secs, "timings": report.stats.timings, "counts": report.stats.counts,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "relations": rels,
    }))


def run_full(path: Path, truth: Truth, n: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="speed-full-out-") as tmp:
        out = Path(tmp) / "full.json"
        subprocess.run([sys.executable, str(Path(__file__).resolve()), "--_analyze", str(path), str(out)],
                       check=True)
        r = json.loads(out.read_text())
    by_type: dict[str, int] = {}
    vs_truth: dict[str, dict[str, int]] = {}
    rel_pairs: dict[tuple[str, str], str] = {}
    for a, b, t in r.pop("relations"):
        by_type[t] = by_type.get(t, 0) + 1
        rel_pairs[pair(a, b)] = t
    for kind, ps in truth.by_kind.items():
        row: dict[str, int] = {}
        for p in ps:
            t = rel_pairs.get(p, "(none)")
            row[t] = row.get(t, 0) + 1
        vs_truth[kind] = row
    unrelated: dict[str, int] = {}
    all_truth = set().union(*truth.by_kind.values())
    for p, t in rel_pairs.items():
        ga, gb = truth.plain_group(p[0]), truth.plain_group(p[1])
        if p not in all_truth and not (ga is not None and ga == gb):
            unrelated[t] = unrelated.get(t, 0) + 1
    # families: an original with all its copies (any kind); a relation across two families is wrong
    fam: dict[str, str] = {}
    for t in iter_jsonl(truth.path):
        root = fam.get(t["original"], t["original"])
        fam[t["derived"]] = root
    across: dict[str, int] = {}
    for (a, b), t in rel_pairs.items():
        if fam.get(a, a) != fam.get(b, b):
            across[t] = across.get(t, 0) + 1
    r.update(articles_per_s=n / r["seconds"], relations_by_type=by_type, truth_kind_vs_relation=vs_truth,
             relations_not_in_truth=unrelated, relations_across_families=across)
    return r


def fmt(x, spec: str) -> str:
    return "-" if x is None else format(x, spec)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--_analyze"]:
        analyze_child(Path(argv[1]), Path(argv[2]))
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--full", action="store_true", help="also run the whole copydesk.analyze pipeline")
    ap.add_argument("--json", type=Path, default=None, help="default: bench/out/speed-<N>.json")
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--modes", default="default,copies",
                    help="copydesk runs: default (ingest makes the story terms too, as `analyze` does) and/or "
                         "copies (`analyze --no-stories`: read, clean, fingerprint, candidates only)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--skip-peers", action="store_true")
    args = ap.parse_args(argv)
    out_json = args.json or HERE / "out" / f"speed-{label(args.n)}{'-full' if args.full else ''}.json"

    path, truth_path, gen_s = corpus(args.n, args.seed)
    n = sum(1 for line in open(path, encoding="utf-8") if line.strip())
    truth = Truth(truth_path)
    import speed_corpus
    t0 = time.perf_counter()
    overlap = speed_corpus.unique_overlap(path, truth_path, sample=2000)
    print(f"unique-article word 8-gram overlap (2,000 sample): {overlap} ({time.perf_counter() - t0:.1f}s)",
          file=sys.stderr, flush=True)

    rows: dict[str, dict] = {}
    if not args.skip_peers:
        for key, lab, fn in (
            ("datasketch", "datasketch MinHashLSH (b=9 r=13)", lambda recs: run_datasketch(recs)),
            ("rensa_b16", "rensa RMinHashLSH (b=16 r=8)", lambda recs: run_rensa(recs, num_bands=16)),
            ("rensa_b8", "rensa RMinHashLSH (b=8 r=16)", lambda recs: run_rensa(recs, num_bands=8)),
        ):
            print(f"running {key} ...", file=sys.stderr, flush=True)
            secs, pairs = fn(iter_jsonl(path))
            rows[key] = {"system": lab, "seconds": secs, "articles_per_s": n / secs, **truth.score(pairs)}
            print(f"  {secs:.1f}s", file=sys.stderr, flush=True)
    cd_paths = shards(path)
    modes = [m for m in args.modes.split(",") if m]
    for w in [int(x) for x in args.workers.split(",") if x]:
        for mode in modes:
            copies = mode == "copies"
            key, what = (f"copydesk_copies_w{w}", "copydesk --no-stories: ingest + find_candidates") if copies \
                else (f"copydesk_w{w}", "copydesk ingest (with story terms) + find_candidates")
            print(f"running {key} ...", file=sys.stderr, flush=True)
            r = run_copydesk_candidates(cd_paths, w, copies_only=copies)
            if r["added"] != n:
                raise SystemExit(f"copydesk stored {r['added']} of {n} articles")
            pairs = r.pop("pairs")
            rows[key] = {"system": f"{what} (workers={w})", "articles_per_s": n / r["seconds"], **r,
                         **truth.score(pairs)}
            print(f"  ingest {r['ingest_s']:.1f}s + candidates {r['candidates_s']:.1f}s", file=sys.stderr,
                  flush=True)
    full = None
    if args.full:
        print("running copydesk.analyze (default settings) ...", file=sys.stderr, flush=True)
        full = run_full(path, truth, n)

    counts = {k: len(v) for k, v in truth.by_kind.items()}
    print(f"\n{path} ({n:,} articles; truth pairs {counts})\n")
    print("| system | seconds | articles/s | dup+near recall | R dup | R near | precision | precision (all) "
          "| found pairs | FP (unrelated) | partial/rewrite pairs | R partial | R rewrite |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows.values():
        print(f"| {r['system']} | {r['seconds']:.1f} | {r['articles_per_s']:,.0f} | {fmt(r['recall'], '.3f')} "
              f"| {fmt(r['recall_duplicate'], '.3f')} | {fmt(r['recall_near_duplicate'], '.3f')} "
              f"| {fmt(r['precision'], '.3f')} | {fmt(r['precision_all'], '.3f')} | {r['found_pairs']:,} "
              f"| {r['false_pairs']:,} | {r['partial_or_rewrite_pairs']:,} | {fmt(r['recall_partial'], '.3f')} "
              f"| {fmt(r['recall_rewrite'], '.3f')} |")
    ratios: dict[str, float] = {}
    for c in [k for k in rows if k.startswith("copydesk")]:
        for p in ("rensa_b16", "rensa_b8", "datasketch"):
            if p in rows:
                ratios[f"{c}/{p}"] = rows[c]["articles_per_s"] / rows[p]["articles_per_s"]
    if ratios:
        print("\n| speed ratio (articles/s) | x |\n|---|---:|")
        for k, v in ratios.items():
            print(f"| {k} | {v:.2f} |")
    for c in [k for k in rows if k.startswith("copydesk")]:
        r = rows[c]
        print(f"\n{c}: ingest {r['ingest_s']:.1f}s, candidates {r['candidates_s']:.1f}s, "
              f"candidate pairs by reason {r['candidates_by_reason']}")
    if full:
        print(f"\ncopydesk.analyze (default settings, 1 worker): {full['seconds']:.1f}s "
              f"({full['articles_per_s']:,.1f} articles/s), peak RSS {full['peak_rss_mb']:,.0f} MB")
        print("stage seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in full["timings"].items()))
        print(f"relations by type: {full['relations_by_type']}")
        print(f"truth kind -> relation type: {full['truth_kind_vs_relation']}")
        print(f"relations that are no truth pair nor dup/near-dup group pair: {full['relations_not_in_truth']}")
        print(f"relations across families (original + all its copies): {full['relations_across_families']}")
        if "rensa_b8" in rows:
            ratios["copydesk_full/rensa_b8"] = full["articles_per_s"] / rows["rensa_b8"]["articles_per_s"]
        if "datasketch" in rows:
            ratios["copydesk_full/datasketch"] = full["articles_per_s"] / rows["datasketch"]["articles_per_s"]

    from importlib.metadata import version
    versions = {"python": platform.python_version()}
    for pkg in ("copydesk", "datasketch", "rensa", "xxhash", "numpy"):
        try:
            versions[pkg] = version(pkg)
        except Exception:  # noqa: BLE001
            versions[pkg] = None
    out_json.parent.mkdir(parents=True, exist_ok=True)
    out_json.write_text(json.dumps({
        "command": "python bench/speed.py " + " ".join(argv), "input": str(path), "articles": n,
        "generation_s": gen_s, "truth_pairs": counts, "unique_overlap": overlap, "results": rows,
        "ratios": ratios, "full": full, "versions": versions,
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
    }, indent=2))
    print(f"\nwrote {out_json}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
