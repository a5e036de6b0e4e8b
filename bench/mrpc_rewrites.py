"""Rewrites made of real paraphrases: article pairs built from MRPC, through the whole pipeline.

What it measures
    The reuse evaluation's rewrites are made by a generator (synonyms, reordered clauses).
    Here each "rewrite" is real: MRPC's paraphrase pairs are sentences of different
    outlets' reports of one wire story, reworded by their editors. Consecutive positive
    pairs of the chosen split are grouped ``--sentences`` at a time into two articles, A
    (the first sentence of each pair) and B (the second), and every article of all pairs
    goes through ``copydesk.analyze`` as one corpus (candidates, alignment, relations).

    Variants (each its own corpus, run separately):
    * ``in-order``: B keeps A's sentence order;
    * ``shuffled``: B's sentences shuffled (a restructured rewrite: paragraphs moved);
    * ``negatives``: built the same way from MRPC's *non*-paraphrase pairs (sentences of
      one story that say different things): how many become relations is reported as
      information, not as false positives (many such pairs share a clause or a quote).

    Reported per variant: pairs found as a relation between A and B (recall), the type
    given, the share taken (median, min), and relations between articles of different
    groups (which share no sentence: false positives).

Usage
    .venv/bin/python bench/mrpc_rewrites.py [--split test] [--sentences 10] [--json OUT]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import statistics
import sys
import tempfile
from collections import Counter
from pathlib import Path

import copydesk

MRPC = Path(__file__).resolve().parents[2] / "shared" / "data" / "mrpc"


def load_pairs(split: str, label: str) -> list[tuple[str, str]]:
    path = MRPC / f"msr_paraphrase_{split}.txt"
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))[1:]
    return [(r[3].strip(), r[4].strip()) for r in rows if r[0] == label and r[3].strip() != r[4].strip()]


def build(pairs: list[tuple[str, str]], k: int, *, shuffle: bool, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    records = []
    for g in range(len(pairs) // k):
        chunk = pairs[g * k:(g + 1) * k]
        a = [x for x, _ in chunk]
        b = [y for _, y in chunk]
        if shuffle:
            rng.shuffle(b)
        records.append({"id": f"g{g:03d}-a", "title": f"Report {g} (A)", "text": " ".join(a)})
        records.append({"id": f"g{g:03d}-b", "title": f"Report {g} (B)", "text": " ".join(b)})
    return records


def score(records: list[dict], workdir: Path, name: str) -> dict:
    src = workdir / f"{name}.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    report = copydesk.analyze([src], db=workdir / f"{name}.db")
    groups = len(records) // 2
    found: dict[str, object] = {}
    cross = 0
    for r in report.relations:
        ga, gb = r.original.split("-")[0], r.derived.split("-")[0]
        if ga == gb:
            found[ga] = r
        else:
            cross += 1
    shares = [r.share for r in found.values()]  # type: ignore[attr-defined]
    return {
        "groups": groups, "found": len(found), "recall": round(len(found) / groups, 3) if groups else 0.0,
        "types": dict(Counter(r.type for r in found.values())),  # type: ignore[attr-defined]
        "share_median": round(statistics.median(shares), 3) if shares else None,
        "share_min": round(min(shares), 3) if shares else None,
        "cross_group_relations": cross,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", default="test", choices=["train", "test"])
    ap.add_argument("--sentences", type=int, default=10, help="sentence pairs per article pair")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    positives, negatives = load_pairs(args.split, "1"), load_pairs(args.split, "0")
    out = {"split": args.split, "sentences": args.sentences}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        out["in-order"] = score(build(positives, args.sentences, shuffle=False), work, "in-order")
        out["shuffled"] = score(build(positives, args.sentences, shuffle=True), work, "shuffled")
        out["negatives"] = score(build(negatives, args.sentences, shuffle=False), work, "negatives")
    for variant in ("in-order", "shuffled", "negatives"):
        r = out[variant]
        print(f"{variant:10s} {r['found']}/{r['groups']} article pairs related (recall {r['recall']}), "
              f"types {r['types']}, share median {r['share_median']} min {r['share_min']}, "
              f"relations across groups {r['cross_group_relations']}")
    if args.json:
        args.json.write_text(json.dumps(out, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
