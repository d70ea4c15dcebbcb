"""Run every stage eval against eval/baseline.json (`make eval`). Each eval is its own script
(`eval/<stage>.py --json OUT --check BASELINE`), so one can also be run alone."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
EVALS = ["extraction", "dates", "dedup", "quotes", "entities", "stories", "timex", "events",
         "statements", "relations"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", default=str(HERE / "baseline.json"))
    parser.add_argument("--only", nargs="*", default=EVALS, choices=EVALS)
    parser.add_argument("--out", default=str(HERE / "results"))
    args = parser.parse_args()
    Path(args.out).mkdir(parents=True, exist_ok=True)
    failed = []
    for name in args.only:
        print(f"\n=== eval/{name}.py ===", flush=True)
        started = time.perf_counter()
        # the pipeline-level evals measure text, dates and duplicates: no need for spaCy there
        env = {**os.environ, "NEWSGRAPH_NLP": os.environ.get("NEWSGRAPH_NLP", "0")}
        code = subprocess.call([
            sys.executable, str(HERE / f"{name}.py"),
            "--json", str(Path(args.out) / f"{name}.json"), "--check", args.check,
        ], env=env)
        print(f"--- {name}: exit {code} in {time.perf_counter() - started:.0f}s", flush=True)
        if code != 0:
            failed.append(name)
    if failed:
        print(f"\nBELOW BASELINE OR FAILED: {', '.join(failed)}")
        return 1
    print(f"\nall {len(args.only)} evals at or above eval/baseline.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
