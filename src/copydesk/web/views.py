"""What the pages and the API show, built from the store: plain data, no HTTP and no HTML.

Untrusted text (article bodies, titles, sources, urls) is never turned into markup
here: highlighting is a list of segments (text plus attributes chosen by copydesk)
that the templates render with autoescaping on."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence
from urllib.parse import quote, urlsplit

from ..dates import date_sort_key, to_instant
from ..model import Article, Change, Relation, Story
from ..relate.changes import MEANING

#: passage kinds, in the order the legend shows them
PASSAGE_KINDS = ("verbatim", "edited", "paraphrase")
SORTS = ("recent", "size", "sources", "copies", "title")


def safe_url(url: str | None) -> str | None:
    """``url`` when it is an absolute http(s) link (then it may be an href), else None."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url.strip()


def path_id(id: str) -> str:
    """An id as one URL path segment (ids may hold '/', spaces, anything)."""
    return quote(id, safe="")


def article_href(id: str) -> str:
    return "/articles/" + path_id(id)


def compare_href(a: str, b: str) -> str:
    return f"/compare/{path_id(a)}/{path_id(b)}"


def story_href(id: str) -> str:
    return "/stories/" + path_id(id)


# -- story list ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class StorySummary:
    id: str
    title: str | None
    articles: int
    independent: int      # articles that derive from no other: originals and independent reports
    copies: int           # articles that reuse another article of the story
    sources: int
    first_seen: str | None
    last_seen: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "articles": self.articles, "independent": self.independent,
                "copies": self.copies, "sources": self.sources, "first_seen": self.first_seen,
                "last_seen": self.last_seen}


