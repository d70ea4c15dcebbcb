"""The relation pass of an ingest: edges between canonical entities (stages/relations.py) over
the whole store, rebuilt in one transaction after the entity pass. A full rebuild, not an
incremental one: the entity pass may re-merge ids anywhere in the store, and an edge keyed by
an id that no longer exists would be wrong; the rebuild reads only offsets and ids (and the
texts to split sentences), a small cost next to the entity pass it follows."""

from __future__ import annotations

from newsgraph.stages.relations import RelationBuilder, article_edges
from newsgraph.store import Store


def rebuild_relations(store: Store) -> int:
    """Rebuild the relations table; returns the number of edges."""
    view = store.relations_view()
    builder = RelationBuilder()
    for art_id, text, mentions, quotes, events in view.inputs():
        builder.add(article_edges(art_id, text, mentions, quotes, events))
    relations = builder.relations()
    view.rebuild(relations)
    return len(relations)
