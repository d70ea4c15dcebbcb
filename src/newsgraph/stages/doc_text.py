"""A parsed document's text, read once. spaCy's `Doc.text` re-joins every token on each access,
and the quote and event rules ask for it per quote, per role and per phrase: on 300 ECB+
articles that was most of the quote and event stages' time."""

from __future__ import annotations

from bisect import bisect_left
from typing import Any

_KEY = "newsgraph_text"
_STARTS = "newsgraph_token_starts"


def doc_text(doc: Any) -> str:
    """`doc.text`, cached on the doc (its text never changes once parsed)."""
    text = doc.user_data.get(_KEY)
    if text is None:
        text = doc.user_data[_KEY] = doc.text
    return text


def token_starts(doc: Any) -> list[int]:
    """Every token's character offset, in order, cached on the doc like its text."""
    starts = doc.user_data.get(_STARTS)
    if starts is None:
        starts = doc.user_data[_STARTS] = [t.idx for t in doc]
    return starts


def tokens_between(doc: Any, lo: int, hi: int) -> Any:
    """The tokens that start in [lo, hi), by bisection over the cached token offsets: no walk
    over the whole document, whatever the range holds (`char_span` finds nothing in a range of
    only white space, and walking every token then was ~40% of the quote stage's time)."""
    starts = token_starts(doc)
    first, last = bisect_left(starts, lo), bisect_left(starts, hi)
    return [doc[i] for i in range(first, last)]
