"""Entity eval on ECB+ gold mentions: (a) mention detection, (b) cross-document canonicalization.

Data: ../shared/eval/stories/ecbplus.jsonl + ecbplus_mentions.jsonl (982 documents, 43 topics;
CC BY 3.0, Cybulska & Vossen 2014; override the folder with NEWSGRAPH_EVAL_DATA). Scored only on
each document's `coref_lines` (upstream's advice: only those sentences were annotated).

(a) Detection. Gold = entity mentions of the mapped types that are proper names:
      per <- HUMAN_PART_PER    org <- HUMAN_PART_ORG
      loc <- LOC_GEO, LOC_FAC, LOC_OTHER, HUMAN_PART_GPE
    Predicted = newsgraph mentions labelled PERSON -> per, ORG -> org, GPE/LOC/FAC -> loc.
    "Proper name": after a leading "the", the gold text starts with a capital letter, and that
    capital is not just position: either the mention is not at the start of a line (ECB+ has one
    sentence per line), or its first word is also capitalised mid-sentence in the document. The
    first line (the headline, often Title Case) is never evidence. This drops "He", "MAN",
    "Defensive Tackle" and keeps "Lindsay Lohan", "Intel", "Qeshm island".
    Gold spans lose a leading "the" and a trailing possessive (as newsgraph mentions do).
    Exact = same [start, end); partial = overlapping. Recall over gold names; precision over
    predictions, where a prediction is right when it hits (exact / overlap) ANY annotated entity
    mention (HUMAN_PART_*, LOC_*, NON_HUMAN_PART*), proper or not. ECB+ annotates the
    participants of its events, not every name, so precision is a lower bound.
    Typed = the classes must agree as well.

(b) Canonicalization. One Canonicalizer per topic (topics ~ stories; the gold chains are
    within-topic). Items = predicted mentions (any label) that overlap a gold entity mention
    with a chain (best overlap). Pairwise over item pairs within a topic: predicted same entity
    vs gold same chain; reported for all pairs and for cross-document pairs only. Baseline:
    same normalised string (case/diacritics folded) = same entity.

Split (literature: Cybulska & Vossen 2015, Barhom et al. 2019): dev topics 2 5 12 18 21 23 34 35,
test 36-45; the rest (1-35) is "train" (nothing is trained here; rules were tuned looking at the
seed corpus and dev only). Figures are printed for dev, test and all.

    .venv/bin/python eval/entities.py [--json out.json] [--check eval/baseline.json]
"""

from __future__ import annotations

import argparse
import json
import re
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
except ModuleNotFoundError:  # running from a checkout without `pip install -e .`
    sys.path.insert(0, str(HERE.parent / "src"))

from newsgraph.records import Mention  # noqa: E402
from newsgraph.stages.canonical import Canonicalizer, fold  # noqa: E402
from newsgraph.stages.entities import load_nlp, mentions_from_doc  # noqa: E402

DEV_TOPICS = frozenset({2, 5, 12, 18, 21, 23, 34, 35})
TEST_TOPICS = frozenset(range(36, 46))
GOLD_CLASS = {"HUMAN_PART_PER": "per", "HUMAN_PART_ORG": "org", "LOC_GEO": "loc",
              "LOC_FAC": "loc", "LOC_OTHER": "loc", "HUMAN_PART_GPE": "loc"}
PRED_CLASS = {"PERSON": "per", "ORG": "org", "GPE": "loc", "LOC": "loc", "FAC": "loc"}
ENTITY_PREFIXES = ("HUMAN_PART", "LOC_", "NON_HUMAN_PART")



def split_of(topic: int) -> str:
    return "dev" if topic in DEV_TOPICS else "test" if topic in TEST_TOPICS else "train"


