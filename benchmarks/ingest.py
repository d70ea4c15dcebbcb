"""Ingest throughput and memory: read+clean+meta+dedup+store, as ratios to a floor measured in the
same run (bare read + regex tokenization of the same files).

Corpus: the 982 ECB+ news texts (../shared/eval/stories/ecbplus.jsonl, CC BY 3.0; override the
folder with NEWSGRAPH_EVAL_DATA), then, to reach the size, seeded synthetic articles that mix the
sentences of 2-3 documents of one topic under a new date line (distinct, mostly not duplicates).
Each size is its own folder of .txt files; every run gets a fresh store. `newsgraph ingest` runs as
a subprocess; peak RSS is the largest single process (wait4 rusage) and the sampled sum over the
process tree (/proc, every 50 ms). No pass/fail: timings vary by machine.

    .venv/bin/python benchmarks/ingest.py [--sizes 1000 10000] [--jobs 1 2] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from common import data_dir, rss_by_pid

ROOT = Path(__file__).resolve().parents[1]
NEWSGRAPH = ROOT / ".venv" / "bin" / "newsgraph"
_WORD = re.compile(r"\w+")
SEED = 7


def build_corpus(folder: Path, size: int) -> None:
    docs = [json.loads(line) for line in
            (data_dir() / "stories" / "ecbplus.jsonl").open(encoding="utf-8")]
    by_topic: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for d in docs:
        by_topic[d["topic"]].append(d)
    rng = random.Random(SEED)
    folder.mkdir(parents=True)
    for i in range(size):
        if i < len(docs):
            text = docs[i]["text"]
        else:
            group = by_topic[rng.choice(sorted(by_topic))]
            parts = rng.sample(group, min(len(group), rng.randint(2, 3)))
            lines = [ln for p in parts for ln in p["text"].split("\n")[1:] if ln.strip()]
            rng.shuffle(lines)
            head = parts[0]["text"].split("\n")[0]
            day = f"2014-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            text = "\n".join([f"{head} ({i})", f"Published {day}", *lines[:rng.randint(8, 30)]])
        sub = folder / f"{i // 1000:03d}"
        sub.mkdir(exist_ok=True)
        (sub / f"{i:06d}.txt").write_text(text + "\n", encoding="utf-8")


def floor(folder: Path) -> tuple[float, int]:
    """Seconds to read every file and tokenize it with a regex (what any ingest must do)."""
    t0 = time.perf_counter()
    words = 0
    for path in sorted(folder.rglob("*.txt")):
        words += len(_WORD.findall(path.read_bytes().decode("utf-8").lower()))
    return time.perf_counter() - t0, words


def _tree_rss(pid: int) -> int:
    """Sum of RSS (kB) over pid and its descendants."""
    return sum(rss_by_pid(pid).values())


def run_ingest(folder: Path, db: Path, jobs: int) -> dict[str, Any]:
    cmd = [str(NEWSGRAPH), "ingest", str(folder), "--db", str(db), "--jobs", str(jobs), "-q"]
    t0 = time.perf_counter()
    # read+clean+meta+dedup+store, without the NLP models (entities and quotes: benchmarks/nlp)
    env = {**os.environ, "NEWSGRAPH_NLP": "0", "NEWSGRAPH_STORIES": "0"}
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    peak_tree = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak_tree
        while not done.is_set():
            peak_tree = max(peak_tree, _tree_rss(proc.pid))
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    done.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        err = proc.stderr.read().decode() if proc.stderr else ""
        raise SystemExit(f"ingest failed ({proc.returncode}): {err[-2000:]}")
    return {"seconds": seconds, "peak_rss_mb": usage.ru_maxrss / 1024,
            "peak_tree_rss_mb": peak_tree / 1024, "cpu_seconds": usage.ru_utime + usage.ru_stime}


def profile(folder: Path, db: Path, top: int) -> None:
    """cProfile of an in-process, single-job ingest: time per function and per source file."""
    sys.path.insert(0, str(ROOT / "src"))
    from newsgraph import api
    from newsgraph.config import Settings

    prof = cProfile.Profile()
    prof.enable()
    api.ingest([str(folder)], db=db, jobs=1, settings=Settings(nlp=False))
    prof.disable()
    stats = pstats.Stats(prof)
    total = sum(v[2] for v in stats.stats.values())  # type: ignore[attr-defined]
    per_file: dict[str, float] = defaultdict(float)
    for (file, _, _), v in stats.stats.items():  # type: ignore[attr-defined]
        per_file[file] += v[2]
    print(f"\nprofile: {total:.1f}s of own time (tottime), by file:")
    for file, sec in sorted(per_file.items(), key=lambda kv: -kv[1])[:top]:
        print(f"  {100 * sec / total:5.1f}%  {sec:6.2f}s  {file.replace(str(ROOT) + '/', '')}")
    print("\nby function, cumulative:")
    stats.sort_stats("cumulative").print_stats(top)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--tmp", type=Path, help="work folder (default: /dev/shm when present)")
    ap.add_argument("--profile", action="store_true", help="cProfile a 1-job run of the first size")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    shm = Path("/dev/shm")
    base = args.tmp or (shm if shm.is_dir() else None)
    work = Path(tempfile.mkdtemp(prefix="ng-bench-", dir=base))
    rows = []
    try:
        print(f"work folder {work}; {os.cpu_count()} CPUs; python {sys.version.split()[0]}")
        for size in args.sizes:
            folder = work / f"corpus{size}"
            build_corpus(folder, size)
            floor(folder)  # warm the page cache: every run reads the same cached files
            floor_s, words = floor(folder)
            first = None
            for jobs in args.jobs:
                r = run_ingest(folder, work / f"s{size}j{jobs}.db", jobs)
                rate = size / r["seconds"]
                first = first or rate
                rows.append({"articles": size, "jobs": jobs, "words": words,
                             "floor_seconds": floor_s, "floor_rate": size / floor_s,
                             "rate": rate, "ratio_to_floor": rate / (size / floor_s),
                             "speedup": rate / first, **r})
        print("\narticles | jobs | seconds | articles/s | per core | floor art/s | "
              "ratio to floor | speedup | peak RSS MB (1 proc) | peak RSS MB (tree) | CPU s")
        for r in rows:
            print(f"{r['articles']} | {r['jobs']} | {r['seconds']:.1f} | {r['rate']:.0f} | "
                  f"{r['rate'] / r['jobs']:.0f} | {r['floor_rate']:.0f} | "
                  f"{r['ratio_to_floor']:.4f} | {r['speedup']:.2f}x | {r['peak_rss_mb']:.0f} | "
                  f"{r['peak_tree_rss_mb']:.0f} | {r['cpu_seconds']:.1f}")
        if args.json:
            args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")
        if args.profile:
            profile(work / f"corpus{args.sizes[0]}", work / "profile.db", 30)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
