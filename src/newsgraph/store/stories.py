"""The story tables of a store (stages/stories.py): the story pass's look-ups, its write-back,
and the readers. Apart from the ingest writer in sqlite.py, so the two evolve separately; both
work on the same connection (`Store.stories_view()`)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any

from newsgraph.records import Mention
from newsgraph.stages.stories import (
    QUOTE_PREFIX,
    WEEKDAY_PREFIX,
    YEAR_PREFIX,
    Story,
    StoryDetail,
    TailEntry,
)
from newsgraph.stages.stories import VERSION as STORIES_VERSION
from newsgraph.store.patterns import like


def _row_story(row: sqlite3.Row) -> Story:
    # the entity_centroid column holds the names and, under QUOTE_PREFIX, the quoted words,
    # under WEEKDAY_PREFIX the lead weekdays (stories/8), under YEAR_PREFIX the years (stories/9)
    names: dict[str, float] = {}
    quotes: dict[str, float] = {}
    weekdays: dict[str, int] = {}
    years: dict[str, int] = {}
    for key, value in json.loads(row["entity_centroid"]).items():
        if key.startswith(QUOTE_PREFIX):
            quotes[key[1:]] = value
        elif key.startswith(WEEKDAY_PREFIX):
            weekdays[key[1:]] = int(value)
        elif key.startswith(YEAR_PREFIX):
            years[key[1:]] = int(value)
        else:
            names[key] = value
    return Story(row["id"], seq=row["seq"], centroid=json.loads(row["centroid"]),
                 entity_centroid=names, quote_centroid=quotes, weekdays=weekdays, years=years,
                 start=row["start_date"],
                 end=row["end_date"], title=row["title"], size=row["size"])


# every column but `detail` (read only for the story an article joins: `lookup_detail`)
_COLUMNS = "id, seq, title, start_date, end_date, size, centroid, entity_centroid, version"


def _detail_json(detail: StoryDetail | None) -> str:
    if detail is None:
        return "{}"
    return json.dumps({"tail": [[e.id, e.seq, e.title, e.published, e.vec, e.ents, e.quotes,
                                 e.weekday, e.years] for e in detail.tail],
                       "days": detail.days, "title_seq": detail.title_seq})


def _row_detail(text: str) -> StoryDetail:
    data = json.loads(text)
    return StoryDetail([TailEntry(*e) for e in data.get("tail", ())], data.get("days", {}),
                       data.get("title_seq"), complete="days" in data)


def _names_and_quotes(story: Story) -> str:
    both = dict(story.entity_centroid)
    both.update((QUOTE_PREFIX + k, v) for k, v in story.quote_centroid.items())
    both.update((WEEKDAY_PREFIX + k, v) for k, v in story.weekdays.items())
    both.update((YEAR_PREFIX + k, v) for k, v in story.years.items())
    return json.dumps(both)


def _chunks(items: Sequence[Any], size: int = 500) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


class StoryStore:
    """The story tables of one store connection (`Store.stories_view()`)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def unassigned(self, batch: int = 500) -> Iterator[sqlite3.Row]:
        """Articles with no story yet, in first-seen order."""
        last = 0
        while True:
            rows = self.conn.execute(
                "SELECT seq, id, title, text, published, duplicate_of FROM articles "
                "WHERE story_id IS NULL AND seq > ? ORDER BY seq LIMIT ?", (last, batch)
            ).fetchall()
            if not rows:
                return
            yield from rows
            last = rows[-1]["seq"]

    def article_mentions(self, article_ids: Sequence[str]) -> dict[str, list[Mention]]:
        """The named-entity mentions of these articles, in text order (one query a chunk)."""
        found: dict[str, list[Mention]] = {a: [] for a in article_ids}
        for chunk in _chunks(article_ids):
            marks = ",".join("?" * len(chunk))
            for aid, start, end, text, label in self.conn.execute(
                    f"SELECT article_id, start, end, text, label FROM mentions "
                    f"WHERE article_id IN ({marks}) ORDER BY article_id, start", list(chunk)):
                found[aid].append(Mention(start, end, text, label))
        return found

    def article_quotes(self, article_ids: Sequence[str]) -> dict[str, list[tuple[str, str]]]:
        """(type, text) of the quotes of these articles, in text order (one query a chunk)."""
        found: dict[str, list[tuple[str, str]]] = {a: [] for a in article_ids}
        for chunk in _chunks(article_ids):
            marks = ",".join("?" * len(chunk))
            for aid, kind, text in self.conn.execute(
                    f"SELECT article_id, type, text FROM quotes WHERE article_id IN ({marks}) "
                    f"ORDER BY article_id, start, end", list(chunk)):
                found[aid].append((kind, text))
        return found

    def assigned_count(self) -> int:
        return int(self.conn.execute(
            "SELECT count(*) FROM articles WHERE story_id IS NOT NULL").fetchone()[0])

    def lookup_df(self, keys: list[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        for chunk in _chunks(keys):
            marks = ",".join("?" * len(chunk))
            found.update(self.conn.execute(
                f"SELECT key, df FROM story_df WHERE key IN ({marks})", list(chunk)))
        return found

    def lookup_postings(self, keys: list[str], limit: int) -> dict[str, list[tuple[int, str]]]:
        """The newest `limit` stories under each key."""
        found: dict[str, list[tuple[int, str]]] = {}
        for key in keys:
            rows = self.conn.execute(
                "SELECT story_seq, story_id FROM story_keys WHERE key=? "
                "ORDER BY story_seq DESC LIMIT ?", (key, limit)).fetchall()
            if rows:
                found[key] = [(r[0], r[1]) for r in rows]
        return found

    def lookup_stories(self, ids: list[str]) -> dict[str, Story]:
        found: dict[str, Story] = {}
        for chunk in _chunks(ids):
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(
                    f"SELECT {_COLUMNS} FROM stories WHERE id IN ({marks})", list(chunk)):
                found[row["id"]] = _row_story(row)
        return found

    def lookup_detail(self, ids: list[str]) -> dict[str, StoryDetail]:
        found: dict[str, StoryDetail] = {}
        for chunk in _chunks(ids):
            marks = ",".join("?" * len(chunk))
            for sid, text in self.conn.execute(
                    f"SELECT id, detail FROM stories WHERE id IN ({marks})", list(chunk)):
                found[sid] = _row_detail(text)
        return found

    def lookup_story_of(self, article_ids: list[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for chunk in _chunks(article_ids):
            marks = ",".join("?" * len(chunk))
            found.update(self.conn.execute(
                f"SELECT id, story_id FROM articles WHERE story_id IS NOT NULL "
                f"AND id IN ({marks})", list(chunk)))
        return found

    def write(self, stories: Sequence[Story], assigned: Sequence[tuple[str, str]],
              df_changes: dict[str, int], keys: Sequence[tuple[str, int, str]]) -> None:
        """One transaction: the stories made or grown, each article's story, the document
        frequencies and the new index keys."""
        with self.conn:
            self.conn.executemany(
                f"INSERT OR REPLACE INTO stories ({_COLUMNS}, detail) "
                "VALUES (?,?,?,?,?,?,?,?,?,?)",
                [(s.id, s.seq, s.title, s.start, s.end, s.size, json.dumps(s.centroid),
                  _names_and_quotes(s), STORIES_VERSION, _detail_json(s.detail))
                 for s in stories])
            self.conn.executemany("UPDATE articles SET story_id=? WHERE id=?",
                                  [(sid, aid) for aid, sid in assigned])
            self.conn.executemany(
                "INSERT INTO story_df VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET df=df+?",
                [(k, n, n) for k, n in sorted(df_changes.items())])
            self.conn.executemany("INSERT OR IGNORE INTO story_keys VALUES (?,?,?)", keys)

    # ---- readers ----------------------------------------------------------------------------
    def article_ids(self, story_id: str) -> list[str]:
        return [r[0] for r in self.conn.execute(
            "SELECT id FROM articles WHERE story_id=? ORDER BY seq", (story_id,))]

    def iter_stories(self) -> Iterator[Story]:
        for row in self.conn.execute(f"SELECT {_COLUMNS} FROM stories ORDER BY seq").fetchall():
            yield _row_story(row)

    def stories(self, query: str | None = None, limit: int = 50) -> list[Story]:
        """Stories, largest first; `query` matches words of the title (or of an article's
        title or text, through the articles' full-text index)."""
        sql, params = f"SELECT {_COLUMNS} FROM stories", []
        if query:
            sql += (" WHERE title LIKE ? ESCAPE '\\' OR id IN (SELECT a.story_id FROM "
                    "articles_fts JOIN articles a ON a.seq = articles_fts.rowid WHERE "
                    "articles_fts MATCH ?)")
            params = [like(query), query]
        rows = self.conn.execute(sql + " ORDER BY size DESC, seq LIMIT ?",
                                 [*params, limit]).fetchall()
        return [_row_story(r) for r in rows]

    def get_story(self, story_id: str) -> Story | None:
        row = self.conn.execute(f"SELECT {_COLUMNS} FROM stories WHERE id=?",
                                (story_id,)).fetchone()
        if row is None and len(story_id) >= 4:  # a unique prefix, as for articles
            rows = self.conn.execute(
                f"SELECT {_COLUMNS} FROM stories WHERE id LIKE ? ESCAPE '\\' LIMIT 2",
                (like(story_id, prefix=True),)).fetchall()
            row = rows[0] if len(rows) == 1 else None
        return _row_story(row) if row is not None else None
