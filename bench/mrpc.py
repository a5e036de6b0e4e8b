"""copydesk's sentence matcher on the Microsoft Research Paraphrase Corpus (MRPC).

What it measures
    Each MRPC pair (two news sentences, label 1 = paraphrase) goes through the
    engine's own per-pair decision: both sentences are profiled with copydesk's
    tokenizer (``copydesk.fingerprint.tokens`` / ``content_tokens``) into
    ``SentenceProfile``s, ``copydesk.align.sentences.lexical_matches`` scores
    them (``verbatim``: same tokens; ``edited``: content-word Dice >=
    CANDIDATE_DICE and rapidfuzz ratio of the token strings >= EDITED_MIN;
    otherwise a paraphrase *candidate* when Dice >= CANDIDATE_DICE; sentences
    under MIN_TOKENS tokens only match verbatim), and
    ``copydesk.align.sentences.finish`` decides the candidates: ``paraphrase``
    when Dice >= LEXICAL_PARAPHRASE, or when the embedding cosine (the engine's
    model, ``copydesk.align.embed.shared_embedder()``) >= the threshold. As in
    the engine, the model is asked only about candidates with Dice below
    LEXICAL_PARAPHRASE. A pair is predicted "paraphrase" when the matcher returns
    any match (verbatim, edited or paraphrase).

    One difference from a full article comparison: the engine first checks,
    per article pair, whether asking the model could change the article-level
    decision (``open_candidates``); a pair of one-sentence "articles" would never
    pass that gate, so here the model is asked for every uncertain candidate,
    i.e. the sentence-level decision is measured as if the gate had passed.

    Reported on the evaluated split (default: test):
    * accuracy / precision / recall / F1 of the matcher at the default threshold
      (``reuse.paraphrase_threshold``) and of the lexical rules alone (no model);
    * a threshold sweep 0.60..0.90 (step 0.05) of accuracy and F1; the
      best-accuracy threshold is chosen on the TRAIN file and reported on the
      evaluated split (no tuning on test);
    * how pairs are decided: lexically (verbatim, edited, Dice >= 0.60, Dice <
      0.30 or too short) or by the model (0.30 <= Dice < 0.60, not edited);
    * references: the majority-class baseline (always "paraphrase") and an
      embedding-only classifier (cosine >= t alone; at the default threshold, and
      with t chosen on TRAIN).

    Each unique sentence of a split is embedded once, in batches; vectors are
    cached in ``bench/out/mrpc-vectors-<split>.npy`` with a sidecar ``.json``
    holding a SHA-256 of the sentence list and the model name, so reruns skip
    the model.

Usage
    python bench/mrpc.py [--data DIR] [--split test|train] [--json OUT]

    DIR holds msr_paraphrase_test.txt and msr_paraphrase_train.txt
    (default /work/shared/data/mrpc). JSON goes to bench/out/mrpc.json unless
    --json says otherwise.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import xxhash

from copydesk.align.sentences import (CANDIDATE_DICE, EDITED_MIN, LEXICAL_PARAPHRASE, MIN_TOKENS, Draft,
                                      finish, lexical_matches)
from copydesk.config import ReuseSettings
from copydesk.fingerprint import SentenceProfile
from copydesk.fingerprint.tokens import content_tokens, tokens

HERE = Path(__file__).resolve().parent
OUT_DIR = HERE / "out"
DEFAULT_DATA = Path("/work/shared/data/mrpc")
DEFAULT_THRESHOLD = ReuseSettings().paraphrase_threshold
SWEEP = [round(0.60 + 0.05 * i, 2) for i in range(7)]  # 0.60 .. 0.90
FILES = {"test": "msr_paraphrase_test.txt", "train": "msr_paraphrase_train.txt"}


# ----------------------------------------------------------------------------- data

@dataclass(frozen=True, slots=True)
class Pair:
    label: int
    id1: str
    id2: str
    s1: str
    s2: str


def load_pairs(path: Path) -> list[Pair]:
    """MRPC's TSV: header row, then Quality, #1 ID, #2 ID, #1 String, #2 String.
    The strings contain unbalanced quote characters, so no CSV quoting."""
    out = []
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader)
        if not header or header[0].strip() != "Quality":
            raise SystemExit(f"{path}: unexpected header {header!r}")
        for n, row in enumerate(reader, start=2):
            if not row or all(not c.strip() for c in row):
                continue
            if len(row) != 5:
                raise SystemExit(f"{path}:{n}: expected 5 columns, got {len(row)}")
            out.append(Pair(int(row[0]), row[1], row[2], row[3].strip(), row[4].strip()))
    return out


# ----------------------------------------------------------------------------- the matcher

def sentence_profile(text: str) -> SentenceProfile:
    """A one-sentence article's profile, built as ``copydesk.fingerprint.profile`` builds it."""
    toks = tokens(text)
    return SentenceProfile(
        index=0, start=0, end=len(text), tokens=tuple(toks), content=frozenset(content_tokens(toks)),
        hash=xxhash.xxh64_intdigest(" ".join(toks).encode("utf-8", "surrogatepass")),
        quote_share=0.0, paragraph=0,
    )


