"""Scale (issue 7): throughput of the local and the dask engine with 1 and 2 workers, as ratios
to bare spaCy `nlp.pipe` measured in the same run; peak RSS per corpus size; and the time of
duplicate detection and story assignment per 1,000 new articles as the store grows.

Corpus: benchmarks/ingest.py's synthetic articles (the 982 ECB+ texts, then perturbed,
re-dated re-mixes of their sentences; CC BY 3.0 sources), one .txt each. Every ingest is a
whole `newsgraph ingest` process into a fresh store in /dev/shm (start-up, cluster start and
model loads included), timed with its process tree's peak RSS.

- ingest path (NLP off, stories off): --sizes (default 10k and 100k);
- Parquet path (the cluster path, NLP off): `ingest --out-parquet DIR` for the same sizes, the
  workers writing their shards themselves (nothing of the articles passes through the
  driver), then `newsgraph load DIR` once, timed apart: the single driver's serial part;
- --repeat N runs each configuration's 1 and 2 workers in turn N times: the table gives median
  seconds and the speed-up as the median of the rounds' own ratios (this machine drifts);
- NLP path: --nlp-size articles (default 300; 10k would take ~10 min per configuration on
  2 cores), NLP on, stories off;
- floor: bare `nlp.pipe` (the model newsgraph loads, same pipes, batch 16) over the first
  --nlp-size texts in a process of its own, model load included: articles/s;
- growth: for each stored size N in --grow (1k, 10k, 100k) a store of N articles with their
  stories, then 1,000 new articles ingested in-process with one job: the driver's duplicate
  checks (look-ups and verification, Deduplicator.prefetch + check) timed around the calls,
  and the story pass over the 1,000 new ones.

No pass/fail: timings vary by machine. Results: benchmarks/README.md ("Scale").

    .venv/bin/python benchmarks/scale.py [--sizes 10000 100000] [--nlp-size 300]
        [--grow 1000 10000 100000] [--engines local dask] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from common import rss_by_pid
from ingest import build_corpus

ROOT = Path(__file__).resolve().parents[1]
PYTHON = ROOT / ".venv" / "bin" / "python"
NEWSGRAPH = ROOT / ".venv" / "bin" / "newsgraph"
sys.path.insert(0, str(ROOT / "src"))

_FLOOR = """
import sys, time
from pathlib import Path
from newsgraph.stages.nlp import load_nlp
t0 = time.perf_counter()
texts = [p.read_text(encoding="utf-8") for p in sorted(Path(sys.argv[1]).rglob("*.txt"))]
nlp = load_nlp()
n = sum(1 for _ in nlp.pipe(texts, batch_size=16))
print(n, time.perf_counter() - t0)
"""


def timed(cmd: list[str], env: dict[str, str]) -> dict[str, Any]:
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "OPENBLAS_NUM_THREADS": "1", **env})
    peak_tree, peak_one = 0, 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak_tree, peak_one
        while not done.is_set():
            rss = rss_by_pid(proc.pid)
            peak_tree = max(peak_tree, sum(rss.values()))
            peak_one = max(peak_one, max(rss.values(), default=0))
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    seconds = time.perf_counter() - t0
    done.set()
    sampler.join()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{cmd} failed ({proc.returncode}): {err.decode()[-2000:]}")
    return {"seconds": seconds, "peak_tree_mb": peak_tree / 1024,
            "peak_process_mb": peak_one / 1024, "stdout": out.decode()}


def nlp_floor(folder: Path) -> float:
    """Articles/s of bare nlp.pipe over the folder's texts, model load included."""
    r = timed([str(PYTHON), "-c", _FLOOR, str(folder)], {})
    n, _ = r["stdout"].split()
    return int(n) / float(r["seconds"])


def ingest_run(folder: Path, db: Path, engine: str, jobs: int, nlp: bool,
               parquet: Path | None = None) -> dict[str, Any]:
    for p in db.parent.glob(db.name + "*"):
        p.unlink()
    if parquet is not None:
        shutil.rmtree(parquet, ignore_errors=True)
    out = ["--out-parquet", str(parquet)] if parquet is not None else ["--db", str(db)]
    cmd = [str(NEWSGRAPH), "ingest", str(folder), *out, "--engine", engine,
           "--jobs", str(jobs), "-q"]
    return timed(cmd, {"NEWSGRAPH_NLP": "1" if nlp else "0", "NEWSGRAPH_STORIES": "0"})


