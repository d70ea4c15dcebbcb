"""The quote-eval scorer itself (eval/quotes.py): token overlap, greedy matching, speaker-name
normalisation and the per-document counts, on tiny hand examples. No extractor, no spaCy."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("quotes_eval", ROOT / "eval" / "quotes.py")
assert _spec and _spec.loader
qe = importlib.util.module_from_spec(_spec)
sys.modules["quotes_eval"] = qe  # dataclasses look their module up
_spec.loader.exec_module(qe)

TEXT = 'Jack Ketsoyan said: "We appreciate your respect." He added that she is fine.'


def _q(text: str, words: str, type_: str = "direct", speaker: str | None = None) -> dict:
    start = text.index(words)
    return {"start": start, "end": start + len(words), "text": words, "type": type_,
            "speaker": speaker}


def test_overlap_identical_disjoint_and_partial() -> None:
    toks = qe.token_spans(TEXT)
    gold = _q(TEXT, "We appreciate your respect.")
    span = (gold["start"], gold["end"])
    assert qe.overlap(toks, span, span) == 1.0
    other = _q(TEXT, "she is fine")
    assert qe.overlap(toks, (other["start"], other["end"]), span) == 0.0
    half = _q(TEXT, "We appreciate")  # 2 of the gold's 4 tokens, nothing extra
    assert qe.overlap(toks, (half["start"], half["end"]), span) == pytest.approx(0.5)
    # a prediction running over the quote marks into the cue: 4 shared of 6 tokens
    wide = (span[0], TEXT.index("He added") + len("He added"))
    assert qe.overlap(toks, wide, span) == pytest.approx(4 / 6)


def test_overlap_counts_token_positions_not_word_types() -> None:
    text = "yes yes yes no"
    toks = qe.token_spans(text)
    assert qe.overlap(toks, (0, 3), (0, 11)) == pytest.approx(1 / 3)


def test_overlap_partial_token_counts_whole_token() -> None:
    toks = qe.token_spans("appropriatePutin said.")
    # a span cut inside a glued token still owns that token
    assert qe.overlap(toks, (0, 11), (0, 16)) == 1.0


def test_greedy_match_is_one_to_one_best_first() -> None:
    scores = {(0, 0): 0.9, (0, 1): 0.95, (1, 1): 0.5, (1, 0): 0.4, (2, 2): 0.2}
    assert qe.greedy_match(scores, 0.3) == [(1, 0), (0, 1)]
    assert qe.greedy_match(scores, 0.8) == [(0, 1)]
    assert qe.greedy_match({}, 0.3) == []


@pytest.mark.parametrize(("pred", "gold", "ok"), [
    ("Jack Ketsoyan", "Jack Ketsoyan", True),
    ("Ketsoyan", "Jack Ketsoyan", True),
    ("jack ketsoyan", "Jack Ketsoyan", True),
    ("Mr. Ketsoyan", "Jack Ketsoyan", True),
    ("President Vladimir Putin", "Vladimir Putin", True),
    ("Putin's", "Vladimir Putin", True),
    ("Police Const. Tim Fanning", "Tim Fanning", True),
    ("Erdogan", "Tayyip Erdoğan", True),
    ("US Geological Survey", "U.S. Geological Survey", True),
    ("Jack", "Jack Ketsoyan", False),  # a first name alone is not the surname
    ("Ketsoyan", "Jack Smith", False),
    ("the publicist", "Jack Ketsoyan", False),  # a role never matches a gold name
    ("the spokesman", "a police spokesman", True),  # same head noun
    ("Police", "police", True),
    ("the source", "industry sources", True),
    ("an office worker", "an office worker in Dubai", True),
    ("a police officer", "a police spokesman", False),
    ("Jack Ketsoyan", "a publicist", False),
    (None, "Jack Ketsoyan", False),
    (None, None, True),
])
def test_speaker_match(pred: str | None, gold: str | None, ok: bool) -> None:
    assert qe.speaker_match(pred, gold) is ok


def test_role_detection_and_head() -> None:
    assert qe.is_role("a police spokesman") and qe.is_role("police")
    assert qe.is_role("friends of Kathryn Jenkin")
    assert not qe.is_role("Human Rights Watch") and not qe.is_role("TMZ")
    assert qe.role_head("an office worker in Dubai") == "worker"
    assert qe.role_head("industry sources") == "source"


def test_score_doc_counts_spans_speakers_and_indirect() -> None:
    gold = [_q(TEXT, "We appreciate your respect.", "direct", "Jack Ketsoyan"),
            _q(TEXT, "she is fine", "indirect", "Jack Ketsoyan")]
    pred = [_q(TEXT, "We appreciate your respect.", "partial", "Ketsoyan"),  # type not scored
            _q(TEXT, "Jack Ketsoyan said", "direct", None),  # a false quote
            _q(TEXT, "she is fine", "indirect", "he")]
    ds = qe.score_doc(TEXT, gold, pred)
    assert (ds.dp[0.3].tp, ds.dp[0.3].n_pred, ds.dp[0.3].n_gold) == (1, 2, 1)
    assert (ds.speaker_right, ds.speaker_total) == (1, 1)
    assert ds.span_speaker.tp == 1
    assert (ds.type_right, ds.type_total) == (0, 1)
    assert (ds.indirect[0.3].tp, ds.indirect[0.3].n_gold) == (1, 1)
    s = qe.summarise([ds])
    assert s["dp@0.3"]["precision"] == 0.5 and s["dp@0.3"]["recall"] == 1.0
    assert s["dp@0.3"]["f1"] == pytest.approx(0.6667, abs=1e-4)
    assert s["indirect@0.3"]["f1"] == 1.0


def test_wrong_speaker_is_a_span_match_but_not_a_span_speaker_match() -> None:
    gold = [_q(TEXT, "We appreciate your respect.", "direct", "Jack Ketsoyan")]
    pred = [_q(TEXT, "We appreciate your respect.", "direct", "Tara Reid")]
    s = qe.summarise([qe.score_doc(TEXT, gold, pred)])
    assert s["dp@0.3"]["f1"] == 1.0
    assert s["speaker_acc"] == 0.0
    assert s["span_speaker"]["f1"] == 0.0


def test_check_reads_minima(tmp_path: Path) -> None:
    results = {"total": {"dp@0.3": {"f1": 0.9}, "dp@0.8": {"f1": 0.7}, "speaker_acc": 0.95,
                         "span_speaker": {"f1": 0.8}, "indirect@0.3": {"f1": 0.5}}}
    base = tmp_path / "baseline.json"
    base.write_text(json.dumps({"quotes": {"direct_f1_min": 0.95, "speaker_acc_min": 0.9}}))
    assert qe.check(results, base) == ["total direct_f1 0.9000 < 0.95"]
    base.write_text(json.dumps({"dates": {}}))
    assert qe.check(results, base) == []


def test_gold_file_offsets() -> None:
    gold = qe.load_jsonl(qe.GOLD)
    assert len(gold) >= 40
    assert {r["split"] for r in gold} == {"dev", "test"}
    for rec in gold:
        assert (rec["split"] == "dev") == (rec["topic"] <= 22)
        for q in rec["quotes"]:
            assert q["type"] in ("direct", "partial", "indirect")
            assert q["start"] < q["end"] and q["text"] == q["text"].strip()
    stories = qe.data_dir() / "stories" / "ecbplus.jsonl"
    if not stories.exists():
        pytest.skip("shared ECB+ data not available")
    texts = qe.load_texts(r["doc_id"] for r in gold)
    assert qe.verify_gold(gold, texts) == []


def test_seed_quote_golden_is_consistent() -> None:
    """tests/golden/seeds_quotes.json: every prefix/suffix/mention/cue occurs in its seed file."""
    expected = json.loads((ROOT / "tests" / "golden" / "seeds_quotes.json").read_text("utf-8"))
    seeds = ROOT / "examples" / "seeds"
    assert sorted(expected) == sorted(p.name for p in seeds.glob("*.txt"))
    for name, quotes in expected.items():
        text = (seeds / name).read_text("utf-8")
        for q in quotes:
            assert q["type"] in ("direct", "partial", "indirect")
            assert q["quote_prefix"] in text and q["quote_suffix"] in text
            for key in ("speaker_mention", "cue"):
                assert q[key] is None or q[key] in text
