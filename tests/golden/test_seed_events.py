"""Golden: events and times on the seeds, end to end through ingest (issue 5).

- "he said on Thursday" in 002 (published Friday 2024-04-05) is dated 2024-04-04, from those
  words and that anchor;
- no event or quote in an undated article gets a date (000, 001, 003, 004 have none);
- every event points at its own words, and the export carries the contract's fields in order;
- the timeline of a story orders dated items by event time and says where each time came from.
"""

from __future__ import annotations

from pathlib import Path

from newsgraph import api
from newsgraph.export import EVENT_FIELDS
from newsgraph.store import Store
from tests.conftest import read_jsonl


def _by_seed(db: Path) -> dict[str, object]:
    with Store(db, readonly=True) as store:
        return {Path(a.source_path).name[:3]: a for a in store.iter_articles()}


def test_said_on_thursday_resolves_to_the_day_before_publication(seed_store: Path) -> None:
    art = _by_seed(seed_store)["002"]
    quote = next(q for q in api.quotes(seed_store, article_id=art.id, limit=100)
                 if q.text.startswith("already involved in the conflict"))
    said = quote.notes["said_on"]
    assert (said["date"], said["precision"], said["text"], said["anchor"]) == (
        "2024-04-04", "day", "Thursday", "2024-04-05")
    assert art.text[said["start"]:said["end"]] == "Thursday"


def test_nothing_in_an_undated_article_gets_a_date(seed_store: Path) -> None:
    arts = _by_seed(seed_store)
    with Store(seed_store, readonly=True) as store:
        for seed in ("000", "001", "003", "004"):
            art = arts[seed]
            assert art.published is None
            events = store.events_view().events(article_id=art.id, limit=1000)
            assert events, f"seed {seed} has events"
            assert [e.date for e in events] == [None] * len(events)
            quotes = store.quotes(article_id=art.id, limit=1000)
            assert not [q for q in quotes if "said_on" in q.notes]


def test_events_point_at_their_words(seed_store: Path) -> None:
    arts = {a.id: a for a in _by_seed(seed_store).values()}
    with Store(seed_store, readonly=True) as store:
        events = list(store.events_view().iter_events())
    assert len(events) >= 20
    for e in events:
        text = arts[e.article_id].text
        assert text[e.start:e.end] == e.sentence and e.sentence == e.sentence.strip()
        assert text[e.trigger_start:e.trigger_end] == e.trigger
        if e.actor is not None:
            assert text[e.actor_start:e.actor_end] == e.actor
        if e.target is not None:
            assert text[e.target_start:e.target_end] == e.target


def test_events_export_in_contract_order(seed_store: Path, tmp_path: Path) -> None:
    api.export(seed_store, tmp_path)
    rows = read_jsonl(tmp_path / "events.jsonl")
    assert rows and all(list(r) == list(EVENT_FIELDS) for r in rows)
    assert list(EVENT_FIELDS[:10]) == ["id", "article_id", "date", "date_precision", "actor",
                                       "action", "target", "sentence", "start", "end"]


def test_story_timeline_is_in_event_time_order(seed_store: Path) -> None:
    arts = _by_seed(seed_store)
    label, items = api.timeline(seed_store, story_id=arts["002"].story_id)
    assert label and items
    dated = [it for it in items if it.when]
    assert dated and [it.when for it in dated] == sorted(it.when for it in dated)
    assert all(it.when_from for it in dated)  # every event time says what gave it
    first_undated = next(i for i, it in enumerate(items) if not it.when)
    assert all(not it.when for it in items[first_undated:])  # after every dated item
    thursday = next(it for it in items if it.kind == "quote" and it.when == "2024-04-04")
    assert thursday.reported == "2024-04-05" and "Thursday" in thursday.when_from


def test_entity_timeline_and_unknowns(seed_store: Path) -> None:
    label, items = api.timeline(seed_store, entity="Putin")
    assert label and "Putin" in label
    assert any(it.kind == "event" for it in items) and any(it.kind == "quote" for it in items)
    assert api.timeline(seed_store, entity="nosuchname zzz") == (None, [])
    assert api.timeline(seed_store, story_id="nosuchstory") == (None, [])


def test_items_without_an_event_time_come_after_every_dated_one() -> None:
    from newsgraph.timeline import TimelineItem

    def item(when: str | None, reported: str | None, start: int) -> TimelineItem:
        return TimelineItem("event", f"e{start}", "a1", "t", when, "day" if when else None,
                            None, reported, None, "ACCUSE", None, "x", start, start + 1)

    items = [item(None, "2023-11-16", 0), item("2023-11-20", "2023-11-21", 1),
             item("2023-11-15", "2023-11-16", 2), item(None, None, 3), item(None, "2023-11-01", 4)]
    ordered = [it.start for it in sorted(items, key=lambda it: it.order)]
    # dated by event time; then the undated by report time (an item with none last)
    assert ordered == [2, 1, 4, 0, 3]
