"""The core records of copydesk: frozen, typed, and the same in every layer.

Offsets (``Span``) are always ``(start, end)`` character offsets into an
article's clean ``text``. ``to_dict`` gives the report's JSON shape (see
DESIGN.md, "The report contract"): its field names are a public interface.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass
from functools import cache
from typing import Any, Literal, Mapping

Span = tuple[int, int]



_SCALARS = frozenset((str, int, float, bool, type(None)))


@cache
def _public_fields(cls: type) -> tuple[str, ...] | None:
    """The fields ``to_dict`` shows of a dataclass type (None for any other type)."""
    if not is_dataclass(cls):
        return None
    return tuple(f.name for f in fields(cls) if not f.name.startswith("_"))


def _plain(value: Any) -> Any:
    cls = type(value)
    if cls in _SCALARS:
        return value
    names = _public_fields(cls)
    if names is not None:
        return {n: _plain(getattr(value, n)) for n in names}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    return value


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


class _Record:
    def to_dict(self) -> dict[str, Any]:
        return _plain(self)

    def __reduce__(self) -> tuple:
        # pickled as a constructor call: records cross process boundaries in bulk (engines/local.py),
        # and the frozen-dataclass default looks its fields up again for every object it loads
        return type(self), tuple(getattr(self, n) for n in _field_names(type(self)))


def _span(span: Any) -> list[int]:
    return [span[0], span[1]]


@dataclass(frozen=True, slots=True)
class RawRecord(_Record):
    """One article as a reader found it, before extraction.

    ``content`` is the article's HTML when ``format == "html"``, its plain text
    otherwise; ``meta`` holds what the input said about it (source, url, title,
    published, byline). ``raw_hash`` identifies the record's bytes: ingesting
    the same record twice is a no-op.
    """

    id: str
    input: str
    record: str | None
    format: Literal["text", "html"]
    content: str
    meta: Mapping[str, str | None]
    raw_hash: str


@dataclass(frozen=True, slots=True)
class InputMark(_Record):
    """Flows through the pipeline when reading of an input (a path as named, or a
    file in it) starts, so the store can replace that input's earlier errors even
    when every record of it is unchanged and skipped."""

    input: str


@dataclass(frozen=True, slots=True)
class Removed(_Record):
    """Text taken out of an article's body, and why (boilerplate, caption, ...)."""

    kind: str
    text: str


@dataclass(frozen=True, slots=True)
class Embed(_Record):
    """An embedded social post (a tweet pasted into the article)."""

    kind: str
    author: str | None
    handle: str | None
    text: str
    url: str | None
    published: str | None


@dataclass(frozen=True, slots=True)
class Extracted(_Record):
    """An article after extraction, before segmentation: metadata and paragraphs.

    ``removed`` and ``embeds`` hold what extraction already took out (a
    headline line, a date line, a byline, embedded posts found in HTML)."""

    id: str
    input: str
    record: str | None
    raw_hash: str
    meta: Mapping[str, str | None]
    paragraphs: tuple[str, ...]
    removed: tuple[Removed, ...] = ()
    embeds: tuple[Embed, ...] = ()


@dataclass(frozen=True, slots=True)
class Article(_Record):
    """A clean article: metadata, the body text, and what was removed from it.

    ``paragraphs`` and ``sentences`` are spans into ``text``. ``body_hash``
    is a hash of the whitespace- and case-normalised body: equal hashes mean
    the same clean body (an exact duplicate).

    ``published`` is the date the article declares (its record's, its page's, its date
    line's); ``crawled`` when a crawler fetched it (a WARC record's date): an upper bound of
    its publication, never taken for it.
    """

    id: str
    source: str | None
    url: str | None
    title: str | None
    published: str | None
    byline: str | None
    text: str
    removed: tuple[Removed, ...] = ()
    embeds: tuple[Embed, ...] = ()
    paragraphs: tuple[Span, ...] = ()
    sentences: tuple[Span, ...] = ()
    input: str = ""
    record: str | None = None
    raw_hash: str = ""
    body_hash: str = ""
    crawled: str | None = None

    @property
    def seen(self) -> str | None:
        """The article's date on a timeline: its publication date, else when it was crawled."""
        return self.published or self.crawled

    def report_dict(self) -> dict[str, Any]:
        """The article as the report shows it."""
        return {
            "id": self.id,
            "source": self.source,
            "url": self.url,
            "title": self.title,
            "published": self.published,
            "crawled": self.crawled,
            "byline": self.byline,
            "text": self.text,
            "removed": [r.to_dict() for r in self.removed],
            "embeds": [e.to_dict() for e in self.embeds],
        }


