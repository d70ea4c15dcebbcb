"""Time-expression eval: newsgraph's timex resolver on a hand-written test set.

Gold: eval/data/timex_gold.jsonl (written for this project from general news-style sentences, a
few after the seed articles; MIT like the code). One line per expression: `sentence`, `anchor`
(the publication date, or null), `expression` with `[start, end)` in the sentence, the expected
`date` (ISO at its precision) and `precision` (day | month | year), or both null when the
expression must stay unresolved (no anchor, vague, relative to another event).

An item is right when the resolver's expression overlapping the gold span has exactly the gold
date and precision; for a null gold, finding nothing there is right too.

    .venv/bin/python eval/timex.py [-v] [--json out.json] [--check eval/baseline.json]

--check reads the "timex" key of a baseline file: {"accuracy_min"}.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
GOLD = HERE / "data" / "timex_gold.jsonl"
try:
    import newsgraph  # noqa: F401
except ModuleNotFoundError:
    sys.path.insert(0, str(HERE.parent / "src"))

from newsgraph.stages.timex import find_times  # noqa: E402


def load_gold(path: Path = GOLD) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def score_item(item: dict[str, Any]) -> tuple[bool, dict[str, Any] | None]:
    """(right, the predicted expression at the gold span or None)."""
    found = [t for t in find_times(item["sentence"], item["anchor"])
             if t.start < item["end"] and item["start"] < t.end]
    pred = found[0].to_dict() if found else None
    if pred is None:
        return item["date"] is None, None
    return (pred["date"], pred["precision"]) == (item["date"], item["precision"]), pred


def evaluate(gold: list[dict[str, Any]], verbose: bool = False) -> dict[str, Any]:
    right = 0
    nulls = nulls_right = 0
    errors = []
    for item in gold:
        ok, pred = score_item(item)
        right += ok
        if item["date"] is None:
            nulls += 1
            nulls_right += ok
        if not ok:
            errors.append({"id": item["id"], "gold": [item["date"], item["precision"]],
                           "pred": pred, "sentence": item["sentence"]})
    if verbose:
        for e in errors:
            print(json.dumps(e, ensure_ascii=False))
    return {"items": len(gold), "right": right, "accuracy": round(right / len(gold), 4),
            "null_items": nulls, "null_right": nulls_right, "errors": [e["id"] for e in errors]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--json")
    ap.add_argument("--check")
    args = ap.parse_args()
    result = evaluate(load_gold(), verbose=args.verbose)
    print(f"timex: {result['right']}/{result['items']} right, accuracy {result['accuracy']:.3f} "
          f"(must-stay-null {result['null_right']}/{result['null_items']})")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    if args.check:
        floors = json.loads(Path(args.check).read_text(encoding="utf-8")).get("timex", {})
        floor = floors.get("accuracy_min")
        if floor is not None and result["accuracy"] < floor:
            print(f"below baseline: accuracy {result['accuracy']:.3f} < {floor}")
            return 1
        print("check passed against", args.check)
    return 0


if __name__ == "__main__":
    sys.exit(main())
