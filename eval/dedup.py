"""Duplicate-detection eval: synthetic reposts of real news (ECB+) through the real ingest pipeline.

Data: ../shared/eval/stories/ecbplus.jsonl (982 documents, 43 topics, CC BY 3.0, Cybulska & Vossen
2014; override the folder with NEWSGRAPH_EVAL_DATA). Every document is ingested once (the "base"
store, in ECB+ order); then a second, incremental run into the same store ingests every repost,
edit type by edit type (reposts reach their originals through the store, as users get it; a
repost may also reach its original through an earlier repost of it, which is the same group).

Positives (seeded, deterministic): reposts with realistic edits of documents with >= 8 lines and
>= 150 words (shorter texts are exact-only by design and are scored separately as short_*):
  headline      a different headline            boilerplate   "Advertisement", newsletter, share
  append_para   3 lines of another same-topic   prepend_para  the same, after the headline
                document appended
  remove_para   a middle block (~20%) removed   format        whitespace, punctuation, case
  typos         two typos                       truncate70    the first ~70% of the words
  combined      headline + boilerplate + a typo  rewrite       headline, a ~10% block cut and
                                                              2 donor lines added, a typo
Negatives: the documents themselves, pairwise. ECB+ holds real wire copies (the same agency story
at two outlets, shingle Jaccard up to 0.98), so natural pairs are labelled from their exact
(not MinHash) 5-word-shingle overlap: copy (Jaccard >= 0.7 or containment >= 0.9: a duplicate),
different (containment < 0.5: must not be linked; "same event" = same subtopic, the hard case),
grey (in between: reported, not scored).

A predicted pair is (article, duplicate_of). It is right when both are in one gold group
(a document, its reposts and its natural copies), wrong when the two are "different", unscored
when only a grey pair joins them. Recall counts reposts (and natural copies) linked to their group;
"first" checks that duplicate_of is the group's first-seen article.

Threshold principle: the sweep runs the Deduplicator directly on the pipeline's own signatures; on
the dev topics (1-22) take the most conservative setting (highest Jaccard threshold, then highest
containment) whose dev F1 is within 0.005 of the best dev F1; then confirm on test (23-45).

    .venv/bin/python eval/dedup.py [--jobs 2] [--json out.json] [--check eval/baseline.json]
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import re
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # eval/evaldata.py, also when a test imports this file
from evaldata import data_dir  # noqa: E402

try:
    import newsgraph  # noqa: F401
except ModuleNotFoundError:  # running from a checkout without `pip install -e .`
    sys.path.insert(0, str(HERE.parent / "src"))

from newsgraph import api  # noqa: E402
from newsgraph.config import Settings, load_settings  # noqa: E402
from newsgraph.records import Article  # noqa: E402
from newsgraph.stages.dedup import Candidate, Deduplicator, Signature  # noqa: E402
from newsgraph.store import Store  # noqa: E402

SEED = 20240405
DEV_TOPICS = range(1, 23)
NEAR_EDITS = ("headline", "append_para", "prepend_para", "remove_para", "boilerplate",
              "format", "typos", "truncate70", "combined", "rewrite")
SHORT_EDITS = ("short_format", "short_typos")
THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9)
CONTAINMENTS = (0.85, 0.9, 0.95)
_WORD = re.compile(r"\w+")



@dataclass
class Doc:
    key: str  # file stem: "<index>_<doc_id>"; reposts "<edit>/<index>_<doc_id>"
    doc_id: str
    topic: int
    subtopic: str
    text: str

    @property
    def lines(self) -> list[str]:
        return [ln for ln in self.text.split("\n") if ln.strip()]

    @property
    def eligible(self) -> bool:
        return len(self.lines) >= 8 and len(_WORD.findall(self.text)) >= 150


def load_docs() -> list[Doc]:
    path = data_dir() / "stories" / "ecbplus.jsonl"
    docs = []
    with path.open(encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            d = json.loads(line)
            docs.append(Doc(f"{i:04d}_{d['doc_id']}", d["doc_id"], d["topic"], d["subtopic"],
                            d["text"]))
    return docs


# ---- edits ----------------------------------------------------------------------------------
BOILER = [
    "Advertisement",
    "Share this article: Facebook Twitter Email",
    "Sign up for our daily newsletter to get the top stories delivered to your inbox.",
    "Related: More news from our correspondents",
    "© 2014 Example Media Group. All rights reserved.",
]
HEADLINES = ["BREAKING: {x}", "{x}: what we know so far", "UPDATE - {x}", "{x} (video)",
             "Report: {x}", "{x}, officials say"]


def _new_headline(doc: Doc, rng: random.Random) -> str:
    words = _WORD.findall(doc.lines[1] if len(doc.lines) > 1 else doc.lines[0])[:7]
    return rng.choice(HEADLINES).format(x=" ".join(words).capitalize())


def _typo(line: str, rng: random.Random) -> str:
    words = [m for m in re.finditer(r"[A-Za-z]{5,}", line)]
    if not words:
        return line
    m = rng.choice(words)
    w = m.group()
    spots = [i for i in range(1, len(w) - 2) if w[i] != w[i + 1]] or [0]
    i = rng.choice(spots)
    w = w[:i] + w[i + 1] + w[i] + w[i + 2:]
    return line[:m.start()] + w + line[m.end():]


def _typos(lines: list[str], rng: random.Random, n: int) -> list[str]:
    lines = list(lines)
    spots = [i for i, ln in enumerate(lines) if i and re.search(r"[A-Za-z]{5,}", ln)] or [0]
    for i in rng.sample(spots, min(n, len(spots))):
        lines[i] = _typo(lines[i], rng)
    return lines


def _format(lines: list[str], rng: random.Random) -> str:
    out = []
    for i, ln in enumerate(lines):
        ln = ln.replace('"', rng.choice(['"', "“"])).replace(" ,", ",")
        if i == 0:
            ln = ln.upper()
        elif rng.random() < 0.3:
            ln = ln.replace(", ", " , ").replace(". ", ".  ")
        elif rng.random() < 0.2:
            ln = ln.rstrip(".!?") + " "
        out.append(ln)
    return "\n\n".join(out) + "\n"


def _donor_lines(doc: Doc, donors: list[Doc], rng: random.Random) -> list[str]:
    pool = [d for d in donors if d.topic == doc.topic and d.doc_id != doc.doc_id] or donors
    donor = rng.choice(pool)
    start = rng.randrange(1, len(donor.lines) - 3)
    return donor.lines[start:start + 3]


def make_repost(doc: Doc, edit: str, donors: list[Doc], rng: random.Random) -> str:
    lines = doc.lines
    if edit == "headline":
        return "\n".join([_new_headline(doc, rng), *lines[1:]])
    if edit == "append_para":
        return "\n".join([*lines, *_donor_lines(doc, donors, rng)])
    if edit == "prepend_para":
        return "\n".join([lines[0], *_donor_lines(doc, donors, rng), *lines[1:]])
    if edit == "remove_para":
        k = max(1, round(0.2 * (len(lines) - 1)))
        start = rng.randrange(2, max(3, len(lines) - k))
        return "\n".join(lines[:start] + lines[start + k:])
    if edit == "boilerplate":
        out = [lines[0], BOILER[1], *lines[1:4], BOILER[0], *lines[4:], BOILER[2], BOILER[3],
               BOILER[4]]
        return "\n".join(out)
    if edit in ("format", "short_format"):
        return _format(lines, rng)
    if edit in ("typos", "short_typos"):
        return "\n".join(_typos(lines, rng, 2))
    if edit == "truncate70":
        total = len(_WORD.findall(doc.text))
        out, seen = [], 0
        for ln in lines:
            if seen >= 0.7 * total:
                break
            out.append(ln)
            seen += len(_WORD.findall(ln))
        return "\n".join(out)
    if edit == "combined":
        body = _typos(lines[1:], rng, 1)
        return "\n".join([_new_headline(doc, rng), BOILER[1], *body[:3], BOILER[0], *body[3:],
                          BOILER[2]])
    if edit == "rewrite":  # edits on both sides: Jaccard and containment both fall
        body = _typos(lines[1:], rng, 1)
        k = max(1, round(0.1 * len(body)))
        start = rng.randrange(1, max(2, len(body) - k))
        body = body[:start] + body[start + k:]
        return "\n".join([_new_headline(doc, rng), *body, *_donor_lines(doc, donors, rng)[:2]])
    raise ValueError(edit)


def build_reposts(docs: list[Doc]) -> dict[str, list[tuple[Doc, Doc]]]:
    """edit -> [(repost, original)], deterministic (one seeded stream per edit)."""
    donors = [d for d in docs if d.eligible]
    out: dict[str, list[tuple[Doc, Doc]]] = {}
    for n, edit in enumerate(NEAR_EDITS + SHORT_EDITS):
        rng = random.Random(SEED + n)
        pool = [d for d in docs if d.eligible == (edit in NEAR_EDITS)]
        reposts = []
        for d in pool:
            text = make_repost(d, edit, donors, rng)
            assert text != d.text, (edit, d.doc_id)
            reposts.append((Doc(f"{edit}/{d.key}", d.doc_id, d.topic, d.subtopic, text), d))
        out[edit] = reposts
    return out


# ---- natural pairs --------------------------------------------------------------------------
def shingles(text: str, k: int = 5) -> set[str]:
    w = [t.lower() for t in _WORD.findall(text)]
    return {" ".join(w[i:i + k]) for i in range(max(1, len(w) - k + 1))}


def natural_pairs(docs: list[Doc]) -> dict[tuple[str, str], str]:
    """(key, key) sorted -> "copy" | "grey" for same-topic pairs that overlap; others are
    "different". Exact shingle sets, not MinHash."""
    sh = {d.key: shingles(d.text) for d in docs}
    by_topic: dict[int, list[Doc]] = defaultdict(list)
    for d in docs:
        by_topic[d.topic].append(d)
    labels = {}
    for group in by_topic.values():
        for a, b in itertools.combinations(group, 2):
            sa, sb = sh[a.key], sh[b.key]
            inter = len(sa & sb)
            if not inter:
                continue
            jac = inter / len(sa | sb)
            con = inter / min(len(sa), len(sb))
            if jac >= 0.7 or con >= 0.9:
                labels[(a.key, b.key)] = "copy"
            elif con >= 0.5:
                labels[(a.key, b.key)] = "grey"
    return labels


class Groups:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


# ---- runs -----------------------------------------------------------------------------------
def _write(folder: Path, docs: list[Doc]) -> None:
    for d in docs:
        path = folder / f"{d.key}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(d.text, encoding="utf-8")


def _read_store(db: Path, root: Path) -> dict[str, Article]:
    out = {}
    with Store(db, readonly=True) as store:
        for art in store.iter_articles():
            out[Path(art.source_path).relative_to(root).with_suffix("").as_posix()] = art
    return out


class RecordingEngine:
    """The local engine, keeping each article's dedup signature (computed in the workers, before
    the driver's learned-boilerplate pass changes the stored text) for the threshold sweep."""

    name = "local"

    def __init__(self, settings: Settings, jobs: int, sigs: dict[str, Signature]) -> None:
        from newsgraph.engines.local import LocalEngine

        self.inner = LocalEngine(settings, jobs)
        self.sigs = sigs

    def map(self, batches: Iterable[list[Any]]) -> Iterator[list[Any]]:
        for results in self.inner.map(batches):
            for item in results:
                if isinstance(item, Article):
                    self.sigs[item.source_path] = item.signature
            yield results


