"""The Python API: what the CLI (and later the web UI) call, usable from a notebook.

    from newsgraph import api
    report = api.ingest(["examples/seeds"], db="news.db")
    hits = api.search("news.db", "Lukashenko")
    article = api.get_article("news.db", hits.hits[0]["id"])
"""

from __future__ import annotations

import re
import sqlite3
import threading
from array import array
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsgraph.config import Settings, load_settings
from newsgraph.errors import InputError
from newsgraph.ingest import Ingest, RunReport
from newsgraph.records import Article, Entity, Event, IngestError, Quote, RawDoc
from newsgraph.store import Store
from newsgraph.timeline import TimelineItem

__all__ = [
    "Settings", "open_store", "ingest", "search", "get_article", "stats", "errors", "export",
    "extract_article", "SearchResult", "quotes", "entities", "get_entity", "stories",
    "get_story", "StoryView", "events", "timeline", "TimelineItem",
    "get_quote", "statements", "QuoteStatement", "graph", "relations", "articles",
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
        from newsgraph.engines.local import LocalEngine

        engine = LocalEngine(settings, settings.jobs)
    with Store(settings.db) as store:
        args = {"paths": list(paths), "jobs": settings.jobs, "engine": engine.name}
        return Ingest(store, settings, engine, progress).run(list(paths), args)


@dataclass
class SearchResult:
    query: str
    total: int
    hits: list[dict[str, Any]]
    note: str | None = None  # e.g. when the query was read as plain words


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
    with Store(db, readonly=True) as store:
        try:
            return SearchResult(query, store.search_count(query),
                                store.search(query, limit, offset))
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


def quotes(db: str | Path, speaker: str | None = None, query: str | None = None,
           article_id: str | None = None, limit: int = 50, offset: int = 0,
           story_id: str | None = None) -> list[Quote]:
    """Quotes, optionally by speaker (name or any alias of the speaker's entity), words and
    story (id or unique prefix; an unknown story has no quotes)."""
    with Store(db, readonly=True) as store:
        if story_id:
            story = store.stories_view().get_story(story_id)
            if story is None:
                return []
            story_id = story.id
        try:
            return store.quotes(article_id, speaker, query, limit=limit, offset=offset,
                                story_id=story_id)
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
    """Events (who did what to whom), by story or entity (id or unique prefix; unknown ->
    none), PLOVER action and article, in first-seen order."""
    with Store(db, readonly=True) as store:
        story_id, entity_id, known = _resolve_ids(store, story_id, entity_id)
        if not known:
            return []
        return store.events_view().events(article_id, story_id, entity_id, action,
                                          limit=limit, offset=offset)


def timeline(db: str | Path, story_id: str | None = None, entity: str | None = None,
             limit: int = 1000) -> tuple[str | None, list[TimelineItem]]:
    """(what it is the timeline of, its items): a story's (id or prefix) or an entity's (id,
    prefix, or a name or alias — the most mentioned match) events and quotes, by event time
    with report time beside it. (None, []) when the story or entity is unknown."""
    from newsgraph.timeline import build

    with Store(db, readonly=True) as store:
        entity_id = None
        label: str | None = None
        if entity:
            found = store.get_entity(entity) or next(iter(store.entities(entity, 1)), None)
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


def _resolve_ids(store: Store, story_id: str | None, entity_id: str | None
                 ) -> tuple[str | None, str | None, bool]:
    if story_id:
        story = store.stories_view().get_story(story_id)
        if story is None:
            return None, None, False
        story_id = story.id
    if entity_id:
        ent = store.get_entity(entity_id)
        if ent is None:
            return None, None, False
        entity_id = ent.id
    return story_id, entity_id, True


def stats(db: str | Path) -> dict[str, Any]:
    with Store(db, readonly=True) as store:
        result = store.stats()
        result["last_run"] = store.last_run()
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
    from newsgraph.graph import find_entity, related

    with Store(db, readonly=True) as store:
        found = find_entity(store, entity)
        if found is None:
            return None, []
        return found, related(store, found, kind, limit)


def relations(db: str | Path) -> list[Any]:
    """Every stored edge (`stages.relations.Relation`) in first-seen order."""
    with Store(db, readonly=True) as store:
        return list(store.relations_view().iter_relations())


# ---- search with filters, facets and as-you-type (web UI, `/api/search`) -------------------

_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_LANG = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})?|unknown")
_PLAIN_WORDS = re.compile(r"[\w\s'’-]*\w")