def dice(a: SentenceProfile, b: SentenceProfile) -> float:
    if not a.content or not b.content:
        return 0.0
    return 2 * len(a.content & b.content) / (len(a.content) + len(b.content))


@dataclass(slots=True)
class Lexical:
    """The lexical stage's verdict on one pair."""

    draft: Draft
    route: str      # verbatim | edited | lexical-paraphrase | model | short | no-candidate
    dice: float

    @property
    def needs_model(self) -> bool:
        return self.route == "model"


def lexical(pa: SentenceProfile, pb: SentenceProfile) -> Lexical:
    draft = lexical_matches([pa], [pb])
    d = dice(pa, pb)
    if draft.matches:
        route = draft.matches[0].kind
    elif draft.pending:
        route = "lexical-paraphrase" if draft.pending[0][2] >= LEXICAL_PARAPHRASE else "model"
    elif len(pa.tokens) < MIN_TOKENS or len(pb.tokens) < MIN_TOKENS:
        route = "short"
    else:
        route = "no-candidate"
    return Lexical(draft, route, d)


def matcher_says(lex: Lexical, cos: float | None, threshold: float) -> str | None:
    """The engine's decision for the pair: the kind of the match, or None. The model is
    consulted (``cos``) only for the candidates the engine would ask it about."""
    similarity: dict[tuple[int, int], float] | None
    if cos is None:
        similarity = None  # no model: lexical rules only
    else:
        similarity = {(a, b): cos for a, b, d in lex.draft.pending if d < LEXICAL_PARAPHRASE}
    matches = finish(lex.draft, similarity, threshold)
    return matches[0].kind if matches else None


# ----------------------------------------------------------------------------- embeddings

def embed_unique(sentences: list[str], split: str) -> np.ndarray:
    """Unit vectors for ``sentences`` (unique), from the cache when the list matches."""
    from copydesk.align.embed import shared_embedder

    embedder = shared_embedder()
    key = hashlib.sha256("\n".join(sentences).encode("utf-8")).hexdigest()
    vec_path = OUT_DIR / f"mrpc-vectors-{split}.npy"
    meta_path = OUT_DIR / f"mrpc-vectors-{split}.json"
    if vec_path.exists() and meta_path.exists():
        try:
            meta = json.loads(meta_path.read_text())
            if meta.get("sha256") == key and meta.get("model") == embedder.name:
                vecs = np.load(vec_path)
                if vecs.shape[0] == len(sentences):
                    print(f"[{split}] {len(sentences)} sentence vectors from cache {vec_path}", file=sys.stderr)
                    return vecs
        except (OSError, ValueError):
            pass
    t0 = time.perf_counter()
    chunk = 512
    parts = []
    for i in range(0, len(sentences), chunk):
        parts.append(embedder.encode(sentences[i:i + chunk]))
        done = min(i + chunk, len(sentences))
        el = time.perf_counter() - t0
        print(f"[{split}] embedded {done}/{len(sentences)} sentences  {el:.0f}s  ({done / el:.0f}/s)",
              file=sys.stderr, flush=True)
    vecs = np.vstack(parts).astype(np.float32)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    np.save(vec_path, vecs)
    meta_path.write_text(json.dumps({"sha256": key, "model": embedder.name, "n": len(sentences),
                                     "device": embedder.device, "seconds": round(time.perf_counter() - t0, 1)}))
    return vecs


# ----------------------------------------------------------------------------- scoring

