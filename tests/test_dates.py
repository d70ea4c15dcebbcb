"""Publication dates: each function on its own, refusals with reasons, and no guessing."""

from __future__ import annotations

from datetime import date

import pytest

from newsgraph.stages.dates import (
    DateFinding,
    combine,
    date_from_html,
    date_from_text_lines,
    date_from_url,
    parse_field_date,
)

NEXT_YEAR_PLUS = date.today().year + 2


def page(head: str = "", body: str = "") -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


ARTICLE_BODY = (
    "<nav><a href='/'>Home</a></nav>"
    "<h1>Council approves new bike lanes</h1>"
    "<div class='byline'>By Jane Doe <time datetime='2019-11-19T14:02:00-05:00'>"
    "Nov. 19, 2019 2:02 pm ET</time></div>"
    "<p>" + "The city council voted on Tuesday to approve the plan. " * 6 + "</p>"
)
TITLE = "<title>Council approves new bike lanes - Example News</title>"


# ---------------------------------------------------------------- date_from_url

@pytest.mark.parametrize(
    ("url", "want"),
    [
        ("https://www.nytimes.com/2019/11/19/opinion/x.html", "2019-11-19"),
        ("https://www.vox.com/science/2019/11/8/20948348/delhi", "2019-11-08"),
        ("https://www.theguardian.com/world/2019/nov/18/hong-kong", "2019-11-18"),
        ("https://www.latimes.com/business/story/2019-11-19/gannett", "2019-11-19"),
    ],
)
def test_url_dates(url: str, want: str) -> None:
    found = date_from_url(url)
    assert found == DateFinding(want, "url", url)


@pytest.mark.parametrize(
    "url",
    [
        None,
        "",
        "https://www.cleveland.com/entertainment/2019/11/doobie.html",  # month only
        "https://www.cbsnews.com/news/hearing-testimony-2019-11-19/",  # a date inside a slug
        "https://sputniknews.com/columnists/201911181077343476-royal/",  # an id, not a date
        "https://example.com/1887/01/02/old",  # implausible year
        "https://example.com/2019/13/45/x",  # not a calendar date
    ],
)
def test_url_without_a_day(url: str | None) -> None:
    assert date_from_url(url).value is None


# ---------------------------------------------------------------- parse_field_date

@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("2024-04-05", "2024-04-05"),
        ("2024-04-05T10:31:00Z", "2024-04-05T10:31:00+00:00"),
        ("2024-04-05T10:31:00.123-0500", "2024-04-05T10:31:00-05:00"),
        ("2024-04-05 10:31", "2024-04-05"),  # a time without a zone: the day only
        ("Fri, 05 Apr 2024 10:31:00 GMT", "2024-04-05T10:31:00+00:00"),
        ("April 5, 2024", "2024-04-05"),
        ("5 April 2024", "2024-04-05"),
        ("13/04/2024", "2024-04-13"),
        ("1712313060", "2024-04-05T10:31:00+00:00"),
    ],
)
def test_field_dates(raw: str, want: str) -> None:
    found = parse_field_date(raw)
    assert (found.value, found.source, found.evidence) == (want, "field", raw)


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        ("04/05/2024", "ambiguous"),
        ("yesterday", "unparseable"),
        ("1887-01-01", "implausible"),
        (f"{NEXT_YEAR_PLUS}-01-01", "implausible"),
        ("2024-02-30", "not a calendar date"),
    ],
)
def test_field_refusals_say_why(raw: str, why: str) -> None:
    found = parse_field_date(raw)
    assert found.value is None and found.source is None
    assert found.reason is not None and why in found.reason


def test_empty_field_is_just_unknown() -> None:
    assert parse_field_date(None) == DateFinding(None, None, None)
    assert parse_field_date("  ") == DateFinding(None, None, None)


# ---------------------------------------------------------------- date_from_text_lines

