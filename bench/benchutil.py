"""Helpers the benchmark scripts share."""

from __future__ import annotations

import subprocess
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def revision() -> str:
    """The repository's commit, with ``+dirty`` when ``src/`` has uncommitted changes (read-only git calls)."""
    try:
        head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(REPO), "diff", "--quiet", "HEAD", "--", "src"]).returncode != 0
        return head + ("+dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def fresh_paths(workdir: Path, corpus: str, db: str) -> tuple[Path, Path]:
    """``workdir`` made, and the paths of a corpus file and an SQLite database in it, the
    database (and its WAL files) removed so that the run starts from scratch."""
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / db
    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        p.unlink(missing_ok=True)
    return workdir / corpus, path


def bcubed(labels: list, pred: list) -> tuple[float, float, float]:
    """B-cubed F1, precision and recall of the clustering ``pred`` against the classes ``labels``
    (one entry per item, in the same order)."""
    lc, pc, both = Counter(labels), Counter(pred), Counter(zip(labels, pred))
    p = sum(both[(l, c)] / pc[c] for l, c in zip(labels, pred)) / len(labels)
    r = sum(both[(l, c)] / lc[l] for l, c in zip(labels, pred)) / len(labels)
    return 2 * p * r / (p + r), p, r
