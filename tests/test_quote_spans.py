"""Quote spans in every convention news text uses (no model involved)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsgraph.stages.quote_spans import find_quote_spans


def quoted(text: str) -> list[str]:
    return [text[s.start:s.end] for s in find_quote_spans(text)]


@pytest.mark.parametrize(("text", "want"), [
    ("“We will respond appropriately,” Putin said.", ["We will respond appropriately,"]),
    ('"We will respond," he said.', ["We will respond,"]),
    ("« Nous allons répondre », a-t-il dit.", ["Nous allons répondre"]),
    ("„Wir werden antworten“, sagte er.", ["Wir werden antworten"]),
    ("``We will respond,'' he said.", ["We will respond,"]),
    ("''We will respond,'' he said.", ["We will respond,"]),
    ("‘We will respond,’ he said.", ["We will respond,"]),
    ("NATO’s expansion ‘will trigger a response’ from Russia’s allies.",
     ["will trigger a response"]),
    ("He said “the pressure on the ‘post-Soviet’ space will grow” soon.",
     ["the pressure on the ‘post-Soviet’ space will grow"]),
])
def test_conventions(text: str, want: list[str]) -> None:
    assert quoted(text) == want


def test_apostrophes_are_not_quotes() -> None:
    assert quoted("Russia’s allies and the countries’ borders can’t move.") == []


def test_multi_paragraph_quote_is_one_span() -> None:
    text = ("She added: “We will inform Nato.\n\n“Sweden needs formal guarantees.”\n\n"
            "Later text.")
    spans = find_quote_spans(text)
    assert len(spans) == 1 and spans[0].multi_paragraph and not spans[0].unclosed
    assert text[spans[0].start:spans[0].end].startswith("We will inform Nato.")
    assert text[spans[0].start:spans[0].end].endswith("formal guarantees.")
    assert [text[a:b] for a, b in spans[0].parts] == [
        "We will inform Nato.", "Sweden needs formal guarantees."]


def test_missing_closing_mark_ends_at_paragraph_end() -> None:
    text = "Putin said: “We will adopt measures that are appropriate\n\nNext paragraph here."
    spans = find_quote_spans(text)
    assert len(spans) == 1 and spans[0].unclosed
    assert text[spans[0].start:spans[0].end] == "We will adopt measures that are appropriate"


def test_a_new_opening_mark_ends_an_unclosed_quote() -> None:
    text = "“In the event of this, we will act. And he added: “We have the right.”"
    spans = find_quote_spans(text)
    assert [s.unclosed for s in spans] == [True, False]
    assert text[spans[1].start:spans[1].end] == "We have the right."


@given(st.text(alphabet=st.sampled_from(list("ab .,\n“”\"‘’«»„'`")), max_size=80))
def test_spans_are_ordered_slices_without_marks(text: str) -> None:
    spans = find_quote_spans(text)
    for s in spans:
        assert 0 <= s.start < s.end <= len(text)
        assert s.open_at < s.start
        assert text[s.start:s.end] == text[s.start:s.end].strip()
    assert [s.start for s in spans] == sorted(s.start for s in spans)
