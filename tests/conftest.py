"""Shared fixtures: the repository, ../shared data, and analysed corpora."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import copydesk

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "examples" / "demo"


def shared_dir() -> Path:
    return Path(os.environ.get("COPYDESK_SHARED", REPO.parent / "shared"))


@pytest.fixture(scope="session")
def shared() -> Path:
    path = shared_dir()
    if not (path / "seeds").is_dir():
        pytest.skip(f"shared data not found at {path} (set COPYDESK_SHARED)")
    return path


@pytest.fixture(scope="session")
def seeds_report(shared: Path, tmp_path_factory: pytest.TempPathFactory) -> copydesk.Report:
    db = tmp_path_factory.mktemp("seeds") / "seeds.db"
    return copydesk.analyze([shared / "seeds"], db=db)


@pytest.fixture(scope="session")
def demo_report(tmp_path_factory: pytest.TempPathFactory) -> copydesk.Report:
    db = tmp_path_factory.mktemp("demo") / "demo.db"
    return copydesk.analyze([DEMO], db=db)


def _by_id(report: copydesk.Report) -> dict[str, copydesk.Article]:
    return {a.id: a for a in report.articles}


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database of the analysed demo corpus (for read-only use: copy it before writing)."""
    db = tmp_path_factory.mktemp("demo-db") / "demo.db"
    copydesk.analyze([DEMO], db=db)
    return db