def test_date_line_with_updated_same_day() -> None:
    lines = ["Lawmakers pass budget", "", "Apr 05, 2024, updated Apr 05, 2024", "The House voted."]
    found, index = date_from_text_lines(lines)
    assert found.value == "2024-04-05" and found.source == "text"
    assert index == 2 and found.evidence == "Apr 05, 2024, updated Apr 05, 2024"


@pytest.mark.parametrize(
    ("line", "want"),
    [
        ("Published: 5 April 2024", "2024-04-05"),
        ("WASHINGTON, April 5, 2024 (Reuters) - The U.S. Senate on Thursday passed a stopgap "
         "funding bill that averts a partial government shutdown, officials said.", "2024-04-05"),
        ("2024-04-05 10:31", "2024-04-05"),
        ("Updated March 5, 2021 / Original March 2, 2021", "2021-03-02"),
        ("Posted by Michael David Smith on November 19, 2019, 6:21 AM EST", "2019-11-19"),
        ("By Tess Bonn - 11/19/19 06:56 AM EST", "2019-11-19"),
        ("13.11.2019, 23:06", "2019-11-13"),
        ("Von Moritz Bachmann publiziert am 25. September 2018", "2018-09-25"),
        ("segunda-feira, 22 de janeiro de 2018 às 0:13", "2018-01-22"),
        ("Published Wed, Nov 20 20194:29 AM EST", "2019-11-20"),  # year glued to the time
    ],
)
def test_date_lines(line: str, want: str) -> None:
    found, index = date_from_text_lines(["Headline", line, "Body text."])
    assert (found.value, index) == (want, 1)


@pytest.mark.parametrize(
    "line",
    [
        "On Thursday, the committee voted 12-10 to advance the nomination.",
        "Russian forces invaded on February 24, and the fighting has not stopped since.",
        "The border closure was set to last until April 14, 2020, officials said.",
        "Leaders recalled the promise made at the 2008 NATO summit in Bucharest.",
        "© 2019 The Associated Press. All rights reserved.",
        "Published 22 hours ago",
        "Nov 18",
        "— Governor Kristi Noem (@govkristinoem) November 18, 2019",
        "Source: Russian Defense Ministry, October 25, 2019",
        "Sentencing is scheduled for Feb. 14, 2020.",
    ],
)
def test_not_publication_dates(line: str) -> None:
    found, index = date_from_text_lines(["Headline", line, "Body text."])
    assert found.value is None and index is None


def test_only_an_update_date_is_refused_with_reason() -> None:
    found, index = date_from_text_lines(["Recipe", "Last updated: March 3, 2023 at 9:15 am"])
    assert found.value is None and index is None
    assert found.reason is not None and "update" in found.reason


def test_ambiguous_numeric_date_is_refused() -> None:
    found, _ = date_from_text_lines(["Título", "05/10/2018 - Publicado por: Clarissa"])
    assert found.value is None and found.reason and "ambiguous" in found.reason


@pytest.mark.parametrize("year", [1887, 1989, NEXT_YEAR_PLUS])
def test_implausible_years(year: int) -> None:
    found, index = date_from_text_lines(["Headline", f"Published: 12 March {year}"])
    assert found.value is None and index is None


def test_only_the_first_non_empty_lines_are_read() -> None:
    lines = ["Title"] + [""] * 5 + [f"line {i}" for i in range(11)] + ["Published: 5 April 2024"]
    assert date_from_text_lines(lines)[0].value is None
    assert date_from_text_lines(lines, max_lines=13) == (
        DateFinding("2024-04-05", "text", "Published: 5 April 2024"),
        len(lines) - 1,
    )


def test_no_lines() -> None:
    assert date_from_text_lines([]) == (DateFinding(None, None, None), None)


# ---------------------------------------------------------------- combine

def test_combine_agreeing_sources_keeps_the_most_trusted() -> None:
    meta = DateFinding("2019-11-19T23:10:00+00:00", "metadata", "<meta ...>")
    url = DateFinding("2019-11-20", "url", "https://x/2019/11/20/a")
    text = DateFinding("2019-11-19", "text", "Nov 19, 2019")
    assert combine(url, text, meta) == meta  # within a day: the same publication