def scores(y: np.ndarray, pred: np.ndarray) -> dict[str, float | int]:
    tp = int(np.sum(pred & (y == 1)))
    fp = int(np.sum(pred & (y == 0)))
    fn = int(np.sum(~pred & (y == 1)))
    tn = int(np.sum(~pred & (y == 0)))
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"accuracy": (tp + tn) / len(y), "precision": p, "recall": r, "f1": f1,
            "tp": tp, "fp": fp, "fn": fn, "tn": tn}


@dataclass(slots=True)
class Split:
    name: str
    pairs: list[Pair]
    y: np.ndarray
    lex: list[Lexical]
    cos: np.ndarray

    def matcher(self, threshold: float, *, model: bool = True) -> np.ndarray:
        return np.array([matcher_says(l, float(c) if model else None, threshold) is not None
                         for l, c in zip(self.lex, self.cos)])

    def embedding_only(self, threshold: float) -> np.ndarray:
        return self.cos >= threshold


def prepare(data: Path, split: str) -> Split:
    path = data / FILES[split]
    pairs = load_pairs(path)
    t0 = time.perf_counter()
    lex = [lexical(sentence_profile(p.s1), sentence_profile(p.s2)) for p in pairs]
    print(f"[{split}] {len(pairs)} pairs from {path}; lexical stage {time.perf_counter() - t0:.1f}s",
          file=sys.stderr)
    unique = list(dict.fromkeys(s for p in pairs for s in (p.s1, p.s2)))
    row = {s: i for i, s in enumerate(unique)}
    vecs = embed_unique(unique, split)
    cos = np.array([float(np.dot(vecs[row[p.s1]], vecs[row[p.s2]])) for p in pairs])
    y = np.array([p.label for p in pairs])
    return Split(split, pairs, y, lex, cos)


def sweep(s: Split) -> list[dict]:
    rows = []
    for t in SWEEP:
        m = scores(s.y, s.matcher(t))
        e = scores(s.y, s.embedding_only(t))
        rows.append({"threshold": t, "matcher": m, "embedding_only": e})
    return rows


def best(rows: list[dict], which: str) -> float:
    # best accuracy; ties go to the threshold nearest the default
    return max(rows, key=lambda r: (r[which]["accuracy"], -abs(r["threshold"] - DEFAULT_THRESHOLD)))["threshold"]


# ----------------------------------------------------------------------------- main

