"""Entity graph views for readers (CLI, API, web): an entity's related entities with the kind,
direction and count of each edge and one evidence snippet (the words the first hit points at)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from newsgraph.records import Entity
from newsgraph.stages.relations import KINDS, Relation
from newsgraph.store import Store


@dataclass
class RelatedEntity:
    entity_id: str
    name: str
    type: str
    kind: str  # co-occurs | quotes-about | acts-on
    label: str | None  # acts-on: the PLOVER action
    direction: str  # "out" (the entity -> this one), "in" (this one -> the entity), "both"
    count: int
    article_count: int
    evidence: dict[str, Any]  # the first hit: article_id, start, end (+ quote_id / event_id)
    snippet: str  # the article's words at those offsets
    relation_id: str


def find_entity(store: Store, name: str) -> Entity | None:
    """An entity by id or unique id prefix, else by name or alias: an exact (case-folded)
    name or alias first ("Putin" is Vladimir Putin, not a longer name containing it), then
    one containing `name` (3 characters or more), the most mentioned of each. Every filter by
    entity resolves so."""
    found = store.get_entity(name)
    if found is not None:
        return found
    candidates = store.entities(name, 50)
    want = name.casefold()
    exact = [e for e in candidates
             if want in {e.name.casefold(), *(a.casefold() for a in e.aliases)}]
    if exact:
        return exact[0]
    # a name containing it only from 3 characters on: "e" is in most names
    return candidates[0] if candidates and len(name.strip()) >= 3 else None


def related(store: Store, entity: Entity, kind: str | None = None,
            limit: int = 20) -> list[RelatedEntity]:
    """The entity's edges, most hits first, each with its other end and a snippet."""
    if kind is not None and kind not in KINDS:
        raise ValueError(f"unknown relation kind {kind!r}: use one of {', '.join(KINDS)}")
    rels = store.relations_view().related(entity.id, kind, limit)
    out: list[RelatedEntity] = []
    texts: dict[str, str] = {}
    for rel in rels:
        other_id = rel.target if rel.source == entity.id else rel.source
        other = store.get_entity(other_id)
        direction = "both" if rel.kind == "co-occurs" else (
            "out" if rel.source == entity.id else "in")
        ev = rel.evidence[0] if rel.evidence else {}
        out.append(RelatedEntity(
            other_id, other.name if other else other_id, other.type if other else "?",
            rel.kind, rel.label, direction, rel.count, rel.article_count, ev,
            _snippet(store, ev, texts), rel.id))
    return out


def _snippet(store: Store, ev: dict[str, Any], texts: dict[str, str]) -> str:
    art_id = ev.get("article_id")
    if not art_id:
        return ""
    if art_id not in texts:
        row = store.conn.execute("SELECT text FROM articles WHERE id=?", (art_id,)).fetchone()
        texts[art_id] = row[0] if row else ""
    return texts[art_id][ev["start"]:ev["end"]]


def relation_record(rel: Relation) -> dict[str, Any]:
    """`relations.jsonl`: source, target, kind, label, count, evidence first; then extras."""
    return {"source": rel.source, "target": rel.target, "kind": rel.kind, "label": rel.label,
            "count": rel.count, "evidence": rel.evidence, "article_count": rel.article_count,
            "id": rel.id}
