"""Golden quotes: every quote of the five seeds, written by hand in seeds_quotes.json (a prefix
and suffix of the quoted words, optionally the words just before them when they occur more
than once, type, speaker as the text names them, cue, and whether the
quote is unclosed or runs over paragraphs), against what ingest stores.

Matching and speaker comparison are eval/quotes.py's: token overlap >= 0.3, names equal after
normalisation or one a subset of the other with the same surname, roles by their head noun
("the Finnish government" ~ "The government"). Two kinds of gold quote are left out of the
file: quotes in a headline (article.text does not hold the title, so they have no offsets there)
and names the text never gives (the seed 000 ministry is "the ministry", not a name guessed).

KNOWN lists what newsgraph still gets wrong on the seeds, each with why. The test fails when a
new error appears and also when a known one is fixed (then take it off the list)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from newsgraph.store import Store

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("quotes_eval", ROOT / "eval" / "quotes.py")
assert _spec and _spec.loader
qe = importlib.util.module_from_spec(_spec)
sys.modules["quotes_eval"] = qe
_spec.loader.exec_module(qe)

GOLD: dict[str, list[dict[str, Any]]] = json.loads(
    (Path(__file__).parent / "seeds_quotes.json").read_text("utf-8"))

# (seed, gold quote prefix or predicted quote prefix, what) -> why it is still wrong
KNOWN: dict[tuple[str, str, str], str] = {}


def _gold_span(text: str, q: dict[str, Any], after: int = 0) -> tuple[int, int]:
    if q.get("context_before"):  # which of several occurrences: the one after these words
        found = text.find(q["context_before"], after)
        assert found >= 0, f"gold context not in the text: {q['context_before']!r}"
        after = found + len(q["context_before"])
    start = text.find(q["quote_prefix"], after)
    while q["type"] != "indirect" and start > 0 and text[start - 1] not in "“”\"‘'« ":
        start = text.find(q["quote_prefix"], start + 1)  # quoted words follow their mark
    assert start >= 0, f"gold prefix not in the text: {q['quote_prefix']!r}"
    end = text.find(q["quote_suffix"], start) + len(q["quote_suffix"])
    assert end >= start, f"gold suffix not in the text: {q['quote_suffix']!r}"
    return start, end


def _errors(name: str, text: str, gold: list[dict[str, Any]], pred: list[Any]) -> set[tuple]:
    tokens = qe.token_spans(text)
    seed = name[:3]
    errors: set[tuple] = set()
    for group in (("direct", "partial"), ("indirect",)):
        g = [q for q in gold if q["type"] in group]
        p = [q for q in pred if q.type in group]
        spans: list[tuple[int, int]] = []
        for q in g:  # the same words quoted twice: the next occurrence for the second
            taken = [s for s, q2 in zip(spans, g, strict=False)
                     if q2["quote_prefix"] == q["quote_prefix"]]
            spans.append(_gold_span(text, q, max((s[0] + 1 for s in taken), default=0)))
        scores = {}
        for i, pq in enumerate(p):
            for j, gs in enumerate(spans):
                ov = qe.overlap(tokens, (pq.start, pq.end), gs)
                if ov > 0:
                    scores[(i, j)] = ov
        matches = qe.greedy_match(scores, qe.LENIENT)
        matched_p = {i for i, _ in matches}
        matched_g = {j for _, j in matches}
        for j, q in enumerate(g):
            if j not in matched_g:
                errors.add((seed, q["quote_prefix"], "missed"))
        for i, q in enumerate(p):
            if i not in matched_p:
                errors.add((seed, q.text[:30], "extra"))
        for i, j in matches:
            want, got = g[j], p[i]
            if not qe.speaker_match(got.speaker, want["speaker"]):
                errors.add((seed, want["quote_prefix"], "speaker"))
            if group == ("direct", "partial"):
                if bool(got.notes.get("unclosed")) != want["unclosed"]:
                    errors.add((seed, want["quote_prefix"], "unclosed"))
                if bool(got.notes.get("multi_paragraph")) != want["multi_paragraph"]:
                    errors.add((seed, want["quote_prefix"], "multi_paragraph"))
    return errors


@pytest.fixture(scope="module")
def seed_errors(seed_store: Path) -> set[tuple]:
    errors: set[tuple] = set()
    with Store(seed_store, readonly=True) as store:
        for art in store.iter_articles():
            name = Path(art.source_path).name
            errors |= _errors(name, art.text, GOLD[name], store.quotes(art.id, limit=10**6))
    return errors


def test_gold_covers_every_seed() -> None:
    assert len(GOLD) == 5
    assert sum(len(v) for v in GOLD.values()) >= 55


def test_no_new_quote_errors(seed_errors: set[tuple]) -> None:
    new = sorted(seed_errors - set(KNOWN))
    assert not new, "quote errors on the seeds:\n" + "\n".join(map(str, new))


def test_known_errors_still_there(seed_errors: set[tuple]) -> None:
    fixed = sorted(set(KNOWN) - seed_errors)
    assert not fixed, "fixed, take off KNOWN: " + "\n".join(map(str, fixed))


def test_lukashenko_quotes_link_across_articles(seed_store: Path) -> None:
    """000 and 003 quote the same man: one entity id for both."""
    with Store(seed_store, readonly=True) as store:
        ids = {q.speaker_entity_id for art in store.iter_articles()
               for q in store.quotes(art.id, limit=10**6) if q.speaker == "Alexander Lukashenko"}
    assert len(ids) == 1 and None not in ids
