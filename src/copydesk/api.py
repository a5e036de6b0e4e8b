"""The Python API: the one place the pipeline is assembled. The CLI, the HTTP API
and the web UI call these functions and nothing below them."""

from __future__ import annotations

import os
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator, TextIO

from .config import Settings, load_settings
from .engines import LocalEngine
from .extract.step import ExtractStep
from .fingerprint.step import FingerprintStep
from .ingest.step import ReadStep
from .model import ErrorRecord, RunStats, Story
from .pipeline import Context, Engine, Pipeline, Progress, _no_progress
from .relate.engine import ReuseEngine, stored_relations
from .report import Report
from .segment.step import SegmentStep
from .store import SQLStore, open_store
from .store.step import EncodeStep, WriteStep
from .stories import build_stories


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
    paths: list[str | Path], store: SQLStore, *, settings: Settings | None = None, stdin: TextIO | None = None,
    workers: int = 1, progress: Progress = _no_progress, stats: RunStats | None = None, engine: Engine | None = None,
) -> IngestResult:
    """Read, extract, segment, fingerprint and store every record of ``paths`` (idempotent).

    ``engine`` runs the per-record steps: by default ``LocalEngine(workers)``; a
    ``engines.dask_cluster.DaskEngine`` runs them on a Dask cluster (``dask_engine``)."""
    settings = settings or load_settings()
    stats = stats if stats is not None else RunStats()
    run_id = store.start_run("ingest", [str(p) for p in paths])
    ctx = Context(settings=settings, store=store, stats=stats, progress=progress, run_id=run_id)
    reader = ReadStep(list(paths), stdin=stdin)
    pipeline = Pipeline([reader, ExtractStep(), SegmentStep(settings.extract.min_body_chars),
                         FingerprintStep(settings.reuse, terms=settings.stories.enabled), EncodeStep(store.encode_article),
                         WriteStep()])
    engine = engine if engine is not None else LocalEngine(workers=workers)
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


def _release_memory() -> None:
    """Collect garbage and hand freed heap pages back to the system (glibc's malloc_trim), so
    that the next stage's peak adds to what is live, not to what the last stage left."""
    import gc

    gc.collect()
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc (macOS, musl): nothing to trim
        pass


def relate(store: SQLStore, stats: RunStats | None = None, *, settings: Settings | None = None,
           progress: Progress = _no_progress, embedder: object | None = None, engine: Engine | None = None) -> None:
    """Find reuse between articles (only pairs involving new or changed articles are
    computed), then recompute relations and stories over everything in the store (the
    stories only with ``stories.enabled``). With a distributed ``engine`` (``dask_engine``)
    the candidate pairs are aligned and decided on its cluster."""
    settings = settings or load_settings()
    stats = stats if stats is not None else RunStats()
    reuse = ReuseEngine(settings.reuse, stats=stats, progress=progress, embedder=embedder,
                        remote=getattr(engine, "map_ordered", None))
    new = reuse.fingerprint(store)
    pairs = reuse.candidates(store, new)
    reuse.align_and_relate(store, pairs)
    store.settle_fingerprints(new)  # their pairs are stored: a later run finds only pairs with newer articles
    families = reuse.families  # (what the candidates found of the whole store: the relations apply it too)
    del reuse, pairs, new  # stored: the stories stage below is the run's other big user of memory
    _release_memory()
    with _stage(stats, "relate"):
        relations = stored_relations(store, families)  # (without passages and changes, which the stories do not read)
    stats.counts["relations"] = len(relations)
    if not settings.stories.enabled:  # copies only: the stored stories stay as the last run made them
        stats.counts["stories_skipped"] = 1
        return
    timings: dict[str, float] = {}
    stories, changes = build_stories(store, relations, settings, progress=progress, embedder=embedder,
                                     timings=timings)
    for stage, seconds in timings.items():
        stats.add_time(stage, seconds)
    with _stage(stats, "stories.store"):
        store.replace_stories(stories)
        if changes:
            run_id = store.start_run("relate", [])
            store.add_story_changes(changes, run_id)
            store.finish_run(run_id, {"story_changes": len(changes)})
    stats.counts["stories"] = len(stories)
    stats.counts["story_changes"] = len(changes)


def find_candidates(store: SQLStore, *, settings: Settings | None = None,
                    stats: RunStats | None = None) -> list[tuple[str, str, str]]:
    """Fingerprint what is new in ``store`` and return the candidate pairs (a, b, why) that
    involve it, without aligning them: the cheap first half of ``relate``, for
    benchmarks and for tools that want candidates only."""
    settings = settings or load_settings()
    engine = ReuseEngine(settings.reuse, stats=stats if stats is not None else RunStats())
    return engine.candidates(store, engine.fingerprint(store))


def dask_engine(address: str = "local", *, workers: int = 2):
    """An engine (``engines.dask_cluster.DaskEngine``) that runs extraction, cleaning,
    fingerprinting and the alignment and decision of candidate pairs on a Dask cluster: the
    scheduler at ``address`` (``tcp://host:8786``), or ``local``: ``workers`` processes started
    on this machine. It connects on first use; ``close()`` it (or use it in a ``with``) when
    done. Needs the ``dask`` extra."""
    from .engines.dask_cluster import DaskEngine

    return DaskEngine(address, workers=workers)


