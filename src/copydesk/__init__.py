"""copydesk: news provenance. Who copied whom, what is the same story, what changed.

The public API::

    import copydesk
    report = copydesk.analyze(["articles/"], db="copydesk.db")
    for rel in report.relations:
        print(rel.original, "->", rel.derived, rel.type, rel.share)
"""

from .api import IngestResult, analyze, build_report, dask_engine, ingest, relate
from .compare import Comparison, compare, compare_files
from .config import Settings, load_settings
from .errors import (
    ConfigError, CopydeskError, DecodeError, EmptyInputError, EngineError, FormatError, InputError, MissingDependencyError,
    NotFoundError, SchemaError, StoreError, TooLargeError,
)
from .model import (
    Article, BriefSentence, Change, Embed, Entity, ErrorRecord, Fact, Passage, RawRecord, Relation, Removed,
    RunStats, Story, TimelineEntry, TreeEdge,
)
from .report import Report
from .store import SQLiteStore, open_store

__version__ = "0.1.0"

__all__ = [
    # pipeline entry points
    "analyze", "ingest", "relate", "build_report", "compare", "compare_files", "Comparison", "IngestResult", "Report",
    # engines (the local one is the default)
    "dask_engine",
    # settings and storage
    "Settings", "load_settings", "open_store", "SQLiteStore",
    # records
    "Article", "BriefSentence", "Change", "Embed", "Entity", "ErrorRecord", "Fact", "Passage", "RawRecord",
    "Relation", "Removed", "RunStats", "Story", "TimelineEntry", "TreeEdge",
    # errors
    "CopydeskError", "ConfigError", "InputError", "DecodeError", "FormatError", "EmptyInputError", "TooLargeError",
    "StoreError", "SchemaError", "NotFoundError", "EngineError", "MissingDependencyError",
    "__version__",
]
