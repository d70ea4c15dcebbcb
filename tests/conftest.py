"""Shared fixtures: the seed corpus shipped with the project, and fresh stores."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "examples" / "seeds"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def seed_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed corpus ingested once (read-only use)."""
    from newsgraph import api

    db = tmp_path_factory.mktemp("seedstore") / "seeds.db"
    report = api.ingest([str(SEEDS)], db=db)
    assert report.errors == []
    return db


@pytest.fixture()
def seeds_copy(tmp_path: Path) -> Path:
    dest = tmp_path / "seeds"
    shutil.copytree(SEEDS, dest)
    return dest


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--screenshots", action="store_true", default=False,
                     help="browser tests (tests/web) save a PNG of each page they check "
                          "under tests/web/screenshots/")
