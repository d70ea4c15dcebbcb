"""Event-coding eval: newsgraph's events stage on the PLOVER gold-standard records
(../shared/eval/events/plover_gsr.jsonl, CC BY-SA 4.0, Open Event Data Alliance; read at run
time, never copied into this repository).

Each record's `text` is run as one sentence; the prediction is the sentence's primary event
(`events.primary_event`: the trigger nearest the root of the parse), or NONE when no event is
found. Scored per split: dev and test are a fixed half/half split by a hash of the record id
(the lexicon and rules were tuned on dev only; test was never looked at), and total.

- Type: accuracy and macro-F1 over `event_v2` (the current manual's 16 categories; NONE counts
  as a wrong label, and as a class only on the predicted side); beside it the majority baseline
  (always AGREE: 40/322 = 0.124 overall).
- Actor / target: per record, precision / recall / F1 of the predicted actor (target) phrase.
  A prediction is right when it overlaps a gold span of that role (SRC, or SRC/TAR for a
  reciprocal pair; TAR or SRC/TAR for the target) or contains (or is contained in) a gold
  `actorText`, case-insensitive; an elided actorText ("U.S. ... negotiators") must have each of
  its parts in the phrase. A phrase predicted where the gold has none is a false positive.

    .venv/bin/python eval/events.py [-v] [--json out.json] [--check eval/baseline.json]

-v prints the DEV errors only. --check reads the "events" key of a baseline file: floors named
"<split>/<measure>" (e.g. "test/accuracy", "test/actor_f1"); any value below exits 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # eval/evaldata.py, also when a test imports this file
from evaldata import data_dir  # noqa: E402

try:
    import newsgraph  # noqa: F401
except ModuleNotFoundError:
    sys.path.insert(0, str(HERE.parent / "src"))

from newsgraph.ids import content_hash  # noqa: E402

SPLITS = ("dev", "test", "total")
MAJORITY = "AGREE"



def load_gold() -> list[dict[str, Any]]:
    path = data_dir() / "events" / "plover_gsr.jsonl"
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def split_of(record_id: str) -> str:
    """Fixed, content-based: the same record is always in the same half."""
    return "dev" if int(content_hash("events-split", record_id)[:8], 16) % 2 == 0 else "test"


def role_matches(phrase: str | None, start: int | None, end: int | None,
                 record: dict[str, Any], role: str) -> bool:
    if phrase is None:
        return False
    roles = {"actor": ("SRC", "SRC/TAR"), "target": ("TAR", "SRC/TAR")}[role]
    for span in record.get("spans") or []:
        if span["role"] in roles and start is not None and end is not None \
                and span["start"] < end and start < span["end"]:
            return True
    low = phrase.lower()
    for actor in record["source" if role == "actor" else "target"]:
        text = (actor.get("actorText") or "").lower().strip()
        if not text:
            continue
        parts = [p.strip() for p in text.split("...") if p.strip()]
        if all(p in low for p in parts) or (len(low) >= 3 and low in text):
            return True
    return False


def has_gold(record: dict[str, Any], role: str) -> bool:
    roles = {"actor": ("SRC", "SRC/TAR"), "target": ("TAR", "SRC/TAR")}[role]
    return bool(record["source" if role == "actor" else "target"]) or any(
        s["role"] in roles for s in record.get("spans") or [])


def predict(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    from newsgraph.stages.events import extract_events, primary_event
    from newsgraph.stages.nlp import load_nlp

    nlp = load_nlp()
    out = []
    for rec, doc in zip(records, nlp.pipe(r["text"] for r in records), strict=True):
        ev = primary_event(extract_events(doc=doc, article_id=rec["id"]))
        out.append(ev.to_dict() if ev else None)
    return out


def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f1": round(2 * p * r / (p + r), 4) if p + r
            else 0.0}


def macro_f1(gold: list[str], pred: list[str]) -> float:
    labels = sorted(set(gold))
    scores = []
    for lab in labels:
        tp = sum(g == lab and p == lab for g, p in zip(gold, pred, strict=True))
        fp = sum(g != lab and p == lab for g, p in zip(gold, pred, strict=True))
        fn = sum(g == lab and p != lab for g, p in zip(gold, pred, strict=True))
        scores.append(prf(tp, fp, fn)["f1"])
    return round(sum(scores) / len(scores), 4) if scores else 0.0


def score(records: list[dict[str, Any]], preds: list[dict[str, Any] | None]) -> dict[str, Any]:
    gold = [r["event_v2"] for r in records]
    pred = [p["action"] if p else "NONE" for p in preds]
    right = sum(g == p for g, p in zip(gold, pred, strict=True))
    out: dict[str, Any] = {
        "records": len(records),
        "accuracy": round(right / len(records), 4),
        "macro_f1": macro_f1(gold, pred),
        "majority_accuracy": round(gold.count(MAJORITY) / len(records), 4),
        "majority_macro_f1": macro_f1(gold, [MAJORITY] * len(gold)),
        "no_event": pred.count("NONE"),
    }
    for role in ("actor", "target"):
        tp = fp = fn = 0
        for rec, p in zip(records, preds, strict=True):
            phrase = p[role] if p else None
            ok = p is not None and role_matches(phrase, p[f"{role}_start"], p[f"{role}_end"],
                                                rec, role)
            gold_has = has_gold(rec, role)
            if phrase is not None:
                tp += ok
                fp += not ok
            if gold_has and not ok:
                fn += 1
        r = prf(tp, fp, fn)
        out.update({f"{role}_p": r["p"], f"{role}_r": r["r"], f"{role}_f1": r["f1"]})
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--json")
    ap.add_argument("--check")
    args = ap.parse_args()
    records = load_gold()
    preds = predict(records)
    results: dict[str, Any] = {}
    for split in SPLITS:
        idx = [i for i, r in enumerate(records) if split == "total" or split_of(r["id"]) == split]
        results[split] = score([records[i] for i in idx], [preds[i] for i in idx])
    print("split | records | type acc (majority) | macro-F1 (majority) | actor P/R/F1 | "
          "target P/R/F1 | no event")
    for split, r in results.items():
        print(f"{split} | {r['records']} | {r['accuracy']:.3f} ({r['majority_accuracy']:.3f}) | "
              f"{r['macro_f1']:.3f} ({r['majority_macro_f1']:.3f}) | "
              f"{r['actor_p']:.3f}/{r['actor_r']:.3f}/{r['actor_f1']:.3f} | "
              f"{r['target_p']:.3f}/{r['target_r']:.3f}/{r['target_f1']:.3f} | {r['no_event']}")
    if args.verbose:
        confusion: Counter[tuple[str, str]] = Counter()
        for rec, p in zip(records, preds, strict=True):
            if split_of(rec["id"]) != "dev":
                continue
            action = p["action"] if p else "NONE"
            if action != rec["event_v2"]:
                confusion[(rec["event_v2"], action)] += 1
                print(f"{rec['id']}: gold {rec['event_v2']} pred {action} "
                      f"trigger={p and p['trigger']!r} actor={p and p['actor']!r} "
                      f"target={p and p['target']!r}\n    {rec['text']}")
        print(confusion.most_common(20))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    if args.check:
        floors = json.loads(Path(args.check).read_text(encoding="utf-8")).get("events", {})
        failures = []
        for key, minimum in floors.items():
            split, measure = key.split("/")
            if results[split][measure] < minimum:
                failures.append(f"{key}: {results[split][measure]:.3f} < {minimum}")
        if failures:
            print("below baseline:", *failures, sep="\n  ")
            return 1
        print("check passed against", args.check)
    return 0


if __name__ == "__main__":
    sys.exit(main())
