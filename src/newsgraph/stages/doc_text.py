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


def seed_text(doc: Any, text: str) -> None:
    """Give `doc_text` the string the doc was parsed from (spaCy keeps every character, so it is
    `doc.text`), sparing the re-join of every token."""
    doc.user_data[_KEY] = text


def token_starts(doc: Any) -> list[int]:
    """Every token's character offset, in order, cached on the doc like its text."""
    starts = doc.user_data.get(_STARTS)
    if starts is None:
        from spacy.attrs import IDX

        starts = doc.user_data[_STARTS] = doc.to_array(IDX).tolist() if len(doc) else []
    return starts


def tokens_between(doc: Any, lo: int, hi: int) -> Any:
    """The tokens that start in [lo, hi), by bisection over the cached token offsets: no walk
    over the whole document, whatever the range holds (`char_span` finds nothing in a range of
    only white space, and walking every token then was ~40% of the quote stage's time)."""
    starts = token_starts(doc)
    first, last = bisect_left(starts, lo), bisect_left(starts, hi)
    return [doc[i] for i in range(first, last)]


_SENTS = "newsgraph_sentences"
_ENTS = "newsgraph_entities"
_ATTRS = "newsgraph_token_attrs"


def sentence_bounds(doc: Any) -> list[tuple[int, int, int, int]]:
    """Every sentence's (start token, end token, start char, end char), cached on the doc:
    `Doc.sents` walks every token per call, and quotes, speakers and events each ask for it
    per quote or per role (bounds, not spans: a span kept on the doc would be a ref cycle)."""
    bounds = doc.user_data.get(_SENTS)
    if bounds is None:
        bounds = doc.user_data[_SENTS] = _sentence_bounds(doc)
    return bounds


def _sentence_bounds(doc: Any) -> list[tuple[int, int, int, int]]:
    """What `Doc.sents` gives, from the sentence starts read in bulk (`Doc.sents` first checks
    every token through a Python Token). A doc with a token of unknown start (no parser or
    sentencizer ran) goes through `Doc.sents` itself, and its error."""
    n = len(doc)
    if not n:
        return []
    from spacy.attrs import IDX, LENGTH, SENT_START

    cols = doc.to_array([SENT_START, IDX, LENGTH]).tolist()
    if any(row[0] == 0 for row in cols[1:]):
        return [(s.start, s.end, s.start_char, s.end_char) for s in doc.sents]
    starts = [0] + [i for i in range(1, n) if cols[i][0] == 1]
    ends = starts[1:] + [n]
    return [(s, e, cols[s][1], cols[e - 1][1] + cols[e - 1][2]) for s, e in zip(starts, ends,
                                                                            strict=True)]


def sentences(doc: Any) -> list[Any]:
    """`list(doc.sents)`, from the cached bounds."""
    return [doc[start:end] for start, end, _, _ in sentence_bounds(doc)]


def sentence_at(doc: Any, offset: int) -> Any | None:
    """The sentence holding character `offset`, None when no sentence does."""
    for start, end, start_char, end_char in sentence_bounds(doc):
        if start_char <= offset < end_char:
            return doc[start:end]
    return None


def span_text(doc: Any, span: Any) -> str:
    """`span.text` from the cached document text: `Span.text` re-joins its tokens per call."""
    return doc_text(doc)[span.start_char:span.end_char]


def entity_bounds(doc: Any) -> list[tuple[int, int, int, int]]:
    """Every entity's (start token, end token, start char, end char), cached like the
    sentences: `Doc.ents` builds a span per entity per call."""
    bounds = doc.user_data.get(_ENTS)
    if bounds is None:
        bounds = doc.user_data[_ENTS] = [(e.start, e.end, e.start_char, e.end_char)
                                         for e in doc.ents]
    return bounds


def _token_columns(doc: Any) -> Any:
    """Every token's POS, TAG and DEP ids, read once in bulk (a numpy array, one row a token):
    filtering tokens by label through `doc[i]` builds a Python Token per token (a third of the
    event stage's time)."""
    columns = doc.user_data.get(_ATTRS)
    if columns is None:
        from spacy.attrs import DEP, POS, TAG

        columns = doc.user_data[_ATTRS] = doc.to_array([POS, TAG, DEP])
    return columns


def tokens_where(doc: Any, lo: int = 0, hi: int | None = None, *,
                 pos: tuple[str, ...] | None = None, tag_prefix: str | None = None,
                 dep: tuple[str, ...] | None = None) -> list[int]:
    """The indexes of the tokens in [lo, hi) whose pos_ is in `pos`, tag_ starts with
    `tag_prefix` and dep_ is in `dep` (each test only when given), in order. Found once per doc
    and test (cached), so asking sentence by sentence costs a bisection."""
    key = ("newsgraph_where", pos, tag_prefix, dep)
    found = doc.user_data.get(key)
    if found is None:
        found = doc.user_data[key] = _where(doc, pos, tag_prefix, dep)
    hi = len(doc) if hi is None else hi
    if lo == 0 and hi >= len(doc):
        return list(found)
    return found[bisect_left(found, lo):bisect_left(found, hi)]


def _where(doc: Any, pos: tuple[str, ...] | None, tag_prefix: str | None,
           dep: tuple[str, ...] | None) -> list[int]:
    import numpy as np

    if not len(doc):
        return []
    columns = _token_columns(doc)
    strings = doc.vocab.strings
    keep = np.ones(len(doc), dtype=bool)
    for col, test in ((0, None if pos is None else (lambda name: name in pos)),
                      (1, None if tag_prefix is None else
                       (lambda name: name.startswith(tag_prefix))),
                      (2, None if dep is None else (lambda name: name in dep))):
        if test is None:
            continue
        column = columns[:, col]
        match = np.zeros(len(doc), dtype=bool)
        for v in np.unique(column).tolist():  # a few dozen labels, each tested once
            if test(strings[v] if v else ""):
                match |= column == v
        keep &= match
    return np.flatnonzero(keep).tolist()
