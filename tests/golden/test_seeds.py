"""The first golden test: the five seed articles end to end — titles, exactly the boilerplate
lines gone (with their reasons), every other line kept, the one explicit date found and no
invented ones, offsets that lead back to the input, and exports that round-trip.

The expected drops in seeds_expected.json were written by reading the seeds by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsgraph import api
from newsgraph.stages.clean import split_lines
from newsgraph.store import Store
from tests.conftest import read_jsonl

EXPECTED = json.loads((Path(__file__).parent / "seeds_expected.json").read_text("utf-8"))


def _articles(db: Path) -> dict[str, object]:
    with Store(db, readonly=True) as store:
        return {Path(a.source_path).name: a for a in store.iter_articles()}


def test_every_seed_is_one_article(seed_store: Path) -> None:
    assert sorted(_articles(seed_store)) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_title_date_and_drops(seed_store: Path, name: str) -> None:
    art = _articles(seed_store)[name]
    want = EXPECTED[name]
    assert art.title == want["title"]
    assert art.published == want["published"]
    assert art.published_source == want["published_source"]
    got = [[art.raw_text[d.start:d.end], d.reason] for d in art.removed]
    assert got == want["dropped"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_other_line_is_kept_verbatim(seed_store: Path, name: str) -> None:
    art = _articles(seed_store)[name]
    dropped = {(d.start, d.end) for d in art.removed}
    kept = [ln for ln in split_lines(art.raw_text) if (ln.start, ln.end) not in dropped]
    assert kept, "an article with no text left"
    for ln in kept:
        assert ln.text in art.text
    # and nothing else: the text is exactly the kept lines and separators
    assert sum(len(ln.text) for ln in kept) == sum(len(p) for p in art.text.split("\n") if p)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_segments_map_text_back_to_raw(seed_store: Path, name: str) -> None:
    art = _articles(seed_store)[name]
    for seg in art.segments:
        clean = art.text[seg.clean:seg.clean + seg.length]
        assert clean == art.raw_text[seg.raw:seg.raw + seg.length]
    # an offset inside a kept word maps to the same word in the raw text
    word = "NATO" if "NATO" in art.text else "Nato"
    at = art.text.index(word)
    raw_at = art.clean_to_raw(at)
    assert art.raw_text[raw_at:raw_at + len(word)] == word


def test_story_sentences_and_boilerplate(seed_store: Path) -> None:
    arts = _articles(seed_store)
    text = {name: a.text for name, a in arts.items()}
    # boilerplate gone
    for junk in ("Advertisement", "Comments are closed", "Back to top button", "Adblock Detected",
                 "Read also:", "Photo: AP", "Helen Hernandez", "We use your sign-up",
                 "Read Full Article", "Copyright ©", "programmatic technology"):
        assert all(junk not in t for t in text.values()), junk
    # story sentences kept, including ones that look odd (translation slips, cut quotes)
    assert "Newsweek contacted NATO for comments." in text["000_c7c6cf3cbc262cd3.txt"]
    assert "the statement said. said." in text["001_a4d76ca98f8e33ba.txt"]
    assert "he said on Thursday" in text["002_9fbdd8bab5d11303.txt"]
    assert "Ukrainian president Volodymyr Zelensky warned" in text["003_e536a4f5badfe7a6.txt"]
    # a subheading printed twice is kept once
    assert text["004_7b6161753b6b5ab2.txt"].count("A new warning from Vladimir Putin to NATO") == 1


def test_no_invented_metadata(seed_store: Path) -> None:
    arts = _articles(seed_store)
    dated = {n for n, a in arts.items() if a.published}
    assert dated == {"002_9fbdd8bab5d11303.txt"}
    for art in arts.values():
        assert art.outlet is None  # no URL, no metadata, no outlet sub-folder: unknown
        assert art.language == "en"
        assert art.duplicate_of is None  # three outlets on one summit are not duplicates


def test_export_round_trip(seed_store: Path, tmp_path: Path) -> None:
    counts = api.export(seed_store, tmp_path / "out")
    assert counts["articles"] == 5
    rows = read_jsonl(tmp_path / "out" / "articles.jsonl")
    contract = ["id", "source_path", "url", "outlet", "title", "text", "published",
                "published_source", "language", "story_id", "duplicate_of", "removed"]
    arts = _articles(seed_store)
    for row in rows:
        assert list(row)[:len(contract)] == contract
        art = arts[Path(row["source_path"]).name]
        assert row["text"] == art.text and row["id"] == art.id
        source = Path(row["source_path"]).read_text(encoding="utf-8")
        for drop in row["removed"]:  # offsets into the decoded input text
            assert source[drop["start"]:drop["end"]].strip() != ""
            assert source[drop["start"]:drop["end"]] == art.raw_text[drop["start"]:drop["end"]]
    for name in ("quotes", "entities", "stories", "events"):
        assert (tmp_path / "out" / f"{name}.jsonl").exists()