def run_pipeline(docs: list[Doc], reposts: dict[str, list[tuple[Doc, Doc]]], jobs: int,
                 settings: Settings, tmp: Path) -> tuple[dict[str, dict[str, Article]],
                                                         dict[str, Signature]]:
    """Run 1 ingests the documents (ECB+ order), run 2 (incremental, same store) every repost,
    edit by edit. Returns run -> key -> stored article ("base" for run 1), and key -> signature."""
    _write(tmp, docs)
    for pairs in reposts.values():
        _write(tmp, [r for r, _ in pairs])
    db = tmp / "eval.db"
    raw_sigs: dict[str, Signature] = {}
    engine = RecordingEngine(settings, jobs, raw_sigs)
    api.ingest([str(tmp / d.key) + ".txt" for d in docs], db=db, settings=settings,
               engine=engine)
    api.ingest([str(tmp / edit) for edit in reposts], db=db, settings=settings, engine=engine)
    arts = _read_store(db, tmp)
    results: dict[str, dict[str, Article]] = {"base": {}}
    for key, art in arts.items():
        results.setdefault(key.split("/")[0] if "/" in key else "base", {})[key] = art
    sigs = {Path(p).relative_to(tmp).with_suffix("").as_posix(): s for p, s in raw_sigs.items()}
    return results, sigs


