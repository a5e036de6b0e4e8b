"""The command line: a thin Click layer over copydesk's Python API."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sys
from typing import Any, Callable

import click

from . import __version__, api
from .config import load_settings
from .errors import CopydeskError
from .relate.changes import MEANING as MEANING_KINDS
from .store import open_store, store_exists


class Ctx:
    debug = False


def _console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def handle_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn CopydeskErrors into one-line messages with a hint; tracebacks only with --debug."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except CopydeskError as exc:
            if Ctx.debug:
                raise
            click.echo(f"Error: {exc}", err=True)
            if exc.hint:
                click.echo(f"Hint: {exc.hint}", err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo("Interrupted; what was stored so far is kept, run again to resume.", err=True)
            sys.exit(130)
        except Exception as exc:  # an unexpected failure: say so plainly, trace only on request
            if Ctx.debug:
                raise
            click.echo(f"Internal error: {type(exc).__name__}: {exc}\nRun again with --debug for the traceback, "
                       "and please report it.", err=True)
            sys.exit(2)

    return wrapper


def db_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--db", default="copydesk.db", show_default=True, metavar="FILE|URL",
                        help="SQLite database file (created if missing), sqlite:/// URL, or a PostgreSQL database "
                             "URL: postgresql://user:password@host:5432/dbname (needs: pip install "
                             "\"copydesk[postgres]\").")(fn)


MAX_AUTO_WORKERS = 8


def auto_workers() -> int:
    """One worker per CPU this process may run on, at most MAX_AUTO_WORKERS (the main process
    reads and writes the store; beyond that many workers it is the bottleneck)."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux
        cpus = os.cpu_count() or 1
    return max(1, min(MAX_AUTO_WORKERS, cpus))


class _Workers(click.ParamType):
    name = "N|auto"

    def convert(self, value: Any, param: Any, ctx: Any) -> int:
        if isinstance(value, int):
            return value
        if str(value).strip().lower() == "auto":
            return auto_workers()
        try:
            n = int(value)
        except ValueError:
            self.fail(f"{value!r} is neither a number nor 'auto'", param, ctx)
        if not 1 <= n <= 64:
            self.fail(f"{n} is not between 1 and 64", param, ctx)
        return n


def workers_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--workers", type=_Workers(), default="auto", show_default=True,
                        help="Processes for extraction, cleaning and fingerprinting: a number (1-64), or auto, "
                             f"one per CPU this process may use (at most {MAX_AUTO_WORKERS}; here "
                             f"{auto_workers()}).")(fn)


def dask_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--dask", "dask_address", metavar="ADDRESS|local", default=None,
                        help="Run extraction, cleaning, fingerprinting and the alignment of candidate pairs on a Dask "
                             "cluster: a scheduler address "
                             "(tcp://host:8786; its workers need copydesk installed), or 'local' to start --workers "
                             "Dask processes here. Needs: pip install \"copydesk[dask]\".")(fn)


def _engine(dask_address: str | None, workers: int) -> Any:
    """The Dask engine for ``--dask`` (closed when the command ends), or None: the local one."""
    return api.dask_engine(dask_address, workers=workers) if dask_address else contextlib.nullcontext()


def config_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--config", "config_path", type=click.Path(dir_okay=False), metavar="FILE",
                        help="Settings file (TOML) overriding the defaults; copydesk.toml is read if present.")(fn)


def json_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON instead of text.")(fn)


