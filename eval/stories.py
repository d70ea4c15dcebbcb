"""Story clustering eval: newsgraph's stories stage on ECB+ (../shared/eval/stories/ecbplus.jsonl,
CC BY 3.0), against the gold subtopics (each topic holds two different events of the same kind:
"Tara Reid enters rehab" vs "Lindsay Lohan enters rehab" — they must be told apart).

B-cubed and pairwise precision/recall/F1, per split: dev = topics 1-22 (the settings were chosen
there), test = topics 23-45 (never used to choose anything). Each split is clustered on its own,
all its topics together, in file order (the first-seen order of an ingest). Each text goes
through the per-article stages as ingest runs them on a plain-text file (`api.extract_article`'s
worker): the story pass gets what ingest gives it — the headline the cleaning found, the cleaned
text, the publication date found in the text (367 of the 502 `ecbplus` texts have a date line;
no `ecb` text has one), each article's names (`stories.article_names`) and its quotes
(`stories.quote_keys`). With --no-nlp the texts get
no names and no quotes (what ingest does with NLP off). A baseline is printed beside: the same
pass on the same documents with names and quotes ignored ("text only"). The pass runs with its
candidate index, as ingest runs it, and once more exhaustively (every story scored): the two
clusterings are compared and any difference is printed.

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
# sweep grid (dev only): the names' share x the threshold of the mixed similarity
ENTITY_WEIGHTS = (0.0, 0.15, 0.25, 0.35, 0.5)
THRESHOLDS = [round(0.12 + 0.01 * i, 2) for i in range(15)]


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


def load_docs(with_nlp: bool = True) -> list[dict[str, Any]]:
    """The ECB+ documents, each with the story pass's inputs as ingest makes them."""
    from newsgraph.config import Settings
    from newsgraph.pipeline import Worker
    from newsgraph.records import IngestError, RawDoc
    from newsgraph.stages.stories import article_names, quote_keys

    path = data_dir() / "stories" / "ecbplus.jsonl"
    docs = [json.loads(line) for line in path.open(encoding="utf-8")]
    worker = Worker(Settings(nlp=with_nlp))
    worker.setup()
    for i in range(0, len(docs), 16):
        batch = docs[i:i + 16]
        arts = worker.process([RawDoc(f"{d['doc_id']}.txt", "text", d["text"]) for d in batch])
        for d, art in zip(batch, arts, strict=True):
            if isinstance(art, IngestError):
                raise SystemExit(f"{d['doc_id']}: {art.code} {art.message}")
            d["story_doc"] = StoryDoc(
                d["doc_id"], art.text, art.title, art.published,
                article_names(art.mentions),
                quotes=quote_keys((q.type, q.text) for q in art.quotes))
    return docs


def run(docs: list[dict[str, Any]], topics: range, settings: StorySettings,
        compare: bool = False) -> dict[str, Any]:
    chosen = [d for d in docs if d["topic"] in topics]
    story_docs = [d["story_doc"] for d in chosen]
    stories = cluster(story_docs, settings)
    pred = {a: s.id for s in stories for a in s.article_ids}
    gold = {d["doc_id"]: d["subtopic"] for d in chosen}
    out = {"docs": len(chosen), "stories": len(stories), "gold_stories": len(set(gold.values())),
           "dated": sum(1 for d in story_docs if d.published),
           "bcubed": bcubed(pred, gold), "pairwise": pairwise(pred, gold)}
    if compare:  # the candidate index against scoring every story
        full = cluster(story_docs, settings, exhaustive=True)
        ref = {a: s.id for s in full for a in s.article_ids}
        out["index_differs"] = sorted(a for a in pred if pred[a] != ref[a])
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--no-nlp", action="store_true", help="no names, no quotes")
    ap.add_argument("--sweep", action="store_true", help="names' share x threshold on dev")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--check", type=Path)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    docs = load_docs(not args.no_nlp)
    if args.sweep:  # dev only: the test split never chooses anything
        print("names' share | threshold | dev B3 P/R/F1 | dev pairwise F1 | dev stories")
        for weight in ENTITY_WEIGHTS:
            for th in THRESHOLDS:
                r = run(docs, SPLITS["dev"], StorySettings(th, entity_weight=weight))
                b = r["bcubed"]
                print(f"{weight:.2f} | {th:.2f} | {b['p']:.3f}/{b['r']:.3f}/{b['f1']:.3f} | "
                      f"{r['pairwise']['f1']:.3f} | {r['stories']} (gold {r['gold_stories']})",
                      flush=True)
    results: dict[str, Any] = {}
    print("split | system | docs | stories (gold) | B3 P/R/F1 | pairwise P/R/F1 | index")
    for split, topics in SPLITS.items():
        for system, settings in (("text only", StorySettings(entity_weight=0.0,
                                                             quote_weight=0.0)),
                                 ("newsgraph", StorySettings())):
            r = run(docs, topics, settings, compare=True)
            results[f"{split}/{system}"] = r
            b, pw = r["bcubed"], r["pairwise"]
            differs = r["index_differs"]
            print(f"{split} | {system} | {r['docs']} | {r['stories']} ({r['gold_stories']}) | "
                  f"{b['p']:.3f}/{b['r']:.3f}/{b['f1']:.3f} | "
                  f"{pw['p']:.3f}/{pw['r']:.3f}/{pw['f1']:.3f} | "
                  f"index = exhaustive: {'yes' if not differs else f'no, {len(differs)} docs'}")
    dated = sum(1 for d in docs if d["story_doc"].published)
    print(f"({len(docs)} documents, {dated} dated, names and quotes "
          f"{'off' if args.no_nlp else 'on'}, {time.perf_counter() - t0:.1f}s)")
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
