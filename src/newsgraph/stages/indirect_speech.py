"""Indirect (reported) speech: a speech verb with a subject and a clausal complement and no quote
marks ("Peskov said that NATO …"), also when the clause quotes a few of its words (then it is
both indirect speech and holds a partial quote)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from newsgraph.records import Quote
from newsgraph.stages.doc_text import doc_text, tokens_where
from newsgraph.stages.quote_spans import Span, word_count
from newsgraph.stages.speaker_index import SpeakerIndex, resolve_speaker
from newsgraph.stages.speech_cues import (
    DASHES,
    DEMAND,
    INDIRECT_ONLY_STRONG,
    cue_phrase,
    cue_subject,
    speech_token,
)

_ACCORDING = re.compile(r"\baccording(?= to\b)", re.IGNORECASE)
_TRAILING_CC = re.compile(r"\s(?:and|or|but|nor)$", re.IGNORECASE)


def _reported_around(text: str, lo: int, hi: int, inside: list[Span]) -> bool:
    """Reported speech that quotes a few of its words ("the firebombing was a “raw murderous
    act”"; "it had decided … to prevent “instrumentalised” migration"): the clause is indirect
    speech and the quoted words a partial quote in it. Not when the clause is all quote
    ("warned that “the reinforcement … ”"), or a quote only starts or ends in it."""
    if any(s.open_at < lo or (s.close_at if s.close_at is not None else s.end) >= hi
           for s in inside):
        return False
    own, pos = [], lo
    for s in sorted(inside, key=lambda s: s.open_at):
        own.append(text[pos:s.open_at])
        pos = (s.close_at if s.close_at is not None else s.end) + 1
    own.append(text[pos:hi])
    words = re.findall(r"\w+", " ".join(own))
    if words and words[0].lower() == "that":
        words = words[1:]
    return len(words) >= 4


def _end_before_attributed_aside(comp: Any, hi: int, spans: list[Span]) -> int:
    """Where the reported clause ends when the parse ran it on into a dash aside that is someone
    else's speech: in "arguing that the two countries harbor “many terrorist organizations” – a
    position the Finnish president said was “confusing”" Turkey's words end at the dash. Only an
    aside that is not closed by a second dash and holds a speech verb with a subject of its own;
    a dash inside quote marks is the speaker's own."""
    dashes = [t for t in comp.subtree if t.text in DASHES and t.is_punct
              and not any(s.open_at <= t.idx < s.end for s in spans)]
    if len(dashes) % 2 == 0:
        return hi
    aside = dashes[-1]
    if any(speech_token(t) and any(c.dep_ == "nsubj" for c in t.children)
           for t in comp.subtree if t.i > aside.i):
        return aside.idx
    return hi


def _clause_then_cue(doc: Any, comp: Any, verb: Any) -> bool:
    """"Youths attacked a police station …, police said": the clause opens its sentence, a
    comma follows it, then the speaker and the verb, and the verb ends the sentence (nothing but
    its own cue words after it: "police said on Monday")."""
    sent = verb.sent
    if comp.left_edge.i != sent.start:
        return False
    after = comp.right_edge.i + 1
    if after >= verb.i or doc[after].text != ",":
        return False
    return all(t.i in {c.i for c in verb.subtree} or t.is_punct or t.is_space
               for t in doc[verb.i + 1:sent.end])


def _according_to(doc: Any, spans: list[Span], index: SpeakerIndex) -> Iterable[Quote]:
    """"Prices rose in March, according to the statistics office." / "According to the
    survey, a quake shook …": the rest of the sentence is what the source reported, when no
    quote mark is in it (then the quote's own attribution says "according to")."""
    text = doc_text(doc)
    for m in _ACCORDING.finditer(text):  # a text search: the phrase is rare, tokens many
        found = doc.char_span(m.start(), m.end())
        if found is None or len(found) != 1:
            continue
        tok = found[0]
        to = next((c for c in tok.children if c.lower_ == "to" and c.dep_ == "prep"), None)
        source = next((c for c in to.children if c.dep_ == "pobj"), None) if to else None
        if source is None:
            continue
        sent = tok.sent
        phrase_lo, phrase_hi = tok.idx, max(t.idx + len(t.text) for t in tok.subtree)
        if tok.i == sent.start:  # "According to X, CLAUSE."
            rest = [t for t in doc[tok.right_edge.i + 1:sent.end] if not t.is_space]
            if not rest or rest[0].text != ",":
                continue
            lo = rest[1].idx if len(rest) > 1 else phrase_hi
            hi = sent.end_char
        elif doc[tok.i - 1].text == "," and all(  # "CLAUSE, according to X."
                t.is_punct or t.is_space for t in doc[tok.right_edge.i + 1:sent.end]):
            lo, hi = sent.start_char, doc[tok.i - 1].idx
        else:
            continue
        while lo < hi and text[lo].isspace():
            lo += 1
        while hi > lo and (text[hi - 1] in ".,;:" or text[hi - 1].isspace()):
            hi -= 1
        if any(not (hi <= s.open_at or lo >= s.end + 1) for s in spans) or word_count(
                text[lo:hi]) < 4:
            continue
        speaker, words, s_lo, s_hi, how = resolve_speaker(source, doc, index, lo, spans)
        yield Quote(lo, hi, text[lo:hi], "indirect", speaker, words, s_lo, s_hi, None,
                    text[phrase_lo:to.idx + len(to.text)], phrase_lo, to.idx + len(to.text),
                    {"how": how})


def indirect_quotes(doc: Any, spans: list[Span], index: SpeakerIndex) -> Iterable[Quote]:
    """Reported speech: a speech verb with a subject and a clausal complement, no quote marks;
    and a sentence a source is given for ("…, according to police")."""
    yield from _according_to(doc, spans, index)
    text = doc_text(doc)
    for i in tokens_where(doc, pos=("VERB",)):  # read in bulk: most tokens are no verb
        tok = doc[i]
        if tok.lower_ not in INDIRECT_ONLY_STRONG and not (
                tok.lower_ in DEMAND and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "that"):
            continue  # ("Moscow demands that …" reports a demand; "demanded money" does not)
        comp = next((c for c in tok.children if c.dep_ == "ccomp"), None)
        subj = cue_subject(tok)
        if comp is None or subj is None:
            continue
        lo = min(t.idx for t in comp.subtree)
        hi = max(t.idx + len(t.text) for t in comp.subtree)
        inside = [s for s in spans if not (hi <= s.open_at or lo >= s.end + 1)]
        if comp.i < tok.i and (inside or not _clause_then_cue(doc, comp, tok)):
            continue  # a clause before the verb: reported speech only as "X, police said."
        if inside and not _reported_around(text, lo, hi, inside):
            continue  # overlaps quoted words: a direct or partial quote already covers it
        hi = _end_before_attributed_aside(comp, hi, spans)
        if word_count(text[lo:hi]) < 4:
            continue
        first = doc[min(t.i for t in comp.subtree)]
        if first.lower_ == "that":  # "said that NATO …": the reported words follow "that"
            lo = first.idx + len(first.text) + 1
        while hi > lo:  # no trailing punctuation, and no "and" the parse left hanging
            if text[hi - 1] in ".,;:" or text[hi - 1].isspace():
                hi -= 1
            elif (m := _TRAILING_CC.search(text, lo, hi)) is not None:
                hi = m.start()
            else:
                break
        speaker, words, s_lo, s_hi, how = resolve_speaker(subj, doc, index, lo, spans)
        cue, c_lo, c_hi = cue_phrase(tok)
        yield Quote(lo, hi, text[lo:hi], "indirect", speaker, words, s_lo, s_hi, None, cue,
                    c_lo, c_hi, {"how": how})
