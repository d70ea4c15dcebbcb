"""When a quote was said: the time expression in its attribution ("…”, he said on Thursday"),
resolved against the publication date (stages/timex.py). Report time is the article's date;
this is the speech's own time, and only when the text gives one — never guessed."""

from __future__ import annotations

from typing import Any

from newsgraph.records import Quote
from newsgraph.stages.doc_text import sentence_at, span_text
from newsgraph.stages.timex import find_times


def said_on(quote: Quote, doc: Any, published: str | None) -> dict[str, Any] | None:
    """The dated expression of the sentence holding the quote's cue, outside the quoted words
    (a date inside a quote is what the speaker talks about, not when they spoke), nearest the
    cue. None when the cue's sentence has none, or nothing resolves it (no anchor)."""
    if quote.cue_start is None:
        return None
    sent = sentence_at(doc, quote.cue_start)
    if sent is None:
        return None
    best = None
    for t in find_times(span_text(doc, sent), published, tense="past"):  # speech is reported: past
        start, end = sent.start_char + t.start, sent.start_char + t.end
        if t.date is None or (start < quote.end and quote.start < end):
            continue
        distance = min(abs(start - quote.cue_end), abs(quote.cue_start - end)) \
            if quote.cue_end is not None else abs(start - quote.cue_start)
        if best is None or distance < best[0]:
            best = (distance, {"date": t.date, "precision": t.precision, "text": t.text,
                               "start": start, "end": end, "anchor": t.anchor, "how": t.how})
    return best[1] if best else None