def load() -> list[dict[str, Any]]:
    folder = data_dir() / "stories"
    texts = [json.loads(x) for x in (folder / "ecbplus.jsonl").open(encoding="utf-8")]
    golds = [json.loads(x) for x in (folder / "ecbplus_mentions.jsonl").open(encoding="utf-8")]
    by_id = {g["doc_id"]: g for g in golds}
    for d in texts:
        g = by_id[d["doc_id"]]
        d["coref_lines"], d["mentions"] = set(g["coref_lines"]), g["mentions"]
    return texts


def line_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in re.finditer("\n", text)]


def trim_gold(text: str, start: int, end: int) -> tuple[int, int]:
    span = text[start:end]
    lead = re.match(r"(?:the|The|THE)\s+", span)
    if lead and end - start > lead.end():
        start += lead.end()
    tail = re.search(r"['’]s$", text[start:end])
    if tail and tail.start() > 0:
        end = start + tail.start()
    return start, end


def is_proper(doc: dict[str, Any], m: dict[str, Any], starts: list[int]) -> bool:
    text = doc["text"]
    start, _ = trim_gold(text, m["start"], m["end"])
    if not text[start:start + 1].isupper() or m["line"] == 0:
        return False
    if start != starts[m["line"]]:
        return True
    word = re.match(r"\w+", text[start:])
    if not word:
        return False
    # Capitalised elsewhere, not at a line start nor in the headline: a name, not "He".
    pat = re.compile(r"(?<=[^\n]) " + re.escape(word.group()) + r"\b")
    return any(mt.start() > starts[1] for mt in pat.finditer(text)) if len(starts) > 1 else False


def prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4),
            "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0}


def overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def detection(docs: list[dict[str, Any]], preds: dict[str, list[Mention]]) -> dict[str, Any]:
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for doc in docs:
        split, text = split_of(doc["topic"]), doc["text"]
        starts = line_starts(text)
        in_lines = doc["coref_lines"]

        def line_of(pos: int, starts: list[int] = starts) -> int:
            lo, hi = 0, len(starts) - 1
            while lo < hi:
                mid = (lo + hi + 1) // 2
                lo, hi = (mid, hi) if starts[mid] <= pos else (lo, mid - 1)
            return lo

        ents = [m for m in doc["mentions"] if m["type"].startswith(ENTITY_PREFIXES)
                and m["line"] in in_lines]
        gold = [(trim_gold(text, m["start"], m["end"]), GOLD_CLASS[m["type"]]) for m in ents
                if m["type"] in GOLD_CLASS and is_proper(doc, m, starts)]
        any_gold = [(trim_gold(text, m["start"], m["end"]), GOLD_CLASS.get(m["type"]))
                    for m in ents]
        pred = [((p.start, p.end), PRED_CLASS[p.label]) for p in preds[doc["doc_id"]]
                if p.label in PRED_CLASS and line_of(p.start) in in_lines]
        for split_name in (split, "all"):
            c = counts[split_name]
            c["gold"] += len(gold)
            c["pred"] += len(pred)
            for span, cls in gold:
                c["gold_exact"] += any(ps == span for ps, _ in pred)
                c["gold_partial"] += any(overlap(ps, span) for ps, _ in pred)
                c["gold_exact_typed"] += any(ps == span and pc == cls for ps, pc in pred)
                c["gold_partial_typed"] += any(overlap(ps, span) and pc == cls for ps, pc in pred)
                c[f"gold_{cls}"] += 1
                c[f"gold_{cls}_partial"] += any(overlap(ps, span) for ps, _ in pred)
            for span, cls in pred:
                c["pred_exact"] += any(gs == span for gs, _ in any_gold)
                c["pred_partial"] += any(overlap(gs, span) for gs, _ in any_gold)
                c["pred_exact_typed"] += any(gs == span and gc == cls for gs, gc in any_gold)
                c["pred_partial_typed"] += any(overlap(gs, span) and gc == cls
                                               for gs, gc in any_gold)
    out: dict[str, Any] = {}
    for split_name, c in counts.items():
        row: dict[str, Any] = {"gold": c["gold"], "pred": c["pred"]}
        for mode in ("exact", "partial", "exact_typed", "partial_typed"):
            p = c[f"pred_{mode}"] / c["pred"] if c["pred"] else 0.0
            r = c[f"gold_{mode}"] / c["gold"] if c["gold"] else 0.0
            row[mode] = {"precision": round(p, 4), "recall": round(r, 4),
                         "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0}
        row["recall_by_class"] = {cls: round(c[f"gold_{cls}_partial"] / c[f"gold_{cls}"], 4)
                                  for cls in ("per", "org", "loc") if c[f"gold_{cls}"]}
        out[split_name] = row
    return out


def pair_counts(items: list[tuple[str, str, str]]) -> tuple[int, int, int]:
    """items: (doc, predicted entity, gold chain) -> (tp, predicted-same, gold-same) pairs, all
    pairs and cross-document pairs folded in by the caller."""
    def pairs(counter: Counter) -> int:
        return sum(n * (n - 1) // 2 for n in counter.values())

    both = Counter((p, g) for _, p, g in items)
    return (pairs(both), pairs(Counter(p for _, p, _ in items)),
            pairs(Counter(g for _, _, g in items)))


def canon_scores(docs: list[dict[str, Any]], preds: dict[str, list[Mention]]) -> dict[str, Any]:
    by_topic: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for doc in docs:
        by_topic[doc["topic"]].append(doc)
    tallies: dict[str, Counter[str]] = defaultdict(Counter)
    for topic, tdocs in sorted(by_topic.items()):
        canon = Canonicalizer()
        fresh: dict[str, list[Mention]] = {}
        for doc in tdocs:
            ms = [Mention(m.start, m.end, m.text, m.label) for m in preds[doc["doc_id"]]]
            fresh[doc["doc_id"]] = canon.add_article(doc["doc_id"], ms, doc["text"])
        canon.entities()  # final links; updates the mentions in place
        items: dict[str, list[tuple[str, str, str]]] = {"ours": [], "string": []}
        for doc in tdocs:
            golds = [m for m in doc["mentions"] if m["type"].startswith(ENTITY_PREFIXES)
                     and m["chain"] and m["line"] in doc["coref_lines"]]
            for p in fresh[doc["doc_id"]]:
                hits = [(overlap((p.start, p.end), (g["start"], g["end"])), g) for g in golds]
                hits = [h for h in hits if h[0] > 0]
                if not hits:
                    continue
                gold = max(hits, key=lambda h: (h[0], -h[1]["start"]))[1]
                items["ours"].append((doc["doc_id"], str(p.entity_id), gold["chain"]))
                items["string"].append((doc["doc_id"], fold(p.text), gold["chain"]))
        for split_name in (split_of(topic), "all"):
            for system, rows in items.items():
                tp, ps, gs = pair_counts(rows)
                # cross-document = all pairs minus the pairs inside one document
                within = [pair_counts([r for r in rows if r[0] == d]) for d in
                          {r[0] for r in rows}]
                t = tallies[f"{split_name}/{system}"]
                t["items"] += len(rows)
                t["tp"] += tp
                t["ps"] += ps
                t["gs"] += gs
                t["x_tp"] += tp - sum(w[0] for w in within)
                t["x_ps"] += ps - sum(w[1] for w in within)
                t["x_gs"] += gs - sum(w[2] for w in within)
    out: dict[str, Any] = {}
    for name, t in sorted(tallies.items()):
        split_name, system = name.split("/")
        out.setdefault(split_name, {})[system] = {
            "items": t["items"], "all_pairs": prf(t["tp"], t["ps"], t["gs"]),
            "cross_doc_pairs": prf(t["x_tp"], t["x_ps"], t["x_gs"])}
    return out


def check(figures: dict[str, Any], baseline: Path) -> int:
    if not baseline.exists():
        print(f"no baseline file {baseline}; not checking")
        return 0
    floors = json.loads(baseline.read_text(encoding="utf-8")).get("entities")
    if not floors:
        print(f'no "entities" key in {baseline}; not checking')
        return 0
    got = {
        "detect_partial_f1": figures["detection"]["all"]["partial"]["f1"],
        "detect_exact_f1": figures["detection"]["all"]["exact"]["f1"],
        "detect_partial_recall": figures["detection"]["all"]["partial"]["recall"],
        "canon_f1": figures["canonical"]["all"]["ours"]["all_pairs"]["f1"],
        "canon_precision": figures["canonical"]["all"]["ours"]["all_pairs"]["precision"],
        "canon_cross_doc_f1": figures["canonical"]["all"]["ours"]["cross_doc_pairs"]["f1"],
    }
    failures = [f"{k} {v:.4f} < {floors[k + '_min']}" for k, v in got.items()
                if k + "_min" in floors and v < floors[k + "_min"]]
    for msg in failures:
        print("FAIL", msg)
    if not failures:
        print(f"check passed against {baseline}")
    return 1 if failures else 0


def print_report(fig: dict[str, Any]) -> None:
    print(f"\n(a) mention detection, proper-name gold on coref_lines ({fig['model']})")
    print("split | gold | pred | exact P/R/F1 | partial P/R/F1 | typed exact F1 | typed "
          "partial F1 | recall per/org/loc (partial)")
    for split_name in ("dev", "test", "all"):
        r = fig["detection"][split_name]
        e, p = r["exact"], r["partial"]
        print(f"{split_name} | {r['gold']} | {r['pred']} | {e['precision']:.3f}/{e['recall']:.3f}/"
              f"{e['f1']:.3f} | {p['precision']:.3f}/{p['recall']:.3f}/{p['f1']:.3f} | "
              f"{r['exact_typed']['f1']:.3f} | {r['partial_typed']['f1']:.3f} | "
              + "/".join(f"{v:.3f}" for v in r["recall_by_class"].values()))
    print("\n(b) canonicalization, pairwise within topic (items = predicted mentions on gold "
          "chains)")
    print("split | system | items | all pairs P/R/F1 | cross-doc pairs P/R/F1")
    for split_name in ("dev", "test", "all"):
        for system in ("string", "ours"):
            r = fig["canonical"][split_name][system]
            a, x = r["all_pairs"], r["cross_doc_pairs"]
            print(f"{split_name} | {system} | {r['items']} | {a['precision']:.3f}/"
                  f"{a['recall']:.3f}/{a['f1']:.3f} | {x['precision']:.3f}/{x['recall']:.3f}/"
                  f"{x['f1']:.3f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", help="write the figures here")
    parser.add_argument("--check", help="baseline file with an 'entities' key of floors")
    args = parser.parse_args()
    started = time.perf_counter()
    docs = load()
    # The parser does not feed spaCy's NER; leaving it out makes the eval ~2x faster.
    nlp = load_nlp(disable=("lemmatizer", "parser"))
    preds: dict[str, list[Mention]] = {}
    for doc, parsed in zip(docs, nlp.pipe(d["text"] for d in docs), strict=True):
        preds[doc["doc_id"]] = mentions_from_doc(parsed, doc["text"])
    parsed_s = time.perf_counter() - started
    fig = {"model": nlp.meta.get("name", "?") + " " + nlp.meta.get("version", ""),
           "split": {"dev": sorted(DEV_TOPICS), "test": sorted(TEST_TOPICS)},
           "detection": detection(docs, preds), "canonical": canon_scores(docs, preds)}
    fig["seconds"] = {"parse": round(parsed_s, 1),
                      "total": round(time.perf_counter() - started, 1)}
    print_report(fig)
    print(f"\n{len(docs)} documents in {fig['seconds']['total']}s")
    if args.json:
        Path(args.json).write_text(json.dumps(fig, indent=2) + "\n", encoding="utf-8")
    return check(fig, Path(args.check)) if args.check else 0


if __name__ == "__main__":
    sys.exit(main())
