"""Charts as server-side SVG: this module only computes geometry (plain numbers and strings);
templates/_charts.html draws it, autoescaped like every page, so no script and no vendored
library is needed, and a chart is in the page even without JavaScript.

- `timeline_chart`: a story's events and quotes, event time (y) against report time (x), the
  diagonal where an item was reported the day it happened; items without an event time on a
  strip of their own, never given one.
- `bar_chart`: counts by day, month or year (mentions of an entity, search results).
- `radial_graph`: an entity and its related entities around it, edges weighted by hits.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from newsgraph.timeline import TimelineItem

W, H = 640, 300  # viewBox of the plots; CSS scales them to the column
LEFT, RIGHT, TOP, BOTTOM = 84, 40, 12, 44


def day_of(value: str | None) -> date | None:
    """The first day of an ISO date, datetime, month or year; None if it is none of these."""
    if not value:
        return None
    s = value.strip()
    try:
        if len(s) >= 10:
            return date.fromisoformat(s[:10])
        if len(s) == 7:
            return date(int(s[:4]), int(s[5:7]), 1)
        if len(s) == 4:
            return date(int(s), 1, 1)
    except ValueError:
        return None
    return None


@dataclass
class Tick:
    pos: float
    label: str


@dataclass
class Point:
    x: float
    y: float
    r: float
    kind: str  # event | quote | mixed
    count: int  # items on this spot (same report day and event time)
    title: str  # hover text: the items, the first few in full
    href: str  # the first item's article


@dataclass
class Scatter:
    width: int
    height: int
    plot: tuple[float, float, float, float]  # x0, y0, x1, y1 of the plot area
    points: list[Point]
    xticks: list[Tick]
    yticks: list[Tick]
    diagonal: tuple[float, float, float, float] | None  # where event time = report time
    strip_y: float | None  # the "no event time" row, when some items have none
    undated_points: list[Point] = field(default_factory=list)
    dated: int = 0  # items with an event time
    undated: int = 0  # items without one
    skipped: int = 0  # items with no report time either: listed in the table only


def _ticks(lo: int, hi: int, n: int = 5) -> list[int]:
    if hi <= lo:
        return [lo]
    step = max(1, round((hi - lo) / (n - 1)))
    out = list(range(lo, hi + 1, step))
    if out[-1] != hi and hi - out[-1] > step / 2:
        out.append(hi)
    return out


def _scale(lo: int, hi: int, a: float, b: float) -> Any:
    return lambda o: a + (o - lo) / (hi - lo) * (b - a)


def timeline_chart(items: list[TimelineItem], width: int = W, height: int = H
                   ) -> Scatter | None:
    """Event time (y) against report time (x) for the items that have a report time, each
    axis on its own scale (a story reported over a week may tell of events a year before);
    items on one spot are one dot sized by their number. None when no item has a report
    time."""
    placed = [(it, day_of(it.reported), day_of(it.when)) for it in items]
    placed = [(it, rep, when) for it, rep, when in placed if rep is not None]
    if not placed:
        return None
    xs = [rep.toordinal() for _, rep, _ in placed]
    ys = [when.toordinal() for _, _, when in placed if when is not None]
    xlo, xhi = min(xs) - 1, max(xs) + 1  # a day's margin: a one-day story still has width
    ylo, yhi = (min(ys) - 1, max(ys) + 1) if ys else (xlo, xhi)
    x0, y0, x1, y1 = LEFT, TOP, width - RIGHT, height - BOTTOM
    strip = y1 - 14 if len(ys) < len(placed) else None
    sx, sy = _scale(xlo, xhi, x0, x1), _scale(ylo, yhi, (y1 - 30) if strip else y1, y0)
    spots: dict[tuple[int, int | None], list[TimelineItem]] = {}
    for it, rep, when in placed:
        spots.setdefault((rep.toordinal(), when.toordinal() if when else None), []).append(it)
    points: list[Point] = []
    undated: list[Point] = []
    for (x, y), its in spots.items():
        kinds = {it.kind for it in its}
        lines = [f"{it.kind} · {it.what} · {it.who or '?'}"
                 f"{(' → ' + it.whom) if it.whom else ''} · event {it.when or 'undated'}"
                 f"{(' (' + it.precision + ')') if it.precision else ''} · reported "
                 f"{it.reported}: {it.text[:100]}" for it in its[:6]]
        if len(its) > 6:
            lines.append(f"… and {len(its) - 6} more")
        pt = Point(sx(x), sy(y) if y is not None else strip or y1,
                   min(4 + 2.2 * math.sqrt(len(its) - 1), 14), kinds.pop() if len(kinds) == 1
                   else "mixed", len(its), "\n".join(lines), f"/article/{its[0].article_id}")
        (points if y is not None else undated).append(pt)
    lo, hi = max(xlo, ylo), min(xhi, yhi)  # the days both axes show
    diagonal = (sx(lo), sy(lo), sx(hi), sy(hi)) if lo < hi else None
    xt = [Tick(sx(o), date.fromordinal(o).isoformat()) for o in _ticks(xlo + 1, xhi - 1)]
    yt = [Tick(sy(o), date.fromordinal(o).isoformat()) for o in _ticks(ylo + 1, yhi - 1)]
    return Scatter(width, height, (x0, y0, x1, y1), points, xt, yt, diagonal, strip, undated,
                   len(ys), len(placed) - len(ys), len(items) - len(placed))


@dataclass
class Bar:
    x: float
    y: float
    w: float
    h: float
    label: str
    count: int


@dataclass
class Bars:
    width: int
    height: int
    plot: tuple[float, float, float, float]
    bars: list[Bar]
    xticks: list[Tick]
    ymax: int
    unit: str  # day | month | year
    total: int


def _bin(d: date, unit: str) -> str:
    return d.isoformat()[:{"day": 10, "month": 7, "year": 4}[unit]]


def _periods(first: date, last: date, unit: str) -> list[str]:
    """Every period from first to last, so gaps show as gaps."""
    out: list[str] = []
    if unit == "day":
        return [date.fromordinal(o).isoformat() for o in range(first.toordinal(),
                                                               last.toordinal() + 1)]
    y, m = first.year, first.month if unit == "month" else 1
    while (y, m) <= (last.year, last.month if unit == "month" else 1):
        out.append(f"{y:04d}-{m:02d}" if unit == "month" else f"{y:04d}")
        if unit == "month":
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        else:
            y += 1
    return out


def bar_chart(counts: list[tuple[str, int]], width: int = W, height: int = 180
              ) -> Bars | None:
    """Counts by date (ISO day, month or year strings) binned by day when they span up to 62
    days, by month up to 6 years, else by year. None when no date parses."""
    dated = [(d, n) for s, n in counts if (d := day_of(s)) is not None and n > 0]
    if not dated:
        return None
    first, last = min(d for d, _ in dated), max(d for d, _ in dated)
    span = last.toordinal() - first.toordinal()
    coarsest = min(len(s.strip()) for s, n in counts if day_of(s) is not None and n > 0)
    unit = "day" if span <= 62 and coarsest >= 10 else "month" if (
        span <= 6 * 366 and coarsest >= 7) else "year"
    binned: Counter[str] = Counter()
    for d, n in dated:
        binned[_bin(d, unit)] += n
    periods = _periods(first, last, unit)
    x0, y0, x1, y1 = LEFT - 40, TOP, width - RIGHT, height - 28
    slot = (x1 - x0) / len(periods)
    ymax = max(binned.values())
    bars = []
    for i, p in enumerate(periods):
        n = binned.get(p, 0)
        h = (y1 - y0) * n / ymax
        w = min(max(slot * 0.8, 1.0), 40.0)  # a lone bar stays a bar, not a wall
        bars.append(Bar(x0 + i * slot + (slot - w) / 2, y1 - h, w, h, p, n))
    every = max(1, math.ceil(len(periods) / 6))
    ticks = [Tick(x0 + (i + 0.5) * slot, p) for i, p in enumerate(periods) if i % every == 0]
    return Bars(width, height, (x0, y0, x1, y1), bars, ticks, ymax, unit,
                sum(n for _, n in dated))


@dataclass
class Node:
    x: float
    y: float
    r: float
    name: str
    href: str
    title: str
    anchor: str  # text-anchor of its label: start | middle | end
    lx: float  # label position
    ly: float


@dataclass
class Edge:
    x1: float
    y1: float
    x2: float
    y2: float
    width: float
    title: str


@dataclass
class Graph:
    width: int
    height: int
    center: Node
    nodes: list[Node]
    edges: list[Edge]


def radial_graph(name: str, related: list[Any], limit: int = 12, width: int = W,
                 height: int = 340) -> Graph | None:
    """The entity in the middle, its most related entities (graph.RelatedEntity, merged
    across relation kinds) on a circle around it, most hits first clockwise from the top;
    edge width and node size grow with the hits. None without relations."""
    merged: dict[str, dict[str, Any]] = {}
    for r in related:
        m = merged.setdefault(r.entity_id, {"name": r.name, "type": r.type, "count": 0,
                                            "kinds": []})
        m["count"] += r.count
        m["kinds"].append(f"{r.kind}{' ' + r.label if r.label else ''} ({r.count})")
    if not merged:
        return None
    top = sorted(merged.items(), key=lambda kv: (-kv[1]["count"], kv[1]["name"]))[:limit]
    cx, cy = width / 2, height / 2
    rx, ry = width / 2 - 150, height / 2 - 44  # an ellipse: room for labels left and right
    most = top[0][1]["count"]
    nodes, edges = [], []
    for i, (eid, m) in enumerate(top):
        angle = -math.pi / 2 + 2 * math.pi * i / len(top)
        x, y = cx + rx * math.cos(angle), cy + ry * math.sin(angle)
        share = m["count"] / most
        cos = math.cos(angle)
        anchor = "middle" if abs(cos) < 0.3 else ("start" if cos > 0 else "end")
        r = 5 + 7 * share
        lx = x + (r + 4) * (1 if anchor == "start" else -1 if anchor == "end" else 0)
        ly = y + (r + 14 if math.sin(angle) > 0.3 and anchor == "middle" else
                  -(r + 6) if anchor == "middle" else 4)
        title = f"{m['name']} ({m['type']}): {', '.join(m['kinds'])}"
        label = m["name"] if len(m["name"]) <= 22 else m["name"][:21] + "…"
        nodes.append(Node(x, y, r, label, f"/entity/{eid}", title, anchor, lx, ly))
        edges.append(Edge(cx, cy, x, y, 1 + 5 * share, title))
    center = Node(cx, cy, 14, name, "", name, "middle", cx, cy + 30)
    return Graph(width, height, center, nodes, edges)
