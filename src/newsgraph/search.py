"""Article search with filters, counts and as-you-type, for the web UI and `/api/search`
(called through `api.search_articles` / `api.search_everything`).

Built for big stores: an article row is ~10 KB, and reading any column stored after `text`
(published, language) walks its overflow pages, so nothing here reads article rows except for
the page of hits. Filters are subqueries that select seqs through an index; FTS5 ranks on its
own table; counts by outlet and month come from those two indexes, read once per store state.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from array import array
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsgraph.store import Store
from newsgraph.store.patterns import like

_TOKEN = re.compile(r"\w+")


def plain_query(query: str) -> str:
    """Words of the query, each quoted: what FTS5 cannot misread (as `api.search` does)."""
    return " ".join(f'"{w}"' for w in _TOKEN.findall(query))


_QUERY_TOKEN = re.compile(r'-?"[^"]*"|\S+')


def with_exclusions(query: str) -> str:
    """A web search's minus as FTS5 reads it: "NATO -Lukashenko" -> "(NATO) NOT Lukashenko"
    (FTS5 has no unary minus; searched as plain words it would ask for the excluded word).
    A hyphen inside a word is no minus; a query of only excluded words is left as typed."""
    tokens = _QUERY_TOKEN.findall(query)
    keep = [t for t in tokens if not (t.startswith("-") and len(t) > 1)]
    drop = [t[1:] for t in tokens if t.startswith("-") and len(t) > 1]
    if not drop or not keep:
        return query
    return f"({' '.join(keep)}) NOT " + " NOT ".join(drop)


ONLY_EXCLUSIONS = "the query only excludes words (-word): add a word to search for"


def only_exclusions(query: str) -> bool:
    """"-Lukashenko" alone: nothing to exclude it from (searched as a word, it would find the
    articles the user asked to leave out)."""
    tokens = _QUERY_TOKEN.findall(query)
    return bool(tokens) and all(t.startswith("-") and len(t) > 1 for t in tokens)


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
class FilteredSearch:
    """A search result (as `api.SearchResult`) with the filters as resolved (ids in full)
    and, when asked for, the counts of the matching articles by outlet, language and month."""

    query: str
    total: int
    hits: list[dict[str, Any]]
    note: str | None = None
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
        pattern = like(f.speaker.strip())
        sets.append(("SELECT a.seq FROM quotes q JOIN articles a ON a.id = q.article_id "
                     "WHERE q.speaker LIKE ? ESCAPE '\\' OR q.speaker_entity_id IN (SELECT id "
                     "FROM entities WHERE name LIKE ? ESCAPE '\\' OR aliases LIKE ? "
                     "ESCAPE '\\')", [pattern] * 3))
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


def search_in(store: Store, query: str | None, filters: SearchFilters | None, limit: int,
               offset: int, facets: bool, prefix: bool, languages: list[str] | None
               ) -> FilteredSearch:
    filters = filters or SearchFilters()
    query = (query or "").strip()
    sets, resolved, nothing = _filter_sets(store, filters, languages)
    if nothing:
        return FilteredSearch(query, 0, [], None, resolved, {} if facets else None)
    if only_exclusions(query):
        return FilteredSearch(query, 0, [], ONLY_EXCLUSIONS, resolved, {} if facets else None)
    match = with_exclusions(query)
    if prefix and query and match == query:  # as typed, the last word a prefix (no -word in it)
        match = as_you_type(query)
    note = None
    try:
        return _run_search(store, query, match, sets, resolved, limit, offset, facets,
                           languages, None)
    except sqlite3.OperationalError:
        if not match:
            raise
        match = plain_query(query)
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
