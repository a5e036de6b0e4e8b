"""What every SQL store shares: the tables, and every query written once. A backend
(``sqlite.py``, the embedded default; ``postgres.py``) opens the connection, keeps the
schema and fills in the few places where the two dialects differ: how a statement runs,
how a row is replaced, JSON functions, case-insensitive search."""

from __future__ import annotations

import json
import time
from collections import namedtuple
from typing import Any, ContextManager, Iterable, Iterator

from ..errors import NotFoundError, SchemaError, SchemaOutdatedError, StoreError
from ..model import (
    Article, BriefSentence, Change, Claim, Disagreement, Embed, Entity, ErrorRecord, Fact, Passage, Relation,
    Removed, Story, StoryChange, TimelineEntry, TreeEdge,
)

_ARTICLE_COLS = ("id, seq, raw_hash, body_hash, source, url, title, published, crawled, byline, text, removed, "
                 "embeds, paragraphs, sentences, input, record, ingested_at")

#: table -> (its columns in order, its key): what ``_upsert`` writes and what a row replaces
TABLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "articles": (tuple(_ARTICLE_COLS.split(", ")), ("id",)),
    "errors": (("input", "record", "kind", "reason", "run", "at"), ("input", "record", "reason")),
    "fingerprints": (("article", "body_hash", "params", "shingle_digest", "word_digest", "sentence_hashes",
                      "band_keys", "fresh"), ("article",)),
    "pairs": (("a", "b", "related", "data"), ("a", "b")),
    "relations": (("original", "derived", "type", "via", "share", "direction_confidence", "evidence", "passages",
                   "changes"), ("original", "derived")),
    "story_articles": (("article", "story"), ("article",)),
    "story_terms": (("article", "version", "data"), ("article",)),
    "article_entities": (("article", "version", "data"), ("article",)),
}


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


#: An article as the articles table holds it, all but its sequence number and time of writing (the
#: store's to give): made by ``encode_article``, which the ingest runs in its worker processes, so
#: that the one process that writes only writes. Its fields are the table's columns.
ArticleRow = namedtuple("ArticleRow", [c for c in _ARTICLE_COLS.split(", ") if c not in ("seq", "ingested_at")])


def encode_article(a: Article) -> ArticleRow:
    return ArticleRow(a.id, a.raw_hash, a.body_hash, a.source, a.url, a.title, a.published, a.crawled, a.byline, a.text,
                      _dumps([r.to_dict() for r in a.removed]), _dumps([e.to_dict() for e in a.embeds]),
                      _dumps(a.paragraphs), _dumps(a.sentences), a.input, a.record)


