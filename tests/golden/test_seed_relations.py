"""Golden: entity relations on the seeds, end to end through ingest (issue 5).

What the seeds say, checked by reading them: Putin and NATO are named in one sentence in every
seed, and Putin is quoted talking about NATO; Lukashenko's "the collective West will increase /
build up the pressure" (000 and 003) makes him quote-about the West in both, his "disciplined
... in the European Union" (000) about the EU; he "joined Putin" (000: acts-on COOPERATE) and
is named beside him. Every edge's evidence points at words that name both ends.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from newsgraph import api
from newsgraph.stages.relations import Relation
from newsgraph.store import Store

NS = {"g": "http://graphml.graphdrawing.org/xmlns"}


def _setup(db: Path) -> tuple[dict[str, str], dict[str, str], list[Relation]]:
    with Store(db, readonly=True) as store:
        names = {e.id: e.name for e in store.iter_entities()}
        seeds = {a.id: Path(a.source_path).name[:3] for a in store.iter_articles()}
        rels = list(store.relations_view().iter_relations())
    return names, seeds, rels


def _edge(rels: list[Relation], names: dict[str, str], kind: str, a: str, b: str,
          label: str | None = None) -> Relation:
    found = [r for r in rels if r.kind == kind and r.label == label and (
        {names[r.source], names[r.target]} == {a, b} if kind == "co-occurs"
        else (names[r.source], names[r.target]) == (a, b))]
    assert len(found) == 1, (kind, a, b, label)
    return found[0]


def test_seed_edges(seed_store: Path) -> None:
    names, seeds, rels = _setup(seed_store)
    putin_nato = _edge(rels, names, "co-occurs", "Vladimir Putin", "NATO")
    assert putin_nato.article_count == 5 and putin_nato.count >= 10
    assert _edge(rels, names, "quotes-about", "Vladimir Putin", "NATO").count >= 3
    west = _edge(rels, names, "quotes-about", "Alexander Lukashenko", "West")
    assert sorted(seeds[e["article_id"]] for e in west.evidence) == ["000", "003"]
    eu = _edge(rels, names, "quotes-about", "Alexander Lukashenko", "European Union")
    assert [seeds[e["article_id"]] for e in eu.evidence] == ["000"]
    coop = _edge(rels, names, "acts-on", "Alexander Lukashenko", "Vladimir Putin", "COOPERATE")
    assert [seeds[e["article_id"]] for e in coop.evidence] == ["000"]
    assert _edge(rels, names, "co-occurs", "Alexander Lukashenko", "Vladimir Putin").count == 2
    # directed: NATO is quoted (about Ukraine), never about Putin
    assert not [r for r in rels if r.kind == "quotes-about" and names[r.source] == "NATO"
                and names[r.target] == "Vladimir Putin"]


def test_no_self_edges_and_evidence_points_at_the_words(seed_store: Path) -> None:
    _, _, rels = _setup(seed_store)
    assert len(rels) > 100
    with Store(seed_store, readonly=True) as store:
        texts = {a.id: a.text for a in store.iter_articles()}
        mentions = {aid: store.article_mentions(aid) for aid in texts}
        quotes = {q.id: q for q in store.iter_quotes()}
        events = {e.id: e for e in store.events_view().iter_events()}
    for r in rels:
        assert r.source != r.target
        assert 1 <= len(r.evidence) <= min(r.count, 20) and r.article_count <= r.count
        if r.kind == "co-occurs":
            assert r.source < r.target and r.label is None
        for ev in r.evidence:
            aid, s, e = ev["article_id"], ev["start"], ev["end"]
            words = texts[aid][s:e]
            assert words and words == words.strip()
            inside = {m.entity_id for m in mentions[aid] if s <= m.start and m.end <= e}
            assert r.target in inside, (r.kind, words)
            if r.kind == "co-occurs":
                assert r.source in inside
            elif r.kind == "quotes-about":
                assert words == quotes[ev["quote_id"]].text
            else:
                event = events[ev["event_id"]]
                assert (event.start, event.end, event.action) == (s, e, r.label)
                actor = [m for m in mentions[aid] if m.entity_id == r.source]
                assert any(m.start < event.actor_end and event.actor_start < m.end
                           for m in actor)


def test_api_graph(seed_store: Path) -> None:
    ent, rel = api.graph(seed_store, "Lukashenko")
    assert ent is not None and ent.name == "Alexander Lukashenko"
    assert [r.count for r in rel] == sorted((r.count for r in rel), reverse=True)
    west = next(r for r in rel if r.kind == "quotes-about" and r.name == "West")
    assert west.direction == "out" and "collective West" in west.snippet
    coop = next(r for r in rel if r.kind == "acts-on")
    assert (coop.name, coop.label, coop.direction) == ("Vladimir Putin", "COOPERATE", "out")
    _, of_putin = api.graph(seed_store, "Putin", kind="acts-on", limit=50)
    assert any(r.name == "Alexander Lukashenko" and r.direction == "in" for r in of_putin)
    assert {r.kind for r in of_putin} == {"acts-on"}
    assert api.graph(seed_store, "nosuchname zzz") == (None, [])
    assert len(api.relations(seed_store)) > 100


def test_graphml_parses_with_the_nodes_and_edges(seed_store: Path, tmp_path: Path) -> None:
    api.export(seed_store, tmp_path)
    root = ET.parse(tmp_path / "graph.graphml").getroot()
    keys = {k.get("id"): k.get("attr.name") for k in root.findall("g:key", NS)}
    assert {"name", "type", "kind", "label", "count"} <= set(keys)
    graph = root.find("g:graph", NS)
    assert graph is not None and graph.get("edgedefault") == "directed"
    names, _, rels = _setup(seed_store)
    nodes = {n.get("id"): {d.get("key"): d.text for d in n} for n in graph.findall("g:node", NS)}
    assert set(nodes) == set(names)
    assert any(v["name"] == "Vladimir Putin" and v["type"] == "PERSON" for v in nodes.values())
    edges = graph.findall("g:edge", NS)
    assert len(edges) == len(rels)
    by_id = {r.id: r for r in rels}
    for edge in edges:
        data = {d.get("key"): d.text for d in edge}
        rel = by_id[edge.get("id")]
        assert (edge.get("source"), edge.get("target"), data["kind"], int(data["count"])) == (
            rel.source, rel.target, rel.kind, rel.count)
        assert data.get("label") == rel.label
        assert (edge.get("directed") == "false") == (rel.kind == "co-occurs")
    lines = (tmp_path / "relations.jsonl").read_text("utf-8").splitlines()
    assert len(lines) == len(rels) and lines[0].startswith('{"source": ')


def test_two_runs_give_the_relations_of_one(seeds_copy: Path, tmp_path: Path) -> None:
    """The pass rebuilds over the store after the entity pass: ids that re-merge when more
    articles arrive leave no stale edge behind."""
    later = tmp_path / "later"
    later.mkdir()
    for f in sorted(seeds_copy.iterdir())[2:]:
        f.rename(later / f.name)
    split = tmp_path / "split.db"
    api.ingest([str(seeds_copy)], db=split)
    first = api.relations(split)
    api.ingest([str(seeds_copy), str(later)], db=split)
    whole = tmp_path / "whole.db"
    api.ingest([str(seeds_copy), str(later)], db=whole)
    assert first and len(api.relations(split)) > len(first)
    for db, out in ((split, tmp_path / "o1"), (whole, tmp_path / "o2")):
        api.export(db, out)
    for name in ("relations.jsonl", "graph.graphml"):
        assert (tmp_path / "o1" / name).read_bytes() == (tmp_path / "o2" / name).read_bytes()
