"""The FastAPI app: a JSON API under /api and server-rendered pages, both thin over
`newsgraph.api`. Read-only unless ingest is allowed: every read opens the store read-only."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query, Request
from fastapi.exception_handlers import (
    http_exception_handler,
    request_validation_exception_handler,
)
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from newsgraph import api
from newsgraph.web.params import search_filters, store_languages, unprocessable
from newsgraph.web.render import article_dict, plain

Limit = Annotated[int, Query(ge=1, le=500, description="Page size (1..500).")]
Offset = Annotated[int, Query(ge=0, le=api.MAX_OFFSET, description="Items to skip.")]
Text = Annotated[str | None, Query(max_length=500)]

# Pages: scripts, styles, images and fetches only from this server, never inline (article text
# can't run even if it escaped); /docs has its own policy (web/docs.py).
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")


def _not_found(what: str, ident: str) -> HTTPException:
    return HTTPException(404, f"no {what} with id {ident}")


def api_router(db: str) -> APIRouter:
    r = APIRouter(prefix="/api", tags=["api"])

    @r.get("/search")
    def search(q: Annotated[str | None, Query(max_length=500)] = None, limit: Limit = 10,
               offset: Offset = 0,
               filters: api.SearchFilters = Depends(search_filters),
               facets: Annotated[bool, Query(description="Counts by outlet, language and "
                                                         "month.")] = False,
               prefix: Annotated[bool, Query(description="Read the last word as a prefix "
                                                         "(as you type).")] = False,
               ) -> dict[str, Any]:
        """Full-text search over articles (FTS5 syntax; unparseable queries as plain words),
        narrowed by filters (dates, outlet, language, story, entity, speaker); with filters
        and no `q`, the filtered articles newest first. Bad filter values are a 422."""
        if not (q or "").strip() and not filters.active():
            raise HTTPException(422, "give q= or at least one filter")
        res = unprocessable(api.search_articles, db, q, filters, limit, offset, facets, prefix,
                            store_languages(db))
        hits = [{**h, "snippet_parts": api.snippet_parts(h["snippet"] or "")} for h in res.hits]
        return {"query": res.query, "total": res.total, "note": res.note, "limit": limit,
                "offset": offset, "filters": res.filters, "facets": res.facets, "hits": hits}

    @r.get("/articles")
    def articles(limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
        """Articles in first-seen order, a page at a time."""
        total, page = api.articles(db, limit, offset)
        return {"total": total, "limit": limit, "offset": offset, "articles": page}

    @r.get("/articles/{article_id}")
    def article(article_id: str) -> dict[str, Any]:
        """One article (id or unique prefix): metadata, clean text, removed lines, quotes."""
        found = api.get_article(db, article_id)
        if found is None:
            raise _not_found("article", article_id)
        return article_dict(found)

    @r.get("/stories")
    def stories(q: Text = None, limit: Limit = 50) -> list[dict[str, Any]]:
        """Stories, largest first; `q` matches their articles' words."""
        return plain(api.stories(db, q or None, limit))

    @r.get("/stories/{story_id}")
    def story(story_id: str) -> dict[str, Any]:
        """One story with its articles, key entities and quotes."""
        found = api.get_story(db, story_id)
        if found is None:
            raise _not_found("story", story_id)
        return plain(found)

    @r.get("/entities")
    def entities(q: Text = None, limit: Limit = 50) -> list[dict[str, Any]]:
        """Entities, most mentioned first; `q` matches names and aliases."""
        return plain(api.entities(db, q or None, limit))

    @r.get("/entities/{entity_id}")
    def entity(entity_id: str, related: Limit = 20) -> dict[str, Any]:
        """One entity: its aliases and articles, its quotes, and its related entities."""
        found, said = api.get_entity(db, entity_id)
        if found is None:
            raise _not_found("entity", entity_id)
        _, rels = api.graph(db, found.id, None, related)
        return {"entity": plain(found), "quotes": plain(said), "related": plain(rels)}

    @r.get("/quotes")
    def quotes(speaker: Text = None, q: Text = None, story: Text = None,
               article: Text = None, limit: Limit = 50, offset: Offset = 0,
               prefix: Annotated[bool, Query(description="Read the last word of `q` as a "
                                                         "prefix (as you type).")] = False,
               ) -> list[dict[str, Any]]:
        """Quotes, by speaker (name or alias), words, story and article."""
        words = api.as_you_type(q) if prefix and q else q
        return plain(api.quotes(db, speaker or None, words or None, article or None, limit,
                                offset, story or None))

    @r.get("/quotes/{quote_id}")
    def quote(quote_id: str) -> dict[str, Any]:
        """One quote, its article, and every version of its statement."""
        found = api.get_quote(db, quote_id)
        if found is None:
            raise _not_found("quote", quote_id)
        return plain(found)

    @r.get("/statements")
    def statements(speaker: Text = None, min_versions: Annotated[int, Query(ge=1)] = 2,
                   limit: Limit = 50) -> list[dict[str, Any]]:
        """Statements quoted in more than one version."""
        return plain(api.statements(db, speaker or None, min_versions, limit))

    @r.get("/events")
    def events(story: Annotated[str | None, Query(max_length=500, description=(
                   "A story id or unique prefix."))] = None,
               entity: Annotated[str | None, Query(max_length=500, description=(
                   "An entity the event's actor or target is: id, prefix, name or alias."))]
               = None,
               action: Annotated[str | None, Query(max_length=500, description=(
                   "A PLOVER category, e.g. THREATEN, AGREE, ACCUSE."))] = None,
               article: Annotated[str | None, Query(max_length=500, description=(
                   "An article id or unique prefix."))] = None,
               limit: Limit = 50, offset: Offset = 0) -> list[dict[str, Any]]:
        """Events (who did what to whom) by story, entity, PLOVER action and article; a story,
        entity or article the store does not hold is a 404."""
        return plain(api.events(db, story or None, entity or None, action or None,
                                article or None, limit, offset))

    @r.get("/timeline")
    def timeline(story: Text = None, entity: Text = None, limit: Limit = 500
                 ) -> dict[str, Any]:
        """A story's or an entity's events and quotes by event time (give exactly one)."""
        if bool(story) == bool(entity):
            raise HTTPException(422, "give exactly one of story= or entity=")
        label, items = api.timeline(db, story_id=story or None, entity=entity or None,
                                    limit=limit)
        if label is None:
            raise _not_found("story" if story else "entity", story or entity or "")
        return {"of": label, "items": [it.to_dict() for it in items]}

    @r.get("/stats")
    def stats() -> dict[str, Any]:
        """What the store holds."""
        return api.stats(db)

    return r


