"""Server-rendered pages (Jinja2, autoescaped): thin over `newsgraph.api`. Every page works
without JavaScript; static/app.js only adds as-you-type search, the `/` shortcut and the
upload form's progress."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from newsgraph import api
from newsgraph.web.charts import bar_chart, radial_graph, timeline_chart
from newsgraph.web.params import (
    choices,
    query_string,
    search_filters,
    store_languages,
    unprocessable,
)
from newsgraph.web.render import Evidence, clip, raw_pieces, text_marks
from newsgraph.web.upload import SUFFIXES

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
PAGE = 20

# autoescape on for every template: article text is always rendered as text
# auto_reload off: templates are package data, so no stat of each one on every request
_env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True,
                   undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                   auto_reload=False)
_env.globals["query_string"] = query_string
_env.filters["clip"] = clip
templates = Jinja2Templates(env=_env)

Text = Annotated[str | None, Query(max_length=500)]
Offset = Annotated[int, Query(ge=0, le=api.MAX_OFFSET)]


def _page(request: Request, name: str, status_code: int = 200, **context: Any) -> Response:
    return templates.TemplateResponse(request, name, context, status_code=status_code)


def render_error(request: Request, status: int, message: str) -> Response:
    return _page(request, "error.html", status_code=status, title=f"{status} error", status=status,
                 message=message)


def pages_router(db: str) -> APIRouter:
    r = APIRouter(default_response_class=HTMLResponse, include_in_schema=False)

    @r.get("/")
    def home(request: Request, q: Text = None, offset: Offset = 0,
             filters: api.SearchFilters = Depends(search_filters),
             prefix: Annotated[bool, Query(description="the last word of q as a prefix (as "
                                                       "the live results read it)")] = False,
             ) -> Response:
        q = (q or "").strip()
        params = {"q": q, **filters.active(), "prefix": "1" if prefix and q else None}
        common = {"q": q, "params": params, "choices": choices(db), "offset": offset,
                  "page": PAGE, "active": filters.active()}
        if not q and not filters.active():
            total, recent = api.articles(db, PAGE, offset)
            return _page(request, "index.html", title="newsgraph", result=None, total=total,
                         recent=recent, stories=api.stories(db, None, 10), hits=[],
                         entities=[], quotes=[], months=None, **common)
        result, ents, said = unprocessable(api.search_everything, db, q, filters, PAGE,
                                           offset, True, prefix,
                                           languages=store_languages(db))
        hits = [{**h, "parts": api.snippet_parts(h["snippet"] or "")} for h in result.hits]
        months = [(m, n) for m, n in (result.facets or {}).get("month", []) if m]
        return _page(request, "index.html", title=f"{q or 'filtered'} · newsgraph",
                     result=result, hits=hits, entities=ents, quotes=said,
                     total=result.total, recent=[], stories=[], months=bar_chart(months),
                     **common)

    @r.get("/article/{article_id}")
    def article(request: Request, article_id: str,
                hl: Annotated[str | None, Query(pattern=r"^\d{1,9}-\d{1,9}$", description=(
                    "START-END: offsets into the text to highlight (the evidence a link "
                    "points at), anchored as #hl"))] = None) -> Response:
        found = api.get_article(db, article_id)
        if found is None:
            raise HTTPException(404, f"no article with id {article_id}")
        evidence = Evidence(*map(int, hl.split("-"))) if hl else None
        marks = text_marks(found.text, found.quotes, found.mentions, evidence)
        removed = [(d, found.raw_text[d.start:d.end]) for d in found.removed]
        return _page(request, "article.html", title=found.title or found.id, a=found,
                     marks=marks, raw=raw_pieces(found.raw_text, found.removed),
                     removed=removed)

    @r.get("/story/{story_id}")
    def story(request: Request, story_id: str) -> Response:
        found = api.get_story(db, story_id)
        if found is None:
            raise HTTPException(404, f"no story with id {story_id}")
        _, items = api.timeline(db, story_id=found.id)
        return _page(request, "story.html", title=found.title or found.id, s=found,
                     items=items, chart=timeline_chart(items))

    @r.get("/stories")
    def stories(request: Request, q: Text = None) -> Response:
        return _page(request, "stories.html", title="stories", q=q or "",
                     stories=api.stories(db, q or None, 200))

    @r.get("/entity/{entity_id}")
    def entity(request: Request, entity_id: str) -> Response:
        found, said = api.get_entity(db, entity_id)
        if found is None:
            raise HTTPException(404, f"no entity with id {entity_id}")
        _, related = api.graph(db, found.id, None, 30)
        _, items = api.timeline(db, entity=found.id, limit=200)
        dated, undated = api.entity_mentions_by_date(db, found.id)
        titles = api.article_titles(db, found.article_ids)
        return _page(request, "entity.html", title=found.name, e=found, quotes=said,
                     titles=titles,
                     related=related, items=items, mentions=bar_chart(dated),
                     undated=undated, graph=radial_graph(found.name, related))

    @r.get("/entities")
    def entities(request: Request, q: Text = None) -> Response:
        return _page(request, "entities.html", title="entities", q=q or "",
                     entities=api.entities(db, q or None, 200))

    @r.get("/quotes")
    def quotes(request: Request, speaker: Text = None, q: Text = None,
               offset: Offset = 0) -> Response:
        found = api.quotes(db, speaker or None, q or None, limit=PAGE + 1, offset=offset)
        return _page(request, "quotes.html", title="quotes", speaker=speaker or "", q=q or "",
                     quotes=found[:PAGE], more=len(found) > PAGE, offset=offset, page=PAGE)

    @r.get("/quote/{quote_id}")
    def quote(request: Request, quote_id: str) -> Response:
        found = api.get_quote(db, quote_id)
        if found is None:
            raise HTTPException(404, f"no quote with id {quote_id}")
        said = found.quote.text if len(found.quote.text) <= 60 else found.quote.text[:59] + "…"
        return _page(request, "quote.html", qs=found,
                     title=f"{found.quote.speaker or 'unknown speaker'}: {said}")

    @r.get("/favicon.ico")
    def favicon() -> Response:
        # browsers ask for it on every page, the JSON ones too: the site's icon, not a 404 page
        return Response((STATIC / "favicon.svg").read_bytes(), media_type="image/svg+xml",
                        headers={"Cache-Control": "max-age=86400"})

    @r.get("/api-docs")
    def api_docs(request: Request) -> Response:
        """The JSON API's reference from its OpenAPI schema, as a plain page (no script)."""
        ops = [(path, method.upper(), op) for path, methods in
               request.app.openapi()["paths"].items() for method, op in methods.items()]
        return _page(request, "api_docs.html", title="JSON API", ops=ops)

    @r.get("/upload")
    def upload(request: Request) -> Response:
        if not request.app.state.allow_ingest:
            raise HTTPException(403, "ingest is disabled: start the server with "
                                     "newsgraph serve --allow-ingest")
        return _page(request, "upload.html", title="upload", suffixes=SUFFIXES,
                     max_upload=request.app.state.max_upload)

    return r
