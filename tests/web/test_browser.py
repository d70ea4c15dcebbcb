"""The web UI in headless Chromium over the seed store: search (as you type, with filters, and
without JavaScript), an article and its removed text, a story and its timeline, an entity
page, a quote's versions, an upload with one bad file, /docs offline, keyboard use and a
phone-width layout. Every assertion is on what the page shows; every page is checked for
requests that leave the server and for console errors (see conftest.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from newsgraph import api

expect = pytest.importorskip("playwright.sync_api", reason="browser tests skipped: Playwright "
                             "is not installed (pip install -e '.[dev]')").expect

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def ids(seed_store: Path) -> dict[str, str]:
    db = str(seed_store)
    _, arts = api.articles(db, 50)
    nato = next(a["id"] for a in arts if a["title"] == "Russia in ‘direct confrontation’ with NATO")
    said = api.quotes(db, speaker="Lukashenko", limit=1)
    return {"article": nato, "story": api.stories(db, None, 1)[0].id,
            "entity": api.entities(db, "Putin", 1)[0].id, "quote": said[0].id or ""}


def text(page: Any, selector: str) -> str:
    return page.locator(selector).inner_text()


def test_search_as_you_type_filters_and_counts(page: Any, shot: Any) -> None:
    page.goto("/")
    assert "5 article(s) in the store" in text(page, "#home")
    page.keyboard.press("/")  # the shortcut focuses the search box
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.type("Lukash", delay=20)  # a word being typed: read as a prefix
    expect(page.locator("#count")).to_have_text(re.compile(r"^2 article\(s\) match"))
    assert page.locator("#home").is_hidden()
    hits = page.locator("#hits li")
    assert hits.count() == 2
    assert "Lukashenko" in hits.first.locator("mark").first.inner_text()
    assert "Alexander Lukashenko" in text(page, "#ent-hits")
    assert "collective West" in text(page, "#quote-hits")
    assert page.url.endswith("/?q=Lukash&prefix=1")  # the address follows the live results
    shot(page, "search-as-you-type")
    page.reload()  # ... so reloading (or sharing) it shows the same
    expect(page.locator("#count")).to_have_text(re.compile(r"^2 article\(s\) match"))
    page.locator("#q").focus()
    page.keyboard.press("End")

    # Enter: the server's page, with its counts by outlet and language
    page.keyboard.type("enko")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/\?q=Lukashenko&prefix=1$"))
    assert text(page, "#count") == "2 article(s) match Lukashenko"  # <q> draws the quotes
    assert "Languages" in text(page, "#facets") and "en\n2" in text(page, "#facets")

    # a date filter narrows the results, live, and shows as a removable chip
    page.locator(".filter-box summary").click()
    page.fill("#q", "NATO")
    page.fill("#f-from", "2024-04-01")
    expect(page.locator("#count")).to_have_text(re.compile(r"^1 article\(s\) match"))
    assert "Russia in ‘direct confrontation’ with NATO" in text(page, "#hits")
    page.locator("button", has_text="Apply filters").click()
    page.wait_for_url(re.compile(r"date_from=2024-04-01"))
    assert "date from: 2024-04-01" in text(page, ".active-filters")
    assert page.locator("#results-chart rect").count() == 1  # results by month
    shot(page, "search-filtered")
    page.locator(".active-filters a").click()  # remove the filter
    assert text(page, "#count").startswith("5 article(s) match")


def test_bad_filter_shows_a_422_page(page: Any) -> None:
    resp = page.goto("/?q=NATO&date_from=2024-13-40")
    assert resp.status == 422
    assert "date_from" in text(page, "main")


def test_search_works_without_javascript(page_for: Any, server: Any) -> None:
    page = page_for(server, java_script_enabled=False)
    page.goto("/")
    page.fill("#q", "Lukashenko")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"q=Lukashenko"))
    assert text(page, "#count") == "2 article(s) match Lukashenko"  # <q> draws the quotes
    assert page.locator("#hits li").count() == 2


def test_article_and_removed_text_toggle(page: Any, ids: dict[str, str], shot: Any) -> None:
    page.goto("/?q=%22direct+confrontation%22")
    page.locator("#hits a", has_text="direct confrontation").first.click()
    page.wait_for_url(f"**/article/{ids['article']}")
    assert text(page, "h1") == "Russia in ‘direct confrontation’ with NATO"
    assert "2024-04-05 (from text: Apr 05, 2024" in text(page, ".meta-table")
    quote = page.locator("mark.quote[title^='Dmitry Peskov']").first
    assert quote.is_visible()
    raw = page.locator(".raw-view")
    assert raw.is_hidden() and page.locator(".clean-view").is_visible()
    page.locator("label[for=show-removed]").click()
    assert raw.is_visible() and page.locator(".clean-view").is_hidden()
    removed = raw.locator("del.removed")
    reasons = {r.strip("[]") for r in raw.locator(".reason").all_inner_texts()}
    assert {"advertisement", "image caption", "copyright", "wire credit"} <= reasons
    assert removed.filter(has_text="Copyright © 2024 InDaily.").is_visible()
    shot(page, "article-removed-shown")
    page.locator("label[for=show-removed]").click()
    assert raw.is_hidden()


def test_story_page_and_timeline(page: Any, ids: dict[str, str], shot: Any) -> None:
    page.goto("/")
    page.locator("#home a[href^='/story/']").first.click()
    page.wait_for_url(f"**/story/{ids['story']}")
    assert page.locator("ul.list a[href^='/article/']").count() == 5
    chart = page.locator("#timeline-chart")
    dots = chart.locator("circle.pt")
    assert dots.count() >= 4  # items on one spot share a dot, sized by their number
    assert sum(int(d.get_attribute("data-count") or 0) for d in dots.all()) == 33
    assert chart.locator("circle.pt-event").count() and chart.locator("circle.pt-quote").count()
    caption = chart.locator("figcaption").inner_text()
    assert "7 item(s) with an event time, 26 without one" in caption
    assert "event time" in (chart.locator("svg").text_content() or "")
    rows = page.locator("table.timeline tbody tr")
    assert rows.count() > 10
    thursday = rows.filter(has_text="“Thursday” (from 2024-04-05)").first
    assert "2024-04-04" in thursday.inner_text()  # "on Thursday" in a Friday report
    assert rows.first.locator("td").first.inner_text().startswith("2023")  # by event time
    shot(page, "story")


def test_entity_page(page: Any, ids: dict[str, str], shot: Any) -> None:
    page.goto(f"/entity/{ids['entity']}")
    assert text(page, "h1").startswith("Vladimir Putin")
    assert "Putin" in text(page, "ul.chips")
    bars = page.locator("#mentions-chart rect.bar")
    assert bars.count() == 1 and "2024-04-05: 3" in bars.first.text_content()
    assert "mention(s) in undated articles" in text(page, "main")
    graph = page.locator("#related-graph")
    names = graph.locator("text.node-label").all_text_contents()
    assert "Vladimir Putin" in names and "NATO" in names and len(names) > 3
    shot(page, "entity")
    graph.locator("a", has_text="NATO").first.click()
    page.wait_for_url(re.compile(r"/entity/e"))
    assert text(page, "h1").startswith("NATO")
    page.locator("a", has_text="Articles that mention NATO").click()
    assert text(page, "#count").startswith("5 article(s) with these filters")


def test_quote_versions(page: Any, ids: dict[str, str], shot: Any) -> None:
    page.goto("/quotes")
    page.fill("#speaker", "Lukashenko")
    page.locator("form.filters button").click()
    page.wait_for_url(re.compile(r"speaker=Lukashenko"))
    assert "Dmitry Peskov" not in text(page, "ul.quotes")
    page.locator("ul.quotes a", has_text="versions").first.click()
    page.wait_for_url(re.compile(r"/quote/q"))
    assert re.search(r"Statement t\w+ · 2 version\(s\)", text(page, "main"))
    versions = page.locator("ol.versions > li")
    assert versions.count() == 2
    assert "possible misquote or different translation" in text(page, "ol.versions")
    diff = page.locator("p.diff").first
    assert diff.locator("del").inner_text() == "increase the"
    assert diff.locator("ins").inner_text() == "build up"
    assert page.locator("li.this").count() == 1
    shot(page, "quote-versions")


GOOD = ("Council approves new harbour budget after long delay\n\n"
        "The city council approved the harbour budget on Tuesday after months of delay, the "
        "mayor said, adding that repairs to the northern pier would begin in the spring.\n\n"
        "Officials said the plan had been revised twice to meet the concerns of fishermen "
        "and residents who use the harbour every day.\n\n"
        "\"This is a good day for the harbour,\" the mayor told reporters at the town hall.\n")


def test_upload_with_one_bad_file(page_for: Any, ingest_server: Any, tmp_path: Path,
                                  shot: Any) -> None:
    good = tmp_path / "harbour.txt"
    good.write_text(GOOD, encoding="utf-8")
    bad = tmp_path / "broken.jsonl"
    bad.write_text('{"text": "not closed\n', encoding="utf-8")
    wrong = tmp_path / "notes.exe"
    wrong.write_bytes(b"MZ")
    page = page_for(ingest_server)
    page.goto("/")
    page.locator("nav a", has_text="upload").click()
    page.wait_for_url("**/upload")
    page.set_input_files("#files", [str(good), str(bad), str(wrong)])
    page.locator("#upload-form button").click()
    page.wait_for_selector("#upload-done:not([hidden])")
    items = page.locator("#upload-list > li")
    assert items.count() == 3
    assert "ok" in (items.nth(0).get_attribute("class") or "")
    assert "1 article(s) added" in items.nth(0).inner_text()
    assert items.nth(0).locator("progress").evaluate("p => p.value") == 100
    assert "failed" in (items.nth(1).get_attribute("class") or "")
    assert re.search(r"error\(s\):\s*E\d{3} ", items.nth(1).inner_text())
    assert "unsupported file type" in items.nth(2).inner_text()
    assert text(page, "#upload-done") == ("3 file(s): 1 read, 2 with errors; "
                                          "1 article(s) added.")
    shot(page, "upload")
    page.goto("/?q=harbour")
    assert text(page, "#count") == "1 article(s) match harbour"


def test_upload_page_is_off_without_the_flag(page: Any) -> None:
    assert page.locator("nav a", has_text="upload").count() == 0
    resp = page.goto("/upload")
    assert resp.status == 403 and "--allow-ingest" in text(page, "main")


def test_swagger_ui_offline(page: Any, shot: Any) -> None:
    page.goto("/docs")
    page.wait_for_selector(".swagger-ui .opblock-summary-path")
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/api/search" in p for p in paths)
    shot(page, "docs")


def test_keyboard_skip_link_and_focus(page: Any) -> None:
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip")
    assert page.evaluate("document.activeElement.className") == "skip"
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0  # on screen once focused
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.press("Escape")
    assert page.evaluate("document.activeElement.id") != "q"


def test_phone_layout(page_for: Any, server: Any, ids: dict[str, str], shot: Any) -> None:
    page = page_for(server, viewport={"width": 390, "height": 844}, device_scale_factor=2,
                    is_mobile=True, has_touch=True)
    pages = {"phone-search": "/?q=NATO", "phone-article": f"/article/{ids['article']}",
             "phone-story": f"/story/{ids['story']}", "phone-entity": f"/entity/{ids['entity']}"}
    for name, url in pages.items():
        page.goto(url)
        # nothing wider than the screen: no sideways scrolling
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, url
        shot(page, name)
    page.goto("/?q=NATO")
    hits, facets = page.locator("#hits").bounding_box(), page.locator("#facets").bounding_box()
    assert hits and facets and facets["y"] > hits["y"]  # counts below the results, not beside


def test_live_results_show_markup_as_text(page_for: Any, ingest_server: Any) -> None:
    """An article holding <script> and onerror= shows them as text in the as-you-type
    results too (built with textContent), and nothing runs."""
    import urllib.request

    from tests.test_web import XSS

    req = urllib.request.Request(f"{ingest_server.url}/api/ingest?filename=evil.txt",
                                 data=XSS.encode(), method="POST")
    with urllib.request.urlopen(req, timeout=60) as resp:
        assert json.loads(resp.read())["summary"]["articles_new"] == 1
    page = page_for(ingest_server)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto("/")
    page.fill("#q", "payload")
    expect(page.locator("#count")).to_have_text(re.compile(r"^1 article\(s\) match"))
    assert "<script>alert(1)</script>" in text(page, "#hits")
    assert page.locator("#hits script, #hits img").count() == 0
    page.goto("/?q=payload")  # and the server's page
    assert "<script>alert(1)</script>" in text(page, "#hits")
    assert dialogs == []
