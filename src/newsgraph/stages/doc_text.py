"""A parsed document's text, read once. spaCy's `Doc.text` re-joins every token on each access,
and the quote and event rules ask for it per quote, per role and per phrase: on 300 ECB+
articles that was most of the quote and event stages' time."""

from __future__ import annotations

from typing import Any

_KEY = "newsgraph_text"


def doc_text(doc: Any) -> str:
    """`doc.text`, cached on the doc (its text never changes once parsed)."""
    text = doc.user_data.get(_KEY)
    if text is None:
        text = doc.user_data[_KEY] = doc.text
    return text


def tokens_between(doc: Any, lo: int, hi: int) -> Any:
    """The tokens that start in [lo, hi), without walking the whole document."""
    lo, hi = max(0, lo), min(hi, len(doc_text(doc)))
    span = doc.char_span(lo, hi, alignment_mode="expand") if hi > lo else None
    if span is None:  # only white space there
        return [t for t in doc if lo <= t.idx < hi]
    return [t for t in span if lo <= t.idx < hi]
