"""The web UI and JSON API (FastAPI TestClient over the seed store): every endpoint answers,
unknown ids are 404, bad parameters 422 (never 500), broken FTS5 syntax is a friendly
result, and article text is always escaped."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from newsgraph import api
from newsgraph.records import Drop, Mention, Quote
from newsgraph.web.app import create_app
from newsgraph.web.render import Evidence, Mark, Piece, clip, raw_pieces, text_marks

OWN_SCRIPT = '<script src="/static/app.js" defer></script>'


def only_own_script(html: str) -> bool:
    """The page's one script is the local, static app.js: no inline script, none elsewhere."""
    return re.findall(r"<script\b[^>]*>(?:</script>)?", html, re.I) == [OWN_SCRIPT]


@pytest.fixture(scope="module")
def client(seed_store: Path) -> TestClient:
    return TestClient(create_app(str(seed_store)), raise_server_exceptions=True)


@pytest.fixture(scope="module")
def ids(seed_store: Path) -> dict[str, str]:
    """One id of each kind from the seed store; article 002 (the InDaily NATO report)."""
    db = str(seed_store)
    _, arts = api.articles(db, 50)
    seed002 = next(a["id"] for a in arts
                   if "002_" in (api.get_article(db, a["id"]).source_path or ""))
    said = api.quotes(db, speaker="Lukashenko", limit=1)
    return {"article": seed002, "story": api.stories(db, None, 1)[0].id,
            "entity": api.entities(db, "Putin", 1)[0].id, "quote": said[0].id or ""}


GOOD_API = [
    "/api/search?q=NATO", "/api/search?q=Lukashenko&limit=1&offset=1", "/api/articles",
    "/api/articles?limit=2&offset=2", "/api/stories", "/api/stories?q=NATO",
    "/api/entities", "/api/entities?q=Putin", "/api/quotes", "/api/quotes?speaker=Peskov",
    "/api/quotes?q=confrontation", "/api/events", "/api/events?action=ASSAULT",
    "/api/timeline?entity=Putin", "/api/stats", "/api/statements", "/openapi.json",
]


@pytest.mark.parametrize("url", GOOD_API)
def test_api_endpoints_answer(client: TestClient, url: str) -> None:
    r = client.get(url)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/json")


def test_api_by_id(client: TestClient, ids: dict[str, str]) -> None:
    art = client.get(f"/api/articles/{ids['article']}").json()
    assert "Thursday" in art["text"] and art["published_source"] == "text"
    assert "advertisement" in {d["reason"] for d in art["removed"]}
    assert client.get(f"/api/articles/{ids['article'][:8]}").json()["id"] == ids["article"]
    story = client.get(f"/api/stories/{ids['story']}").json()
    assert ids["article"] in story["article_ids"] and story["articles"]
    ent = client.get(f"/api/entities/{ids['entity']}").json()
    assert ent["entity"]["name"] == "Vladimir Putin" and ent["related"]
    quote = client.get(f"/api/quotes/{ids['quote']}").json()
    assert quote["quote"]["speaker"] == "Alexander Lukashenko"
    assert len(quote["statement"]["versions"]) == 2
    tl = client.get(f"/api/timeline?story={ids['story']}").json()
    assert tl["items"] and {"when", "reported", "kind"} <= set(tl["items"][0])
    assert client.get(f"/api/events?story={ids['story']}").json()
    assert client.get(f"/api/quotes?story={ids['story']}").json()


def test_api_pagination(client: TestClient) -> None:
    whole = client.get("/api/articles").json()
    assert whole["total"] == 5 and len(whole["articles"]) == 5
    page = client.get("/api/articles?limit=2&offset=1").json()
    assert [a["id"] for a in page["articles"]] == [a["id"] for a in whole["articles"][1:3]]


@pytest.mark.parametrize("url", [
    "/api/articles/nosuchid", "/api/stories/nosuchid", "/api/entities/nosuchid",
    "/api/quotes/nosuchid", "/api/timeline?story=nosuchid", "/api/timeline?entity=zzzqqq",
    "/article/nosuchid", "/story/nosuchid", "/entity/nosuchid", "/quote/nosuchid",
    "/no/such/page",
])
def test_unknown_ids_are_404(client: TestClient, url: str) -> None:
    assert client.get(url).status_code == 404


