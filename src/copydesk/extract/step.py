"""The extract stage as a pipeline step."""

from __future__ import annotations

from typing import Any, Iterable, Iterator

from ..model import RawRecord
from ..pipeline import Context, to_error
from . import extract


class ExtractStep:
    name = "extract"

    def apply(self, item: Any) -> Any:
        if not isinstance(item, RawRecord):
            return item
        try:
            return extract(item)
        except Exception as exc:  # one broken article never stops a corpus: it becomes an error record
            return to_error(exc, item, self.name)

    def run(self, items: Iterable[Any], ctx: Context) -> Iterator[Any]:
        for item in items:
            yield self.apply(item)
