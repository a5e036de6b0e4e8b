"""Scores copydesk's reuse relations against a labelled corpus (see reuse_corpus.py).

What it measures
    Given ``truth.json`` (from ``bench/reuse_corpus.py``) and a copydesk report
    (``copydesk analyze ... --out report.json``):

    * pair detection: an unordered truth pair counts as found when any relation
      links its two ids (for a chain's indirect pair A->C, a relation A->C with
      or without ``via``; whether ``via`` names the truth's middle article is
      reported apart). Precision counts every other predicted pair as a false
      positive, except ``tolerated`` pairs (two copies of one original, which
      share text through it): those are neither right nor wrong, only counted.
    * false-positive rate per negative kind: the fraction of the truth's negative
      pairs (same event, shared boilerplate, shared post/quote) that got a relation.
    * direction accuracy among found pairs (the relation's ``original`` is the
      truth's original), overall and by the derived article's date status
      (ok / missing / misleading). When several relations link a pair, the one
      with the largest share speaks for it.
    * type accuracy among found pairs, chain indirect pairs excluded; a confusion
      table.
    * share: mean absolute error of ``share`` among found pairs.
    * passages, PAN-style character precision/recall/F1, micro-averaged over
      found pairs: the (non-whitespace) characters of the derived article's report ``text``
      covered by the relation's passages against those covered by the truth's
      spans. Truth spans are offsets into the generator's clean body; each span's
      text is located in the report text (exactly, searching forward from the
      previous span, then with whitespace folded); a span that cannot be found
      whole is counted as unmappable and only its sentences that can be found
      are kept. When the relation points the wrong way its
      ``original`` offsets are the ones on the truth's derived article, and are
      used, so that passage quality is scored apart from direction.
    * recall per truth type (chain legs and chain indirect pairs apart).
    * meaning changes (truth files that record them), on rightly directed direct pairs: the share
      of rewrites that dropped hedges whose relation shows a dropped ``hedge``, of rewrites that
      changed numbers whose relation shows a ``number`` change, and of duplicates and
      near-duplicates (light edits only) shown with any meaning-changing kind.

Usage
    python bench/reuse_eval.py --truth DIR/truth.json --report report.json [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

_WS = re.compile(r"\s+")
_SENTENCE = re.compile(r"(?<=[.!?”\"])\s+")


# ----------------------------------------------------------------------------- span mapping

def _folded(text: str) -> tuple[str, list[int]]:
    """``text`` with whitespace runs folded to one space, and each folded char's index in ``text``."""
    out: list[str] = []
    index: list[int] = []
    prev_space = False
    for i, ch in enumerate(text):
        if ch.isspace():
            if prev_space:
                continue
            out.append(" ")
            index.append(i)
            prev_space = True
        else:
            out.append(ch)
            index.append(i)
            prev_space = False
    return "".join(out), index


def map_spans(body: str, spans: list[list[int]], text: str) -> tuple[list[tuple[int, int]], list[list[int]]]:
    """Truth ``spans`` (offsets into ``body``) as offsets into ``text``; and the spans that could not be found."""
    mapped: list[tuple[int, int]] = []
    missing: list[list[int]] = []
    folded: list[tuple[str, list[int]]] = []
    cursor = 0

    def locate(piece: str) -> tuple[int, int] | None:
        at = text.find(piece, cursor)
        if at < 0:
            at = text.find(piece)
        if at >= 0:
            return at, at + len(piece)
        if not folded:
            folded.append(_folded(text))
        ftext, index = folded[0]
        fpiece = _WS.sub(" ", piece)
        fat = ftext.find(fpiece) if fpiece else -1
        if fat >= 0:
            return index[fat], index[fat + len(fpiece) - 1] + 1
        return None

    for s, e in spans:
        piece = body[s:e].strip()
        if not piece:
            continue
        hit = locate(piece)
        if hit:
            mapped.append(hit)
            cursor = hit[1]
            continue
        # the tool cleaned the span differently (a dateline cut off, a sentence dropped):
        # map what can be found of it sentence by sentence, and count the span as missing
        missing.append([s, e])
        for sentence in _SENTENCE.split(piece):
            if len(sentence) >= 20:
                hit = locate(sentence)
                if hit:
                    mapped.append(hit)
                    cursor = hit[1]
    return mapped, missing


def _chars(spans, text: str) -> set[int]:
    """The non-whitespace character positions of ``text`` the spans cover (paragraph
    breaks and spaces are not counted, so a passage that spans two paragraphs and
    two per-paragraph truth spans cover the same characters)."""
    out: set[int] = set()
    for s, e in spans:
        s, e = max(0, int(s)), min(len(text), int(e))
        out.update(i for i in range(s, e) if not text[i].isspace())
    return out


