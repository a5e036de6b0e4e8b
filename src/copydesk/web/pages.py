"""The HTML pages: the story list, a story, an article, a comparison, search, API docs."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from ..compare import compare as compare_articles
from . import views
from .app import ApiError, Web
from .routes import Sort

router = APIRouter(include_in_schema=False)
PAGE = 50


def _web(request: Request) -> Web:
    return request.app.state.web


def _pages(request: Request, total: int, offset: int, limit: int) -> dict[str, Any]:
    def at(off: int) -> str:
        url = request.url.include_query_params(offset=off)
        return url.path + "?" + url.query

    return {"total": total, "offset": offset, "limit": limit, "shown": min(total - offset, limit),
            "prev": at(max(0, offset - limit)) if offset > 0 else None,
            "next": at(offset + limit) if offset + limit < total else None}


@router.get("/", response_class=HTMLResponse)
def index(request: Request, q: str = Query("", max_length=200), sort: Sort = "recent",
          offset: Annotated[int, Query(ge=0)] = 0) -> HTMLResponse:
    web = _web(request)
    total, items, totals = web.index.query(web.store, q=q, sort=sort, limit=PAGE, offset=offset)
    copies = None
    if not totals["stories"]:  # a copies-only database (analyze --no-stories): its relations instead
        n_rel, rels = web.store.relations_page(limit=PAGE, offset=0)
        copies = {"total": n_rel, "relations": rels}
    return web.render("index.html", stories=items, totals=totals, q=q, sort=sort, sorts=views.SORTS,
                      pages=_pages(request, total, offset, PAGE), copies=copies)


@router.get("/stories/{story_id:path}", response_class=HTMLResponse)
def story(request: Request, story_id: str) -> HTMLResponse:
    web = _web(request)
    return web.render("story.html", **views.story_view(web.store, story_id, web.settings))


@router.get("/articles/{article_id:path}", response_class=HTMLResponse)
def article(request: Request, article_id: str) -> HTMLResponse:
    web = _web(request)
    return web.render("article.html", **views.article_view(web.store, article_id))


def _compare(request: Request, a: str, b: str) -> HTMLResponse:
    if a == b:
        raise ApiError(400, "a comparison needs two different articles")
    web = _web(request)
    cmp = compare_articles(web.store, a, b, settings=web.settings)
    return web.render("compare.html", **views.compare_view(cmp))


@router.get("/compare/{a}/{b}", response_class=HTMLResponse)
def compare_path(request: Request, a: str, b: str) -> HTMLResponse:
    return _compare(request, a, b)


@router.get("/compare", response_class=HTMLResponse)
def compare_query(request: Request, a: Annotated[str, Query(min_length=1)],
                  b: Annotated[str, Query(min_length=1)]) -> HTMLResponse:
    return _compare(request, a, b)


@router.get("/search", response_class=HTMLResponse)
def search(request: Request, q: str = Query("", max_length=200),
           offset: Annotated[int, Query(ge=0)] = 0) -> HTMLResponse:
    web = _web(request)
    store = web.store
    if not q.strip():
        return web.render("search.html", q=q, hits=[], pages=None)
    total, rows = store.search_articles(q.strip(), limit=PAGE, offset=offset)
    hits = [{"id": i, "source": s, "title": t, "published": p, "snippet": snip, "story": store.story_of(i)}
            for i, s, t, p, snip in rows]
    return web.render("search.html", q=q, hits=hits, pages=_pages(request, total, offset, PAGE))


@router.get("/docs", response_class=HTMLResponse)
def docs(request: Request) -> HTMLResponse:
    """The API reference, rendered here from the OpenAPI schema (no CDN, no script)."""
    web = _web(request)
    spec = request.app.openapi()
    ops = []
    for path, methods in spec.get("paths", {}).items():
        for method, op in methods.items():
            params = [{"name": p["name"], "in": p["in"], "required": p.get("required", False),
                       "type": _type(p.get("schema", {})), "description": p.get("description") or
                       p.get("schema", {}).get("description", "")} for p in op.get("parameters", [])]
            body = list(op.get("requestBody", {}).get("content", {}))
            ops.append({"method": method.upper(), "path": path, "summary": op.get("summary", ""),
                        "description": op.get("description", ""), "params": params, "body": body,
                        "responses": sorted(op.get("responses", {}))})
    return web.render("docs.html", ops=ops, info=spec.get("info", {}))


def _type(schema: dict) -> str:
    if "enum" in schema:
        return " | ".join(map(str, schema["enum"]))
    if "anyOf" in schema:
        return " | ".join(_type(s) for s in schema["anyOf"])
    if "type" in schema:
        t = schema["type"]
        return " | ".join(t) if isinstance(t, list) else str(t)
    return "any"


@router.get("/favicon.ico", include_in_schema=False)
def favicon() -> RedirectResponse:
    return RedirectResponse("/static/favicon.svg", status_code=308)