# ---- scoring --------------------------------------------------------------------------------
@dataclass
class Gold:
    docs: dict[str, Doc]  # every key (originals and reposts)
    groups: Groups
    labels: dict[tuple[str, str], str]
    grey: Groups  # groups joined by copy *or* grey pairs: links inside are not wrong

    def judge(self, a: str, b: str) -> str:
        if self.groups.find(a) == self.groups.find(b):
            return "right"
        if self.grey.find(a) == self.grey.find(b):
            return "unscored"
        return "wrong"


def make_gold(docs: list[Doc], reposts: dict[str, list[tuple[Doc, Doc]]],
              labels: dict[tuple[str, str], str]) -> Gold:
    groups, grey = Groups(), Groups()
    all_docs = {d.key: d for d in docs}
    for (a, b), label in labels.items():
        grey.union(a, b)
        if label == "copy":
            groups.union(a, b)
    for pairs in reposts.values():
        for r, d in pairs:
            all_docs[r.key] = r
            groups.union(r.key, d.key)
            grey.union(r.key, d.key)
    return Gold(all_docs, groups, labels, grey)


def _split(doc: Doc) -> str:
    return "dev" if doc.topic in DEV_TOPICS else "test"


def score(links: dict[str, dict[str, str | None]], gold: Gold,
          order: dict[str, int]) -> dict[str, Any]:
    """links: run -> key -> duplicate_of key (None: not a duplicate).
    Returns per split (dev/test/all): rows per edit and totals."""
    out: dict[str, Any] = {}
    for split in ("dev", "test", "all"):
        def in_split(key: str, split: str = split) -> bool:
            return split == "all" or _split(gold.docs[key]) == split

        first_base: dict[str, str] = {}
        for k in sorted((k for k in order if "/" not in k), key=order.__getitem__):
            first_base.setdefault(gold.groups.find(k), k)
        rows: dict[str, dict[str, Any]] = {}
        tot = defaultdict(int)
        for run, run_links in links.items():
            row = defaultdict(int)
            for key, target in run_links.items():
                if not in_split(key):
                    continue
                is_repost = run != "base"
                if is_repost:
                    row["n"] += 1
                if target is None:
                    continue
                verdict = gold.judge(key, target)
                row[verdict] += 1
                if verdict == "right":
                    row["first"] += int(target == first_base[gold.groups.find(key)])
                if verdict == "wrong":
                    a, b = gold.docs[key], gold.docs[target]
                    kind = ("same_event" if a.subtopic == b.subtopic
                            else "same_topic" if a.topic == b.topic else "other")
                    row[f"wrong_{kind}"] += 1
            tp, fp = row["right"], row["wrong"]
            if run == "base":  # natural copies: recall over documents with an earlier copy
                row["n"] = sum(1 for k in run_links
                               if in_split(k) and first_base[gold.groups.find(k)] != k)
            row["recall"] = round(tp / row["n"], 4) if row["n"] else None
            row["precision"] = round(tp / (tp + fp), 4) if tp + fp else None
            rows[run] = dict(row)
            if not run.startswith("short"):
                for k in ("n", "right", "wrong", "unscored", "first", "wrong_same_event",
                          "wrong_same_topic", "wrong_other"):
                    tot[k] += row.get(k, 0)
        p = tot["right"] / (tot["right"] + tot["wrong"]) if tot["right"] + tot["wrong"] else 0.0
        r = tot["right"] / tot["n"] if tot["n"] else 0.0
        total = dict(tot)
        total.update(precision=round(p, 4), recall=round(r, 4),
                     f1=round(2 * p * r / (p + r), 4) if p + r else 0.0)
        out[split] = {"rows": rows, "total": total}
    return out