# ----------------------------------------------------------------------------- scoring

def _ratio(a: float, b: float) -> float | None:
    return a / b if b else None


def _f1(p: float | None, r: float | None) -> float | None:
    if p is None or r is None:
        return None
    return 2 * p * r / (p + r) if p + r else 0.0


def group_of(pair: dict[str, Any]) -> str:
    if pair.get("via"):
        return "chain indirect"
    return f"{pair['type']} (chain)" if pair.get("chain") else pair["type"]


def _score_meaning(p: dict[str, Any], rel: dict[str, Any], meaning: Counter) -> None:
    """Count the relation's meaning changes against those the generator made (rightly directed pairs)."""
    kinds = Counter(c["kind"] for c in rel.get("changes", []))
    made = p["meaning"]
    gone = {w.lower() for w in made["hedges_dropped"]}
    dropped = [c for c in rel.get("changes", []) if c["kind"] == "hedge"
               and gone & set(re.findall(r"[a-z]+", c["original_text"].lower()))
               and not gone & set(re.findall(r"[a-z]+", c["derived_text"].lower()))]
    if made["hedges_dropped"]:
        meaning["hedge_pairs"] += 1
        meaning["hedge_found"] += bool(dropped)
    if made["numbers_changed"]:
        meaning["number_pairs"] += 1
        meaning["number_found"] += bool(kinds["number"])
    elif p["type"] in ("duplicate", "near_duplicate"):
        # light edits only (spelling, synonyms, punctuation): any meaning change shown is a false one
        meaning["light_pairs"] += 1
        meaning["light_with_meaning_change"] += any(kinds[k] for k in MEANING_KINDS)


MEANING_KINDS = ("number", "negation", "hedge", "quote", "name", "attribution")


