"""Exports as in CONTRACT.md: JSON Lines (or Parquet) files, one object per line, stable order
(first-seen) and stable keys, so the same store always gives the same bytes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from newsgraph.export_graph import export_relations
from newsgraph.records import Article
from newsgraph.store import Store

# The contract's fields first, in its order; extra fields only ever appended (additive).
ARTICLE_FIELDS = (
    "id", "source_path", "url", "outlet", "title", "text", "published", "published_source",
    "language", "story_id", "duplicate_of", "removed",
    "outlet_source", "published_evidence", "duplicate_score", "language_score",
)
QUOTE_FIELDS = (
    "id", "article_id", "text", "start", "end", "type", "speaker", "speaker_entity_id",
    "speaker_mention", "cue",
    "speaker_start", "speaker_end", "cue_start", "cue_end", "notes",
)
ENTITY_FIELDS = ("id", "name", "type", "aliases", "mention_count", "article_ids")
STORY_FIELDS = ("id", "title", "article_ids", "start_date", "end_date")
EVENT_FIELDS = (
    "id", "article_id", "date", "date_precision", "actor", "action", "target", "sentence",
    "start", "end",
    "trigger", "trigger_start", "trigger_end", "actor_start", "actor_end", "target_start",
    "target_end", "notes",
)

STATEMENT_FIELDS = ("id", "speaker", "speaker_entity_id", "quote_ids", "article_ids",
                    "reference_quote_id", "versions")


def article_record(a: Article) -> dict[str, Any]:
    rec: dict[str, Any] = {}
    for name in ARTICLE_FIELDS:
        if name == "removed":
            rec[name] = [d.to_dict() for d in a.removed]
        else:
            rec[name] = getattr(a, name)
    return rec


def _records(store: Store) -> Iterator[dict[str, Any]]:
    for article in store.iter_articles():
        yield article_record(article)


def _quote_records(store: Store) -> Iterator[dict[str, Any]]:
    for quote in store.iter_quotes():
        yield {name: getattr(quote, name) for name in QUOTE_FIELDS}


def _entity_records(store: Store) -> Iterator[dict[str, Any]]:
    for entity in store.iter_entities():
        yield {name: getattr(entity, name) for name in ENTITY_FIELDS}


def _story_records(store: Store) -> Iterator[dict[str, Any]]:
    from newsgraph.stages.stories import story_record

    view = store.stories_view()
    for story in view.iter_stories():  # first-seen order
        yield story_record(story, view.article_ids(story.id))


def _event_records(store: Store) -> Iterator[dict[str, Any]]:
    for event in store.events_view().iter_events():  # first-seen order
        yield {name: getattr(event, name) for name in EVENT_FIELDS}


def _statement_records(store: Store) -> Iterator[dict[str, Any]]:
    for statement in store.statements_view().iter_statements():  # first-seen order
        yield statement.record()


def _write_jsonl(path: Path, records: Iterator[dict[str, Any]]) -> int:
    n = 0
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
            n += 1
    return n


def export_jsonl(store: Store, out: Path) -> dict[str, int]:
    out.mkdir(parents=True, exist_ok=True)
    counts = {
        "articles": _write_jsonl(out / "articles.jsonl", _records(store)),
        "quotes": _write_jsonl(out / "quotes.jsonl", _quote_records(store)),
        "entities": _write_jsonl(out / "entities.jsonl", _entity_records(store)),
        "stories": _write_jsonl(out / "stories.jsonl", _story_records(store)),
        "events": _write_jsonl(out / "events.jsonl", _event_records(store)),
        "statements": _write_jsonl(out / "statements.jsonl", _statement_records(store)),
    }
    counts.update(export_relations(store, out, "jsonl"))  # relations.jsonl, graph.graphml
    return counts


def _arrow_schema() -> Any:
    import pyarrow as pa

    drop = pa.struct([("start", pa.int64()), ("end", pa.int64()), ("reason", pa.string())])
    types = {"removed": pa.list_(drop), "duplicate_score": pa.float64(),
             "language_score": pa.float64()}
    return pa.schema([(f, types.get(f, pa.string())) for f in ARTICLE_FIELDS])


def export_parquet(store: Store, out: Path, rows_per_group: int = 5000) -> dict[str, int]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    out.mkdir(parents=True, exist_ok=True)
    schema = _arrow_schema()
    n = 0
    with pq.ParquetWriter(out / "articles.parquet", schema, compression="zstd") as writer:
        chunk: list[dict[str, Any]] = []
        for rec in _records(store):
            chunk.append(rec)
            if len(chunk) >= rows_per_group:
                writer.write_table(pa.Table.from_pylist(chunk, schema=schema))
                n += len(chunk)
                chunk = []
        if chunk or n == 0:
            writer.write_table(pa.Table.from_pylist(chunk, schema=schema))
            n += len(chunk)
    counts = {"articles": n}
    story_schema = pa.schema([(f, pa.list_(pa.string()) if f == "article_ids" else pa.string())
                              for f in STORY_FIELDS])
    for name, records, fields in (("quotes", _quote_records, QUOTE_FIELDS),
                                  ("entities", _entity_records, ENTITY_FIELDS),
                                  ("stories", _story_records, STORY_FIELDS),
                                  ("events", _event_records, EVENT_FIELDS)):
        rows = [{k: (json.dumps(v, sort_keys=True, ensure_ascii=False) if k == "notes" else v)
                 for k, v in rec.items()} for rec in records(store)]
        if name == "stories":
            table = pa.Table.from_pylist(rows, schema=story_schema)
        else:
            table = pa.Table.from_pylist(rows) if rows else pa.table(
                {f: pa.array([], pa.string()) for f in fields})
        pq.write_table(table, out / f"{name}.parquet")
        counts[name] = len(rows)
    counts["statements"] = _statements_parquet(store, out)
    counts.update(export_relations(store, out, "parquet"))  # relations.parquet, graph.graphml
    return counts


def _statements_parquet(store: Store, out: Path) -> int:
    """statements.parquet: id lists as lists, each version as a JSON string (sorted keys)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = []
    for rec in _statement_records(store):
        rec["versions"] = [json.dumps(v, sort_keys=True, ensure_ascii=False)
                           for v in rec["versions"]]
        rows.append(rec)
    lists = ("quote_ids", "article_ids", "versions")
    schema = pa.schema([(f, pa.list_(pa.string()) if f in lists else pa.string())
                        for f in STATEMENT_FIELDS])
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), out / "statements.parquet")
    return len(rows)