def natural_counts(gold: Gold, docs: list[Doc], links: dict[str, str | None]) -> dict[str, Any]:
    """Pairs of original documents: how many of each kind ended up in one predicted group."""
    root = {d.key: (links.get(d.key) or d.key) for d in docs}
    counts: dict[str, dict[str, int]] = {}
    for split in ("dev", "test", "all"):
        c = defaultdict(int)
        by_topic: dict[int, list[Doc]] = defaultdict(list)
        for d in docs:
            if split == "all" or _split(d) == split:
                by_topic[d.topic].append(d)
        for group in by_topic.values():
            for a, b in itertools.combinations(group, 2):
                label = gold.labels.get((a.key, b.key), "different")
                kind = "same_event" if a.subtopic == b.subtopic else "same_topic"
                name = f"{kind}_{label}"
                c[f"{name}_pairs"] += 1
                c[f"{name}_linked"] += int(root[a.key] == root[b.key])
        counts[split] = dict(c)
    return counts


# ---- sweep (Deduplicator directly, on the pipeline's cleaned texts) --------------------------
def sweep(results: dict[str, dict[str, Article]], sigs: dict[str, Signature], gold: Gold,
          order: dict[str, int], settings: Settings) -> list[dict[str, Any]]:
    from newsgraph.stages import dedup as dedup_stage

    base_keys = sorted(results["base"], key=order.__getitem__)
    docs = [gold.docs[k] for k in base_keys]
    plain, memo = dedup_stage.jaccard, {}

    def cached(a: Any, b: Any) -> float:  # the estimate does not depend on the thresholds
        key = (id(a), id(b))
        if key not in memo:
            memo[key] = plain(a, b)
        return memo[key]

    out = []
    dedup_stage.jaccard = cached
    try:
        for thr, con in itertools.product(THRESHOLDS, CONTAINMENTS):
            s = settings.merged(dedup_threshold=thr, dedup_containment=con)
            links = _dedup_runs(results, base_keys, sigs, order, s)
            sc = score(links, gold, order)
            nat = natural_counts(gold, docs, links["base"])
            row: dict[str, Any] = {"threshold": thr, "containment": con}
            for split in ("dev", "test"):
                row[split] = dict(sc[split]["total"])
                row[split]["natural_grey_linked"] = sum(
                    v for k, v in nat[split].items() if "_grey_linked" in k)
                row[split]["natural_different_linked"] = sum(
                    v for k, v in nat[split].items() if "_different_linked" in k)
            out.append(row)
    finally:
        dedup_stage.jaccard = plain
    return out


