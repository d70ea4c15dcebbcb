"""html_extract: the article body and metadata of one page; never raises on bad input."""

from __future__ import annotations

import os

from newsgraph.stages.read.html_extract import HtmlExtraction, extract_html

BODY = [
    "The city council voted on Tuesday to expand the night bus network to four new districts, "
    "ending a two-year dispute over how the service should be paid for.",
    "Council member Ana Ruiz said the decision would help shift workers who now walk for an hour "
    "after the last tram, and that the cost would be covered by the parking levy.",
    "Opponents argued that the levy was meant for road repairs and warned that the budget "
    "would come under pressure if fuel prices kept rising through the winter months.",
    "The first new routes are expected to start running in March, with the rest following "
    "before the summer, according to the transport department's published timetable.",
]

ARTICLE = f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
  <title>Night buses to reach four new districts | The Daily Example</title>
  <meta property="og:title" content="Night buses to reach four new districts">
  <meta property="og:site_name" content="The Daily Example">
  <meta property="og:url" content="https://news.example.org/2024/night-buses">
  <meta name="author" content="Maria Jones">
  <meta name="description" content="The council ends a two-year dispute over funding.">
</head>
<body>
  <nav><ul><li><a href="/">Home</a></li><li><a href="/politics">Politics</a></li>
    <li><a href="/sport">Sport</a></li><li><a href="/weather">Weather forecast today</a></li></ul>
  </nav>
  <main><article>
    <h1>Night buses to reach four new districts</h1>
    {"".join(f"<p>{p}</p>" for p in BODY)}
    <h3>Related stories</h3>
    <ul>
      <li><a href="/a">Tram fares to rise again next year as operator cites energy costs</a></li>
      <li><a href="/b">Parking levy raised record sums in the first half of the year</a></li>
      <li><a href="/c">Cyclists call for safer junctions along the river road</a></li>
    </ul>
  </article>
  <section id="comments" class="comments">
    <h2>Comments</h2>
    <div class="comment"><p>Reader42: About time! The last tram leaves far too early for
      anyone working in a restaurant kitchen.</p></div>
  </section></main>
  <footer><p>Copyright 2024 The Daily Example. All rights reserved.</p>
    <p>Contact us | Privacy policy | Terms of use</p></footer>
</body></html>"""


def test_article_body_found_without_title_nav_footer_comments() -> None:
    ext = extract_html(ARTICLE, url="https://news.example.org/2024/night-buses")
    assert isinstance(ext, HtmlExtraction)
    assert ext.text.split("\n") == BODY  # one paragraph per line, nothing else
    assert ext.title == "Night buses to reach four new districts"
    assert ext.sitename == "The Daily Example"
    assert ext.url == "https://news.example.org/2024/night-buses"
    assert ext.author == "Maria Jones"
    assert ext.description == "The council ends a two-year dispute over funding."
    assert ext.language == "en"
    assert ext.extractor.startswith("trafilatura")
    for boilerplate in ("Home", "Politics", "Reader42", "Copyright", "Related", "Tram fares"):
        assert boilerplate not in ext.text


def _empty(ext: HtmlExtraction) -> bool:
    return ext.text == "" and ext.extractor == "none"


def test_all_script_page_has_no_text() -> None:
    html = "<html><head><script>var a = 1;</script></head><body>"
    html += "<script>" + "document.write('hello world');" * 200 + "</script></body></html>"
    assert _empty(extract_html(html))


def test_empty_and_blank_input() -> None:
    assert _empty(extract_html(""))
    assert _empty(extract_html("   \n\t "))
    assert _empty(extract_html("<html></html>"))


def test_binary_junk_does_not_raise() -> None:
    junk = os.urandom(20_000).decode("latin-1")  # includes NUL and other control characters
    ext = extract_html(junk)
    assert isinstance(ext.text, str)
    ext = extract_html("\x00\x01<html>\x00<body><p>\x00\x00</p></body></html>")
    assert isinstance(ext.text, str)


def test_unclosed_tags_still_read() -> None:
    html = "<html><head><title>Broken page</title><body><div><article>" + "".join(
        f"<p>{p}" for p in BODY
    )  # no closing tags at all
    ext = extract_html(html)
    assert BODY[0] in ext.text and BODY[-1] in ext.text
    assert ext.title == "Broken page"


def test_huge_page_returns() -> None:
    # ~5 MB of real elements (teaser links), the article in the middle
    filler = "<div class='teaser'><a href='/x'>Another story link</a></div>\n" * 40_000
    html = ARTICLE.replace("<main>", filler + "<main>").replace("<footer>", filler + "<footer>")
    assert len(html) > 4_900_000
    ext = extract_html(html)  # no timing assert: it must simply come back
    assert isinstance(ext.text, str)
