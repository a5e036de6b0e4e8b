"""Cost of story clustering as the corpus grows (the clustering half of the stories stage),
from scratch and for an incremental run that adds 1% more articles.

Runs the clustering of ``copydesk.stories`` (TF-IDF of content words and names, the
family graph, average linkage per component) on the bodies of a speed corpus
(``bench/speed_corpus.py``), with the corpus's true copy pairs as the reuse
relations, and prints seconds and peak memory. Reading the JSONL is timed apart,
and so is making each article's story terms (``stories.terms.story_terms_many``, 64 at a time), which
the product does at ingest, in the worker processes, and keeps in the store: the
clustering itself starts from those terms, as ``build_stories`` does.

    python bench/stories_speed.py bench/data/speed-10k.jsonl bench/data/speed-100k.jsonl
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

from copydesk.config import load_settings
from copydesk.model import Relation
from copydesk.stories.grouping import cluster_with_links
from copydesk.stories.features import story_text
from copydesk.stories.terms import story_terms_many


def run(path: Path) -> dict:
    t0 = time.perf_counter()
    ids, texts, published = [], [], []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            ids.append(r["id"])
            texts.append(story_text(r.get("title"), r["text"]))
            published.append(r.get("published"))
    truth = Path(str(path).removesuffix(".jsonl") + ".truth.jsonl")
    relations = [Relation(t["original"], t["derived"], t["kind"], 1.0, 1.0)
                 for t in map(json.loads, truth.open(encoding="utf-8"))] if truth.exists() else []
    t_read = time.perf_counter()
    terms = [b for i in range(0, len(texts), 64) for b in story_terms_many(texts[i:i + 64])]  # 64 a batch, as at ingest
    del texts
    params = load_settings().stories
    t1 = time.perf_counter()
    clusters, links = cluster_with_links(ids, None, published, relations, params, terms=terms)
    t2 = time.perf_counter()
    sizes = sorted((len(c) for c in clusters), reverse=True)
    out = {"corpus": path.name, "articles": len(ids), "read_s": round(t_read - t0, 1),
           "terms_s": round(t1 - t_read, 1),  # made at ingest, in the worker processes, in the product
           "cluster_s": round(t2 - t1, 1),
           "articles_per_s": round(len(ids) / (t2 - t1)), "stories": len(clusters), "largest": sizes[:3]}
    # an incremental run: 1% more articles (the last 1% held back from a first run)
    k = len(ids) - max(1, len(ids) // 100)
    first, first_links = cluster_with_links(ids[:k], None, published[:k], relations, params, terms=terms[:k])
    previous = {a: i for i, c in enumerate(first) for a in c}
    t3 = time.perf_counter()
    cluster_with_links(ids, None, published, relations, params, previous=previous, links=first_links, terms=terms)
    out["incremental_1pct_s"] = round(time.perf_counter() - t3, 1)
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return out


def main() -> int:
    for p in sys.argv[1:]:
        print(json.dumps(run(Path(p))), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