def _dedup_runs(results: dict[str, dict[str, Article]], base_keys: list[str],
                sigs: dict[str, Any], order: dict[str, int],
                s: Settings) -> dict[str, dict[str, str | None]]:
    base = Deduplicator(s, lambda h: None, lambda keys: [])
    base_links = {}
    for key in base_keys:
        art = Article(id=key, source_path=key, raw_text="")
        base.check(art, sigs[key])
        base_links[key] = art.duplicate_of
    stored_exact = dict(base._exact)
    stored_bands: dict[int, list[Candidate]] = {}
    for key, cands in base._bands.items():
        stored_bands[key] = [Candidate(c.article_id, c.n_shingles, c.minhash, c.root,
                                       order[c.article_id]) for c in cands]

    def lookup_bands(keys: list[int]) -> list[Candidate]:
        found = {c.article_id: c for k in keys for c in stored_bands.get(k, ())}
        return sorted(found.values(), key=lambda c: c.order)

    links: dict[str, dict[str, str | None]] = {"base": base_links}
    second = Deduplicator(s, stored_exact.get, lookup_bands)  # run 2: every repost, in order
    keys = sorted((k for run, arts in results.items() if run != "base" for k in arts),
                  key=order.__getitem__)
    for key in keys:
        art = Article(id=key, source_path=key, raw_text="")
        second.check(art, sigs[key])
        links.setdefault(key.split("/")[0], {})[key] = art.duplicate_of
    return links