def test_combine_disagreement_refuses_and_names_both() -> None:
    found = combine(
        DateFinding("2019-11-19", "metadata", "m"), DateFinding("2018-03-02", "url", "u")
    )
    assert found.value is None and found.source is None
    assert found.reason == "sources disagree: metadata 2019-11-19 vs url 2018-03-02"


def test_combine_field_beats_html() -> None:
    field = DateFinding("2024-04-05", "field", "2024-04-05")
    html = DateFinding("2024-04-05T08:00:00+02:00", "metadata", "m")
    assert combine(html, field) == field


def test_combine_without_values_passes_reasons_on() -> None:
    refused = DateFinding(None, None, None, "unparseable published field: 'x'")
    assert combine(refused, DateFinding(None, None, None)).reason == refused.reason
    assert combine() == DateFinding(None, None, None)


# ---------------------------------------------------------------- date_from_html

def test_html_metadata_and_visible_date_agree() -> None:
    head = TITLE + '<meta property="article:published_time" content="2019-11-19T19:02:00Z">'
    found = date_from_html(page(head, ARTICLE_BODY), "https://example.com/news/bike-lanes")
    assert found.value == "2019-11-19T19:02:00+00:00" and found.source == "metadata"
    assert found.evidence == "2019-11-19T19:02:00Z"  # the exact attribute value


def test_html_visible_local_day_wins_over_utc_metadata() -> None:
    # 10:31 pm in Chicago is already the next day in UTC; the page shows the local day
    body = ARTICLE_BODY.replace("Nov. 19, 2019 2:02 pm ET", "Nov 19, 2019, 10:31 pm CST")
    head = TITLE + '<meta property="article:published_time" content="2019-11-20T04:31:13Z">'
    found = date_from_html(page(head, body))
    assert found.value == "2019-11-19" and found.source == "html"
    assert found.evidence is not None and "Nov 19, 2019" in found.evidence


def test_html_jsonld_article_date() -> None:
    ld = (
        '<script type="application/ld+json">{"@context": "https://schema.org", "@graph": ['
        '{"@type": "WebSite", "name": "x"},'
        '{"@type": "NewsArticle", "headline": "h", "datePublished": "2019-11-18T23:04:24-05:00",'
        ' "dateModified": "2019-11-25T10:00:00-05:00",'
        ' "video": {"@type": "VideoObject", "uploadDate": "2017-01-01"}}]}</script>'
    )
    found = date_from_html(page(TITLE + ld, "<h1>Council approves new bike lanes</h1>"))
    assert found.value == "2019-11-18T23:04:24-05:00" and found.source == "metadata"


def test_html_malformed_jsonld_still_read() -> None:
    ld = '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": ' \
         '"2019-11-18T10:00:00Z", "headline": "broken "quotes" here",}</script>'
    found = date_from_html(page(ld, "<p>text</p>"))
    assert found.value == "2019-11-18T10:00:00+00:00" and found.source == "metadata"


def test_html_modified_date_is_not_a_publication_date() -> None:
    head = '<meta property="article:modified_time" content="2019-11-25T10:00:00Z">'
    assert date_from_html(page(head, "<p>No date here.</p>")).value is None


def test_html_footer_modification_date_is_not_a_publication_date() -> None:
    """htmldate's only answer is the footer's "Last modified": refused, and the reason says so;
    a page that shows the same day as published too keeps it."""
    story = ("<article><h1>Zoo welcomes baby panda</h1><p>The city zoo welcomed a baby panda on "
             "Monday.</p></article>")
    footer = "<footer>© 2023 City News. Last modified: 2024-01-05</footer>"
    found = date_from_html(page("<title>Zoo welcomes baby panda</title>", story + footer))
    assert found.value is None and "modification date" in found.reason
    assert "Last modified: 2024-01-05" in found.reason
    both = "<footer>Jan 5, 2024 · Updated: Jan 5, 2024</footer>"
    kept = date_from_html(page("<title>Zoo welcomes baby panda</title>", story + both))
    assert kept.value == "2024-01-05"


