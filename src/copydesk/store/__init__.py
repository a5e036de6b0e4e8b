"""store: where articles, relations, stories and errors live. Chosen by URL:
a plain path or ``sqlite:///path`` opens SQLite (the default)."""

from __future__ import annotations

from pathlib import Path

from ..errors import StoreError
from .base import Store
from .sqlite import SCHEMA_VERSION, SQLiteStore

__all__ = ["Store", "SQLiteStore", "open_store", "SCHEMA_VERSION"]


def open_store(url: str | Path, *, readonly: bool = False) -> SQLiteStore:
    """Open the store named by ``url``: ``path/to/file.db``, ``sqlite:///path`` or ``:memory:``."""
    text = str(url)
    if text.startswith("sqlite:///"):
        text = text[len("sqlite:///"):]
    elif "://" in text:
        scheme = text.split("://", 1)[0]
        raise StoreError(f"unsupported store URL scheme '{scheme}://' (supported: a file path, sqlite:///path)")
    return SQLiteStore(text, readonly=readonly)
