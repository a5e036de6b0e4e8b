"""SQLite store: the embedded default. WAL mode, a versioned schema migrated in
place (``PRAGMA user_version``), articles written in batches of one transaction
each, so an interrupted run loses at most the batch in flight and a re-run
picks up where it stopped (records already stored are skipped by raw hash)."""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections import namedtuple
from pathlib import Path
from typing import Any, Iterable, Iterator

from ..errors import NotFoundError, SchemaError, SchemaOutdatedError, StoreError
from ..model import (
    Article, BriefSentence, Change, Embed, Entity, ErrorRecord, Fact, Passage, Relation, Removed, Story,
    StoryChange, TimelineEntry, TreeEdge, Claim, Disagreement,
)

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
)
SCHEMA_VERSION = len(MIGRATIONS)

_ARTICLE_COLS = ("id, seq, raw_hash, body_hash, source, url, title, published, byline, text, removed, embeds, "
                 "paragraphs, sentences, input, record, ingested_at")


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


#: An article as the articles table holds it, all but its sequence number and time of writing (the
#: store's to give): made by ``encode_article``, which the ingest runs in its worker processes, so
#: that the one process that writes only writes. Its fields are the table's columns.
ArticleRow = namedtuple("ArticleRow", [c for c in _ARTICLE_COLS.split(", ") if c not in ("seq", "ingested_at")])


def encode_article(a: Article) -> ArticleRow:
    return ArticleRow(a.id, a.raw_hash, a.body_hash, a.source, a.url, a.title, a.published, a.byline, a.text,
                      _dumps([r.to_dict() for r in a.removed]), _dumps([e.to_dict() for e in a.embeds]),
                      _dumps(a.paragraphs), _dumps(a.sentences), a.input, a.record)