@dataclass
class SearchFilters:
    """What a search may be narrowed to; every field optional. Dates are ISO at day, month or
    year precision (`2024`, `2024-04`, `2024-04-05`), both ends inclusive; `language` is a
    code or `unknown` (no reliable language); `story` and `entity` an id or unique prefix
    (`entity` also a name or alias); `speaker` matches a quote's speaker or its entity's
    aliases, as `quotes` does."""

    date_from: str | None = None
    date_to: str | None = None
    outlet: str | None = None
    language: str | None = None
    story: str | None = None
    entity: str | None = None
    speaker: str | None = None

    def active(self) -> dict[str, str]:
        return {k: v for k, v in self.__dict__.items() if v}


@dataclass
class FilteredSearch(SearchResult):
    """A search result with the filters as resolved (ids in full) and, when asked for, the
    counts of the matching articles by outlet, language and month of publication."""

    filters: dict[str, str] | None = None
    facets: dict[str, list[tuple[str | None, int]]] | None = None


def _period_bounds(value: str, name: str) -> tuple[str, str]:
    """(first day, first day after) of an ISO date at day, month or year precision, as
    strings that compare correctly with stored dates and datetimes."""
    from datetime import date, timedelta

    m = _DATE.fullmatch(value.strip())
    if not m:
        raise ValueError(f"{name}: {value!r} is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)")
    y, mo, d = int(m[1]), int(m[2] or 1), int(m[3] or 1)
    try:
        start = date(y, mo, d)
    except ValueError:
        raise ValueError(f"{name}: {value!r} is not a real date") from None
    if m[3]:
        after = start + timedelta(days=1)
    elif m[2]:
        after = date(y + (mo == 12), mo % 12 + 1, 1)
    else:
        after = date(y + 1, 1, 1) if y < 9999 else date(9999, 12, 31)
    return start.isoformat()[:len(value.strip())], after.isoformat()


