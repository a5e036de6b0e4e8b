"""The Python API: the one place the pipeline is assembled. The CLI, the HTTP API
and the web UI call these functions and nothing below them."""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, TextIO

from .config import Settings, load_settings
from .engines import LocalEngine
from .extract.step import ExtractStep
from .fingerprint.step import FingerprintStep
from .ingest.step import ReadStep
from .model import ErrorRecord, RunStats
from .pipeline import Context, Pipeline, Progress, _no_progress
from .relate.engine import ReuseEngine, relations_from_pairs
from .report import Report
from .segment.step import SegmentStep
from .store import SQLiteStore, open_store
from .store.step import WriteStep
from .stories import group_stories


@dataclass(frozen=True, slots=True)
class IngestResult:
    added: int
    updated: int
    unchanged: int
    errors: int
    skipped_files: tuple[str, ...]


@contextmanager
def _stage(stats: RunStats, name: str) -> Iterator[None]:
    t0 = time.perf_counter()
    try:
        yield
    finally:
        stats.add_time(name, time.perf_counter() - t0)


def ingest(
    paths: list[str | Path], store: SQLiteStore, *, settings: Settings | None = None, stdin: TextIO | None = None,
    workers: int = 1, progress: Progress = _no_progress, stats: RunStats | None = None,
) -> IngestResult:
    """Read, extract, segment, fingerprint and store every record of ``paths`` (idempotent)."""
    settings = settings or load_settings()
    stats = stats if stats is not None else RunStats()
    run_id = store.start_run("ingest", [str(p) for p in paths])
    ctx = Context(settings=settings, store=store, stats=stats, progress=progress, run_id=run_id)
    reader = ReadStep(list(paths), stdin=stdin)
    pipeline = Pipeline([reader, ExtractStep(), SegmentStep(settings.extract.min_body_chars),
                         FingerprintStep(settings.reuse), WriteStep()])
    engine = LocalEngine(workers=workers)
    errors = 0
    for item in pipeline.run([], ctx, engine=engine):
        if isinstance(item, ErrorRecord):
            errors += 1
    counts = stats.counts
    stats.counts["ingest_errors"] = errors
    store.finish_run(run_id, stats.to_dict())
    return IngestResult(
        added=counts.get("articles_added", 0), updated=counts.get("articles_updated", 0),
        unchanged=counts.get("unchanged", 0), errors=errors, skipped_files=tuple(reader.skipped_files),
    )


def relate(store: SQLiteStore, stats: RunStats | None = None, *, settings: Settings | None = None,
           progress: Progress = _no_progress, embedder: object | None = None) -> None:
    """Find reuse between articles (only pairs involving new or changed articles are
    computed), then recompute relations and stories over everything in the store."""
    settings = settings or load_settings()
    stats = stats if stats is not None else RunStats()
    engine = ReuseEngine(settings.reuse, stats=stats, progress=progress, embedder=embedder)
    new = engine.fingerprint(store)
    pairs = engine.candidates(store, new)
    aligned = engine.align(store, pairs)
    engine.relate(store, aligned)
    store.settle_fingerprints(new)  # their pairs are stored: a later run finds only pairs with newer articles
    with _stage(stats, "relate"):
        relations = relations_from_pairs(store.related_pairs())
        store.replace_relations(relations)
    meta = store.article_meta()
    ids = [m[0] for m in meta]
    published = {m[0]: m[3] for m in meta}
    titles = {m[0]: m[2] for m in meta}
    sources = {m[0]: m[1] for m in meta}
    with _stage(stats, "stories"):
        stories = group_stories(ids, relations, titles=titles, published=published, sources=sources)
        store.replace_stories(stories)
    stats.counts["relations"] = len(relations)
    stats.counts["stories"] = len(stories)


def find_candidates(store: SQLiteStore, *, settings: Settings | None = None,
                    stats: RunStats | None = None) -> list[tuple[str, str, str]]:
    """Fingerprint what is new in ``store`` and return the candidate pairs (a, b, why) that
    involve it, without aligning them: the cheap first half of ``relate``, for
    benchmarks and for tools that want candidates only."""
    settings = settings or load_settings()
    engine = ReuseEngine(settings.reuse, stats=stats if stats is not None else RunStats())
    return engine.candidates(store, engine.fingerprint(store))


def build_report(store: SQLiteStore, stats: RunStats | None = None) -> Report:
    """The report of everything in ``store``."""
    stats = stats if stats is not None else RunStats()
    with _stage(stats, "report"):
        articles = tuple(store.articles())
        report = Report(articles=articles, relations=tuple(store.relations()), stories=tuple(store.stories()),
                        errors=tuple(store.errors()), stats=stats)
    stats.counts["articles"] = len(articles)
    return report


def analyze(
    paths: list[str | Path], *, db: str | Path = "copydesk.db", settings: Settings | None = None,
    stdin: TextIO | None = None, workers: int = 1, progress: Progress = _no_progress,
    out: str | Path | None = None, load_articles: bool = True,
) -> Report:
    """Ingest ``paths`` into the store at ``db`` and run the whole pipeline; returns the report.

    ``out``: also write the JSON report there (streamed from the store). With
    ``load_articles=False`` the returned report leaves ``articles`` empty (only their count
    is set), which keeps memory flat on large corpora."""
    from .report import write_streaming

    stats = RunStats()
    with open_store(db) as store:
        settings = settings or load_settings()
        ingest(paths, store, settings=settings, stdin=stdin, workers=workers, progress=progress, stats=stats)
        relate(store, stats, settings=settings, progress=progress)
        if load_articles:
            report = build_report(store, stats)
        else:
            with _stage(stats, "report"):
                count = store.count_articles()
                report = Report(articles=(), relations=tuple(store.relations()), stories=tuple(store.stories()),
                                errors=tuple(store.errors()), stats=stats, article_count=count)
            stats.counts["articles"] = count
        if out is not None:
            with _stage(stats, "report"):
                write_streaming(store, out, stats)
        return report
