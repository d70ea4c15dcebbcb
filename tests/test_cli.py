"""The `newsgraph` console script, run as a user runs it (a subprocess): exit statuses as the
contract says, help for every command, and never a traceback."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "examples" / "seeds"
COMMANDS = ("ingest", "search", "show", "stats", "errors", "export", "stories", "story",
            "quotes", "quote", "statements", "events", "timeline", "graph", "entities", "entity")
EXPORT_FILES = ("articles", "quotes", "entities", "stories", "events", "statements",
                "relations")


def _script() -> str:
    beside = Path(sys.executable).with_name("newsgraph")
    if beside.exists():
        return str(beside)
    found = shutil.which("newsgraph")
    assert found, "the newsgraph console script is not installed"
    return found


def run(*args: str, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSGRAPH_")}
    env.update({"COLUMNS": "200", "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"})
    proc = subprocess.run(
        [_script(), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout,
        encoding="utf-8", errors="replace",
    )
    for stream in (proc.stdout, proc.stderr):
        assert "Traceback" not in stream, f"traceback from {args}:\n{stream}"
    return proc


def _row(table: str, name: str) -> int:
    """The number in a summary table's row `name` (rich draws the table with box characters)."""
    match = re.search(rf"^\W*{re.escape(name)}\s*[│|]\s*([\d,]+)", table, re.MULTILINE)
    assert match, f"no row {name!r} in:\n{table}"
    return int(match.group(1).replace(",", ""))


def run_many(
    calls: list[list[str]], cwd: Path
) -> list[subprocess.CompletedProcess[str]]:
    """Independent commands side by side (each is still its own process), to keep tests fast."""
    with ThreadPoolExecutor(max_workers=min(8, len(calls))) as pool:
        return list(pool.map(lambda args: run(*args, cwd=cwd), calls))


@pytest.fixture(scope="module")
def seeded(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, Path, subprocess.CompletedProcess[str]]:
    work = tmp_path_factory.mktemp("cli")
    db = work / "seeds.db"
    proc = run("ingest", str(SEEDS), "--db", str(db), cwd=work)
    return work, db, proc


def test_help_for_every_command(tmp_path: Path) -> None:
    calls = [["--help"]] + [[command, "--help"] for command in COMMANDS]
    results = run_many(calls, tmp_path)
    for args, proc in zip(calls, results, strict=True):
        assert proc.returncode == 0, (args, proc.stderr)
        assert "Usage" in proc.stdout, args
    top = results[0].stdout
    for name in COMMANDS:
        assert name in top
    assert not list(tmp_path.iterdir()), "--help must not create a store or any file"
    # each summary reads as one line in the command list (200 columns): typer's rich mode
    # would print the docstring's own line breaks ("... stories, as" / "`newsgraph ingest` ...")
    assert re.search(r"load +Load Parquet shards .* stories, as `newsgraph ingest` of the same",
                     top), top


def test_ingest_seeds_exits_0_with_summary(seeded) -> None:
    _, db, proc = seeded
    assert proc.returncode == 0, proc.stdout + proc.stderr
    n = len(list(SEEDS.glob("*.txt")))
    assert _row(proc.stdout, "articles added") == n
    assert _row(proc.stdout, "inputs with errors") == 0
    assert "could not be read" not in proc.stdout
    assert db.exists()


def test_reingest_adds_nothing(seeded, tmp_path: Path) -> None:
    work, db, _ = seeded
    copy = tmp_path / "copy.db"
    shutil.copy(db, copy)
    proc = run("ingest", str(SEEDS), "--db", str(copy), cwd=tmp_path)
    assert proc.returncode == 0
    stats = run("stats", "--db", str(copy), cwd=tmp_path)
    n = len(list(SEEDS.glob("*.txt")))
    assert _row(proc.stdout, "files unchanged (skipped)") == n
    assert _row(proc.stdout, "articles added") == 0
    assert stats.returncode == 0
    assert _row(stats.stdout, "articles") == n


