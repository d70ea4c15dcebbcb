"""Story clustering eval: newsgraph's stories stage on ECB+ (../shared/eval/stories/ecbplus.jsonl,
CC BY 3.0), against the gold subtopics (each topic holds two different events of the same kind:
"Tara Reid enters rehab" vs "Lindsay Lohan enters rehab" — they must be told apart).

B-cubed and pairwise precision/recall/F1, per split: dev = topics 1-22 (the settings were chosen
there), test = topics 23-45 (never used to choose anything). Each split is clustered on its own,
all its topics together, in file order (the first-seen order of an ingest). ECB+ texts carry no
dates, so the date gate is not exercised here. With --entities (the default) the documents get
the entities ingest gives the story pass (spaCy NER, each article's names merged within the
article: `stories.article_entities`); --no-entities measures the text similarity alone. A
baseline is printed beside: the same pass with names ignored. The pass runs with its candidate
index, as ingest runs it, and once more exhaustively (every story scored): the two clusterings
are compared and any difference is printed.

    .venv/bin/python eval/stories.py [--sweep] [--json out.json] [--check eval/baseline.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # eval/evaldata.py, also when a test imports this file
from evaldata import data_dir  # noqa: E402

try:
    import newsgraph  # noqa: F401
except ModuleNotFoundError:
    sys.path.insert(0, str(HERE.parent / "src"))

from newsgraph.stages.stories import StoryDoc, StorySettings, cluster  # noqa: E402

SPLITS = {"dev": range(1, 23), "test": range(23, 46)}
# sweep grids: a higher idf power gives lower cosines, so each power has its own range
THRESHOLDS = {p: [round(lo + i * step, 3) for i in range(21)]
              for p, lo, step in ((1.0, 0.10, 0.01), (2.0, 0.08, 0.01), (3.0, 0.05, 0.01),
                                  (4.0, 0.03, 0.01))}



def bcubed(pred: dict[str, str], gold: dict[str, str]) -> dict[str, float]:
    by_pred: dict[str, set[str]] = defaultdict(set)
    by_gold: dict[str, set[str]] = defaultdict(set)
    for item, c in pred.items():
        by_pred[c].add(item)
    for item, c in gold.items():
        by_gold[c].add(item)
    p = r = 0.0
    for item in gold:
        same = by_pred[pred[item]] & by_gold[gold[item]]
        p += len(same) / len(by_pred[pred[item]])
        r += len(same) / len(by_gold[gold[item]])
    p, r = p / len(gold), r / len(gold)
    return {"p": p, "r": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def pairwise(pred: dict[str, str], gold: dict[str, str]) -> dict[str, float]:
    def pairs(labels: dict[str, str]) -> int:
        return sum(n * (n - 1) // 2 for n in Counter(labels.values()).values())

    both = Counter((pred[i], gold[i]) for i in gold)
    tp = sum(n * (n - 1) // 2 for n in both.values())
    pp, gp = pairs(pred), pairs(gold)
    p = tp / pp if pp else 0.0
    r = tp / gp if gp else 0.0
    return {"p": p, "r": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def load_docs(with_entities: bool) -> tuple[list[dict[str, Any]], dict[str, frozenset[str]]]:
    path = data_dir() / "stories" / "ecbplus.jsonl"
    docs = [json.loads(line) for line in path.open(encoding="utf-8")]
    entities: dict[str, frozenset[str]] = {}
    if with_entities:
        from newsgraph.stages.entities import mentions_from_doc
        from newsgraph.stages.nlp import load_nlp
        from newsgraph.stages.stories import article_entities

        nlp = load_nlp()
        texts = [d["text"] for d in docs]
        for d, doc in zip(docs, nlp.pipe(texts, batch_size=16), strict=True):
            mentions = mentions_from_doc(doc, d["text"])
            entities[d["doc_id"]] = article_entities(d["doc_id"], mentions, d["text"])
    return docs, entities


def run(docs: list[dict[str, Any]], entities: dict[str, frozenset[str]], topics: range,
        settings: StorySettings, compare: bool = False) -> dict[str, Any]:
    chosen = [d for d in docs if d["topic"] in topics]
    story_docs = [StoryDoc(d["doc_id"], d["text"], entities=entities.get(d["doc_id"], frozenset()))
                  for d in chosen]
    stories = cluster(story_docs, settings)
    pred = {a: s.id for s in stories for a in s.article_ids}
    gold = {d["doc_id"]: d["subtopic"] for d in chosen}
    out = {"docs": len(chosen), "stories": len(stories), "gold_stories": len(set(gold.values())),
           "bcubed": bcubed(pred, gold), "pairwise": pairwise(pred, gold)}
    if compare:  # the candidate index against scoring every story
        full = cluster(story_docs, settings, exhaustive=True)
        ref = {a: s.id for s in full for a in s.article_ids}
        out["index_differs"] = sorted(a for a in pred if pred[a] != ref[a])
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--no-entities", action="store_true")
    ap.add_argument("--sweep", action="store_true", help="thresholds x entity weights on dev")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--check", type=Path)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    docs, entities = load_docs(not args.no_entities)
    if args.sweep:  # dev only: the test split never chooses anything
        print("idf power | threshold | dev B3 P/R/F1 | dev pairwise F1 | dev stories")
        for power in (1.0, 2.0, 3.0, 4.0):
            for th in THRESHOLDS[power]:
                r = run(docs, entities, SPLITS["dev"], StorySettings(th, idf_power=power))
                b = r["bcubed"]
                print(f"{power:.1f} | {th:.3f} | {b['p']:.3f}/{b['r']:.3f}/{b['f1']:.3f} | "
                      f"{r['pairwise']['f1']:.3f} | {r['stories']} (gold {r['gold_stories']})",
                      flush=True)
    results: dict[str, Any] = {}
    print("split | system | docs | stories (gold) | B3 P/R/F1 | pairwise P/R/F1 | index")
    for split, topics in SPLITS.items():
        for system, settings in (("text only", StorySettings(entity_weight=0.0)),
                                 ("newsgraph", StorySettings())):
            r = run(docs, entities, topics, settings, compare=True)
            results[f"{split}/{system}"] = r
            b, pw = r["bcubed"], r["pairwise"]
            differs = r["index_differs"]
            print(f"{split} | {system} | {r['docs']} | {r['stories']} ({r['gold_stories']}) | "
                  f"{b['p']:.3f}/{b['r']:.3f}/{b['f1']:.3f} | "
                  f"{pw['p']:.3f}/{pw['r']:.3f}/{pw['f1']:.3f} | "
                  f"index = exhaustive: {'yes' if not differs else f'no, {len(differs)} docs'}")
    print(f"({len(docs)} documents, entities {'on' if entities else 'off'}, "
          f"{time.perf_counter() - t0:.1f}s)")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n", "utf-8")
    if args.check:
        floors = json.loads(args.check.read_text("utf-8")).get("stories", {})
        failures = []
        for key, minimum in floors.items():  # "test/bcubed_f1": the split's F1 of a measure
            split, measure = key.removesuffix("_f1").split("/")
            value = results[f"{split}/newsgraph"][measure]["f1"]
            if value < minimum:
                failures.append(f"{key}: {value:.4f} < {minimum}")
        if failures:
            print("below baseline:", *failures, sep="\n  ")
            return 1
        print("check passed against eval/baseline.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