def score(truth: dict[str, Any], report: dict[str, Any]) -> dict[str, Any]:
    texts = {a["id"]: a.get("text") or "" for a in report.get("articles", [])}
    bodies = truth.get("bodies", {})
    by_pair: dict[frozenset[str], list[dict[str, Any]]] = defaultdict(list)
    for rel in report.get("relations", []):
        if rel.get("original") and rel.get("derived") and rel["original"] != rel["derived"]:
            by_pair[frozenset((rel["original"], rel["derived"]))].append(rel)
    rep = {k: max(v, key=lambda r: float(r.get("share") or 0.0)) for k, v in by_pair.items()}

    pairs = truth["pairs"]
    positive = {frozenset((p["original"], p["derived"])) for p in pairs}
    tolerated = {frozenset((t["a"], t["b"])) for t in truth.get("tolerated", [])}
    neg_kind = {frozenset((n["a"], n["b"])): n["kind"] for n in truth.get("negatives", [])}

    predicted = set(by_pair)
    tp = len(predicted & positive)
    fp_pairs = predicted - positive - tolerated
    fp_by = Counter(neg_kind.get(k, "other") for k in fp_pairs)
    precision = _ratio(tp, tp + len(fp_pairs))
    recall = _ratio(tp, len(positive))

    neg_total = Counter(neg_kind.values())
    neg_hit = Counter(kind for k, kind in neg_kind.items() if k in predicted)
    fp_rate = {kind: {"pairs": neg_total[kind], "with_relation": neg_hit[kind],
                      "rate": _ratio(neg_hit[kind], neg_total[kind])} for kind in sorted(neg_total)}

    # per found pair
    groups: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    direction = defaultdict(lambda: [0, 0])  # date -> [right, found]
    types = Counter()
    type_right = type_n = 0
    share_err: list[float] = []
    share_err_by: dict[str, list[float]] = defaultdict(list)
    via = [0, 0]
    meaning: Counter = Counter()
    chars = Counter()  # tp / pred / truth
    unmapped = [0, 0]
    span_total = 0
    for p in pairs:
        key = frozenset((p["original"], p["derived"]))
        g = groups[group_of(p)]
        g[1] += 1
        rel = rep.get(key)
        if rel is None:
            continue
        g[0] += 1
        right = rel["original"] == p["original"]
        if right and "meaning" in p:
            _score_meaning(p, rel, meaning)
        for d in ("all", p.get("date", "ok"), *(("original undated",) if p.get("original_date") == "missing" else ())):
            direction[d][0] += right
            direction[d][1] += 1
        if p.get("via"):
            via[1] += 1
            via[0] += any(r.get("via") == p["via"] for r in by_pair[key])
        else:
            type_n += 1
            type_right += rel.get("type") == p["type"]
            types[(p["type"], rel.get("type") or "none")] += 1
        if rel.get("share") is not None:
            err = abs(float(rel["share"]) - float(p["share"]))
            share_err.append(err)
            share_err_by[group_of(p)].append(err)
        # passages on the truth's derived article
        text = texts.get(p["derived"])
        span_total += len(p["spans"])
        if text is None:
            unmapped[0] += len(p["spans"])
            unmapped[1] += sum(e - s for s, e in p["spans"])
            continue
        mapped, missing = map_spans(bodies.get(p["derived"], ""), p["spans"], text)
        unmapped[0] += len(missing)
        unmapped[1] += sum(e - s for s, e in missing)
        side = "derived" if rel["derived"] == p["derived"] else "original"
        pred = _chars([ps[side] for ps in rel.get("passages", []) if ps.get(side)], text)
        gold = _chars(mapped, text)
        chars["tp"] += len(pred & gold)
        chars["pred"] += len(pred)
        chars["truth"] += len(gold)

    # every chain the report claims (a relation with ``via``): right when the truth's pair has that
    # middle article; a claim on a pair the truth holds as a direct copy is a false chain
    truth_via = {frozenset((p["original"], p["derived"])): p.get("via") for p in pairs}
    claims = Counter()
    for key, rels in by_pair.items():
        for r in rels:
            if r.get("via"):
                claims["all"] += 1
                if key not in truth_via:
                    claims["not_truth_pair"] += 1
                elif truth_via[key] == r["via"]:
                    claims["right"] += 1
                elif truth_via[key] is None:
                    claims["direct"] += 1
                else:
                    claims["other_middle"] += 1

    cp, cr = _ratio(chars["tp"], chars["pred"]), _ratio(chars["tp"], chars["truth"])
    return {
        "counts": {"articles_truth": len(truth.get("articles", [])), "articles_report": len(texts),
                   "relations": len(report.get("relations", [])), "predicted_pairs": len(predicted),
                   "truth_pairs": len(positive), "negatives": len(neg_kind), "tolerated": len(tolerated),
                   "pairs_with_several_relations": sum(len(v) > 1 for v in by_pair.values())},
        "detection": {"tp": tp, "fp": len(fp_pairs), "fn": len(positive) - tp, "precision": precision,
                      "recall": recall, "f1": _f1(precision, recall) if tp or precision is not None else 0.0,
                      "predicted_tolerated": len(predicted & tolerated), "fp_by": dict(fp_by)},
        "negatives": fp_rate,
        "recall_by_type": {k: {"found": v[0], "pairs": v[1], "recall": _ratio(v[0], v[1])}
                           for k, v in sorted(groups.items())},
        "direction": {k: {"right": v[0], "found": v[1], "accuracy": _ratio(v[0], v[1])}
                      for k, v in sorted(direction.items())},
        "via": {"right": via[0], "found": via[1], "accuracy": _ratio(via[0], via[1]),
                "claims": claims["all"], "claims_right": claims["right"], "claims_on_direct": claims["direct"],
                "claims_other_middle": claims["other_middle"], "claims_not_truth_pair": claims["not_truth_pair"],
                "claim_precision": _ratio(claims["right"], claims["all"])},
        "type": {"right": type_right, "found": type_n, "accuracy": _ratio(type_right, type_n),
                 "confusion": [{"truth": t, "predicted": pr, "n": n} for (t, pr), n in sorted(types.items())]},
        "share": {"mae": _ratio(sum(share_err), len(share_err)), "n": len(share_err),
                  "mae_by_type": {k: sum(v) / len(v) for k, v in sorted(share_err_by.items())}},
        "meaning": {"hedge_drop_recall": _ratio(meaning["hedge_found"], meaning["hedge_pairs"]),
                    "number_change_recall": _ratio(meaning["number_found"], meaning["number_pairs"]),
                    "false_meaning_change_rate": _ratio(meaning["light_with_meaning_change"], meaning["light_pairs"]),
                    **dict(meaning)},
        "passages": {"precision": cp, "recall": cr, "f1": _f1(cp, cr) if chars["tp"] else 0.0,
                     "chars_tp": chars["tp"], "chars_pred": chars["pred"], "chars_truth": chars["truth"],
                     "spans": span_total, "unmapped_spans": unmapped[0], "unmapped_chars": unmapped[1]},
    }


# ----------------------------------------------------------------------------- output

def _f(x: float | None) -> str:
    return "  n/a" if x is None else f"{x:5.3f}"


