"""Server-side SVG charts (web/charts.py geometry, templates/_charts.html): points land where
their dates say, bins follow the span, undated items are never given a date, and every name
drawn is escaped."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from newsgraph.graph import RelatedEntity
from newsgraph.timeline import TimelineItem
from newsgraph.web.charts import bar_chart, day_of, radial_graph, timeline_chart
from newsgraph.web.pages import templates


def item(when: str | None, reported: str | None, kind: str = "event", text: str = "x",
         who: str = "Ann") -> TimelineItem:
    return TimelineItem(kind, "i", "a1", "t", when, "day" if when else None, None, reported,
                        who, "THREATEN", None, text, 0, 1)


def test_day_of() -> None:
    assert str(day_of("2024-04-05T10:00:00+00:00")) == "2024-04-05"
    assert str(day_of("2024-04")) == "2024-04-01" and str(day_of("2024")) == "2024-01-01"
    assert day_of(None) is None and day_of("Thursday") is None and day_of("2024-13") is None


def test_timeline_chart_places_items_by_event_and_report_time() -> None:
    items = [item("2024-04-04", "2024-04-05"), item("2024-04-01", "2024-04-05", "quote"),
             item("2024-04-04", "2024-04-05"), item(None, "2024-04-06"), item(None, None)]
    c = timeline_chart(items)
    assert c is not None
    assert (c.dated, c.undated, c.skipped) == (3, 1, 1)
    assert sorted(p.count for p in c.points) == [1, 2]  # two items on one spot: one dot
    late = next(p for p in c.points if p.count == 2)
    early = next(p for p in c.points if p.kind == "quote")
    assert late.y < early.y and late.x == early.x  # later event higher, same report day
    assert late.r > early.r
    assert c.strip_y is not None and c.undated_points[0].y == c.strip_y
    assert c.undated_points[0].x > late.x  # reported a day later
    assert {t.label for t in c.xticks} >= {"2024-04-05", "2024-04-06"}
    assert timeline_chart([item("2024-04-04", None)]) is None  # nothing to place


def test_bar_chart_bins_by_span() -> None:
    days = bar_chart([("2024-04-01", 2), ("2024-04-03", 1)])
    assert days and days.unit == "day" and [b.count for b in days.bars] == [2, 0, 1]
    months = bar_chart([("2024-01-15", 2), ("2024-03-02", 1), ("2024-03-20", 4)])
    assert months and months.unit == "month" and [b.count for b in months.bars] == [2, 0, 5]
    years = bar_chart([("2015-06-01", 1), ("2024-01-01", 3)])
    assert years and years.unit == "year" and len(years.bars) == 10
    coarse = bar_chart([("2024-04-01", 2), ("2024-04", 1)])  # a month can't go in a day bin
    assert coarse and coarse.unit == "month" and [b.count for b in coarse.bars] == [3]
    assert bar_chart([]) is None and bar_chart([("unknown", 3)]) is None
    tall = max(days.bars, key=lambda b: b.count)
    assert tall.h == days.plot[3] - days.plot[1] and tall.w <= 40


def rel(eid: str, name: str, kind: str, count: int, label: str | None = None) -> RelatedEntity:
    return RelatedEntity(eid, name, "PERSON", kind, label, "out", count, 1, {}, "", "r")


def test_radial_graph_merges_relation_kinds() -> None:
    g = radial_graph("Ann", [rel("e1", "Bob", "co-occurs", 4), rel("e1", "Bob", "acts-on", 2,
                                                                  "THREATEN"),
                             rel("e2", "A very long organisation name indeed", "co-occurs", 1)])
    assert g is not None and [n.name for n in g.nodes] == [
        "Bob", "A very long organisat…"]
    assert "co-occurs (4), acts-on THREATEN (2)" in g.nodes[0].title
    assert g.edges[0].width > g.edges[1].width and g.nodes[0].r > g.nodes[1].r
    assert all(0 <= n.x <= g.width and 0 <= n.y <= g.height for n in g.nodes)
    assert radial_graph("Ann", []) is None


def render(macro: str, *args: Any) -> str:
    module = templates.env.get_template("_charts.html").module
    return str(getattr(module, macro)(*args))


def test_charts_escape_what_they_draw() -> None:
    evil = "<script>alert(1)</script>"
    g = radial_graph(evil, [rel("e1", evil, "co-occurs", 1)])
    svg = render("radial_graph", g)
    assert "<script" not in svg and "&lt;script&gt;" in svg
    c = timeline_chart([item("2024-04-04", "2024-04-05", text=evil, who=evil)])
    svg = render("timeline_chart", c, evil)
    assert "<script" not in svg and svg.count("&lt;script&gt;") >= 2


def test_story_and_entity_pages_draw_their_charts(seed_store: Path) -> None:
    from newsgraph import api
    from newsgraph.web.app import create_app

    db = str(seed_store)
    client = TestClient(create_app(db))
    story = client.get(f"/story/{api.stories(db, None, 1)[0].id}").text
    assert 'id="timeline-chart"' in story and 'class="pt pt-' in story
    entity = client.get(f"/entity/{api.entities(db, 'Putin', 1)[0].id}").text
    assert 'id="mentions-chart"' in entity and 'class="bar"' in entity
    assert 'id="related-graph"' in entity and '<a href="/entity/e' in entity
