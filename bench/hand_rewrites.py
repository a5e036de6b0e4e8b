"""Derived articles written by hand, as content farms, bloggers and aggregators write them.

The generated corpora (``reuse_corpus.py``) reword by swapping words, so every rewrite keeps some
sentences lexically close. A person (or a language model) rewriting for a content farm rewords
every sentence, merges and moves them, turns quotes into reported speech and pastes posts in.
``bench/cases/hand/`` holds four such articles, each derived from one ECB+ article
(``truth.json`` says how); they go in with all ECB+ articles of the four topics (hard negatives,
some of them real wire copies of each other), through the product's ``copydesk.api.analyze``.

Printed: for each derived article, whether its relation to the original was found, its type,
share, direction and confidence, the meaning changes; and every relation that touches a derived
article but is not in the truth. Usage::

    python bench/hand_rewrites.py [--ecbplus ../shared/data/ecbplus/ecbplus.jsonl] [--workdir build/hand]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from benchutil import REPO, fresh_paths, revision

from copydesk import api
from copydesk.relate.changes import MEANING

CASES = Path(__file__).resolve().parent / "cases" / "hand"
DEFAULT_ECB = REPO.parent / "shared" / "data" / "ecbplus" / "ecbplus.jsonl"


def write_corpus(ecbplus: Path, out: Path) -> dict:
    truth = json.loads((CASES / "truth.json").read_text(encoding="utf-8"))
    with out.open("w", encoding="utf-8") as f:
        for line in ecbplus.read_text(encoding="utf-8").splitlines():
            r = json.loads(line)
            if r["topic"] in truth["topics"]:
                f.write(json.dumps({"id": r["id"], "url": r["url"], "title": r["title"], "published": r["date"],
                                    "text": r["text"]}) + "\n")
        for name, d in truth["derived"].items():
            title, _, body = (CASES / f"{name}.txt").read_text(encoding="utf-8").partition("\n\n")
            f.write(json.dumps({"id": name, "url": d["url"], "title": title, "published": d["published"],
                                "text": body}) + "\n")
    return truth


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ecbplus", type=Path, default=DEFAULT_ECB)
    ap.add_argument("--workdir", type=Path, default=REPO / "build" / "hand")
    args = ap.parse_args(argv)
    if not args.ecbplus.exists():
        print(f"no ECB+ corpus at {args.ecbplus}", file=sys.stderr)
        return 2
    corpus, db = fresh_paths(args.workdir, "corpus.jsonl", "hand.db")
    truth = write_corpus(args.ecbplus, corpus)
    report = api.analyze([corpus], db=db, workers=2)
    rel = {frozenset((r.original, r.derived)): r for r in report.relations}
    print(f"# Hand-written derived articles (revision {revision()})\n")
    print(f"articles: {len(report.articles)}, relations: {len(report.relations)}\n")
    print("| derived | truth | dates | found | type | share | original right | confidence | meaning changes |")
    print("|---|---|---|---|---|---:|---|---:|---|")
    found = right = 0
    for name, d in truth["derived"].items():
        r = rel.get(frozenset((name, d["original"])))
        if r is None:
            print(f"| {name} | {d['type']} of {d['original']} | {d['dates']} | no | | | | | |")
            continue
        found += 1
        ok = r.original == d["original"]
        right += ok
        kinds = sorted({c.kind for c in r.changes if c.kind in MEANING})
        print(f"| {name} | {d['type']} of {d['original']} | {d['dates']} | yes{' (via ' + r.via + ')' if r.via else ''} "
              f"| {r.type} | {r.share:.2f} | {'yes' if ok else 'no'} | {r.direction_confidence:.2f} | {', '.join(kinds)} |")
    print(f"\nfound {found}/{len(truth['derived'])}, original right {right}/{found}")
    extra = [r for r in report.relations if (r.original in truth["derived"] or r.derived in truth["derived"])
             and frozenset((r.original, r.derived)) not in
             {frozenset((n, d["original"])) for n, d in truth["derived"].items()}]
    print(f"relations of a derived article that the truth does not hold: {len(extra)}")
    for r in extra:
        print(f"- {r.original} -> {r.derived}: {r.type}, share {r.share:.2f}, via {r.via}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
