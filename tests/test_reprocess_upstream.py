"""`reprocess` after a clean, meta, dedup or repeats version change: the store is made by an
older stage (a patched rule and version), then `reprocess` with today's stages re-runs that
stage and those after it from the store alone, and the exports (JSONL and Parquet) are the
bytes of a fresh ingest. The corpus has learned boilerplate (a masthead line each outlet
repeats under its titles), near-copies, ECB+ news records and NLP on."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from newsgraph import api
from newsgraph.engines import make_engine
from newsgraph.errors import StoreError
from newsgraph.stages import clean, dedup, meta, repeats
from newsgraph.store import Store
from tests.test_engines import assert_same_exports, make_corpus

pytestmark = pytest.mark.slow


def _settings(db: Path) -> api.Settings:
    return api.Settings(batch_size=7, nlp_task_size=7, round_size=60, db=str(db))


def _ingest(corpus: Path, out: Path) -> Path:
    settings = _settings(out / "store.db")
    report = api.ingest([str(corpus)], settings=settings, engine=make_engine(settings, "local", 1))
    assert not report.errors, report.errors
    return out / "store.db"


def _export(db: Path, out: Path) -> Path:
    api.export(db, out / "jsonl")
    api.export(db, out / "parquet", fmt="parquet")
    return out


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> Path:
    root = make_corpus(tmp_path_factory.mktemp("upstream"), seeds_dir, n=130)
    for path in sorted((root / "synthetic").rglob("*.txt")):
        head, rest = path.read_text("utf-8").split("\n", 1)
        outlet = path.parent.name
        path.write_text(f"{head}\n{outlet} Daily Bulletin | morning edition\n{rest}", "utf-8")
    return root


@pytest.fixture(scope="module")
def reference(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("fresh")
    _export(_ingest(corpus, out), out)
    rows = [json.loads(x) for x in (out / "jsonl" / "articles.jsonl").read_text().splitlines()]
    learned = sum(1 for r in rows for d in r["removed"] if d["reason"] == repeats.REASON)
    assert learned >= 100, "the masthead lines should be learned as boilerplate"
    assert sum(1 for r in rows if r["duplicate_of"]) >= 3, "near-copies should be found"
    assert (out / "jsonl" / "quotes.jsonl").stat().st_size > 1000
    return out


def _no_footers(lines: list[Any]) -> None:
    return None


OLDER: dict[str, list[tuple[Any, str, Any]]] = {
    # stage -> what an older version of it did differently (module, attribute, value)
    "clean": [(clean, "VERSION", "clean/0"), (clean, "_mark_footer", _no_footers)],
    "meta": [(meta, "VERSION", "meta/0"),
             (meta, "find_outlet", lambda article: ("One Outlet", "field")),
             (meta, "detect_language", lambda text, settings: (None, None))],
    "dedup": [(dedup, "VERSION", "dedup/0"),
              (dedup.Deduplicator, "_near", lambda self, article, sig: None)],
    "repeats": [(repeats, "VERSION", "repeats/0"),
                (repeats.RepeatLearner, "_is_boilerplate", lambda self, count: False)],
}


def _must_not_run(name: str) -> Callable[..., Any]:
    def fail(*args: object, **kwargs: object) -> Any:
        raise AssertionError(f"reprocess must not run {name} again")
    return fail


BEFORE: dict[str, list[tuple[Any, str, Any]]] = {
    # stage -> the stages before it, which a reprocess for it must not run
    "clean": [],
    "meta": [(clean, "clean_article", _must_not_run("clean"))],
    "dedup": [(clean, "clean_article", _must_not_run("clean")),
              (meta, "annotate", _must_not_run("meta"))],
    "repeats": [(clean, "clean_article", _must_not_run("clean")),
                (meta, "annotate", _must_not_run("meta")),
                (dedup.Deduplicator, "check", _must_not_run("dedup"))],
}


def _older_store(stage: str, corpus: Path, out: Path) -> Path:
    with pytest.MonkeyPatch.context() as mp:
        for target, name, value in OLDER[stage]:
            mp.setattr(target, name, value)
        db = _ingest(corpus, out)
    with sqlite3.connect(db) as conn:
        versions = {json.loads(v).get(stage) for (v,)
                    in conn.execute("SELECT versions FROM articles")}
    assert versions == {f"{stage}/0"} or stage == "repeats" and versions == {"repeats/0", None}
    return db


@pytest.mark.parametrize("stage", ["clean", "meta", "dedup", "repeats"])
def test_reprocess_after_an_upstream_version_change_equals_fresh_ingest(
        stage: str, corpus: Path, reference: Path, tmp_path: Path) -> None:
    db = _older_store(stage, corpus, tmp_path)
    stale = _export(db, tmp_path / "before")
    assert (stale / "jsonl" / "articles.jsonl").read_bytes() != \
        (reference / "jsonl" / "articles.jsonl").read_bytes(), "the older stage should differ"
    with pytest.MonkeyPatch.context() as mp:
        for target, name, value in BEFORE[stage]:
            mp.setattr(target, name, value)
        report = api.reprocess(settings=_settings(db), jobs=1)
    assert report.errors == []
    # repeats records no version on duplicates and on articles without an outlet or folder
    assert set(report.upstream_stale) == {stage}
    assert report.articles * 0.8 < report.upstream_stale[stage] <= report.articles
    first = {"dedup": "dedup/repeats", "repeats": "dedup/repeats"}.get(stage, stage)
    assert report.upstream_redone[first] == report.upstream_stale[stage]
    assert sum(report.upstream_redone.values()) == report.articles  # from the first one on
    assert report.stories_redone
    # NLP re-runs only where its inputs (text, title, date) changed
    assert 0 < report.nlp_invalidated == report.nlp_done <= report.articles
    assert_same_exports(reference, _export(db, tmp_path / "after"))
    again = api.reprocess(settings=_settings(db), jobs=1)
    assert (again.upstream_stale, again.upstream_rounds, again.nlp_stale) == ({}, 0, 0)


def test_upstream_reprocess_on_two_workers_and_after_an_interruption(
        corpus: Path, reference: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Killed after two rounds (each one transaction): those rounds are current, the rest
    stale; the next reprocess (here on 2 worker processes) ends with a fresh ingest's bytes."""
    from newsgraph import upstream_replay

    db = _older_store("clean", corpus, tmp_path)
    real = upstream_replay._replay_round
    rewritten: list[int] = []

    def killed_after_two(*args: Any) -> None:
        index, first = args[4], args[5]
        if index >= first and len(rewritten) == 2:
            raise KeyboardInterrupt
        real(*args)
        if index >= first:
            rewritten.append(index)

    monkeypatch.setattr(upstream_replay, "_replay_round", killed_after_two)
    with pytest.raises(KeyboardInterrupt):
        api.reprocess(settings=_settings(db), jobs=1)
    monkeypatch.undo()
    with sqlite3.connect(db) as conn:
        cleans = [json.loads(v)["clean"] for (v,) in
                  conn.execute("SELECT versions FROM articles ORDER BY seq")]
    done = cleans.index("clean/0")
    assert done > 0 and set(cleans[:done]) == {clean.VERSION}
    assert set(cleans[done:]) == {"clean/0"}
    # meanwhile an ingest would check new articles against a partial duplicate index: refused
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "new.txt").write_text("A new headline\n\nA new story sentence about a summit.\n")
    with pytest.raises(StoreError) as refused:
        api.ingest([str(extra)], settings=_settings(db))
    assert refused.value.code == "E203"
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == len(cleans)
    report = api.reprocess(settings=_settings(db), jobs=2)
    assert report.errors == [] and report.upstream_stale == {"clean": len(cleans) - done}
    assert_same_exports(reference, _export(db, tmp_path / "after"))
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM unfinished").fetchone()[0] == 0