class _Progress:
    """A rich progress display on stderr, shown only on a terminal."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.bar = None
        self.tasks: dict[str, Any] = {}

    def __enter__(self) -> "_Progress":
        if self.enabled:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self.bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                                MofNCompleteColumn(), TextColumn("{task.fields[rate]}"), TimeElapsedColumn(),
                                console=_console(stderr=True), transient=True)
            self.bar.__enter__()
        return self

    def __call__(self, stage: str, advance: int = 1, total: int | None = None) -> None:
        if self.bar is None:
            return
        if stage not in self.tasks:
            self.tasks[stage] = self.bar.add_task(stage, total=total, rate="")
        task = self.tasks[stage]
        self.bar.update(task, advance=advance, total=total)
        t = self.bar.tasks[task]
        if t.elapsed:
            self.bar.update(task, rate=f"{t.completed / t.elapsed:,.0f}/s")

    def __exit__(self, *exc: Any) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="copydesk")
@click.option("--debug", is_flag=True, help="Show full tracebacks on errors.")
def cli(debug: bool) -> None:
    """copydesk: news provenance.

    Finds who copied whom among news articles, groups them into stories and
    shows what changed between versions. Start with `copydesk analyze PATH`.
    """
    Ctx.debug = debug


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(allow_dash=True))
@db_option
@click.option("--out", type=click.Path(dir_okay=False, writable=True), metavar="FILE",
              help="Write the JSON report to FILE.")
@json_option
@click.option("--strict", is_flag=True, help="Exit with status 1 if any input record could not be used.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary (errors still go to stderr).")
@click.option("-v", "--verbose", is_flag=True, help="Also print seconds per pipeline stage.")
@click.option("--no-stories", is_flag=True,
              help="Copies only (a deduplication run): skip the story terms and the stories stage "
                   "(stories.enabled = false); stories already stored are left as they were.")
@workers_option
@dask_option
@config_option
@handle_errors
def analyze(paths: tuple[str, ...], db: str, out: str | None, as_json: bool, strict: bool, quiet: bool,
            verbose: bool, no_stories: bool, workers: int, dask_address: str | None, config_path: str | None) -> None:
    """Ingest PATHS and run the whole pipeline, printing what was found.

    PATHS are files or directories (read recursively): .txt, .html/.htm, .json
    (one article or a list), .jsonl, .csv/.tsv, .warc, .rss/.atom/.xml feeds, .parquet,
    any of them compressed (.gz, .bz2, .xz, .zst); `-`
    reads JSONL from standard input. Re-running on the same inputs is a no-op
    for articles already stored; an interrupted run resumes where it stopped.
    """
    settings = load_settings(config_path)
    if no_stories:
        settings = settings.with_overrides({"stories": {"enabled": False}}, origin="--no-stories")
    show_progress = not quiet and not as_json and sys.stderr.isatty()
    with _Progress(show_progress) as progress, _engine(dask_address, workers) as engine:
        report = api.analyze(list(paths), db=db, settings=settings, stdin=sys.stdin, workers=workers,
                             progress=progress, out=out, load_articles=False, engine=engine)
    summary = report.summary()
    if as_json:
        click.echo(json.dumps({"db": db, "out": out, **summary, "errors": [e.to_dict() for e in report.errors]},
                              ensure_ascii=False, indent=1))
    elif not quiet:
        _print_summary(report, summary, db=db, out=out, verbose=verbose)
    else:
        for e in report.errors:
            click.echo(f"error: {e.input}{f' [{e.record}]' if e.record else ''}: {e.reason}", err=True)
    counts = report.stats.counts
    if not summary["articles"]:
        click.echo("Error: no article could be read from the inputs.", err=True)
        sys.exit(1)
    if strict and counts.get("ingest_errors", 0):
        sys.exit(1)


def _print_summary(report: Any, summary: dict[str, Any], *, db: str, out: str | None, verbose: bool) -> None:
    from rich.markup import escape
    from rich.table import Table

    con = _console()
    c = report.stats.counts
    con.print(f"[bold]copydesk[/bold] analysed {summary['articles']} articles in {db} "
              f"([green]{c.get('articles_added', 0)} new[/green], {c.get('articles_updated', 0)} updated, "
              f"{c.get('unchanged', 0)} unchanged)")
    by_type = summary["relations_by_type"]
    con.print(f"  relations: {summary['relations']}"
              + (" (" + ", ".join(f"{n} {t}" for t, n in sorted(by_type.items())) + ")" if by_type else ""))
    dups = [r for r in report.relations if r.type == "duplicate"]
    if dups:
        groups: dict[str, list[str]] = {}
        for r in dups:
            groups.setdefault(r.original, []).append(r.derived)
        con.print(f"  exact duplicate groups: {len(groups)}")
        for orig, copies in groups.items():
            con.print(f"    [cyan]{escape(orig)}[/cyan] (original) <- {escape(', '.join(copies))}")
    others = [r for r in report.relations if r.type != "duplicate"]
    if others:
        con.print("  reuse (original -> derived):")
        for r in others[:30]:
            via = f" via {escape(r.via)}" if r.via else ""
            meaning = sorted({c.kind for c in r.changes if c.kind in MEANING_KINDS})
            flags = f"; meaning changes: {', '.join(meaning)}" if meaning else ""
            con.print(f"    [cyan]{escape(r.original)}[/cyan] -> {escape(r.derived)}{via}: {r.type}, "
                      f"{r.share:.0%} taken, direction {r.direction_confidence:.0%} sure{flags}")
        if len(others) > 30:
            con.print(f"    ... and {len(others) - 30} more (see the report)")
    if c.get("stories_skipped"):
        con.print("  stories: not made in this run (--no-stories / stories.enabled = false)"
                  + (f"; {summary['stories']} stored by earlier runs, not updated" if summary["stories"] else ""))
    else:
        _print_stories(report, summary)
    skipped = report.stats.skipped_files
    if skipped:
        from .ingest.files import FORMATS

        known = ", ".join(sorted(FORMATS, key=lambda s: (FORMATS[s], len(s))))
        con.print(f"  skipped: {len(skipped)} file(s) of no format copydesk reads ({known}, each perhaps "
                  ".gz, .bz2, .xz or .zst): "
                  + escape(", ".join(skipped[:5])) + (" ..." if len(skipped) > 5 else ""))
    errors = report.errors
    con.print(f"  errors: {len(errors)}" + (" (inputs that could not be used; the rest was read)" if errors else ""))
    for e in errors[:20]:
        where = f"{e.input}" + (f" [{e.record}]" if e.record else "")
        con.print(f"    [red]{escape(where)}[/red]: {escape(e.reason)}")
    if len(errors) > 20:
        con.print(f"    ... and {len(errors) - 20} more (see the report or `copydesk errors`)")
    if verbose:
        table = Table("stage", "seconds", title="time per stage", title_justify="left")
        for stage, secs in summary["timings"].items():
            table.add_row(stage, f"{secs:.3f}")
        con.print(table)
    if out:
        con.print(f"  report: {out}")


def _print_stories(report: Any, summary: dict[str, Any]) -> None:
    from rich.markup import escape

    con = _console()
    con.print(f"  stories: {summary['stories']} ({summary['multi_article_stories']} with more than one article)")
    multi = sorted((s for s in report.stories if len(s.articles) > 1), key=lambda s: (-len(s.articles), s.id))
    for s in multi[:10]:
        disputed = sum(len(f.disagreements) for f in s.facts)
        confirmed = sum(1 for f in s.facts if f.independent_sources > 1)
        con.print(f"    {s.id} [bold]{escape(s.title or '(untitled)')}[/]: {len(s.articles)} articles, "
                  f"{len(s.originals)} independent"
                  + (f", {confirmed} fact(s) confirmed independently" if confirmed else "")
                  + (f", {disputed} disagreement(s)" if disputed else ""))
        if s.entities:
            con.print("      entities: " + escape(", ".join(e.name for e in s.entities[:6])))
    if len(multi) > 10:
        con.print(f"    ... and {len(multi) - 10} more (copydesk stories)")


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(allow_dash=True))
@db_option
@json_option
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary.")
@workers_option
@dask_option
@config_option
@handle_errors
def ingest(paths: tuple[str, ...], db: str, as_json: bool, quiet: bool, workers: int, dask_address: str | None,
           config_path: str | None) -> None:
    """Only read, clean and store PATHS (no relations); `analyze` does this and more."""
    settings = load_settings(config_path)
    with open_store(db) as store, _Progress(not quiet and not as_json and sys.stderr.isatty()) as progress, \
            _engine(dask_address, workers) as engine:
        res = api.ingest(list(paths), store, settings=settings, stdin=sys.stdin, workers=workers, progress=progress,
                         engine=engine)
    data = {"added": res.added, "updated": res.updated, "unchanged": res.unchanged, "errors": res.errors}
    if as_json:
        click.echo(json.dumps(data))
    elif not quiet:
        click.echo(", ".join(f"{k}: {v}" for k, v in data.items()))


@cli.command()
@db_option
@click.option("--out", type=click.Path(dir_okay=False, writable=True), metavar="FILE",
              help="Write the report to FILE instead of standard output.")
@handle_errors
def report(db: str, out: str | None) -> None:
    """Write the JSON report of what the database holds (no re-analysis)."""
    if not store_exists(db):
        raise CopydeskError(f"{db}: no such database (run `copydesk analyze PATH --db {db}` first)")
    from .model import RunStats
    from .report import write_streaming

    with open_store(db, readonly=True) as store:
        if out:
            write_streaming(store, out, RunStats())
        else:
            click.echo(json.dumps(api.build_report(store).to_dict(), ensure_ascii=False, indent=1))


@cli.command()
@db_option
@click.option("--out", required=True, type=click.Path(dir_okay=False, writable=True), metavar="FILE",
              help="Write the rows to FILE: .jsonl, .csv or .parquet (the suffix names the format).")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "parquet"]), default=None,
              help="The format, where FILE's suffix does not say it.")
@click.option("--dedup", is_flag=True,
              help="Only the article each group of copies keeps (its original, else its earliest).")
@click.option("--group-types", default="duplicate,near_duplicate", show_default=True, metavar="TYPES",
              help="Relation types that join articles into one group of copies (comma-separated, of "
                   "duplicate, near_duplicate, partial, rewrite).")
@click.option("--no-text", is_flag=True, help="Leave the clean texts out (labels only).")
@json_option
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary.")
@handle_errors
def export(db: str, out: str, fmt: str | None, dedup: bool, group_types: str, no_text: bool, as_json: bool,
           quiet: bool) -> None:
    """Write one row per article: its story, the article it derives from (how, how much, how
    sure), its group of copies and whether the group keeps it; with --dedup, the corpus with
    its copies left out. A JSONL export with texts is itself copydesk input."""
    if not store_exists(db):
        raise CopydeskError(f"{db}: no such database (run `copydesk analyze PATH --db {db}` first)")
    types = [t.strip() for t in group_types.split(",") if t.strip()]
    with open_store(db, readonly=True) as store, \
            _Progress(not quiet and not as_json and sys.stderr.isatty()) as progress:
        total = store.count_articles()
        stats = api.export(store, out, fmt=fmt, group_types=types, dedup=dedup, text=not no_text,
                           progress=lambda row: progress("exporting", 1, total))  # (each article read)
    if as_json:
        click.echo(json.dumps(stats.to_dict()))
    elif not quiet:
        left = f", {stats.left_out:,} copies left out" if dedup else ""
        click.echo(f"wrote {stats.written:,} of {stats.articles:,} articles to {stats.path} ({stats.format}; "
                   f"{stats.groups:,} groups of copies{left})")


@cli.command()
@db_option
@json_option
@handle_errors
def errors(db: str, as_json: bool) -> None:
    """List the inputs and records that could not be used, and why."""
    if not store_exists(db):
        raise CopydeskError(f"{db}: no such database (run `copydesk analyze PATH --db {db}` first)")
    with open_store(db, readonly=True) as store:
        errs = store.errors()
    if as_json:
        click.echo(json.dumps([e.to_dict() for e in errs], ensure_ascii=False, indent=1))
        return
    if not errs:
        click.echo("no errors")
    for e in errs:
        click.echo(f"{e.input}{f' [{e.record}]' if e.record else ''}: {e.reason}")


KIND_STYLE = {"verbatim": "green", "edited": "yellow", "paraphrase": "magenta"}


@cli.command()
@click.argument("a")
@click.argument("b")
@db_option
@json_option
@config_option
@handle_errors
def compare(a: str, b: str, db: str, as_json: bool, config_path: str | None) -> None:
    """Show articles A and B side by side: aligned passages coloured by kind, changes marked.

    A and B are article ids of the database, or two files of one article each
    (any input format: `copydesk compare original.html copy.txt`, no database
    needed). Uses the relation stored by `copydesk analyze` when there is one;
    otherwise aligns the two articles now. `--json` prints the relation (or null)
    and the passages.
    """
    from . import compare as compare_articles
    from .compare import compare_files

    settings = load_settings(config_path)
    files = os.path.isfile(a) and os.path.isfile(b)
    cmp = None
    if store_exists(db):
        with open_store(db) as store:  # ids of the database come first
            if not files or len(store.article_batch([a, b])) == len({a, b}):
                cmp = compare_articles(store, a, b, settings=settings)
    elif not files:
        raise CopydeskError(f"{db}: no such database (run `copydesk analyze PATH --db {db}` first, "
                            "or give two files)")
    if cmp is None:
        cmp = compare_files(a, b, settings=settings)
    if as_json:
        click.echo(json.dumps(cmp.to_dict(), ensure_ascii=False, indent=1))
        return
    _print_comparison(cmp)


def _print_comparison(cmp: Any) -> None:
    from rich.markup import escape
    from rich.table import Table
    from rich.text import Text

    con = _console()
    o, d, rel = cmp.original, cmp.derived, cmp.relation
    if rel is None:
        con.print(f"[bold]{escape(o.id)}[/bold] and [bold]{escape(d.id)}[/bold]: no reuse found"
                  + (f" ({len(cmp.passages)} sentence passage(s) align, not enough to call it copying)"
                     if cmp.passages else ""))
    else:
        via = f" via {escape(rel.via)}" if rel.via else ""
        con.print(f"[bold]{escape(o.id)}[/bold] (original) -> [bold]{escape(d.id)}[/bold]{via}: {rel.type}, "
                  f"{rel.share:.0%} of the derived text taken, direction {rel.direction_confidence:.0%} sure")
        for e in rel.evidence:
            con.print(f"  - {escape(e)}")
    marks = sorted(((c.derived, c) for c in (rel.changes if rel else ()) if c.kind not in ("added", "dropped")),
                   key=lambda t: t[0])

    def derived_text(start: int, end: int, style: str) -> Text:
        t = Text(d.text[start:end], style=style)
        for (s, e), c in marks:
            if start <= s and e <= end and e > s:
                meaning = c.kind in ("number", "name", "negation", "hedge", "attribution", "quote")
                t.stylize("bold reverse red" if meaning else "underline", s - start, e - start)
        return t

    table = Table(title=None, show_lines=True, expand=True)
    table.add_column(f"{o.id} (original)", ratio=1)
    table.add_column(f"{d.id} (derived)", ratio=1)
    table.add_column("kind", no_wrap=True)
    pos = 0
    for p in sorted(cmp.passages, key=lambda p: p.derived[0]):
        if p.derived[0] > pos and d.text[pos:p.derived[0]].strip():
            table.add_row(Text(""), derived_text(pos, p.derived[0], "dim"), Text("own text", style="dim"))
        style = KIND_STYLE.get(p.kind, "")
        table.add_row(Text(o.text[p.original[0]:p.original[1]], style=style),
                      derived_text(p.derived[0], p.derived[1], style), Text(p.kind, style=style))
        pos = max(pos, p.derived[1])
    if d.text[pos:].strip():
        table.add_row(Text(""), derived_text(pos, len(d.text), "dim"), Text("own text", style="dim"))
    con.print(table)
    if rel and rel.changes:
        changes = Table("kind", "original", "derived", title="changes", title_justify="left")
        for c in rel.changes:
            if c.kind in ("added", "dropped"):
                continue
            changes.add_row(c.kind, escape(c.original_text), escape(c.derived_text))
        dropped = sum(1 for c in rel.changes if c.kind == "dropped")
        con.print(changes)
        if dropped:
            con.print(f"  {dropped} passage(s) of the original are not in the derived text")


@cli.command()
@db_option
@json_option
@click.option("--sort", type=click.Choice(["size", "sources", "recent"]), default="size", show_default=True,
              help="Order: most articles, most independent sources, or latest first seen.")
@click.option("--limit", type=click.IntRange(1), default=None, help="Show at most this many stories.")
@handle_errors
def stories(db: str, as_json: bool, sort: str, limit: int | None) -> None:
    """List stories: title, articles, independent sources, copies, first seen, originals."""
    from .api import story_summaries

    with _open_existing(db) as store:
        rows = story_summaries(store, sort=sort)[:limit]
        articles = store.count_articles() if not rows else 0
    if as_json:
        click.echo(json.dumps([r.to_dict() for r in rows], ensure_ascii=False, indent=1))
        return
    if not rows:
        click.echo(f"No stories in {db}" + (
            f": its {articles} article(s) were analysed with --no-stories (stories.enabled = false), or not "
            f"related yet. Run `copydesk analyze` on them without it to make the stories."
            if articles else ": it holds no article yet."))
        return
    from rich.table import Table

    table = Table(show_lines=False)
    # ids, counts and dates never wrap; the title and the originals share what width is left
    table.add_column("story", no_wrap=True)
    table.add_column("title", overflow="fold", ratio=3, min_width=16)
    for col in ("articles", "indep.", "copies"):
        table.add_column(col, justify="right", no_wrap=True)
    table.add_column("first seen", no_wrap=True)
    table.add_column("originals", overflow="fold", ratio=2, min_width=12)
    for r in rows:
        table.add_row(r.id, r.title or "(untitled)", str(r.articles), str(r.independent_sources), str(r.copies),
                      (r.first_seen or "-")[:10],
                      ", ".join(r.originals[:3]) + (f" +{len(r.originals) - 3}" if len(r.originals) > 3 else ""))
    _console().print(table)


@cli.command()
@click.argument("story_id", metavar="ID")
@db_option
@json_option
@handle_errors
def story(story_id: str, db: str, as_json: bool) -> None:
    """Show one story: family tree, timeline, entities, facts with their support, and the brief."""
    with _open_existing(db) as store:
        s = store.story(story_id)
        changes = store.story_changes(story_id)
        titles = {a.id: (a.source, a.title) for a in store.article_batch(list(s.articles)).values()}
        relations = {r.derived: r for a in s.articles for r in store.relations(a) if r.derived == a and r.via is None}
    if as_json:
        data = s.to_dict()
        data["changes"] = [c.to_dict() for c in changes]
        click.echo(json.dumps(data, ensure_ascii=False, indent=1))
        return
    from rich.markup import escape
    from rich.tree import Tree

    con = _console()
    con.print(f"[bold]{escape(s.title or '(untitled)')}[/]  {s.id}")
    con.print(f"{len(s.articles)} articles, {len(s.originals)} independent, first seen {s.first_seen or '-'}")

    def label(a: str) -> str:
        source, title = titles.get(a, (None, None))
        rel = relations.get(a)
        how = f" [dim]({rel.type}, {rel.share:.0%} taken)[/]" if rel else ""
        return f"{escape(a)}{f' [cyan]{escape(source)}[/]' if source else ''}{how}"

    children: dict[str | None, list[str]] = {}
    for e in s.tree:
        children.setdefault(e.parent, []).append(e.article)
    tree = Tree("[bold]family tree[/] (originals at the root)")

    def grow(node: Tree, a: str, seen: set[str]) -> None:
        branch = node.add(label(a))
        for c in children.get(a, []):
            if c not in seen:
                seen.add(c)
                grow(branch, c, seen)

    for root in children.get(None, []):
        grow(tree, root, {root})
    con.print(tree)
    con.print("[bold]timeline[/]")
    for t in s.timeline:
        when = f"{t.published} (crawled)" if t.crawled and t.published else (t.published or "undated")
        con.print(f"  {when:<26} {escape(t.source or '-'):<20} {escape(t.article)}")
    if s.entities:
        con.print("[bold]entities[/]")
        for e in s.entities:
            aka = f" (also: {escape(', '.join(e.aliases))})" if e.aliases else ""
            con.print(f"  {e.kind:<12} {escape(e.name)}{aka}  [dim]{len(e.articles)} article(s)[/]")
    if s.facts:
        con.print("[bold]facts[/] (independent sources / articles)")
        for f in s.facts:
            con.print(f"  \\[{f.independent_sources}/{len(f.sources)}] {escape(f.text)}  "
                      f"[dim]{escape(', '.join(f.sources))}[/]")
            for d in f.disagreements:
                sides = " vs ".join(f"\"{escape(c.text)}\" ({escape(', '.join(c.sources))})" for c in d.claims)
                con.print(f"      [yellow]disagreement on {escape(d.about)}[/]: {sides}")
    if s.brief:
        con.print("[bold]brief[/]")
        for b in s.brief:
            con.print(f"  {escape(b.text)} [dim]\\[{escape(', '.join(b.sources))}][/]")
    if api.awaits_enrichment(s):
        con.print(f"[dim]entities, facts and brief are not made yet for this story, or were made by an earlier "
                  f"copydesk (analyze makes them for the stories with most independent sources): "
                  f"copydesk enrich --db {escape(db)} --story {escape(s.id)}[/]")
    for c in changes:
        con.print(f"[dim]{c.kind}: {escape(c.story)} <- {escape(', '.join(c.others))} (run {c.run})[/]"
                  if c.kind == "merge" else f"[dim]split: {escape(c.story)} -> {escape(', '.join(c.others))}[/]")


def _open_existing(db: str):
    if not store_exists(db):
        raise CopydeskError(f"{db}: no such database (run `copydesk analyze PATH --db {db}` first)")
    return open_store(db, readonly=True)


@cli.command()
@db_option
@click.option("--story", "story_ids", multiple=True, metavar="ID", help="Enrich this story (repeatable).")
@click.option("--limit", type=click.IntRange(0), default=None,
              help="Enrich at most this many stories, most independent sources first (default: all that lack it).")
@json_option
@handle_errors
def enrich(db: str, story_ids: tuple[str, ...], limit: int | None, as_json: bool) -> None:
    """Make entities, facts and the brief for stories that lack them (analyze makes them for
    `stories.enrich_max_stories` stories a run)."""

    if not store_exists(db):
        raise CopydeskError(f"{db}: no such database (run `copydesk analyze PATH --db {db}` first)")
    show_progress = not as_json and sys.stderr.isatty()
    with open_store(db) as store, _Progress(show_progress) as progress:
        done = api.enrich(store, story_ids=list(story_ids) or None, limit=limit, progress=progress)
    if as_json:
        click.echo(json.dumps([s.to_dict() for s in done], ensure_ascii=False, indent=1))
        return
    click.echo(f"enriched {len(done)} stor{'y' if len(done) == 1 else 'ies'}")
    for s in done:
        click.echo(f"  {s.id}  {len(s.entities)} entities, {len(s.facts)} facts  {s.title or '(untitled)'}")


@cli.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (127.0.0.1: this machine only).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port to listen on.")
@click.option("--token", envvar="COPYDESK_TOKEN", metavar="TOKEN",
              help="Allow POST /api/articles for requests bearing this token (also read from COPYDESK_TOKEN); "
                   "without one the server is read-only.")
@config_option
@handle_errors
def serve(db: str, host: str, port: int, token: str | None, config_path: str | None) -> None:
    """Serve the web UI and the JSON API over the database (read-only without --token).

    Pages: the story list at /, stories, articles with their reused passages, side-by-side
    comparisons; the API under /api/ with its reference at /docs.
    """
    from .errors import require
    from .web import create_app

    uvicorn = require("uvicorn", feature="copydesk serve (the web UI and HTTP API)", extra="web")
    app = create_app(db, token=token or None, settings=load_settings(config_path))
    mode = "read and write: POST /api/articles needs the token" if token else "read-only"
    click.echo(f"copydesk serving {db} at http://{host}:{port}/ ({mode}); API reference at /docs. Ctrl-C stops.",
               err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")


def main() -> None:
    cli(prog_name="copydesk")


if __name__ == "__main__":
    main()
