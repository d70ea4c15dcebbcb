"""The story pass on small hand-made articles: same event together, other events apart, copies
with their originals, dates as a gate, ids that stay when a story grows, and determinism."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path

import pytest

from newsgraph.stages.stories import (
    Story,
    StoryDoc,
    StoryPass,
    StorySettings,
    _date_evidence,
    _margin,
    _weekday_evidence,
    _year_evidence,
    cluster,
    lead_weekday,
    lead_years,
    quote_keys,
)

EVAL = Path(os.environ.get("NEWSGRAPH_EVAL_DATA",
                           Path(__file__).resolve().parents[2] / "shared" / "eval"))

REHAB_A = "Actress Tara Reid checked into the Promises rehab centre in Malibu, her publicist said."
REHAB_B = "Tara Reid has entered Promises Treatment Center in Malibu for rehab, People reported."
QUAKE = "A magnitude 6.1 earthquake struck Qeshm Island in Iran, toppling buildings in villages."
QUAKE_B = "The Qeshm Island earthquake in Iran toppled buildings; villages reported injured."


def _labels(docs: list[StoryDoc], settings: StorySettings | None = None) -> dict[str, str]:
    return {a: s.id for s in cluster(docs, settings) for a in s.article_ids}


def test_same_event_together_other_event_apart() -> None:
    docs = [StoryDoc("a", REHAB_A), StoryDoc("q", QUAKE), StoryDoc("b", REHAB_B),
            StoryDoc("r", QUAKE_B)]
    labels = _labels(docs)
    assert labels["a"] == labels["b"]
    assert labels["q"] == labels["r"]
    assert labels["a"] != labels["q"]


def test_copy_joins_its_original_even_when_words_differ() -> None:
    docs = [StoryDoc("a", REHAB_A), StoryDoc("q", QUAKE),
            StoryDoc("c", "entirely different words here", duplicate_of="a")]
    labels = _labels(docs)
    assert labels["c"] == labels["a"]


def test_dates_far_apart_ask_for_more_agreement() -> None:
    far = [StoryDoc("a", REHAB_A, published="2008-12-01"),
           StoryDoc("b", REHAB_B, published="2011-05-20")]
    near = [StoryDoc("a", REHAB_A, published="2008-12-01"),
            StoryDoc("b", REHAB_B, published="2008-12-03")]
    strict = StorySettings(date_penalty=0.1)
    labels = _labels(far, strict)
    assert labels["a"] != labels["b"]
    labels = _labels(near, strict)
    assert labels["a"] == labels["b"]
    # by default, words this close (cosine 0.69) join across years: a trial, an anniversary
    labels = _labels(far)
    assert labels["a"] == labels["b"]


def test_date_evidence_is_neutral_when_near_and_grows_with_the_gap() -> None:
    story = Story("s", start="2008-12-01", end="2008-12-05", size=1)
    settings = StorySettings()

    def evidence(day: str | None) -> float:
        return _date_evidence(StoryDoc("d", "", published=day), story, settings)

    assert evidence(None) == evidence("2008-12-03") == evidence("2008-12-12") == 0.0
    gaps = [evidence(d) for d in ("2008-12-20", "2009-02-01", "2010-12-01", "2018-12-01")]
    assert all(a > b for a, b in zip(gaps, gaps[1:], strict=False))
    assert evidence("2008-10-01") < 0  # before the story too


def test_story_id_stays_when_the_story_grows_and_runs_repeat() -> None:
    first = cluster([StoryDoc("a", REHAB_A), StoryDoc("q", QUAKE)])
    grown = cluster([StoryDoc("a", REHAB_A), StoryDoc("q", QUAKE), StoryDoc("b", REHAB_B)])
    assert {s.id for s in first} == {s.id for s in grown}
    again = cluster([StoryDoc("a", REHAB_A), StoryDoc("q", QUAKE), StoryDoc("b", REHAB_B)])
    assert [(s.id, s.article_ids) for s in grown] == [(s.id, s.article_ids) for s in again]


def test_names_decide_between_two_events_of_one_kind() -> None:
    lohan = "Actress Lindsay Lohan checked into the Betty Ford rehab centre, her lawyer said."
    docs = [StoryDoc("a", REHAB_A, entities=frozenset({"e_reid", "e_promises"})),
            StoryDoc("l", lohan, entities=frozenset({"e_lohan", "e_betty_ford"}))]
    # the words alone put them together (cosine ~0.39); no shared name halves that
    assert len(set(_labels(docs, StorySettings(threshold=0.3, entity_weight=0.0)).values())) == 1
    labels = _labels(docs, StorySettings(threshold=0.3, entity_weight=0.5))
    assert labels["a"] != labels["l"]


def test_quote_keys_are_pairs_of_quoted_content_words_not_reported_speech() -> None:
    keys = quote_keys([("direct", "We will decide based on the threats created against us."),
                       ("indirect", "the alliance was moving towards Russian borders")])
    assert keys == {"decide based", "based threats", "threats created"}


def test_the_same_words_quoted_are_evidence_for_one_story() -> None:
    said = quote_keys([("direct", "without a united front, the collective West will increase "
                                  "the pressure on the post-Soviet space")])
    a = StoryDoc("a", "Lukashenko urged allies at the summit in Moscow to stay united.",
                 quotes=said)
    b = StoryDoc("b", "Belarus leader spoke at the Moscow meeting of former Soviet states.",
                 quotes=said)
    assert len(set(_labels([a, b], StorySettings(quote_weight=0.0)).values())) == 2
    labels = _labels([a, b], StorySettings(quote_weight=1.0))
    assert labels["a"] == labels["b"]


def test_lead_weekday_is_the_first_day_named_in_the_lead() -> None:
    assert lead_weekday("Putin warned on Tuesday that talks on Friday would fail.") == 1
    assert lead_weekday("SUNDAY, 28 November 2005. Voters went to the polls.") == 6
    assert lead_weekday("No day here; Mondays and Fridays do not count as a day.") is None
    assert lead_weekday("") is None
    late = "x" * 600 + " on Thursday"
    assert lead_weekday(late) is None  # beyond the lead
    assert lead_weekday(late, limit=700) == 3


def test_weekday_evidence_is_the_share_naming_the_same_day_and_never_negative() -> None:
    settings = StorySettings(weekday_bonus=0.05)
    story = Story("s", size=5, weekdays={"1": 3, "4": 1})  # one article names no day
    assert _weekday_evidence(1, story, settings) == pytest.approx(0.05 * 3 / 4)
    assert _weekday_evidence(4, story, settings) == pytest.approx(0.05 / 4)
    assert _weekday_evidence(0, story, settings) == 0.0  # another day: no evidence against
    assert _weekday_evidence(None, story, settings) == 0.0
    assert _weekday_evidence(1, Story("t", size=2), settings) == 0.0
    assert _weekday_evidence(1, story, StorySettings(weekday_bonus=0.0)) == 0.0


def test_the_same_weekday_in_the_lead_tips_a_close_call() -> None:
    a = StoryDoc("a", "On Tuesday " + REHAB_A)
    same, other = StoryDoc("b", "On Tuesday " + REHAB_B), StoryDoc("b", "On Friday " + REHAB_B)

    def words(doc: StoryDoc) -> float:  # the similarity to a's story, weekday aside
        run = StoryPass(StorySettings(weekday_bonus=0.0))
        story = run.add(a, 0)
        vec, ents, quotes = run.vectors(doc)
        return _margin(vec, ents, quotes, doc, story, run.settings) + run.settings.text_threshold

    # a threshold just above both similarities, below the same day's plus the bonus
    high = max(words(same), words(other)) + 0.01
    assert words(same) + 0.05 > high
    settings = StorySettings(text_threshold=high, weekday_bonus=0.05)
    assert len(set(_labels([a, other], settings).values())) == 2
    assert len(set(_labels([a, same], settings).values())) == 1
    stories = cluster([a, same], settings)
    assert stories[0].weekdays == {"1": 2}


def test_lead_years_are_the_years_the_lead_names_and_the_publication_year() -> None:
    assert lead_years("The 2008 election, like 1996's, was close.") == ["1996", "2008"]
    assert lead_years("Voters went to the polls.", "2012-11-06") == ["2012"]
    assert lead_years("In 2012 voters went to the polls.", "2012-11-06") == ["2012"]
    # amounts, decimals, percentages and other numbers are not years
    assert lead_years("It cost $2000, or 2,000 euros: 2000% more, 2019.5 on the index, "
                      "2050 per cent, room 12000, and 1850 troops.") == []
    assert lead_years("") == []
    late = "x" * 600 + " in 2004"
    assert lead_years(late) == []  # beyond the lead
    assert lead_years(late, limit=700) == ["2004"]
    assert lead_years("No year.", "not a date") == []


def test_year_evidence_rewards_shared_years_and_costs_other_years() -> None:
    settings = StorySettings(year_bonus=0.05, year_penalty=0.08)
    # four articles name a year (three 2008, one 2008 and 2009); one names none
    story = Story("s", size=5, years={"*": 4, "2008": 4, "2009": 1})
    assert _year_evidence(["2008"], story, settings) == pytest.approx(0.05)
    assert _year_evidence(["2009"], story, settings) == pytest.approx(0.05 / 4 - 0.08 * 3 / 4)
    assert _year_evidence(["2012"], story, settings) == pytest.approx(-0.08)
    assert _year_evidence(["2008", "2009"], story, settings) == pytest.approx(0.05)  # capped
    assert _year_evidence([], story, settings) == 0.0  # the article names none
    assert _year_evidence(["2008"], Story("t", size=2), settings) == 0.0  # the story none
    assert _year_evidence(["2012"], story, StorySettings(year_bonus=0, year_penalty=0)) == 0.0


def test_the_years_in_the_lead_tell_two_events_of_the_same_kind_apart() -> None:
    a = StoryDoc("a", "In March 2008 " + REHAB_A)
    same = StoryDoc("b", "In March 2008 " + REHAB_B)
    other = StoryDoc("b", "In March 2011 " + REHAB_B)
    dated = StoryDoc("b", "In March " + REHAB_B, published="2011-03-04")

    def words(doc: StoryDoc) -> float:  # the similarity to a's story, years aside
        run = StoryPass(StorySettings(year_bonus=0.0, year_penalty=0.0))
        story = run.add(a, 0)
        vec, ents, quotes = run.vectors(doc)
        return _margin(vec, ents, quotes, doc, story, run.settings) + run.settings.text_threshold

    # a close call: 0.04 above the threshold on the words, below it after the penalty (0.08)
    low = min(words(same), words(other), words(dated)) - 0.04
    plain = StorySettings(text_threshold=low, year_bonus=0.0, year_penalty=0.0)
    with_years = StorySettings(text_threshold=low, year_bonus=0.05, year_penalty=0.08)
    for doc in (other, dated):  # the publication year counts as a year the article names
        assert len(set(_labels([a, doc], plain).values())) == 1
        assert len(set(_labels([a, doc], with_years).values())) == 2
    assert len(set(_labels([a, same], with_years).values())) == 1
    assert cluster([a, same], with_years)[0].years == {"*": 2, "2008": 2}


def test_empty_input() -> None:
    assert cluster([]) == []


def _ecb_docs(limit: int) -> list[StoryDoc]:
    path = EVAL / "stories" / "ecbplus.jsonl"
    if not path.exists():
        pytest.skip("no ECB+ data")
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines()[:limit]]
    return [StoryDoc(r["doc_id"], r["text"]) for r in rows]


def test_candidate_index_gives_the_exhaustive_clusters() -> None:
    docs = _ecb_docs(400)
    indexed = [(s.id, s.article_ids) for s in cluster(docs)]
    exhaustive = [(s.id, s.article_ids) for s in cluster(docs, exhaustive=True)]
    assert indexed == exhaustive


def test_candidates_per_article_do_not_grow_with_the_stories() -> None:
    docs = _ecb_docs(1000)
    run = StoryPass(StorySettings(max_candidates=8))
    for seq, doc in enumerate(docs):
        before = run.candidates_scored
        run.add(doc, seq)
        assert run.candidates_scored - before <= 8
    assert len(run.created) > 8


def test_two_passes_over_a_split_corpus_give_one_pass_result() -> None:
    """What ingest does over two runs: the second pass starts from what the first wrote."""
    docs = _ecb_docs(120)
    whole = {a: s.id for s in cluster(docs) for a in s.article_ids}
    first = StoryPass()
    for seq, doc in enumerate(docs[:50]):
        first.add(doc, seq)
    stored = {s.id: copy.deepcopy(s) for s in first.dirty.values()}
    postings: dict[str, list[tuple[int, str]]] = {}
    for key, seq, sid in first.new_keys:
        postings.setdefault(key, []).append((seq, sid))
    second = StoryPass(
        n_docs=50, lookup_df=lambda keys: {k: first.df[k] for k in keys if k in first.df},
        lookup_postings=lambda keys, n: {k: sorted(postings[k], reverse=True)[:n]
                                         for k in keys if k in postings},
        lookup_stories=lambda ids: {i: copy.deepcopy(stored[i]) for i in ids},
        lookup_story_of=lambda ids: {})
    for seq, doc in enumerate(docs[50:], start=50):
        second.add(doc, seq)
    split = dict(first.assigned) | dict(second.assigned)
    assert split == whole


def test_story_pass_in_a_child_gives_what_the_driver_would(seeds_dir: Path,
                                                           tmp_path: Path) -> None:
    """With several jobs the story pass runs in a forked child beside the entity pass: the
    same result as in-process, and a failure in the child is raised in the parent."""
    import shutil
    import sqlite3

    from newsgraph import api
    from newsgraph.config import Settings
    from newsgraph.store import Store
    from newsgraph.story_pass import StoriesInChild, _result, compute_stories

    if not StoriesInChild.available():
        pytest.skip("no fork on this platform: the pass runs in-process")
    db = tmp_path / "s.db"
    shutil.copytree(seeds_dir, tmp_path / "in")
    api.ingest([str(tmp_path / "in")], db=db, settings=Settings(nlp=False, stories=False))
    with Store(db) as store:
        in_child = StoriesInChild(db).result()
        assert in_child == _result(compute_stories(store))
        assert len(in_child[1]) == 5  # every seed assigned
    (tmp_path / "broken.db").write_bytes(b"not a database at all" * 100)
    with pytest.raises(RuntimeError, match="story pass failed"):
        StoriesInChild(tmp_path / "broken.db").result()
    assert sqlite3.connect(db).execute("SELECT count(*) FROM articles").fetchone() == (5,)


def _topic(topic: int) -> list[tuple[str, StoryDoc]]:
    path = EVAL / "stories" / "ecbplus.jsonl"
    if not path.exists():
        pytest.skip("no ECB+ data")
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    return [(r["subtopic"], StoryDoc(r["doc_id"], r["text"])) for r in rows if r["topic"] == topic]


def test_a_second_event_of_the_same_kind_splits_off_and_the_first_keeps_its_id() -> None:
    """ECB+ topic 7: ten articles on Klitschko beating Rahman (2008), then eleven on Klitschko
    beating Thompson (2012). Without the split the second fight joins the first's story; with
    it, the second fight becomes a story of its own once it has enough articles, and the first
    story keeps its id and its articles."""
    docs = _topic(7)
    gold = {d.id: sub for sub, d in docs}
    merged = _labels([d for _, d in docs], StorySettings(split_ratio=0.0))
    assert len(set(merged.values())) == 1
    run = StoryPass()
    for seq, (_, doc) in enumerate(docs):
        run.add(doc, seq)
    labels = {a: s.id for s in run.created for a in s.article_ids}
    assert run.splits == 1
    first, second = docs[0][1], next(d for sub, d in docs if sub == "7_ecbplus")
    assert labels[first.id] == merged[first.id]  # the id of the story of the first fight
    assert labels[second.id] != labels[first.id]
    assert {gold[a] for a, s in labels.items() if s == labels[first.id]} == {"7_ecb"}
    assert {gold[a] for a, s in labels.items() if s == labels[second.id]} == {"7_ecbplus"}
    assert dict(run.assigned) == labels  # each moved article's last assignment is its story
    # the split-off story is a story as any other: sized, dated, titled from its own articles
    story = run.stories[labels[second.id]]
    assert story.size == len(story.article_ids) == 11
    assert sum(s.size for s in run.created) == len(docs)
    # each story counts the lead weekdays of its own articles, also after the split
    for s in run.created:
        days = [lead_weekday(d.text) for _, d in docs if labels[d.id] == s.id]
        counts: dict[str, int] = {}
        for day in days:
            if day is not None:
                counts[str(day)] = counts.get(str(day), 0) + 1
        assert s.weekdays == counts


def _two_passes(docs: list[StoryDoc], cut: int) -> tuple[StoryPass, StoryPass]:
    """The first `cut` articles in one pass, the rest in a second that reads what the first
    wrote (a story's detail read back only for a story an article joins)."""
    first = StoryPass()
    for seq, doc in enumerate(docs[:cut]):
        first.add(doc, seq)
    stored = {s.id: copy.deepcopy(s) for s in first.dirty.values()}
    for story in stored.values():
        story.detail = None
    details = {s.id: copy.deepcopy(s.detail) for s in first.dirty.values()}
    postings: dict[str, list[tuple[int, str]]] = {}
    for key, seq, sid in first.new_keys:
        postings.setdefault(key, []).append((seq, sid))
    second = StoryPass(
        n_docs=cut, lookup_df=lambda keys: {k: first.df[k] for k in keys if k in first.df},
        lookup_postings=lambda keys, n: {k: sorted(postings[k], reverse=True)[:n]
                                         for k in keys if k in postings},
        lookup_stories=lambda ids: {i: copy.deepcopy(stored[i]) for i in ids},
        lookup_story_of=lambda ids: {},
        lookup_detail=lambda ids: {i: copy.deepcopy(details[i]) for i in ids})
    for seq, doc in enumerate(docs[cut:], start=cut):
        second.add(doc, seq)
    return first, second


def test_a_split_gives_the_same_stories_in_one_pass_as_in_two() -> None:
    docs = [d for t in (7, 12) for _, d in _topic(t)]
    whole = _labels(docs)
    # inside topic 7's second event (two of its articles stored when the third and fourth
    # split them off; topic 12 splits in the second pass too), and inside topic 12's first
    for cut in (12, 25):
        first, second = _two_passes(docs, cut)
        assert dict(first.assigned) | dict(second.assigned) == whole
        if cut == 12:
            moved = {a for a, _ in second.assigned} & {a for a, _ in first.assigned}
            assert len(moved) == 2 and second.splits == 2  # topic 7 and topic 12
