"""Meaning changes flagged between paraphrases: how often copydesk's change finder calls two
reworded sentences different in number, negation or hedging when, by MRPC's labels, they mean
the same (label 1) or not (label 0).

Each MRPC pair (train and test files) goes through ``copydesk.relate.changes.meaning_changes``,
the function that reports what reworded (``paraphrase``) sentences of a relation state
differently. MRPC's paraphrase pairs mean the same by their annotators' judgement, but many of
them still differ in a number or a detail (news paraphrases were collected from different
outlets' reports), so the rate on label 1 is an upper bound on false flags, not a count of them;
a change of rules that lowers it without lowering label 0's rate much removes flags on wording.

    python bench/mrpc_meaning.py [--data ../shared/data/mrpc] [--examples 5]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from benchutil import REPO, revision
from mrpc import FILES, load_pairs

from copydesk.relate.changes import meaning_changes

KINDS = ("number", "negation", "hedge")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data" / "mrpc")
    ap.add_argument("--examples", type=int, default=0, help="print this many flagged paraphrase pairs per kind")
    args = ap.parse_args(argv)
    paths = [args.data / name for name in FILES.values()]
    if not all(p.exists() for p in paths):
        print(f"no MRPC files in {args.data}", file=sys.stderr)
        return 2
    pairs = [p for path in paths for p in load_pairs(path)]
    flagged: Counter = Counter()
    total = Counter(p.label for p in pairs)
    shown: Counter = Counter()
    for p in pairs:
        kinds = {c.kind for c in meaning_changes(p.s1, p.s2, (0, len(p.s2)))}
        for kind in kinds:
            flagged[p.label, kind] += 1
            if p.label == 1 and shown[kind] < args.examples:
                shown[kind] += 1
                print(f"[{kind}] {p.s1}\n        {p.s2}\n")
    print(f"# Meaning changes flagged on MRPC pairs (revision {revision()})\n")
    print("| kind | paraphrase pairs (label 1) | other pairs (label 0) |")
    print("|---|---:|---:|")
    for kind in KINDS:
        print(f"| {kind} | {flagged[1, kind] / total[1]:.1%} ({flagged[1, kind]}/{total[1]}) "
              f"| {flagged[0, kind] / total[0]:.1%} ({flagged[0, kind]}/{total[0]}) |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
