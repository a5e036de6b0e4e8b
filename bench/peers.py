"""Peer near-duplicate detectors on a ``bench/speed_corpus.py`` corpus: speed and pair accuracy.

What it measures
    For each peer, one single-process pass over the JSONL corpus, wall clock from
    the first line read to the last LSH query answered: reading and JSON parsing,
    tokenising (lower-cased text, whitespace words, word 5-gram shingles as a set),
    MinHash (128 permutations) and LSH (threshold 0.8). Each document first
    queries the index of the documents before it, then is inserted, so every
    candidate pair is produced once. Articles/second = articles / that time.

    * ``datasketch``: ``datasketch.MinHash(num_perm=128, hashfunc=xxhash.xxh32_intdigest)``
      (default "affine32" scheme; the permutations are generated once and passed
      to each sketch, the documented fast init), ``update_batch`` of the
      UTF-8 shingles, ``MinHashLSH(threshold=0.8, num_perm=128)`` (its own
      optimal banding: 9 bands x 13 rows).
    * ``rensa``: ``rensa.RMinHash(128, seed)`` + ``update(list of shingles)``,
      ``rensa.RMinHashLSH(threshold=0.8, num_perm=128, num_bands=B)``. The band
      count must divide 128; B = 8 (16 rows, the setting of rensa's own 0.8
      benchmark and the divisor closest to datasketch's 9) is the main row,
      B = 16 (8 rows, looser) is reported as well.

    A peer "finds" a pair when the two ids come back from an LSH query (share
    a band bucket); there is no verification step in either peer.

Accuracy, against ``INPUT.truth.jsonl`` (``{"original", "derived", "kind"}``)
    * recall: share of the listed ``duplicate`` + ``near_duplicate`` pairs found
      (also per kind);
    * precision: share of the found pairs whose two articles belong to the same
      duplicate/near-duplicate group (connected component of those truth pairs,
      so two copies of one original count as a true pair too). Found pairs that
      are ``partial`` / ``rewrite`` truth pairs are counted (column "other"),
      and are false positives for the precision figure, as everything else.

Usage
    python bench/peers.py --input bench/data/speed-10k.jsonl [--truth T] [--json OUT]
        [--peers datasketch,rensa,rensa16,floor]

    ``floor`` times reading, JSON parsing and shingling alone (no hashing, no
    LSH): the Python-side cost every peer above pays.

    Other scripts can ``from peers import run_datasketch, run_rensa``; both take
    an iterable of records (dicts with ``id`` and ``text``; a generator reading
    the file keeps the reading in the timing) and return
    ``(seconds, candidate_pairs)`` with pairs as sorted ``(id, id)`` tuples.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

NUM_PERM = 128
THRESHOLD = 0.8
NGRAM = 5
SEED = 42
POSITIVE_KINDS = ("duplicate", "near_duplicate")


def iter_jsonl(path: Path) -> Iterator[dict]:
    with open(path, encoding="utf-8") as fh:
        loads = json.loads
        for line in fh:
            if line.strip():
                yield loads(line)


def shingles(text: str, n: int = NGRAM) -> set[str]:
    """Word n-grams (default 5) of the lower-cased, whitespace-split text."""
    w = text.lower().split()
    if len(w) < n:
        return {" ".join(w)}
    return {" ".join(g) for g in zip(*(w[i:] for i in range(n)))}


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def run_datasketch(records: Iterable[dict], threshold: float = THRESHOLD,
                   num_perm: int = NUM_PERM) -> tuple[float, set[tuple[str, str]]]:
    """datasketch MinHash + MinHashLSH, xxh32 hash, word 5-grams. Returns (seconds, pairs)."""
    import xxhash
    from datasketch import MinHash, MinHashLSH

    t0 = time.perf_counter()
    hashfunc = xxhash.xxh32_intdigest
    template = MinHash(num_perm=num_perm, seed=1, hashfunc=hashfunc)
    perms = template.permutations
    scheme = "affine32"
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    pairs: set[tuple[str, str]] = set()
    for rec in records:
        key = rec["id"]
        m = MinHash(num_perm=num_perm, hashfunc=hashfunc, permutations=perms, scheme=scheme)
        m.update_batch([s.encode("utf-8") for s in shingles(rec["text"])])
        for other in lsh.query(m):
            pairs.add(_pair(key, other))
        lsh.insert(key, m, check_duplication=False)
    return time.perf_counter() - t0, pairs


def run_rensa(records: Iterable[dict], threshold: float = THRESHOLD, num_perm: int = NUM_PERM,
              num_bands: int = 8) -> tuple[float, set[tuple[str, str]]]:
    """rensa RMinHash + RMinHashLSH, word 5-grams. Returns (seconds, pairs)."""
    from rensa import RMinHash, RMinHashLSH

    t0 = time.perf_counter()
    lsh = RMinHashLSH(threshold, num_perm, num_bands)
    ids: list[str] = []
    pairs: set[tuple[str, str]] = set()
    for rec in records:
        key = rec["id"]
        m = RMinHash(num_perm, SEED)
        m.update(list(shingles(rec["text"])))
        for other in lsh.query(m):
            pairs.add(_pair(key, ids[other]))
        lsh.insert(len(ids), m)
        ids.append(key)
    return time.perf_counter() - t0, pairs


def run_floor(records: Iterable[dict]) -> tuple[float, set[tuple[str, str]]]:
    """Reading, JSON parsing and shingling only: the part every peer pays in Python."""
    t0 = time.perf_counter()
    for rec in records:
        shingles(rec["text"])
    return time.perf_counter() - t0, set()


def run_rensa16(records: Iterable[dict]) -> tuple[float, set[tuple[str, str]]]:
    return run_rensa(records, num_bands=16)


PEERS = {
    "datasketch": ("datasketch MinHashLSH (xxh32, b=9 r=13)", run_datasketch),
    "rensa": ("rensa RMinHashLSH (b=8 r=16)", run_rensa),
    "rensa16": ("rensa RMinHashLSH (b=16 r=8)", run_rensa16),
    "floor": ("floor: read + parse + 5-gram shingles only", run_floor),
}


def load_truth(path: Path) -> tuple[dict[str, set[tuple[str, str]]], dict[str, str], set[tuple[str, str]]]:
    """(listed pairs by kind, id -> dup-group root, other-kind pairs)."""
    by_kind: dict[str, set[tuple[str, str]]] = {}
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for t in iter_jsonl(path):
        p = _pair(t["original"], t["derived"])
        by_kind.setdefault(t["kind"], set()).add(p)
        if t["kind"] in POSITIVE_KINDS:
            ra, rb = find(p[0]), find(p[1])
            if ra != rb:
                parent[ra] = rb
    group = {x: find(x) for x in list(parent)}
    other = set().union(*(v for k, v in by_kind.items() if k not in POSITIVE_KINDS))
    return by_kind, group, other


def score(pairs: set[tuple[str, str]], by_kind, group, other) -> dict:
    out: dict = {"found_pairs": len(pairs)}
    listed = set().union(*(by_kind.get(k, set()) for k in POSITIVE_KINDS))
    out["recall"] = len(pairs & listed) / len(listed) if listed else None
    for k in POSITIVE_KINDS:
        s = by_kind.get(k, set())
        out[f"recall_{k}"] = len(pairs & s) / len(s) if s else None
    tp = sum(1 for a, b in pairs if a in group and group.get(b) == group[a])
    out["true_pairs_found"] = tp
    out["precision"] = tp / len(pairs) if pairs else None
    out["other_kind_pairs_found"] = len(pairs & other)
    out["unrelated_pairs_found"] = len(pairs) - tp - len(pairs & other)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--input", type=Path, required=True)
    ap.add_argument("--truth", type=Path, default=None, help="default: INPUT with .truth.jsonl")
    ap.add_argument("--json", type=Path, default=None, help="write the results as JSON here")
    ap.add_argument("--peers", default="datasketch,rensa,rensa16,floor")
    args = ap.parse_args(argv)
    truth = args.truth or args.input.with_name(args.input.name.removesuffix(".jsonl") + ".truth.jsonl")
    n = sum(1 for line in open(args.input, encoding="utf-8") if line.strip())
    by_kind, group, other = load_truth(truth)
    results = {}
    for name in args.peers.split(","):
        label, fn = PEERS[name]
        print(f"running {name} on {n:,} articles ...", file=sys.stderr, flush=True)
        secs, pairs = fn(iter_jsonl(args.input))
        r = {"peer": label, "articles": n, "seconds": secs, "articles_per_s": n / secs}
        if name != "floor":
            r.update(score(pairs, by_kind, group, other))
        results[name] = r
        print(f"  {secs:.1f}s, {n / secs:,.0f} articles/s, recall {r.get('recall')}, "
              f"precision {r.get('precision')}", file=sys.stderr, flush=True)

    truth_counts = {k: len(v) for k, v in by_kind.items()}
    print(f"\n{args.input} ({n:,} articles; truth pairs {truth_counts})")
    hdr = f"{'peer':42} {'s':>8} {'art/s':>9} {'recall':>7} {'R dup':>6} {'R near':>6} " \
          f"{'prec':>6} {'found':>7} {'other':>6} {'unrel':>6}"
    print(hdr)
    print("-" * len(hdr))
    for r in results.values():
        if "recall" not in r:
            print(f"{r['peer']:42} {r['seconds']:8.1f} {r['articles_per_s']:9,.0f}")
            continue
        print(f"{r['peer']:42} {r['seconds']:8.1f} {r['articles_per_s']:9,.0f} {r['recall']:7.3f} "
              f"{r['recall_duplicate']:6.3f} {r['recall_near_duplicate']:6.3f} "
              f"{(r['precision'] or 0):6.3f} {r['found_pairs']:7,} {r['other_kind_pairs_found']:6,} "
              f"{r['unrelated_pairs_found']:6,}")
    ratios = {}
    if "datasketch" in results:
        base = results["datasketch"]["articles_per_s"]
        for k, r in results.items():
            if k not in ("datasketch", "floor"):
                ratios[f"{k}/datasketch"] = r["articles_per_s"] / base
                print(f"speed ratio {k}/datasketch: {ratios[f'{k}/datasketch']:.1f}x")
    if args.json:
        import datasketch
        import rensa  # noqa: F401
        from importlib.metadata import version
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({
            "input": str(args.input), "articles": n, "truth_pairs": truth_counts,
            "results": results, "ratios": ratios,
            "versions": {"python": platform.python_version(), "datasketch": datasketch.__version__,
                         "rensa": version("rensa"), "xxhash": version("xxhash")},
            "machine": {"cpus": __import__("os").cpu_count(), "platform": platform.platform()},
        }, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
