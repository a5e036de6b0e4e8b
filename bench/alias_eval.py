"""Entity alias merging: precision and recall on hand-labelled ECB+ pairs.

``bench/alias_labels.json`` holds pairs of entity mentions found in the first ten
articles of five ECB+ events, each labelled as the same real-world entity or not.
This runs copydesk's entity extraction and alias merging on those articles and
scores the pairs: a pair is predicted "same" when both mentions end up in one
entity. Usage:

    python bench/alias_eval.py [--ecbplus ../shared/data/ecbplus/ecbplus.jsonl]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from copydesk.align.embed import shared_embedder
from copydesk.stories.entities import EntityExtractor, _strip_title, merge_entities

HERE = Path(__file__).resolve().parent


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ecbplus", default=str(HERE.parents[1] / "shared/data/ecbplus/ecbplus.jsonl"))
    ap.add_argument("--labels", default=str(HERE / "alias_labels.json"))
    args = ap.parse_args()
    labels = json.loads(Path(args.labels).read_text(encoding="utf-8"))["pairs"]
    rows = [json.loads(line) for line in open(args.ecbplus, encoding="utf-8")]
    extractor, embedder = EntityExtractor(), shared_embedder()

    def similar(a: str, b: str) -> float:
        va, vb = embedder.encode([a, b])
        return float(np.dot(va, vb))

    entity_of: dict[str, dict[str, int]] = {}
    for sub in sorted({p["subtopic"] for p in labels}):
        docs = [r for r in rows if r["subtopic"] == sub][:10]
        mentions = dict(zip((d["id"] for d in docs), extractor.mentions([d["text"] for d in docs])))
        entities = merge_entities(mentions, {d["id"]: d["text"] for d in docs}, similar=similar)
        entity_of[sub] = {n: i for i, e in enumerate(entities) for n in (e.name, *e.aliases)}
    tp = fp = fn = tn = 0
    errors = []
    for p in labels:
        where = entity_of[p["subtopic"]]
        ea, eb = (where.get(_strip_title(x)[0], where.get(x)) for x in (p["a"], p["b"]))
        predicted = ea is not None and ea == eb
        tp += predicted and p["same"]
        fp += predicted and not p["same"]
        fn += (not predicted) and p["same"]
        tn += (not predicted) and not p["same"]
        if predicted != p["same"]:
            errors.append(f"{'missed' if p['same'] else 'wrong merge'}: {p['a']!r} / {p['b']!r} ({p['subtopic']})")
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    print(json.dumps({"pairs": len(labels), "same": tp + fn, "different": fp + tn, "precision": round(precision, 3),
                      "recall": round(recall, 3), "tp": tp, "fp": fp, "fn": fn, "tn": tn}))
    for e in errors:
        print("  " + e)
    return 0


if __name__ == "__main__":
    sys.exit(main())
