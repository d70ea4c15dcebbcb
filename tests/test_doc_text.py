"""tokens_between: the tokens that start in a character range, found by bisection, must be the
ones a walk over every token finds, for any range (white space only, empty, reversed, past the
ends)."""

from __future__ import annotations

import spacy
from hypothesis import given, settings
from hypothesis import strategies as st

from newsgraph.stages.doc_text import doc_text, tokens_between

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