def _filter_sets(store: Store, f: SearchFilters, languages: list[str] | None
                 ) -> tuple[list[tuple[str, list[Any]]], dict[str, str], bool]:
    """The filters as subqueries that each select article seqs through an index (`SELECT seq
    FROM articles WHERE published >= ?` reads the published index, never an article row: on a
    big store the columns after `text` cost an overflow-page walk per row), the filters as
    resolved, and whether they match nothing for sure. ValueError for a value that is
    malformed or names nothing."""
    from newsgraph.graph import find_entity

    sets: list[tuple[str, list[Any]]] = []
    resolved: dict[str, str] = {}
    nothing = False
    if f.date_from or f.date_to:
        lo = _period_bounds(f.date_from, "date_from")[0] if f.date_from else None
        hi = _period_bounds(f.date_to, "date_to")[1] if f.date_to else None
        if lo and hi and (lo + "-01-01"[len(lo) - 4:]) >= hi:  # "2024-03" -> "2024-03-01"
            raise ValueError("date_from is after date_to")
        conds = [c for c, v in (("published >= ?", lo), ("published < ?", hi)) if v]
        sets.append((f"SELECT seq FROM articles WHERE {' AND '.join(conds)}",
                     [v for v in (lo, hi) if v]))
        resolved.update({k: v.strip() for k, v in (("date_from", f.date_from),
                                                   ("date_to", f.date_to)) if v})
    if f.outlet:
        sets.append(("SELECT seq FROM articles WHERE outlet = ? COLLATE NOCASE",
                     [f.outlet.strip()]))
        resolved["outlet"] = f.outlet.strip()
    if f.language:
        lang = f.language.strip()
        if not _LANG.fullmatch(lang):
            raise ValueError(f"language: {lang!r} is not a language code (e.g. en, pt-BR)")
        resolved["language"] = lang
        known = {x.lower() for x in languages} if languages is not None else None
        if known is not None and lang.lower() not in known:
            nothing = True
        elif known is None or len(known) > 1:  # one language in the store: no condition
            sets.append(("SELECT seq FROM articles WHERE language IS NULL", []) if
                        lang == "unknown" else
                        ("SELECT seq FROM articles WHERE language = ? COLLATE NOCASE", [lang]))
    if f.story:
        story = store.stories_view().get_story(f.story.strip())
        if story is None:
            raise ValueError(f"story: no story with id {f.story!r}")
        sets.append(("SELECT seq FROM articles WHERE story_id = ?", [story.id]))
        resolved["story"] = story.id
    if f.entity:
        ent = find_entity(store, f.entity.strip())
        if ent is None:
            raise ValueError(f"entity: no entity matches {f.entity!r}")
        sets.append(("SELECT a.seq FROM mentions m JOIN articles a ON a.id = m.article_id "
                     "WHERE m.entity_id = ?", [ent.id]))
        resolved.update(entity=ent.id, entity_name=ent.name)
    if f.speaker:
        like = f"%{f.speaker.strip()}%"
        sets.append(("SELECT a.seq FROM quotes q JOIN articles a ON a.id = q.article_id "
                     "WHERE q.speaker LIKE ? OR q.speaker_entity_id IN (SELECT id FROM "
                     "entities WHERE name LIKE ? OR aliases LIKE ?)", [like, like, like]))
        resolved["speaker"] = f.speaker.strip()
    return sets, resolved, nothing


def as_you_type(query: str) -> str:
    """A query typed so far as FTS5 would best read it mid-word: plain words, the last one as
    a prefix when it has 4+ characters (measured on 100k articles: a 3-letter prefix such as
    "con*" expands to thousands of words and ranks in ~300 ms, a 4-letter one in ~30 ms).
    Anything with FTS5 syntax in it is left as typed."""
    words = _TOKEN.findall(query)
    if not words or not _PLAIN_WORDS.fullmatch(query.strip()) or query[-1:].isspace():
        return query
    if any(w in ("AND", "OR", "NOT", "NEAR") for w in words):
        return query
    head = " ".join(f'"{w}"' for w in words[:-1])
    last = f'"{words[-1]}"' + ("*" if len(words[-1]) >= 4 else "")
    return f"{head} {last}".strip()


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
        return _search_in(store, query, filters, limit, offset, facets, prefix, languages)


def search_everything(db: str | Path, query: str | None = None,
                      filters: SearchFilters | None = None, limit: int = 10, offset: int = 0,
                      facets: bool = False, prefix: bool = False,
                      languages: list[str] | None = None, side: int = 10
                      ) -> tuple[FilteredSearch, list[Entity], list[Quote]]:
    """What the search page shows, through one store connection: `search_articles`, plus
    the entities whose names match the words and the quotes that hold them (narrowed by the
    speaker and story filters), `side` of each; no query, no entities or quotes."""
    with Store(db, readonly=True) as store:
        found = _search_in(store, query, filters, limit, offset, facets, prefix, languages)
        words = (query or "").strip()
        if not words:
            return found, [], []
        f = filters or SearchFilters()
        ents = store.entities(words, side)
        try:
            said = store.quotes(None, f.speaker, words, limit=side,
                                story_id=(found.filters or {}).get("story"))
        except sqlite3.OperationalError:
            plain = _plain_query(words)
            said = store.quotes(None, f.speaker, plain, limit=side,
                                story_id=(found.filters or {}).get("story")) if plain else []
        return found, ents, said


