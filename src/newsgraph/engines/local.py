"""The local engine: in-process for one job, a process pool for more. Results come back in input
order, and at most `8 x jobs` batches are in flight, so memory stays bounded on huge inputs."""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from newsgraph.config import Settings
from newsgraph.gcpolicy import tune_for_ingest
from newsgraph.pipeline import Worker
from newsgraph.records import Article, IngestError, RawDoc

_worker: Worker | None = None
PIPE_BYTES = 1 << 20


def _init(settings: Settings) -> None:
    # Ctrl-C reaches the whole process group: the driver handles it (commits stay, pool is
    # terminated); workers must not each die with a traceback of their own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    tune_for_ingest()
    lower_priority(settings.worker_nice)
    global _worker
    _worker = Worker(settings)
    _worker.setup()  # models load once per worker process


def lower_priority(nice: int) -> None:
    """Make this worker process nicer than the driver (see Settings.worker_nice). Measured on
    2 cores, 10k articles, 2 jobs: each worker waited ~1 s for tasks at equal priority, ~0.2 s
    at +5, and the run took ~8% less time (benchmarks/README.md)."""
    if nice > 0 and hasattr(os, "nice"):
        with contextlib.suppress(OSError):  # not allowed here: equal priority, only slower
            os.nice(nice)


def _run(batch: list[RawDoc]) -> list[Article | IngestError]:
    assert _worker is not None, "worker used before its initializer ran"
    return _worker.process(batch)


def _run_task(fn: Callable[[Worker, Any], Any], item: Any) -> Any:
    assert _worker is not None, "worker used before its initializer ran"
    return fn(_worker, item)


def _widen_pipe(conn: Any) -> None:
    """Let the results pipe hold a whole result (Linux: up to fs.pipe-max-size, 1 MB by
    default). With the default 64 KB a worker's ~250 KB result goes in several writes, each
    waiting until the driver's result thread reads the last one, and that thread shares one
    GIL with the driver and the writer: measured, each of 2 workers spent ~10% of its time
    blocked in that send (benchmarks/README.md)."""
    try:
        import fcntl

        with open("/proc/sys/fs/pipe-max-size") as f:
            size = min(int(f.read()), PIPE_BYTES)
        fcntl.fcntl(conn.fileno(), fcntl.F_SETPIPE_SZ, size)
    except (ImportError, AttributeError, OSError, ValueError):
        pass  # not Linux, or not allowed: the default pipe works, only slower


class LocalEngine:
    name = "local"

    def __init__(self, settings: Settings, jobs: int = 1) -> None:
        self.settings = settings
        self.jobs = max(1, jobs)
        self._pool: mp.pool.Pool | None = None

    def map(self, batches: Iterable[list[RawDoc]]) -> Iterator[list[Article | IngestError]]:
        yield from self.map_tasks(None, batches)

    def map_tasks(self, fn: Callable[[Worker, Any], Any] | None,
                  items: Iterable[Any]) -> Iterator[Any]:
        """`fn(worker, item)` for each item (default: `worker.process(batch)`), in input order;
        used for tasks other than one batch, e.g. a Parquet shard (parquet_out.py)."""
        if self.jobs == 1:
            worker = Worker(self.settings)
            worker.setup()
            for item in items:
                yield worker.process(item) if fn is None else fn(worker, item)
            return
        ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
        if ctx.get_start_method() == "fork":
            Worker(self.settings).setup()  # load models once here; forked workers share them
        self._pool = ctx.Pool(self.jobs, initializer=_init, initargs=(self.settings,))
        _widen_pipe(self._pool._outqueue._writer)  # type: ignore[attr-defined]
        try:
            pending: deque[mp.pool.AsyncResult] = deque()
            for item in items:
                pending.append(self._pool.apply_async(_run, (item,)) if fn is None
                               else self._pool.apply_async(_run_task, (fn, item)))
                while len(pending) >= 8 * self.jobs:  # workers keep busy while the driver commits
                    yield pending.popleft().get()
            while pending:
                yield pending.popleft().get()
            self._pool.close()
        finally:
            self._pool.terminate()
            self._pool.join()
            self._pool = None
