"""Relations (stages/relations.py) on small inputs: the sentence splitter, each edge kind, no
self-edges, the evidence cap, and the `graph` command's exit statuses."""

from __future__ import annotations

from pathlib import Path

from newsgraph.records import Event, Mention, Quote
from newsgraph.stages.relations import (
    MAX_EVIDENCE,
    RelationBuilder,
    article_edges,
    sentence_bounds,
)
from tests.test_cli import run


def _sents(text: str, protect: list[tuple[int, int]] | None = None) -> list[str]:
    return [text[s:e] for s, e in sentence_bounds(text, protect or [])]


def test_sentences_split_at_ends_and_lines_not_abbreviations() -> None:
    text = ("Mr. Putin met U.S. officials on Jan. 5. Then NATO spoke! “Why?” he asked.\n\n"
            "A headline without a stop\nJ. Smith said so.")
    assert _sents(text) == [
        "Mr. Putin met U.S. officials on Jan. 5.", "Then NATO spoke!", "“Why?” he asked.",
        "A headline without a stop", "J. Smith said so."]


def test_no_split_inside_a_mention() -> None:
    text = "He met Yahoo! Inc. Chief Executive today. Then he left."
    start = text.index("Yahoo")
    assert _sents(text, [(start, start + len("Yahoo! Inc."))]) == [
        "He met Yahoo! Inc. Chief Executive today.", "Then he left."]


def _m(text: str, word: str, eid: str, label: str = "PERSON", nth: int = 0) -> Mention:
    start = -1
    for _ in range(nth + 1):
        start = text.index(word, start + 1)
    return Mention(start, start + len(word), word, label, eid)


def test_each_kind_and_no_self_edges() -> None:
    text = ("Putin warned NATO and Putin again. Lukashenko said “the West and Putin will "
            "crush us.” Belarusian leader Lukashenko joined Putin.")
    ms = [_m(text, "Putin", "e-p"), _m(text, "NATO", "e-n", "ORG"),
          _m(text, "Putin", "e-p", nth=1), _m(text, "Lukashenko", "e-l"),
          _m(text, "West", "e-w", "LOC"), _m(text, "Putin", "e-p", nth=2),
          _m(text, "Belarusian", "e-b", "NORP"), _m(text, "Lukashenko", "e-l", nth=1),
          _m(text, "Putin", "e-p", nth=3)]
    q0 = text.index("the West")
    quote = Quote(q0, text.index(".”"), "", "direct", speaker_entity_id="e-l", id="q1")
    s0 = text.index("Belarusian")
    actor0 = s0
    target0 = text.index("Putin.", s0)
    event = Event("", s0, len(text), "COOPERATE", "joined", 0, 0, actor_start=actor0,
                  actor_end=text.index(" joined"), target_start=target0,
                  target_end=target0 + 5, id="ev1")
    hits = article_edges("a1", text, ms, [quote], [event])
    got = {(h.kind, h.source, h.target, h.label) for h in hits}
    assert got == {
        ("co-occurs", "e-n", "e-p", None),  # once for the sentence, though Putin is named twice
        ("co-occurs", "e-l", "e-w", None), ("co-occurs", "e-l", "e-p", None),
        ("co-occurs", "e-p", "e-w", None), ("co-occurs", "e-b", "e-l", None),
        ("co-occurs", "e-b", "e-p", None),
        ("quotes-about", "e-l", "e-w", None), ("quotes-about", "e-l", "e-p", None),
        ("acts-on", "e-l", "e-p", "COOPERATE"),  # not Belarusian: it only modifies the name
    }
    assert all(h.source != h.target for h in hits)
    assert sum(1 for h in hits if h.kind == "co-occurs" and h.source == "e-n") == 1
    first = next(h for h in hits if h.kind == "co-occurs")
    assert text[first.evidence["start"]:first.evidence["end"]] == \
        "Putin warned NATO and Putin again."
    assert next(h for h in hits if h.kind == "quotes-about").evidence["quote_id"] == "q1"
    assert article_edges("a1", text, ms, [quote], [event]) == hits  # deterministic


def test_builder_counts_all_and_caps_evidence() -> None:
    text = "Putin met Xi. " * (MAX_EVIDENCE + 5)
    ms = []
    for i in range(MAX_EVIDENCE + 5):
        base = i * len("Putin met Xi. ")
        ms += [Mention(base, base + 5, "Putin", "PERSON", "e-p"),
               Mention(base + 10, base + 12, "Xi", "PERSON", "e-x")]
    builder = RelationBuilder()
    builder.add(article_edges("a1", text, ms))
    builder.add(article_edges("a2", text, ms))
    (rel,) = builder.relations()
    assert (rel.count, rel.article_count, len(rel.evidence)) == (
        2 * (MAX_EVIDENCE + 5), 2, MAX_EVIDENCE)
    assert [e["article_id"] for e in rel.evidence] == ["a1"] * MAX_EVIDENCE  # first seen
    assert rel.id.startswith("r") and rel.seq == 1


def test_graph_command(seed_store: Path, tmp_path: Path) -> None:
    ok = run("graph", "--entity", "Lukashenko", "--db", str(seed_store), cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert "relations of Alexander Lukashenko" in ok.stdout
    assert "quotes-about → West" in ok.stdout and "acts-on COOPERATE → Vladimir Putin" in ok.stdout
    only = run("graph", "--entity", "Putin", "--kind", "acts-on", "--limit", "3",
               "--db", str(seed_store), cwd=tmp_path)
    assert only.returncode == 0 and only.stdout.count("acts-on ") == 3
    assert "co-occurs" not in only.stdout
    unknown = run("graph", "--entity", "Nobody Atall", "--db", str(seed_store), cwd=tmp_path)
    assert unknown.returncode == 1
    assert "no entity matches Nobody Atall" in unknown.stderr
    bad = run("graph", "--entity", "Putin", "--kind", "likes", "--db", str(seed_store),
              cwd=tmp_path)
    assert bad.returncode == 2 and "unknown kind likes" in bad.stderr
    missing = run("graph", "--db", str(seed_store), cwd=tmp_path)
    assert missing.returncode == 2