def choose(sweep_rows: list[dict[str, Any]]) -> dict[str, Any]:
    """On dev only: among settings within 0.005 of the best dev F1, the one that links the fewest
    different and then grey (ambiguous) pairs of real documents, then the higher thresholds."""
    best = max(r["dev"]["f1"] for r in sweep_rows)
    ok = [r for r in sweep_rows if r["dev"]["f1"] >= best - 0.005]
    return min(ok, key=lambda r: (r["dev"]["natural_different_linked"],
                                  r["dev"]["natural_grey_linked"],
                                  -r["threshold"], -r["containment"]))


# ---- main -----------------------------------------------------------------------------------
def check(figures: dict[str, Any], baseline: Path) -> int:
    if not baseline.exists():
        print(f"no baseline file {baseline}; not checking")
        return 0
    floors = json.loads(baseline.read_text(encoding="utf-8")).get("dedup")
    if not floors:
        print(f'no "dedup" key in {baseline}; not checking')
        return 0
    total = figures["pipeline"]["all"]["total"]
    nat = figures["natural"]["all"]
    failures = []
    for name, value in (("recall", total["recall"]), ("precision", total["precision"]),
                        ("f1", total["f1"])):
        floor = floors.get(f"{name}_min")
        if floor is not None and value < floor:
            failures.append(f"{name} {value:.4f} < {floor}")
    cap = floors.get("same_event_fp_max")
    if cap is not None and nat.get("same_event_different_linked", 0) > cap:
        failures.append(f"same-event false links {nat['same_event_different_linked']} > {cap}")
    for msg in failures:
        print("FAIL", msg)
    if not failures:
        print(f"check passed against {baseline}")
    return 1 if failures else 0


def _fmt(v: Any) -> str:
    return "-" if v is None else f"{v:.3f}" if isinstance(v, float) else str(v)