class StoryIndex:
    """Every story's summary, kept in memory and rebuilt when the database changes (a new
    analysis, an ingest through the API: ``store.change_key``). Searching, sorting and paging it costs
    no query, which keeps the story list fast on large databases."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple | None = None
        self._items: list[StorySummary] = []
        self._sorted: dict[str, list[StorySummary]] = {}

    def items(self, store) -> list[StorySummary]:
        key = store.change_key()
        if key != self._key:
            with self._lock:
                if key != self._key:
                    self._items = self._build(store)
                    self._sorted = {}
                    self._key = key
        return self._items

    @staticmethod
    def _build(store) -> list[StorySummary]:
        from ..api import story_summaries

        return [StorySummary(id=s.id, title=s.title, articles=s.articles, independent=s.independent_sources,
                             copies=s.copies, sources=len(s.sources), first_seen=s.first_seen, last_seen=s.last_seen)
                for s in story_summaries(store)]

    def query(self, store, *, q: str = "", sort: str = "recent", limit: int = 50, offset: int = 0
              ) -> tuple[int, list[StorySummary], dict[str, int]]:
        """(total matching, one page, totals over the matching stories)."""
        items = self.items(store)
        if sort not in SORTS:
            raise ValueError(f"unknown sort '{sort}' (one of: {', '.join(SORTS)})")
        ordered = self._sorted.get(sort)
        if ordered is None:
            ordered = sorted(items, key=_SORT_KEYS[sort])
            self._sorted[sort] = ordered
        if q.strip():
            needle = q.strip().casefold()
            ordered = [s for s in ordered if needle in (s.title or "").casefold() or needle in s.id.casefold()]
        totals = {"stories": len(ordered), "articles": sum(s.articles for s in ordered),
                  "copies": sum(s.copies for s in ordered), "independent": sum(s.independent for s in ordered)}
        return len(ordered), ordered[offset:offset + limit], totals


def _recent_key(s: StorySummary) -> tuple:
    key = date_sort_key(s.last_seen) or ""
    # newest first; undated stories last
    return (key == "", _Desc(key), s.id)


class _Desc:
    __slots__ = ("v",)

    def __init__(self, v: str):
        self.v = v

    def __lt__(self, other: "_Desc") -> bool:
        return self.v > other.v

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Desc) and self.v == other.v


_SORT_KEYS = {
    "recent": _recent_key,
    "size": lambda s: (-s.articles, -s.copies, s.id),
    "sources": lambda s: (-s.sources, -s.articles, s.id),
    "copies": lambda s: (-s.copies, -s.articles, s.id),
    "title": lambda s: ((s.title or "").casefold(), s.id),
}


# -- highlighted text ---------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Mark:
    """A span of text to highlight: ``css`` classes, and optionally a link, a tooltip and
    the number of the aligned passage it belongs to."""

    start: int
    end: int
    css: str
    href: str | None = None
    title: str | None = None
    passage: int | None = None
    layer: str = "passage"   # "passage" marks may link; "change" marks only add classes


@dataclass(slots=True)
class Segment:
    text: str
    css: str = ""
    href: str | None = None
    title: str | None = None
    passage: int | None = None


def paint(text: str, marks: Iterable[Mark]) -> list[Segment]:
    """Cut ``text`` into segments at every mark boundary; each segment carries the classes, link
    and passage number of the first passage mark covering it, the classes of the change marks
    covering it, and the tooltips of all of them. Marks may overlap; out-of-range offsets are clipped."""
    n = len(text)
    marks = [m for m in marks if 0 <= min(m.start, n) < min(m.end, n)]
    if not marks:
        return [Segment(text)] if text else []
    bounds = sorted({0, n, *(min(max(m.start, 0), n) for m in marks), *(min(m.end, n) for m in marks)})
    segments: list[Segment] = []
    for lo, hi in zip(bounds, bounds[1:]):
        if lo >= hi:
            continue
        cover = [m for m in marks if m.start <= lo and hi <= m.end]
        passage = next((m for m in cover if m.layer == "passage"), None)
        shown = ([passage] if passage else []) + [m for m in cover if m.layer != "passage"]
        css = " ".join(dict.fromkeys(c for m in shown for c in m.css.split()))
        titles = "; ".join(dict.fromkeys(m.title for m in cover if m.title)) or None
        seg = Segment(text[lo:hi], css, passage.href if passage else None, titles,
                      passage.passage if passage else None)
        prev = segments[-1] if segments else None
        if prev and (prev.css, prev.href, prev.title, prev.passage) == (seg.css, seg.href, seg.title, seg.passage):
            prev.text += seg.text
        else:
            segments.append(seg)
    return segments


def _change_marks(changes: Sequence[Change]) -> list[Mark]:
    out = []
    for c in changes:
        if c.kind in ("added", "dropped"):
            continue
        meaning = c.kind in MEANING
        out.append(Mark(c.derived[0], c.derived[1], "change meaning" if meaning else "change",
                        title=f"{c.kind}: was “{c.original_text}”", layer="change"))
    return out


def change_rows(changes: Sequence[Change]) -> list[dict[str, Any]]:
    """The edits worth listing (not whole added/dropped passages), meaning-changing first."""
    rows = [{"kind": c.kind, "original_text": c.original_text, "derived_text": c.derived_text,
             "meaning": c.kind in MEANING, "derived": list(c.derived)}
            for c in changes if c.kind not in ("added", "dropped")]
    return sorted(rows, key=lambda r: (not r["meaning"], r["derived"][0]))


# -- article page -------------------------------------------------------------------------
def article_view(store, id: str) -> dict[str, Any]:
    article: Article = store.article(id)
    relations = store.relations(id)
    sources = [r for r in relations if r.derived == id]    # where this article's text came from
    copies = [r for r in relations if r.original == id]    # who took text from it
    marks: list[Mark] = []
    for r in sources:
        for i, p in enumerate(r.passages):
            marks.append(Mark(p.derived[0], p.derived[1], f"reuse {_kind(p.kind)}",
                              href=compare_href(r.original, id) + f"#p{i}",
                              title=f"{p.kind} from {r.original}"))
        marks.extend(_change_marks(r.changes))
    names = {r.original for r in sources} | {r.derived for r in copies}
    meta = store.article_batch(sorted(names)) if names else {}
    return {
        "article": article,
        "url": safe_url(article.url),
        "story": store.story_of(id),
        "segments": paint(article.text, marks),
        "sources": [_relation_row(r, r.original, meta) for r in sources],
        "copies": [_relation_row(r, r.derived, meta) for r in copies],
        "reused_chars": _covered(m for m in marks if m.layer == "passage"),
        "embeds": [{"embed": e, "url": safe_url(e.url)} for e in article.embeds],
    }


def _kind(kind: str) -> str:
    return kind if kind in PASSAGE_KINDS else "other"


def _covered(marks: Iterable[Mark]) -> int:
    total, end = 0, -1
    for m in sorted(marks, key=lambda m: m.start):
        if m.end > end:
            total += m.end - max(m.start, end)
            end = m.end
    return total


def _relation_row(r: Relation, other: str, meta: dict[str, Article]) -> dict[str, Any]:
    a = meta.get(other)
    return {"relation": r, "other": other, "other_title": a.title if a else None,
            "other_source": a.source if a else None,
            "meaning": sorted({c.kind for c in r.changes if c.kind in MEANING})}


# -- comparison page ----------------------------------------------------------------------
def compare_view(cmp) -> dict[str, Any]:
    """``cmp``: a :class:`copydesk.compare.Comparison`."""
    o, d, rel = cmp.original, cmp.derived, cmp.relation
    left, right = [], []
    for i, p in enumerate(cmp.passages):
        css = f"passage {_kind(p.kind)}"
        left.append(Mark(p.original[0], p.original[1], css, title=f"passage {i + 1}: {p.kind}", passage=i))
        right.append(Mark(p.derived[0], p.derived[1], css, title=f"passage {i + 1}: {p.kind}", passage=i))
    changes = rel.changes if rel else ()
    right.extend(_change_marks(changes))
    counts: dict[str, int] = {}
    for p in cmp.passages:
        counts[p.kind] = counts.get(p.kind, 0) + 1
    return {
        "original": o, "derived": d, "relation": rel,
        "left": paint(o.text, left), "right": paint(d.text, right),
        "passages": [{"n": i, "kind": p.kind, "original": list(p.original), "derived": list(p.derived),
                      "original_text": o.text[p.original[0]:p.original[1]],
                      "derived_text": d.text[p.derived[0]:p.derived[1]]} for i, p in enumerate(cmp.passages)],
        "kind_counts": counts,
        "changes": change_rows(changes),
        "added": sum(1 for c in changes if c.kind == "added"),
        "dropped": sum(1 for c in changes if c.kind == "dropped"),
    }


# -- story page ---------------------------------------------------------------------------
@dataclass(slots=True)
class _Node:
    id: str
    parent: str | None
    children: list[str] = field(default_factory=list)
    depth: int = 0
    y: float = 0.0


def story_view(store, id: str, settings=None) -> dict[str, Any]:
    from ..api import awaits_enrichment

    story: Story = store.story(id)
    ids = list(story.articles)
    meta = store.article_batch(ids)
    relations = store.relations_from(ids)
    rel_by_pair = {(r.original, r.derived): r for r in relations}
    originals = set(story.originals)
    return {
        "story": story,
        "awaits_enrichment": awaits_enrichment(story, settings),
        "articles": [{"id": a, "title": meta[a].title if a in meta else None,
                      "source": meta[a].source if a in meta else None,
                      "published": meta[a].seen if a in meta else None,
                      "original": a in originals} for a in ids],
        "relations": relations,
        "timeline": timeline_geometry(story, meta),
        "tree": tree_geometry(story, meta, rel_by_pair),
        "titles": {a: (meta[a].title if a in meta else None) for a in ids},
    }


def timeline_geometry(story: Story, meta: dict[str, Article], *, width: int = 760) -> dict[str, Any]:
    """Publications as points: one lane per source, x by time; undated ones in a column of their own."""
    left, right, lane_h, top = 170, 60, 30, 34
    entries = list(story.timeline) or [_entry(a, meta) for a in story.articles]
    lanes: list[str] = []
    for e in entries:
        lane = e.source or "(unknown source)"
        if lane not in lanes:
            lanes.append(lane)
    instants = {e.article: to_instant(e.published) for e in entries}
    times = [t[0] for t in instants.values() if t]
    undated = any(t is None for t in instants.values())
    x1 = width - right - (70 if undated else 0)
    lo, hi = (min(times), max(times)) if times else (0.0, 0.0)
    span = hi - lo
    originals = set(story.originals)
    points = []
    for e in entries:
        t = instants.get(e.article)
        if t is None:
            x = width - right - 25
        elif span == 0:
            x = (left + x1) / 2
        else:
            x = left + (t[0] - lo) / span * (x1 - left)
        lane = lanes.index(e.source or "(unknown source)")
        points.append({"article": e.article, "href": article_href(e.article), "x": round(x, 1),
                       "y": top + lane * lane_h + lane_h / 2, "source": e.source, "published": e.published,
                       "crawled": e.crawled,
                       "original": e.article in originals,
                       "title": (meta[e.article].title if e.article in meta else None)})
    ticks: list[dict[str, Any]] = []
    if times:
        steps = 0 if span == 0 else 4
        for i in range(steps + 1):
            t = lo + span * i / steps if steps else lo
            x = (left + x1) / 2 if span == 0 else left + (t - lo) / span * (x1 - left)
            label = _tick_label(t, span)
            if not ticks or ticks[-1]["label"] != label:
                ticks.append({"x": round(x, 1), "label": label})
    height = top + len(lanes) * lane_h + 10
    when = [e.published for e in entries if instants.get(e.article)]
    return {"range": (min(when, key=lambda p: to_instant(p)[0]), max(when, key=lambda p: to_instant(p)[0]))  # type: ignore[index]
            if when else None,
            "width": width, "height": height, "left": left, "x1": x1, "top": top, "lane_h": lane_h,
            "lanes": [{"name": n, "y": top + i * lane_h + lane_h / 2} for i, n in enumerate(lanes)],
            "points": points, "ticks": ticks, "undated": undated, "undated_x": width - right - 25}


def _entry(article: str, meta: dict[str, Article]):
    from ..model import TimelineEntry

    a = meta.get(article)
    return TimelineEntry(article, a.source if a else None, a.seen if a else None,
                         bool(a and a.published is None and a.crawled))


def _tick_label(t: float, span: float) -> str:
    from datetime import datetime, timezone

    dt = datetime.fromtimestamp(t, tz=timezone.utc)
    if span < 86400:
        return dt.strftime("%H:%M")
    return dt.strftime("%m-%d %H:%M") if span < 7 * 86400 else dt.strftime("%Y-%m-%d")


def tree_geometry(story: Story, meta: dict[str, Article], rel_by_pair: dict[tuple[str, str], Relation],
                  *, col_w: int = 340, row_h: int = 52, box_w: int = 210, box_h: int = 38) -> dict[str, Any]:
    """The family tree laid out left to right: originals in the first column, each copy one
    column right of its parent; leaves stacked, a parent centred on its children."""
    members = list(story.articles)
    known = set(members)
    parent = {e.article: e.parent for e in story.tree if e.article in known}
    nodes = {a: _Node(a, parent.get(a) if parent.get(a) in known and parent.get(a) != a else None)
             for a in members}
    # break cycles (a malformed tree must still draw): walk up, cut an edge that closes a loop
    for a in members:
        seen = {a}
        p = nodes[a].parent
        while p is not None:
            if p in seen:
                nodes[a].parent = None
                break
            seen.add(p)
            p = nodes[p].parent
    for a in members:
        if nodes[a].parent is not None:
            nodes[nodes[a].parent].children.append(a)
    originals = set(story.originals)
    roots = sorted((a for a in members if nodes[a].parent is None), key=lambda a: (a not in originals, members.index(a)))
    next_row = [0]

    def place(a: str, depth: int) -> float:
        node = nodes[a]
        node.depth = depth
        if not node.children:
            node.y = next_row[0] * row_h
            next_row[0] += 1
        else:
            ys = [place(c, depth + 1) for c in node.children]
            node.y = (min(ys) + max(ys)) / 2
        return node.y

    for r in roots:
        place(r, 0)
    pad = 12
    out_nodes, edges = [], []
    for a in members:
        n = nodes[a]
        m = meta.get(a)
        out_nodes.append({"id": a, "href": article_href(a), "x": pad + n.depth * col_w, "y": pad + n.y,
                          "w": box_w, "h": box_h, "source": m.source if m else None,
                          "title": m.title if m else None, "original": n.parent is None and a in originals,
                          "root": n.parent is None})
        if n.parent is not None:
            p = nodes[n.parent]
            rel = rel_by_pair.get((n.parent, a))
            x0, y0 = pad + p.depth * col_w + box_w, pad + p.y + box_h / 2
            x1, y1 = pad + n.depth * col_w, pad + n.y + box_h / 2
            edges.append({"parent": n.parent, "child": a, "href": compare_href(n.parent, a),
                          "type": rel.type if rel else None, "share": rel.share if rel else None,
                          "via": rel.via if rel else None,
                          "x0": x0, "y0": y0, "x1": x1, "y1": y1, "mx": (x0 + x1) / 2,
                          "lx": x1 - 8, "ly": y1 - 5})
    depth = max((n.depth for n in nodes.values()), default=0)
    return {"nodes": out_nodes, "edges": edges, "width": 2 * pad + depth * col_w + box_w,
            "height": 2 * pad + max(next_row[0], 1) * row_h}
