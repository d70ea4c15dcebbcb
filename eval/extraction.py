"""Article-body extraction eval on the Zyte article-extraction-benchmark (181 pages).

Scores plain ``trafilatura.extract`` (defaults) and newsgraph's article text side by side with
the benchmark's own metric (4-gram shingle multisets; see ``../shared/eval/README.md``,
section "extraction/zyte"). Before scoring, the scorer checks itself on the upstream reference
output of trafilatura 2.0.0.

    .venv/bin/python eval/extraction.py [--json out.json] [--check eval/baseline.json]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))  # run from a checkout without installing

DEFAULT_DATA = ROOT.parent / "shared" / "eval"
METRICS = ("f1", "precision", "recall", "accuracy")
# Published figures for the reference output (benchmark README); the scorer must reproduce them.
SELF_CHECK = {"f1": 0.9575, "precision": 0.9383, "recall": 0.9775, "accuracy": 0.2928}

_TOKEN = re.compile(r"\w+")


# --- metric (as upstream evaluate.py) -----------------------------------------------------------


def tokenize(text: str) -> list[str]:
    return _TOKEN.findall(text)


def shingles(tokens: list[str], n: int = 4) -> Counter[tuple[str, ...]]:
    if not tokens:
        return Counter()
    if len(tokens) < n:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def page_counts(gold: str, pred: str) -> tuple[float, float, float]:
    """Normalised (tp, fp, fn) for one page, so that every page weighs the same."""
    g, p = shingles(tokenize(gold)), shingles(tokenize(pred))
    tp = sum(min(g[s], p[s]) for s in g.keys() & p.keys())
    fp = sum(p.values()) - tp
    fn = sum(g.values()) - tp
    total = tp + fp + fn
    if total == 0:
        return 0.0, 0.0, 0.0
    return tp / total, fp / total, fn / total


def score(
    gold: dict[str, str], pred: dict[str, str], ids: Iterable[str] | None = None
) -> dict[str, float]:
    ids = list(gold) if ids is None else list(ids)
    precisions: list[float] = []
    recalls: list[float] = []
    exact = 0
    for key in ids:
        g, p = gold[key], pred.get(key) or ""
        tp, fp, fn = page_counts(g, p)
        if tp + fp > 0:
            precisions.append(tp / (tp + fp))
        if tp + fn > 0:
            recalls.append(tp / (tp + fn))
        exact += tokenize(g) == tokenize(p)
    precision = sum(precisions) / len(precisions) if precisions else 0.0
    recall = sum(recalls) / len(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "f1": f1,
        "precision": precision,
        "recall": recall,
        "accuracy": exact / len(ids) if ids else 0.0,
    }


# --- data and systems ---------------------------------------------------------------------------


def data_dir() -> Path:
    return Path(os.environ.get("NEWSGRAPH_EVAL_DATA", DEFAULT_DATA)) / "extraction" / "zyte"


def load_gold(base: Path) -> dict[str, dict[str, str]]:
    with open(base / "ground-truth.json", encoding="utf-8") as f:
        return json.load(f)


def read_html(base: Path, page_id: str) -> str:
    with gzip.open(base / "html" / f"{page_id}.html.gz", "rb") as f:
        return f.read().decode("utf-8", errors="replace")


def _reader_text(html: str, url: str | None) -> str:
    from newsgraph.stages.read.html_extract import extract_html

    return extract_html(html, url=url).text


def _pipeline_available() -> bool:
    try:
        from newsgraph.api import extract_article  # noqa: F401
    except ImportError:
        return False
    return True


def _pipeline_text(html: str, url: str | None) -> str:
    """The article text the pipeline stores (reader + cleaning); "" when it rejects the page."""
    from newsgraph.api import extract_article

    try:
        return extract_article(html=html, url=url).text or ""
    except Exception as err:  # a rejected page (coded InputError) scores as an empty prediction
        print(f"  pipeline rejected {url}: {type(err).__name__}: {err}", file=sys.stderr)
        return ""


def _plain_trafilatura(html: str, url: str | None) -> str:
    import trafilatura

    return trafilatura.extract(html, url=url) or ""


SYSTEMS: dict[str, Callable[[str, str | None], str]] = {
    "trafilatura": _plain_trafilatura,
    "newsgraph": _pipeline_text,
    "reader": _reader_text,  # html_extract alone, before the cleaning stage
}

_GOLD_CACHE: dict[str, dict[str, dict[str, str]]] = {}


def load_gold_cached(base: Path) -> dict[str, dict[str, str]]:
    key = str(base)
    if key not in _GOLD_CACHE:
        _GOLD_CACHE[key] = load_gold(base)
    return _GOLD_CACHE[key]


def _run_page(job: tuple[str, str, str, str]) -> tuple[str, str, str]:
    label, system, base, page_id = job
    html = read_html(Path(base), page_id)
    url = load_gold_cached(Path(base))[page_id]["url"]
    return label, page_id, SYSTEMS[system](html, url)


def run_systems(
    base: Path, ids: list[str], systems: dict[str, str], workers: int
) -> dict[str, dict[str, str]]:
    """Texts per page for each label in ``systems`` (label -> key of SYSTEMS)."""
    jobs = [(label, system, str(base), i) for label, system in systems.items() for i in ids]
    out: dict[str, dict[str, str]] = {label: {} for label in systems}
    if workers <= 1:
        results: Iterable[tuple[str, str, str]] = map(_run_page, jobs)
    else:
        pool = ProcessPoolExecutor(max_workers=workers)
        results = pool.map(_run_page, jobs, chunksize=4)
    for label, page_id, text in results:
        out[label][page_id] = text
    if workers > 1:
        pool.shutdown()
    return out


# --- report -------------------------------------------------------------------------------------


def self_check(base: Path, gold: dict[str, str]) -> bool:
    ref_path = base / "reference-output" / "trafilatura.json"
    if not ref_path.exists():
        print(f"self-check skipped: {ref_path} not found")
        return True
    with open(ref_path, encoding="utf-8") as f:
        ref = {k: v["articleBody"] for k, v in json.load(f)["output"].items()}
    got = score(gold, ref)
    ok = all(abs(round(got[m], 4) - SELF_CHECK[m]) < 1e-9 for m in METRICS)
    figures = "  ".join(f"{m} {got[m]:.4f}" for m in METRICS)
    verdict = "OK" if ok else "MISMATCH"
    print(f"scorer self-check on reference trafilatura 2.0.0: {figures}  -> {verdict}")
    return ok


def split_ids(ids: list[str]) -> dict[str, list[str]]:
    # Development split by first hex digit of the page id: tune on 0-7, confirm on 8-f.
    return {
        "dev (0-7)": [i for i in ids if i[0] in "01234567"],
        "test (8-f)": [i for i in ids if i[0] not in "01234567"],
        "all": ids,
    }


def print_table(gold: dict[str, str], preds: dict[str, dict[str, str]], ids: list[str]) -> None:
    print(f"{'split':<12} {'system':<12} {'n':>4} " + " ".join(f"{m:>9}" for m in METRICS))
    for name, part in split_ids(ids).items():
        for system, pred in preds.items():
            s = score(gold, pred, part)
            cells = " ".join(f"{s[m]:>9.4f}" for m in METRICS)
            print(f"{name:<12} {system:<12} {len(part):>4} {cells}")


def check_floors(figures: dict[str, float], baseline: Path) -> bool:
    if not baseline.exists():
        print(f"no floors: {baseline} not found")
        return True
    with open(baseline, encoding="utf-8") as f:
        floors = json.load(f).get("extraction")
    if not floors:
        print(f"no floors: key 'extraction' not in {baseline}")
        return True
    ok = True
    for metric, floor in floors.items():
        if metric not in figures:
            continue
        below = figures[metric] < floor
        ok &= not below
        print(f"floor {metric}: {figures[metric]:.4f} vs {floor:.4f} {'BELOW' if below else 'ok'}")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--json", type=Path, help="write the figures to this JSON file")
    parser.add_argument("--check", type=Path, help="baseline JSON with floors under 'extraction'")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--dump", type=Path, help="write every system's text per page (debugging)")
    args = parser.parse_args(argv)

    base = data_dir()
    gold_full = load_gold(base)
    gold = {k: v["articleBody"] for k, v in gold_full.items()}
    ids = sorted(gold)
    if not self_check(base, gold):
        print("scorer self-check failed: figures below are not comparable with published ones")
        return 1

    systems = {"trafilatura": "trafilatura", "newsgraph": "newsgraph", "reader": "reader"}
    if _pipeline_available():
        print("newsgraph = api.extract_article(html=..., url=...).text (reader + cleaning)")
        print("reader    = html_extract.extract_html(html, url).text (before cleaning)")
    else:
        print("newsgraph.api.extract_article not available: newsgraph = html_extract.extract_html")
        systems = {"trafilatura": "trafilatura", "newsgraph": "reader"}
    preds = run_systems(base, ids, systems, args.workers)
    print_table(gold, preds, ids)

    result: dict[str, dict[str, float]] = {
        system: score(gold, pred, ids) for system, pred in preds.items()
    }
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    if args.dump:
        dump = json.dumps(preds, indent=1, ensure_ascii=False)
        args.dump.write_text(dump, encoding="utf-8")
    if args.check and not check_floors(result["newsgraph"], args.check):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