def test_404_page_is_html_and_escaped(client: TestClient) -> None:
    r = client.get("/article/%3Cscript%3Ex")
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert "<script>" not in r.text and "&lt;script&gt;x" in r.text


@pytest.mark.parametrize("url", [
    "/api/articles?limit=0", "/api/articles?limit=9999", "/api/articles?offset=-1",
    "/api/articles?limit=abc", "/api/search?q=NATO&limit=0", "/api/search?q=NATO&limit=9999",
    "/api/search", "/api/search?q=", "/api/quotes?limit=501", "/api/events?limit=0",
    "/api/stories?limit=0", "/api/entities?limit=9999", "/api/timeline",
    "/api/timeline?story=a&entity=b", "/?offset=-3",
    # past SQLite's integers: a 422, not an OverflowError's 500
    "/api/search?q=NATO&offset=99999999999999999999", "/?q=NATO&offset=99999999999999999999",
    "/api/quotes?offset=9223372036854775808", "/api/articles?offset=9223372036854775808",
    "/api/events?offset=9223372036854775808", "/quotes?offset=9223372036854775808",
])
def test_bad_params_are_422(client: TestClient, url: str) -> None:
    assert client.get(url).status_code == 422


def test_an_unknown_filter_is_a_404_and_names_resolve(client: TestClient) -> None:
    for url in ("/api/events?entity=nobodyzzz", "/api/events?story=szzzz",
                "/api/events?article=azzzz", "/api/quotes?story=szzzz"):
        r = client.get(url)
        assert r.status_code == 404 and "matches" in r.json()["detail"], url
    assert client.get("/api/events?entity=Vladimir%20Putin").json()
    # a letter is in most names: no entity is "e" (it was Ukraine)
    assert client.get("/api/events?entity=e").status_code == 404
    assert client.get("/?entity=e").status_code == 422


def test_the_search_page_reads_the_last_word_as_a_prefix_when_asked(client: TestClient) -> None:
    """What the live results show, the URL they write (prefix=1) shows after a reload."""
    assert "0 article(s) match" in client.get("/?q=Lukash").text
    page = client.get("/?q=Lukash&prefix=1").text
    assert "2 article(s) match" in page


def test_favicon_and_the_docs_page_way_back(client: TestClient) -> None:
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"] == "image/svg+xml"
    docs = client.get("/docs").text
    assert '<html lang="en">' in docs and '<a href="/">' in docs
    spec = client.get("/openapi.json").json()
    params = spec["paths"]["/api/events"]["get"]["parameters"]
    assert all(p.get("description") for p in params), params


def test_bad_page_params_are_an_html_422(client: TestClient) -> None:
    r = client.get("/quotes?offset=-1")
    assert r.status_code == 422 and r.headers["content-type"].startswith("text/html")
    assert "offset" in r.text