def test_a_reprocess_killed_before_its_end_passes_runs_them_next_time(
        corpus: Path, reference: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every round replayed and the NLP re-run, then killed in the relation pass: nothing is
    stale any more, yet relations, statements and stories are not rebuilt; the next reprocess
    must still run those passes (the replay stays recorded as unfinished until they are done)."""
    from newsgraph import reprocess as reprocess_module

    db = _older_store("dedup", corpus, tmp_path)

    def killed(store: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("newsgraph.relation_pass.rebuild_relations", killed)
    with pytest.raises(KeyboardInterrupt):
        api.reprocess(settings=_settings(db), jobs=1)
    monkeypatch.undo()
    report, stale, _ = reprocess_module.plan(Store(db), _settings(db).merged(nlp=True))
    assert (report.upstream_stale, stale) == ({}, []), "only the end passes should be left"
    api.reprocess(settings=_settings(db), jobs=1)
    assert_same_exports(reference, _export(db, tmp_path / "after"))


def test_html_article_keeps_its_page_date_and_is_reported(tmp_path: Path) -> None:
    """The HTML page is not stored: a meta reprocess keeps the date the page gave at ingest,
    says so on the article and counts it, and re-runs the rest of meta (here the language)."""
    page = ("<html><head><title>Harbour reopens</title>"
            '<meta property="article:published_time" content="2024-04-05T10:00:00Z"></head>'
            "<body><article><h1>Harbour reopens</h1>"
            + "".join(f"<p>The harbour reopened on the morning of item {i}, officials said, "
                      "after repairs to the old sea wall were finished ahead of time.</p>"
                      for i in range(6))
            + "</article></body></html>")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "page.html").write_text(page, "utf-8")
    settings = _settings(tmp_path / "store.db").merged(nlp=False, stories=False)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(meta, "VERSION", "meta/0")
        mp.setattr(meta, "detect_language", lambda text, settings: (None, None))
        api.ingest([str(tmp_path / "in")], settings=settings)
    before = api.get_article(settings.db, api.search(settings.db, "harbour").hits[0]["id"])
    assert before.published and before.language is None
    report = api.reprocess(settings=settings.merged(nlp=False))
    assert report.errors == [] and report.html_dates_kept == 1
    after = api.get_article(settings.db, before.id)
    assert after.id == before.id and after.language == "en"
    assert (after.published, after.published_source) == (before.published,
                                                         before.published_source)
    assert "not stored" in after.notes["published_kept"]
    assert after.versions["meta"] == meta.VERSION


def test_cli_reprocess_says_what_re_ran(seeds_dir: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from newsgraph.cli import app

    db = tmp_path / "store.db"
    settings = _settings(db).merged(nlp=False)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(meta, "VERSION", "meta/0")
        api.ingest([str(seeds_dir)], settings=settings)
    n = api.stats(db)["articles"]
    assert api.stats(db)["older"] == {"meta": {"meta/0": n}}
    shown = CliRunner().invoke(app, ["stats", "--db", str(db)])
    assert re.search(rf"made by an older meta\s*│\s*meta/0 {n}", shown.output), shown.output
    assert "newsgraph reprocess" in shown.output
    result = CliRunner().invoke(app, ["reprocess", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert re.search(rf"made by an older meta\s*│\s*{n}", result.output), result.output
    assert re.search(rf"re-run from meta\s*│\s*{n}", result.output), result.output
    assert "re-ingest" not in result.output
    again = CliRunner().invoke(app, ["reprocess", "--db", str(db)])
    assert again.exit_code == 0 and "re-run from" not in again.output
    assert api.stats(db)["older"] == {}
