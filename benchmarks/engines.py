"""Dask against Ray on this machine, for the choice of the distributed engine (issue 7): start-up
(cluster up, models loaded, first result back), ingest throughput without NLP and with NLP, and
peak RSS of the whole process tree (driver, scheduler/raylet, workers), each engine on the same
corpus into a fresh store, in-process through `api.ingest(engine=...)`.

Ray is not a newsgraph dependency (about 240 MB installed); run this from a throwaway venv
that has ray and can import newsgraph (a .pth file pointing at .venv's site-packages and src/):

    python -m venv /tmp/rayvenv && /tmp/rayvenv/bin/pip install ray==2.60.0
    /tmp/rayvenv/bin/python benchmarks/engines.py --engines dask ray [--sizes 10000] [--nlp 300]

The Ray side is a minimal engine written here (one actor per worker holding the pipeline, so
models load once per actor; tasks submitted round-robin, results in input order, bounded in
flight) — the same contract as engines/dask.py. No pass/fail: timings vary by machine.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from common import rss_by_pid
from ingest import build_corpus

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


class RayEngine:
    """The engine contract on Ray actors (measurement only)."""

    name = "ray"

    def __init__(self, settings: Any, jobs: int) -> None:
        self.settings, self.jobs = settings, jobs

    def map(self, batches: Iterable[list[Any]]) -> Iterator[list[Any]]:
        import ray

        from newsgraph.pipeline import Worker

        if not ray.is_initialized():
            ray.init(num_cpus=self.jobs, include_dashboard=False, log_to_driver=False,
                     logging_level="ERROR")

        @ray.remote(num_cpus=1)
        class Pipeline:
            def __init__(self, settings: Any) -> None:
                self.worker = Worker(settings)
                self.worker.setup()

            def process(self, batch: list[Any]) -> list[Any]:
                return self.worker.process(batch)

        actors = [Pipeline.remote(self.settings) for _ in range(self.jobs)]
        pending: deque[Any] = deque()
        try:
            for number, batch in enumerate(batches):
                pending.append(actors[number % self.jobs].process.remote(batch))
                while len(pending) >= 4 * self.jobs:
                    yield ray.get(pending.popleft())
            while pending:
                yield ray.get(pending.popleft())
        finally:
            for actor in actors:
                ray.kill(actor)
            ray.shutdown()


def make(name: str, settings: Any, jobs: int) -> Any:
    if name == "ray":
        return RayEngine(settings, jobs)
    from newsgraph.engines import make_engine

    return make_engine(settings, name, jobs)


def measure(name: str, folder: Path, db: Path, jobs: int, nlp: bool) -> dict[str, Any]:
    from newsgraph import api

    for p in db.parent.glob(db.name + "*"):
        p.unlink()
    settings = api.Settings(nlp=nlp, stories=False, db=str(db))
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, sum(rss_by_pid(os.getpid()).values()))
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    t0 = time.perf_counter()
    report = api.ingest([str(folder)], settings=settings, engine=make(name, settings, jobs))
    seconds = time.perf_counter() - t0
    done.set()
    sampler.join()
    return {"engine": name, "jobs": jobs, "nlp": nlp, "articles": report.articles_new,
            "seconds": seconds, "rate": report.articles_new / seconds,
            "peak_tree_rss_mb": peak / 1024}


def startup(name: str, folder: Path, db: Path, jobs: int) -> float:
    """Seconds for a one-article ingest with NLP: cluster up, model loaded, result back."""
    one = folder.parent / "one"
    one.mkdir(exist_ok=True)
    shutil.copy(next(iter(sorted(folder.rglob("*.txt")))), one / "a.txt")
    return float(measure(name, one, db, jobs, nlp=True)["seconds"])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--engines", nargs="+", default=["dask", "ray"])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10000])
    ap.add_argument("--nlp", type=int, default=300, help="articles for the NLP runs (0: none)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    shm = Path("/dev/shm")
    work = Path(tempfile.mkdtemp(prefix="ng-engines-", dir=shm if shm.is_dir() else None))
    rows: list[dict[str, Any]] = []
    try:
        for size in args.sizes:
            build_corpus(work / f"c{size}", size)
        if args.nlp:
            build_corpus(work / "nlp", args.nlp)
        for name in args.engines:
            rows.append({"engine": name, "what": "start-up (1 article, NLP)",
                         "seconds": startup(name, work / "nlp", work / "s.db", args.jobs)})
            for size in args.sizes:
                rows.append({"what": f"ingest {size}, no NLP",
                             **measure(name, work / f"c{size}", work / "s.db", args.jobs, False)})
            if args.nlp:
                rows.append({"what": f"ingest {args.nlp}, NLP",
                             **measure(name, work / "nlp", work / "s.db", args.jobs, True)})
            print(json.dumps(rows[-1]), flush=True)
        print("\nengine | what | seconds | articles/s | peak RSS MB (tree)")
        for r in rows:
            print(f"{r['engine']} | {r['what']} | {r['seconds']:.1f} | "
                  f"{r.get('rate', 0):.0f} | {r.get('peak_tree_rss_mb', 0):.0f}")
        if args.json:
            args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
