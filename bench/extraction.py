"""Body-extraction quality of copydesk against plain trafilatura.

What it measures
    For each page of the extraction data set (``html/<key>.html.gz`` plus
    ``ground-truth.json`` mapping ``key -> {"articleBody", "url"}``, the
    article-extraction-benchmark layout) it scores the extracted body against
    the ground-truth body with bag-of-tokens precision, recall and F1: tokens
    are lower-cased ``\\w+`` words, true positives are the size of the Counter
    intersection (as in the standard article-extraction-benchmark).

    Two systems are scored on the same decoded HTML:

    * ``trafilatura``: ``trafilatura.extract(html)`` with default settings;
    * ``copydesk``: ``segment(extract(make_record(..., fmt="html")))`` and the
      article's ``text`` (the cleaned body copydesk stores).

    A third, diagnostic column, ``copydesk-extract``, scores copydesk's extract
    stage alone (its paragraphs before segmentation) so that a loss can be put on
    either stage: extraction settings (trafilatura called differently) or the
    segmenter's rules (``Article.removed``).

    A page that raises counts as empty output (F1 0) and is listed. Pages where
    copydesk is worse than trafilatura by more than 0.05 F1 are counted, and the
    ten worst are diagnosed from what copydesk removed and what it lost.

Usage
    python bench/extraction.py [--data DIR] [--json OUT] [--worst N] [--what-if]

Defaults: ``DIR`` is ``<repo>/../shared/data/extraction`` and ``OUT`` is
``<repo>/bench/out/extraction.json``. Prints a markdown report to stdout.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
import traceback
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchutil import REPO, revision  # noqa: E402

DEFAULT_DATA = REPO.parent / "shared" / "data" / "extraction"
DEFAULT_JSON = REPO / "bench" / "out" / "extraction.json"
WORSE_MARGIN = 0.05


_TOKEN = re.compile(r"\w+")


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens."""
    return _TOKEN.findall(text.lower())


@dataclass(frozen=True, slots=True)
class Score:
    precision: float
    recall: float
    f1: float


def score(pred: str, truth: str) -> Score:
    """Bag-of-tokens precision/recall/F1 of ``pred`` against ``truth``.

    Empty output scores 0 on all three (it found none of the body)."""
    p_tokens, t_tokens = Counter(tokenize(pred)), Counter(tokenize(truth))
    tp = sum((p_tokens & t_tokens).values())
    n_pred, n_true = sum(p_tokens.values()), sum(t_tokens.values())
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_true if n_true else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(precision, recall, f1)


@dataclass(slots=True)
class Output:
    """One system's text for one page, or the error it raised."""

    text: str = ""
    error: str | None = None
    seconds: float = 0.0
    removed: list[tuple[str, str]] = field(default_factory=list)  # (kind, text), copydesk only
    embeds: list[str] = field(default_factory=list)  # embedded posts' text, copydesk only


def run_trafilatura(key: str, html: str, url: str | None) -> tuple[Output, Output]:
    import trafilatura

    t0 = time.perf_counter()
    text = trafilatura.extract(html)
    return Output(text or "", seconds=time.perf_counter() - t0), Output()


def run_copydesk(key: str, html: str, url: str | None) -> tuple[Output, Output]:
    """(full pipeline: extract + segment, extract stage only)."""
    from copydesk.extract import extract
    from copydesk.ingest.records import make_record
    from copydesk.segment import segment

    t0 = time.perf_counter()
    rec = make_record(key, input=key, record=None, fmt="html", content=html, meta={"url": url})
    ex = extract(rec)
    article = segment(ex)
    secs = time.perf_counter() - t0
    embeds = [e.text for e in article.embeds]
    full = Output(article.text, seconds=secs, removed=[(r.kind, r.text) for r in article.removed], embeds=embeds)
    stage = Output("\n\n".join(ex.paragraphs), seconds=secs, removed=[(r.kind, r.text) for r in ex.removed],
                   embeds=[e.text for e in ex.embeds])
    return full, stage


def _guard(fn: Callable[[str, str, str | None], tuple[Output, Output]],
           key: str, html: str, url: str | None) -> tuple[Output, Output]:
    try:
        return fn(key, html, url)
    except Exception as exc:  # a page that raises counts as empty output
        err = f"{type(exc).__name__}: {exc}".strip()
        return Output(error=err), Output(error=err)