# Threads for the sync routes. Their work is CPU-bound Python under one GIL: AnyIO's default
# of 40 let 50 clients interleave 40 requests at once and stretched the slowest (50 clients,
# 10k articles: p99 695 ms with 40, 438 ms with 4, same throughput); a few more than the cores
# keep SQLite's GIL-free reads overlapping.
THREADS = int(os.environ.get("NEWSGRAPH_WEB_THREADS", "6"))


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    import anyio.to_thread

    anyio.to_thread.current_default_thread_limiter().total_tokens = THREADS
    yield


def create_app(db: str, allow_ingest: bool = False, max_upload: int | None = None) -> FastAPI:
    """The app over one store. Read-only unless `allow_ingest`: then POST /api/ingest takes
    one uploaded file (at most `max_upload` bytes) through `api.ingest`."""
    from newsgraph.store import Store

    with Store(db, readonly=True):  # fail now, with the store's own error, not per request
        pass
    app = FastAPI(title="newsgraph", summary="News read through its evidence.",
                  redoc_url=None, docs_url=None,  # /docs: web/docs.py, from vendored assets
                  lifespan=_lifespan)
    app.state.db = db
    app.state.allow_ingest = allow_ingest
    app.include_router(api_router(db))
    from newsgraph.web.upload import MAX_UPLOAD, ingest_router

    app.state.max_upload = max_upload or MAX_UPLOAD
    app.include_router(ingest_router(db, allow_ingest, app.state.max_upload))

    from fastapi.staticfiles import StaticFiles

    from newsgraph.web.pages import STATIC, pages_router, render_error

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(pages_router(db))
    from newsgraph.web.docs import docs_router

    app.include_router(docs_router())

    @app.exception_handler(StarletteHTTPException)
    async def errors(request: Request, exc: StarletteHTTPException) -> Response:
        if request.url.path.startswith(("/api", "/docs", "/openapi", "/static")):
            return await http_exception_handler(request, exc)
        return render_error(request, exc.status_code, str(exc.detail))

    @app.exception_handler(api.NotFound)
    async def unknown_filter(request: Request, exc: api.NotFound) -> Response:
        # a filter naming what the store does not hold: 404, as /api/timeline?entity=… is
        return await errors(request, StarletteHTTPException(404, str(exc)))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        if request.url.path.startswith("/api"):
            return await request_validation_exception_handler(request, exc)
        wrong = "; ".join(f"{'.'.join(str(x) for x in e['loc'][1:])}: {e['msg']}"
                          for e in exc.errors())
        return render_error(request, 422, f"bad parameters: {wrong}")

    app.add_middleware(SecurityHeaders)
    return app


class SecurityHeaders:
    """Adds nosniff and the CSP (unless the route set its own, as /docs does) to every
    response. Plain ASGI: Starlette's @app.middleware("http") wraps each response in extra
    tasks and streams, measurable on every request (benchmarks/web.py)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["X-Content-Type-Options"] = "nosniff"
                if "content-security-policy" not in headers:
                    headers["Content-Security-Policy"] = CSP
            await send(message)

        await self.app(scope, receive, send_with_headers)


def app_from_env() -> FastAPI:
    """The app for `uvicorn --factory newsgraph.web.app:app_from_env` (several worker
    processes need an import string, not an app object): the store from NEWSGRAPH_WEB_DB,
    uploads on when NEWSGRAPH_WEB_ALLOW_INGEST is 1. Used by `python -m newsgraph.web`."""
    return create_app(os.environ["NEWSGRAPH_WEB_DB"],
                      allow_ingest=os.environ.get("NEWSGRAPH_WEB_ALLOW_INGEST") == "1")
