"""Quotes, their cues and speakers: `extract_quotes` and the stage's `VERSION`.

Spans come from quote_spans.py (no model); the speaker comes from the dependency parse: the
subject of the speech verb next to the quote ("…,” Putin said; Peskov told reporters: “…”;
“…,” said the ministry), a pronoun ("he added") resolved to the most recent person named before
it, or the speaker of the previous quote when a paragraph is nothing but a quote continuing
what that speaker said. Indirect speech ("Peskov said that NATO …") is found from a speech verb
with a clausal complement. Unknown stays None; every resolution says how it was made (notes).

This module decides what a span is (a direct or partial quote, or a quoted title) and which
speaker it gets when its own sentence names none (the previous quote's, the next paragraph's,
the same words quoted elsewhere). The parts: speech_cues.py (speech verbs, cue phrase, subject),
speaker_index.py (names, roles, pronouns -> a speaker), attribution.py (one span's cue and
speaker, "according to"), indirect_speech.py (reported speech).
"""

from __future__ import annotations

import re
from typing import Any

from newsgraph.records import Quote
from newsgraph.stages.attribution import attribute, cut_at_attribution, inherit
from newsgraph.stages.doc_text import doc_text
from newsgraph.stages.indirect_speech import indirect_quotes
from newsgraph.stages.quote_spans import Span, find_quote_spans, word_count
from newsgraph.stages.speaker_index import SpeakerIndex
from newsgraph.stages.speech_cues import paragraph_bounds

VERSION = "quotes/8"  # /8: "X, police said." and "…, according to X." are reported speech

_MAX_NLP_CHARS = 200_000

_MINOR_WORDS = {"a", "an", "the", "of", "and", "or", "in", "on", "at", "to", "for", "with", "by",
                "from", "de", "la", "le", "du", "von", "van"}


def _is_title(quoted: str) -> bool:
    """A quoted title or name: at most six words, every one capitalised but the minor ones."""
    words = re.findall(r"[^\W\d_][\w'’.-]*", quoted)
    if not words or len(words) > 6:
        return False
    major = [w for w in words if w.lower() not in _MINOR_WORDS]
    return bool(major) and all(w[0].isupper() for w in major) and not quoted.rstrip().endswith(
        ("!", "?"))


def _is_direct(span: Span, text: str) -> bool:
    """A direct quote starts a sentence: at a paragraph start, after ':' or after a sentence;
    a partial one is a fragment inside the writer's own sentence."""
    before = text[:span.open_at].rstrip(" \t")
    if not before or before.endswith("\n") or before[-1] in ":.!?…—–-":
        return True
    first = text[span.start:span.start + 1]
    return before[-1] == "," and first.isupper() and word_count(text[span.start:span.end]) >= 4