def load_run(parquet: Path, db: Path) -> dict[str, Any]:
    """`newsgraph load` of the shards into a fresh store: the driver's serial part."""
    for p in db.parent.glob(db.name + "*"):
        p.unlink()
    return timed([str(NEWSGRAPH), "load", str(parquet), "--db", str(db)],
                 {"NEWSGRAPH_NLP": "0", "NEWSGRAPH_STORIES": "0"})


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def throughput(work: Path, sizes: list[int], nlp_size: int, engines: list[str],
               floor_rate: float, parquet: bool = False, repeat: int = 1
               ) -> list[dict[str, Any]]:
    rows = []
    runs = [(size, "ingest") for size in sizes]
    runs += [(size, "parquet") for size in sizes] if parquet else []
    runs += [(nlp_size, "NLP")] if nlp_size else []
    for size, path in runs:
        folder = work / (f"nlp{size}" if path == "NLP" else f"c{size}")
        shards = work / "shards" if path == "parquet" else None
        for engine in engines:
            runs_of: dict[int, list[dict[str, Any]]] = {1: [], 2: []}
            for _ in range(repeat):
                for jobs in (1, 2):
                    runs_of[jobs].append(ingest_run(folder, work / "t.db", engine, jobs,
                                                    path == "NLP", shards))
            ratios = [a["seconds"] / b["seconds"] for a, b in zip(runs_of[1], runs_of[2],
                                                                  strict=True)]
            for jobs in (1, 2):
                seconds = _median([r["seconds"] for r in runs_of[jobs]])
                rate = size / seconds
                row = {"path": path, "articles": size, "engine": engine, "jobs": jobs,
                       "seconds": seconds, "rate": rate, "per_core": rate / jobs,
                       "ratio_to_nlp_pipe": rate / floor_rate,
                       "speedup": 1.0 if jobs == 1 else _median(ratios),
                       "speedup_range": [1.0, 1.0] if jobs == 1 else [min(ratios),
                                                                       max(ratios)],
                       "rounds": len(runs_of[jobs]),
                       "peak_tree_mb": max(r["peak_tree_mb"] for r in runs_of[jobs]),
                       "peak_process_mb": max(r["peak_process_mb"] for r in runs_of[jobs])}
                rows.append(row)
                print(json.dumps(row), flush=True)
            if shards is not None:  # the shards of the last 2-worker run, into one store
                r = load_run(shards, work / "load.db")
                row = {"path": "load", "articles": size, "engine": "driver", "jobs": 1,
                       "seconds": r["seconds"], "rate": size / r["seconds"],
                       "per_core": size / r["seconds"],
                       "ratio_to_nlp_pipe": size / r["seconds"] / floor_rate,
                       "speedup": 1.0, "speedup_range": [1.0, 1.0], "rounds": 1,
                       "peak_tree_mb": r["peak_tree_mb"],
                       "peak_process_mb": r["peak_process_mb"]}
                rows.append(row)
                print(json.dumps(row), flush=True)
    return rows


