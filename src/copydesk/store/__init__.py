"""store: where articles, relations, stories and errors live. Chosen by URL: a plain path
or ``sqlite:///path`` opens SQLite (the default, embedded); ``postgresql://...`` opens a
PostgreSQL database (the ``postgres`` extra). Both are ``sql.SQLStore``: the same tables
and queries."""

from __future__ import annotations

from pathlib import Path

from ..errors import StoreError
from .base import Store
from .sql import SQLStore
from .sqlite import SCHEMA_VERSION, SQLiteStore

__all__ = ["Store", "SQLStore", "SQLiteStore", "open_store", "is_server_url", "store_exists", "SCHEMA_VERSION"]

_SERVER_SCHEMES = ("postgresql://", "postgres://")


def is_server_url(url: str | Path) -> bool:
    """Whether ``url`` names a database server (PostgreSQL), not a file."""
    return str(url).startswith(_SERVER_SCHEMES)


def store_exists(url: str | Path) -> bool:
    """Whether there is a database at ``url`` to read (a server's is looked for when opened)."""
    text = str(url)
    if is_server_url(text):
        return True
    return Path(text[len("sqlite:///"):] if text.startswith("sqlite:///") else text).is_file()


def open_store(url: str | Path, *, readonly: bool = False) -> SQLStore:
    """Open the store named by ``url``: ``path/to/file.db``, ``sqlite:///path``, ``:memory:`` or
    ``postgresql://user:password@host:port/dbname``."""
    text = str(url)
    if is_server_url(text):
        from .postgres import PostgresStore

        return PostgresStore(text, readonly=readonly)
    if text.startswith("sqlite:///"):
        text = text[len("sqlite:///"):]
    elif "://" in text:
        scheme = text.split("://", 1)[0]
        raise StoreError(f"unsupported store URL scheme '{scheme}://' (supported: a file path, sqlite:///path, "
                         "postgresql://user@host/dbname)")
    return SQLiteStore(text, readonly=readonly)