def print_report(fig: dict[str, Any]) -> None:
    sc = fig["pipeline"]
    print(f"\nPipeline (newsgraph.api.ingest), settings: {fig['settings']}")
    head = ("run", "split", "n", "linked right", "first-seen", "wrong", "unscored", "recall",
            "precision")
    print(" | ".join(head))
    for run in ("base", *NEAR_EDITS, *SHORT_EDITS):
        for split in ("dev", "test"):
            r = sc[split]["rows"].get(run, {})
            print(" | ".join(_fmt(x) for x in (
                run, split, r.get("n", 0), r.get("right", 0), r.get("first", 0),
                r.get("wrong", 0), r.get("unscored", 0), r.get("recall"), r.get("precision"))))
    for split in ("dev", "test", "all"):
        t = sc[split]["total"]
        print(f"TOTAL {split}: P {t['precision']:.4f}  R {t['recall']:.4f}  F1 {t['f1']:.4f}  "
              f"(n {t['n']}, right {t['right']}, wrong {t['wrong']}, unscored "
              f"{t.get('unscored', 0)}; short_* not in totals)")
    print("\nNatural pairs of ECB+ documents (exact shingle overlap labels), linked / pairs:")
    for split in ("dev", "test", "all"):
        n = fig["natural"][split]
        parts = []
        for kind in ("same_event", "same_topic"):
            for label in ("copy", "grey", "different"):
                p = n.get(f"{kind}_{label}_pairs", 0)
                if p:
                    parts.append(f"{kind}/{label} {n.get(f'{kind}_{label}_linked', 0)}/{p}")
        print(f"  {split}: " + ", ".join(parts))
    print("\nSweep (Deduplicator on the pipeline's signatures; dev = topics 1-22, test = 23-45):")
    print("threshold | containment | dev P | dev R | dev F1 | dev grey/diff linked | test P | "
          "test R | test F1 | test grey/diff linked")
    for r in fig["sweep"]:
        d, t = r["dev"], r["test"]
        mark = "  <- chosen on dev" if (r["threshold"], r["containment"]) == (
            fig["chosen"]["threshold"], fig["chosen"]["containment"]) else ""
        print(f"{r['threshold']:.2f} | {r['containment']:.2f} | {d['precision']:.4f} | "
              f"{d['recall']:.4f} | {d['f1']:.4f} | {d['natural_grey_linked']}/"
              f"{d['natural_different_linked']} | {t['precision']:.4f} | {t['recall']:.4f} | "
              f"{t['f1']:.4f} | {t['natural_grey_linked']}/{t['natural_different_linked']}{mark}")
    print(f"sweep at the pipeline's settings reproduces the pipeline: {fig['sweep_matches']}")
    print(f"time {fig['seconds']:.1f}s")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--check", type=Path)
    ap.add_argument("--keep", type=Path, help="keep the generated corpus and stores here")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    settings = load_settings(None, nlp=False)  # duplicates do not depend on entities or quotes
    docs = load_docs()
    reposts = build_reposts(docs)
    labels = natural_pairs(docs)
    gold = make_gold(docs, reposts, labels)
    order = {d.key: i for i, d in enumerate(docs)}
    for pairs in reposts.values():
        for r, _ in pairs:
            order[r.key] = len(order)
    shm = Path("/dev/shm")  # a RAM folder when there is one: the store's fsyncs are not measured
    tmp = Path(tempfile.mkdtemp(prefix="dedup-eval-", dir=shm if shm.is_dir() else None))
    print(f"corpus built in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
    try:
        results, sigs = run_pipeline(docs, reposts, args.jobs, settings, tmp)
        print(f"pipeline done at {time.perf_counter() - t0:.1f}s", file=sys.stderr)
        if args.keep:
            shutil.copytree(tmp, args.keep, dirs_exist_ok=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    key_of = {a.id: k for arts in results.values() for k, a in arts.items()}
    links = {run: {k: (key_of[a.duplicate_of] if a.duplicate_of else None)
                   for k, a in arts.items()} for run, arts in results.items()}
    fig: dict[str, Any] = {
        "settings": {k: getattr(settings, k) for k in (
            "dedup_threshold", "dedup_containment", "dedup_shingle", "dedup_perms",
            "dedup_bands")},
        "counts": {"documents": len(docs), "eligible": sum(d.eligible for d in docs),
                   **{e: len(p) for e, p in reposts.items()},
                   "natural_labels": {lab: sum(v == lab for v in labels.values())
                                      for lab in ("copy", "grey")}},
        "pipeline": score(links, gold, order),
        "natural": natural_counts(gold, docs, links["base"]),
    }
    t1 = time.perf_counter()
    fig["sweep"] = sweep(results, sigs, gold, order, settings)
    fig["sweep_seconds"] = round(time.perf_counter() - t1, 1)
    fig["chosen"] = choose(fig["sweep"])
    here = next(r for r in fig["sweep"] if (r["threshold"], r["containment"]) == (
        settings.dedup_threshold, settings.dedup_containment))
    fig["sweep_matches"] = all(
        here[split][k] == v for split in ("dev", "test")
        for k, v in fig["pipeline"][split]["total"].items())
    fig["seconds"] = round(time.perf_counter() - t0, 1)
    print_report(fig)
    if args.json:
        args.json.write_text(json.dumps(fig, indent=2, sort_keys=True), encoding="utf-8")
    return check(fig, args.check) if args.check else 0


if __name__ == "__main__":
    sys.exit(main())
