"""Story assignment as the store grows: the time to give 1,000 new articles their stories when
the store already holds N articles in stories (N = 1k, 10k, 100k), against a floor measured in
the same run (tokenizing the same 1,000 texts, the work any text clustering must do).

Corpus: the synthetic articles of benchmarks/ingest.py (ECB+ sentences re-mixed under new
headlines and dates, CC BY 3.0 source texts). For each N: ingest N articles and give them
stories, ingest 1,000 more (read+clean+meta+dedup+store only), then time the story pass over
those 1,000 alone — the incremental case: new articles joining a big store. Candidate blocking
(stages/stories.py) keeps the stories scored per article bounded, so the time per new article
must not grow with N. No pass/fail: timings vary by machine.

    .venv/bin/python benchmarks/stories.py [--sizes 1000 10000 100000] [--jobs 2]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from ingest import build_corpus

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from newsgraph import api  # noqa: E402
from newsgraph.config import Settings  # noqa: E402
from newsgraph.stages.stories import tokens  # noqa: E402
from newsgraph.store import Store  # noqa: E402
from newsgraph.story_pass import assign_stories  # noqa: E402

NEW = 1000


def split_corpus(folder: Path, old: int) -> tuple[list[str], list[str]]:
    files = sorted(str(p) for p in folder.rglob("*.txt"))
    return files[:old], files[old:old + NEW]


def run(work: Path, size: int, jobs: int) -> dict[str, float]:
    folder = work / f"corpus{size}"
    build_corpus(folder, size + NEW)
    old, new = split_corpus(folder, size)
    db = work / f"s{size}.db"
    settings = Settings(nlp=False, stories=False)
    t0 = time.perf_counter()
    api.ingest(old, db=db, jobs=jobs, settings=settings)
    t1 = time.perf_counter()
    with Store(db) as store:
        assign_stories(store)
    t2 = time.perf_counter()
    api.ingest(new, db=db, jobs=jobs, settings=settings)
    with Store(db) as store:
        t3 = time.perf_counter()
        added = assign_stories(store)
        t4 = time.perf_counter()
        stories = store.conn.execute("SELECT count(*) FROM stories").fetchone()[0]
    texts = [Path(p).read_text(encoding="utf-8") for p in new]
    f0 = time.perf_counter()
    for text in texts:
        tokens(text)
    floor = time.perf_counter() - f0
    ms = 1000 * (t4 - t3) / NEW
    return {"stored": size, "stories": stories, "ingest_s": t1 - t0,
            "first_pass_s": t2 - t1, "first_pass_ms_per_article": 1000 * (t2 - t1) / size,
            "new_pass_s": t4 - t3, "ms_per_new_article": ms,
            "scored_per_new_article": added.candidates_scored / NEW,
            "floor_ms_per_article": 1000 * floor / NEW, "ratio_to_floor": (t4 - t3) / floor}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    ap.add_argument("--jobs", type=int, default=2, help="workers for building the stores")
    ap.add_argument("--tmp", type=Path, help="work folder (default: /dev/shm when present)")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    shm = Path("/dev/shm")
    work = Path(tempfile.mkdtemp(prefix="ng-stories-", dir=args.tmp or (shm if shm.is_dir()
                                                                          else None)))
    rows = []
    try:
        print(f"work folder {work}; {os.cpu_count()} CPUs; python {sys.version.split()[0]}")
        for size in args.sizes:
            rows.append(run(work, size, args.jobs))
            shutil.rmtree(work / f"corpus{size}", ignore_errors=True)
            for p in work.glob(f"s{size}.db*"):
                p.unlink()
            r = rows[-1]
            print(f"stored {size}: {r['ms_per_new_article']:.2f} ms per new article", flush=True)
        print("\nstored articles | stories | first pass ms/article | new 1k: ms/article | "
              "stories scored/article | floor ms/article | ratio to floor")
        for r in rows:
            print(f"{r['stored']} | {r['stories']} | {r['first_pass_ms_per_article']:.2f} | "
                  f"{r['ms_per_new_article']:.2f} | {r['scored_per_new_article']:.1f} | "
                  f"{r['floor_ms_per_article']:.3f} | {r['ratio_to_floor']:.1f}")
        if args.json:
            args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