def growth(work: Path, stored: int, jobs: int) -> dict[str, Any]:
    """Dedup and story time for 1,000 new articles against a store of `stored` articles."""
    from newsgraph import api
    from newsgraph.config import Settings
    from newsgraph.stages import dedup
    from newsgraph.store import Store
    from newsgraph.story_pass import assign_stories

    folder = work / f"g{stored}"
    build_corpus(folder, stored + 1000)
    files = sorted(str(p) for p in folder.rglob("*.txt"))
    db = work / f"g{stored}.db"
    settings = Settings(nlp=False, stories=False)
    api.ingest(files[:stored], db=db, jobs=jobs, settings=settings)
    with Store(db) as store:
        assign_stories(store)
    spent = [0.0]
    real_prefetch, real_check = dedup.Deduplicator.prefetch, dedup.Deduplicator.check

    def prefetch(self: Any, sigs: Any) -> None:
        t0 = time.perf_counter()
        real_prefetch(self, sigs)
        spent[0] += time.perf_counter() - t0

    def check(self: Any, article: Any, sig: Any) -> None:
        t0 = time.perf_counter()
        real_check(self, article, sig)
        spent[0] += time.perf_counter() - t0

    dedup.Deduplicator.prefetch, dedup.Deduplicator.check = prefetch, check  # type: ignore
    try:
        t0 = time.perf_counter()
        report = api.ingest(files[stored:], db=db, jobs=1, settings=settings)
        ingest_s = time.perf_counter() - t0
    finally:
        dedup.Deduplicator.prefetch, dedup.Deduplicator.check = real_prefetch, real_check
    with Store(db) as store:
        t0 = time.perf_counter()
        assign_stories(store)
        stories_s = time.perf_counter() - t0
    shutil.rmtree(folder, ignore_errors=True)
    for p in work.glob(f"g{stored}.db*"):
        p.unlink()
    row = {"stored": stored, "new": 1000, "dedup_s_per_1k": spent[0],
           "dedup_articles_per_s": 1000 / spent[0], "stories_s_per_1k": stories_s,
           "ingest_1k_s": ingest_s, "duplicates": report.duplicates}
    print(json.dumps(row), flush=True)
    return row


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="*", default=[10000, 100000])
    ap.add_argument("--nlp-size", type=int, default=300)
    ap.add_argument("--grow", type=int, nargs="*", default=[1000, 10000, 100000])
    ap.add_argument("--engines", nargs="+", default=["local", "dask"])
    ap.add_argument("--parquet", action="store_true",
                    help="also the Parquet path (ingest --out-parquet, then load)")
    ap.add_argument("--repeat", type=int, default=1,
                    help="rounds of 1 and 2 workers per configuration (median, per-round ratio)")
    ap.add_argument("--tmp", type=Path)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    shm = Path("/dev/shm")
    work = Path(tempfile.mkdtemp(prefix="ng-scale-", dir=args.tmp or (shm if shm.is_dir()
                                                                        else None)))
    result: dict[str, Any] = {"cpus": os.cpu_count(), "python": sys.version.split()[0]}
    try:
        for size in args.sizes:
            build_corpus(work / f"c{size}", size)
        nlp_folder = work / f"nlp{args.nlp_size}"
        build_corpus(nlp_folder, max(args.nlp_size, 1))
        result["nlp_pipe_rate"] = nlp_floor(nlp_folder)
        print(f"bare nlp.pipe: {result['nlp_pipe_rate']:.1f} articles/s", flush=True)
        result["throughput"] = throughput(work, args.sizes, args.nlp_size, args.engines,
                                          result["nlp_pipe_rate"], args.parquet,
                                          max(1, args.repeat))
        for size in args.sizes:
            shutil.rmtree(work / f"c{size}", ignore_errors=True)
        result["growth"] = [growth(work, n, 2) for n in args.grow]
        print(f"\nbare nlp.pipe (same run): {result['nlp_pipe_rate']:.1f} articles/s\n")
        print("path | articles | engine | workers | seconds | articles/s | per core | "
              "x nlp.pipe | speed-up (range) | peak RSS MB (tree) | largest process MB")
        for r in result["throughput"]:
            print(f"{r['path']} | {r['articles']:,} | {r['engine']} | {r['jobs']} | "
                  f"{r['seconds']:.1f} | {r['rate']:.0f} | {r['per_core']:.0f} | "
                  f"{r['ratio_to_nlp_pipe']:.2f} | {r['speedup']:.2f}x "
                  f"({r['speedup_range'][0]:.2f}-{r['speedup_range'][1]:.2f}) | "
                  f"{r['peak_tree_mb']:.0f} | {r['peak_process_mb']:.0f}")
        print("\nstored | dedup s / 1k new | dedup articles/s (1 core) | stories s / 1k new")
        for g in result["growth"]:
            print(f"{g['stored']:,} | {g['dedup_s_per_1k']:.3f} | "
                  f"{g['dedup_articles_per_s']:,.0f} | {g['stories_s_per_1k']:.2f}")
        if args.json:
            args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
