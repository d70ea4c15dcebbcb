"""Ingest walks its inputs twice, first only to count them, then streamed: no list of every
input file is held (~400 bytes a file). A folder that changes between the two walks changes
only the progress total and task sizes, never the stored result; walk errors count once."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

import newsgraph.ingest as ingest_mod
from newsgraph import api
from newsgraph.config import Settings
from newsgraph.stages.read.discover import count_inputs, discover_inputs

SETTINGS = Settings(nlp=False, stories=False)


def _corpus(folder: Path, seeds_dir: Path, copies: int = 4) -> None:
    """The seeds, a few times over in sub-folders (distinct texts: a number line each)."""
    for k in range(copies):
        sub = folder / f"{k:02d}"
        sub.mkdir(parents=True)
        for seed in sorted(seeds_dir.glob("*.txt")):
            text = seed.read_text("utf-8")
            (sub / seed.name).write_text(f"{text}\nCopy number {k} of this text.\n", "utf-8")


def _exported(db: Path, out: Path) -> dict[str, bytes]:
    api.export(db, out)
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def test_the_walk_is_consumed_as_files_are_read(seeds_dir: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    _corpus(tmp_path / "in", seeds_dir)
    total = count_inputs([str(tmp_path / "in")])
    pulled = [0]
    at_first_read: list[int] = []

    def walk(paths: list[str]) -> Iterator[object]:
        for item in discover_inputs(paths):
            pulled[0] += 1
            yield item

    real_group = ingest_mod.Ingest._set_group

    def set_group(raw: object, item: object) -> None:
        if not at_first_read:
            at_first_read.append(pulled[0])
        real_group(raw, item)  # type: ignore[arg-type]

    monkeypatch.setattr(ingest_mod, "discover_inputs", walk)
    monkeypatch.setattr(ingest_mod.Ingest, "_set_group", staticmethod(set_group))
    report = api.ingest([str(tmp_path / "in")], db=tmp_path / "s.db", jobs=1,
                        settings=SETTINGS)
    assert report.files_seen == total > 4
    assert at_first_read == [1]  # the first file is read before the second is found


@pytest.mark.parametrize("change", ["grow", "shrink"])
def test_a_folder_that_changes_between_the_walks(seeds_dir: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 change: str) -> None:
    src = tmp_path / "in"
    _corpus(src, seeds_dir)
    counted: list[int] = []

    def count_then_change(paths: list[str]) -> int:
        counted.append(count_inputs(paths))
        if change == "grow":
            _corpus(src / "late", seeds_dir, copies=3)
        else:
            shutil.rmtree(src / "00")
            shutil.rmtree(src / "01")
        return counted[-1]

    monkeypatch.setattr(ingest_mod, "count_inputs", count_then_change)
    totals: list[int] = []
    report = api.ingest([str(src)], db=tmp_path / "changed.db", jobs=2, settings=SETTINGS,
                        progress=lambda event, n: totals.append(n) if event == "total" else None)
    monkeypatch.undo()
    final = count_inputs([str(src)])
    assert totals == counted and final != counted[0]
    assert report.files_seen == final and not report.errors
    fresh = api.ingest([str(src)], db=tmp_path / "fresh.db", jobs=1, settings=SETTINGS)
    assert fresh.articles_new == report.articles_new
    assert (_exported(tmp_path / "changed.db", tmp_path / "out-changed")
            == _exported(tmp_path / "fresh.db", tmp_path / "out-fresh"))


def test_walk_errors_are_reported_once(seeds_dir: Path, tmp_path: Path) -> None:
    src = tmp_path / "in"
    _corpus(src, seeds_dir, copies=1)
    (src / "00" / "gone.txt").symlink_to(tmp_path / "nowhere.txt")  # broken link
    (src / "loop").symlink_to(src)  # a folder loop
    report = api.ingest([str(src)], db=tmp_path / "s.db", jobs=1, settings=SETTINGS)
    walk_errors = [e for e in report.errors if e.code == "E111"]
    assert len(walk_errors) == 2
    assert len({e.path for e in walk_errors}) == 2
    assert report.articles_new == report.files_seen
