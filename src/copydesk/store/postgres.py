"""PostgreSQL store: the same tables and queries as the SQLite store (``sql.SQLStore``), in
a server database that several machines and processes can share: the driver of a
distributed run writes it, ``copydesk serve`` on another machine reads it.

Opened by a URL, ``postgresql://user:password@host:5432/dbname`` (libpq's: any of its
parameters, a service file and ``PG*`` environment variables work too). The schema is made
on first use (its version kept in ``copydesk_schema``); the database must exist. Needs the
``postgres`` extra (psycopg 3).

Where the dialects differ: rows are replaced with ``ON CONFLICT ... DO UPDATE``, JSON is
read with ``jsonb`` operators, search is ``ILIKE``, and every text key sorts with the "C"
collation, so that listings come out in the order SQLite gives them whatever the server's
locale. PostgreSQL text cannot hold the NUL character: one in an article or an error is
stored as U+FFFD (one character for one, so every offset into the text still holds)."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any, ContextManager, Iterable, Iterator

from ..errors import StoreError, require
from ..model import Article, ErrorRecord
from .sql import TABLES, ArticleRow, SQLStore, encode_article

#: the SQLite schema's version this one matches (``sqlite.SCHEMA_VERSION``), made in one step; a later
#: SQLite migration needs its PostgreSQL twin appended to ``MIGRATIONS`` (a test checks the two agree)
BASE_VERSION = 6
_C = 'COLLATE "C"'
SCHEMA = f"""
CREATE TABLE articles (
    id TEXT {_C} PRIMARY KEY, seq BIGINT NOT NULL, raw_hash TEXT NOT NULL, body_hash TEXT NOT NULL,
    source TEXT, url TEXT, title TEXT, published TEXT, byline TEXT, text TEXT NOT NULL,
    removed TEXT NOT NULL, embeds TEXT NOT NULL, paragraphs TEXT NOT NULL, sentences TEXT NOT NULL,
    input TEXT NOT NULL, record TEXT, ingested_at DOUBLE PRECISION NOT NULL
);
CREATE INDEX articles_body_hash ON articles(body_hash);
CREATE INDEX articles_seq ON articles(seq);
CREATE TABLE errors (
    input TEXT {_C} NOT NULL, record TEXT {_C} NOT NULL DEFAULT '', kind TEXT NOT NULL, reason TEXT NOT NULL,
    run BIGINT, at DOUBLE PRECISION NOT NULL, PRIMARY KEY (input, record, reason)
);
CREATE TABLE relations (
    original TEXT {_C} NOT NULL, derived TEXT {_C} NOT NULL, type TEXT NOT NULL, via TEXT,
    share DOUBLE PRECISION NOT NULL, direction_confidence DOUBLE PRECISION NOT NULL,
    evidence TEXT NOT NULL, passages TEXT NOT NULL, changes TEXT NOT NULL, PRIMARY KEY (original, derived)
);
CREATE INDEX relations_derived ON relations(derived);
CREATE TABLE stories (id TEXT {_C} PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE story_articles (article TEXT {_C} PRIMARY KEY, story TEXT {_C} NOT NULL);
CREATE INDEX story_articles_story ON story_articles(story);
CREATE TABLE runs (
    id BIGSERIAL PRIMARY KEY, command TEXT NOT NULL, inputs TEXT NOT NULL,
    started_at DOUBLE PRECISION NOT NULL, finished_at DOUBLE PRECISION, stats TEXT
);
CREATE TABLE fingerprints (
    article TEXT {_C} PRIMARY KEY, body_hash TEXT NOT NULL, params TEXT NOT NULL,
    shingle_digest BYTEA NOT NULL, word_digest BYTEA NOT NULL, sentence_hashes BYTEA NOT NULL,
    band_keys BYTEA NOT NULL DEFAULT '', fresh INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX fingerprints_fresh ON fingerprints(fresh) WHERE fresh = 1;
CREATE TABLE pairs (a TEXT {_C} NOT NULL, b TEXT {_C} NOT NULL, related INTEGER NOT NULL, data TEXT, PRIMARY KEY (a, b));
CREATE INDEX pairs_b ON pairs(b);
CREATE TABLE story_changes (
    id BIGSERIAL PRIMARY KEY, run BIGINT, kind TEXT NOT NULL, story TEXT NOT NULL, others TEXT NOT NULL,
    at DOUBLE PRECISION NOT NULL
);
CREATE INDEX story_changes_story ON story_changes(story);
CREATE TABLE article_entities (article TEXT {_C} PRIMARY KEY, version TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE story_links (a TEXT {_C} NOT NULL, b TEXT {_C} NOT NULL, w DOUBLE PRECISION NOT NULL, params TEXT NOT NULL);
CREATE TABLE story_terms (article TEXT {_C} PRIMARY KEY, version TEXT NOT NULL, data BYTEA NOT NULL);
"""
#: each entry migrates the schema from version BASE_VERSION + i to BASE_VERSION + i + 1
MIGRATIONS: tuple[str, ...] = (
    # v7 (sqlite's v7): when a crawler fetched the article, kept apart from its publication date
    "ALTER TABLE articles ADD COLUMN crawled TEXT",
)
SCHEMA_VERSION = BASE_VERSION + len(MIGRATIONS)
#: the key of the advisory lock held while the schema is made or migrated (two processes may start at once)
_SCHEMA_LOCK = 0x636F70796465736B  # "copydesk"


def redact(url: str) -> str:
    """``url`` without its password, for messages."""
    return re.sub(r"(://[^:/@]+):[^@/]*@", r"\1:***@", url)


def _scrub(value: Any) -> Any:
    return value.replace("\x00", "\ufffd") if isinstance(value, str) and "\x00" in value else value


class PostgresStore(SQLStore):
    """A copydesk database in a PostgreSQL server."""

    SUMMARY_SQL = ("SELECT id, data::jsonb->>'title', jsonb_array_length(data::jsonb->'articles'), "
                   "(data::jsonb->'originals')::text, data::jsonb->>'first_seen' FROM stories")
    LIKE = "ILIKE"
    GREATEST = "greatest"
    FIND = "strpos"
    INSERT_ORDER = "id"

    def __init__(self, url: str, *, readonly: bool = False):
        psycopg = require("psycopg", feature="the PostgreSQL store", extra="postgres")
        self.DB_ERRORS = (psycopg.Error,)
        self.url = url
        self.path = redact(url)
        self._sql: dict[str, str] = {}
        try:
            # autocommit: a read is not left open as a transaction; writes are in explicit ones (``_tx``)
            self.db = psycopg.connect(url, autocommit=True)
        except psycopg.Error as exc:
            reason = " ".join(str(exc).split())  # (libpq's message runs over lines)
            raise StoreError(f"{self.path}: cannot connect to the PostgreSQL server: {reason}") from exc
        try:
            self._migrate(readonly)
            if readonly:
                self.db.execute("SET default_transaction_read_only = on")
        except psycopg.Error as exc:
            self.db.close()
            raise StoreError(f"{self.path}: cannot open the database: {exc}") from exc
        except Exception:
            self.db.close()
            raise

    # -- schema -------------------------------------------------------------------------
    def _version(self) -> int | None:
        if self.db.execute("SELECT to_regclass('copydesk_schema')").fetchone()[0] is None:
            return None
        row = self.db.execute("SELECT version FROM copydesk_schema").fetchone()
        return row[0] if row else None

    def _migrate(self, readonly: bool) -> None:
        version = self._version()
        if version is None and readonly:
            raise StoreError(f"{self.path}: no copydesk database here (run `copydesk analyze PATH --db URL` first)")
        if version is not None and not self._check_schema(
                version, SCHEMA_VERSION, readonly="the store was opened read-only" if readonly else None):
            return
        with self.db.transaction():
            self.db.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
            version = self._version()  # another process may have made it while this one waited
            if version is None:
                self.db.execute(SCHEMA)
                self.db.execute("CREATE TABLE copydesk_schema (version INTEGER NOT NULL)")
                self.db.execute("INSERT INTO copydesk_schema VALUES (%s)", (BASE_VERSION,))
                version = BASE_VERSION
            for target in range(version, SCHEMA_VERSION):
                self.db.execute(MIGRATIONS[target - BASE_VERSION])
                self.db.execute("UPDATE copydesk_schema SET version = %s", (target + 1,))

    @property
    def schema_version(self) -> int:
        return self._version() or 0

    def change_key(self) -> tuple:
        """A value that changes when the database does (what a cache of its content is keyed by):
        the last run, and the rows written to the stories table (the server's statistics, which
        lag a commit by up to a second or so)."""
        return tuple(self.db.execute(
            "SELECT (SELECT COALESCE(MAX(id), 0) FROM runs), (SELECT MAX(finished_at) FROM runs), "
            "(SELECT n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_user_tables WHERE relname = 'stories' "
            "AND schemaname = current_schema())").fetchone())

    # -- the dialect ----------------------------------------------------------------------
    def _q(self, sql: str) -> str:
        """``sql`` with psycopg's placeholders (``%s``) for ``?`` (the SQL holds no literal ``%``)."""
        out = self._sql.get(sql)
        if out is None:
            out = self._sql[sql] = sql.replace("?", "%s")
        return out

    def _x(self, sql: str, args: Iterable[Any] = ()) -> Any:
        return self.db.execute(self._q(sql), tuple(args))

    def _iter(self, sql: str, args: Iterable[Any] = ()) -> Iterator[Any]:
        """A server-side cursor, fetched 500 rows at a time: psycopg's plain cursor holds a whole result
        in memory (every article's text, at 100k articles gigabytes). WITH HOLD, as the connection
        is in autocommit; other statements may run between fetches."""
        self._cursors = getattr(self, "_cursors", 0) + 1
        with self.db.cursor(name=f"copydesk_iter_{self._cursors}", withhold=True) as cur:
            cur.itersize = 500
            cur.execute(self._q(sql), tuple(args))
            yield from cur

    def _many(self, sql: str, rows: Iterable[Iterable[Any]]) -> None:
        with self.db.cursor() as cur:
            cur.executemany(self._q(sql), rows)

    def _tx(self) -> ContextManager[Any]:
        return self.db.transaction()

    def _upsert(self, table: str) -> str:
        cols, key = TABLES[table]
        rest = [c for c in cols if c not in key]
        return (f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({','.join('?' * len(cols))}) "
                f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET " + ", ".join(f"{c} = EXCLUDED.{c}" for c in rest))

    def _insert_id(self, sql: str, args: tuple) -> int:
        return int(self._x(sql + " RETURNING id", args).fetchone()[0])

    def _json_without(self, column: str, paths: list[str]) -> tuple[str, list[Any]]:
        if not paths:
            return column, []
        return (f"({column}::jsonb {' '.join('#- ?::text[]' for _ in paths)})::text",
                ["{" + p.replace(".", ",") + "}" for p in paths])

    # -- writes: no NUL in text ---------------------------------------------------------------
    def write_batch(self, articles: list[Article | ArticleRow], errors: list[ErrorRecord], clear_inputs: list[str],
                    run: int | None = None, fingerprints: list[tuple[str, str, str, bytes, bytes, bytes, bytes]] = (),
                    story_terms: list[tuple[str, str, bytes]] = ()) -> tuple[int, int]:
        rows = []
        for a in articles:
            row = a if isinstance(a, ArticleRow) else encode_article(a)
            if any(isinstance(v, str) and "\x00" in v for v in row):
                row = ArticleRow(*(_scrub(v) for v in row))
            rows.append(row)
        errors = [replace(e, input=_scrub(e.input), record=_scrub(e.record), reason=_scrub(e.reason))
                  if any(isinstance(v, str) and "\x00" in v for v in (e.input, e.record, e.reason)) else e
                  for e in errors]
        return super().write_batch(rows, errors, clear_inputs, run, fingerprints, story_terms)
