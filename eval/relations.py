"""Relation eval on ECB+ gold mentions: co-occurrence edges between entities, at chain level.

Data: ../shared/eval/stories/ecbplus.jsonl + ecbplus_mentions.jsonl (982 documents, 43 topics;
CC BY 3.0, Cybulska & Vossen 2014; NEWSGRAPH_EVAL_DATA overrides the folder). Scored only on
each document's `coref_lines` (the sentences upstream annotated), one topic at a time (gold
chains are within a topic).

What it measures: does `co-occurs` (stages/relations.py) link the entities that the text names
together in a sentence, once mentions are merged into entities (stages/canonical.py)?

- Gold edges: per topic, the unordered pairs of distinct gold chains that both have a
  proper-name mention (the same "proper name" test as eval/entities.py) in one coref line.
  Entity mentions = HUMAN_PART_* and LOC_* (people, organisations, places); pronouns and
  common nouns ("he", "the actress") are left out: no name finder links them. `gold_any` also
  reports recall against edges from every mention, pronouns included, for scale.
- Predicted edges: spaCy names (parser off) merged per topic by the Canonicalizer, the stage's
  own `co_occurrences` hits whose sentence is a coref line. Each predicted entity maps to the
  gold chain most of its mentions overlap (ties: smallest chain id). A hit is scored only
  where the annotation speaks: both entities' names in that sentence overlap annotated entity
  mentions (ECB+ annotates the participants of its events, not every name); other hits are
  counted in `unscored`. A scored hit becomes the pair of the two entities' chains; two
  entities that map to ONE chain (a split entity, or a name cut in two) give a pair (c, c),
  always wrong.
- Precision = distinct predicted chain pairs that the text relates (both chains mentioned in
  one coref line, by any mention, pronouns included) / distinct predicted pairs, split-entity
  pairs included (`precision_distinct` leaves them out); recall = name-gold pairs found /
  name-gold pairs. Per topic, summed over topics.
- Baseline `string`: entity = the mention's folded words (no canonicalization).
- Sentences: ECB+ puts one sentence per line and the splitter cuts at line breaks, so the
  edge figures do not test the splitter. `splitter` measures it apart: every document's lines
  joined by single spaces, boundary precision/recall against the line starts.

Split: dev topics 2 5 12 18 21 23 34 35, test 36-45, as in eval/entities.py.

    .venv/bin/python eval/relations.py [--json out.json] [--check eval/baseline.json]
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
try:
    import newsgraph  # noqa: F401
except ModuleNotFoundError:  # running from a checkout without `pip install -e .`
    sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

from entities import (  # noqa: E402  (the ECB+ loading and name tests are shared)
    is_proper,
    line_starts,
    load,
    overlap,
    prf,
    split_of,
)
from newsgraph.records import Mention  # noqa: E402
from newsgraph.stages.canonical import Canonicalizer, fold  # noqa: E402
from newsgraph.stages.entities import load_nlp, mentions_from_doc  # noqa: E402
from newsgraph.stages.relations import co_occurrences, sentence_bounds  # noqa: E402

GOLD_PREFIXES = ("HUMAN_PART", "LOC_")


def _line_of(starts: list[int], pos: int) -> int:
    lo, hi = 0, len(starts) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        lo, hi = (mid, hi) if starts[mid] <= pos else (lo, mid - 1)
    return lo


def gold_edges(tdocs: list[dict[str, Any]], names_only: bool) -> set[tuple[str, str]]:
    edges: set[tuple[str, str]] = set()
    for doc in tdocs:
        starts = line_starts(doc["text"])
        by_line: dict[int, set[str]] = defaultdict(set)
        for m in doc["mentions"]:
            if (m["type"].startswith(GOLD_PREFIXES) and m["chain"]
                    and m["line"] in doc["coref_lines"]
                    and (not names_only or is_proper(doc, m, starts))):
                by_line[m["line"]].add(m["chain"])
        for chains in by_line.values():
            ordered = sorted(chains)
            edges.update((a, b) for i, a in enumerate(ordered) for b in ordered[i + 1:])
    return edges


def predicted_edges(tdocs: list[dict[str, Any]], preds: dict[str, list[Mention]],
                    system: str) -> tuple[set[tuple[str, str]], int, int]:
    """(distinct chain pairs, scored hits, unscored hits) of one topic for one system."""
    canon = Canonicalizer()
    fresh: dict[str, list[Mention]] = {}
    for doc in tdocs:
        ms = [Mention(m.start, m.end, m.text, m.label) for m in preds[doc["doc_id"]]]
        fresh[doc["doc_id"]] = canon.add_article(doc["doc_id"], ms, doc["text"])
    canon.entities()  # final ids, set on the mentions in place
    if system == "string":
        for ms in fresh.values():
            for m in ms:
                m.entity_id = fold(m.text)
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for doc in tdocs:
        golds = [g for g in doc["mentions"] if g["type"].startswith(GOLD_PREFIXES)
                 and g["chain"] and g["line"] in doc["coref_lines"]]
        for p in fresh[doc["doc_id"]]:
            hits = [(overlap((p.start, p.end), (g["start"], g["end"])), g) for g in golds]
            hits = [h for h in hits if h[0] > 0]
            if hits:
                gold = max(hits, key=lambda h: (h[0], -h[1]["start"]))[1]
                votes[str(p.entity_id)][gold["chain"]] += 1
    chain_of = {e: min(c.items(), key=lambda kv: (-kv[1], kv[0]))[0] for e, c in votes.items()}
    pairs: set[tuple[str, str]] = set()
    scored = unscored = 0
    for doc in tdocs:
        starts = line_starts(doc["text"])
        golds = [(g["start"], g["end"]) for g in doc["mentions"]
                 if g["type"].startswith(GOLD_PREFIXES) and g["chain"]]
        for hit in co_occurrences(doc["doc_id"], doc["text"], fresh[doc["doc_id"]]):
            s0, s1 = hit.evidence["start"], hit.evidence["end"]
            if _line_of(starts, s0) not in doc["coref_lines"]:
                continue
            # scored only where the annotation speaks: both names, in this sentence, are
            # annotated mentions (ECB+ leaves names outside its events unannotated)
            seen = {str(m.entity_id) for m in fresh[doc["doc_id"]]
                    if s0 <= m.start < s1 and any(overlap((m.start, m.end), g) for g in golds)}
            a, b = chain_of.get(hit.source), chain_of.get(hit.target)
            if a is None or b is None or not {hit.source, hit.target} <= seen:
                unscored += 1
                continue
            scored += 1
            pairs.add((a, b) if a <= b else (b, a))  # (c, c): a split entity, never gold
    return pairs, scored, unscored


def edge_scores(docs: list[dict[str, Any]], preds: dict[str, list[Mention]]) -> dict[str, Any]:
    by_topic: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for doc in docs:
        by_topic[doc["topic"]].append(doc)
    t: dict[str, Counter[str]] = defaultdict(Counter)
    for topic, tdocs in sorted(by_topic.items()):
        gold = gold_edges(tdocs, names_only=True)
        gold_any = gold_edges(tdocs, names_only=False)
        for system in ("string", "ours"):
            pairs, scored, unscored = predicted_edges(tdocs, preds, system)
            for split_name in (split_of(topic), "all"):
                c = t[f"{split_name}/{system}"]
                c["tp"] += len(pairs & gold)
                c["tp_p"] += len(pairs & gold_any)  # right: the text names both there
                c["pred"] += len(pairs)
                c["gold"] += len(gold)
                c["split_entity"] += sum(1 for a, b in pairs if a == b)
                c["tp_any"] += len(pairs & gold_any)
                c["gold_any"] += len(gold_any)
                c["scored_hits"] += scored
                c["unscored_hits"] += unscored
    out: dict[str, Any] = {}
    for name, c in sorted(t.items()):
        split_name, system = name.split("/")
        p = c["tp_p"] / c["pred"] if c["pred"] else 0.0
        r = c["tp"] / c["gold"] if c["gold"] else 0.0
        distinct = c["pred"] - c["split_entity"]
        row: dict[str, Any] = {"precision": round(p, 4), "recall": round(r, 4),
                               "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
                               "precision_distinct": round(c["tp_p"] / distinct, 4)
                               if distinct else 0.0}
        row.update({k: c[k] for k in ("tp", "tp_p", "pred", "gold", "split_entity", "scored_hits",
                                      "unscored_hits", "gold_any")})
        row["recall_any"] = round(c["tp_any"] / c["gold_any"], 4) if c["gold_any"] else 0.0
        out.setdefault(split_name, {})[system] = row
    return out


def splitter_scores(docs: list[dict[str, Any]]) -> dict[str, float]:
    """Sentence starts found when every document's lines are joined by one space."""
    tp = n_pred = n_gold = 0
    for doc in docs:
        lines = [x.strip() for x in doc["text"].split("\n") if x.strip()]
        joined, gold, pos = "", set(), 0
        for line in lines:
            gold.add(pos)
            joined += line + " "
            pos = len(joined)
        pred = {s for s, _ in sentence_bounds(joined.rstrip())}
        tp += len(pred & gold)
        n_pred += len(pred)
        n_gold += len(gold)
    return prf(tp, n_pred, n_gold)