def build_report(store: SQLStore, stats: RunStats | None = None) -> Report:
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
    out: str | Path | None = None, load_articles: bool = True, engine: Engine | None = None,
) -> Report:
    """Ingest ``paths`` into the store at ``db`` and run the whole pipeline; returns the report.

    ``out``: also write the JSON report there (streamed from the store). With
    ``load_articles=False`` the returned report leaves ``articles`` empty (only their count
    is set), which keeps memory flat on large corpora. ``engine``: as for ``ingest``."""
    from .report import write_streaming

    stats = RunStats()
    with open_store(db) as store:
        settings = settings or load_settings()
        ingest(paths, store, settings=settings, stdin=stdin, workers=workers, progress=progress, stats=stats,
               engine=engine)
        relate(store, stats, settings=settings, progress=progress, engine=engine)
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


def awaits_enrichment(story: Story, settings: Settings | None = None) -> bool:
    """Whether ``story`` is big enough for entities, facts and a brief but has none yet, or has
    them from an earlier copydesk (``analyze`` makes them for a budget of stories a run;
    ``enrich`` for the rest)."""
    from .stories.enrich import is_enriched

    settings = settings or load_settings()
    return len(story.articles) >= settings.stories.enrich_min_articles and not is_enriched(story)


def enrich(store: SQLStore, *, story_ids: list[str] | None = None, limit: int | None = None,
           settings: Settings | None = None, progress: Progress = _no_progress) -> list[Story]:
    """Make entities, facts and the brief for stories that lack them, and store them.

    ``analyze`` makes them for ``stories.enrich_max_stories`` stories per run (the most
    independent sources first); this makes them for the stories named (``story_ids``),
    or for the next ``limit`` stories in that order. Returns the stories enriched."""
    from .stories.enrich import enrich_stories

    settings = settings or load_settings()
    chosen = [store.story(i) for i in story_ids] if story_ids is not None else store.stories()
    todo = [s for s in chosen if awaits_enrichment(s, settings)]
    if not todo:
        return []
    meta = store.article_meta()
    published = {m[0]: m[3] for m in meta}
    order = {m[0]: i for i, m in enumerate(meta)}
    budget = len(todo) if limit is None else max(0, limit)
    run = settings.with_overrides({"stories": {"enrich_max_stories": budget}})
    enriched = enrich_stories(store, todo, run, published=published, order=order, progress=progress, previous={})
    done = [s for s in enriched if s.entities or s.facts]
    store.update_stories(done)
    return done


@dataclass(frozen=True, slots=True)
class StorySummary:
    """One line of the story list (the CLI's `stories` and the web UI's story list)."""

    id: str
    title: str | None
    articles: int
    independent_sources: int   # originals: articles that derive from no other in the story
    copies: int                # articles that reuse another article of the story
    sources: tuple[str, ...]   # the outlets, in order of their first article
    first_seen: str | None
    last_seen: str | None
    originals: tuple[str, ...]

    def to_dict(self) -> dict:
        return {"id": self.id, "title": self.title, "articles": self.articles,
                "independent_sources": self.independent_sources, "copies": self.copies,
                "sources": list(self.sources), "first_seen": self.first_seen, "last_seen": self.last_seen,
                "originals": list(self.originals)}


SUMMARY_SORTS = ("size", "sources", "recent")


def story_summaries(store: SQLStore, *, sort: str = "size") -> list[StorySummary]:
    """Every story with its counts, read without decoding whole stories: ``sort`` by "size"
    (articles, then independent sources), "sources" (independent sources first) or "recent"
    (latest first-seen first)."""
    from .dates import date_sort_key

    if sort not in SUMMARY_SORTS:
        raise ValueError(f"sort must be one of {', '.join(SUMMARY_SORTS)}")
    members: dict[str, list[tuple[str, str]]] = {}
    for story, _article, source, published in store.story_members():
        members.setdefault(story, []).append((date_sort_key(published) or "~", source or ""))
    out = []
    for sid, title, n, originals, first_seen in store.story_summaries():
        dated = sorted(members.get(sid, []))
        sources = tuple(dict.fromkeys(src for _, src in dated if src))
        last = max((k for k, _ in dated if k != "~"), default=None)
        out.append(StorySummary(sid, title, n, len(originals), max(0, n - len(originals)), sources, first_seen,
                                last or first_seen, tuple(originals)))
    keys = {
        "size": lambda x: (-x.articles, -x.independent_sources, x.id),
        "sources": lambda x: (-x.independent_sources, -x.articles, x.id),
        "recent": lambda x: (date_sort_key(x.first_seen) or "", x.id),
    }
    return sorted(out, key=keys[sort], reverse=sort == "recent")


def export(store: SQLStore, out: str | os.PathLike, *, fmt: str | None = None,
           group_types: Iterable[str] = ("duplicate", "near_duplicate"), dedup: bool = False, text: bool = True,
           progress: Callable[[dict], None] | None = None):
    """Write one row per stored article (its story, the article it derives from, how and how much,
    its group of copies and whether the group keeps it) to ``out`` as JSON Lines, CSV or Parquet
    (``fmt``, else the file's suffix); with ``dedup`` only the article each group of copies keeps.
    Returns ``export.ExportStats``. See ``copydesk.export``."""
    from . import export as exporter

    return exporter.write(store, out, fmt=fmt, group_types=tuple(group_types), dedup=dedup, text=text,
                          progress=progress)
