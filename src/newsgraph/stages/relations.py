"""Entity relations: edges between canonical entities, from one article at a time (pure).

Three kinds, each hit carrying its evidence (article id and offsets into the cleaned text):

- `co-occurs`: two entities named in one sentence, undirected (source < target by id), counted
  once per sentence; evidence = the sentence's offsets. Sentences come from `sentence_bounds`,
  a cheap rule splitter (end punctuation before a capital, or a line break), not from spaCy:
  the parse's sentences are not stored, and the pass must re-run over the whole store each
  time the entity pass re-merges ids. A split never falls inside a mention.
- `quotes-about`: the speaker entity S of a quote, and an entity E named inside the quoted words
  (S talks about E), directed S -> E; evidence = the quote id and the quote's offsets.
- `acts-on`: an event whose actor words overlap a mention of A and whose target words overlap
  a mention of B, directed A -> B, labelled with the PLOVER action; evidence = the event id and
  the sentence's offsets.

No self-edges. `RelationBuilder` folds the hits of many articles into edges with a count, the
number of articles, and the first `MAX_EVIDENCE` pieces of evidence in first-seen order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from newsgraph.ids import content_hash
from newsgraph.records import Event, Mention, Quote

VERSION = "relations/1"
KINDS = ("co-occurs", "quotes-about", "acts-on")
MAX_EVIDENCE = 20

# A sentence ends at . ! ? (and any closing quotes/brackets) followed by space and something
# that can open a sentence; or at a line break (cleaned text keeps paragraphs as lines).
_END = re.compile(r"[.!?]+[\"'”’»)\]]*(?=\s+[\"'“‘«(\[]?[A-Z0-9])|\n+")
# Words whose final dot is not a sentence end: titles, months, "No.", initials ("J. Smith").
_ABBREV = frozenset((
    "mr", "mrs", "ms", "dr", "prof", "gen", "sen", "rep", "gov", "lt", "col", "maj", "capt",
    "sgt", "st", "jr", "sr", "mt", "ft", "no", "vs", "etc", "inc", "corp", "ltd", "co", "dept",
    "est", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "pres", "adm", "cmdr", "rev", "hon"))


@dataclass(slots=True)
class EdgeHit:
    """One piece of evidence for one edge."""

    kind: str
    source: str
    target: str
    label: str | None
    evidence: dict[str, Any]


@dataclass
class Relation:
    """An edge between two canonical entities, as stored and exported."""

    source: str
    target: str
    kind: str
    label: str | None
    count: int
    evidence: list[dict[str, Any]]
    article_count: int = 0
    id: str = ""
    seq: int = 0  # first-seen order
    articles: set[str] = field(default_factory=set, repr=False, compare=False)


def relation_id(kind: str, source: str, target: str, label: str | None) -> str:
    return "r" + content_hash(VERSION, kind, source, target, label)[:19]


def _abbreviation(text: str, dot: int) -> bool:
    """Is the '.' at `dot` the end of an abbreviation or an initial, not of a sentence?"""
    word = re.search(r"(\w+)\.?$", text[max(0, dot - 12):dot])
    if word is None:
        return False
    w = word.group(1)
    if len(w) == 1 and w.isupper():  # an initial: "J. Smith", "U.S. officials"
        return True
    return w.lower() in _ABBREV


def sentence_bounds(text: str, protect: Sequence[tuple[int, int]] = ()) -> list[tuple[int, int]]:
    """[start, end) of each sentence, in text order, whitespace trimmed. No split falls inside
    a `protect` span (the mentions), so a name is always in one sentence."""
    inside = sorted(protect)
    cuts: list[int] = []
    j = 0
    for m in _END.finditer(text):
        if m.group()[0] == "." and _abbreviation(text, m.start()):
            continue  # "Mr. Putin", "U.S. officials" (a line break always ends a sentence)
        cut = m.end()
        while j < len(inside) and inside[j][1] <= cut:
            j += 1
        if any(s < cut < e for s, e in inside[j:j + 3]):
            continue
        cuts.append(cut)
    out: list[tuple[int, int]] = []
    start = 0
    for cut in [*cuts, len(text)]:
        seg = text[start:cut]
        lead = len(seg) - len(seg.lstrip())
        body = seg.strip()
        if body:
            out.append((start + lead, start + lead + len(body)))
        start = cut
    return out


def _overlaps(a0: int, a1: int, b0: int | None, b1: int | None) -> bool:
    return b0 is not None and b1 is not None and a0 < b1 and b0 < a1


def co_occurrences(article_id: str, text: str, mentions: Sequence[Mention],
                   bounds: Sequence[tuple[int, int]] | None = None) -> list[EdgeHit]:
    """`co-occurs` hits: each unordered pair of entities named in one sentence, once."""
    linked = sorted((m for m in mentions if m.entity_id), key=lambda m: (m.start, m.end))
    if bounds is None:
        bounds = sentence_bounds(text, [(m.start, m.end) for m in linked])
    hits: list[EdgeHit] = []
    i = 0
    for s0, s1 in bounds:
        ids: list[str] = []
        while i < len(linked) and linked[i].start < s1:
            if linked[i].start >= s0 and linked[i].entity_id not in ids:
                ids.append(linked[i].entity_id)  # type: ignore[arg-type]
            i += 1
        for a in range(len(ids)):
            for b in range(a + 1, len(ids)):
                lo, hi = sorted((ids[a], ids[b]))
                hits.append(EdgeHit("co-occurs", lo, hi, None,
                                    {"article_id": article_id, "start": s0, "end": s1}))
    return hits


def quote_abouts(article_id: str, mentions: Sequence[Mention],
                 quotes: Sequence[Quote]) -> list[EdgeHit]:
    """`quotes-about` hits: speaker entity -> each other entity named inside the quote."""
    hits: list[EdgeHit] = []
    for q in quotes:
        speaker = q.speaker_entity_id
        if not speaker:
            continue
        seen: set[str] = set()
        for m in mentions:
            eid = m.entity_id
            if not eid or eid == speaker or eid in seen or not (q.start <= m.start
                                                                  and m.end <= q.end):
                continue
            seen.add(eid)
            hits.append(EdgeHit("quotes-about", speaker, eid, None,
                                {"article_id": article_id, "quote_id": q.id,
                                 "start": q.start, "end": q.end}))
    return hits


def event_links(article_id: str, mentions: Sequence[Mention],
                events: Sequence[Event]) -> list[EdgeHit]:
    """`acts-on` hits: entity of the actor's words -> entity of the target's words, labelled
    with the event's PLOVER action."""
    hits: list[EdgeHit] = []
    for ev in events:
        if ev.actor_start is None or ev.target_start is None:
            continue
        actors = _entities_in(mentions, ev.actor_start, ev.actor_end)
        targets = _entities_in(mentions, ev.target_start, ev.target_end)
        for a in actors:
            for b in targets:
                if a != b:
                    hits.append(EdgeHit("acts-on", a, b, ev.action,
                                        {"article_id": article_id, "event_id": ev.id,
                                         "start": ev.start, "end": ev.end}))
    return hits


