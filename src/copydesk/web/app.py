"""The web app: ``create_app(db_path, token=None)`` returns a FastAPI application that
serves the HTML pages and the JSON API over one copydesk database.

- Reads go through read-only SQLite connections, one per worker thread.
- Writes (``POST /api/articles``) exist only when a token is configured; they go
  through the same pipeline as ``copydesk analyze`` (``api.ingest`` then ``api.relate``),
  one at a time, on one writable connection.
- Every error, on every route, is one JSON envelope under ``/api/`` (and for clients
  that ask for JSON), a friendly HTML page elsewhere.
- Every response carries a strict Content-Security-Policy (no inline script, nothing
  from another origin), ``nosniff`` and ``frame-ancestors 'none'``.
"""

from __future__ import annotations

import hmac
import os
import threading
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..config import Settings, load_settings
from ..errors import CopydeskError, NotFoundError, StoreError
from ..store import SQLStore, open_store, store_exists
from . import views

TOKEN_ENV = "COPYDESK_TOKEN"

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
]

#: HTTP status -> the envelope's code
STATUS_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
                405: "method_not_allowed", 413: "too_large", 415: "unsupported_media_type",
                422: "invalid", 500: "internal_error", 503: "unavailable"}


class ApiError(Exception):
    """An error with an HTTP status, a stable code and a message; ``details`` is any JSON."""

    def __init__(self, status: int, message: str, *, code: str | None = None, details: Any = None,
                 headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.code = code or STATUS_CODES.get(status, "error")
        self.message = message
        self.details = details
        self.headers = headers


class SecurityHeaders:
    """Pure ASGI middleware (no per-request overhead of BaseHTTPMiddleware)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + [h for h in SECURITY_HEADERS if h[0] not in names]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class Web:
    """What the routes share: the database, settings, token, templates and caches."""

    def __init__(self, db_path: str | Path, *, token: str | None, settings: Settings):
        self.db_path = str(db_path)
        if self.db_path.startswith("sqlite:///"):
            self.db_path = self.db_path[len("sqlite:///"):]
        self.settings = settings
        self.token = token or None
        self.write_lock = threading.Lock()
        self._local = threading.local()
        self._writer: SQLStore | None = None
        if self.token:
            # writable: create (or migrate) the database now, so read-only connections can open it
            self._writer = open_store(self.db_path)
        elif not store_exists(self.db_path):
            raise StoreError(f"{self.db_path}: no such database (run `copydesk analyze PATH --db {self.db_path}` "
                             "first, or start with --token to ingest through the API)")
        open_store(self.db_path, readonly=True).close()  # fail at start, not on the first request
        self.index = views.StoryIndex()
        self.templates = jinja2.Environment(
            loader=jinja2.PackageLoader("copydesk.web", "templates"),
            autoescape=True,  # every template, whatever its name: untrusted text is always escaped
            trim_blocks=True, lstrip_blocks=True,
        )
        self.templates.globals.update(
            article_href=views.article_href, story_href=views.story_href, compare_href=views.compare_href,
            version=__version__, writable=bool(self.token), kinds=views.PASSAGE_KINDS,
        )
        self.templates.filters["pct"] = lambda v: "" if v is None else f"{float(v):.0%}"

    @property
    def store(self) -> SQLStore:
        """This thread's read-only connection."""
        store = getattr(self._local, "store", None)
        if store is None:
            store = open_store(self.db_path, readonly=True)
            self._local.store = store
        return store

    @property
    def writer(self) -> SQLStore:
        if self._writer is None:
            raise ApiError(403, "this server is read-only: start `copydesk serve` with --token "
                                f"(or {TOKEN_ENV}) to allow ingest", code="read_only")
        return self._writer

    def check_token(self, request: Request) -> None:
        """Constant-time check of ``Authorization: Bearer TOKEN``; read-only servers refuse all writes."""
        if not self.token:
            raise ApiError(403, "this server is read-only: start `copydesk serve` with --token "
                                f"(or {TOKEN_ENV}) to allow ingest", code="read_only")
        header = request.headers.get("authorization", "")
        scheme, _, given = header.partition(" ")
        ok = scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), self.token.encode())
        if not ok:
            raise ApiError(401, "missing or wrong token: send 'Authorization: Bearer TOKEN'",
                           headers={"WWW-Authenticate": "Bearer"})

    def render(self, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        html = self.templates.get_template(name).render(**context)
        return HTMLResponse(html, status_code=status)

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()


def _wants_json(request: Request) -> bool:
    path = request.url.path
    if path.startswith("/api/") or path == "/api" or path == "/openapi.json":
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def _envelope(status: int, code: str, message: str, details: Any = None) -> dict[str, Any]:
    err: dict[str, Any] = {"code": code, "message": message, "status": status}
    if details is not None:
        err["details"] = details
    return {"error": err}


def create_app(db_path: str | Path, token: str | None = None, *, settings: Settings | None = None,
               config_path: str | Path | None = None) -> FastAPI:
    """The copydesk web app over the database at ``db_path``.

    ``token``: allows ``POST /api/articles`` for requests bearing it (None: read-only;
    the ``COPYDESK_TOKEN`` environment variable is read by the CLI, not here)."""
    from .pages import router as pages_router
    from .routes import router as api_router

    web = Web(db_path, token=token, settings=settings or load_settings(config_path))
    app = FastAPI(
        title="copydesk", version=__version__,
        description="News provenance over one copydesk database: stories, articles, reuse relations, "
                    "comparisons and search. Every error is `{\"error\": {\"code\", \"message\", \"status\"}}`; "
                    "lists take `limit` and `offset` and answer `items`, `total` and `next`.",
        docs_url=None, redoc_url=None, openapi_url="/openapi.json",
    )
    app.state.web = web

    def error_response(request: Request, status: int, code: str, message: str, details: Any = None,
                       headers: dict[str, str] | None = None):
        if _wants_json(request):
            return JSONResponse(_envelope(status, code, message, details), status_code=status, headers=headers)
        return web.render("error.html", status=status, status_code=status, code=code, message=message)

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError):
        return error_response(request, exc.status, exc.code, exc.message, exc.details, exc.headers)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException):
        code = STATUS_CODES.get(exc.status_code, "error")
        message = exc.detail if isinstance(exc.detail, str) else code
        if exc.status_code == 404 and message == "Not Found":
            message = f"nothing at {request.url.path}"
        return error_response(request, exc.status_code, code, message, headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError):
        details = [{"where": ".".join(str(p) for p in e.get("loc", ())), "problem": e.get("msg", "")}
                   for e in exc.errors()]
        message = "; ".join(f"{d['where']}: {d['problem']}" for d in details) or "invalid request"
        return error_response(request, 422, "invalid", message, details)

    @app.exception_handler(NotFoundError)
    async def _not_found(request: Request, exc: NotFoundError):
        # the store names the database file: clients need the id, not the server's paths
        message = str(exc).split(" in ", 1)[0] if web.db_path in str(exc) else str(exc)
        return error_response(request, 404, "not_found", message)

    @app.exception_handler(CopydeskError)
    async def _copydesk_error(request: Request, exc: CopydeskError):
        status = 503 if isinstance(exc, StoreError) else 400
        return error_response(request, status, STATUS_CODES[status], str(exc))

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception):
        return error_response(request, 500, "internal_error", f"internal error: {type(exc).__name__}")

    static = resources.files("copydesk.web").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    app.include_router(api_router)
    app.include_router(pages_router)
    app.add_middleware(SecurityHeaders)
    return app


def token_from_env(token: str | None) -> str | None:
    """``token`` if given, else the ``COPYDESK_TOKEN`` environment variable, else None."""
    return token or os.environ.get(TOKEN_ENV) or None
