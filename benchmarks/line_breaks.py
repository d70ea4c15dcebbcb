"""What the sentence starts at line breaks cost (stages/nlp.py `line_breaks`, before the
parser): the same texts through newsgraph's pipeline and through the same pipeline without the
component, in one process, in turn, --repeat rounds; the ratio per round and its median. The
floor is the pipeline without it, measured in the same run. No pass/fail.

    .venv/bin/python benchmarks/line_breaks.py [--size 300] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time

from common import data_dir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as newsgraph's CLI runs

    import spacy

    from newsgraph.stages.nlp import DEFAULT_MODEL, LINE_BREAKS, load_nlp, use_numpy_matmul

    path = data_dir() / "stories" / "ecbplus.jsonl"
    texts = [json.loads(line)["text"] for line in path.open(encoding="utf-8")][:args.size]
    with_breaks = load_nlp()
    without = spacy.load(DEFAULT_MODEL, disable=["lemmatizer"])
    use_numpy_matmul(without)
    assert LINE_BREAKS in with_breaks.pipe_names and LINE_BREAKS not in without.pipe_names
    times: dict[str, list[float]] = {"without": [], "with": []}
    for _ in range(args.repeat):
        for name, nlp in (("without", without), ("with", with_breaks)):
            t0 = time.perf_counter()
            for _doc in nlp.pipe(texts, batch_size=16):
                pass
            times[name].append(time.perf_counter() - t0)
    ratios = [a / b for a, b in zip(times["with"], times["without"], strict=True)]
    print(f"{len(texts)} ECB+ texts, {args.repeat} rounds")
    for name, values in times.items():
        print(f"  nlp.pipe {name:>7} line breaks: " + " ".join(f"{v:.2f}" for v in values) + " s")
    print(f"  with / without, per round: {' '.join(f'{r:.3f}' for r in ratios)}; "
          f"median {statistics.median(ratios):.3f}x")


if __name__ == "__main__":
    main()
