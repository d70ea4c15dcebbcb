"""Relation exports (additive to CONTRACT.md): `relations.jsonl` or `relations.parquet` (one
edge a row: source, target, kind, label, count, evidence, then article_count and id) and
`graph.graphml` (entities as nodes with name and type; edges with kind, label, count), both in
a stable order so the same store gives the same bytes. GraphML is written by hand with the
standard library's escaping, so attribute order and whitespace never vary."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from newsgraph.graph import relation_record
from newsgraph.store import Store

RELATION_FIELDS = ("source", "target", "kind", "label", "count", "evidence", "article_count",
                   "id")
# characters XML 1.0 cannot carry at all, even escaped
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_KEYS = (  # (id, for, attr.name, attr.type)
    ("name", "node", "name", "string"), ("type", "node", "type", "string"),
    ("mentions", "node", "mention_count", "int"),
    ("kind", "edge", "kind", "string"), ("label", "edge", "label", "string"),
    ("count", "edge", "count", "int"), ("articles", "edge", "article_count", "int"),
)


def export_relations(store: Store, out: Path, fmt: str) -> dict[str, int]:
    """The relation files for one export: JSONL or Parquet edges, and GraphML always."""
    records = [relation_record(r) for r in store.relations_view().iter_relations()]
    if fmt == "parquet":
        _write_parquet(out / "relations.parquet", records)
    else:
        with (out / "relations.jsonl").open("w", encoding="utf-8", newline="\n") as fh:
            for rec in records:
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    nodes = write_graphml(store, out / "graph.graphml")
    return {"relations": len(records), "graph_nodes": nodes}


def _write_parquet(path: Path, records: list[dict[str, Any]]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    evidence = pa.list_(pa.struct([
        ("article_id", pa.string()), ("start", pa.int64()), ("end", pa.int64()),
        ("quote_id", pa.string()), ("event_id", pa.string())]))
    types = {"evidence": evidence, "count": pa.int64(), "article_count": pa.int64()}
    schema = pa.schema([(f, types.get(f, pa.string())) for f in RELATION_FIELDS])
    pq.write_table(pa.Table.from_pylist(records, schema=schema), path)


def _text(value: object) -> str:
    return escape(_NOT_XML.sub("", str(value)))


def write_graphml(store: Store, path: Path) -> int:
    """Every entity a node (by id), every relation an edge (first-seen order); co-occurs edges
    are marked directed="false" in a directed graph. Returns the number of nodes."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
             'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
             'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
             'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">']
    for key, for_, name, type_ in _KEYS:
        lines.append(f'  <key id="{key}" for="{for_}" attr.name="{name}" attr.type="{type_}"/>')
    lines.append('  <graph id="newsgraph" edgedefault="directed">')
    nodes: set[str] = set()
    for ent in store.iter_entities():  # by id
        nodes.add(ent.id)
        lines.append(f"    <node id={quoteattr(_NOT_XML.sub('', ent.id))}>"
                     f'<data key="name">{_text(ent.name)}</data>'
                     f'<data key="type">{_text(ent.type)}</data>'
                     f'<data key="mentions">{int(ent.mention_count)}</data></node>')
    for rel in store.relations_view().iter_relations():
        if rel.source not in nodes or rel.target not in nodes:
            continue  # never an edge to a node the file does not have
        directed = ' directed="false"' if rel.kind == "co-occurs" else ""
        label = f'<data key="label">{_text(rel.label)}</data>' if rel.label else ""
        lines.append(f"    <edge id={quoteattr(rel.id)} source={quoteattr(rel.source)} "
                     f"target={quoteattr(rel.target)}{directed}>"
                     f'<data key="kind">{_text(rel.kind)}</data>{label}'
                     f'<data key="count">{rel.count}</data>'
                     f'<data key="articles">{rel.article_count}</data></edge>')
    lines += ["  </graph>", "</graphml>", ""]
    path.write_text("\n".join(lines), encoding="utf-8", newline="\n")
    return len(nodes)
