"""The JSON API under ``/api/``: thin over the store and ``copydesk.compare``."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse

from .. import export as exporter
from ..compare import compare as compare_articles
from ..store import open_store
from . import ingest as web_ingest
from .app import ApiError, Web
from .views import SORTS

router = APIRouter(prefix="/api", tags=["api"])

Limit = Annotated[int, Query(ge=1, le=500, description="How many items per page (1 to 500).")]
Offset = Annotated[int, Query(ge=0, description="How many items to skip.")]
Sort = Literal[SORTS]  # type: ignore[valid-type]


def _web(request: Request) -> Web:
    return request.app.state.web


def page(request: Request, items: list[Any], total: int, limit: int, offset: int, **extra: Any) -> dict[str, Any]:
    """The pagination envelope every list answers with; ``next`` is the URL of the next page."""
    nxt = None
    if offset + limit < total:
        url = request.url.include_query_params(offset=offset + limit, limit=limit)
        nxt = url.path + "?" + url.query
    return {"items": items, "total": total, "limit": limit, "offset": offset, "next": nxt, **extra}


@router.get("/stories", summary="List stories")
def list_stories(request: Request, q: str = Query("", max_length=200, description="Text in the story's title or id."),
                 sort: Sort = Query("recent", description="recent (latest publication first), size (articles), "
                                                           "sources, copies, or title."),
                 limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    """Stories with their counts: articles, copies (articles reusing another one of the story) and
    independent reports (articles derived from no other), sources, first and last publication."""
    web = _web(request)
    total, items, totals = web.index.query(web.store, q=q, sort=sort, limit=limit, offset=offset)
    return page(request, [s.to_dict() for s in items], total, limit, offset, totals=totals)


@router.get("/stories/{story_id:path}", summary="One story")
def get_story(request: Request, story_id: str) -> dict[str, Any]:
    """The story (articles, originals, tree, timeline, entities, facts, brief) and the reuse
    relations between its articles."""
    store = _web(request).store
    story = store.story(story_id)
    relations = store.relations_from(list(story.articles))
    return {"story": story.to_dict(), "relations": [r.to_dict() for r in relations]}


@router.get("/articles", summary="List articles")
def list_articles(request: Request, limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    """Articles in ingest order: id, source, title, published."""
    total, rows = _web(request).store.search_articles("", limit=limit, offset=offset)
    items = [{"id": i, "source": s, "title": t, "published": p} for i, s, t, p, _ in rows]
    return page(request, items, total, limit, offset)


@router.get("/articles/{article_id:path}", summary="One article, with its relations")
def get_article(request: Request, article_id: str) -> dict[str, Any]:
    """The article as the report shows it (clean ``text``, ``removed``, ``embeds``), its story,
    and every reuse relation it is part of (as original or as derived)."""
    store = _web(request).store
    article = store.article(article_id)
    return {"article": article.report_dict(), "story": store.story_of(article_id),
            "relations": [r.to_dict() for r in store.relations(article_id)]}


@router.get("/relations", summary="List reuse relations")
def list_relations(request: Request, article: str | None = Query(None, description="Only this article's relations."),
                   type: Literal["duplicate", "near_duplicate", "partial", "rewrite"] | None = Query(
                       None, description="Only relations of this type."),
                   limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    total, rels = _web(request).store.relations_page(article=article, type=type, limit=limit, offset=offset)
    return page(request, [r.to_dict() for r in rels], total, limit, offset)


@router.get("/export", summary="The dataset export: a row per article (JSON Lines or CSV)",
            response_class=StreamingResponse)
def export(request: Request,
           format: Literal["jsonl", "csv"] = Query("jsonl", description="jsonl (JSON Lines) or csv."),
           dedup: bool = Query(False, description="Only the article each group of copies keeps."),
           group_types: str = Query("duplicate,near_duplicate", max_length=200,
                                    description="Relation types that join articles into one group of copies."),
           text: bool = Query(True, description="Include the clean texts.")) -> StreamingResponse:
    """What ``copydesk export`` writes, streamed: each article's story, role, the article it
    derives from (type, share, confidence), its copies, its group and whether the group keeps it."""
    types = exporter.check_types([t.strip() for t in group_types.split(",") if t.strip()])
    db_path = _web(request).db_path

    def body():
        # its own connection: the rows are read while the response is sent, a thread at a time
        with open_store(db_path, readonly=True) as store:
            _, made = exporter.rows(store, group_types=types, dedup=dedup, text=text)
            yield from exporter.lines(made, format, exporter.columns_of(text))

    media = "application/x-ndjson" if format == "jsonl" else "text/csv; charset=utf-8"
    return StreamingResponse(body(), media_type=media, headers={
        "Content-Disposition": f'attachment; filename="copydesk-export{"-dedup" if dedup else ""}.{format}"'})


def _compare(request: Request, a: str, b: str) -> dict[str, Any]:
    if a == b:
        raise ApiError(400, "compare needs two different articles")
    web = _web(request)
    return compare_articles(web.store, a, b, settings=web.settings).to_dict()


@router.get("/compare", summary="Compare two articles (ids as query parameters)")
def compare_query(request: Request, a: Annotated[str, Query(min_length=1)], b: Annotated[str, Query(min_length=1)]
                  ) -> dict[str, Any]:
    """Same as ``/api/compare/{a}/{b}``, for ids that hold a '/'."""
    return _compare(request, a, b)


@router.get("/compare/{a}/{b}", summary="Compare two articles")
def compare_path(request: Request, a: str, b: str) -> dict[str, Any]:
    """The stored relation between ``a`` and ``b`` (either way round) and the aligned passages;
    with no stored relation the two are aligned now (``relation`` is null when there is no reuse)."""
    return _compare(request, a, b)


@router.get("/search", summary="Search articles")
def search(request: Request, q: Annotated[str, Query(min_length=1, max_length=200, description="Text to find.")],
           limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    """Articles whose id, title or clean body contains ``q`` (case-insensitive), with a snippet
    and their story."""
    store = _web(request).store
    total, rows = store.search_articles(q, limit=limit, offset=offset)
    items = [{"id": i, "source": s, "title": t, "published": p, "snippet": snip, "story": store.story_of(i)}
             for i, s, t, p, snip in rows]
    return page(request, items, total, limit, offset)


@router.post("/articles", summary="Ingest articles (needs the token)", status_code=200,
             openapi_extra={"requestBody": {"required": True, "content": {
                 "application/json": {"schema": {"description": "one article, a list, or {\"articles\": [...]}",
                                                 "type": ["object", "array"]}},
                 "application/x-ndjson": {"schema": {"type": "string", "description": "JSON Lines"}},
                 "text/csv": {"schema": {"type": "string", "description": "CSV, a header row naming the fields"}},
                 "text/tab-separated-values": {"schema": {"type": "string", "description": "TSV, likewise"}}}}})
async def post_articles(request: Request) -> dict[str, Any]:
    """Runs the records through the same pipeline as `copydesk analyze` (read, extract, clean,
    store, then find reuse and stories). Needs `Authorization: Bearer TOKEN`. A record is an
    object with `id` and `text` or `html` (and optionally source, url, title, published, byline).
    Bodies over `web.max_request_bytes` answer 413, as do more than `web.max_records` records;
    records that cannot be used are listed under `errors`, naming the record, and the rest is
    stored. When no record can be used the answer is 422."""
    web = _web(request)
    web.check_token(request)
    limit = web.settings.web.max_request_bytes
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise ApiError(413, f"the body is {int(declared):,} bytes; the limit is {limit:,} (web.max_request_bytes)")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError(413, f"the body is over the limit of {limit:,} bytes (web.max_request_bytes)")
        chunks.append(chunk)
    try:
        parsed = web_ingest.parse_body(b"".join(chunks), request.headers.get("content-type"), web.settings)
    except web_ingest.BodyError as exc:
        raise ApiError(exc.status, str(exc), code=exc.code) from exc

    def write() -> dict[str, Any]:
        with web.write_lock:
            return web_ingest.run(parsed, web.writer, web.settings)

    result = await run_in_threadpool(write)
    if not result["accepted"] and result["unchanged"] == 0:
        raise ApiError(422, "no record could be used", code="invalid_records", details=result["errors"])
    return result
