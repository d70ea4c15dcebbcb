"""Cleaning: each boilerplate rule, the context rules (title, footer, repeats, date line), and
that story sentences survive — checked on every body line of the public ECB+ corpus."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsgraph.ids import article_id
from newsgraph.records import Article
from newsgraph.stages.boilerplate import rule_reason
from newsgraph.stages.clean import clean_article, drop_lines

ECB = Path(os.environ.get("NEWSGRAPH_EVAL_DATA", Path(__file__).resolve().parents[2]
                          / "shared" / "eval")) / "stories" / "ecbplus.jsonl"


def clean(raw: str, kind: str = "text", title: str | None = None) -> Article:
    art = Article(id=article_id(raw, None), source_path="t.txt", raw_text=raw, title=title)
    return clean_article(art, kind)


@pytest.mark.parametrize(("line", "reason"), [
    ("Advertisement", "advertisement"),
    ("ADVERTISEMENT", "advertisement"),
    ("Back to top button", "navigation"),
    ("Comments are closed.", "comments"),
    ("Leave a Reply", "comments"),
    ("Your email address will not be published. Required fields are marked *", "comments"),
    ("Share on Facebook", "share buttons"),
    ("Read also: The Kremlin takes control of the Internet", "related-article teaser"),
    ("Related Articles", "related-article teaser"),
    ("Source: Read Full Article", "source link"),
    ("Source link", "source link"),
    ("Topics: NATO, russia", "tags"),
    ("Copyright © 2024 InDaily.", "copyright"),
    ("All rights reserved.", "copyright"),
    ("Adblock Detected", "ad-blocker notice"),
    ("Please consider supporting us by disabling your ad blocker", "ad-blocker notice"),
    ("We use your sign-up to provide content in ways you’ve consented to. More info",
     "subscription notice"),
    ("Sign up for our daily newsletter to get the news first", "subscription notice"),
    ("Helen Hernandez is our best writer. Helen writes about social news. Email: Phone : +1",
     "author bio"),
    ("Photo: AP", "photo credit"),
    ("Putin at a summit in Moscow. (Photo: AP / Mikhail Metzel, File).", "image caption"),
    ("Leaders meet in Brussels on Thursday. Photo: Reuters", "image caption"),
    ("– AAP", "wire credit"),
    ("By John Smith and Jane Doe", "byline"),
    ("Not all news on the site expresses the point of view of the site", "disclaimer"),
])
def test_rules(line: str, reason: str) -> None:
    assert rule_reason(line) == reason


@pytest.mark.parametrize("line", [
    "Putin said the enlargement of NATO would be a threat.",
    "By “instrumentalised,” he was referring to the alleged steering of migrants.",
    "By Monday, Putin said, the troops would withdraw.",
    "Share prices fell sharply on Monday after the announcement.",
    "The photo shows the two leaders shaking hands in Moscow.",
    "Subscribers to the service complained about the price increase.",
    "Newsweek contacted NATO for comments.",
    "Source: the ministry said 120 people were arrested in the raids across the region on Friday",
])
def test_story_sentences_are_not_boilerplate(line: str) -> None:
    assert rule_reason(line) is None


@pytest.mark.skipif(not ECB.exists(), reason="public eval data not present")
def test_rules_never_fire_on_ecb_story_lines() -> None:
    """14,830 body lines of 982 real news articles: no rule may call one boilerplate."""
    fired = []
    for line in ECB.read_text(encoding="utf-8").splitlines():
        for sentence in json.loads(line)["text"].split("\n")[1:]:
            reason = rule_reason(sentence)
            if reason and reason != "punctuation only":
                fired.append((reason, sentence))
    assert fired == []


def test_title_found_below_boilerplate() -> None:
    art = clean("Advertisement\n\nRussia in ‘direct confrontation’ with NATO\n\n"
                "The Kremlin says NATO is moving towards Russian borders.\n")
    assert art.title == "Russia in ‘direct confrontation’ with NATO"
    assert art.text == "The Kremlin says NATO is moving towards Russian borders."
    assert [d.reason for d in art.removed] == ["advertisement", "title"]


def test_a_lone_line_is_body_not_title() -> None:
    art = clean("Putin spoke in Moscow on Monday about the alliance")
    assert art.title is None and art.text.startswith("Putin spoke")


def test_long_first_line_is_not_a_title() -> None:
    lede = " ".join(["word"] * 45) + "."
    art = clean(f"{lede}\n\nSecond paragraph of the story is here.")
    assert art.title is None and art.text.startswith("word word")


@pytest.mark.parametrize("stamp", [
    "Last Updated: Monday, 28 November 2005, 02:24 GMT",  # ECB+ 20_1ecbplus
    "updated 8:41 p.m. EST, Tue March 3, 2009",
    "APR 28",
    "8:24am:",
])
def test_a_time_stamp_above_the_headline_is_not_the_title(stamp: str) -> None:
    body = ("A powerful earthquake has hit southern Iran, killing at least 10 people, "
            "officials say.")
    art = clean(f"{stamp}\nTen dead in southern Iran quake\n{body}\nMore lines follow here.")
    assert art.title == "Ten dead in southern Iran quake"
    assert art.notes["title_source"] == "line under a time stamp"
    assert [(art.raw_text[d.start:d.end], d.reason) for d in art.removed][0] == (
        stamp, "date line")
    assert art.text.startswith(body)


def test_a_lead_sentence_under_a_time_stamp_stays_in_the_body() -> None:
    lead = ("An earthquake with a magnitude of at least 5.9 hit southern Iran on Sunday, "
            "killing at least 10 people.")
    art = clean(f"Posted: Nov 27, 2005 8:20 AM ET\n{lead}\nThe quake was centred near Qeshm.")
    assert art.title is None
    assert art.text.startswith(lead)
    short = clean("9/10/2010 @ 1:19PM\nPalin appointee under federal indictment.\nA body line.")
    assert short.title == "Palin appointee under federal indictment."


def test_a_headline_with_a_number_is_not_a_time_stamp() -> None:
    art = clean("Top 10\nThe ten best things this week, ranked by our readers today.\nMore.")
    assert art.title == "Top 10"


def test_given_title_repeated_in_body_is_dropped() -> None:
    art = clean("Big News Today\n\nThe body sentence is here.", kind="html", title="Big news today")
    assert art.text == "The body sentence is here."
    assert art.removed[0].reason == "title"


def test_caption_printed_twice_goes_and_repeated_subheading_is_kept_once() -> None:
    raw = ("Headline here\n\nStory sentence one is long enough to count.\n"
           "Leaders speak in Brussels on Thursday, seen here at the summit. Photo: AP\n\n"
           "Leaders speak in Brussels on Thursday, seen here at the summit. Photo: AP\n\n"
           "A new warning from Putin to NATO\nA new warning from Putin to NATO\n\n"
           "Final story sentence of the article.")
    art = clean(raw)
    assert "Photo: AP" not in art.text
    assert art.text.count("A new warning from Putin to NATO") == 1
    reasons = [d.reason for d in art.removed]
    assert reasons.count("image caption") == 2 and "repeated line" in reasons


def test_footer_labels_after_the_story_go_but_short_sentences_stay() -> None:
    raw = ("Title line here\n\nThe story says something important about the summit.\n\n"
           "Rest in peace.\n\nRussia news\n\nLocal News Matters")
    art = clean(raw)
    assert "Rest in peace." in art.text
    assert "Russia news" not in art.text and "Local News Matters" not in art.text
    assert [d.reason for d in art.removed] == ["title", "footer", "footer"]


def test_date_only_line_is_removed_and_remembered() -> None:
    art = clean("A headline\n\nApr 05, 2024, updated Apr 05, 2024\nThe story starts here today.")
    assert art.notes["text_date"]["value"] == "2024-04-05"
    assert "Apr 05" not in art.text
    assert "date line" in [d.reason for d in art.removed]


def test_a_date_line_that_cannot_be_read_is_kept_and_says_why() -> None:
    from newsgraph.config import Settings
    from newsgraph.stages.meta import annotate

    art = clean("Rail fares to rise\n\nPublished: 03/04/2024\n\nRail fares will rise in March.")
    assert "text_date" not in art.notes and "ambiguous" in art.notes["text_date_refused"]
    assert "03/04/2024" in art.text  # nothing guessed, nothing dropped
    annotate(art, None, Settings())
    assert art.published is None and "ambiguous day/month" in art.notes["published_refused"]


def test_removed_offsets_point_into_raw_text() -> None:
    raw = "  Advertisement  \r\nTitle of it\n\n\tBody sentence that is kept here.\t\n"
    art = clean(raw)
    for d in art.removed:
        assert raw[d.start:d.end] == raw[d.start:d.end].strip()
    assert raw[art.removed[0].start:art.removed[0].end] == "Advertisement"


def test_drop_lines_keeps_the_map_consistent() -> None:
    art = clean("Head line\n\nOne sentence here.\n\nTwo sentence here.\n\nThree sentence here.")
    drop_lines(art, {1: "repeated across outlet"})
    assert art.text == "One sentence here.\n\nThree sentence here."
    for seg in art.segments:
        assert art.text[seg.clean:seg.clean + seg.length] == \
            art.raw_text[seg.raw:seg.raw + seg.length]
    assert [d.reason for d in art.removed] == ["title", "repeated across outlet"]


_line = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=0, max_size=80)


@settings(max_examples=150, deadline=None)
@given(st.lists(_line, min_size=1, max_size=12))
def test_cleaning_accounts_for_every_line(lines: list[str]) -> None:
    """Whatever the input: every non-blank line is either in the text verbatim or removed
    with a reason, and removed spans are exact slices of the raw text."""
    raw = "\n".join(lines)
    art = clean(raw)
    kept = [art.raw_text[s.raw:s.raw + s.length] for s in art.segments]
    removed = [art.raw_text[d.start:d.end] for d in art.removed]
    expected = [ln.strip() for ln in raw.split("\n") if ln.strip()]
    assert sorted(kept + removed) == sorted(expected)
    assert all(d.reason for d in art.removed)
