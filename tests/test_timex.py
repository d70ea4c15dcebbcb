"""Time expressions resolved against the publication date (stages/timex.py)."""

from __future__ import annotations

import pytest

from newsgraph.stages.timex import find_times, sentence_tense


def one(text: str, anchor: str | None) -> tuple[str | None, str | None]:
    found = find_times(text, anchor)
    assert len(found) == 1, found
    return found[0].date, found[0].precision


@pytest.mark.parametrize(("text", "anchor", "expected"), [
    # seed 002 is dated Friday 2024-04-05 and says "on Thursday"
    ("he said on Thursday.", "2024-04-05", ("2024-04-04", "day")),
    ("Ministers will meet on Thursday.", "2024-04-05", ("2024-04-11", "day")),
    ("The minister resigned on Friday.", "2024-04-05", ("2024-04-05", "day")),
    ("The rebels attacked last Friday.", "2024-04-05", ("2024-03-29", "day")),
    ("Officials said Monday night that talks stalled.", "2024-04-05", ("2024-04-01", "day")),
    ("The summit will take place on April 14.", "2024-04-05", ("2024-04-14", "day")),
    ("The army will hold drills on 14 April.", "2024-04-05", ("2024-04-14", "day")),
    ("The talks ended on December 30.", "2024-01-02", ("2023-12-30", "day")),
    ("The parliament will vote on December 30.", "2024-01-02", ("2024-12-30", "day")),
    ("The government said yesterday it would act.", "2024-04-05", ("2024-04-04", "day")),
    ("Finland confirmed last week it would apply.", "2024-04-05", ("2024-03", "month")),
    ("Prices rose last month.", "2024-01-02", ("2023-12", "month")),
    ("Putin went to war two years ago.", "2024-04-05", ("2022", "year")),
    ("The treaty was signed in 2019.", "2024-04-05", ("2019", "year")),
    ("Elections are due next year.", "2024-04-05", ("2025", "year")),
    ("The offensive began in March 2022.", "2024-04-05", ("2022-03", "month")),
    ("The report was published on 2024-03-18.", None, ("2024-03-18", "day")),
    ("Protesters gathered earlier this month.", "2024-04-05", ("2024-04", "month")),
    ("Inflation hit a peak in October.", "2024-04-05", ("2023-10", "month")),
    ("The accord was signed on 14 April 2023.", None, ("2023-04-14", "day")),
])
def test_resolves(text: str, anchor: str | None, expected: tuple[str, str]) -> None:
    assert one(text, anchor) == expected


@pytest.mark.parametrize(("text", "anchor"), [
    ("The minister said on Thursday that talks would go on.", None),  # no anchor
    ("Troops withdrew last week.", None),
    ("The agreement expires on March 31.", None),  # no year and no anchor
    ("Aid arrived a few days ago.", "2024-04-05"),  # vague
    ("The fighting resumed the next day.", "2024-04-05"),  # relative to another event
    ("The policy dates back to the 1990s.", "2024-04-05"),
])
def test_stays_null(text: str, anchor: str | None) -> None:
    found = find_times(text, anchor)
    assert found and all(t.date is None and t.precision is None for t in found)
    assert all(t.how for t in found)


def test_record_keeps_expression_offsets_anchor_and_reason() -> None:
    text = "NATO was involved in the conflict, he said on Thursday."
    (t,) = find_times(text, "2024-04-05T09:30:00+10:00")
    assert text[t.start:t.end] == t.text == "Thursday"
    assert t.anchor == "2024-04-05"
    assert "Thursday" in t.how


def test_never_the_clock_and_no_false_friends() -> None:
    assert find_times("Protesters may march on parliament.", "2024-04-05") == []
    assert find_times("The Sunday Times reported it.", "2024-04-05") == []
    assert find_times("Some 2,019 people and the 2020 election.", "2024-04-05") == []


def test_tense_of_the_clause_around_the_expression() -> None:
    text = "Officials said on Monday that Russia will respond."
    s = text.index("Monday")
    assert sentence_tense(text, s, s + 6) == "past"
    assert find_times(text, "2024-04-05")[0].date == "2024-04-01"
    # the caller's tense (from a parse) overrides the cue words
    assert find_times("They meet on Monday.", "2024-04-05", tense="future")[0].date == "2024-04-08"


def test_gold_file_accuracy_floor() -> None:
    from eval.timex import evaluate, load_gold

    gold = load_gold()
    assert len(gold) >= 60
    assert evaluate(gold)["accuracy"] >= 0.95


def test_seed_002_on_thursday(seeds_dir) -> None:  # type: ignore[no-untyped-def]
    text = (seeds_dir / "002_9fbdd8bab5d11303.txt").read_text(encoding="utf-8")
    thursdays = [t for t in find_times(text, "2024-04-05") if t.text == "Thursday"]
    assert thursdays and all(t.date == "2024-04-04" for t in thursdays)
