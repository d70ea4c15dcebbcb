"""Events: who did what to whom, as PLOVER categories (stages/events.py)."""

from __future__ import annotations

import pytest

from newsgraph.records import Event
from newsgraph.stages.events import extract_events, primary_event
from newsgraph.stages.nlp import load_nlp


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    return load_nlp()


def main(nlp, text: str, published: str | None = "2024-04-05") -> Event:  # type: ignore[no-untyped-def]
    ev = primary_event(extract_events(text, nlp=nlp, published=published, article_id="a1"))
    assert ev is not None, text
    return ev


@pytest.mark.parametrize(("text", "action", "actor", "target"), [
    ("The United States imposed sanctions on Iran.", "SANCTION", "The United States", "Iran"),
    ("Rebels attacked a convoy near the border.", "ASSAULT", "Rebels", "a convoy"),
    ("The minister accused Russia of violating the truce.", "ACCUSE", "The minister", "Russia"),
    ("The minister urged Israel to withdraw its troops.", "REQUEST", "The minister", "Israel"),
    ("Protesters rallied against the government.", "PROTEST", "Protesters", "the government"),
    ("Russia threatened to cut off gas supplies to Ukraine.", "THREATEN", "Russia", "Ukraine"),
    ("China will impose tariffs on Australian wine.", "THREATEN", "China", None),
])
def test_category_actor_target(nlp, text, action, actor, target) -> None:  # type: ignore[no-untyped-def]
    ev = main(nlp, text)
    assert ev.action == action
    assert ev.actor == actor
    if target is not None:
        assert ev.target == target


def test_passive_swaps_actor_and_target(nlp) -> None:  # type: ignore[no-untyped-def]
    ev = main(nlp, "The village was bombed by government forces.")
    assert (ev.action, ev.actor, ev.target) == ("ASSAULT", "government forces", "The village")
    assert ev.notes["passive"]


def test_negated_agreement_is_a_rejection(nlp) -> None:  # type: ignore[no-untyped-def]
    ev = main(nlp, "Iran did not agree to the proposal.")
    assert ev.action == "REJECT" and ev.notes["negated"] == "AGREE"
    # a negated attack is no event at all
    assert extract_events("The army did not attack the town.", nlp=nlp) == []


def test_reciprocal_pair(nlp) -> None:  # type: ignore[no-untyped-def]
    ev = main(nlp, "Germany and France agreed on a new budget.")
    assert ev.action == "AGREE"
    assert ev.actor == ev.target == "Germany and France" and ev.notes["reciprocal"]


def test_governing_act_absorbs_the_governed_one(nlp) -> None:  # type: ignore[no-untyped-def]
    evs = extract_events("Officials agreed to cooperate on border security.", nlp=nlp)
    assert [e.action for e in evs] == ["AGREE"]


def test_offsets_ids_and_dates(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "NATO met on Tuesday. Russia accused NATO of aggression on Thursday."
    evs = extract_events(text, nlp=nlp, published="2024-04-05", article_id="a1")
    ev = next(e for e in evs if e.action == "ACCUSE")
    assert text[ev.start:ev.end] == ev.sentence
    assert text[ev.trigger_start:ev.trigger_end] == ev.trigger == "accused"
    assert text[ev.actor_start:ev.actor_end] == "Russia"
    assert (ev.date, ev.date_precision) == ("2024-04-04", "day")
    assert ev.notes["time"]["anchor"] == "2024-04-05"
    assert ev.id and ev.id.startswith("e")
    again = extract_events(text, nlp=nlp, published="2024-04-05", article_id="a1")
    assert [e.id for e in again] == [e.id for e in evs]  # content hashes, stable
    assert list(ev.to_dict())[:10] == ["id", "article_id", "date", "date_precision", "actor",
                                       "action", "target", "sentence", "start", "end"]


def test_a_time_in_a_clause_of_its_own_does_not_date_the_main_verb(nlp) -> None:  # type: ignore[no-untyped-def]
    evs = extract_events("Grant, who met nurses in Oldtown last Friday, disagreed.", nlp=nlp,
                         published="2024-04-05")
    by_trigger = {e.trigger: e.date for e in evs}
    assert by_trigger["met"] == "2024-03-29"  # the meeting's own time
    assert by_trigger["disagreed"] is None  # the text never says when he disagreed
    same = extract_events("The army, which was founded in 1990, attacked the port on Monday.",
                          nlp=nlp, published="2024-04-05")
    assert [(e.trigger, e.date) for e in same if e.action == "ASSAULT"] == [
        ("attacked", "2024-04-01")]


def test_no_publication_date_no_event_date(nlp) -> None:  # type: ignore[no-untyped-def]
    ev = main(nlp, "Russia accused NATO of aggression on Thursday.", published=None)
    assert ev.date is None and ev.date_precision is None


def test_seed_without_date_gets_no_relative_dates(nlp, seeds_dir) -> None:  # type: ignore[no-untyped-def]
    text = (seeds_dir / "002_9fbdd8bab5d11303.txt").read_text(encoding="utf-8")
    evs = extract_events(text, nlp=nlp, published=None)
    assert evs
    for ev in evs:
        if ev.date is not None:  # only absolute expressions ("in 2019") date an undated text
            assert ev.notes["time"]["anchor"] is None
            assert ev.notes["time"]["how"].startswith(("full date", "ISO", "year", "month and"))
