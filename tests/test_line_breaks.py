"""Sentence starts at line breaks (stages/nlp.py `line_breaks`), set before the parser: the
small model runs a headline into the lead and a paragraph that ends in a closing quote mark
into the next one."""

from __future__ import annotations

from typing import Any

import pytest

from newsgraph.stages.nlp import LINE_BREAKS, load_nlp


@pytest.fixture(scope="module")
def nlp() -> Any:
    return load_nlp()


def _sentences(nlp: Any, text: str) -> list[str]:
    return [s.text.strip() for s in nlp(text).sents]


def test_the_component_runs_before_the_parser(nlp: Any) -> None:
    names = nlp.pipe_names
    assert names.index(LINE_BREAKS) == names.index("parser") - 1


def test_a_blank_line_ends_a_sentence(nlp: Any) -> None:
    text = ("Putin is trying to boost the military capabilities of his allies\n\n\n"
            "Russian President Vladimir Putin is warning Finland and Sweden.")
    assert _sentences(nlp, text) == [
        "Putin is trying to boost the military capabilities of his allies",
        "Russian President Vladimir Putin is warning Finland and Sweden."]


def test_a_closing_quote_mark_does_not_carry_into_the_next_paragraph(nlp: Any) -> None:
    text = '"I am leaving," she said. "It is time."\nShe also hosted a show on E!'
    assert _sentences(nlp, text)[-1] == "She also hosted a show on E!"


def test_a_hard_wrapped_line_is_not_a_sentence_end(nlp: Any) -> None:
    text = "The minister said\nthat the plan would go ahead in the spring."
    assert _sentences(nlp, text) == [text]