class SQLiteStore:
    """A copydesk database in one SQLite file (``:memory:`` works too)."""

    #: Article -> the row ``write_batch`` writes of it (a plain function: the ingest workers call it)
    encode_article = staticmethod(encode_article)

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

    # -- schema -------------------------------------------------------------------------
    def _migrate(self, readonly: bool) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise SchemaError(
                f"{self.path}: schema version {version} is newer than this copydesk understands ({SCHEMA_VERSION})")
        if version == SCHEMA_VERSION:
            return
        if readonly:
            raise SchemaOutdatedError(f"{self.path}: schema version {version} needs migrating, and the file is not "
                                      "writable")
        for target in range(version, SCHEMA_VERSION):
            with self.db:
                self.db.executescript("BEGIN;" + MIGRATIONS[target] + f"; PRAGMA user_version = {target + 1};")

    @property
    def schema_version(self) -> int:
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    # -- articles -----------------------------------------------------------------------
    def known_hashes(self, ids: Iterable[str]) -> dict[str, str]:
        return dict(self._in_chunks("SELECT id, raw_hash FROM articles WHERE id IN ({})", list(ids)))

    def write_batch(self, articles: list[Article | ArticleRow], errors: list[ErrorRecord],
                    clear_inputs: list[str], run: int | None = None,
                    fingerprints: list[tuple[str, str, str, bytes, bytes, bytes, bytes]] = (),
                    story_terms: list[tuple[str, str, bytes]] = ()) -> tuple[int, int]:
        """Store a batch in one transaction. Returns (added, updated).

        ``story_terms``: (article, version, blob) rows of the story clustering's term counts.

        ``fingerprints``: rows as ``put_fingerprints`` takes them, made at ingest. A row
        equal in body hash and parameters to the stored one is left alone; any other
        replaces it, is marked fresh, and the pairs of its article are dropped.

        ``articles``: Articles, or their rows as ``encode_article`` makes them."""
        now = time.time()
        added = updated = 0
        try:
            with self.db:
                for inp in clear_inputs:
                    self.db.execute("DELETE FROM errors WHERE input = ?", (inp,))
                seq = self.db.execute("SELECT COALESCE(MAX(seq), 0) FROM articles").fetchone()[0]
                old_seq = dict(self._in_chunks("SELECT id, seq FROM articles WHERE id IN ({})", [a.id for a in articles]))
                rows = []
                for a in articles:
                    row = a if isinstance(a, ArticleRow) else encode_article(a)
                    row_seq = old_seq.get(a.id)
                    if row_seq is not None:
                        updated += 1
                    else:
                        added += 1
                        seq += 1
                        row_seq = seq
                    rows.append((row[0], row_seq, *row[1:], now))
                self.db.executemany(
                    f"INSERT OR REPLACE INTO articles ({_ARTICLE_COLS}) VALUES ({','.join('?' * 17)})", rows)
                self.db.executemany(
                    "INSERT OR REPLACE INTO errors (input, record, kind, reason, run, at) VALUES (?,?,?,?,?,?)",
                    [(e.input, e.record or "", e.kind, e.reason, run, now) for e in errors],
                )
                if fingerprints:
                    have = {a: (h, p) for a, h, p in self._in_chunks(
                        "SELECT article, body_hash, params FROM fingerprints WHERE article IN ({})",
                        [r[0] for r in fingerprints])}
                    put = [r for r in fingerprints if have.get(r[0]) != (r[1], r[2])]
                    self._drop_pairs([r[0] for r in put if r[0] in have])
                    self._insert_fingerprints(put)
                # an updated article written without terms (a copies-only run, or terms that could not be
                # made) must not keep its old text's: the stories stage makes what is missing
                with_terms = {r[0] for r in story_terms}
                stale = [a.id for a in articles if a.id in old_seq and a.id not in with_terms]
                self._in_chunks("DELETE FROM story_terms WHERE article IN ({})", stale)
                if story_terms:
                    self.db.executemany("INSERT OR REPLACE INTO story_terms VALUES (?, ?, ?)", story_terms)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: cannot write: {exc}") from exc
        return added, updated

    def _in_chunks(self, query: str, ids: list[str], *, before: tuple = (), repeat: int = 1) -> list[tuple]:
        """``query`` run over ``ids``, 500 at a time: each of its ``repeat`` ``IN ({})`` holds the
        chunk, after the parameters ``before``; a SELECT's rows."""
        out: list[tuple] = []
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            marks = ",".join("?" * len(chunk))
            out.extend(self.db.execute(query.format(*[marks] * repeat), [*before, *chunk * repeat]).fetchall())
        return out

    @staticmethod
    def _article(row: tuple) -> Article:
        (id, _seq, raw_hash, body_hash, source, url, title, published, byline, text, removed, embeds,
         paragraphs, sentences, input, record, _at) = row
        return Article(
            id=id, source=source, url=url, title=title, published=published, byline=byline, text=text,
            removed=tuple(Removed(**r) for r in json.loads(removed)),
            embeds=tuple(Embed(**e) for e in json.loads(embeds)),
            paragraphs=tuple(tuple(p) for p in json.loads(paragraphs)),  # type: ignore[misc]
            sentences=tuple(tuple(s) for s in json.loads(sentences)),  # type: ignore[misc]
            input=input, record=record, raw_hash=raw_hash, body_hash=body_hash,
        )

    def article(self, id: str) -> Article:
        row = self.db.execute(f"SELECT {_ARTICLE_COLS} FROM articles WHERE id = ?", (id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no article with id '{id}' in {self.path}")
        return self._article(row)

    def articles(self, ids: Iterable[str] | None = None) -> Iterator[Article]:
        if ids is None:
            for row in self.db.execute(f"SELECT {_ARTICLE_COLS} FROM articles ORDER BY seq"):
                yield self._article(row)
            return
        for id in ids:
            yield self.article(id)

    def article_batch(self, ids: list[str]) -> dict[str, Article]:
        """Several articles by id in one query per 500 (missing ids are left out)."""
        return {row[0]: self._article(row)
                for row in self._in_chunks(f"SELECT {_ARTICLE_COLS} FROM articles WHERE id IN ({{}})", ids)}

    def count_articles(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]

    def article_meta(self) -> list[tuple[str, str | None, str | None, str | None, str]]:
        """(id, source, title, published, body_hash) of every article, in ingest order."""
        return self.db.execute("SELECT id, source, title, published, body_hash FROM articles ORDER BY seq").fetchall()

    def fingerprint_state(self) -> dict[str, tuple[str, str]]:
        """article -> (body_hash, params) of the stored fingerprints."""
        return {a: (h, p) for a, h, p in self.db.execute("SELECT article, body_hash, params FROM fingerprints")}

    def drop_fingerprints(self, ids: list[str]) -> None:
        with self.db:
            self._in_chunks("DELETE FROM fingerprints WHERE article IN ({})", ids)
            self._drop_pairs(ids)

    def _drop_pairs(self, ids: list[str]) -> None:
        self._in_chunks("DELETE FROM pairs WHERE a IN ({}) OR b IN ({})", ids, repeat=2)

    def _insert_fingerprints(self, rows: list[tuple[str, str, str, bytes, bytes, bytes, bytes]]) -> None:
        self.db.executemany(
            "INSERT OR REPLACE INTO fingerprints (article, body_hash, params, shingle_digest, word_digest, "
            "sentence_hashes, band_keys, fresh) VALUES (?,?,?,?,?,?,?,1)", rows)

    def put_fingerprints(self, rows: list[tuple[str, str, str, bytes, bytes, bytes, bytes]]) -> None:
        """rows: (article, body_hash, params, shingle_digest, word_digest, sentence_hashes, band_keys);
        stored fresh (see ``fresh_fingerprints``)."""
        with self.db:
            self._insert_fingerprints(rows)

    def fresh_fingerprints(self) -> set[str]:
        """Articles whose fingerprints are new since the last ``settle_fingerprints``."""
        return {a for (a,) in self.db.execute("SELECT article FROM fingerprints WHERE fresh = 1")}

    def settle_fingerprints(self, ids: Iterable[str] | None = None) -> None:
        """Mark fingerprints as no longer fresh (all, or those of ``ids``): their pairs are stored."""
        with self.db:
            if ids is None:
                self.db.execute("UPDATE fingerprints SET fresh = 0 WHERE fresh = 1")
                return
            self._in_chunks("UPDATE fingerprints SET fresh = 0 WHERE article IN ({})", list(ids))

    def fingerprints(self) -> list[tuple[str, str, bytes, bytes, bytes, bytes]]:
        """(article, body_hash, shingle_digest, word_digest, sentence_hashes, band_keys), in ingest order."""
        return self.db.execute(
            "SELECT f.article, f.body_hash, f.shingle_digest, f.word_digest, f.sentence_hashes, f.band_keys "
            "FROM fingerprints f JOIN articles a ON a.id = f.article ORDER BY a.seq").fetchall()

    def known_pairs(self) -> set[tuple[str, str]]:
        return {(a, b) for a, b in self.db.execute("SELECT a, b FROM pairs")}

    def put_pairs(self, rows: list[tuple[str, str, bool, dict | None]]) -> None:
        with self.db:
            self.db.executemany("INSERT OR REPLACE INTO pairs VALUES (?,?,?,?)",
                                [(a, b, int(r), _dumps(d) if d is not None else None) for a, b, r, d in rows])

    def related_pairs(self) -> list[dict]:
        return list(self.iter_related_pairs())

    def iter_related_pairs(self, *, without: Iterable[str] = ()) -> Iterator[dict]:
        """The decided pairs that are reuse, one at a time (a large store's do not fit in memory
        whole). ``without``: dotted paths of fields left out ("ab.passages"), dropped by SQLite
        before the JSON reaches Python (at 100k articles 1.0 s against 2.8 s decoding them)."""
        paths = [f"$.{p}" for p in without]
        data = f"json_remove(data, {', '.join('?' * len(paths))})" if paths else "data"
        for (d,) in self.db.execute(f"SELECT {data} FROM pairs WHERE related = 1 ORDER BY a, b", paths):
            yield json.loads(d)

    def replace_relations(self, relations: Iterable[Relation]) -> None:
        """All relations replaced by ``relations`` in one transaction, written as they come
        (``relations`` may be made from a read of this store's pairs)."""
        insert = "INSERT OR REPLACE INTO relations VALUES (?,?,?,?,?,?,?,?,?)"
        with self.db:
            self.db.execute("DELETE FROM relations")
            rows = []
            for r in relations:
                rows.append((r.original, r.derived, r.type, r.via, r.share, r.direction_confidence,
                             _dumps(list(r.evidence)), _dumps([p.to_dict() for p in r.passages]),
                             _dumps([c.to_dict() for c in r.changes])))
                if len(rows) >= 1000:
                    self.db.executemany(insert, rows)
                    rows = []
            self.db.executemany(insert, rows)

    def relations(self, article: str | None = None) -> list[Relation]:
        q = "SELECT original, derived, type, via, share, direction_confidence, evidence, passages, changes FROM relations"
        args: tuple = ()
        if article is not None:
            q += " WHERE original = ? OR derived = ?"
            args = (article, article)
        return [self._relation(row) for row in self.db.execute(q + " ORDER BY original, derived", args)]

    @staticmethod
    def _relation(row: tuple) -> Relation:
        o, d, t, via, share, conf, ev, ps, cs = row
        return Relation(
            original=o, derived=d, type=t, via=via, share=share, direction_confidence=conf,
            evidence=tuple(json.loads(ev)),
            passages=tuple(Passage(tuple(p["original"]), tuple(p["derived"]), p["kind"])  # type: ignore[arg-type]
                           for p in json.loads(ps)),
            changes=tuple(Change(c["kind"], c["original_text"], c["derived_text"], tuple(c["derived"]))  # type: ignore[arg-type]
                          for c in json.loads(cs)),
        )

    # -- stories ------------------------------------------------------------------------
    def replace_stories(self, stories: Iterable[Story]) -> None:
        with self.db:
            self.db.execute("DELETE FROM stories")
            self.db.execute("DELETE FROM story_articles")
            for s in stories:
                self.db.execute("INSERT INTO stories VALUES (?, ?)", (s.id, _dumps(s.to_dict())))
                self.db.executemany("INSERT OR REPLACE INTO story_articles VALUES (?, ?)",
                                    [(a, s.id) for a in s.articles])

    def update_stories(self, stories: Iterable[Story]) -> None:
        """Store new data for stories that exist (their articles unchanged), e.g. once enriched."""
        with self.db:
            self.db.executemany("UPDATE stories SET data = ? WHERE id = ?",
                                [(_dumps(s.to_dict()), s.id) for s in stories])

    @staticmethod
    def _story(data: dict) -> Story:
        return Story(
            id=data["id"], title=data["title"], articles=tuple(data["articles"]), originals=tuple(data["originals"]),
            first_seen=data["first_seen"],
            tree=tuple(TreeEdge(**t) for t in data.get("tree", [])),
            timeline=tuple(TimelineEntry(**t) for t in data.get("timeline", [])),
            entities=tuple(Entity(e["name"], e["kind"], tuple(e["aliases"]), tuple(e["articles"]))
                           for e in data.get("entities", [])),
            facts=tuple(Fact(f["text"], tuple(f["sources"]), f["independent_sources"],
                             tuple(Disagreement(d["about"], d["kind"],
                                                tuple(Claim(c["text"], tuple(c["sources"])) for c in d["claims"]))
                                   for d in f["disagreements"]))
                        for f in data.get("facts", [])),
            brief=tuple(BriefSentence(b["text"], tuple(b["sources"])) for b in data.get("brief", [])),
            enriched=data.get("enriched"),
        )

    def stories(self) -> list[Story]:
        return [self._story(json.loads(d)) for (d,) in self.db.execute("SELECT data FROM stories ORDER BY id")]

    def story(self, id: str) -> Story:
        row = self.db.execute("SELECT data FROM stories WHERE id = ?", (id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no story with id '{id}' in {self.path}")
        return self._story(json.loads(row[0]))

    def story_assignments(self) -> dict[str, str]:
        """article -> story id, as the last run left them."""
        return dict(self.db.execute("SELECT article, story FROM story_articles"))

    def add_story_changes(self, changes: Iterable[StoryChange], run: int | None) -> None:
        now = time.time()
        with self.db:
            self.db.executemany("INSERT INTO story_changes VALUES (?, ?, ?, ?, ?)",
                                [(run, c.kind, c.story, _dumps(list(c.others)), now) for c in changes])

    def story_changes(self, story: str | None = None) -> list[StoryChange]:
        """Merges and splits, oldest first; those naming ``story`` (either side) if given."""
        rows = self.db.execute("SELECT run, kind, story, others FROM story_changes ORDER BY rowid").fetchall()
        out = [StoryChange(kind, sid, tuple(json.loads(others)), run) for run, kind, sid, others in rows]
        return [c for c in out if story is None or c.story == story or story in c.others]

    def story_terms(self, version: str) -> dict[str, bytes]:
        """article -> its stored story terms, for the terms made by ``version``."""
        return dict(self.db.execute("SELECT article, data FROM story_terms WHERE version = ?", (version,)))

    def put_story_terms(self, rows: Iterable[tuple[str, str, bytes]]) -> None:
        """Store (article, version, blob) rows of story terms."""
        with self.db:
            self.db.executemany("INSERT OR REPLACE INTO story_terms VALUES (?, ?, ?)", rows)

    def story_links(self, params: str) -> list[tuple[str, str, float]]:
        """The similarity links the last story clustering found, if made with ``params``."""
        return self.db.execute("SELECT a, b, w FROM story_links WHERE params = ?", (params,)).fetchall()

    def replace_story_links(self, links: Iterable[tuple[str, str, float]], params: str) -> None:
        with self.db:
            self.db.execute("DELETE FROM story_links")
            self.db.executemany("INSERT INTO story_links VALUES (?, ?, ?, ?)", ((a, b, w, params) for a, b, w in links))

    def article_entities(self, ids: Iterable[str], version: str) -> dict[str, list]:
        """Cached entity mentions of ``ids`` made by entity extractor ``version``."""
        return {a: json.loads(data) for a, data in self._in_chunks(
            "SELECT article, data FROM article_entities WHERE version = ? AND article IN ({})", list(ids),
            before=(version,))}

    def put_article_entities(self, rows: dict[str, list], version: str) -> None:
        with self.db:
            self.db.executemany("INSERT OR REPLACE INTO article_entities VALUES (?, ?, ?)",
                                [(a, version, _dumps(m)) for a, m in rows.items()])

    def errors(self) -> list[ErrorRecord]:
        rows = self.db.execute("SELECT input, record, reason, kind FROM errors ORDER BY input, at, record")
        return [ErrorRecord(i, r or None, reason, kind) for i, r, reason, kind in rows]

    def start_run(self, command: str, inputs: list[str]) -> int:
        with self.db:
            cur = self.db.execute("INSERT INTO runs (command, inputs, started_at) VALUES (?, ?, ?)",
                                  (command, _dumps(inputs), time.time()))
        return int(cur.lastrowid or 0)

    def finish_run(self, run_id: int, stats: dict) -> None:
        with self.db:
            self.db.execute("UPDATE runs SET finished_at = ?, stats = ? WHERE id = ?",
                            (time.time(), _dumps(stats), run_id))

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "SQLiteStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- listings and search for the web UI and HTTP API (copydesk serve) ------------------
    _REL_COLS = "original, derived, type, via, share, direction_confidence, evidence, passages, changes"

    def story_summaries(self) -> list[tuple[str, str | None, int, list[str], str | None]]:
        """(id, title, article count, originals, first_seen) of every story, read without
        decoding whole stories (their entities, facts and briefs)."""
        rows = self.db.execute(
            "SELECT id, json_extract(data, '$.title'), json_array_length(data, '$.articles'), "
            "json_extract(data, '$.originals'), json_extract(data, '$.first_seen') FROM stories").fetchall()
        return [(i, t, n or 0, json.loads(o) if o else [], f) for i, t, n, o, f in rows]

    def story_members(self) -> list[tuple[str, str, str | None, str | None]]:
        """(story, article, source, published) for every article that belongs to a story."""
        return self.db.execute("SELECT sa.story, a.id, a.source, a.published FROM story_articles sa "
                               "JOIN articles a ON a.id = sa.article").fetchall()

    def story_of(self, article: str) -> str | None:
        row = self.db.execute("SELECT story FROM story_articles WHERE article = ?", (article,)).fetchone()
        return row[0] if row else None

    def relations_page(self, *, article: str | None = None, type: str | None = None, limit: int = 50,
                       offset: int = 0) -> tuple[int, list[Relation]]:
        """(total, one page of relations), optionally those of one article and/or of one type."""
        where, args = [], []
        if article is not None:
            where.append("(original = ? OR derived = ?)")
            args += [article, article]
        if type is not None:
            where.append("type = ?")
            args.append(type)
        cond = (" WHERE " + " AND ".join(where)) if where else ""
        total = self.db.execute("SELECT COUNT(*) FROM relations" + cond, args).fetchone()[0]
        rows = self.db.execute(f"SELECT {self._REL_COLS} FROM relations{cond} ORDER BY original, derived "
                               "LIMIT ? OFFSET ?", [*args, limit, offset])
        return total, [self._relation(r) for r in rows]

    def relations_from(self, originals: list[str]) -> list[Relation]:
        """Every relation whose original is one of ``originals`` (a story's articles: a story
        holds both ends of each of its relations)."""
        rows = self._in_chunks(f"SELECT {self._REL_COLS} FROM relations WHERE original IN ({{}})", originals)
        return sorted((self._relation(r) for r in rows), key=lambda r: (r.original, r.derived))

    def search_articles(self, text: str, *, limit: int = 50, offset: int = 0
                        ) -> tuple[int, list[tuple[str, str | None, str | None, str | None, str]]]:
        """(total, page of (id, source, title, published, snippet)) of the articles whose id,
        title or clean body contains ``text`` (case-insensitive for ASCII), in ingest order."""
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        cond = ("FROM articles WHERE title LIKE ?1 ESCAPE '\\' OR text LIKE ?1 ESCAPE '\\' "
                "OR id LIKE ?1 ESCAPE '\\'")
        total = self.db.execute("SELECT COUNT(*) " + cond, (pattern,)).fetchone()[0]
        rows = self.db.execute(
            "SELECT id, source, title, published, substr(text, max(1, instr(lower(text), lower(?2)) - 80), 240) "
            + cond + " ORDER BY seq LIMIT ?3 OFFSET ?4", (pattern, text, limit, offset)).fetchall()
        return total, rows
