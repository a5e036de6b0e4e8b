"""copydesk's web UI and HTTP API (``copydesk serve``): a FastAPI app over one database.

Needs the ``web`` extra (FastAPI, uvicorn, Jinja2); :func:`create_app` says so, with the
install line, when it is missing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import require

__all__ = ["create_app"]


def create_app(db_path: str | Path, token: str | None = None, **kwargs: Any):
    """The FastAPI app over the database at ``db_path`` (see :mod:`copydesk.web.app`)."""
    for module in ("fastapi", "jinja2"):
        require(module, feature="copydesk serve (the web UI and HTTP API)", extra="web")
    from .app import create_app as _create_app

    return _create_app(db_path, token, **kwargs)
