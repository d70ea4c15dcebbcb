"""The end passes' warm-up (importing wordfreq in the writer thread) starts only after the
engine has given its first results, i.e. after the model load: the two at once deadlocked
(an extension import holding the GIL waiting for glibc's loader lock, threadpoolctl's
dl_iterate_phdr callback holding that lock waiting for the GIL), and a test run hung on it."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

from newsgraph import api, ingest
from newsgraph.engines import LocalEngine


class SlowStartEngine(LocalEngine):
    """The local engine, with a set-up that takes a while before the first results (as a
    model load does), and a flag for when it is over."""

    def __init__(self, settings: api.Settings) -> None:
        super().__init__(settings, 1)
        self.started = threading.Event()

    def map(self, batches: Any) -> Any:
        time.sleep(0.5)  # "loading the model"
        self.started.set()
        yield from super().map(batches)


def test_warm_up_waits_for_the_engine(seeds_dir: Path, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bool] = []
    real = ingest.warm_end_passes

    def warm(settings: api.Settings) -> None:
        seen.append(engine.started.is_set())
        real(settings)

    monkeypatch.setattr(ingest, "warm_end_passes", warm)
    settings = api.Settings(nlp=False, stories=True, db=str(tmp_path / "s.db"))
    engine = SlowStartEngine(settings)
    report = api.ingest([str(seeds_dir)], settings=settings, engine=engine)
    assert report.articles_new == len(list(seeds_dir.glob("*.txt")))
    assert seen == [True], "the warm-up ran while the engine was still starting"