def test_help_loads_no_web_stack() -> None:
    import subprocess
    import sys

    code = ("import sys; from typer.testing import CliRunner; from newsgraph.cli import app; "
            "CliRunner().invoke(app, ['serve', '--help']); "
            "print(any(m.split('.')[0] in ('fastapi', 'uvicorn', 'starlette') "
            "for m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "False"


@pytest.mark.parametrize("q", ['"unclosed', "AND AND", "NOT", "(", "*", "NATO OR"])
def test_broken_fts_syntax_is_friendly(client: TestClient, q: str) -> None:
    r = client.get("/api/search", params={"q": q})
    assert r.status_code == 200
    body = r.json()
    assert body["total"] >= len(body["hits"]) and "query" in body
    page = client.get("/", params={"q": q})
    assert page.status_code == 200
    assert client.get("/quotes", params={"q": q}).status_code == 200
    assert client.get("/api/quotes", params={"q": q}).status_code == 200
    assert client.get("/api/stories", params={"q": q}).status_code == 200


def test_search_page_counts_and_snippets(client: TestClient) -> None:
    html = client.get("/", params={"q": "Lukashenko"}).text
    assert "2 article(s) match" in html and "<mark>Lukashenko</mark>" in html
    assert "Entities (" in html and "Quotes (" in html
    assert 'searched as plain words' in client.get("/", params={"q": '"unclosed'}).text


def test_home_page(client: TestClient) -> None:
    html = client.get("/").text
    assert "5 article(s) in the store" in html and 'href="/article/' in html
    assert 'href="/static/style.css"' in html


def test_article_page(client: TestClient, ids: dict[str, str]) -> None:
    r = client.get(f"/article/{ids['article']}")
    assert r.status_code == 200
    html = r.text
    assert "Russia in ‘direct confrontation’ with NATO" in html
    assert "he said on Thursday" in html
    # the date and where it came from
    assert "2024-04-05" in html and "from text: Apr 05, 2024" in html
    # removed lines with their reasons, behind a toggle (no script)
    assert 'id="show-removed"' in html and "<details" in html
    for reason in ("advertisement", "image caption", "copyright", "wire credit"):
        assert reason in html
    assert "Copyright © 2024 InDaily." in html
    # quotes highlighted with their speaker on hover
    assert re.search(r'<mark class="quote q-direct" id="q-q\w+" title="Dmitry Peskov \(direct',
                     html)
    assert only_own_script(html)


def test_story_page(client: TestClient, ids: dict[str, str]) -> None:
    html = client.get(f"/story/{ids['story']}").text
    assert f'href="/article/{ids["article"]}"' in html
    assert "Timeline" in html and "event time" in html and "reported" in html

def test_a_story_says_how_many_of_its_articles_its_dates_come_from(seed_store: Path,
                                                                   client: TestClient) -> None:
    for listed in api.stories(str(seed_store), None, 50):
        story = api.get_story(str(seed_store), listed.id)
        html = client.get(f"/story/{story.id}").text
        dated = sum(1 for a in story.articles if a["published"])
        undated = len(story.articles) - dated
        note = f"(the dates of {dated} dated article(s); {undated} undated)"
        assert (note in html) == bool(dated and undated), story.id
        assert ("no article is dated" in html) == (dated == 0)


def test_entity_page(client: TestClient, ids: dict[str, str]) -> None:
    html = client.get(f"/entity/{ids['entity']}").text
    assert "Vladimir Putin" in html and "Aliases" in html and "Related entities" in html
    assert "co-occurs" in html
    # its articles by title, each page titled for what it shows
    assert "<title>Vladimir Putin · newsgraph</title>" in html
    assert "Putin is trying to boost the military capabilities" in html.split("<h2>Articles")[1]
    quote = client.get(f"/quote/{ids['quote']}").text
    assert "<title>Alexander Lukashenko: " in quote


def test_quotes_and_quote_pages(client: TestClient, ids: dict[str, str]) -> None:
    html = client.get("/quotes", params={"speaker": "Lukashenko"}).text
    assert "collective West" in html and f'href="/quote/{ids["quote"]}"' in html
    assert "Dmitry Peskov" not in html
    html = client.get(f"/quote/{ids['quote']}").text
    assert "2 version(s)" in html and "this quote" in html
    assert "possible misquote or different translation" in html


def test_other_pages_and_static(client: TestClient) -> None:
    for url in ("/stories", "/entities", "/entities?q=NATO", "/stories?q=NATO",
                "/quotes?offset=20"):
        assert client.get(url).status_code == 200, url
    css = client.get("/static/style.css")
    assert css.status_code == 200 and "text/css" in css.headers["content-type"]


def test_local_api_reference(client: TestClient) -> None:
    html = client.get("/api-docs").text
    for path in ("/api/search", "/api/articles/{article_id}", "/api/timeline", "/api/ingest"):
        assert f"{path}</code>" in html
    assert "maximum 500" in html
    assert "/docs" in html and "CDN" not in html


def test_pages_are_self_contained(client: TestClient, ids: dict[str, str]) -> None:
    """No external assets, no inline scripts, only the local app.js; a CSP forbids the rest
    anyway."""
    for url in ("/", f"/article/{ids['article']}", f"/story/{ids['story']}",
                f"/entity/{ids['entity']}", "/quotes", f"/quote/{ids['quote']}", "/api-docs"):
        r = client.get(url)
        assert not re.search(r'(src|href)="(https?:)?//', r.text), url
        assert only_own_script(r.text), url
        csp = r.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src 'self';" in csp
        assert "unsafe-inline" not in csp and "http" not in csp


XSS = ("Minister warns of <script>alert(1)</script> in council\n\n"
       "The minister said on Tuesday that the council would meet again next week to discuss "
       "the budget, which has been delayed for months by disagreements between the parties.\n\n"
       "Officials described the payload <script>alert(1)</script> and an image "
       "<img src=x onerror=alert(1)> as a test of the city's new website, which launched last "
       "month after two years of work.\n\n"
       '"We take security seriously <script>alert(1)</script>," the minister told reporters '
       "at the town hall, adding that no data had been lost.\n\n"
       "The council is expected to vote on the plan at its next meeting, officials said.\n")


def test_article_content_is_escaped(tmp_path: Path) -> None:
    src = tmp_path / "evil.txt"
    src.write_text(XSS, encoding="utf-8")
    db = tmp_path / "xss.db"
    assert api.ingest([str(src)], db=db).errors == []
    client = TestClient(create_app(str(db)))
    art_id = client.get("/api/articles").json()["articles"][0]["id"]
    assert "<script>" in client.get(f"/api/articles/{art_id}").json()["text"]  # stored as is
    pages = [client.get(f"/article/{art_id}").text, client.get("/?q=alert").text,
             client.get("/quotes").text]
    for html in pages:
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert only_own_script(html)
        assert "<img" not in html
        assert not re.search(r"<[^>]*\sonerror\s*=", html)  # no tag carries the attribute
    assert "&lt;img src=x onerror=alert(1)&gt;" in pages[0]


def _opened(marks: list) -> list:
    return [(m.quote.id if m.quote else "hl", m.first) for m in marks
            if isinstance(m, Mark) and m.opens]


def test_text_marks_nest_quotes_and_split_mentions() -> None:
    text = "Ann Lee said: we will win here."
    q = Quote(14, 30, text[14:30], "indirect", speaker="Ann Lee", id="q1")
    inner = Quote(17, 21, "will", "partial", id="q2")  # a partial quote inside the indirect
    m1 = Mention(0, 7, "Ann Lee", "PERSON", "e1", "Ann Lee")
    m2 = Mention(25, 31, "here.", "GPE", "e2", "X")  # crosses the quote's end
    marks = text_marks(text, [inner, q], [m1, m2])
    pieces = [m for m in marks if isinstance(m, Piece)]
    assert "".join(p.text for p in pieces) == text
    assert _opened(marks) == [("q1", True), ("q2", True)]  # both drawn, each with its anchor
    opens = [(m.quote.id, m.opens) for m in marks if isinstance(m, Mark)]
    assert opens == [("q1", True), ("q2", True), ("q2", False), ("q1", False)]  # nested
    assert pieces[0].mention is m1 and [p.mention.entity_id for p in pieces if p.mention] == [
        "e1", "e2", "e2"]  # the mention is cut at the quote's end


def test_text_marks_reopen_a_quote_that_crosses_another() -> None:
    text = "one two three four five"
    a, b = Quote(0, 13, text[0:13], "direct", id="a"), Quote(8, 23, text[8:23], "direct", id="b")
    marks = text_marks(text, [a, b], [], Evidence(4, 7))
    assert "".join(m.text for m in marks if isinstance(m, Piece)) == text
    # b opens inside a, is closed with it and reopened (its anchor only on the first part)
    assert _opened(marks) == [("a", True), ("hl", True), ("b", True), ("b", False)]
    depth = 0
    for m in marks:
        if isinstance(m, Mark):
            depth += 1 if m.opens else -1
            assert depth >= 0
    assert depth == 0


def test_every_quote_has_its_anchor_and_links_can_point_at_words(client: TestClient,
                                                                  seed_store: Path) -> None:
    """'in its article' links (#q-ID) land on the quote, nested ones included, and an evidence
    link (?hl=START-END#hl) marks the words it points at."""
    db = str(seed_store)
    _, arts = api.articles(db, 50)
    for a in arts:
        html = client.get(f"/article/{a['id']}").text
        assert html.count("<mark") == html.count("</mark>")
        for q in api.quotes(db, article_id=a["id"], limit=10**4):
            assert f'id="q-{q.id}"' in html, q.text
    page = client.get(f"/article/{arts[0]['id']}?hl=0-12")
    assert page.status_code == 200 and 'class="evidence" id="hl"' in page.text
    assert client.get(f"/article/{arts[0]['id']}?hl=12").status_code == 422


def test_clip_cuts_at_a_word_and_says_so() -> None:
    assert clip("short", 200) == "short"
    cut = clip("the collective West will increase the pressure on Russia", 30)
    assert cut == "the collective West will…"


def test_raw_pieces_mark_removed_lines() -> None:
    raw = "Advertisement\nBody text.\nFooter"
    pieces = raw_pieces(raw, [Drop(0, 13, "advertisement"), Drop(25, 31, "footer")])
    assert "".join(p.text for p in pieces) == raw
    assert [p.reason for p in pieces] == ["advertisement", None, "footer"]


def test_create_app_needs_a_store(tmp_path: Path) -> None:
    from newsgraph.errors import NewsgraphError

    with pytest.raises(NewsgraphError):
        create_app(str(tmp_path / "missing.db"))


def test_ingest_is_off_by_default(client: TestClient) -> None:
    r = client.post("/api/ingest?filename=a.txt", content=b"Some words.")
    assert r.status_code == 403 and "--allow-ingest" in r.json()["detail"]


def test_ingest_upload(tmp_path: Path) -> None:
    db = tmp_path / "up.db"
    api.open_store(db).close()  # an empty store
    client = TestClient(create_app(str(db), allow_ingest=True, max_upload=20_000))
    r = client.post("/api/ingest", params={"filename": "../../evil name.txt"},
                    content=XSS.encode())
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["summary"]["articles_new"] == 1 and body["errors"] == []
    assert body["file"] == "evil_name.txt"
    assert Path(body["stored_as"]).parent == Path(f"{db}.uploads")
    assert client.get("/api/search?q=minister").json()["total"] == 1
    again = client.post("/api/ingest", params={"filename": "evil name.txt"},
                        content=XSS.encode()).json()
    assert again["summary"]["articles_new"] == 0  # nothing twice
    bad = client.post("/api/ingest", params={"filename": "bad.jsonl"}, content=b"{not json\n")
    assert bad.status_code == 200 and bad.json()["errors"]  # reported, not raised
    assert client.post("/api/ingest", params={"filename": "x.exe"},
                       content=b"MZ").status_code == 415
    assert client.post("/api/ingest", params={"filename": "big.txt"},
                       content=b"a" * 20_001).status_code == 413
    assert client.post("/api/ingest", params={"filename": "empty.txt"},
                       content=b"").status_code == 422
    assert client.post("/api/ingest", content=b"x").status_code == 422  # no filename


@pytest.mark.parametrize("workers", [1, 2])
def test_serve_answers_on_loopback(seed_store: Path, workers: int) -> None:
    """`newsgraph serve` as a user runs it (one process, or several with --workers)."""
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    script = Path(sys.executable).with_name("newsgraph")
    proc = subprocess.Popen([str(script), "serve", "--db", str(seed_store), "--port", str(port),
                             "--workers", str(workers)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline, body = time.monotonic() + 60, None
        while body is None and time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(
                        f"http://127.0.0.1:{port}/api/search?q=Lukashenko", timeout=5) as r:
                    body = r.read().decode()
            except OSError:
                time.sleep(0.2)
        assert body is not None, proc.stdout.read() if proc.poll() is not None else "no answer"
        assert '"total":2' in body.replace(" ", "")
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_uploads_need_one_server_process(seed_store: Path) -> None:
    from typer.testing import CliRunner

    from newsgraph.cli import app

    done = CliRunner().invoke(app, ["serve", "--db", str(seed_store), "--workers", "2",
                                    "--allow-ingest"])
    assert done.exit_code == 2 and "single writer" in done.output


def test_serve_on_a_port_in_use_says_so_and_exits_1(seed_store: Path) -> None:
    import socket

    from typer.testing import CliRunner

    from newsgraph.cli import app

    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        done = CliRunner().invoke(app, ["serve", "--db", str(seed_store), "--port", str(port)])
    assert done.exit_code == 1 and "cannot serve on 127.0.0.1" in done.output
    assert "serving" not in done.output
