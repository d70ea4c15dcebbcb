"""Resume after a kill on the paths issue 7 adds: the dask engine into the store, and Parquet
shards (a killed shard run keeps its finished shards, a re-run does only the rest), each
ending with the exports of one clean run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsgraph import api
from tests.test_interrupt import (  # noqa: F401  (corpus_and_clean is a fixture)
    N_FILES,
    _committed,
    _env,
    _export,
    _ingest_cmd,
    _resume_and_compare,
    _script,
    corpus_and_clean,
)

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")]


def test_sigkill_with_dask_engine_then_rerun_equals_clean_run(corpus_and_clean,  # noqa: F811
                                                               tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    corpus, clean = corpus_and_clean
    db = tmp_path / "killed.db"
    env = {**_env(), "NEWSGRAPH_ENGINE": "dask", "NEWSGRAPH_JOBS": "2"}
    proc = subprocess.Popen(_ingest_cmd(corpus, db), env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 300
        while _committed(db) == 0:
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("ingest ended (or stalled) before a first commit could be seen")
            time.sleep(0.02)
        os.killpg(proc.pid, signal.SIGKILL)  # the driver and its dask cluster, all at once
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    _resume_and_compare(corpus, db, clean, tmp_path / "export")


def _markers(out: Path) -> int:
    return len(list((out / "_markers").glob("part-*.json"))) if (out / "_markers").exists() else 0


def test_sigkill_of_a_shard_run_then_rerun_does_only_the_rest(corpus_and_clean,  # noqa: F811
                                                               tmp_path: Path) -> None:
    corpus, clean = corpus_and_clean
    out = tmp_path / "shards"
    env = {**_env(), "NEWSGRAPH_PARQUET_SHARD_SIZE": "20"}  # 45 shards
    cmd = [_script(), "ingest", str(corpus), "--out-parquet", str(out), "--quiet"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 300
        while _markers(out) == 0:
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("the shard run ended (or stalled) before a first marker")
            time.sleep(0.01)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    kept = _markers(out)
    assert 0 < kept < N_FILES // 20, f"the kill landed outside the run ({kept} shards)"
    again = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stdout + again.stderr
    done_before = next(int(line.split("│")[2].strip().replace(",", "")) for line in
                       again.stdout.splitlines() if "done before" in line)
    assert done_before >= kept  # every shard finished before the kill was skipped
    assert _markers(out) == N_FILES // 20
    db = tmp_path / "loaded.db"
    settings = api.Settings(round_size=150, batch_size=16, db=str(db))
    report = api.load(out, settings=settings)
    assert report.errors == []
    assert _export(db, tmp_path / "export") == clean
    assert json.loads((out / "_markers" / "part-000000.json").read_text())["items"] == 20
