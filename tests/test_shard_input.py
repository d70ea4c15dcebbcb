"""`newsgraph load` meets bad shard folders: missing, empty, a truncated or damaged shard file,
a marker that is not JSON or not this format. Each is one coded error naming the file, nothing
is lost (what was committed stays, a re-run completes it), and `ingest --out-parquet` run again
writes a damaged shard anew instead of trusting its marker."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from newsgraph import api
from newsgraph.engines import make_engine
from newsgraph.errors import InputError
from newsgraph.store import Store

SHARD_SIZE = 20


def _settings(db: Path) -> api.Settings:
    # rounds of 10 articles: a load that fails part-way has committed some of them
    return api.Settings(nlp=False, stories=False, parquet_shard_size=SHARD_SIZE, round_size=10,
                        db=str(db))


def _write(corpus: Path, shards: Path, db: Path):
    settings = _settings(db)
    return api.ingest_to_parquet([str(corpus)], shards, settings=settings,
                                 engine=make_engine(settings, "local", 1))


def _stored(db: Path) -> int:
    with Store(db, readonly=True) as store:
        return sum(1 for _ in store.iter_articles())


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> Path:
    root = tmp_path_factory.mktemp("shard-input") / "corpus"
    shutil.copytree(seeds_dir, root / "seeds")
    for i in range(60):
        (root / "wire").mkdir(exist_ok=True)
        (root / "wire" / f"w{i:03d}.txt").write_text(
            f"Wire story {i}\n\nThe harbour board met on day {i} and agreed item {i} "
            f"of the budget after {i + 3} hours of talks.\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def good(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """A complete shard folder and how many articles a direct load stores from it."""
    work = tmp_path_factory.mktemp("good")
    report = _write(corpus, work / "shards", work / "unused.db")
    assert report.errors == [] and report.shards >= 3
    loaded = api.load(work / "shards", settings=_settings(work / "store.db"))
    assert loaded.errors == []
    return work / "shards", _stored(work / "store.db")


def _copy(good: tuple[Path, int], tmp_path: Path) -> Path:
    shards = tmp_path / "shards"
    shutil.copytree(good[0], shards)
    return shards


def test_missing_folder_is_e110(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"E110 .*nosuch: no such folder"):
        api.load(tmp_path / "nosuch", settings=_settings(tmp_path / "s.db"))


def test_folder_without_shards_is_e102(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.txt").write_text("not a shard", encoding="utf-8")
    with pytest.raises(InputError, match=r"E102 .*holds no shards"):
        api.load(tmp_path / "empty", settings=_settings(tmp_path / "s.db"))


@pytest.mark.parametrize("damage", ["truncated", "binary", "empty"])
def test_damaged_shard_file_is_e108_and_a_rerun_writes_it_anew(
        damage: str, corpus: Path, good: tuple[Path, int], tmp_path: Path) -> None:
    shards = _copy(good, tmp_path)
    victim = shards / "part-000001.parquet"
    data = victim.read_bytes()
    victim.write_bytes({"truncated": data[: len(data) // 2], "binary": bytes(range(256)) * 8,
                        "empty": b""}[damage])
    db = tmp_path / "store.db"
    with pytest.raises(InputError, match=r"E108 .*part-000001\.parquet"):
        api.load(shards, settings=_settings(db))
    assert _stored(db) == 0, "the folder is checked before anything is loaded"
    again = _write(corpus, shards, tmp_path / "unused.db")
    assert again.shards_done_before == again.shards - 1  # only the damaged one is redone
    assert api.load(shards, settings=_settings(db)).errors == []
    assert _stored(db) == good[1]


def test_damaged_page_behind_a_good_footer_keeps_what_was_loaded(
        corpus: Path, good: tuple[Path, int], tmp_path: Path) -> None:
    """The footer check passes; the page fails only when read, mid-load: the shards before it
    stay committed, and after the shard is written anew a second load completes the store."""
    shards = _copy(good, tmp_path)
    last = sorted(shards.glob("part-*.parquet"))[-1]
    data = bytearray(last.read_bytes())
    for i in range(8, len(data) // 2, 97):  # data pages sit before the footer
        data[i] ^= 0xFF
    last.write_bytes(bytes(data))
    db = tmp_path / "store.db"
    with pytest.raises(InputError, match=rf"E108 .*{last.name} cannot be read .*delete the file"):
        api.load(shards, settings=_settings(db))
    kept = _stored(db)
    assert 0 < kept < good[1]
    last.unlink()  # what the message says: write it anew (its marker alone would be trusted)
    assert _write(corpus, shards, tmp_path / "unused.db").errors == []
    assert api.load(shards, settings=_settings(db)).errors == []
    assert _stored(db) == good[1]


def test_row_count_that_disagrees_with_the_marker_is_e108(good: tuple[Path, int],
                                                          tmp_path: Path) -> None:
    shards = _copy(good, tmp_path)
    marker = shards / "_markers" / "part-000000.json"
    data = json.loads(marker.read_text(encoding="utf-8"))
    data["articles"] += 1
    marker.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(InputError, match=r"E108 .*part-000000\.parquet holds \d+ rows, its "
                                         r"marker says"):
        api.load(shards, settings=_settings(tmp_path / "s.db"))


@pytest.mark.parametrize("content", [b"", b"\xff\xfe\x00garbage", b"[1, 2, 3]",
                                     b'{"format": "newsgraph-shard/1", "shard": "x"}'])
def test_bad_marker_is_e107_and_a_rerun_writes_it_anew(
        content: bytes, corpus: Path, good: tuple[Path, int], tmp_path: Path) -> None:
    shards = _copy(good, tmp_path)
    (shards / "_markers" / "part-000002.json").write_bytes(content)
    db = tmp_path / "store.db"
    with pytest.raises(InputError, match=r"E107 .*part-000002\.json"):
        api.load(shards, settings=_settings(db))
    again = _write(corpus, shards, tmp_path / "unused.db")
    assert again.shards_done_before == again.shards - 1
    assert api.load(shards, settings=_settings(db)).errors == []
    assert _stored(db) == good[1]


def test_marker_of_another_shard_is_e107(good: tuple[Path, int], tmp_path: Path) -> None:
    shards = _copy(good, tmp_path)
    shutil.copy(shards / "_markers" / "part-000000.json",
                shards / "_markers" / "part-000001.json")
    with pytest.raises(InputError, match=r"E107 .*part-000001\.json: not a newsgraph-shard/1 "
                                         r"marker for this file"):
        api.load(shards, settings=_settings(tmp_path / "s.db"))


def test_cli_load_of_a_bad_folder_is_one_line_exit_1(good: tuple[Path, int],
                                                     tmp_path: Path) -> None:
    shards = _copy(good, tmp_path)
    (shards / "part-000001.parquet").write_bytes(b"PAR1 not really")
    script = Path(sys.executable).with_name("newsgraph")
    for folder, code in ((shards, "E108"), (tmp_path / "nosuch", "E110")):
        proc = subprocess.run([str(script), "load", str(folder), "--db", str(tmp_path / "c.db")],
                              capture_output=True, text=True, timeout=120,
                              env={"COLUMNS": "200", "NO_COLOR": "1", "PATH": "/usr/bin:/bin"})
        assert proc.returncode == 1, proc.stdout + proc.stderr
        assert "Traceback" not in proc.stdout + proc.stderr
        assert code in proc.stderr


def test_cli_out_parquet_naming_a_file_exits_2(seeds_dir: Path, tmp_path: Path) -> None:
    taken = tmp_path / "taken"
    taken.write_text("mine", encoding="utf-8")
    proc = subprocess.run([str(Path(sys.executable).with_name("newsgraph")), "ingest",
                           str(seeds_dir), "--out-parquet", str(taken), "-q"],
                          capture_output=True, text=True, timeout=120,
                          env={"COLUMNS": "200", "NO_COLOR": "1", "PATH": "/usr/bin:/bin",
                               "NEWSGRAPH_NLP": "0"})
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "is a file: give a folder" in proc.stderr and "Traceback" not in proc.stderr
    assert taken.read_text(encoding="utf-8") == "mine"
