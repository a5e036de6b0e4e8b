"""The segment stage as a pipeline step."""

from __future__ import annotations

from typing import Any, Iterable, Iterator

from ..errors import EmptyInputError
from ..model import Extracted
from ..pipeline import Context, to_error
from . import segment


class SegmentStep:
    name = "segment"

    def __init__(self, min_body_chars: int = 1):
        self.min_body_chars = min_body_chars

    def apply(self, item: Any) -> Any:
        if not isinstance(item, Extracted):
            return item
        try:
            article = segment(item)
            if len(article.text) < self.min_body_chars:
                removed = len(article.removed)
                raise EmptyInputError(
                    "no article text left after cleaning" + (f" ({removed} boilerplate/caption/embed paragraphs removed)"
                                                             if removed else ""))
            return article
        except Exception as exc:  # recorded, never fatal
            return to_error(exc, item, self.name)

    def run(self, items: Iterable[Any], ctx: Context) -> Iterator[Any]:
        for item in items:
            yield self.apply(item)
