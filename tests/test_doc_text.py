"""tokens_between: the tokens that start in a character range, found by bisection, must be the
ones a walk over every token finds, for any range (white space only, empty, reversed, past the
ends). The other bulk readers (sentence bounds, tokens by label, token offsets) must give what
spaCy's own per-token walk gives, on the seeds and on odd little texts."""

from __future__ import annotations

import spacy
from hypothesis import given, settings
from hypothesis import strategies as st

from newsgraph.stages.doc_text import (
    doc_text,
    seed_text,
    sentence_at,
    sentence_bounds,
    sentences,
    span_text,
    token_starts,
    tokens_between,
    tokens_where,
)
from tests.conftest import SEEDS

# a blank English pipeline: the tokenizer only, nothing downloaded; white space runs, newlines
# and punctuation give tokens with and without trailing spaces and SPACE tokens
_NLP = spacy.blank("en")
_DOC = _NLP("Putin said:  “We will respond.”\n\nHe added,   that NATO   was  ‘already’ involved. ")


def _walk(doc: object, lo: int, hi: int) -> list[int]:
    return [t.i for t in doc if lo <= t.idx < hi]  # type: ignore[attr-defined]


@settings(max_examples=300, deadline=None)
@given(st.integers(-5, len(_DOC.text) + 5), st.integers(-5, len(_DOC.text) + 5))
def test_same_tokens_as_a_walk_over_the_doc(lo: int, hi: int) -> None:
    assert [t.i for t in tokens_between(_DOC, lo, hi)] == _walk(_DOC, lo, hi)


def test_white_space_empty_and_reversed_ranges() -> None:
    text = doc_text(_DOC)
    after_putin = text.index(" ")  # the space after "Putin": trailing white space, no token
    assert tokens_between(_DOC, after_putin, after_putin + 1) == []
    gap = text.index("  ") + 1  # the second of two spaces after "said:" is a SPACE token
    assert [t.text for t in tokens_between(_DOC, gap, gap + 1)] == [" "]
    assert tokens_between(_DOC, 10, 10) == []
    assert tokens_between(_DOC, 20, 5) == []
    assert [t.text for t in tokens_between(_DOC, -3, len(text) + 3)] == [t.text for t in _DOC]


# --- the bulk readers the quote, speaker and event rules use instead of a walk over tokens ---

def _parsed() -> list[object]:
    from newsgraph.stages.nlp import load_nlp

    nlp = load_nlp()
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    texts += ["", "x", "Hello.  \n\n Two.\n", "  \n", "“Unclosed, he said\n\nNext."]
    return list(nlp.pipe(texts))


def test_sentence_bounds_are_what_doc_sents_gives() -> None:
    for doc in _parsed():
        expected = [(s.start, s.end, s.start_char, s.end_char) for s in doc.sents]
        assert sentence_bounds(doc) == expected
        assert [s.text for s in sentences(doc)] == [s.text for s in doc.sents]
        for start, end, start_char, _ in expected:
            assert sentence_at(doc, start_char).start == start  # type: ignore[union-attr]
            assert span_text(doc, doc[start:end]) == doc[start:end].text


def test_sentence_bounds_without_a_parser_raise_as_doc_sents_does() -> None:
    import pytest

    doc = _NLP("No parser ran. So no sentence starts are known.")
    with pytest.raises(ValueError):
        list(doc.sents)
    with pytest.raises(ValueError):
        sentence_bounds(doc)


def test_tokens_where_is_the_filter_over_every_token() -> None:
    for doc in _parsed():
        tokens = list(doc)
        assert tokens_where(doc, pos=("VERB", "AUX"), tag_prefix="VB") == [
            t.i for t in tokens if t.pos_ in ("VERB", "AUX") and t.tag_.startswith("VB")]
        assert tokens_where(doc, pos=("NOUN",), dep=("nsubj", "nsubjpass")) == [
            t.i for t in tokens if t.pos_ == "NOUN" and t.dep_ in ("nsubj", "nsubjpass")]
        for start, end, _, _ in sentence_bounds(doc):  # by sentence: the cached list, bisected
            assert tokens_where(doc, start, end, pos=("VERB",)) == [
                t.i for t in tokens[start:end] if t.pos_ == "VERB"]
        assert token_starts(doc) == [t.idx for t in tokens]


def test_seeded_text_is_the_doc_text() -> None:
    for doc in _parsed():
        text = doc.text  # type: ignore[attr-defined]
        fresh = doc.copy()  # type: ignore[attr-defined]
        seed_text(fresh, text)
        assert doc_text(fresh) == text == doc_text(doc)
