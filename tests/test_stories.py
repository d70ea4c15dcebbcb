"""The story pass on small hand-made articles: same event together, other events apart, copies
with their originals, dates as a gate, ids that stay when a story grows, and determinism."""

from __future__ import annotations

from newsgraph.stages.stories import StoryDoc, StorySettings, cluster

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


def test_dates_far_apart_are_different_stories() -> None:
    docs = [StoryDoc("a", REHAB_A, published="2008-12-01"),
            StoryDoc("b", REHAB_B, published="2011-05-20")]
    labels = _labels(docs)
    assert labels["a"] != labels["b"]
    near = [StoryDoc("a", REHAB_A, published="2008-12-01"),
            StoryDoc("b", REHAB_B, published="2008-12-03")]
    labels = _labels(near)
    assert labels["a"] == labels["b"]


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
    labels = _labels(docs, StorySettings(threshold=0.16, entity_weight=0.5))
    assert labels["a"] != labels["l"]


def test_empty_input() -> None:
    assert cluster([]) == []