def test_ingest_with_a_bad_file_exits_1_and_lists_it(tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    corpus.mkdir()
    shutil.copy(next(SEEDS.glob("*.txt")), corpus / "good.txt")
    (corpus / "bad file é.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(300))
    (corpus / "empty.txt").write_bytes(b"")
    proc = run("ingest", str(corpus), "--db", str(tmp_path / "s.db"), cwd=tmp_path)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "2 input(s) could not be read" in proc.stdout
    assert f"E103 {corpus / 'bad file é.txt'}" in proc.stdout
    assert f"E102 {corpus / 'empty.txt'}" in proc.stdout
    errors = run("errors", "--db", str(tmp_path / "s.db"), cwd=tmp_path)
    assert errors.returncode == 0
    assert "E103" in errors.stdout and "bad file é.txt" in errors.stdout


def test_ingest_nonexistent_path_is_a_bad_input_not_usage(tmp_path: Path) -> None:
    missing = tmp_path / "no such folder"
    proc = run("ingest", str(missing), "--db", str(tmp_path / "s.db"), cwd=tmp_path)
    assert proc.returncode == 1
    assert "E110" in proc.stdout and str(missing) in proc.stdout


USAGE_ERRORS = {
    "unknown-option": ["ingest", "--no-such-option", "x"],
    "no-paths": ["ingest"],
    "jobs-0": ["ingest", "x", "--jobs", "0"],
    "unknown-command": ["frobnicate"],
    "search-no-query": ["search"],
    "export-no-out": ["export", "--db", "x.db"],
}


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    calls = list(USAGE_ERRORS.values())
    for name, proc in zip(USAGE_ERRORS, run_many(calls, tmp_path), strict=True):
        assert proc.returncode == 2, (name, proc.stdout + proc.stderr)
    assert not (tmp_path / "x.db").exists()


def test_export_unknown_format_exits_2(seeded, tmp_path: Path) -> None:
    _, db, _ = seeded
    proc = run("export", "--db", str(db), "--out", str(tmp_path / "o"), "--format", "csv",
               cwd=tmp_path)
    assert proc.returncode == 2
    assert "jsonl or parquet" in proc.stderr + proc.stdout


def test_export_into_a_file_or_an_unwritable_place_is_one_line(seeded, tmp_path: Path) -> None:
    _, db, _ = seeded
    taken = tmp_path / "taken"
    taken.write_text("mine", encoding="utf-8")
    a, b = run_many([["export", "--db", str(db), "--out", str(taken)],
                     ["export", "--db", str(db), "--out", str(taken / "sub")]], tmp_path)
    assert a.returncode == 2 and "is a file: give a folder" in a.stderr, a.stderr
    assert b.returncode == 1 and "cannot write the export into" in b.stderr, b.stderr
    assert taken.read_text(encoding="utf-8") == "mine"


FTS_BREAKERS = ["NATO's \"", "AND OR", '"', "NEAR(a b", "title:", "Putin AND (", "*", ""]


def test_search_never_crashes(seeded) -> None:
    work, db, _ = seeded
    calls = [["search", q, "--db", str(db)] for q in FTS_BREAKERS]
    for args, proc in zip(calls, run_many(calls, work), strict=True):
        assert proc.returncode == 0, (args, proc.stdout + proc.stderr)
        assert "article(s) match" in proc.stdout, args


def test_an_offset_past_any_store_is_a_usage_error(seeded) -> None:
    work, db, _ = seeded
    proc = run("search", "NATO", "--offset", "9223372036854775808", "--db", str(db), cwd=work)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "offset" in proc.stderr


def test_events_filters_take_names_and_prefixes_and_refuse_the_unknown(seeded) -> None:
    work, db, _ = seeded
    from newsgraph.store import Store

    with Store(db, readonly=True) as store:
        art = next(a.id for a in store.iter_articles()
                   if store.events_view().events(a.id, None, None, None, limit=1))
        putin = next(e.id for e in store.entities("Putin", 5) if e.name == "Vladimir Putin")
    calls = [["events", "--entity", "Vladimir Putin", "--limit", "500", "--db", str(db)],
             ["events", "--entity", putin, "--limit", "500", "--db", str(db)],
             ["events", "--article", art[:8], "--db", str(db)],
             ["events", "--entity", "zzzqqq", "--db", str(db)],
             ["events", "--article", "a_" + art[2:8], "--db", str(db)],
             ["show", art[:6].replace(art[3], "%"), "--db", str(db)]]
    by_name, by_id, by_prefix, unknown, wildcard, show = run_many(calls, work)
    assert by_name.returncode == 0 and by_name.stdout == by_id.stdout and "→" in by_id.stdout
    assert by_prefix.returncode == 0 and art in by_prefix.stdout
    assert unknown.returncode == 1 and "no entity matches 'zzzqqq'" in unknown.stderr
    # % and _ are characters of an id prefix, never LIKE wildcards
    assert wildcard.returncode == 1 and "no article matches" in wildcard.stderr
    assert show.returncode == 1


def test_entity_shows_why_it_merged_its_articles_by_title_and_what_it_said(seeded) -> None:
    work, db, _ = seeded
    from newsgraph import api

    found = api.entities(db, "Lukashenko", 1)[0]
    proc = run("entity", found.id[:8], "--db", str(db), cwd=work)
    assert proc.returncode == 0, proc.stderr
    assert "merges:" in proc.stdout and "{" not in proc.stdout  # a list, not a Python dict
    titles = api.article_titles(db, found.article_ids)
    assert all(t and t[:20] in proc.stdout.replace("\n", " ") for t in titles.values())
    assert f"said ({len(api.get_entity(db, found.id)[1])})" in proc.stdout


def test_ingest_of_a_folder_with_nothing_to_read_says_so(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    proc = run("ingest", str(empty), "--db", str(tmp_path / "e.db"), cwd=tmp_path)
    assert proc.returncode == 0 and "nothing was read" in proc.stderr


def test_a_listing_cut_at_its_limit_says_so(seeded) -> None:
    work, db, _ = seeded
    calls = [[cmd, "--limit", n, "--db", str(db)]
             for cmd in ("quotes", "entities", "events") for n in ("2", "10000")]
    procs = run_many(calls, work)
    for args, proc in zip(calls, procs, strict=True):
        assert proc.returncode == 0, args
        cut = "shown; more with --limit N" in proc.stdout
        assert cut == (args[2] == "2"), args


def test_search_finds_seed_words(seeded) -> None:
    work, db, _ = seeded
    proc = run("search", "NATO's \"", "--db", str(db), cwd=work)
    assert proc.returncode == 0
    assert not proc.stdout.startswith("0 article(s)")
    proc = run("search", "Putin", "--db", str(db), cwd=work)
    first = proc.stdout.splitlines()[0]
    assert first.split()[0].replace(",", "").isdigit() and int(first.split()[0]) >= 1


def test_show_known_and_unknown_id(seeded) -> None:
    work, db, _ = seeded
    proc = run("show", "zzzzzzzzzzzz", "--db", str(db), cwd=work)
    assert proc.returncode == 1
    assert "no article" in proc.stderr
    # a real id, taken from the export
    out = work / "ids"
    assert run("export", "--db", str(db), "--out", str(out), cwd=work).returncode == 0
    first = json.loads((out / "articles.jsonl").read_text(encoding="utf-8").splitlines()[0])
    proc = run("show", first["id"], "--db", str(db), cwd=work)
    assert proc.returncode == 0
    assert first["id"] in proc.stdout


def test_stats_and_errors_on_a_clean_store(seeded) -> None:
    work, db, _ = seeded
    stats = run("stats", "--db", str(db), cwd=work)
    assert stats.returncode == 0 and "articles" in stats.stdout
    errors = run("errors", "--db", str(db), cwd=work)
    assert errors.returncode == 0 and "no errors" in errors.stdout


def test_export_jsonl_and_parquet_agree(seeded, tmp_path: Path) -> None:
    work, db, _ = seeded
    pq = pytest.importorskip("pyarrow.parquet")
    jdir, pdir = tmp_path / "j", tmp_path / "p"
    pj = run("export", "--db", str(db), "--out", str(jdir), cwd=work)
    assert pj.returncode == 0, pj.stderr
    for name in EXPORT_FILES:
        assert (jdir / f"{name}.jsonl").exists(), name
    rows = [json.loads(ln) for ln in
            (jdir / "articles.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) == len(list(SEEDS.glob("*.txt")))
    for key in ("id", "source_path", "url", "outlet", "title", "text", "published",
                "published_source", "language", "story_id", "duplicate_of", "removed"):
        assert all(key in r for r in rows), key
    pp = run("export", "--db", str(db), "--out", str(pdir), "--format", "parquet", cwd=work)
    assert pp.returncode == 0, pp.stderr
    table = pq.read_table(pdir / "articles.parquet").to_pylist()
    assert [r["id"] for r in table] == [r["id"] for r in rows]
    assert table == rows  # same rows, same values, same order
    # same store, same bytes
    again = tmp_path / "j2"
    run("export", "--db", str(db), "--out", str(again), cwd=work)
    assert (again / "articles.jsonl").read_bytes() == (jdir / "articles.jsonl").read_bytes()


def test_stories_story_and_quotes_of_a_story(seeded) -> None:
    work, db, _ = seeded
    listed = run("stories", "--db", str(db), cwd=work)
    assert listed.returncode == 0, listed.stderr
    ids = re.findall(r"\bs[0-9a-f]{16}\b", listed.stdout)
    assert ids, listed.stdout
    found = run_many([["story", ids[0][:8], "--db", str(db)],
                      ["quotes", "--story", ids[0], "--db", str(db), "--limit", "3"],
                      ["stories", "Lukashenko", "--db", str(db)],
                      ["stories", "zzzzqqq", "--db", str(db)],
                      ["story", "nosuchstory", "--db", str(db)],
                      ["quotes", "--story", "nosuchstory", "--db", str(db)]], work)
    story, quotes, query, nothing, unknown, no_quotes = found
    assert story.returncode == 0 and ids[0] in story.stdout and "articles" in story.stdout
    assert quotes.returncode == 0 and "“" in quotes.stdout
    assert query.returncode == 0 and ids[0] in query.stdout
    assert nothing.returncode == 0 and "no stories found" in nothing.stdout
    assert unknown.returncode == 1 and "no story with id" in unknown.stderr
    # a story the store does not hold is an error, not an empty listing
    assert no_quotes.returncode == 1 and "no story matches 'nosuchstory'" in no_quotes.stderr


def test_commands_on_a_missing_store(tmp_path: Path) -> None:
    db = tmp_path / "missing.db"
    calls = [["stats"], ["errors"], ["search", "x"], ["show", "abcd"],
             ["export", "--out", str(tmp_path / "out")]]
    for args, proc in zip(calls, run_many([[*a, "--db", str(db)] for a in calls], tmp_path),
                          strict=True):
        assert proc.returncode != 0, args
        assert "no store" in proc.stderr and "newsgraph ingest" in proc.stderr, args
    assert not db.exists(), "a reader must not create the store"


def test_commands_on_a_file_that_is_not_a_store(tmp_path: Path) -> None:
    db = tmp_path / "notes.txt"
    db.write_text("just some notes\n")
    calls = [[*args, "--db", str(db)] for args in (["stats"], ["search", "x"], ["ingest", "."])]
    for args, proc in zip(calls, run_many(calls, tmp_path), strict=True):
        assert proc.returncode != 0, args
        assert "not a newsgraph store" in proc.stderr, args
    assert db.read_text() == "just some notes\n", "a foreign file is never overwritten"
