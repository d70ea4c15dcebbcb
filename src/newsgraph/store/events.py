"""The events table of a store (stages/events.py): the writer's insert and the readers —
events by article, story, action or entity, and the timeline that orders events and quotes by
when they happened, with when they were reported beside it."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any

from newsgraph.records import Event

EVENT_COLUMNS = (
    "id", "article_id", "date", "date_precision", "actor", "action", "target", "sentence",
    "start", "end", "trigger", "trigger_start", "trigger_end", "actor_start", "actor_end",
    "target_start", "target_end", "notes",
)


def write_events(conn: sqlite3.Connection, events: Sequence[Event]) -> None:
    """Part of the ingest writer's transaction (Store.write_batch)."""
    conn.executemany(
        f"INSERT OR IGNORE INTO events({','.join(EVENT_COLUMNS)}) "
        f"VALUES ({','.join('?' * len(EVENT_COLUMNS))})",
        [tuple(json.dumps(e.notes, sort_keys=True, ensure_ascii=False) if c == "notes"
               else getattr(e, c) for c in EVENT_COLUMNS) for e in events])


def _row_event(row: sqlite3.Row) -> Event:
    data = {c: row[c] for c in EVENT_COLUMNS}
    data["notes"] = json.loads(row["notes"])
    return Event(**data)


# events whose actor or target words overlap a mention of the entity: the entity did or
# underwent it (a name elsewhere in the sentence is not enough)
_BY_ENTITY = (
    "e.id IN (SELECT e2.id FROM events e2 JOIN mentions m ON m.article_id = e2.article_id "
    "WHERE m.entity_id = ? AND ((m.start < e2.actor_end AND e2.actor_start < m.end) OR "
    "(m.start < e2.target_end AND e2.target_start < m.end)))"
)


class EventStore:
    """The events of one store connection (`Store.events_view()`)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def iter_events(self) -> Iterator[Event]:
        for row in self.conn.execute("SELECT * FROM events ORDER BY seq"):
            yield _row_event(row)

    def events(self, article_id: str | None = None, story_id: str | None = None,
               entity_id: str | None = None, action: str | None = None,
               limit: int = 50, offset: int = 0) -> list[Event]:
        """Events in first-seen order, filtered by article, story, entity (as actor or
        target) and PLOVER action."""
        where, params = self._where(article_id, story_id, entity_id, action)
        rows = self.conn.execute(
            f"SELECT e.* FROM events e{where} ORDER BY e.seq LIMIT ? OFFSET ?",
            [*params, limit, offset])
        return [_row_event(r) for r in rows]

    def count(self, article_id: str | None = None, story_id: str | None = None,
              entity_id: str | None = None, action: str | None = None) -> int:
        where, params = self._where(article_id, story_id, entity_id, action)
        return int(self.conn.execute(f"SELECT count(*) FROM events e{where}",
                                     params).fetchone()[0])

    @staticmethod
    def _where(article_id: str | None, story_id: str | None, entity_id: str | None,
               action: str | None) -> tuple[str, list[Any]]:
        where, params = [], []
        if article_id:
            where.append("e.article_id = ?")
            params.append(article_id)
        if story_id:
            where.append("e.article_id IN (SELECT id FROM articles WHERE story_id = ?)")
            params.append(story_id)
        if entity_id:
            where.append(_BY_ENTITY)
            params.append(entity_id)
        if action:
            where.append("e.action = ?")
            params.append(action.upper())
        return (" WHERE " + " AND ".join(where) if where else ""), params

    def report_times(self, article_ids: Sequence[str]) -> dict[str, tuple[str | None, str]]:
        """article id -> (publication date, title or id): the report time beside each item."""
        found: dict[str, tuple[str | None, str]] = {}
        ids = list(dict.fromkeys(article_ids))
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            marks = ",".join("?" * len(chunk))
            for aid, published, title in self.conn.execute(
                    f"SELECT id, published, title FROM articles WHERE id IN ({marks})", chunk):
                found[aid] = (published, title or aid)
        return found