def _rule_name(text: str) -> str | None:
    from copydesk.segment.rules import CAPTION_LABEL, classify

    rule = classify(text)
    if rule is not None:
        return rule.name
    return "caption-label" if CAPTION_LABEL.match(text) else None


def _short(text: str, n: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _bare_f1(tree_or_html: Any, url: str | None, truth: str, *, tables: bool) -> float:
    """F1 of trafilatura called the way copydesk calls it (``extract/html.py``), one knob varied."""
    import trafilatura

    doc = trafilatura.bare_extraction(tree_or_html, url=url, with_metadata=True, include_comments=False,
                                      include_tables=tables, deduplicate=False)
    return score((getattr(doc, "text", None) or "") if doc is not None else "", truth).f1


def probes(html: str, url: str | None, truth: str) -> dict[str, float]:
    """Counterfactual F1s that isolate the two known extract-stage differences from plain trafilatura:

    * ``as_copydesk``: tree from ``lxml.html.fromstring`` (HTML comments kept), tables off;
    * ``trafilatura_parser``: the same but the tree from ``trafilatura.load_html`` (comments removed);
    * ``with_tables``: ``load_html`` tree and ``include_tables=True``."""
    from lxml import html as lxml_html
    from trafilatura import load_html

    return {
        "as_copydesk": _bare_f1(lxml_html.fromstring(html), url, truth, tables=False),
        "trafilatura_parser": _bare_f1(load_html(html), url, truth, tables=False),
        "with_tables": _bare_f1(load_html(html), url, truth, tables=True),
    }


def diagnose(html: str, url: str | None, truth: str, full: Output, stage: Output, embeds: list[str],
             scores: dict[str, Score]) -> str:
    """A short account of where copydesk lost F1 against trafilatura on one page."""
    if full.error:
        return f"copydesk raised {_short(full.error, 120)}"
    t_true = Counter(tokenize(truth))
    parts: list[str] = []
    d_extract = scores["copydesk-extract"].f1 - scores["trafilatura"].f1
    d_segment = scores["copydesk"].f1 - scores["copydesk-extract"].f1
    if d_extract < -0.01:
        pr = probes(html, url, truth)
        causes = []
        if pr["trafilatura_parser"] - pr["as_copydesk"] > 0.02:
            causes.append(f"HTML comments left in the lxml tree make trafilatura drop body text "
                          f"({pr['as_copydesk']:.2f} -> {pr['trafilatura_parser']:.2f} F1 with trafilatura.load_html)")
        if pr["with_tables"] - pr["trafilatura_parser"] > 0.02:
            causes.append(f"include_tables=False drops body text held in a table "
                          f"({pr['trafilatura_parser']:.2f} -> {pr['with_tables']:.2f} F1 with tables)")
        in_embeds = sum((Counter(tokenize(" ".join(embeds))) & t_true).values())
        if in_embeds >= 10:
            causes.append(f"embedded posts taken out as Embeds by design; the ground truth counts them as body "
                          f"({in_embeds} body tokens)")
        parts.append(f"extract stage {d_extract:+.2f} F1: " + ("; ".join(causes) or "trafilatura settings differ"))
    bad: list[str] = []
    for kind, text in full.removed:
        if (kind, text) in stage.removed:
            continue  # taken out at extraction (the title), not by the segmenter
        toks = Counter(tokenize(text))
        n = sum(toks.values())
        if n and sum((toks & t_true).values()) / n >= 0.8:
            bad.append(f"{_rule_name(text) or kind} «{_short(text, 60)}»")
    if d_segment < -0.005 and bad:
        more = f" (+{len(bad) - 3} more)" if len(bad) > 3 else ""
        parts.append(f"segment stage {d_segment:+.2f} F1, removed body text: {'; '.join(bad[:3])}{more}")
    return " / ".join(parts) or "no single cause (small differences spread over the page)"


def load_pages(data: Path) -> list[tuple[str, str, str | None, str]]:
    """(key, decoded html, url, ground-truth body) for every page with ground truth."""
    from copydesk.ingest.files import decode

    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for key in sorted(truth):
        path = data / "html" / f"{key}.html.gz"
        html = decode(gzip.decompress(path.read_bytes()))
        pages.append((key, html, truth[key].get("url"), truth[key]["articleBody"]))
    return pages


SYSTEMS = ("trafilatura", "copydesk", "copydesk-extract")


def _norm(text: str) -> str:
    return " ".join(tokenize(text))


def evaluate(data: Path, worst_n: int, what_if: bool) -> dict[str, Any]:
    pages = load_pages(data)
    rows: list[dict[str, Any]] = []
    rules: dict[str, dict[str, int]] = {}  # segmenter rule -> removed paragraphs, of which verbatim in the ground truth
    for key, html, url, truth in pages:
        trafi, _ = _guard(run_trafilatura, key, html, url)
        full, stage = _guard(run_copydesk, key, html, url)
        outputs = {"trafilatura": trafi, "copydesk": full, "copydesk-extract": stage}
        scores = {name: score(out.text, truth) if not out.error else Score(0.0, 0.0, 0.0)
                  for name, out in outputs.items()}
        row: dict[str, Any] = {
            "key": key, "url": url,
            "scores": {name: asdict(s) for name, s in scores.items()},
            "errors": {name: out.error for name, out in outputs.items() if out.error},
            "seconds": {"trafilatura": trafi.seconds, "copydesk": full.seconds},
            "removed": [{"kind": k, "rule": _rule_name(t) if (k, t) not in stage.removed else k, "text": t}
                        for k, t in full.removed],
        }
        norm_truth = _norm(truth)
        for item in row["removed"]:
            item["in_ground_truth"] = bool(_norm(item["text"])) and _norm(item["text"]) in norm_truth
            c = rules.setdefault(item["rule"] or item["kind"], {"removed": 0, "in_ground_truth": 0})
            c["removed"] += 1
            c["in_ground_truth"] += item["in_ground_truth"]
        delta = scores["copydesk"].f1 - scores["trafilatura"].f1
        row["delta_f1"] = delta
        if delta < -WORSE_MARGIN:
            row["diagnosis"] = diagnose(html, url, truth, full, stage, full.embeds, scores)
        if what_if:
            row["what_if"] = probes(html, url, truth)
        rows.append(row)

    n = len(rows)
    summary = {
        name: {metric: sum(r["scores"][name][metric] for r in rows) / n for metric in ("precision", "recall", "f1")}
        for name in SYSTEMS
    }
    for name in SYSTEMS:
        summary[name]["errors"] = sum(1 for r in rows if name in r["errors"])
    worse = sorted((r for r in rows if r["delta_f1"] < -WORSE_MARGIN), key=lambda r: r["delta_f1"])
    better = [r for r in rows if r["delta_f1"] > WORSE_MARGIN]
    segment_losses = sorted(
        (r for r in rows if r["scores"]["copydesk"]["f1"] < r["scores"]["copydesk-extract"]["f1"] - 0.005),
        key=lambda r: r["scores"]["copydesk"]["f1"] - r["scores"]["copydesk-extract"]["f1"])
    res: dict[str, Any] = {
        "data": str(data),
        "revision": revision(),
        "pages": n,
        "summary": summary,
        "seconds": {name: sum(r["seconds"][name] for r in rows) for name in ("trafilatura", "copydesk")},
        "worse_than_trafilatura": len(worse),
        "better_than_trafilatura": len(better),
        "worst": [r["key"] for r in worse[:worst_n]],
        "segment_losses": [r["key"] for r in segment_losses],
        "rules": dict(sorted(rules.items())),
        "failed": {r["key"]: r["errors"] for r in rows if r["errors"]},
        "pages_detail": rows,
    }
    if what_if:
        res["what_if"] = {name: sum(r["what_if"][name] for r in rows) / n
                          for name in ("as_copydesk", "trafilatura_parser", "with_tables")}
        res["what_if_pages_hit_by_comments"] = sum(
            1 for r in rows if r["what_if"]["trafilatura_parser"] - r["what_if"]["as_copydesk"] > 0.02)
    return res


def markdown(res: dict[str, Any], worst_n: int) -> str:
    s = res["summary"]
    out = [
        f"Pages: {res['pages']}; copydesk revision {res['revision']}.",
        "",
        "| system | precision | recall | F1 | pages that raised | seconds (all pages) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name in SYSTEMS:
        label = name if name != "copydesk-extract" else "copydesk, extract stage only (diagnostic)"
        secs = f"{res['seconds'][name]:.1f}" if name in res["seconds"] else "–"
        out.append(f"| {label} | {s[name]['precision']:.3f} | {s[name]['recall']:.3f} | {s[name]['f1']:.3f} "
                   f"| {s[name]['errors']} | {secs} |")
    out += [
        "",
        f"copydesk worse than trafilatura by > {WORSE_MARGIN} F1: **{res['worse_than_trafilatura']}** pages; "
        f"better by > {WORSE_MARGIN}: {res['better_than_trafilatura']} pages.",
    ]
    if res["failed"]:
        out += ["", "Pages that raised (scored as empty output):", ""]
        for key, errs in res["failed"].items():
            for name, err in errs.items():
                out.append(f"- `{key[:12]}` {name}: {err}")
    else:
        out += ["", "No page raised."]
    by_key = {r["key"]: r for r in res["pages_detail"]}
    if res["worst"]:
        out += ["", f"The {len(res['worst'])} pages where copydesk loses most (worst first):", "",
                "| page | url | trafilatura F1 | copydesk F1 | extract-stage F1 | diagnosis |",
                "|---|---|---:|---:|---:|---|"]
        for key in res["worst"]:
            r = by_key[key]
            sc = r["scores"]
            diag = r.get("diagnosis", "").replace("|", "/")
            url = (r["url"] or "").split("//")[-1]
            out.append(f"| `{key[:12]}` | {_short(url, 50)} | {sc['trafilatura']['f1']:.3f} "
                       f"| {sc['copydesk']['f1']:.3f} | {sc['copydesk-extract']['f1']:.3f} | {diag} |")
    out += ["", "Segmenter removals (all pages) and how many of them appear verbatim in the ground-truth body:", "",
            "| rule | removed paragraphs | of which in ground truth |", "|---|---:|---:|"]
    for rule, c in res["rules"].items():
        out.append(f"| {rule} | {c['removed']} | {c['in_ground_truth']} |")
    if res["segment_losses"]:
        out += ["", "Pages where the segmenter lowers F1 (removed text that is in the ground truth):", ""]
        for key in res["segment_losses"]:
            r = by_key[key]
            sc = r["scores"]
            hits = [f"{i['rule']} «{_short(i['text'], 60)}»" for i in r["removed"] if i["in_ground_truth"]]
            out.append(f"- `{key[:12]}` {sc['copydesk-extract']['f1']:.3f} -> {sc['copydesk']['f1']:.3f}: "
                       + ("; ".join(hits[:3]) + (f" (+{len(hits) - 3} more)" if len(hits) > 3 else "") if hits
                          else "(no removal verbatim in the ground truth)"))
    if "what_if" in res:
        w = res["what_if"]
        out += ["", "What-if (trafilatura called as copydesk calls it, one knob changed; mean F1 of the extract call):",
                "", "| variant | mean F1 |", "|---|---:|",
                f"| as copydesk: `lxml.html.fromstring` tree, `include_tables=False` | {w['as_copydesk']:.3f} |",
                f"| tree from `trafilatura.load_html` (HTML comments removed) | {w['trafilatura_parser']:.3f} |",
                f"| `load_html` tree and `include_tables=True` | {w['with_tables']:.3f} |",
                "", f"Pages losing > 0.02 F1 to HTML comments in the tree: {res['what_if_pages_hit_by_comments']}."]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help=f"data set folder (default: {DEFAULT_DATA})")
    ap.add_argument("--json", type=Path, default=DEFAULT_JSON, help=f"JSON results file (default: {DEFAULT_JSON})")
    ap.add_argument("--worst", type=int, default=10, help="how many of the worst pages to list (default: 10)")
    ap.add_argument("--what-if", action="store_true",
                    help="also score trafilatura called as copydesk calls it with one knob changed (diagnostic)")
    args = ap.parse_args(argv)
    if not (args.data / "ground-truth.json").is_file():
        print(f"no ground-truth.json under {args.data}", file=sys.stderr)
        return 2
    try:
        res = evaluate(args.data, args.worst, args.what_if)
    except Exception:
        traceback.print_exc()
        return 1
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(res, indent=1, ensure_ascii=False), encoding="utf-8")
    print(markdown(res, args.worst))
    print(f"\nJSON: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
