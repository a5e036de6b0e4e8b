"""SQLite store: the embedded default. WAL mode, a versioned schema migrated in
place (``PRAGMA user_version``), articles written in batches of one transaction
each, so an interrupted run loses at most the batch in flight and a re-run
picks up where it stopped (records already stored are skipped by raw hash).
The queries are ``sql.SQLStore``'s, shared with the PostgreSQL store."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

from ..errors import StoreError
from .sql import TABLES, ArticleRow, SQLStore, encode_article

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "SQLiteStore", "ArticleRow", "encode_article"]

#: each entry migrates the schema from version i to i + 1
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE articles (
        id TEXT PRIMARY KEY,
        seq INTEGER NOT NULL,
        raw_hash TEXT NOT NULL,
        body_hash TEXT NOT NULL,
        source TEXT, url TEXT, title TEXT, published TEXT, byline TEXT,
        text TEXT NOT NULL,
        removed TEXT NOT NULL, embeds TEXT NOT NULL,
        paragraphs TEXT NOT NULL, sentences TEXT NOT NULL,
        input TEXT NOT NULL, record TEXT,
        ingested_at REAL NOT NULL
    );
    CREATE INDEX articles_body_hash ON articles(body_hash);
    CREATE INDEX articles_seq ON articles(seq);
    CREATE TABLE errors (
        input TEXT NOT NULL, record TEXT NOT NULL DEFAULT '', kind TEXT NOT NULL, reason TEXT NOT NULL,
        run INTEGER, at REAL NOT NULL,
        PRIMARY KEY (input, record, reason)
    );
    CREATE TABLE relations (
        original TEXT NOT NULL, derived TEXT NOT NULL, type TEXT NOT NULL, via TEXT,
        share REAL NOT NULL, direction_confidence REAL NOT NULL,
        evidence TEXT NOT NULL, passages TEXT NOT NULL, changes TEXT NOT NULL,
        PRIMARY KEY (original, derived)
    );
    CREATE INDEX relations_derived ON relations(derived);
    CREATE TABLE stories (id TEXT PRIMARY KEY, data TEXT NOT NULL);
    CREATE TABLE story_articles (article TEXT PRIMARY KEY, story TEXT NOT NULL);
    CREATE INDEX story_articles_story ON story_articles(story);
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY, command TEXT NOT NULL, inputs TEXT NOT NULL,
        started_at REAL NOT NULL, finished_at REAL, stats TEXT
    );
    """,
    # v2: the reuse engine's fingerprints, candidate indexes and pairwise results
    """
    CREATE TABLE fingerprints (
        article TEXT PRIMARY KEY, body_hash TEXT NOT NULL, params TEXT NOT NULL,
        shingle_digest BLOB NOT NULL, word_digest BLOB NOT NULL, sentence_hashes BLOB NOT NULL
    );
    CREATE TABLE lsh_bands (band INTEGER NOT NULL, key INTEGER NOT NULL, article TEXT NOT NULL);
    CREATE INDEX lsh_bands_key ON lsh_bands(band, key);
    CREATE INDEX lsh_bands_article ON lsh_bands(article);
    CREATE TABLE sentence_index (hash INTEGER NOT NULL, article TEXT NOT NULL);
    CREATE INDEX sentence_index_hash ON sentence_index(hash);
    CREATE INDEX sentence_index_article ON sentence_index(article);
    CREATE TABLE pairs (
        a TEXT NOT NULL, b TEXT NOT NULL, related INTEGER NOT NULL, data TEXT,
        PRIMARY KEY (a, b)
    );
    CREATE INDEX pairs_b ON pairs(b);
    """,
    # v3: LSH band keys kept with each fingerprint and indexed in memory (much faster than SQL joins)
    """
    DROP TABLE lsh_bands;
    DROP TABLE sentence_index;
    DELETE FROM fingerprints;
    DELETE FROM pairs;
    ALTER TABLE fingerprints ADD COLUMN band_keys BLOB NOT NULL DEFAULT x'';
    """,
    # v4: story merges/splits per run; named entities per article (cached: NER is slow)
    """
    CREATE TABLE story_changes (
        run INTEGER, kind TEXT NOT NULL, story TEXT NOT NULL, others TEXT NOT NULL, at REAL NOT NULL
    );
    CREATE INDEX story_changes_story ON story_changes(story);
    CREATE TABLE article_entities (article TEXT PRIMARY KEY, version TEXT NOT NULL, data TEXT NOT NULL);
    CREATE TABLE story_links (a TEXT NOT NULL, b TEXT NOT NULL, w REAL NOT NULL, params TEXT NOT NULL);
    """,
    # v5: fingerprints are made at ingest; ``fresh`` marks those whose candidates no relate run has found yet
    """
    ALTER TABLE fingerprints ADD COLUMN fresh INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX fingerprints_fresh ON fingerprints(fresh) WHERE fresh = 1;
    """,
    # v6: story clustering's term counts per article, made at ingest (``stories.terms``)
    """
    CREATE TABLE story_terms (article TEXT PRIMARY KEY, version TEXT NOT NULL, data BLOB NOT NULL);
    """,
    # v7: when a crawler fetched the article (a WARC record's date), kept apart from its publication date
    """
    ALTER TABLE articles ADD COLUMN crawled TEXT;
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


class SQLiteStore(SQLStore):
    """A copydesk database in one SQLite file (``:memory:`` works too)."""

    DB_ERRORS = (sqlite3.DatabaseError,)
    SUMMARY_SQL = ("SELECT id, json_extract(data, '$.title'), json_array_length(data, '$.articles'), "
                   "json_extract(data, '$.originals'), json_extract(data, '$.first_seen') FROM stories")

    def __init__(self, path: str | Path, *, readonly: bool = False):
        self.path = str(path)
        self.url = f"sqlite:///{self.path}"
        try:
            if readonly:
                if not Path(self.path).exists():
                    raise StoreError(f"{self.path}: no such database")
                self.db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
                if self.db.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION \
                        and os.access(self.path, os.W_OK):
                    # made by an older copydesk: migrate it once (content kept), then read as asked
                    self.db.close()
                    SQLiteStore(self.path).close()
                    self.db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            else:
                self.db = sqlite3.connect(self.path, check_same_thread=False)
            self.db.execute("PRAGMA busy_timeout = 10000")
            if not readonly and self.path != ":memory:":
                self.db.execute("PRAGMA journal_mode = WAL")
                self.db.execute("PRAGMA synchronous = NORMAL")
            self._migrate(readonly)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: cannot open the database: {exc}") from exc
        self._x = self.db.execute  # (the dialect's two ways to run a statement, without a call in between)
        self._many = self.db.executemany

    # -- schema -------------------------------------------------------------------------
    def _migrate(self, readonly: bool) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if not self._check_schema(version, SCHEMA_VERSION, readonly="the file is not writable" if readonly else None):
            return
        for target in range(version, SCHEMA_VERSION):
            with self.db:
                self.db.executescript("BEGIN;" + MIGRATIONS[target] + f"; PRAGMA user_version = {target + 1};")

    @property
    def schema_version(self) -> int:
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    def change_key(self) -> tuple:
        """A value that changes when the database does (what a cache of its content is keyed by):
        the times and sizes of its file and write-ahead log."""
        key = []
        for suffix in ("", "-wal"):
            try:
                st = os.stat(self.path + suffix)
                key.append((st.st_mtime_ns, st.st_size))
            except OSError:
                key.append(None)
        return tuple(key)

    # -- the dialect ----------------------------------------------------------------------
    def _tx(self) -> sqlite3.Connection:
        return self.db  # the connection as a context manager: commit, or roll back on an exception

    def _upsert(self, table: str) -> str:
        cols, _key = TABLES[table]
        return f"INSERT OR REPLACE INTO {table} ({', '.join(cols)}) VALUES ({','.join('?' * len(cols))})"

    def _insert_id(self, sql: str, args: tuple) -> int:
        return int(self.db.execute(sql, args).lastrowid or 0)

    def _json_without(self, column: str, paths: list[str]) -> tuple[str, list[Any]]:
        if not paths:
            return column, []
        return f"json_remove({column}, {', '.join('?' * len(paths))})", [f"$.{p}" for p in paths]