def pct(x: float) -> str:
    return f"{100 * x:.1f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder with the MRPC .txt files")
    ap.add_argument("--split", choices=["test", "train"], default="test", help="split to report on")
    ap.add_argument("--json", type=Path, default=OUT_DIR / "mrpc.json", help="where to write the JSON results")
    args = ap.parse_args(argv)

    t_start = time.perf_counter()
    ev = prepare(args.data, args.split)
    tune = ev if args.split == "train" else prepare(args.data, "train")
    tuned_on_eval = tune is ev

    ev_sweep = sweep(ev)
    tune_sweep = ev_sweep if tuned_on_eval else sweep(tune)
    t_matcher = best(tune_sweep, "matcher")
    t_embed = best(tune_sweep, "embedding_only")

    default = scores(ev.y, ev.matcher(DEFAULT_THRESHOLD))
    no_model = scores(ev.y, ev.matcher(DEFAULT_THRESHOLD, model=False))
    tuned = scores(ev.y, ev.matcher(t_matcher))
    emb_default = scores(ev.y, ev.embedding_only(DEFAULT_THRESHOLD))
    emb_tuned = scores(ev.y, ev.embedding_only(t_embed))
    pos = float(ev.y.mean())
    majority = {"accuracy": max(pos, 1 - pos), "predicts": "paraphrase" if pos >= 0.5 else "not paraphrase",
                **({"precision": pos, "recall": 1.0, "f1": 2 * pos / (pos + 1)} if pos >= 0.5 else {})}

    routes = Counter(l.route for l in ev.lex)
    n = len(ev.lex)
    route_rows = {}
    for r in ["verbatim", "edited", "lexical-paraphrase", "model", "no-candidate", "short"]:
        idx = [i for i, l in enumerate(ev.lex) if l.route == r]
        route_rows[r] = {"pairs": len(idx), "share": len(idx) / n,
                         "positive_share": float(ev.y[idx].mean()) if idx else None}
    lexically = n - routes["model"]
    model_idx = np.array([l.needs_model for l in ev.lex])
    model_sub = scores(ev.y[model_idx], ev.matcher(DEFAULT_THRESHOLD)[model_idx]) if model_idx.any() else None

    result = {
        "split": args.split, "pairs": n, "positive_share": pos,
        "data": str(args.data / FILES[args.split]),
        "constants": {"EDITED_MIN": EDITED_MIN, "CANDIDATE_DICE": CANDIDATE_DICE,
                      "LEXICAL_PARAPHRASE": LEXICAL_PARAPHRASE, "MIN_TOKENS": MIN_TOKENS,
                      "default_threshold": DEFAULT_THRESHOLD},
        "unique_sentences": len({s for p in ev.pairs for s in (p.s1, p.s2)}),
        "matcher_default": default,
        "matcher_lexical_only": no_model,
        "matcher_tuned": {"threshold": t_matcher, "chosen_on": tune.name, **tuned},
        "embedding_only_default": {"threshold": DEFAULT_THRESHOLD, **emb_default},
        "embedding_only_tuned": {"threshold": t_embed, "chosen_on": tune.name, **emb_tuned},
        "majority_baseline": majority,
        "routes": route_rows,
        "decided_lexically": {"pairs": lexically, "share": lexically / n},
        "needs_model": {"pairs": routes["model"], "share": routes["model"] / n,
                        "matcher_default_on_these": model_sub},
        "sweep": ev_sweep,
        "tune_sweep": None if tuned_on_eval else tune_sweep,
        "seconds": round(time.perf_counter() - t_start, 1),
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2))

    # ---- markdown
    print(f"\n## copydesk sentence matcher on MRPC {args.split} ({n} pairs, {pct(pos)}% paraphrase)\n")
    if tuned_on_eval:
        print("_Note: thresholds were chosen on the same split they are reported on (train)._\n")
    print("| classifier | threshold | accuracy | precision | recall | F1 |")
    print("|---|---|---|---|---|---|")

    def line(name: str, t: str, m: dict) -> None:
        print(f"| {name} | {t} | {pct(m['accuracy'])} | {pct(m['precision'])} | {pct(m['recall'])} | {pct(m['f1'])} |")

    line("matcher (default)", f"{DEFAULT_THRESHOLD:.2f}", default)
    line(f"matcher (threshold chosen on {tune.name})", f"{t_matcher:.2f}", tuned)
    line("matcher, lexical rules only (no model)", "–", no_model)
    line("embedding only (cosine ≥ t)", f"{DEFAULT_THRESHOLD:.2f}", emb_default)
    line(f"embedding only (t chosen on {tune.name})", f"{t_embed:.2f}", emb_tuned)
    print(f"| majority class (always paraphrase) | – | {pct(majority['accuracy'])} | "
          f"{pct(majority.get('precision', 0))} | {pct(majority.get('recall', 0))} | {pct(majority.get('f1', 0))} |")

    print(f"\n### Threshold sweep ({args.split}; best accuracy on {tune.name}: matcher {t_matcher:.2f}, "
          f"embedding only {t_embed:.2f})\n")
    print("| threshold | matcher acc | matcher F1 | embedding-only acc | embedding-only F1 |"
          + ("" if tuned_on_eval else f" matcher acc ({tune.name}) | emb-only acc ({tune.name}) |"))
    print("|---|---|---|---|---|" + ("" if tuned_on_eval else "---|---|"))
    for r, tr in zip(ev_sweep, tune_sweep):
        extra = "" if tuned_on_eval else f" {pct(tr['matcher']['accuracy'])} | {pct(tr['embedding_only']['accuracy'])} |"
        print(f"| {r['threshold']:.2f} | {pct(r['matcher']['accuracy'])} | {pct(r['matcher']['f1'])} | "
              f"{pct(r['embedding_only']['accuracy'])} | {pct(r['embedding_only']['f1'])} |" + extra)

    print(f"\n### How pairs are decided ({args.split})\n")
    print("| route | pairs | share | of which paraphrase (gold) |")
    print("|---|---|---|---|")
    for r, v in route_rows.items():
        ps = "–" if v["positive_share"] is None else pct(v["positive_share"]) + "%"
        print(f"| {r} | {v['pairs']} | {pct(v['share'])}% | {ps} |")
    print(f"\nDecided lexically: {lexically}/{n} ({pct(lexically / n)}%); needing the model: "
          f"{routes['model']}/{n} ({pct(routes['model'] / n)}%)"
          + (f"; matcher accuracy on those: {pct(model_sub['accuracy'])}%" if model_sub else ""))
    print(f"\nJSON: {args.json}  ({result['seconds']}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