def _search_in(store: Store, query: str | None, filters: SearchFilters | None, limit: int,
               offset: int, facets: bool, prefix: bool, languages: list[str] | None
               ) -> FilteredSearch:
    filters = filters or SearchFilters()
    query = (query or "").strip()
    sets, resolved, nothing = _filter_sets(store, filters, languages)
    if nothing:
        return FilteredSearch(query, 0, [], None, resolved, {} if facets else None)
    match = as_you_type(query) if prefix and query else query
    note = None
    try:
        return _run_search(store, query, match, sets, resolved, limit, offset, facets,
                           languages, None)
    except sqlite3.OperationalError:
        if not match:
            raise
        match = _plain_query(query)
        if not match:
            return FilteredSearch(query, 0, [], "the query has no words to search for",
                                  resolved, {} if facets else None)
        note = f"searched as plain words: {match}"
    return _run_search(store, query, match, sets, resolved, limit, offset, facets, languages,
                       note)


_SNIPPET = "snippet(articles_fts, 1, char(2), char(3), ' … ', 16)"
_RANK = "bm25(articles_fts, 4.0, 1.0)"
_HIT_COLUMNS = "id, title, outlet, published, language, story_id, duplicate_of"


def _run_search(store: Store, query: str, match: str, sets: list[tuple[str, list[Any]]],
                resolved: dict[str, str], limit: int, offset: int, facets: bool,
                languages: list[str] | None, note: str | None) -> FilteredSearch:
    q = store.conn.execute
    set_params = [p for _, ps in sets for p in ps]
    if match:
        # "+rowid": SQLite keeps the filter out of FTS5's hands (FTS5 would look each seq up
        # in the index on its own, minutes on a big store) and tests each match against it
        within = "".join(f" AND +rowid IN ({sql})" for sql, _ in sets)
        matches = f"SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?{within}"
        m_params = [match, *set_params]
        ranked = q(f"SELECT rowid, {_RANK} AS score FROM articles_fts WHERE articles_fts "
                   f"MATCH ?{within} ORDER BY score, rowid LIMIT ? OFFSET ?",
                   [*m_params, limit, offset]).fetchall()
        seqs = [r[0] for r in ranked]
        scores = {r[0]: r[1] for r in ranked}
        marks = ",".join("?" * len(seqs))
        snippets = dict(q(f"SELECT rowid, {_SNIPPET} FROM articles_fts WHERE articles_fts "
                          f"MATCH ? AND rowid IN ({marks})", [match, *seqs]).fetchall()) \
            if seqs else {}
        total_sql, total_params = ((f"SELECT count(*) FROM ({matches})", m_params) if sets
                                   else ("SELECT count(*) FROM articles_fts WHERE "
                                         "articles_fts MATCH ?", [match]))
    else:
        within = " AND ".join(f"seq IN ({sql})" for sql, _ in sets)
        matches = "SELECT seq FROM articles" + (f" WHERE {within}" if within else "")
        m_params = set_params
        # newest first in the published index's own order: no sort, no article row read
        listing = ("SELECT seq FROM articles{}" + (f" WHERE {within}" if within else "") +
                   " ORDER BY published DESC, seq DESC LIMIT ? OFFSET ?")
        seqs = [r[0] for r in _indexed(store, listing, [*m_params, limit, offset],
                                       "articles_published")]
        scores = {}
        marks = ",".join("?" * len(seqs))
        snippets = dict(q(f"SELECT seq, substr(text, 1, 200) FROM articles WHERE seq IN "
                          f"({marks})", seqs).fetchall()) if seqs else {}
        total_sql, total_params = f"SELECT count(*) FROM ({matches})", m_params
    rows = {r[0]: dict(r) for r in q(f"SELECT seq, {_HIT_COLUMNS} FROM articles WHERE seq IN "
                                     f"({marks})", seqs)} if seqs else {}
    hits = [{**{k: v for k, v in rows[s].items() if k != "seq"},
             "snippet": snippets.get(s), "score": scores.get(s)} for s in seqs if s in rows]
    total = int(q(total_sql, total_params).fetchone()[0])
    counts = _facets(store, matches, m_params, total, languages) if facets else None
    return FilteredSearch(query, total, hits, note, resolved, counts)


