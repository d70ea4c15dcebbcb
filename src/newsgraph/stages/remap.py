"""Annotations follow the text when lines are dropped after the NLP stage ran.

The workers find mentions, quotes and events in the cleaned text; the driver then drops the lines
it has learned are boilerplate of the outlet (stages/repeats.py), which shortens the text. Every
offset is moved to the new text here. An annotation whose words lay in (or across) a dropped line
goes with the line — it no longer has words in the article to point at — and the article's notes
say how many went, so nothing points at the wrong words and nothing disappears unexplained."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from newsgraph.ids import event_id, quote_id
from newsgraph.records import Article, Event, Mention, Quote, Segment


class OffsetMap:
    """Old cleaned-text offsets -> new ones. A kept line maps one to one (its end included), and
    so does the separator after it when the next line is kept too (the separator is unchanged
    then); offsets in a dropped line, or in a separator that changed, have no new place."""

    def __init__(self, old: list[Segment], new: list[Segment]) -> None:
        new_at = {s.raw: s for s in new}  # a kept line keeps its raw start (clean.assemble)
        self._runs: list[tuple[int, int, int]] = []  # (old start, old end incl., new start)
        for i, seg in enumerate(old):
            kept = new_at.get(seg.raw)
            if kept is None or kept.length != seg.length:
                continue
            end = seg.clean + seg.length
            if i + 1 < len(old):
                nxt = old[i + 1]
                nxt_kept = new_at.get(nxt.raw)
                if nxt_kept is not None and nxt_kept.clean - kept.clean == nxt.clean - seg.clean:
                    end = nxt.clean - 1  # through the unchanged separator
            self._runs.append((seg.clean, end, kept.clean))

    def point(self, offset: int) -> int | None:
        for start, end, new_start in self._runs:  # few lines an article: a scan is enough
            if start <= offset <= end:
                return new_start + offset - start
        return None

    def span(self, start: int, end: int, old_text: str, new_text: str) -> tuple[int, int] | None:
        """The span's new offsets when its words are all still there, unchanged."""
        a, b = self.point(start), self.point(end)
        if a is None or b is None or new_text[a:b] != old_text[start:end]:
            return None
        return a, b


def remap_annotations(article: Article, old_text: str, old_segments: list[Segment]) -> None:
    """Move the article's mentions, quotes and events from `old_text` to `article.text`."""
    if not (article.mentions or article.quotes or article.events):
        return
    offsets = OffsetMap(old_segments, article.segments)
    new_text = article.text
    lost = {"mentions": 0, "quotes": 0, "events": 0}

    def move(start: int | None, end: int | None) -> tuple[int, int] | None | bool:
        """New (start, end); None for an absent span; False when the span has no new place."""
        if start is None or end is None:
            return None
        found = offsets.span(start, end, old_text, new_text)
        return False if found is None else found

    mentions: list[Mention] = []
    for m in article.mentions:
        moved = move(m.start, m.end)
        if not moved:
            lost["mentions"] += 1
            continue
        m.start, m.end = moved
        mentions.append(m)

    quotes: list[Quote] = []
    for q in article.quotes:
        spans = [move(q.start, q.end), move(q.speaker_start, q.speaker_end),
                 move(q.cue_start, q.cue_end)]
        notes = _moved_notes(q.notes, ("said_on",), move)
        parts = [move(p[0], p[1]) for p in q.notes.get("parts", [])]
        if not spans[0] or False in spans or notes is None or False in parts:
            lost["quotes"] += 1
            continue
        (q.start, q.end), speaker, cue = spans  # type: ignore[misc]
        q.speaker_start, q.speaker_end = speaker or (None, None)
        q.cue_start, q.cue_end = cue or (None, None)
        if parts:
            notes["parts"] = [list(p) for p in parts if p]
        q.notes = notes
        q.id = quote_id(article.id, q.start, q.end)
        quotes.append(q)

    events: list[Event] = []
    for ev in article.events:
        spans = [move(ev.start, ev.end), move(ev.trigger_start, ev.trigger_end),
                 move(ev.actor_start, ev.actor_end), move(ev.target_start, ev.target_end)]
        notes = _moved_notes(ev.notes, ("time",), move)
        if not spans[0] or not spans[1] or False in spans or notes is None:
            lost["events"] += 1
            continue
        (ev.start, ev.end), (ev.trigger_start, ev.trigger_end), actor, target = spans  # type: ignore[misc]
        ev.actor_start, ev.actor_end = actor or (None, None)
        ev.target_start, ev.target_end = target or (None, None)
        ev.notes = notes
        ev.id = event_id(article.id, ev.trigger_start, ev.trigger_end, ev.action)
        events.append(ev)

    article.mentions, article.quotes, article.events = mentions, quotes, events
    if any(lost.values()):
        article.notes["annotations_in_learned_lines"] = {k: v for k, v in lost.items() if v}


def _moved_notes(notes: dict[str, Any], keys: Iterable[str], move: Any) -> dict[str, Any] | None:
    """A copy of `notes` with the offsets of the `keys` entries moved; None if one cannot be."""
    out = dict(notes)
    for key in keys:
        entry = notes.get(key)
        if not isinstance(entry, dict) or "start" not in entry:
            continue
        moved = move(entry["start"], entry["end"])
        if moved is False:
            return None
        if moved:
            out[key] = {**entry, "start": moved[0], "end": moved[1]}
    return out
