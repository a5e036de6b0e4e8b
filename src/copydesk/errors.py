"""copydesk's exception tree.

Every error copydesk raises on purpose derives from :class:`CopydeskError`, so a
caller can catch the whole family at once or one branch of it::

    CopydeskError
    ├── ConfigError            a settings file or value is wrong
    ├── InputError             one input file or record cannot be used (the run goes on)
    │   ├── DecodeError        bytes that no declared or detected encoding reads
    │   ├── FormatError        malformed JSON, truncated gzip/zstd/WARC, binary data
    │   ├── EmptyInputError    an empty file, or a record with no article text
    │   └── TooLargeError      a file or record over the size limit
    ├── StoreError             the database cannot be opened, migrated or written
    │   └── SchemaError        the database was written by a newer copydesk
    ├── NotFoundError          an article or story id that is not in the store
    ├── EngineError            the distributed engine cannot be reached or lost its workers
    └── MissingDependencyError an optional part is used without its extra installed

``InputError`` carries the input (a path, or ``-`` for stdin) and the record
(a line number, a WARC record id, a list index) so that every message names
what was wrong and where. The pipeline turns each ``InputError`` into an
``errors`` entry of the report and carries on with every other record.
"""

from __future__ import annotations


class CopydeskError(Exception):
    """Base class of every error copydesk raises on purpose."""

    #: a short hint telling the user how to fix the problem (shown by the CLI)
    hint: str | None = None


class ConfigError(CopydeskError):
    """A settings file or value is wrong."""


class InputError(CopydeskError):
    """One input file or record cannot be used; the run goes on without it."""

    kind = "input"

    def __init__(self, reason: str, *, input: str = "", record: str | None = None):
        self.reason = reason
        self.input = input
        self.record = record
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = self.input or "<input>"
        if self.record is not None:
            where = f"{where} [{self.record}]"
        return f"{where}: {self.reason}"

    def at(self, *, input: str | None = None, record: str | None = None) -> "InputError":
        """Fill in where the error happened, keeping what is already known."""
        if input is not None and not self.input:
            self.input = input
        if record is not None and self.record is None:
            self.record = record
        self.args = (self.__str__(),)
        return self


class DecodeError(InputError):
    kind = "decode"


class FormatError(InputError):
    kind = "format"


class EmptyInputError(InputError):
    kind = "empty"


class TooLargeError(InputError):
    kind = "too_large"


class StoreError(CopydeskError):
    """The database cannot be opened, migrated or written."""


class SchemaError(StoreError):
    """The database schema is newer than this copydesk understands."""

    hint = "upgrade copydesk, or point --db at another file"


class SchemaOutdatedError(StoreError):
    """An older schema in a file this process cannot write: it cannot be migrated."""

    hint = "open it once as a user who can write the file (any copydesk command migrates it)"


class NotFoundError(CopydeskError):
    """An article or story id that is not in the store."""


class EngineError(CopydeskError):
    """The distributed engine cannot be reached, or a task failed on it."""


class MissingDependencyError(CopydeskError):
    """An optional part is used without its extra installed."""

    def __init__(self, feature: str, extra: str, module: str):
        self.feature = feature
        self.extra = extra
        self.module = module
        self.hint = f'pip install "copydesk[{extra}]"'
        super().__init__(f"{feature} needs the '{module}' package: {self.hint}")


def require(module: str, *, feature: str, extra: str):
    """Import an optional module, or raise MissingDependencyError naming the install line."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise MissingDependencyError(feature, extra, module) from exc
