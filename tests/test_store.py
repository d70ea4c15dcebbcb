"""Store and ingest behaviour: idempotent re-ingest, incremental runs, migrations, search,
and determinism across worker counts on a mixed corpus (text, JSONL, HTML)."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from newsgraph import api
from newsgraph.errors import StoreError
from newsgraph.store import Store

EVAL = Path(os.environ.get("NEWSGRAPH_EVAL_DATA",
                           Path(__file__).resolve().parents[2] / "shared" / "eval"))


def test_reingest_adds_nothing(seeds_copy: Path, tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    first = api.ingest([str(seeds_copy)], db=db)
    assert first.articles_new == 5
    again = api.ingest([str(seeds_copy)], db=db)
    assert again.articles_new == 0 and again.files_skipped == 5
    with Store(db, readonly=True) as store:
        assert store.count() == 5


def test_touched_but_unchanged_file_adds_nothing(seeds_copy: Path, tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    api.ingest([str(seeds_copy)], db=db)
    victim = next(seeds_copy.iterdir())
    os.utime(victim, (1, 1))  # new mtime, same bytes: recognised by content hash
    again = api.ingest([str(seeds_copy)], db=db)
    assert again.articles_new == 0 and again.files_skipped == 5


def test_only_new_files_are_processed(seeds_copy: Path, tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    api.ingest([str(seeds_copy)], db=db)
    (seeds_copy / "new.txt").write_text("A new headline\n\nA brand new story sentence here.\n",
                                        encoding="utf-8")
    report = api.ingest([str(seeds_copy)], db=db)
    assert report.files_seen == 6 and report.files_skipped == 5 and report.articles_new == 1


def test_same_bytes_under_two_names_is_one_article(seeds_copy: Path, tmp_path: Path) -> None:
    first = next(iter(sorted(seeds_copy.iterdir())))
    shutil.copy(first, seeds_copy / "zz_copy.txt")
    report = api.ingest([str(seeds_copy)], db=tmp_path / "s.db")
    assert report.articles_new == 5 and report.articles_known == 1


def test_schema_version_and_migrations(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    Store(db).close()
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] >= 1
    conn.execute("PRAGMA user_version=999")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError) as exc:
        Store(db)
    assert exc.value.code == "E202"


def test_not_a_store(tmp_path: Path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError):
        Store(bad)
    with pytest.raises(StoreError):
        Store(tmp_path / "missing.db", readonly=True)


def test_empty_file_read_only_is_a_coded_error_and_a_store_once_ingested(
        seeds_dir: Path, tmp_path: Path) -> None:
    """A 0-byte file is a valid empty SQLite database: read-only commands say it is not a
    store (they used to fail on a missing table); ingest makes it one."""
    db = tmp_path / "empty.db"
    db.write_bytes(b"")
    with pytest.raises(StoreError, match=r"E201 .*empty\.db is not a newsgraph store"):
        Store(db, readonly=True)
    assert db.read_bytes() == b"", "a read-only open writes nothing"
    api.ingest([str(seeds_dir)], db=db)
    with Store(db, readonly=True) as store:
        assert sum(1 for _ in store.iter_articles()) == len(list(seeds_dir.glob("*.txt")))


def test_another_programs_sqlite_file_is_refused_and_left_alone(tmp_path: Path) -> None:
    db = tmp_path / "theirs.db"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE notes(body TEXT)")
    conn.execute("INSERT INTO notes VALUES ('keep me')")
    conn.commit()
    conn.close()
    before = db.read_bytes()
    for readonly in (False, True):
        with pytest.raises(StoreError, match=r"E201 .*another program's SQLite database "
                                             r"\(tables notes\)"):
            Store(db, readonly=readonly)
    assert db.read_bytes() == before
    conn = sqlite3.connect(db)
    assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["notes"]
    conn.close()


def test_search_ranks_and_survives_bad_syntax(seed_store: Path) -> None:
    hits = api.search(seed_store, "Lukashenko")
    assert hits.total == 2 and len(hits.hits) == 2
    assert any(match for _, match in api.snippet_parts(hits.hits[0]["snippet"]))
    title_hit = api.search(seed_store, "confrontation")
    assert title_hit.hits[0]["title"].startswith("Russia in")
    for query in ['NATO\'s "', "AND OR", "(((", "*", "NEAR(", ""]:
        result = api.search(seed_store, query)  # never raises
        assert result.total >= 0
    assert api.search(seed_store, 'NATO\'s "').total > 0
    assert api.search(seed_store, "Erdogan").total == api.search(seed_store, "Erdoğan").total


def test_a_minus_excludes_a_word_as_in_web_search(seed_store: Path) -> None:
    everything = {h["id"] for h in api.search(seed_store, "NATO", limit=50).hits}
    with_him = {h["id"] for h in api.search(seed_store, "Lukashenko", limit=50).hits}
    without = api.search(seed_store, "NATO -Lukashenko", limit=50)
    assert {h["id"] for h in without.hits} == everything - with_him and with_him
    assert without.total == len(everything - with_him) and without.note is None
    only = api.search(seed_store, "-Lukashenko")
    assert only.total == 0 and "only excludes" in only.note  # never the excluded articles
    assert api.search(seed_store, "pro-Russian").total >= 0  # a hyphen in a word is no minus
    said = api.quotes(seed_store, query="pressure", limit=100)
    assert said and api.quotes(seed_store, query="pressure -West", limit=100) == []
    assert api.quotes(seed_store, query="(", limit=100) == []  # no words: no quote, not all
    # the search page's quotes beside the hits read the query the same way
    live, _, _ = api.search_everything(seed_store, "NATO -Lukashenko", prefix=True)
    assert {h["id"] for h in live.hits} == everything - with_him  # as typed, live, the same
    _, _, beside = api.search_everything(seed_store, "pressure -West", side=50)
    assert beside == [] and api.search_everything(seed_store, "pressure", side=50)[2]


def test_get_article_by_prefix(seed_store: Path) -> None:
    hit = api.search(seed_store, "Rantanen").hits[0]
    art = api.get_article(seed_store, hit["id"][:8])
    assert art is not None and art.id == hit["id"]
    assert api.get_article(seed_store, "zzzzzzzz") is None


def _mixed_corpus(root: Path, seeds: Path) -> Path:
    corpus = root / "mixed"
    shutil.copytree(seeds, corpus / "seeds")
    records = []
    if (EVAL / "stories" / "ecbplus.jsonl").exists():
        for line in (EVAL / "stories" / "ecbplus.jsonl").read_text("utf-8").splitlines()[:120]:
            doc = json.loads(line)
            records.append({"text": doc["text"], "url": doc["url"]})
        # a repost with a changed headline: must be found as a duplicate in both runs
        records.append({"text": "A different headline\n" + records[5]["text"].split("\n", 1)[1]})
    (corpus / "ecb.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    html_dir = EVAL / "extraction" / "zyte" / "html"
    if html_dir.exists():
        for page in sorted(html_dir.iterdir())[:6]:
            (corpus / "pages").mkdir(exist_ok=True)
            (corpus / "pages" / page.name.replace(".gz", "")).write_bytes(
                gzip.decompress(page.read_bytes()))
    return corpus


def test_jobs_1_and_2_give_identical_exports(seeds_dir: Path, tmp_path: Path) -> None:
    corpus = _mixed_corpus(tmp_path, seeds_dir)
    outs = []
    for jobs in (1, 2):
        db = tmp_path / f"j{jobs}.db"
        report = api.ingest([str(corpus)], db=db, jobs=jobs,
                            settings=api.Settings(batch_size=7))
        assert not report.errors
        out = tmp_path / f"out{jobs}"
        api.export(db, out)
        api.export(db, tmp_path / f"pq{jobs}", fmt="parquet")
        outs.append(out)
    for name in ("articles", "quotes", "entities", "stories", "events", "statements"):
        a = (outs[0] / f"{name}.jsonl").read_bytes()
        assert a == (outs[1] / f"{name}.jsonl").read_bytes(), name
    for name in ("articles", "quotes", "entities", "stories", "events", "statements",
                 "relations"):
        assert (tmp_path / "pq1" / f"{name}.parquet").read_bytes() == \
            (tmp_path / "pq2" / f"{name}.parquet").read_bytes(), name
    for name in ("relations.jsonl", "graph.graphml"):  # relations: issue 5
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name
        assert (outs[0] / name).stat().st_size > 1000, name
    assert (outs[0] / "graph.graphml").read_bytes() == (tmp_path / "pq1" / "graph.graphml"
                                                        ).read_bytes()
    stories = [json.loads(x) for x in (outs[0] / "stories.jsonl").read_text("utf-8").splitlines()]
    assert stories and sum(len(s["article_ids"]) for s in stories) == len(
        (outs[0] / "articles.jsonl").read_text("utf-8").splitlines())
    rows = [json.loads(x) for x in (outs[0] / "articles.jsonl").read_text("utf-8").splitlines()]
    if (EVAL / "stories" / "ecbplus.jsonl").exists():
        assert sum(1 for r in rows if r["duplicate_of"]) >= 1


def test_renamed_file_is_recognised_by_its_bytes(seeds_copy: Path, tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    api.ingest([str(seeds_copy)], db=db)
    first = sorted(seeds_copy.iterdir())[0]
    first.rename(seeds_copy / "renamed.txt")  # new path: read and hashed again by a worker
    again = api.ingest([str(seeds_copy)], db=db, jobs=2)
    assert again.articles_new == 0 and again.articles_known == 0 and again.files_skipped == 5
    assert again.errors == []


def test_store_from_before_bulk_search_indexing_keeps_its_index(seeds_dir: Path,
                                                                 tmp_path: Path) -> None:
    """A store made at schema 2 (search index filled by a trigger) migrates to bulk indexing:
    old rows stay searchable and new ones are indexed once."""
    from newsgraph.store.sqlite import _migrations

    db = tmp_path / "old.db"
    conn = sqlite3.connect(db)
    for number, sql in _migrations():
        if number <= 2:
            conn.executescript(f"BEGIN;\n{sql}\nPRAGMA user_version={number};\nCOMMIT;")
    conn.execute(
        "INSERT INTO articles(id, source_path, title, text, raw_text, removed, segments, notes,"
        " versions, hints) VALUES ('old1', 'old.txt', 'Archive piece',"
        " 'Zanzibar ferry timetables changed.', 'x', '[]', '[]', '{}', '{}', '{}')")
    conn.commit()
    conn.close()
    api.ingest([str(seeds_dir)], db=db)
    with Store(db, readonly=True) as store:
        assert [h["id"] for h in store.search("Zanzibar")] == ["old1"]
        assert store.search_count("Lukashenko") == 2
        indexed = store.conn.execute("SELECT count(*) FROM articles_fts_docsize").fetchone()[0]
        assert indexed == store.count() == 6  # every article indexed exactly once


def test_ingest_gc_settings_are_restored() -> None:
    import gc

    from newsgraph.gcpolicy import INGEST_THRESHOLDS, ingest_gc

    before = gc.get_threshold()
    with ingest_gc():
        assert gc.get_threshold() == INGEST_THRESHOLDS
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


def test_store_from_before_the_seq_band_index_still_finds_near_copies(seeds_dir: Path,
                                                                      tmp_path: Path) -> None:
    """A schema-7 store (band rows keyed by article id, migration 008 not yet applied) keeps its
    LSH index: after the migration, a repost of a stored article is found as its near-copy."""
    db = tmp_path / "old.db"
    api.ingest([str(seeds_dir)], db=db)
    conn = sqlite3.connect(db)  # take the store back to schema 7, as an older newsgraph left it
    conn.executescript(
        "BEGIN;"
        "CREATE TABLE dedup_bands (band INTEGER NOT NULL, article_id TEXT NOT NULL);"
        "INSERT INTO dedup_bands SELECT b.band, s.article_id FROM dedup_band_seqs b"
        " JOIN dedup_signatures s ON s.seq = b.seq;"
        "CREATE INDEX dedup_bands_band ON dedup_bands(band);"
        "DROP TABLE dedup_band_seqs; DROP INDEX dedup_signatures_seq;"
        "ALTER TABLE stories DROP COLUMN detail;"  # migration 010's
        "PRAGMA user_version=7; COMMIT;")
    bands = conn.execute("SELECT count(*) FROM dedup_bands").fetchone()[0]
    conn.close()
    seed = sorted(seeds_dir.iterdir())[1]
    repost = tmp_path / "repost"
    repost.mkdir()
    (repost / "copy.txt").write_text(
        seed.read_text("utf-8") + "\nThis paragraph was added by the outlet that reposted it.\n",
        "utf-8")
    api.ingest([str(repost)], db=db)
    with Store(db, readonly=True) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] >= 8
        moved = store.conn.execute("SELECT count(*) FROM dedup_band_seqs").fetchone()[0]
        assert moved > bands > 0  # the old rows moved over, the repost's rows added
        by_path = {Path(a.source_path).name: a for a in store.iter_articles()}
        assert by_path["copy.txt"].duplicate_of == by_path[seed.name].id


def test_errors_list_line_numbers_in_number_order(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    lines = [json.dumps({"text": f"A good article about the harbour and its ships, line {n}."})
             for n in range(1, 13)]
    lines[1] = lines[9] = "{not json"
    feed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = tmp_path / "e.db"
    api.ingest([str(feed)], db=db, settings=api.Settings(nlp=False, stories=False))
    assert [e.path.rsplit("=", 1)[1] for e in api.errors(db)] == ["2", "10"]


def test_an_id_that_finds_nothing_says_why(seed_store: Path) -> None:
    assert api.why_no_id(seed_store, "article", "a") == (
        "no article with id a: give at least 4 characters of its id")
    assert api.why_no_id(seed_store, "article", "azzzzzzz") == "no article with id azzzzzzz"
    assert api.why_no_id(seed_store, "entity", "e%") == "no entity with id e%"  # no wildcard
