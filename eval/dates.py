"""Publication-date eval: htmldate vs newsgraph on hand-labelled news pages, plus text date lines.

Gold: eval/data/dates_gold.jsonl (what a reader sees on each page of the Zyte article-extraction
benchmark, see dates_gold.md) and eval/data/text_dates_gold.jsonl (plain-text headers).

    .venv/bin/python eval/dates.py                       # table for dev / test / total
    .venv/bin/python eval/dates.py --json out.json --check eval/baseline.json
    .venv/bin/python eval/dates.py --show 0e014df6       # labelling aid: dated lines of a page
    .venv/bin/python eval/dates.py --verify              # every gold evidence is on its page

Counts per method, on pages whose gold has a date: right (same day), wrong (another day), none
(no date given). "strict" counts only pages whose visible date is labelled as the publication
date (not an update-only date, not a date without a year). Pages with no visible date are not
scored for right/wrong; the "dated" row says how many of them got a date anyway.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # eval/evaldata.py, also when a test imports this file
from evaldata import data_dir, load_jsonl  # noqa: E402

GOLD = HERE / "data" / "dates_gold.jsonl"
TEXT_GOLD = HERE / "data" / "text_dates_gold.jsonl"
DEV_PREFIXES = tuple("01234567")

try:
    from newsgraph.stages import dates
except ModuleNotFoundError:  # running from a checkout without `pip install -e .`
    sys.path.insert(0, str(HERE.parent / "src"))
    from newsgraph.stages import dates




def read_page(page_id: str) -> str:
    path = data_dir() / "extraction" / "zyte" / "html" / f"{page_id}.html.gz"
    with gzip.open(path, "rt", encoding="utf-8", errors="replace") as f:
        return f.read()


def split_of(page_id: str) -> str:
    return "dev" if page_id.startswith(DEV_PREFIXES) else "test"


def _htmldate(**kwargs: Any) -> Callable[[str, str], str | None]:
    from htmldate import find_date

    def run(html: str, url: str) -> str | None:
        return find_date(html, url=url, **kwargs)

    return run


def _newsgraph(html: str, url: str) -> str | None:
    return dates.date_from_html(html, url).value


METHODS: dict[str, Callable[[str, str], str | None]] = {
    "htmldate": _htmldate(),
    "htmldate_original": _htmldate(original_date=True),
    "newsgraph": _newsgraph,
}


def _empty() -> dict[str, int]:
    return {"right": 0, "wrong": 0, "none": 0, "strict_right": 0, "strict_wrong": 0,
            "strict_none": 0, "nogold_dated": 0, "pages": 0, "dated_pages": 0}


def score_html(verbose: bool = False) -> tuple[dict[str, dict[str, dict[str, int]]], float]:
    gold = load_jsonl(GOLD)
    figures = {m: {s: _empty() for s in ("dev", "test", "total")} for m in METHODS}
    ng_seconds = 0.0
    for row in gold:
        html = read_page(row["id"])
        want = row["published"]
        for name, method in METHODS.items():
            start = time.perf_counter()
            got = method(html, row["url"])
            if name == "newsgraph":
                ng_seconds += time.perf_counter() - start
            day = got[:10] if got else None
            for split in (split_of(row["id"]), "total"):
                fig = figures[name][split]
                fig["pages"] += 1
                if want is None:
                    fig["nogold_dated"] += day is not None
                    continue
                fig["dated_pages"] += 1
                outcome = "none" if day is None else "right" if day == want else "wrong"
                fig[outcome] += 1
                if row.get("kind") == "published":
                    fig["strict_" + outcome] += 1
            # misses are listed for the dev half only: develop on dev, report test blind
            if (verbose and name == "newsgraph" and want is not None and day != want
                    and split_of(row["id"]) == "dev"):
                print(f"  {row['id'][:8]} {split_of(row['id'])} gold {want} ({row.get('kind')}) "
                      f"got {got}  {dates.date_from_html(html, row['url']).reason or ''}"[:220])
    return figures, ng_seconds / max(1, len(gold))


def score_text(verbose: bool = False) -> dict[str, int]:
    fig = {"cases": 0, "right": 0, "wrong": 0, "none": 0, "correct_refusals": 0,
           "false_dates": 0, "line_index_ok": 0}
    for case in load_jsonl(TEXT_GOLD):
        fig["cases"] += 1
        finding, index = dates.date_from_text_lines(case["lines"])
        want = case["published"]
        if want is None:
            if finding.value is None:
                fig["correct_refusals"] += 1
            else:
                fig["false_dates"] += 1
                if verbose:
                    print(f"  text {case['id']}: want None, got {finding.value} from {index}")
            continue
        outcome = ("none" if finding.value is None
                   else "right" if finding.value[:10] == want else "wrong")
        fig[outcome] += 1
        if outcome == "right" and index == case.get("line"):
            fig["line_index_ok"] += 1
        elif verbose:
            print(f"  text {case['id']}: want {want}@{case.get('line')}, "
                  f"got {finding.value}@{index} {finding.reason or ''}")
    return fig


def print_table(figures: dict[str, dict[str, dict[str, int]]]) -> None:
    methods = list(figures)
    head = f"{'':22}" + "".join(f"{m:>19}" for m in methods)
    for split in ("dev", "test", "total"):
        any_fig = figures[methods[0]][split]
        print(f"\n[{split}] {any_fig['pages']} pages, {any_fig['dated_pages']} with a visible date")
        print(head)
        for key in ("right", "wrong", "none", "strict_right", "strict_wrong", "strict_none",
                    "nogold_dated"):
            print(f"{key:22}" + "".join(f"{figures[m][split][key]:>19}" for m in methods))


def check(figures: dict[str, Any], baseline: Path) -> int:
    if not baseline.exists():
        print(f"no baseline file {baseline}; not checking")
        return 0
    floors = json.loads(baseline.read_text(encoding="utf-8")).get("dates")
    if not floors:
        print(f'no "dates" key in {baseline}; not checking')
        return 0
    total = figures["html"]["newsgraph"]["total"]
    failures = []
    if "right_min" in floors and total["right"] < floors["right_min"]:
        failures.append(f"right {total['right']} < right_min {floors['right_min']}")
    if "wrong_max" in floors and total["wrong"] > floors["wrong_max"]:
        failures.append(f"wrong {total['wrong']} > wrong_max {floors['wrong_max']}")
    text = figures["text"]
    if "text_right_min" in floors and text["right"] < floors["text_right_min"]:
        failures.append(f"text right {text['right']} < text_right_min {floors['text_right_min']}")
    if "text_false_max" in floors and text["false_dates"] + text["wrong"] > floors[
        "text_false_max"
    ]:
        failures.append(f"text wrong+false {text['false_dates'] + text['wrong']} > "
                        f"text_false_max {floors['text_false_max']}")
    for failure in failures:
        print("FAIL:", failure)
    if not failures:
        print(f"check passed against {baseline}")
    return 1 if failures else 0


# ---------------------------------------------------------------- labelling aids

def _visible_text_lines(html: str) -> list[str]:
    """Visible text of a page, one line per block element (script, style, head dropped)."""
    import lxml.html

    parser = lxml.html.HTMLParser(encoding="utf-8")
    tree = lxml.html.document_fromstring(html.encode("utf-8", "replace"), parser=parser)
    for bad in tree.xpath("//script|//style|//noscript|//template|//head"):
        bad.drop_tree()
    blocks = {
        "p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "br", "tr", "td", "section",
        "article", "header", "footer", "ul", "ol", "figure", "figcaption", "aside", "nav", "main",
        "dd", "dt", "address", "blockquote",
    }
    lines: list[str] = []
    buf: list[str] = []

    def flush() -> None:
        text = " ".join("".join(buf).split())
        buf.clear()
        if text:
            lines.append(text)

    def walk(el: Any) -> None:
        if not isinstance(el.tag, str):  # comments and processing instructions: only the tail
            if el.tail:
                buf.append(el.tail)
            return
        if el.tag in blocks:
            flush()
        if el.tag == "h1":
            buf.append("[H1] ")
        if el.text:
            buf.append(el.text)
        for child in el:
            walk(child)
        if el.tag in blocks:
            flush()
        if el.tail:
            buf.append(el.tail)

    walk(tree)
    flush()
    return lines


_DATEISH = re.compile(r"\b(?:19|20)\d\d\b|\b\d{1,2}[./]\d{1,2}[./]\d{2}\b")


def show(prefix: str) -> None:
    """Print a page's headline and the visible lines that carry a year: the candidates a
    labeller checks by hand (how dates_gold.jsonl was made)."""
    rows = [r for r in load_jsonl(GOLD) if r["id"].startswith(prefix)]
    for row in rows:
        lines = _visible_text_lines(read_page(row["id"]))
        print(f"== {row['id']} {row['url']}\n   gold: {row['published']} {row.get('evidence')!r}")
        for i, line in enumerate(lines):
            if line.startswith("[H1]") or (_DATEISH.search(line) and len(line) < 200):
                print(f"   {i:4d}: {line[:160]}")


def verify() -> int:
    """Every gold evidence string must occur in its page's visible text."""
    bad = 0
    for row in load_jsonl(GOLD):
        if not row.get("evidence"):
            continue
        text = re.sub(r"\s+", "", "".join(_visible_text_lines(read_page(row["id"]))))
        if re.sub(r"\s+", "", row["evidence"]) not in text:
            bad += 1
            print(f"evidence not found: {row['id'][:8]} {row['evidence']!r}")
    print(f"verified {len(load_jsonl(GOLD))} gold rows, {bad} with missing evidence")
    return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    parser.add_argument("--check", type=Path, help='compare with the "dates" key of this JSON')
    parser.add_argument("--verbose", "-v", action="store_true", help="list newsgraph's misses")
    parser.add_argument("--show", metavar="ID_PREFIX", help="labelling aid: a page's date lines")
    parser.add_argument("--verify", action="store_true", help="check gold evidence is on pages")
    args = parser.parse_args(argv)
    if args.show:
        show(args.show)
        return 0
    if args.verify:
        return verify()

    pages = data_dir() / "extraction" / "zyte" / "html"
    if not pages.is_dir():
        print(f"no eval pages at {pages} (set NEWSGRAPH_EVAL_DATA to the shared eval folder)")
        return 2
    html_figures, seconds = score_html(args.verbose)
    print("Publication dates on", GOLD.relative_to(HERE.parent), "(same day = right)")
    print_table(html_figures)
    print(f"\nnewsgraph date_from_html: {seconds * 1000:.1f} ms/page")
    text_figures = score_text(args.verbose)
    print("\nPlain-text date lines,", TEXT_GOLD.relative_to(HERE.parent))
    print("  " + ", ".join(f"{k} {v}" for k, v in text_figures.items()))
    figures = {"html": html_figures, "text": text_figures, "ms_per_page": round(seconds * 1000, 2)}
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return check(figures, args.check) if args.check else 0


if __name__ == "__main__":
    sys.exit(main())
