"""Ingest throughput and memory: read+clean+meta+dedup+store, as ratios to a floor measured in the
same run (bare read + regex tokenization of the same files).

Corpus: the 982 ECB+ news texts (../shared/eval/stories/ecbplus.jsonl, CC BY 3.0; override the
folder with NEWSGRAPH_EVAL_DATA), then, to reach the size, seeded synthetic articles that mix the
sentences of 2-3 documents of one topic under a new date line (distinct, mostly not duplicates).
Each size is its own folder of .txt files; every run gets a fresh store. `newsgraph ingest` runs as
a subprocess; peak RSS is the largest single process (wait4 rusage) and the sampled sum over the
process tree (/proc, every 50 ms). Each size runs its job counts in turn (1 2 1 2 ...) --repeat
times; the table gives each job count's median seconds (min-max) and the speed-up as the median
of the per-round ratios to the first job count, paired so a drift of the machine's speed during
the run cancels out (a single run on a shared 2-core machine was seen anywhere from 1.5x to
2.0x). Beside it, in the same rounds, the floor's own speed-up as as many forked processes
(~5 s of floor work split between them): work that shares nothing, so it is the ceiling this
machine's cores give any program. No pass/fail: timings vary by machine.

    .venv/bin/python benchmarks/ingest.py [--sizes 1000 10000] [--jobs 1 2] [--repeat 3]
        [--profile]
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
import statistics
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
    words = sum(_floor_words(path) for path in sorted(folder.rglob("*.txt")))
    return time.perf_counter() - t0, words


def _floor_words(path: Path) -> int:
    """The floor's work on one file: read it and tokenize it with a regex."""
    return len(_WORD.findall(path.read_bytes().decode("utf-8").lower()))


def _floor_work(files: list[Path], passes: int) -> None:
    for _ in range(passes):
        for path in files:
            _floor_words(path)


def floor_processes(folder: Path, procs: int, passes: int) -> float:
    """Seconds for `procs` forked processes to run the floor `passes` times over their share of
    the files (the shares interleaved): work that shares nothing, so its speed-up is what this
    machine's cores give at best (a shared 2-core VM was seen at 1.65-1.8x, not 2x)."""
    files = sorted(folder.rglob("*.txt"))
    t0 = time.perf_counter()
    pids = []
    for i in range(procs):
        pid = os.fork()
        if pid == 0:  # the child: its share, then out without the parent's cleanup
            try:
                _floor_work(files[i::procs], passes)
            finally:
                os._exit(0)
        pids.append(pid)
    for pid in pids:
        os.waitpid(pid, 0)
    return time.perf_counter() - t0


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
    ap.add_argument("--repeat", type=int, default=3,
                    help="runs of each job count, in turn (medians; paired speed-ups)")
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
            runs: dict[int, list[dict[str, Any]]] = defaultdict(list)
            passes = max(1, round(5 / floor_s))  # ~5 s of floor work per process count
            ceiling: dict[int, list[float]] = defaultdict(list)
            for round_no in range(args.repeat):
                for jobs in args.jobs:  # in turn: the machine's drift hits every job count
                    db = work / f"s{size}j{jobs}r{round_no}.db"
                    runs[jobs].append(run_ingest(folder, db, jobs))
                    for f in work.glob(db.name + "*"):
                        f.unlink()
                for jobs in args.jobs:
                    ceiling[jobs].append(floor_processes(folder, jobs, passes))
            base = runs[args.jobs[0]]
            for jobs in args.jobs:
                mine = runs[jobs]
                seconds = [r["seconds"] for r in mine]
                med = statistics.median(seconds)
                ratios = [b["seconds"] / r["seconds"] for b, r in zip(base, mine, strict=True)]
                floor_ratios = [b / t for b, t in
                                zip(ceiling[args.jobs[0]], ceiling[jobs], strict=True)]
                rows.append({"articles": size, "jobs": jobs, "words": words,
                             "floor_seconds": floor_s, "floor_rate": size / floor_s,
                             "seconds": med, "seconds_min": min(seconds),
                             "seconds_max": max(seconds), "rate": size / med,
                             "ratio_to_floor": (size / med) / (size / floor_s),
                             "speedup": statistics.median(ratios),
                             "speedup_min": min(ratios), "speedup_max": max(ratios),
                             "runs": len(mine),
                             "floor_speedup": statistics.median(floor_ratios),
                             "floor_speedup_min": min(floor_ratios),
                             "floor_speedup_max": max(floor_ratios),
                             **{k: max(r[k] for r in mine)
                                for k in ("peak_rss_mb", "peak_tree_rss_mb")},
                             "cpu_seconds": statistics.median(r["cpu_seconds"] for r in mine)})
        print("\narticles | jobs | runs | seconds, median (min-max) | articles/s | per core | "
              "floor art/s | ratio to floor | speed-up, median of pairs (min-max) | "
              "floor's speed-up as as many processes (min-max) | "
              "peak RSS MB (1 proc) | peak RSS MB (tree) | CPU s")
        for r in rows:
            print(f"{r['articles']} | {r['jobs']} | {r['runs']} | {r['seconds']:.1f} "
                  f"({r['seconds_min']:.1f}-{r['seconds_max']:.1f}) | {r['rate']:.0f} | "
                  f"{r['rate'] / r['jobs']:.0f} | {r['floor_rate']:.0f} | "
                  f"{r['ratio_to_floor']:.4f} | {r['speedup']:.2f}x "
                  f"({r['speedup_min']:.2f}-{r['speedup_max']:.2f}) | "
                  f"{r['floor_speedup']:.2f}x ({r['floor_speedup_min']:.2f}-"
                  f"{r['floor_speedup_max']:.2f}) | {r['peak_rss_mb']:.0f} | "
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