def test_html_disagreement_refuses_with_reason() -> None:
    head = '<meta property="article:published_time" content="2019-11-19T10:00:00Z">'
    found = date_from_html(page(head, "<p>x</p>"), "https://example.com/2018/03/02/story")
    assert found.value is None and found.source is None
    assert found.reason is not None and "disagree" in found.reason
    assert "2019-11-19" in found.reason and "2018-03-02" in found.reason


def test_html_url_month_catches_a_wrong_year() -> None:
    head = '<meta property="article:published_time" content="2016-09-01T10:00:00Z">'
    found = date_from_html(page(head, "<p>x</p>"), "https://example.com/2014/09/hike/")
    assert found.value is None and found.reason and "url month" in found.reason


def test_html_url_only() -> None:
    url = "https://example.com/2019/11/19/story/"
    assert date_from_html(page(body="<p>No dates.</p>"), url) == DateFinding(
        "2019-11-19", "url", url
    )


def test_html_canonical_link_is_used_when_no_url_given() -> None:
    head = '<link rel="canonical" href="https://example.com/2019/11/19/story/">'
    assert date_from_html(page(head, "<p>No dates.</p>")).value == "2019-11-19"


def test_html_relative_byline_gives_nothing() -> None:
    body = "<h1>Council approves new bike lanes</h1><div>Published 22 hours ago</div><p>Text</p>"
    assert date_from_html(page(TITLE, body)).value is None


def test_html_sidebar_and_comment_dates_are_ignored() -> None:
    # dates far from the headline (comments, related stories) are not the article's
    body = (
        "<h1>Council approves new bike lanes</h1>"
        + "".join(f"<p>{'Long story paragraph text. ' * 10}</p>" for _ in range(4))
        + "<ul><li>August 8, 2018 at 3:17 pm</li><li>Related: November 20, 2019</li></ul>"
    )
    assert date_from_html(page(TITLE, body)).value is None


@pytest.mark.parametrize(
    "html",
    ["", "   ", "<html>", "garbage <<<>>> text", "\x00\x01\x02",
     '<?xml version="1.0" encoding="utf-8"?><html><body><h1>x</h1></body></html>',
     "<html><body>" + "<div>" * 3000 + "deep" + "</div>" * 3000 + "</body></html>"],
)
def test_html_garbage_gives_nothing(html: str) -> None:
    assert date_from_html(html) == DateFinding(None, None, None)


def test_html_garbage_with_url_falls_back_to_url() -> None:
    url = "https://example.com/2019/11/19/x"
    assert date_from_html("", url).value == "2019-11-19"


def test_html_never_uses_todays_date() -> None:
    # "Today" and a clock time are all a reader sees: no date, whatever the clock says
    body = "<h1>Headline words here</h1><div>Today 12:01 AM</div><p>Story text.</p>"
    found = date_from_html(page("<title>Headline words here</title>", body))
    assert found.value is None and date.today().isoformat() not in repr(found)


def test_html_related_story_dates_do_not_cause_a_refusal() -> None:
    # itemprop dates in the body belong to related stories: neither evidence nor conflict
    head = TITLE + '<meta property="article:published_time" content="2019-11-19T13:16:00Z">'
    related = "".join(
        f'<li><time itemprop="datePublished" datetime="2019-11-{d}T09:00:00">x</time></li>'
        for d in (20, 18, 10)
    )
    found = date_from_html(page(head, ARTICLE_BODY + f"<ul>{related}</ul>"))
    assert found.value == "2019-11-19T13:16:00+00:00"


def test_html_ambiguous_visible_date_is_settled_only_by_other_evidence() -> None:
    body = "<h1>Council approves new bike lanes</h1><div>05/10/2018 - Publicado por: Ana</div>"
    url = "https://example.com/2018/10/05/bike-lanes/"
    found = date_from_html(page(TITLE, body), url)
    assert found.value == "2018-10-05" and found.source == "html"
    # without other evidence the line stays unread
    assert date_from_html(page(TITLE, body)).value is None
