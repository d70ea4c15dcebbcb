"""Build the background document-frequency table the stories stage ships with
(src/newsgraph/data/story_df.tsv.gz): how many documents of a general news sample hold each word,
so that a small store does not take the words all its articles share for rare ones.

Sources (both redistributable; attribution in src/newsgraph/data/README.md):
- ECB+ (CC BY 3.0), topics 1-22 only: the stories eval's dev split. The test split (topics 23-45)
  is left out, so the test figures do not see their own texts through the table.
- the Zyte article-extraction benchmark's gold article bodies (MIT): 181 pages on other subjects.

Only word document-frequencies go in (no labels, no texts): one `word<TAB>df` line per word held
by at least MIN_DF documents, words sorted, after a `#docs<TAB>N` header; gzip with mtime 0, so
the same inputs give the same bytes.

    .venv/bin/python eval/build_story_df.py [--data ../shared/eval]
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
try:
    import newsgraph  # noqa: F401
except ModuleNotFoundError:
    sys.path.insert(0, str(HERE.parent / "src"))

from newsgraph.stages.stories import tokens  # noqa: E402

OUT = HERE.parent / "src" / "newsgraph" / "data" / "story_df.tsv.gz"
DEV_TOPICS = range(1, 23)
MIN_DF = 2


def texts(data: Path) -> list[str]:
    found = []
    for line in (data / "stories" / "ecbplus.jsonl").open(encoding="utf-8"):
        doc = json.loads(line)
        if doc["topic"] in DEV_TOPICS:
            found.append(doc["text"])
    gold = json.loads((data / "extraction" / "zyte" / "ground-truth.json").read_text("utf-8"))
    found.extend(gold[key]["articleBody"] for key in sorted(gold))
    return found


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=HERE.parents[1] / "shared" / "eval")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    docs = texts(args.data)
    df: Counter[str] = Counter()
    for text in docs:
        df.update(set(tokens(text)))
    lines = [f"#docs\t{len(docs)}"] + [f"{w}\t{n}" for w, n in sorted(df.items()) if n >= MIN_DF]
    payload = ("\n".join(lines) + "\n").encode("utf-8")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0,
                                                  filename="") as fh:
        fh.write(payload)
    print(f"{len(docs)} documents, {len(lines) - 1} words (df >= {MIN_DF}) -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
