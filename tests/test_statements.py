"""Statements: versions of one quote across articles — the diff and its flags, the linking
rules, the seed golden (Lukashenko and Putin across outlets), incremental = one run, CLI."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from newsgraph import api
from newsgraph.cli import app
from newsgraph.stages.statements import (
    MINOR,
    MISQUOTE,
    SAME,
    TRIMMED,
    QuoteDoc,
    compare,
    group,
    statement_id,
)


def q(seq: int, art: str, text: str, speaker: str | None = None,
      entity: str | None = None) -> QuoteDoc:
    return QuoteDoc(f"q{seq}", seq, art, text, speaker, entity)


def test_flags_same_words_trimmed_and_translation() -> None:
    assert compare("We will respond appropriately.", "we will respond appropriately").flags == \
        [SAME]
    trimmed = compare("Russia has no problem with these states – none", "has no problem")
    assert trimmed.flags == [TRIMMED] and trimmed.only_in_reference == []
    inflected = compare("Russia has no problem with these states", "has no problems")
    assert inflected.flags == [TRIMMED, MINOR]
    assert (inflected.only_in_reference, inflected.only_in_version) == (["problem"],
                                                                        ["problems"])
    other = compare("the collective West will increase the pressure on the post-Soviet space",
                    "the collective West will build up pressure on the post-Soviet space")
    assert other.flags == [MISQUOTE]
    assert (other.only_in_reference, other.only_in_version) == (["increase", "the"],
                                                                ["build", "up"])
    negated = compare("this is no threat to Russia", "this is a threat to Russia")
    assert MISQUOTE in negated.flags and "no" in negated.only_in_reference


def test_linking_rules() -> None:
    base = "Without a united front, the collective West will build up pressure on us."
    sts = group([
        q(1, "a1", base, "Alexander Lukashenko", "e1"),
        q(2, "a2", "the collective West will build up pressure", None, None),  # trimmed, no spk
        q(3, "a3", base, "Vladimir Putin", "e2"),  # another known speaker: never linked
        q(4, "a1", base, "Alexander Lukashenko", "e1"),  # the same article: not a version
        q(5, "a4", "serious", "Alexander Lukashenko", "e1"),  # too short to link
        q(6, "a5", "Pressure will not be tolerated by the West, he said", None, None),
    ])
    members = {s.id: [v.quote_id for v in s.versions] for s in sts}
    assert members[statement_id("q1")] == ["q1", "q2"]
    assert all(len(m) == 1 for sid, m in members.items() if sid != statement_id("q1"))
    assert len(sts) == 5


def test_order_of_arrival_does_not_matter_for_ids() -> None:
    quotes = [q(1, "a1", "We are preparing for new attempts by Russia to attack in Donbas."),
              q(2, "a2", "preparing for new attempts by Russia to attack")]
    one = group(quotes)
    assert [s.id for s in one] == [statement_id("q1")]
    assert one[0].reference == "q1" and one[0].versions[1].comparison.flags == [TRIMMED]


def _seed_statements(db: Path) -> list[dict]:
    out = db.parent / "exp_statements"
    api.export(db, out)
    return [json.loads(x) for x in (out / "statements.jsonl").read_text("utf-8").splitlines()]


def test_seed_statements_link_across_outlets(seed_store: Path) -> None:
    records = _seed_statements(seed_store)
    lines = (seed_store.parent / "exp_statements" / "quotes.jsonl").read_text("utf-8")
    quotes = {x["id"]: x for x in map(json.loads, lines.splitlines())}
    assert sum(len(r["quote_ids"]) for r in records) == len(quotes)  # every quote once
    art = {a: api.get_article(seed_store, a).source_path[-24:-21]  # type: ignore[union-attr]
           for a in {x["article_id"] for x in quotes.values()}}
    multi = [r for r in records if len(r["quote_ids"]) > 1]

    def find(words: str) -> dict:
        [hit] = [r for r in multi if any(words in quotes[i]["text"] for i in r["quote_ids"])]
        return hit

    luka = find("collective West will")
    assert len(luka["versions"]) == 2 and luka["speaker"] == "Alexander Lukashenko"
    assert sorted(art[a] for a in luka["article_ids"]) == ["000", "003"]
    flagged = [v for v in luka["versions"] if MISQUOTE in v["flags"]]
    assert flagged and {"build", "up"} <= set(flagged[0]["only_in_version"]) | set(
        flagged[0]["only_in_reference"])
    putin = find("has no problem")
    assert len(putin["versions"]) == 2 and putin["speaker"] == "Vladimir Putin"
    assert sorted(art[a] for a in putin["article_ids"]) == ["001", "003"]
    assert TRIMMED in [f for v in putin["versions"] for f in v["flags"]]
    for r in multi:  # never two different known speakers, never two versions of one article
        ents = {quotes[i]["speaker_entity_id"] for i in r["quote_ids"]} - {None}
        assert len(ents) <= 1, r
        assert len(r["article_ids"]) == len(r["quote_ids"]), r


def test_incremental_ingest_gives_the_same_statements(seeds_copy: Path, tmp_path: Path) -> None:
    whole = tmp_path / "whole.db"
    api.ingest([str(seeds_copy)], db=whole)
    split = tmp_path / "split.db"
    files = sorted(seeds_copy.iterdir())
    api.ingest([str(f) for f in files[:2]], db=split)
    api.ingest([str(seeds_copy)], db=split)
    assert _seed_statements(whole) == _seed_statements(split)


def test_cli_quote_and_statements(seed_store: Path) -> None:
    runner = CliRunner()
    hit = [x for x in api.quotes(seed_store, limit=10**6) if "collective West" in x.text][0]
    res = runner.invoke(app, ["quote", (hit.id or "")[:10], "--db", str(seed_store)])
    assert res.exit_code == 0, res.output
    assert "2 version(s)" in res.output and "build up" in res.output
    assert "possible misquote or different translation" in res.output
    res = runner.invoke(app, ["quote", "qnothing-like-this", "--db", str(seed_store)])
    assert res.exit_code == 1 and "no quote with id qnothing-like-this" in res.output
    res = runner.invoke(app, ["statements", "--db", str(seed_store), "--speaker", "Putin"])
    assert res.exit_code == 0 and "has no problem" in res.output
    assert "Lukashenko" not in res.output.split("statement")[1]
    res = runner.invoke(app, ["statements", "--db", str(seed_store), "--speaker", "Nobody"])
    assert res.exit_code == 0 and "no statements found" in res.output