def check(fig: dict[str, Any], baseline: Path) -> int:
    if not baseline.exists():
        print(f"no baseline file {baseline}; not checking")
        return 0
    floors = json.loads(baseline.read_text(encoding="utf-8")).get("relations")
    if not floors:
        print(f'no "relations" key in {baseline}; not checking')
        return 0
    got = {"all/f1": fig["edges"]["all"]["ours"]["f1"],
           "all/precision": fig["edges"]["all"]["ours"]["precision"],
           "test/f1": fig["edges"]["test"]["ours"]["f1"],
           "splitter_f1": fig["splitter"]["f1"]}
    failures = [f"{k} {v:.4f} < {floors[k]}" for k, v in got.items()
                if k in floors and v < floors[k]]
    for msg in failures:
        print("FAIL", msg)
    if not failures:
        print(f"check passed against {baseline}")
    return 1 if failures else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", help="write the figures here")
    parser.add_argument("--check", help="baseline file with a 'relations' key of floors")
    args = parser.parse_args()
    started = time.perf_counter()
    docs = load()
    nlp = load_nlp(disable=("lemmatizer", "parser"))  # names only: the splitter is rules
    preds: dict[str, list[Mention]] = {}
    for doc, parsed in zip(docs, nlp.pipe(d["text"] for d in docs), strict=True):
        preds[doc["doc_id"]] = mentions_from_doc(parsed, doc["text"])
    fig: dict[str, Any] = {"edges": edge_scores(docs, preds), "splitter": splitter_scores(docs)}
    fig["seconds"] = round(time.perf_counter() - started, 1)
    print("co-occurrence edges between gold chains, per topic, coref lines only")
    print("split | system | gold | pred | P/R/F1 | split-entity pairs | recall vs all-mention "
          "gold | unscored hits")
    for split_name in ("dev", "test", "all"):
        for system in ("string", "ours"):
            r = fig["edges"][split_name][system]
            print(f"{split_name} | {system} | {r['gold']} | {r['pred']} | {r['precision']:.3f}/"
                  f"{r['recall']:.3f}/{r['f1']:.3f} | {r['split_entity']} | "
                  f"{r['recall_any']:.3f} ({r['gold_any']}) | {r['unscored_hits']} of "
                  f"{r['unscored_hits'] + r['scored_hits']}")
    s = fig["splitter"]
    print(f"\nsentence splitter on joined lines: P {s['precision']:.3f} R {s['recall']:.3f} "
          f"F1 {s['f1']:.3f}")
    print(f"{len(docs)} documents in {fig['seconds']}s")
    if args.json:
        Path(args.json).write_text(json.dumps(fig, indent=2) + "\n", encoding="utf-8")
    return check(fig, Path(args.check)) if args.check else 0


if __name__ == "__main__":
    sys.exit(main())