def extract_quotes(text: str, nlp: Any = None, doc: Any = None,
                   title: str | None = None) -> list[Quote]:
    """Every direct, partial and indirect quote in `text` (an article's cleaned text), in order.
    Offsets index `text`; each quote's `text` == text[start:end]. `title`, the headline when it
    is not part of `text`, only helps to find speakers (a quote in it has no offsets)."""
    spans = find_quote_spans(text)
    if doc is None:
        if nlp is None:
            from newsgraph.stages.nlp import load_nlp

            nlp = load_nlp()
        doc = nlp(text[:_MAX_NLP_CHARS])
    index = SpeakerIndex(doc, title)
    for span in spans:
        if span.unclosed:
            cut_at_attribution(span, doc)
    indirect = list(indirect_quotes(doc, spans, index))
    quotes: list[Quote] = []
    previous: Quote | None = None
    for span in spans:
        if span.start >= len(doc_text(doc)):
            break
        quoted = text[span.start:span.end]
        if _is_title(quoted):
            continue  # "The Golden Compass", "America's Most Wanted": a name, not words said
        direct = _is_direct(span, text)
        # the latest speech before this quote: a quote, or reported speech ("Dorsey said …")
        earlier = [q for q in (*quotes, *indirect) if q.end <= span.open_at and q.speaker]
        previous = max(earlier, key=lambda q: q.end, default=None)
        found = attribute(span, doc, index, spans, partial=not direct, previous=previous)
        notes: dict[str, Any] = {}
        if found is None and direct and previous is not None:
            # a paragraph that is only a quote continues the previous speaker's words
            para_lo, para_hi = paragraph_bounds(text, span.open_at)
            only_quote = text[para_lo:span.open_at].strip() == "" and \
                text[(span.close_at or span.end) + 1:para_hi].strip(" ”\"».") == ""
            prev_para = paragraph_bounds(text, max(previous.end - 1, previous.start))
            near = para_lo - prev_para[1] <= 3 or prev_para == (para_lo, para_hi)
            if only_quote and near:
                found = inherit(previous, "continues the previous quote's speaker")
        if found is None and quotes and quotes[-1].speaker and re.fullmatch(
                r"\s*(?:,|and|or|, and|, or)\s*",
                text[(quotes[-1].end + 1):span.open_at].lstrip("”\"»’'")):
            # Banners read: “The state kills” and “Down with the government”
            found = inherit(quotes[-1], "listed with the previous quote")
        if found is None and direct:
            found = _speaker_of_next_paragraph(span, text, indirect)
        if found is None and word_count(quoted) < 3:
            notes["short"] = True  # a scare-quoted word, unless the same words are quoted
            # with a speaker elsewhere (a headline's ‘direct confrontation’)
        kind = "direct" if direct else "partial"
        if found is not None:
            notes["speaker_how"] = found.pop("how")
        if span.unclosed:
            notes["unclosed"] = True
        if span.multi_paragraph:
            notes["multi_paragraph"] = True
            notes["parts"] = [list(p) for p in span.parts]
        quote = Quote(span.start, span.end, quoted, kind, notes=notes, **(found or {}))
        quotes.append(quote)
    _same_words_same_speaker(quotes, headline_end=text.find("\n"))
    quotes = [q for q in quotes if not q.notes.pop("short", False) or q.speaker is not None]
    quotes.extend(indirect)
    quotes.sort(key=lambda q: (q.start, q.end))
    return quotes


def _speaker_of_next_paragraph(span: Span, text: str, indirect: list[Quote]) -> dict | None:
    """A paragraph that is only a quote, with no speaker before it, followed by a paragraph
    that opens with its speaker's reported speech ("Kenneth Dorsey says the woman …")."""
    para_lo = paragraph_bounds(text, span.open_at)[0]
    close = span.close_at if span.close_at is not None else span.end
    para_hi = paragraph_bounds(text, close)[1]
    if text[para_lo:span.open_at].strip() or text[close + 1:para_hi].strip(" ”\"».,"):
        return None
    next_lo = para_hi + 1
    while next_lo < len(text) and text[next_lo] in " \n":
        next_lo += 1
    for q in indirect:
        if q.speaker and q.speaker_start is not None and \
                next_lo <= q.speaker_start <= next_lo + 3 and q.cue and \
                q.notes.get("how", "").startswith("subject of the cue"):
            return inherit(q, "named as the speaker in the next paragraph")
    return None


def _same_words_same_speaker(quotes: list[Quote], headline_end: int = -1) -> None:
    """A pull quote or headline quote without a speaker takes the speaker of the quote whose
    words contain it ("Very Spiritual" … "She's very spiritual," Dorsey said). One word is
    enough only in the headline (‘trigger’ … could “trigger a response”, Putin said)."""
    def words(q: Quote) -> list[str]:
        return [w.lower() for w in re.findall(r"\w+", q.text)]

    for q in quotes:
        if q.speaker is not None or q.type == "indirect":
            continue
        mine = words(q)
        if len(mine) < (1 if q.start < headline_end else 2):
            continue
        for other in quotes:
            if other is q or other.speaker is None:
                continue
            theirs = words(other)
            if any(theirs[i:i + len(mine)] == mine for i in range(len(theirs) - len(mine) + 1)):
                for k, v in inherit(other, "").items():
                    if k != "how":
                        setattr(q, k, v)
                q.notes["speaker_how"] = "the same words are quoted elsewhere with a speaker"
                break