def _entities_in(mentions: Sequence[Mention], start: int | None, end: int | None) -> list[str]:
    """Entities named in an actor's or target's words. A nationality word that only modifies
    another name ("Belarusian President Alexander Lukashenko") is not the actor."""
    hit = [m for m in mentions if m.entity_id and _overlaps(m.start, m.end, start, end)]
    if any(m.label != "NORP" for m in hit):
        hit = [m for m in hit if m.label != "NORP"]
    found: list[str] = []
    for m in hit:
        if m.entity_id not in found:
            found.append(m.entity_id)  # type: ignore[arg-type]
    return found


def article_edges(article_id: str, text: str, mentions: Sequence[Mention],
                  quotes: Sequence[Quote] = (), events: Sequence[Event] = ()) -> list[EdgeHit]:
    """Every hit of one article: co-occurrences in text order, then quotes, then events."""
    return (co_occurrences(article_id, text, mentions)
            + quote_abouts(article_id, mentions, quotes)
            + event_links(article_id, mentions, events))


class RelationBuilder:
    """Folds hits into edges; feed articles in first-seen order for a deterministic result."""

    def __init__(self, max_evidence: int = MAX_EVIDENCE) -> None:
        self.max_evidence = max_evidence
        self.edges: dict[tuple[str, str, str, str | None], Relation] = {}

    def add(self, hits: Iterable[EdgeHit]) -> None:
        for h in hits:
            key = (h.kind, h.source, h.target, h.label)
            rel = self.edges.get(key)
            if rel is None:
                rel = self.edges[key] = Relation(
                    h.source, h.target, h.kind, h.label, 0, [],
                    id=relation_id(h.kind, h.source, h.target, h.label),
                    seq=len(self.edges) + 1)
            rel.count += 1
            rel.articles.add(h.evidence["article_id"])
            if len(rel.evidence) < self.max_evidence:
                rel.evidence.append(h.evidence)

    def relations(self) -> list[Relation]:
        out = list(self.edges.values())  # insertion order = first-seen order
        for rel in out:
            rel.article_count = len(rel.articles)
        return out
