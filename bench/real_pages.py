"""Real web pages of many outlets: false relations, and stories against hand-made event labels.

The 181 pages of ``shared/data/extraction`` are real articles and blog posts of ~150 sites,
most of them published on 18-20 November 2019. None of them copies another (checked by hand
where copydesk ever related two), but several sites hold two pages (an outlet's boilerplate,
a company's press releases), several outlets quote one source (a patient's case report, a
band's press release) and 22 news events are reported by two to four outlets. So the corpus
checks two things the generated corpora cannot:

* **reuse precision on real pages**: every relation copydesk reports here is a false one
  (it prints each, with its evidence, to be read);
* **stories on a real, sparse multi-outlet corpus**: B-cubed precision, recall and F1 of
  copydesk's stories against ``bench/real_pages_events.json``, the events labelled by hand
  from the pages' titles and texts (by one developer, after one look at copydesk's stories,
  so not blind: see BENCHMARKS.md). Pages in no labelled event are events of their own.
  All-singletons is the floor to beat.

Each page goes in as an HTML record with its URL (as a crawl would give it), through the
product's own ``copydesk.api.analyze``. Usage::

    python bench/real_pages.py [--data ../shared/data/extraction] [--workdir build/real-pages]
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from dataclasses import replace
from pathlib import Path

from benchutil import REPO, fresh_paths, bcubed, revision

from copydesk import api
from copydesk.config import load_settings
from copydesk.stories import cluster_stories
from copydesk.stories.features import lead_text, story_text

DEFAULT_DATA = REPO.parent / "shared" / "data" / "extraction"
LABELS = Path(__file__).resolve().parent / "real_pages_events.json"


def write_corpus(data: Path, out: Path) -> int:
    """The pages as JSONL records ``{id, url, html}`` (id: the first 12 characters of the page key)."""
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    n = 0
    with out.open("w", encoding="utf-8") as f:
        for key, page in sorted(truth.items()):
            path = data / "html" / f"{key}.html.gz"
            if not path.exists():
                continue
            html = gzip.decompress(path.read_bytes()).decode("utf-8", "replace")
            f.write(json.dumps({"id": key[:12], "url": page.get("url"), "html": html}) + "\n")
            n += 1
    return n


def scores(pred: dict[str, object], gold: dict[str, str]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 of ``pred`` (page -> story) against ``gold`` (page -> event)."""
    pages = sorted(pred)
    f, p, r = bcubed([gold[a] for a in pages], [pred[a] for a in pages])
    return p, r, f


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--workdir", type=Path, default=REPO / "build" / "real-pages")
    args = ap.parse_args(argv)
    if not (args.data / "ground-truth.json").exists():
        print(f"no data set at {args.data} (ground-truth.json and html/ expected)", file=sys.stderr)
        return 2
    corpus, db = fresh_paths(args.workdir, "pages.jsonl", "pages.db")
    n = write_corpus(args.data, corpus)
    report = api.analyze([corpus], db=db, workers=2)
    events = json.loads(LABELS.read_text(encoding="utf-8"))
    label = {page: event for event, pages in events.items() for page in pages}
    ids = [a.id for a in report.articles]
    gold = {a: label.get(a, "own:" + a) for a in ids}
    unknown = sorted(set(label) - set(ids))

    print(f"# copydesk on {n} real pages (revision {revision()})\n")
    print(f"articles: {len(ids)}, errors: {len(report.errors)}; labelled events of several pages: {len(events)} "
          f"({sum(len(v) for v in events.values())} pages)" + (f"; labels of unknown pages: {unknown}" if unknown else ""))
    print(f"\n## Relations (each one is false: no page copies another): {len(report.relations)}")
    url = {a.id: a.url for a in report.articles}
    for rel in report.relations:
        print(f"- {url[rel.original]} -> {url[rel.derived]}: {rel.type}, share {rel.share:.2f}; {rel.evidence[0][:160]}")
    story_of = {a: s.id for s in report.stories for a in s.articles}
    p, r, f = scores({a: story_of[a] for a in ids}, gold)
    sp, sr, sf = scores({a: a for a in ids}, gold)
    print("\n## Stories against the hand-made events (B-cubed)\n")
    print("| stories | precision | recall | F1 |\n|---|---:|---:|---:|")
    print(f"| copydesk `analyze`, default settings | {p:.3f} | {r:.3f} | **{f:.3f}** |")
    print(f"| every page its own story (floor) | {sp:.3f} | {sr:.3f} | {sf:.3f} |")
    # the same clustering code at other thresholds, to show how flat the curve is (not to choose one here)
    settings = load_settings().stories
    arts = report.articles
    texts = [story_text(a.title, a.text) for a in arts]
    leads = [lead_text(a.title, a.text, a.sentences) for a in arts]
    for threshold in (0.1, 0.15, 0.2, 0.25, 0.3):
        groups = cluster_stories(ids, texts, [a.published for a in arts], report.relations,
                                 replace(settings, threshold=threshold), leads=leads)
        pred = {a: i for i, g in enumerate(groups) for a in g}
        p, r, f = scores(pred, gold)
        print(f"| threshold {threshold:.2f} (default {settings.threshold}) | {p:.3f} | {r:.3f} | {f:.3f} |")
    merged = [sorted({gold[a] for a in s.articles}) for s in report.stories if len({gold[a] for a in s.articles}) > 1]
    split = [e for e, pages in events.items() if len({story_of.get(a) for a in pages if a in story_of}) > 1]
    print(f"\nstories that merge events: {len(merged)}; events split over stories: {len(split)} {split}")
    for m in merged:
        print("- merged:", ", ".join(m))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
