"""Server-rendered pages (Jinja2, autoescaped): thin over `newsgraph.api`, no scripts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from newsgraph import api
from newsgraph.web.render import raw_pieces, text_runs

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
PAGE = 20

# autoescape on for every template: article text is always rendered as text
_env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True,
                   undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
templates = Jinja2Templates(env=_env)

Text = Annotated[str | None, Query(max_length=500)]
Offset = Annotated[int, Query(ge=0)]


def _page(request: Request, name: str, status_code: int = 200, **context: Any) -> Response:
    return templates.TemplateResponse(request, name, context, status_code=status_code)


def render_error(request: Request, status: int, message: str) -> Response:
    return _page(request, "error.html", status_code=status, title=f"{status}", status=status,
                 message=message)


def pages_router(db: str) -> APIRouter:
    r = APIRouter(default_response_class=HTMLResponse, include_in_schema=False)

    @r.get("/")
    def home(request: Request, q: Text = None, offset: Offset = 0) -> Response:
        q = (q or "").strip()
        if not q:
            total, recent = api.articles(db, PAGE, offset)
            return _page(request, "index.html", title="newsgraph", q="", result=None,
                         stats=api.stats(db), total=total, recent=recent,
                         stories=api.stories(db, None, 10), offset=offset, page=PAGE,
                         entities=[], quotes=[])
        result = api.search(db, q, PAGE, offset)
        hits = [{**h, "parts": api.snippet_parts(h["snippet"] or "")} for h in result.hits]
        return _page(request, "index.html", title=f"{q} · newsgraph", q=q, result=result,
                     hits=hits, offset=offset, page=PAGE, entities=api.entities(db, q, 10),
                     quotes=api.quotes(db, query=q, limit=10), stats=None, recent=[],
                     stories=[], total=result.total)

    @r.get("/article/{article_id}")
    def article(request: Request, article_id: str) -> Response:
        found = api.get_article(db, article_id)
        if found is None:
            raise HTTPException(404, f"no article with id {article_id}")
        runs = text_runs(found.text, found.quotes, found.mentions)
        removed = [(d, found.raw_text[d.start:d.end]) for d in found.removed]
        return _page(request, "article.html", title=found.title or found.id, a=found,
                     runs=runs, raw=raw_pieces(found.raw_text, found.removed),
                     removed=removed)

    @r.get("/story/{story_id}")
    def story(request: Request, story_id: str) -> Response:
        found = api.get_story(db, story_id)
        if found is None:
            raise HTTPException(404, f"no story with id {story_id}")
        _, items = api.timeline(db, story_id=found.id)
        return _page(request, "story.html", title=found.title or found.id, s=found,
                     items=items)

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
        return _page(request, "entity.html", title=found.name, e=found, quotes=said,
                     related=related, items=items)

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
        return _page(request, "quote.html", title="quote", qs=found)

    @r.get("/api-docs")
    def api_docs(request: Request) -> Response:
        """The JSON API's reference from its OpenAPI schema, served locally (the Swagger UI at
        /docs loads its script from a CDN and is blank offline)."""
        ops = [(path, method.upper(), op) for path, methods in
               request.app.openapi()["paths"].items() for method, op in methods.items()]
        return _page(request, "api_docs.html", title="JSON API", ops=ops)

    return r
