"""Timelines: a story's or an entity's events and quotes ordered by when they happened (event
time: the time expression the text gives, resolved against the publication date), with when
they were reported (the article's publication date) beside each. An item with no event time
is placed by its report time and says so; an item with neither comes last. Nothing is dated
that the text does not date."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from newsgraph.store import Store


@dataclass
class TimelineItem:
    kind: str  # "event" | "quote"
    id: str
    article_id: str
    article_title: str
    when: str | None  # event time, ISO at its precision (YYYY-MM-DD | YYYY-MM | YYYY)
    precision: str | None  # day | month | year
    when_from: str | None  # the words that gave it ("on Thursday") and their anchor
    reported: str | None  # the article's publication date (report time)
    who: str | None  # actor / speaker
    what: str  # PLOVER action / quote type
    whom: str | None  # target (events)
    text: str  # the event's sentence / the quoted words
    start: int  # offsets into the article's text
    end: int

    @property
    def order(self) -> tuple[int, str, int, str, str, int]:
        """By event time; items with none after every dated one (by report time, then those
        with neither), never placed among them as if their report date were when they
        happened."""
        return (0 if self.when else 1, self.when or "", 0 if self.reported else 1,
                self.reported or "", self.article_id, self.start)

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def _expression(time: dict[str, Any] | None) -> str | None:
    if not time:
        return None
    anchor = f" (from {time['anchor']})" if time.get("anchor") else ""
    return f"“{time['text']}”{anchor}"


def build(store: Store, story_id: str | None = None, entity_id: str | None = None,
          limit: int = 1000) -> list[TimelineItem]:
    """Events and quotes of a story (every article in it) or of an entity (events it is the
    actor or target of, quotes it is the speaker of), in timeline order."""
    view = store.events_view()
    events = view.events(story_id=story_id, entity_id=entity_id, limit=limit)
    quotes = store.quotes(story_id=story_id, entity_id=entity_id, limit=limit) \
        if (story_id or entity_id) else []
    reports = view.report_times([e.article_id or "" for e in events] +
                                [q.article_id or "" for q in quotes])
    items: list[TimelineItem] = []
    for e in events:
        published, title = reports.get(e.article_id or "", (None, e.article_id or ""))
        items.append(TimelineItem(
            "event", e.id or "", e.article_id or "", title, e.date, e.date_precision,
            _expression(e.notes.get("time")) if e.date else None, published, e.actor,
            e.action, e.target, e.sentence, e.start, e.end))
    for q in quotes:
        published, title = reports.get(q.article_id or "", (None, q.article_id or ""))
        said = q.notes.get("said_on") or {}
        items.append(TimelineItem(
            "quote", q.id or "", q.article_id or "", title, said.get("date"),
            said.get("precision"), _expression(said) if said else None, published,
            q.speaker, q.type, None, q.text, q.start, q.end))
    items.sort(key=lambda it: it.order)
    return items[:limit]
