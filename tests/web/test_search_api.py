"""Search filters and counts (api.search_articles, /api/search, the search page): each filter
narrows as it says, counts add up, bad values are 422 (never 500), as-you-type prefixes; and
the Swagger UI at /docs is served from the package, with a CSP that allows only its own
inline script."""

from __future__ import annotations

import base64
import fnmatch
import hashlib
import json
import re
import tomllib
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from newsgraph import api
from newsgraph.web.app import create_app

ROOT = Path(__file__).resolve().parents[2]
BODY = ("{topic} officials met on Tuesday to discuss the harbour plan, which has been delayed "
        "for months by disagreements between the parties and the city council.\n\n"
        "The mayor said the {topic} project would go ahead after the summer, adding that the "
        "budget had been approved by a large majority of the members.\n\n"
        "Residents who use the harbour every day said they welcomed the decision. {n}\n")
ROWS = [  # outlet, published, topic
    ("Daily Ledger", "2024-01-15", "Ferry"), ("Daily Ledger", "2024-02-03", "Bridge"),
    ("The Courier", "2024-02-20", "Ferry"), ("The Courier", "2024-03-01", "Tunnel"),
    ("the courier", "2024-03-31", "Ferry"), ("Metro Times", None, "Ferry"),
]


@pytest.fixture(scope="module")
def outlets_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Six articles of three outlets over three months, one undated (NLP and stories off)."""
    folder = tmp_path_factory.mktemp("outlets")
    src = folder / "feed.jsonl"
    with src.open("w", encoding="utf-8") as out:
        for n, (outlet, published, topic) in enumerate(ROWS):
            rec = {"title": f"{topic} plan {n}", "text": BODY.format(topic=topic, n=n),
                   "outlet": outlet, **({"published": published} if published else {})}
            out.write(json.dumps(rec) + "\n")
    settings = api.Settings().merged(nlp=False, stories=False)
    db = folder / "outlets.db"
    assert api.ingest([str(src)], db=db, settings=settings).errors == []
    return str(db)


@pytest.fixture(scope="module")
def client(outlets_db: str) -> TestClient:
    return TestClient(create_app(outlets_db))


@pytest.fixture(scope="module")
def seeds(seed_store: Path) -> TestClient:
    return TestClient(create_app(str(seed_store)))


def search(client: TestClient, **params: str) -> dict:
    r = client.get("/api/search", params=params)
    assert r.status_code == 200, r.text
    return r.json()


def test_outlet_and_dates_narrow_the_results(client: TestClient) -> None:
    assert search(client, q="harbour")["total"] == 6
    assert search(client, q="harbour", outlet="the courier")["total"] == 3  # any case
    assert search(client, q="ferry", outlet="The Courier")["total"] == 2
    # inclusive ends, at day, month and year precision; undated articles are out
    assert search(client, q="harbour", date_from="2024-02-03", date_to="2024-03-01")[
        "total"] == 3
    assert search(client, q="harbour", date_from="2024-02")["total"] == 4
    assert search(client, q="harbour", date_to="2024-02")["total"] == 3
    assert search(client, q="harbour", date_from="2024", date_to="2024")["total"] == 5
    assert search(client, q="harbour", date_from="2025")["total"] == 0


def test_filters_without_a_query_list_newest_first(client: TestClient) -> None:
    body = search(client, outlet="The Courier")
    assert [h["published"] for h in body["hits"]] == ["2024-03-31", "2024-03-01", "2024-02-20"]
    assert body["query"] == "" and body["filters"] == {"outlet": "The Courier"}
    assert body["hits"][0]["snippet"].startswith("Ferry officials met")


def test_counts_add_up(client: TestClient) -> None:
    body = search(client, q="harbour", facets="true", limit="2")
    assert body["total"] == 6 and len(body["hits"]) == 2
    facets = body["facets"]
    for name in ("outlet", "language", "month"):
        assert sum(n for _, n in facets[name]) == 6, name
    assert dict(map(tuple, facets["outlet"])) == {"Daily Ledger": 2, "The Courier": 2,
                                                   "the courier": 1, "Metro Times": 1}
    assert facets["month"] == [["2024-01", 1], ["2024-02", 2], ["2024-03", 2], [None, 1]]
    assert facets["language"] == [["en", 6]]
    narrowed = search(client, q="ferry", outlet="the courier", facets="true")
    assert narrowed["total"] == 2 and narrowed["facets"]["month"] == [["2024-02", 1],
                                                                      ["2024-03", 1]]


def test_language_filter(client: TestClient, outlets_db: str) -> None:
    assert search(client, q="harbour", language="en")["total"] == 6
    assert search(client, q="harbour", language="fr")["total"] == 0
    assert search(client, q="harbour", language="unknown")["total"] == 0
    # without the store's languages at hand the answers are the same, read from the rows
    res = api.search_articles(outlets_db, "harbour", api.SearchFilters(language="EN"),
                              facets=True)
    assert res.total == 6 and res.facets and res.facets["language"] == [("en", 6)]


def test_story_entity_and_speaker_filters(seeds: TestClient, seed_store: Path) -> None:
    story = api.stories(str(seed_store), None, 1)[0].id
    body = search(seeds, story=story[:8])
    assert body["total"] == 5 and body["filters"]["story"] == story
    body = search(seeds, q="Lukashenko", entity="Putin")
    assert body["total"] == 2 and body["filters"]["entity_name"] == "Vladimir Putin"
    assert search(seeds, entity="Lukashenko")["total"] == 2
    peskov = search(seeds, speaker="Peskov")
    assert peskov["total"] == 1
    assert peskov["hits"][0]["title"] == "Russia in ‘direct confrontation’ with NATO"
    assert search(seeds, q="NATO", speaker="Nobody Atall")["total"] == 0


@pytest.mark.parametrize("params", [
    {"q": "x", "date_from": "2024-13"}, {"q": "x", "date_from": "2024-02-30"},
    {"q": "x", "date_to": "yesterday"}, {"q": "x", "date_from": "2024-03", "date_to": "2024-02"},
    {"q": "x", "date_from": "2024-02-29", "date_to": "2024-02-28"},
    {"q": "x", "date_from": "2024-01-01-01"}, {"q": "x", "language": "e n"},
    {"q": "x", "language": "english!"}, {"q": "x", "story": "nosuchstory"},
    {"q": "x", "entity": "zzzqqq"}, {"q": "x", "outlet": "o" * 201},
    {"q": "x", "facets": "maybe"}, {"q": "x", "prefix": "2"}, {"outlet": ""}, {},
])
def test_bad_filters_are_422(client: TestClient, params: dict[str, str]) -> None:
    r = client.get("/api/search", params=params)
    assert r.status_code == 422, r.text
    assert r.json()["detail"]
    if params.get("q") and "facets" not in params and "prefix" not in params:
        page = client.get("/", params=params)
        assert page.status_code == 422 and "text/html" in page.headers["content-type"]


def test_broken_syntax_with_filters_is_friendly(client: TestClient) -> None:
    body = search(client, q='"harbour', outlet="Daily Ledger", facets="true")
    assert body["total"] == 2 and body["note"].startswith("searched as plain words")
    assert search(client, q="***", outlet="Daily Ledger")["total"] == 0


def test_as_you_type() -> None:
    assert api.as_you_type("Lukash") == '"Lukash"*'
    assert api.as_you_type("putin luka") == '"putin" "luka"*'
    assert api.as_you_type("putin lu") == '"putin" "lu"'  # short prefixes match too much
    assert api.as_you_type("putin ") == "putin "  # a finished word is read as it is
    for fts in ('"direct conf', "NATO OR Rus", "NATO AND", "nato*", "(a b"):
        assert api.as_you_type(fts) == fts


def test_prefix_search(seeds: TestClient) -> None:
    assert search(seeds, q="Lukash")["total"] == 0
    assert search(seeds, q="Lukash", prefix="true")["total"] == 2
    said = seeds.get("/api/quotes", params={"q": "confront", "prefix": "true"}).json()
    assert said and all("confront" in q["text"].lower() for q in said)


def test_search_page_shows_filters_counts_and_chips(client: TestClient) -> None:
    html = client.get("/", params={"q": "harbour", "outlet": "The Courier"}).text
    assert "3 article(s) match" in html
    assert 'value="The Courier"' in html and "<datalist" in html
    assert re.search(r'<li><a href="/\?q=harbour&amp;outlet=The\+Courier">The Courier</a> '
                     r'<span class="count">2</span>', html)
    assert 'href="/?q=harbour" aria-label="remove the outlet filter"' in html
    assert 'id="results-chart"' in html  # results by month
    home = client.get("/").text
    assert "6 article(s) in the store" in home and '<div id="results" hidden>' in home


def test_choices_follow_the_store(tmp_path: Path, seeds_copy: Path) -> None:
    """The cached outlets and languages are read again once the store changes."""
    from newsgraph.web.params import choices

    db = tmp_path / "grow.db"
    settings = api.Settings().merged(nlp=False, stories=False)
    api.ingest([str(sorted(seeds_copy.iterdir())[0])], db=db, settings=settings)
    before = sum(n for _, n in choices(str(db))["language"])
    api.ingest([str(seeds_copy)], db=db, settings=settings)
    assert sum(n for _, n in choices(str(db))["language"]) == 5 > before


def test_docs_are_served_locally(seeds: TestClient) -> None:
    r = seeds.get("/docs")
    assert r.status_code == 200
    html = r.text
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in html
    assert not re.search(r'(src|href)="(https?:)?//', html)
    inline = re.findall(r"<script>(.*?)</script>", html, re.S)
    assert len(inline) == 1 and "validatorUrl" in inline[0]
    digest = base64.b64encode(hashlib.sha256(inline[0].encode()).digest()).decode()
    csp = r.headers["content-security-policy"]
    script_src = re.search(r"script-src ([^;]*)", csp)
    assert script_src and script_src.group(1) == f"'self' 'sha256-{digest}'"
    assert "http" not in csp and "connect-src 'self'" in csp
    for name in ("swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png"):
        asset = seeds.get(f"/static/vendor/swagger-ui/{name}")
        assert asset.status_code == 200 and len(asset.content) > 500, name
    assert seeds.get("/openapi.json").json()["paths"]["/api/search"]


def test_static_files_are_package_data() -> None:
    """Every file the web UI serves is in the wheel (pyproject's package-data globs)."""
    conf = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    globs = conf["tool"]["setuptools"]["package-data"]["newsgraph"]
    pkg = ROOT / "src" / "newsgraph"
    web = [p for p in (pkg / "web").rglob("*") if p.is_file() and "__pycache__" not in p.parts
           and p.suffix != ".py"]
    assert len(web) > 15
    for path in web:
        rel = path.relative_to(pkg).as_posix()
        assert any(fnmatch.fnmatch(rel, g) and rel.count("/") == g.count("/") for g in globs), rel


def test_upload_page_only_with_the_flag(seed_store: Path, seeds: TestClient) -> None:
    assert seeds.get("/upload").status_code == 403
    assert 'href="/upload"' not in seeds.get("/").text
    on = TestClient(create_app(str(seed_store), allow_ingest=True, max_upload=1000))
    html = on.get("/upload").text
    assert 'id="upload-form"' in html and 'data-max="1000"' in html
    assert 'data-suffixes=".txt .html .htm .jsonl .warc .warc.gz"' in html
    assert 'href="/upload"' in on.get("/").text