def _indexed(store: Store, sql: str, params: list[Any], index: str | None
             ) -> list[sqlite3.Row]:
    """`sql` with "{}" read through `index` (SQLite's planner would read the article rows
    instead: on a big store, an overflow-page walk per row); a store without that index gets
    the same answer, slower."""
    if index:
        try:
            return store.conn.execute(sql.format(f" INDEXED BY {index}"), params).fetchall()
        except sqlite3.OperationalError as exc:
            if "no such index" not in str(exc):
                raise
    return store.conn.execute(sql.format(""), params).fetchall()


@dataclass
class _Columns:
    """The outlet and the month of publication of every article, by seq, read from their
    indexes once per state of the store: counting a search's matches by them here costs a
    quarter of an index scan per facet (10k articles: 2.8 -> 0.7 ms; 100k: 110 -> 25 ms)."""

    stamp: tuple[tuple[int, int], ...]
    outlet_names: list[str | None]
    outlet: array[int]  # seq -> index into outlet_names
    month_names: list[str | None]
    month: array[int]


_COLUMNS: dict[str, _Columns] = {}
_COLUMNS_LOCK = threading.Lock()


def _file_stamp(path: Path) -> tuple[tuple[int, int], ...]:
    out = []
    for p in (path, Path(f"{path}-wal")):
        try:
            st = p.stat()
            out.append((st.st_mtime_ns, st.st_size))
        except OSError:
            out.append((0, 0))
    return tuple(out)


def _columns(store: Store) -> _Columns:
    stamp = _file_stamp(store.path)
    key = str(store.path.resolve())
    with _COLUMNS_LOCK:
        cols = _COLUMNS.get(key)
        if cols is not None and cols.stamp == stamp:
            return cols
        top = store.conn.execute("SELECT max(seq) FROM articles").fetchone()[0] or 0
        maps = []
        for expr, index in (("outlet", "articles_outlet"),
                            ("substr(published, 1, 7)", "articles_published")):
            names: dict[str | None, int] = {}
            by_seq = array("I", bytes(4 * (top + 1)))
            for seq, value in _indexed(store, f"SELECT seq, {expr} FROM articles{{}}", [],
                                       index):
                by_seq[seq] = names.setdefault(value, len(names))
            maps.append((list(names), by_seq))
        cols = _Columns(stamp, maps[0][0], maps[0][1], maps[1][0], maps[1][1])
        _COLUMNS[key] = cols
        return cols


def _facets(store: Store, matches: str, params: list[Any], total: int,
            languages: list[str] | None) -> dict[str, list[tuple[str | None, int]]]:
    """Counts of the matching articles by outlet, language and month. Outlet and month come
    from `_columns`; language has no index, so it is read from the articles only when the
    store has more than one."""
    cols = _columns(store)
    seqs = [r[0] for r in store.conn.execute(matches, params)]
    if seqs and max(seqs) >= len(cols.outlet):  # written since the stamp was read
        _COLUMNS.pop(str(store.path.resolve()), None)
        cols = _columns(store)

    def count(names: list[str | None], by_seq: array[int]) -> list[tuple[str | None, int]]:
        return [(names[i], n) for i, n in Counter(map(by_seq.__getitem__, seqs)).items()]

    outlet = sorted(count(cols.outlet_names, cols.outlet), key=lambda kv: (-kv[1], kv[0] or ""))
    month = sorted(count(cols.month_names, cols.month), key=lambda kv: kv[0] or "~")
    if languages is not None and len(languages) <= 1:
        language = [(languages[0] if languages else "unknown", total)] if total else []
    else:
        sql = ("SELECT coalesce(language, 'unknown'), count(*) FROM articles WHERE seq IN "
               f"({matches}) GROUP BY 1")
        language = sorted(((r[0], int(r[1])) for r in store.conn.execute(sql, params)),
                          key=lambda kv: (-kv[1], kv[0] or ""))
    return {"outlet": outlet, "language": language, "month": month}


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