def render(res: dict[str, Any]) -> str:
    c, d, pa = res["counts"], res["detection"], res["passages"]
    out = ["# copydesk reuse evaluation", "",
           f"truth: {c['articles_truth']} articles, {c['truth_pairs']} pairs, {c['negatives']} negatives, "
           f"{c['tolerated']} tolerated; report: {c['articles_report']} articles, {c['relations']} relations "
           f"({c['predicted_pairs']} pairs, {c['pairs_with_several_relations']} with several relations)", "",
           "| metric | value | detail |", "|---|---|---|",
           f"| pair precision | {_f(d['precision'])} | tp {d['tp']}, fp {d['fp']} "
           f"({', '.join(f'{k} {v}' for k, v in sorted(d['fp_by'].items())) or 'none'}); "
           f"tolerated predicted {d['predicted_tolerated']} |",
           f"| pair recall | {_f(d['recall'])} | fn {d['fn']} |",
           f"| pair F1 | {_f(d['f1'])} | |"]
    for kind, v in res["negatives"].items():
        out.append(f"| FP rate: {kind} | {_f(v['rate'])} | {v['with_relation']}/{v['pairs']} negative pairs related |")
    for k, v in res["direction"].items():
        out.append(f"| direction ({k}) | {_f(v['accuracy'])} | {v['right']}/{v['found']} |")
    out.append(f"| chain via right | {_f(res['via']['accuracy'])} | {res['via']['right']}/{res['via']['found']} "
               "indirect pairs found |")
    v = res["via"]
    out.append(f"| chain claims right | {_f(v['claim_precision'])} | {v['claims_right']}/{v['claims']} relations with "
               f"`via` (on direct copies {v['claims_on_direct']}, another middle {v['claims_other_middle']}, "
               f"pairs not in the truth {v['claims_not_truth_pair']}) |")
    t = res["type"]
    out.append(f"| type accuracy | {_f(t['accuracy'])} | {t['right']}/{t['found']} (chain indirect excluded) |")
    out.append(f"| share MAE | {_f(res['share']['mae'])} | n {res['share']['n']} |")
    out.append(f"| passage char precision | {_f(pa['precision'])} | {pa['chars_tp']}/{pa['chars_pred']} chars |")
    out.append(f"| passage char recall | {_f(pa['recall'])} | {pa['chars_tp']}/{pa['chars_truth']} chars |")
    out.append(f"| passage char F1 | {_f(pa['f1'])} | unmappable truth spans {pa['unmapped_spans']}/{pa['spans']} "
               f"({pa['unmapped_chars']} chars) |")
    mc = res["meaning"]
    if mc.get("hedge_pairs") or mc.get("number_pairs") or mc.get("light_pairs"):
        out.append(f"| meaning: dropped hedge flagged | {_f(mc['hedge_drop_recall'])} | "
                   f"{mc.get('hedge_found', 0)}/{mc.get('hedge_pairs', 0)} rewrites that dropped hedges |")
        out.append(f"| meaning: changed number flagged | {_f(mc['number_change_recall'])} | "
                   f"{mc.get('number_found', 0)}/{mc.get('number_pairs', 0)} rewrites that changed numbers |")
        out.append(f"| meaning: false change on light edits | {_f(mc['false_meaning_change_rate'])} | "
                   f"{mc.get('light_with_meaning_change', 0)}/{mc.get('light_pairs', 0)} duplicates and "
                   "near-duplicates shown with a meaning change |")
    out += ["", "| truth type | found/pairs | recall | share MAE |", "|---|---|---|---|"]
    mae_by = res["share"]["mae_by_type"]
    for k, v in res["recall_by_type"].items():
        out.append(f"| {k} | {v['found']}/{v['pairs']} | {_f(v['recall'])} | {_f(mae_by.get(k))} |")
    if t["confusion"]:
        out += ["", "| truth type | predicted type | n |", "|---|---|---|"]
        out += [f"| {row['truth']} | {row['predicted']} | {row['n']} |" for row in t["confusion"]]
    return "\n".join(out)


def renamed(report: dict, ids: dict[str, str]) -> dict:
    """``report`` with its article ids replaced by ``ids`` (articles, and relations' ends and middles)."""
    def to(x):
        return ids.get(x, x) if isinstance(x, str) else x
    articles = [{**a, "id": to(a["id"])} for a in report.get("articles", [])]
    relations = [{**r, "original": to(r["original"]), "derived": to(r["derived"]), "via": to(r.get("via"))}
                 for r in report.get("relations", [])]
    return {**report, "articles": articles, "relations": relations}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--truth", type=Path, required=True)
    ap.add_argument("--report", type=Path, required=True)
    ap.add_argument("--json", type=Path, default=None, help="also write the metrics here as JSON")
    ap.add_argument("--ids", type=Path, default=None,
                    help="JSON {report id: truth id}, where the input gave the articles other ids (a WARC's records)")
    args = ap.parse_args(argv)
    truth = json.loads(args.truth.read_text(encoding="utf-8"))
    report = json.loads(args.report.read_text(encoding="utf-8"))
    if args.ids:
        report = renamed(report, json.loads(args.ids.read_text(encoding="utf-8")))
    res = score(truth, report)
    print(render(res))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(res, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