@dataclass(frozen=True, slots=True)
class Passage(_Record):
    """Aligned text: ``original`` and ``derived`` are spans in the two articles."""

    original: Span
    derived: Span
    kind: str = "verbatim"

    def to_dict(self) -> dict[str, Any]:  # hot path: the generic conversion is slow
        return {"original": _span(self.original), "derived": _span(self.derived), "kind": self.kind}


@dataclass(frozen=True, slots=True)
class Change(_Record):
    """One edit between aligned passages (number, name, negation, hedge, ...)."""

    kind: str
    original_text: str
    derived_text: str
    derived: Span

    def to_dict(self) -> dict[str, Any]:  # hot path: the generic conversion is slow
        return {"kind": self.kind, "original_text": self.original_text, "derived_text": self.derived_text,
                "derived": _span(self.derived)}


#: the kinds of reuse, from the closest copy to the loosest
RELATION_TYPES = ("duplicate", "near_duplicate", "partial", "rewrite")


@dataclass(frozen=True, slots=True)
class Relation(_Record):
    """``derived`` reuses text of ``original``."""

    original: str
    derived: str
    type: str
    share: float
    direction_confidence: float
    evidence: tuple[str, ...] = ()
    passages: tuple[Passage, ...] = ()
    changes: tuple[Change, ...] = ()
    via: str | None = None


@dataclass(frozen=True, slots=True)
class TreeEdge(_Record):
    article: str
    parent: str | None


@dataclass(frozen=True, slots=True)
class TimelineEntry(_Record):
    """An article on its story's timeline. ``published`` is its date there: its publication
    date, or, where ``crawled`` is true, only when a crawler fetched it (it declares none)."""

    article: str
    source: str | None
    published: str | None
    crawled: bool = False


@dataclass(frozen=True, slots=True)
class Entity(_Record):
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    articles: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Claim(_Record):
    """One side of a disagreement: what some sources say."""

    text: str
    sources: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Disagreement(_Record):
    """Sources giving different values for the same thing (a count, a place)."""

    about: str
    kind: str
    claims: tuple[Claim, ...] = ()


@dataclass(frozen=True, slots=True)
class Fact(_Record):
    """A statement of the story, the articles that state it, and how many of them are
    independent (copies of one original count once)."""

    text: str
    sources: tuple[str, ...] = ()
    independent_sources: int = 0
    disagreements: tuple[Disagreement, ...] = ()


@dataclass(frozen=True, slots=True)
class BriefSentence(_Record):
    text: str
    sources: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Story(_Record):
    id: str
    title: str | None
    articles: tuple[str, ...]
    originals: tuple[str, ...]
    first_seen: str | None
    tree: tuple[TreeEdge, ...] = ()
    timeline: tuple[TimelineEntry, ...] = ()
    entities: tuple[Entity, ...] = ()
    facts: tuple[Fact, ...] = ()
    brief: tuple[BriefSentence, ...] = ()
    #: the version of what made the entities, facts and brief (they are made again under another)
    enriched: str | None = None


@dataclass(frozen=True, slots=True)
class StoryChange(_Record):
    """A run's change to existing stories: ``merge`` (``story`` absorbed ``others``) or
    ``split`` (articles of ``story`` went on to ``others``)."""

    kind: str
    story: str
    others: tuple[str, ...]
    run: int | None = None


@dataclass(frozen=True, slots=True)
class ErrorRecord(_Record):
    """One input that could not be used: where, and why."""

    input: str
    record: str | None
    reason: str
    kind: str = "input"


@dataclass(slots=True)
class RunStats:
    """Seconds per stage (in pipeline order) and counts. Mutable: filled while running."""

    timings: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    #: files inside the directories given that are of no format copydesk reads (left out, not errors)
    skipped_files: list[str] = field(default_factory=list)

    def add_time(self, stage: str, seconds: float) -> None:
        self.timings[stage] = self.timings.get(stage, 0.0) + seconds

    def count(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"timings": {k: round(v, 4) for k, v in self.timings.items()}, "counts": dict(self.counts)}
        if self.skipped_files:
            out["skipped_files"] = list(self.skipped_files)
        return out


__all__ = [
    "Article", "BriefSentence", "Change", "Embed", "Entity", "ErrorRecord", "Extracted", "InputMark", "Fact", "Passage",
    "RawRecord", "Relation", "Removed", "RunStats", "Span", "Story", "TimelineEntry", "TreeEdge",
]
