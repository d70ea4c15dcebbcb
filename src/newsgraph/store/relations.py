"""The relations table of a store (stages/relations.py): what the relation pass reads (each
article's linked mentions, quotes with a speaker entity, events with actor and target), its
one-transaction rebuild, and the readers (`Store.relations_view()`)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any

from newsgraph.records import Event, Mention, Quote
from newsgraph.stages.relations import Relation

ArticleInputs = tuple[str, str, list[Mention], list[Quote], list[Event]]


def _row_relation(row: sqlite3.Row) -> Relation:
    return Relation(row["source"], row["target"], row["kind"], row["label"], row["count"],
                    json.loads(row["evidence"]), article_count=row["article_count"],
                    id=row["id"], seq=row["seq"])


class RelationStore:
    """The relations of one store connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    # ---- the pass -------------------------------------------------------------------------
    def inputs(self) -> Iterator[ArticleInputs]:
        """(article id, text, mentions, quotes, events) of every article that is not a
        duplicate, in first-seen order: a repost repeats its original's sentences, and would
        count them twice. Only what the pass needs is read."""
        q = self.conn.execute
        arts = q("SELECT id, text FROM articles WHERE duplicate_of IS NULL ORDER BY seq")
        for art_id, text in arts.fetchall():
            mentions = [Mention(s, e, "", label, eid) for s, e, label, eid in q(
                "SELECT start, end, label, entity_id FROM mentions WHERE article_id=? "
                "AND entity_id IS NOT NULL ORDER BY start, end", (art_id,))]
            if not mentions:
                continue
            quotes = [Quote(s, e, "", "", speaker_entity_id=sp, id=qid) for qid, s, e, sp in q(
                "SELECT id, start, end, speaker_entity_id FROM quotes WHERE article_id=? "
                "AND speaker_entity_id IS NOT NULL ORDER BY seq", (art_id,))]
            events = [Event("", s, e, action, "", 0, 0, actor_start=a0, actor_end=a1,
                            target_start=t0, target_end=t1, id=eid)
                      for eid, s, e, action, a0, a1, t0, t1 in q(
                          "SELECT id, start, end, action, actor_start, actor_end, target_start, "
                          "target_end FROM events WHERE article_id=? AND actor_start IS NOT "
                          "NULL AND target_start IS NOT NULL ORDER BY seq", (art_id,))]
            yield art_id, text, mentions, quotes, events

    def rebuild(self, relations: Sequence[Relation]) -> None:
        """One transaction: the table as the store now resolves it."""
        with self.conn:
            self.conn.execute("DELETE FROM relations")
            self.conn.executemany(
                "INSERT INTO relations(id, seq, kind, source, target, label, count, "
                "article_count, evidence) VALUES (?,?,?,?,?,?,?,?,?)",
                [(r.id, r.seq, r.kind, r.source, r.target, r.label, r.count, r.article_count,
                  json.dumps(r.evidence, sort_keys=True, ensure_ascii=False))
                 for r in relations])

    # ---- readers --------------------------------------------------------------------------
    def iter_relations(self) -> Iterator[Relation]:
        for row in self.conn.execute("SELECT * FROM relations ORDER BY seq"):
            yield _row_relation(row)

    def count(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM relations").fetchone()[0])

    def related(self, entity_id: str, kind: str | None = None, limit: int = 50,
                direction: str = "any") -> list[Relation]:
        """Edges touching the entity (`direction`: any | out | in), most hits first, then
        first-seen."""
        ends = {"any": "(source = ? OR target = ?)", "out": "source = ?", "in": "target = ?"}
        where = ends[direction]
        params: list[Any] = [entity_id] * where.count("?")
        if kind:
            where += " AND kind = ?"
            params.append(kind)
        rows = self.conn.execute(
            f"SELECT * FROM relations WHERE {where} ORDER BY count DESC, seq LIMIT ?",
            [*params, limit])
        return [_row_relation(r) for r in rows]
