"""The Python API: what the CLI (and later the web UI) call, usable from a notebook.

    from newsgraph import api
    report = api.ingest(["examples/seeds"], db="news.db")
    hits = api.search("news.db", "Lukashenko")
    article = api.get_article("news.db", hits.hits[0]["id"])
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsgraph.config import Settings, load_settings
from newsgraph.errors import InputError
from newsgraph.graph import find_entity
from newsgraph.ingest import Ingest, RunReport
from newsgraph.records import Article, Entity, Event, IngestError, Quote, RawDoc
from newsgraph.search import (
    ONLY_EXCLUSIONS,
    FilteredSearch,
    SearchFilters,
    as_you_type,
    only_exclusions,
    search_in,
    with_exclusions,
)
from newsgraph.store import Store
from newsgraph.timeline import TimelineItem

__all__ = [
    "Settings", "open_store", "ingest", "search", "get_article", "stats", "errors", "export",
    "extract_article", "SearchResult", "quotes", "entities", "get_entity", "stories",
    "get_story", "StoryView", "events", "timeline", "TimelineItem",
    "get_quote", "statements", "QuoteStatement", "graph", "relations", "articles",
    "ingest_to_parquet", "load", "reprocess",
    "SearchFilters", "FilteredSearch", "search_articles", "search_choices", "as_you_type",
    "entity_mentions_by_date", "search_everything",
]


def open_store(db: str | Path, readonly: bool = False) -> Store:
    return Store(db, readonly=readonly)


def ingest(
    paths: list[str],
    db: str | Path | None = None,
    jobs: int | None = None,
    settings: Settings | None = None,
    progress: Callable[[str, int], None] | None = None,
    engine: Any = None,
) -> RunReport:
    """Read, clean, date and deduplicate the inputs into the store. Bad inputs are reported in
    the RunReport (and the store's errors table), never raised."""
    settings = (settings or load_settings()).merged(db=str(db) if db else None, jobs=jobs)
    if engine is None:
        from newsgraph.engines import make_engine

        engine = make_engine(settings)
    with Store(settings.db) as store:
        args = {"paths": list(paths), "jobs": settings.jobs, "engine": engine.name}
        return Ingest(store, settings, engine, progress).run(list(paths), args)


def ingest_to_parquet(
    paths: list[str],
    out: str | Path,
    jobs: int | None = None,
    settings: Settings | None = None,
    progress: Callable[[str, int], None] | None = None,
    engine: Any = None,
) -> Any:
    """The map stages' results straight to Parquet shards in `out` (part-NNNNNN.parquet, with a
    completion marker each in out/_markers), written by the workers; a re-run does only the
    shards without a marker. `load(out, db)` puts them into a store (parquet_out.py)."""
    from newsgraph.parquet_out import write_shards

    settings = (settings or load_settings()).merged(jobs=jobs)
    if engine is None:
        from newsgraph.engines import make_engine

        engine = make_engine(settings)
    return write_shards(list(paths), out, settings, engine, progress)


def load(out: str | Path, db: str | Path | None = None, settings: Settings | None = None,
         progress: Callable[[str, int], None] | None = None) -> RunReport:
    """Parquet shards written by `ingest_to_parquet` into the store, through the corpus stages
    (duplicates, learned lines, entities, stories): the same store as `ingest` of the inputs."""
    from newsgraph.parquet_out import load_shards

    settings = (settings or load_settings()).merged(db=str(db) if db else None)
    return load_shards(out, settings, progress)


def reprocess(db: str | Path | None = None, jobs: int | None = None,
              settings: Settings | None = None, engine: Any = None) -> Any:
    """Re-run what changed stage versions affect (reprocess.py, upstream_replay.py), from the
    store alone: a changed clean, meta, dedup or repeats version re-runs that stage and those
    after it; the NLP stage on the workers for articles whose nlp version differs or whose NLP
    inputs changed, then entities, relations and statements; stories when their version
    differs or anything before them was re-run."""
    from newsgraph.reprocess import reprocess as run

    settings = (settings or load_settings()).merged(db=str(db) if db else None, jobs=jobs)
    if engine is None:
        from newsgraph.engines import make_engine

        engine = make_engine(settings.merged(nlp=True))
    with Store(settings.db) as store:
        return run(store, settings, engine)


@dataclass
class SearchResult:
    query: str
    total: int
    hits: list[dict[str, Any]]
    note: str | None = None  # e.g. when the query was read as plain words


# the largest offset a listing takes: SQLite's integers end at 2**63, and no store is near this
MAX_OFFSET = 1_000_000_000
_TOKEN = re.compile(r"\w+")
HIGHLIGHT_START, HIGHLIGHT_END = "\x02", "\x03"  # around matched words in a hit's snippet


def snippet_parts(snippet: str) -> list[tuple[str, bool]]:
    """A snippet as (text, is_match) pieces, for whoever renders it (terminal, web)."""
    parts: list[tuple[str, bool]] = []
    for i, piece in enumerate(re.split("[\x02\x03]", snippet)):
        if piece:
            parts.append((piece, i % 2 == 1))
    return parts


def _plain_query(query: str) -> str:
    """Words of the query, each quoted: what FTS5 cannot misread."""
    return " ".join(f'"{w}"' for w in _TOKEN.findall(query))


def search(db: str | Path, query: str, limit: int = 10, offset: int = 0) -> SearchResult:
    """Full-text search, best first. FTS5 syntax (AND, OR, NOT, "phrases", prefix*) works; a
    query FTS5 cannot parse is searched as plain words instead, never an error."""
    if only_exclusions(query):
        return SearchResult(query, 0, [], ONLY_EXCLUSIONS)
    with Store(db, readonly=True) as store:
        match = with_exclusions(query)
        try:
            return SearchResult(query, store.search_count(match),
                                store.search(match, limit, offset))
        except sqlite3.OperationalError:
            plain = _plain_query(query)
            if not plain:
                return SearchResult(query, 0, [], "the query has no words to search for")
            hits = store.search(plain, limit, offset)
            return SearchResult(query, store.search_count(plain), hits,
                                f"searched as plain words: {plain}")


def articles(db: str | Path, limit: int = 50, offset: int = 0
             ) -> tuple[int, list[dict[str, Any]]]:
    """(how many articles the store holds, one page of them: id, title, outlet, published and
    its source, language, duplicate_of, story_id) in first-seen order."""
    with Store(db, readonly=True) as store:
        return store.count(), store.list_articles(limit, offset)


def get_article(db: str | Path, article_id: str) -> Article | None:
    with Store(db, readonly=True) as store:
        article = store.get_article(article_id)
        if article is not None:
            article.mentions = store.article_mentions(article.id)
            article.quotes = store.quotes(article_id=article.id, limit=100_000)
        return article


class NotFound(LookupError):
    """A filter names a story, entity or article the store does not hold (the message says
    which): a listing filtered by it would be empty, which would read as "none found"."""


def _known_story(store: Store, story_id: str | None) -> str | None:
    if not story_id:
        return None
    story = store.stories_view().get_story(story_id)
    if story is None:
        raise NotFound(f"no story matches {story_id!r}")
    return story.id


def _known_article(store: Store, article_id: str | None) -> str | None:
    if not article_id:
        return None
    if store.conn.execute("SELECT 1 FROM articles WHERE id=?", (article_id,)).fetchone():
        return article_id
    article = store.get_article(article_id)  # a unique prefix
    if article is None:
        raise NotFound(f"no article matches {article_id!r}")
    return article.id


def quotes(db: str | Path, speaker: str | None = None, query: str | None = None,
           article_id: str | None = None, limit: int = 50, offset: int = 0,
           story_id: str | None = None) -> list[Quote]:
    """Quotes, optionally by speaker (name or any alias of the speaker's entity), words,
    article and story (id or unique prefix; one the store does not hold raises NotFound)."""
    with Store(db, readonly=True) as store:
        story_id = _known_story(store, story_id)
        article_id = _known_article(store, article_id)
        return _matching_quotes(store, article_id, speaker, query, limit, offset, story_id)


def _matching_quotes(store: Store, article_id: str | None, speaker: str | None,
                     query: str | None, limit: int, offset: int = 0,
                     story_id: str | None = None) -> list[Quote]:
    """The quotes holding the words of `query` (FTS5, -word excludes; what FTS5 cannot parse
    as plain words), as `quotes` and the search page find them."""
    if query and (only_exclusions(query) or not _TOKEN.search(query)):
        return []  # words asked for but none given: no quote matches (not every quote)
    try:
        return store.quotes(article_id, speaker, with_exclusions(query) if query else None,
                            limit=limit, offset=offset, story_id=story_id)
    except sqlite3.OperationalError:
        plain = _plain_query(query or "")
        return store.quotes(article_id, speaker, plain or None, limit=limit, offset=offset,
                            story_id=story_id)


def entities(db: str | Path, query: str | None = None, limit: int = 50) -> list[Entity]:
    """Canonical entities, most mentioned first; `query` matches names and aliases."""
    with Store(db, readonly=True) as store:
        return store.entities(query, limit)


def get_entity(db: str | Path, entity_id: str) -> tuple[Entity | None, list[Quote]]:
    """An entity (id or unique prefix) and the quotes it is the speaker of."""
    with Store(db, readonly=True) as store:
        entity = store.get_entity(entity_id)
        said = store.quotes(entity_id=entity.id, limit=1000) if entity else []
        return entity, said


_ID_TABLES = {"article": "articles", "entity": "entities", "story": "stories",
              "quote": "quotes"}


def why_no_id(db: str | Path, kind: str, given: str) -> str:
    """Why an id (or prefix) of `kind` found nothing, for the message: too short to be a
    prefix, the start of several ids, or no id at all."""
    from newsgraph.store.patterns import like

    with Store(db, readonly=True) as store:
        n = store.conn.execute(f"SELECT COUNT(*) FROM (SELECT 1 FROM {_ID_TABLES[kind]} WHERE "
                               "id LIKE ? ESCAPE '\\' LIMIT 20)",
                               (like(given, prefix=True),)).fetchone()[0]
    if n and len(given) < 4:
        return f"no {kind} with id {given}: give at least 4 characters of its id"
    if n > 1:
        return (f"no {kind} with id {given}: {'20 or more' if n >= 20 else n} ids start with "
                "it; give more of the id")
    return f"no {kind} with id {given}"


def article_titles(db: str | Path, article_ids: list[str]) -> dict[str, str | None]:
    """id -> title for the given article ids (ids the store does not hold are left out)."""
    with Store(db, readonly=True) as store:
        out: dict[str, str | None] = {}
        for i in range(0, len(article_ids), 500):  # SQLite's bound on query parameters
            part = article_ids[i:i + 500]
            out.update(store.conn.execute(
                f"SELECT id, title FROM articles WHERE id IN ({','.join('?' * len(part))})",
                part).fetchall())
        return out


@dataclass
class StoryView:
    """A story as readers show it: the contract's fields, its articles (id, title, outlet,
    published) in first-seen order, its most named entities and its quotes."""

    id: str
    title: str | None
    article_ids: list[str]
    start_date: str | None
    end_date: str | None
    articles: list[dict[str, Any]]
    entities: list[tuple[str, str, int]]  # (entity id, name, articles naming it)
    quotes: list[Quote]


def stories(db: str | Path, query: str | None = None, limit: int = 50) -> list[StoryView]:
    """Stories, largest first; `query` matches words of their articles (FTS5, as `search`)."""
    with Store(db, readonly=True) as store:
        view = store.stories_view()
        try:
            found = view.stories(query, limit)
        except sqlite3.OperationalError:
            found = view.stories(_plain_query(query or "") or None, limit)
        return [StoryView(s.id, s.title, view.article_ids(s.id), s.start, s.end, [], [], [])
                for s in found]


def get_story(db: str | Path, story_id: str, quote_limit: int = 1000) -> StoryView | None:
    """One story (id or unique prefix) with its articles, key entities and quotes."""
    with Store(db, readonly=True) as store:
        story = store.stories_view().get_story(story_id)
        if story is None:
            return None
        ids = store.stories_view().article_ids(story.id)
        articles, named = [], {}
        for art_id in ids:
            art = store.get_article(art_id)
            if art is None:
                continue
            articles.append({"id": art.id, "title": art.title, "outlet": art.outlet,
                             "published": art.published, "duplicate_of": art.duplicate_of})
            for m in store.article_mentions(art_id):
                if m.entity_id:
                    named.setdefault((m.entity_id, m.canonical or m.text), set()).add(art_id)
        top = sorted(((eid, name, len(arts)) for (eid, name), arts in named.items()),
                     key=lambda t: (-t[2], t[1]))[:15]
        said = store.quotes(story_id=story.id, limit=quote_limit)
        return StoryView(story.id, story.title, ids, story.start, story.end, articles, top,
                         said)


def events(db: str | Path, story_id: str | None = None, entity_id: str | None = None,
           action: str | None = None, article_id: str | None = None, limit: int = 50,
           offset: int = 0) -> list[Event]:
    """Events (who did what to whom), by story (id or unique prefix), entity (id, prefix, name
    or alias: see `find_entity`), PLOVER action and article (id or prefix), in first-seen
    order. A story, entity or article the store does not hold raises NotFound."""
    with Store(db, readonly=True) as store:
        story_id = _known_story(store, story_id)
        article_id = _known_article(store, article_id)
        if entity_id:
            entity = find_entity(store, entity_id)
            if entity is None:
                raise NotFound(f"no entity matches {entity_id!r}")
            entity_id = entity.id
        return store.events_view().events(article_id, story_id, entity_id, action,
                                          limit=limit, offset=offset)


def timeline(db: str | Path, story_id: str | None = None, entity: str | None = None,
             limit: int = 1000) -> tuple[str | None, list[TimelineItem]]:
    """(what it is the timeline of, its items): a story's (id or prefix) or an entity's (id,
    prefix, or a name or alias: see `find_entity`) events and quotes, by event time
    with report time beside it. (None, []) when the story or entity is unknown."""
    from newsgraph.timeline import build

    with Store(db, readonly=True) as store:
        entity_id = None
        label: str | None = None
        if entity:
            found = find_entity(store, entity)
            if found is None:
                return None, []
            entity_id, label = found.id, f"{found.name} ({found.type}, {found.id})"
        if story_id:
            story = store.stories_view().get_story(story_id)
            if story is None:
                return None, []
            story_id, label = story.id, f"{story.title or story.id} ({story.id})"
        if not (story_id or entity_id):
            return None, []
        return label, build(store, story_id, entity_id, limit)


def stats(db: str | Path, settings: Settings | None = None) -> dict[str, Any]:
    """What the store holds, and `older`: stage -> {older version: articles} for the articles
    made by a stage version other than this newsgraph's (`newsgraph reprocess` re-runs them)."""
    from newsgraph.reprocess import UPSTREAM, current_versions, older_versions

    want = current_versions(settings or load_settings())
    with Store(db, readonly=True) as store:
        result = store.stats()
        result["last_run"] = store.last_run()
        result["older"] = older_versions(store, want, (*UPSTREAM, "nlp"))
        return result


def errors(db: str | Path, last_run_only: bool = False) -> list[IngestError]:
    with Store(db, readonly=True) as store:
        run = store.last_run() if last_run_only else None
        return store.errors(run["id"] if run else None)


def export(db: str | Path, out: str | Path, fmt: str = "jsonl") -> dict[str, int]:
    from newsgraph.export import export_jsonl, export_parquet

    if fmt not in ("jsonl", "parquet"):
        raise ValueError(f"unknown export format {fmt!r}: use jsonl or parquet")
    with Store(db, readonly=True) as store:
        return (export_jsonl if fmt == "jsonl" else export_parquet)(store, Path(out))


def extract_article(
    html: str | bytes | None = None,
    text: str | bytes | None = None,
    url: str | None = None,
    title: str | None = None,
    published: str | None = None,
    settings: Settings | None = None,
) -> Article:
    """Run the per-article stages on one document in this process (no store): for notebooks,
    evals and tests. Raises InputError when the document has no readable article."""
    from newsgraph.pipeline import Worker

    if (html is None) == (text is None):
        raise ValueError("give exactly one of html= or text=")
    hints = {k: v for k, v in {"url": url, "title": title, "published": published}.items() if v}
    raw = RawDoc("<memory>", "html" if html is not None else "text",
                 html if html is not None else text, hints)  # type: ignore[arg-type]
    worker = Worker(settings or load_settings())
    worker.setup()
    result = worker.process([raw])[0]
    if isinstance(result, IngestError):
        raise InputError(result.code, result.message)
    return result


@dataclass
class QuoteStatement:
    """A quote (`newsgraph quote ID`), its article, and the statement it is a version of."""

    quote: Quote
    article: dict[str, Any]
    statement: Any  # store.statements.StatementView, or None before the statement pass ran


def get_quote(db: str | Path, quote_id: str) -> QuoteStatement | None:
    """A quote (id or unique prefix) with every version of its statement across articles."""
    with Store(db, readonly=True) as store:
        view = store.statements_view()
        found = view.find_quote(quote_id)
        if found is None:
            return None
        said = view.quote(found)
        art = store.get_article(said.article_id or "")
        article = {"id": said.article_id, "title": art.title if art else None,
                   "outlet": art.outlet if art else None,
                   "published": art.published if art else None}
        sid = view.statement_of(found)
        return QuoteStatement(said, article, view.get_statement(sid) if sid else None)


def statements(db: str | Path, speaker: str | None = None, min_versions: int = 2,
               limit: int = 50) -> list[Any]:
    """Statements quoted in more than one version (StatementView), most versions first;
    `speaker` matches a version's speaker or an alias of its entity."""
    with Store(db, readonly=True) as store:
        return store.statements_view().statements(speaker, min_versions, limit)

def graph(db: str | Path, entity: str, kind: str | None = None, limit: int = 20
          ) -> tuple[Entity | None, list[Any]]:
    """(the entity, its related entities): edges of one entity (id, prefix, or a name or alias
    — the most mentioned match) as `graph.RelatedEntity`, most hits first, each with one
    evidence snippet; `kind` is co-occurs | quotes-about | acts-on. (None, []) when no entity
    matches; ValueError for an unknown kind."""
    from newsgraph.graph import related

    with Store(db, readonly=True) as store:
        found = find_entity(store, entity)
        if found is None:
            return None, []
        return found, related(store, found, kind, limit)


def relations(db: str | Path) -> list[Any]:
    """Every stored edge (`stages.relations.Relation`) in first-seen order."""
    with Store(db, readonly=True) as store:
        return list(store.relations_view().iter_relations())


# ---- search with filters, counts and as-you-type (web UI, `/api/search`): newsgraph/search.py

def search_articles(db: str | Path, query: str | None = None,
                    filters: SearchFilters | None = None, limit: int = 10, offset: int = 0,
                    facets: bool = False, prefix: bool = False,
                    languages: list[str] | None = None) -> FilteredSearch:
    """Full-text search narrowed by `filters` (date range, outlet, language, story, entity,
    speaker), best first (bm25, title weighted); with no query, the filtered articles, newest
    first. `facets` adds counts by outlet, language and month; `prefix` reads the query as
    typed so far (`as_you_type`). `languages`, the store's languages if the caller has them
    (e.g. cached from `search_choices`), spares a one-language store a pass over every
    article. A query FTS5 cannot parse is searched as plain words, as `search` does; a bad
    filter raises ValueError."""
    with Store(db, readonly=True) as store:
        return search_in(store, query, filters, limit, offset, facets, prefix, languages)


def search_everything(db: str | Path, query: str | None = None,
                      filters: SearchFilters | None = None, limit: int = 10, offset: int = 0,
                      facets: bool = False, prefix: bool = False,
                      languages: list[str] | None = None, side: int = 10
                      ) -> tuple[FilteredSearch, list[Entity], list[Quote]]:
    """What the search page shows, through one store connection: `search_articles`, plus
    the entities whose names match the words and the quotes that hold them (narrowed by the
    speaker and story filters), `side` of each; no query, no entities or quotes."""
    with Store(db, readonly=True) as store:
        found = search_in(store, query, filters, limit, offset, facets, prefix, languages)
        words = (query or "").strip()
        if not words:
            return found, [], []
        f = filters or SearchFilters()
        ents = store.entities(words, side)
        said = _matching_quotes(store, None, f.speaker, words, side,
                                story_id=(found.filters or {}).get("story"))
        return found, ents, said


def search_choices(db: str | Path, limit: int = 200) -> dict[str, list[tuple[str, int]]]:
    """The outlets and languages of the whole store with their article counts, most first:
    what the search page offers to filter by."""
    with Store(db, readonly=True) as store:
        q = store.conn.execute
        return {
            "outlet": [tuple(r) for r in q(
                "SELECT outlet, count(*) FROM articles WHERE outlet IS NOT NULL "
                "GROUP BY outlet ORDER BY 2 DESC, 1 LIMIT ?", (limit,))],
            "language": [tuple(r) for r in q(
                "SELECT coalesce(language, 'unknown'), count(*) FROM articles GROUP BY 1 "
                "ORDER BY 2 DESC, 1 LIMIT ?", (limit,))],
        }


def entity_mentions_by_date(db: str | Path, entity_id: str
                            ) -> tuple[list[tuple[str, int]], int]:
    """(mentions of the entity by publication day of their article, in date order; mentions
    in undated articles). Days only: a chart bins them."""
    with Store(db, readonly=True) as store:
        rows = store.conn.execute(
            "SELECT substr(a.published, 1, 10), count(*) FROM mentions m "
            "JOIN articles a ON a.id = m.article_id WHERE m.entity_id = ? GROUP BY 1 "
            "ORDER BY 1", (entity_id,)).fetchall()
    dated = [(r[0], int(r[1])) for r in rows if r[0]]
    undated = sum(int(r[1]) for r in rows if not r[0])
    return dated, undated