class SQLStore:
    """A copydesk database over a DB-API connection ``db``; statements are written with ``?``
    placeholders. A backend sets ``path`` (the database's name in messages), ``url``, ``db``
    and the dialect's parts below."""

    #: Article -> the row ``write_batch`` writes of it (a plain function: the ingest workers call it)
    encode_article = staticmethod(encode_article)

    path: str
    url: str
    db: Any
    #: the driver's database errors (turned into StoreError where a write fails)
    DB_ERRORS: tuple[type[BaseException], ...] = ()
    #: SELECT (id, title, article count, originals as JSON text, first_seen) of every story
    SUMMARY_SQL: str
    #: the case-insensitive LIKE, the larger of two numbers, the 1-based position of a substring (0 if absent)
    LIKE = "LIKE"
    GREATEST = "max"
    FIND = "instr"
    #: an expression that orders a table's rows as they were inserted
    INSERT_ORDER = "rowid"

    # -- the dialect ----------------------------------------------------------------------
    def _x(self, sql: str, args: Iterable[Any] = ()) -> Any:
        """Run one statement; returns the cursor."""
        raise NotImplementedError

    def _many(self, sql: str, rows: Iterable[Iterable[Any]]) -> None:
        """Run one statement for each of ``rows``."""
        raise NotImplementedError

    def _iter(self, sql: str, args: Iterable[Any] = ()) -> Iterable[Any]:
        """The rows of a query that may be large, fetched as they are read (a SQLite cursor does
        that already; a server's driver would fetch them all first)."""
        return self._x(sql, args)

    def _check_schema(self, version: int, latest: int, *, readonly: str | None) -> bool:
        """Whether the schema at ``version`` must be migrated to ``latest``; a newer one, or one that
        needs migrating in a store opened read-only (``readonly``: why it is), is an error."""
        if version > latest:
            raise SchemaError(f"{self.path}: schema version {version} is newer than this copydesk understands "
                              f"({latest})")
        if version < latest and readonly:
            raise SchemaOutdatedError(f"{self.path}: schema version {version} needs migrating, and {readonly}")
        return version < latest

    def _tx(self) -> ContextManager[Any]:
        """One transaction: committed when the block ends, rolled back if it raises."""
        raise NotImplementedError

    def _upsert(self, table: str) -> str:
        """An INSERT of a whole row of ``table`` that replaces the row with the same key."""
        raise NotImplementedError

    def _insert_id(self, sql: str, args: tuple) -> int:
        """Run an INSERT into a table with an ``id`` key made by the database; returns the id."""
        raise NotImplementedError

    def _json_without(self, column: str, paths: list[str]) -> tuple[str, list[Any]]:
        """An expression for the JSON text of ``column`` with the dotted ``paths`` ("ab.passages")
        removed, and its parameters."""
        raise NotImplementedError

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
            with self._tx():
                for inp in clear_inputs:
                    self._x("DELETE FROM errors WHERE input = ?", (inp,))
                seq = self._x("SELECT COALESCE(MAX(seq), 0) FROM articles").fetchone()[0]
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
                self._many(
                    self._upsert("articles"), rows)
                self._many(
                    self._upsert("errors"),
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
                    self._many(self._upsert("story_terms"), story_terms)
        except self.DB_ERRORS as exc:
            raise StoreError(f"{self.path}: cannot write: {exc}") from exc
        return added, updated

    def _in_chunks(self, query: str, ids: list[str], *, before: tuple = (), repeat: int = 1) -> list[tuple]:
        """``query`` run over ``ids``, 500 at a time: each of its ``repeat`` ``IN ({})`` holds the
        chunk, after the parameters ``before``; a SELECT's rows."""
        out: list[tuple] = []
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            marks = ",".join("?" * len(chunk))
            cur = self._x(query.format(*[marks] * repeat), [*before, *chunk * repeat])
            if cur.description is not None:  # (an UPDATE or DELETE returns no rows to fetch)
                out.extend(cur.fetchall())
        return out

    @staticmethod
    def _article(row: tuple) -> Article:
        (id, _seq, raw_hash, body_hash, source, url, title, published, crawled, byline, text, removed, embeds,
         paragraphs, sentences, input, record, _at) = row
        return Article(
            id=id, source=source, url=url, title=title, published=published, crawled=crawled, byline=byline, text=text,
            removed=tuple(Removed(**r) for r in json.loads(removed)),
            embeds=tuple(Embed(**e) for e in json.loads(embeds)),
            paragraphs=tuple(tuple(p) for p in json.loads(paragraphs)),  # type: ignore[misc]
            sentences=tuple(tuple(s) for s in json.loads(sentences)),  # type: ignore[misc]
            input=input, record=record, raw_hash=raw_hash, body_hash=body_hash,
        )

    def article(self, id: str) -> Article:
        row = self._x(f"SELECT {_ARTICLE_COLS} FROM articles WHERE id = ?", (id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no article with id '{id}' in {self.path}")
        return self._article(row)

    def articles(self, ids: Iterable[str] | None = None) -> Iterator[Article]:
        if ids is None:
            for row in self._iter(f"SELECT {_ARTICLE_COLS} FROM articles ORDER BY seq"):
                yield self._article(row)
            return
        for id in ids:
            yield self.article(id)

    def article_batch(self, ids: list[str]) -> dict[str, Article]:
        """Several articles by id in one query per 500 (missing ids are left out)."""
        return {row[0]: self._article(row)
                for row in self._in_chunks(f"SELECT {_ARTICLE_COLS} FROM articles WHERE id IN ({{}})", ids)}

    def count_articles(self) -> int:
        return self._x("SELECT COUNT(*) FROM articles").fetchone()[0]

    def article_meta(self) -> list[tuple[str, str | None, str | None, str | None, str]]:
        """(id, source, title, date, body_hash) of every article, in ingest order; the date is the one a
        story's timeline shows (``Article.seen``: published, else crawled)."""
        return self._x("SELECT id, source, title, COALESCE(published, crawled), body_hash FROM articles "
                       "ORDER BY seq").fetchall()

    def fingerprint_state(self) -> dict[str, tuple[str, str]]:
        """article -> (body_hash, params) of the stored fingerprints."""
        return {a: (h, p) for a, h, p in self._x("SELECT article, body_hash, params FROM fingerprints")}

    def drop_fingerprints(self, ids: list[str]) -> None:
        with self._tx():
            self._in_chunks("DELETE FROM fingerprints WHERE article IN ({})", ids)
            self._drop_pairs(ids)

    def _drop_pairs(self, ids: list[str]) -> None:
        self._in_chunks("DELETE FROM pairs WHERE a IN ({}) OR b IN ({})", ids, repeat=2)

    def _insert_fingerprints(self, rows: list[tuple[str, str, str, bytes, bytes, bytes, bytes]]) -> None:
        self._many(self._upsert("fingerprints"), [(*r, 1) for r in rows])

    def put_fingerprints(self, rows: list[tuple[str, str, str, bytes, bytes, bytes, bytes]]) -> None:
        """rows: (article, body_hash, params, shingle_digest, word_digest, sentence_hashes, band_keys);
        stored fresh (see ``fresh_fingerprints``)."""
        with self._tx():
            self._insert_fingerprints(rows)

    def fresh_fingerprints(self) -> set[str]:
        """Articles whose fingerprints are new since the last ``settle_fingerprints``."""
        return {a for (a,) in self._x("SELECT article FROM fingerprints WHERE fresh = 1")}

    def settle_fingerprints(self, ids: Iterable[str] | None = None) -> None:
        """Mark fingerprints as no longer fresh (all, or those of ``ids``): their pairs are stored."""
        with self._tx():
            if ids is None:
                self._x("UPDATE fingerprints SET fresh = 0 WHERE fresh = 1")
                return
            self._in_chunks("UPDATE fingerprints SET fresh = 0 WHERE article IN ({})", list(ids))

    def fingerprints(self) -> list[tuple[str, str, bytes, bytes, bytes, bytes]]:
        """(article, body_hash, shingle_digest, word_digest, sentence_hashes, band_keys), in ingest order."""
        return self._x(
            "SELECT f.article, f.body_hash, f.shingle_digest, f.word_digest, f.sentence_hashes, f.band_keys "
            "FROM fingerprints f JOIN articles a ON a.id = f.article ORDER BY a.seq").fetchall()

    def known_pairs(self) -> set[tuple[str, str]]:
        return {(a, b) for a, b in self._x("SELECT a, b FROM pairs")}

    def put_pairs(self, rows: list[tuple[str, str, bool, dict | None]]) -> None:
        with self._tx():
            self._many(self._upsert("pairs"),
                       [(a, b, int(r), _dumps(d) if d is not None else None) for a, b, r, d in rows])

    def related_pairs(self) -> list[dict]:
        return list(self.iter_related_pairs())

    def iter_related_pairs(self, *, without: Iterable[str] = ()) -> Iterator[dict]:
        """The decided pairs that are reuse, one at a time (a large store's do not fit in memory
        whole). ``without``: dotted paths of fields left out ("ab.passages"), dropped by SQLite
        before the JSON reaches Python (at 100k articles 1.0 s against 2.8 s decoding them)."""
        data, args = self._json_without("data", list(without))
        for (d,) in self._iter(f"SELECT {data} FROM pairs WHERE related = 1 ORDER BY a, b", args):
            yield json.loads(d)

    def replace_relations(self, relations: Iterable[Relation]) -> None:
        """All relations replaced by ``relations`` in one transaction, written as they come
        (``relations`` may be made from a read of this store's pairs)."""
        insert = self._upsert("relations")
        with self._tx():
            self._x("DELETE FROM relations")
            rows = []
            for r in relations:
                rows.append((r.original, r.derived, r.type, r.via, r.share, r.direction_confidence,
                             _dumps(list(r.evidence)), _dumps([p.to_dict() for p in r.passages]),
                             _dumps([c.to_dict() for c in r.changes])))
                if len(rows) >= 1000:
                    self._many(insert, rows)
                    rows = []
            self._many(insert, rows)

    def relations(self, article: str | None = None) -> list[Relation]:
        q = "SELECT original, derived, type, via, share, direction_confidence, evidence, passages, changes FROM relations"
        args: tuple = ()
        if article is not None:
            q += " WHERE original = ? OR derived = ?"
            args = (article, article)
        return [self._relation(row) for row in self._x(q + " ORDER BY original, derived", args)]

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
        with self._tx():
            self._x("DELETE FROM stories")
            self._x("DELETE FROM story_articles")
            for s in stories:
                self._x("INSERT INTO stories VALUES (?, ?)", (s.id, _dumps(s.to_dict())))
                self._many(self._upsert("story_articles"),
                           [(a, s.id) for a in s.articles])

    def update_stories(self, stories: Iterable[Story]) -> None:
        """Store new data for stories that exist (their articles unchanged), e.g. once enriched."""
        with self._tx():
            self._many("UPDATE stories SET data = ? WHERE id = ?",
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
        return [self._story(json.loads(d)) for (d,) in self._x("SELECT data FROM stories ORDER BY id")]

    def story(self, id: str) -> Story:
        row = self._x("SELECT data FROM stories WHERE id = ?", (id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no story with id '{id}' in {self.path}")
        return self._story(json.loads(row[0]))

    def story_assignments(self) -> dict[str, str]:
        """article -> story id, as the last run left them."""
        return dict(self._x("SELECT article, story FROM story_articles"))

    def add_story_changes(self, changes: Iterable[StoryChange], run: int | None) -> None:
        now = time.time()
        with self._tx():
            self._many("INSERT INTO story_changes (run, kind, story, others, at) VALUES (?, ?, ?, ?, ?)",
                       [(run, c.kind, c.story, _dumps(list(c.others)), now) for c in changes])

    def story_changes(self, story: str | None = None) -> list[StoryChange]:
        """Merges and splits, oldest first; those naming ``story`` (either side) if given."""
        rows = self._x(f"SELECT run, kind, story, others FROM story_changes ORDER BY {self.INSERT_ORDER}").fetchall()
        out = [StoryChange(kind, sid, tuple(json.loads(others)), run) for run, kind, sid, others in rows]
        return [c for c in out if story is None or c.story == story or story in c.others]

    def story_terms(self, version: str) -> dict[str, bytes]:
        """article -> its stored story terms, for the terms made by ``version``."""
        return dict(self._x("SELECT article, data FROM story_terms WHERE version = ?", (version,)))

    def put_story_terms(self, rows: Iterable[tuple[str, str, bytes]]) -> None:
        """Store (article, version, blob) rows of story terms."""
        with self._tx():
            self._many(self._upsert("story_terms"), rows)

    def story_links(self, params: str) -> list[tuple[str, str, float]]:
        """The similarity links the last story clustering found, if made with ``params``."""
        return self._x("SELECT a, b, w FROM story_links WHERE params = ?", (params,)).fetchall()

    def replace_story_links(self, links: Iterable[tuple[str, str, float]], params: str) -> None:
        with self._tx():
            self._x("DELETE FROM story_links")
            self._many("INSERT INTO story_links VALUES (?, ?, ?, ?)", ((a, b, w, params) for a, b, w in links))

    def article_entities(self, ids: Iterable[str], version: str) -> dict[str, list]:
        """Cached entity mentions of ``ids`` made by entity extractor ``version``."""
        return {a: json.loads(data) for a, data in self._in_chunks(
            "SELECT article, data FROM article_entities WHERE version = ? AND article IN ({})", list(ids),
            before=(version,))}

    def put_article_entities(self, rows: dict[str, list], version: str) -> None:
        with self._tx():
            self._many(self._upsert("article_entities"),
                       [(a, version, _dumps(m)) for a, m in rows.items()])

    def errors(self) -> list[ErrorRecord]:
        rows = self._x("SELECT input, record, reason, kind FROM errors ORDER BY input, at, record")
        return [ErrorRecord(i, r or None, reason, kind) for i, r, reason, kind in rows]

    def start_run(self, command: str, inputs: list[str]) -> int:
        with self._tx():
            return self._insert_id("INSERT INTO runs (command, inputs, started_at) VALUES (?, ?, ?)",
                                   (command, _dumps(inputs), time.time()))

    def finish_run(self, run_id: int, stats: dict) -> None:
        with self._tx():
            self._x("UPDATE runs SET finished_at = ?, stats = ? WHERE id = ?",
                    (time.time(), _dumps(stats), run_id))

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "SQLStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- listings and search for the web UI and HTTP API (copydesk serve) ------------------
    _REL_COLS = "original, derived, type, via, share, direction_confidence, evidence, passages, changes"

    def story_summaries(self) -> list[tuple[str, str | None, int, list[str], str | None]]:
        """(id, title, article count, originals, first_seen) of every story, read without
        decoding whole stories (their entities, facts and briefs)."""
        rows = self._x(self.SUMMARY_SQL).fetchall()
        return [(i, t, n or 0, json.loads(o) if o else [], f) for i, t, n, o, f in rows]

    def crawl_dated(self) -> set[str]:
        """The articles that declare no publication date but were crawled (``Article.seen`` is then
        the crawl time)."""
        return {r[0] for r in self._x("SELECT id FROM articles WHERE published IS NULL AND crawled IS NOT NULL")}

    def story_members(self) -> list[tuple[str, str, str | None, str | None]]:
        """(story, article, source, date) for every article that belongs to a story (the date as in
        ``article_meta``)."""
        return self._x("SELECT sa.story, a.id, a.source, COALESCE(a.published, a.crawled) FROM story_articles sa "
                       "JOIN articles a ON a.id = sa.article").fetchall()

    def story_of(self, article: str) -> str | None:
        row = self._x("SELECT story FROM story_articles WHERE article = ?", (article,)).fetchone()
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
        total = self._x("SELECT COUNT(*) FROM relations" + cond, args).fetchone()[0]
        rows = self._x(f"SELECT {self._REL_COLS} FROM relations{cond} ORDER BY original, derived "
                       "LIMIT ? OFFSET ?", [*args, limit, offset])
        return total, [self._relation(r) for r in rows]

    def relation_edges(self) -> list[Relation]:
        """Every relation without its evidence, passages and changes (who derives from whom, how,
        how much), in (original, derived) order: what a dataset export needs, light at any size."""
        return [Relation(original=o, derived=d, type=t, via=via, share=share, direction_confidence=conf)
                for o, d, t, via, share, conf in self._x(
                    "SELECT original, derived, type, via, share, direction_confidence FROM relations "
                    "ORDER BY original, derived")]

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
        like = self.LIKE
        cond = (f"FROM articles WHERE title {like} ? ESCAPE '\\' OR text {like} ? ESCAPE '\\' "
                f"OR id {like} ? ESCAPE '\\'")
        total = self._x("SELECT COUNT(*) " + cond, (pattern,) * 3).fetchone()[0]
        rows = self._x(
            f"SELECT id, source, title, published, "
            f"substr(text, {self.GREATEST}(1, {self.FIND}(lower(text), lower(?)) - 80), 240) " + cond + " ORDER BY seq LIMIT ? OFFSET ?", (text, *(pattern,) * 3, limit, offset)).fetchall()
        return total, rows
