"""A deduplicated corpus, scored: `copydesk export --dedup` against the peers' MinHash dedup.

A dataset builder deduplicates to keep one article per group of copies. The truth groups are
the connected sets of a ``bench/speed_corpus.py`` corpus's ``duplicate`` and ``near_duplicate``
truth pairs; a perfect deduplication keeps one article of each and every article outside them.

* ``copies removed``: of the articles a perfect run removes (each group's size less one), how
  many the run removed;
* ``wrongly removed``: articles removed although their truth group kept no other article, or
  that are in no truth group (a unique article, a partial reuse, a rewrite);
* ``original kept``: the share of truth groups whose kept article is the group's original (the
  truth pair's original that derives from no other): copydesk keeps the original it found, the
  peers keep the first article of the file in each of their groups.

Peers, in the same run: datasketch and rensa MinHash LSH (word 5-grams, 128 permutations,
threshold 0.8, as ``bench/peers.py``), each article dropped when an earlier one shares an LSH
bucket with it (the usual MinHash dedup: connected groups, first kept).

Usage::

    .venv/bin/python bench/speed_corpus.py --n 10000 --out /tmp/dd/speed.jsonl
    .venv/bin/copydesk analyze /tmp/dd/speed.jsonl --db /tmp/dd/s.db --no-stories -q
    .venv/bin/copydesk export --db /tmp/dd/s.db --out /tmp/dd/dedup.jsonl --dedup --no-text
    .venv/bin/python bench/dedup_eval.py --corpus /tmp/dd/speed.jsonl --export /tmp/dd/dedup.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from peers import POSITIVE_KINDS, iter_jsonl, run_datasketch, run_rensa  # noqa: E402


class Groups:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        while self.parent.setdefault(x, x) != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra


def truth_groups(path: Path) -> tuple[dict[str, str], dict[str, str]]:
    """(article -> truth group, group -> its original)."""
    groups, derived, originals = Groups(), set(), set()
    for t in iter_jsonl(path):
        if t["kind"] in POSITIVE_KINDS:
            groups.union(t["original"], t["derived"])
            derived.add(t["derived"])
            originals.add(t["original"])
    member = {x: groups.find(x) for x in list(groups.parent)}
    root = {member[o]: o for o in originals if o not in derived}
    return member, root


def score(ids: list[str], kept: set[str], member: dict[str, str], root: dict[str, str]) -> dict:
    size: dict[str, int] = {}
    kept_in: dict[str, list[str]] = {}
    for x in ids:
        g = member.get(x)
        if g is not None:
            size[g] = size.get(g, 0) + 1
            if x in kept:
                kept_in.setdefault(g, []).append(x)
    should = sum(n - 1 for n in size.values())
    removed = [x for x in ids if x not in kept]
    right = sum(1 for x in removed if member.get(x) is not None and kept_in.get(member[x]))
    wrong = len(removed) - right
    original = sum(1 for g, ks in kept_in.items() if root.get(g) in ks)
    return {"articles": len(ids), "kept": len(kept), "removed": len(removed), "should_remove": should,
            "copies_removed": right, "copies_removed_share": right / should if should else None,
            "wrongly_removed": wrong, "groups": len(size),
            "original_kept": original, "original_kept_share": original / len(size) if size else None}


def peer_kept(ids: list[str], pairs: set[tuple[str, str]]) -> set[str]:
    groups = Groups()
    for a, b in pairs:
        groups.union(a, b)
    first: dict[str, str] = {}
    for x in ids:  # file order: the first article of each group is kept
        first.setdefault(groups.find(x), x)
    return set(first.values())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, required=True, help="a bench/speed_corpus.py corpus (.jsonl)")
    ap.add_argument("--truth", type=Path, help="its truth file (default: beside it, .truth.jsonl)")
    ap.add_argument("--export", type=Path, required=True, help="`copydesk export --dedup` of it (.jsonl)")
    ap.add_argument("--json", type=Path, help="also write the scores here")
    args = ap.parse_args(argv)
    truth = args.truth or args.corpus.with_name(args.corpus.name.removesuffix(".jsonl") + ".truth.jsonl")
    member, root = truth_groups(truth)
    ids = [r["id"] for r in iter_jsonl(args.corpus)]
    rows = {"copydesk export --dedup": score(ids, {r["id"] for r in iter_jsonl(args.export)}, member, root)}
    for name, run in (("datasketch MinHash LSH 0.8", run_datasketch), ("rensa MinHash LSH 0.8", run_rensa)):
        _, pairs = run(iter_jsonl(args.corpus))
        rows[name] = score(ids, peer_kept(ids, pairs), member, root)
    print(f"{args.corpus}: {len(ids):,} articles, {len(set(member.values())):,} truth groups of copies\n")
    print("| run | kept | copies removed | wrongly removed | original kept |")
    print("|---|---:|---:|---:|---:|")
    for name, s in rows.items():
        print(f"| {name} | {s['kept']:,} | {s['copies_removed']:,} / {s['should_remove']:,} "
              f"({s['copies_removed_share']:.3f}) | {s['wrongly_removed']:,} | {s['original_kept']:,} / "
              f"{s['groups']:,} ({s['original_kept_share']:.3f}) |")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
