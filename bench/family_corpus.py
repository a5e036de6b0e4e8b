"""A large family of copies: one story and N copies of it, each with a few small edits of its
own (a wire story reprinted by many outlets), as JSONL, for the large-family benchmarks in
BENCHMARKS.md ("Large families of copies").

    python bench/family_corpus.py --copies 600 --out build/family-600.jsonl
    python bench/family_corpus.py --copies 1200 --original-last --out build/family-1200-late.jsonl
    copydesk analyze build/family-600.jsonl --db build/family-600.db --no-stories -q --out build/family-600.json

Each copy appends an "s" to ``--edits`` random words (a typo of its own, as copies differ); copies
are dated over 20 days after the original; ``--original-last`` writes the original after its
copies (a crawl that reached the original last). The story is the demo corpus's original
(``examples/demo/riverside-gazette-original.txt``, its body paragraphs) unless ``--text`` names
another plain-text file."""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

DEMO = Path(__file__).resolve().parents[1] / "examples" / "demo" / "riverside-gazette-original.txt"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--copies", type=int, default=600)
    ap.add_argument("--edits", type=int, default=3, help="small edits of its own in each copy")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--original-last", action="store_true")
    ap.add_argument("--text", default=str(DEMO), help="the story (plain text; paragraphs of 120+ characters kept)")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    paragraphs = [p for p in Path(args.text).read_text(encoding="utf-8").split("\n\n") if len(p) > 120]
    body = "\n\n".join(paragraphs)
    rng = random.Random(args.seed)
    original = {"id": "original", "source": "Wire", "published": "2024-01-01T08:00:00Z", "text": body}
    copies = []
    for k in range(1, args.copies + 1):
        words = body.split(" ")
        for _ in range(args.edits):
            i = rng.randrange(len(words))
            while not words[i].isalpha():
                i = rng.randrange(len(words))
            words[i] += "s"
        copies.append({"id": f"copy-{k:05d}", "source": f"Outlet {k}",
                       "published": f"2024-01-{2 + k % 20:02d}T{10 + k % 10:02d}:00:00Z", "text": " ".join(words)})
    records = [*copies, original] if args.original_last else [original, *copies]
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    print(f"{out}: the original and {args.copies} copies ({args.edits} edits each)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
