"""The distributed engine: the same map stages on Dask (`dask.distributed`).

Without an address it starts a LocalCluster of `jobs` single-threaded worker processes on this
machine; with `scheduler="tcp://host:8786"` it uses a running cluster (`dask scheduler`,
`dask worker ...` on each machine, with newsgraph and the same settings installed there). The
interface is LocalEngine's: batches of RawDoc in, results back in input order, at most
`IN_FLIGHT x workers` batches submitted at once (memory stays bounded on huge inputs). The
driver keeps the corpus stages and the single store writer; workers only run pure stages.

Models load once per worker: a WorkerPlugin builds the pipeline's Worker (spaCy included) in its
`setup`, which also runs on workers that join the cluster later. Every task finds it there.
"""

from __future__ import annotations

import logging
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from distributed import WorkerPlugin

from newsgraph.config import Settings
from newsgraph.records import Article, IngestError, RawDoc

IN_FLIGHT = 4  # batches per worker thread: enough to hide a round trip, little memory
PLUGIN = "newsgraph-pipeline"


class PipelinePlugin(WorkerPlugin):  # type: ignore[misc]
    """One pipeline Worker per dask worker, keyed by its settings so two runs with different
    settings never share models."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.name = f"{PLUGIN}-{abs(hash(settings)):x}"

    def setup(self, worker: Any) -> None:
        import os

        from newsgraph.gcpolicy import tune_for_ingest
        from newsgraph.pipeline import Worker

        for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ.setdefault(var, "1")  # processes parallelise; BLAS threads only compete
        tune_for_ingest()
        pipelines = worker.__dict__.setdefault("_newsgraph", {})
        if self.settings not in pipelines:
            pipeline = Worker(self.settings)
            pipeline.setup()  # models load here, once per worker process
            pipelines[self.settings] = pipeline

    def teardown(self, worker: Any) -> None:
        worker.__dict__.get("_newsgraph", {}).pop(self.settings, None)


def _pipeline(settings: Settings) -> Any:
    from distributed import get_worker

    worker = get_worker()
    pipelines = worker.__dict__.setdefault("_newsgraph", {})
    if settings not in pipelines:  # a worker that missed the plugin (should not happen)
        PipelinePlugin(settings).setup(worker)
    return pipelines[settings]


def run_batch(settings: Settings, batch: list[RawDoc]) -> list[Article | IngestError]:
    return _pipeline(settings).process(batch)  # type: ignore[no-any-return]


def run_task(settings: Settings, fn: Callable[[Any, Any], Any], item: Any) -> Any:
    """`fn(pipeline, item)` on a worker: for tasks other than one batch (e.g. a Parquet shard)."""
    return fn(_pipeline(settings), item)


class DaskEngine:
    name = "dask"

    def __init__(self, settings: Settings, jobs: int = 1, scheduler: str | None = None) -> None:
        self.settings = settings
        self.jobs = max(1, jobs)
        self.scheduler = scheduler
        self.client: Any = None
        self._cluster: Any = None

    # ---- cluster --------------------------------------------------------------------------
    def start(self) -> Any:
        if self.client is not None:
            return self.client
        from distributed import Client, LocalCluster

        logging.getLogger("distributed").setLevel(logging.ERROR)
        if self.scheduler:
            try:
                self.client = Client(self.scheduler, timeout="30s")
            except (OSError, TimeoutError) as exc:
                from newsgraph.errors import EngineError

                raise EngineError("E401", f"no dask scheduler answers at {self.scheduler} "
                                          f"({exc}); start one with `dask scheduler`") from None
        else:
            self._cluster = LocalCluster(
                n_workers=self.jobs, threads_per_worker=1, processes=True,
                dashboard_address=None, silence_logs=logging.ERROR,
            )
            self.client = Client(self._cluster)
        self.client.register_plugin(PipelinePlugin(self.settings))
        return self.client

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    def threads(self) -> int:
        info = self.client.scheduler_info(n_workers=-1)
        return max(1, sum(w.get("nthreads", 1) for w in info["workers"].values()))

    # ---- the engine interface -------------------------------------------------------------
    def map(self, batches: Iterable[list[RawDoc]]) -> Iterator[list[Article | IngestError]]:
        yield from self._ordered(run_batch, ((self.settings, b) for b in batches))

    def map_tasks(self, fn: Callable[[Any, Any], Any] | None,
                  items: Iterable[Any]) -> Iterator[Any]:
        """`fn(pipeline, item)` for each item on the workers, results in input order."""
        if fn is None:
            yield from self.map(items)
        else:
            yield from self._ordered(run_task, ((self.settings, fn, it) for it in items))

    def _ordered(self, fn: Callable[..., Any], calls: Iterable[tuple[Any, ...]]) -> Iterator[Any]:
        try:
            client = self.start()
            limit = IN_FLIGHT * self.threads()
            run = uuid.uuid4().hex[:12]
            pending: deque[Any] = deque()
            for number, args in enumerate(calls):
                pending.append(client.submit(fn, *args, key=f"newsgraph-{run}-{number}",
                                             pure=False))
                while len(pending) >= limit:
                    yield self._result(pending.popleft())
            while pending:
                yield self._result(pending.popleft())
        finally:
            self.close()

    @staticmethod
    def _result(future: Any) -> Any:
        try:
            return future.result()
        finally:
            future.release()  # the scheduler forgets it: memory stays flat over the run
