"""Attribution of one quote span: the cue and speaker after the quote ("…,” Putin said; “…,” said
Dist. Atty. Steve Cooley), before it (Peskov told reporters: “…”), in a lead-in ending in a colon,
or "according to X" (a name, or a pronoun pointing back at a person or at the speech just
reported); also where an unclosed quote ends before the writer's own attribution, and how a quote
inherits another's speaker."""

from __future__ import annotations

import re
from typing import Any

from newsgraph.records import Quote
from newsgraph.stages.doc_text import doc_text, sentence_bounds, sentences, tokens_between
from newsgraph.stages.quote_spans import Span
from newsgraph.stages.speaker_index import (
    PERSON_PRONOUNS,
    SOURCE_NOUNS,
    SpeakerIndex,
    resolve_speaker,
    strip_title,
)
from newsgraph.stages.speech_cues import (
    REPORTING,
    cue_phrase,
    cue_subject,
    paragraph_bounds,
    speech_token,
)

_ABBREVIATED_TITLE = re.compile(r"^[A-Z][a-z]{0,5}\.$")


def _is_abbreviation(tok: Any, doc: Any) -> bool:
    """An abbreviated title: "Atty.", "Dist." (one token, or a short word and a period)."""
    return bool(_ABBREVIATED_TITLE.match(tok.text)) or (
        len(tok.text) <= 5 and tok.is_title and tok.i + 1 < len(doc)
        and doc[tok.i + 1].text == "." and not doc[tok.i].whitespace_)


def _name_after(verb: Any, doc: Any) -> Any | None:
    """The person or organisation named right after an inverted cue, past abbreviated titles
    that split the small model's sentences ("said Dist. Atty. Steve Cooley")."""
    for j in range(verb.i + 1, min(verb.i + 8, len(doc))):
        tok = doc[j]
        abbreviation = _is_abbreviation(tok, doc)
        if tok.ent_type_ in ("PERSON", "ORG") and tok.ent_iob_ == "B" and not abbreviation:
            ent = next(e for e in doc.ents if e.start == j)
            return ent.root
        if tok.is_punct and tok.text != "." or "\n" in tok.text_with_ws:
            return None
        if not (abbreviation or tok.text == "."):
            return None
    return None


def _name_opening_attribution(close_end: int, verb: Any, doc: Any) -> Any | None:
    """The last token of a proper name that starts right after the closing mark, when only
    an aside set off by commas stands between it and the cue."""
    first = next((t for t in doc if t.idx >= close_end and not t.is_space), None)
    if first is None or first.i >= verb.i:
        return None
    if first.pos_ != "PROPN" or not first.is_title:
        # “…,” team general manager A.J. Smith said: a name closing the words before the cue
        for ent in doc.ents:
            if ent.label_ in ("PERSON", "ORG") and close_end <= ent.start_char and \
                    ent.end <= verb.i and not re.search(r"[.!?\"“”]\s", doc_text(doc)[
                        close_end:ent.start_char] + " ") and re.fullmatch(
                    r"\s*(?:,[^,\n\"“”]*,\s*)?", doc_text(doc)[ent.end_char:verb.idx]):
                return ent.root
        return None
    last = first
    while last.i + 1 < verb.i and (doc[last.i + 1].pos_ == "PROPN" or (
            doc[last.i + 1].text == "-" and last.i + 2 < verb.i)):
        last = doc[last.i + 1]
    between = doc_text(doc)[last.idx + len(last.text):verb.idx]
    if between.strip() and not re.fullmatch(r"\s*,[^,\n\"“”]*,\s*", between):
        return None
    return last


def _verbs_outside(doc: Any, lo: int, hi: int, spans: list[Span]) -> list[Any]:
    out = []
    for tok in tokens_between(doc, lo, hi):
        if any(s.open_at <= tok.idx <= (s.close_at if s.close_at is not None else s.end)
               for s in spans):
            continue
        if speech_token(tok):
            out.append(tok)
    return out


def _sentence_bounds(doc: Any, offset: int) -> tuple[int, int]:
    for _, _, start_char, end_char in sentence_bounds(doc):  # no span built per sentence
        if start_char <= offset < end_char:
            return start_char, end_char
    return offset, offset


def _covers(verb: Any, offset: int) -> bool:
    """The quote sits inside what the verb governs ("said that …, “the enlargement …”")."""
    sub = list(verb.subtree)
    return sub[0].idx <= offset <= sub[-1].idx + len(sub[-1].text)


def attribute(span: Span, doc: Any, index: SpeakerIndex, spans: list[Span],
               partial: bool, previous: Quote | None = None) -> dict[str, Any] | None:
    """Find the cue and speaker of one quote span, or None."""
    text = doc_text(doc)
    para_lo, para_hi = paragraph_bounds(text, span.open_at)
    close_end = (span.close_at + 1) if span.close_at is not None else span.end
    last_para_lo, last_para_hi = paragraph_bounds(text, max(span.end - 1, span.start))
    # 1. after the quote, in its last paragraph: “…,” Putin said / “…,” said the ministry
    sent_lo, sent_hi = _sentence_bounds(doc, min(close_end, len(text) - 1))
    after_hi = max(sent_hi, min(last_para_hi, close_end + 80))
    after = _verbs_outside(doc, close_end, min(after_hi, last_para_hi), spans)
    # 2. before the quote, in its first paragraph: Peskov told reporters: “…” — or in the line
    # above when that line ends with a colon ("Hefner was reported as saying about Page:")
    before = _verbs_outside(doc, para_lo, span.open_at, spans)
    if not before and not text[para_lo:span.open_at].strip():
        prev_hi = para_lo - 1
        while prev_hi > 0 and text[prev_hi - 1] in " \n":
            prev_hi -= 1
        if prev_hi > 0 and text[prev_hi - 1] == ":":
            prev_lo = text.rfind("\n", 0, prev_hi) + 1
            before = _verbs_outside(doc, prev_lo, prev_hi, spans)
    candidates: list[tuple[Any, str]] = []
    if after and after[0].idx - close_end <= 60:
        candidates.append((after[0], "after"))
    if before:
        candidates.append((before[-1], "before"))
    if after and (after[0], "after") not in candidates:
        candidates.append((after[0], "after"))
    if partial:  # a fragment is the words of the outermost speech clause that contains it
        covering = [(v, "before") for v in before] + [(v, "after") for v in after]
        # the innermost speech clause: "a position the Finnish president said was
        # “confusing”" is the president's word, not that of whoever the sentence began with
        # (verbs that also mean doing, not saying, come last: "ready to respond with “…”")
        candidates = sorted([vw for vw in covering if _covers(vw[0], span.start)],
                            key=lambda vw: (vw[0].lower_ not in REPORTING,
                                            len(list(vw[0].subtree))))
    for verb, where in candidates:
        subj = cue_subject(verb)
        if subj is None or (subj.i > verb.i and _is_abbreviation(subj, doc)):
            subj = _name_after(verb, doc) or subj  # “…,” said Dist. Atty. Steve Cooley
        if subj is None:
            # inverted: “…,” said Putin — the name right after the verb
            nxt = verb.nbor(1) if verb.i + 1 < len(doc) else None
            if nxt is not None and (nxt.ent_type_ in ("PERSON", "ORG") or nxt.pos_ == "PROPN"
                                    or nxt.lower_ in ("the",)):
                subj = nxt if nxt.lower_ != "the" else (nxt.nbor(1) if nxt.i + 1 < len(doc)
                                                          else None)
                if subj is not None:
                    subj = subj if subj.dep_ not in ("compound",) else subj.head
        if where == "after" and (subj is None or subj.idx < close_end):
            # “…,” Osman-aga, who herds camels, told Reuters: the parse hung the cue on a verb
            # inside the quote; the name that opens the attribution is the speaker
            subj = _name_opening_attribution(close_end, verb, doc) or subj
        if subj is None:
            continue
        if any(s.start <= subj.idx < s.end for s in spans):
            continue  # the "subject" is inside a quote: not the speaker
        speaker, words, s_lo, s_hi, how = resolve_speaker(subj, doc, index, span.start, spans)
        cue, c_lo, c_hi = cue_phrase(verb)
        return {"speaker": speaker, "speaker_mention": words, "speaker_start": s_lo,
                "speaker_end": s_hi, "cue": cue, "cue_start": c_lo, "cue_end": c_hi,
                "how": f"{how}; cue {where} the quote"}
    # 3. a lead-in ending in a colon right before the quote, whatever its verb ("Her agent
    # Mark Roesler siad:", "Banners read:", "Below is a statement by Francesca Grifo:")
    lead = _colon_lead(span, doc, spans)
    if lead is not None:
        subj, head = lead
        speaker, words, s_lo, s_hi, how = resolve_speaker(subj, doc, index, span.start, spans)
        return {"speaker": speaker, "speaker_mention": words, "speaker_start": s_lo,
                "speaker_end": s_hi, "cue": head.text, "cue_start": head.idx,
                "cue_end": head.idx + len(head.text), "how": f"{how}; lead-in with a colon"}
    # 4. "according to X" / "According to X"
    window = text[para_lo:para_hi]
    pronoun = re.search(r"\b[Aa]ccording to (it|him|her|them)\b", window)
    if pronoun and not any(s.start <= para_lo + pronoun.start() < s.end for s in spans):
        found = _according_to_pronoun(para_lo + pronoun.start(), pronoun.group(1), doc, index,
                                      previous)
        if found is not None:
            return found
    # sentence-initial too: "According to Reuters, “…”"
    match = re.search(r"\b[Aa]ccording to ((?:the )?[A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*)*)",
                      window)
    if match and not any(s.start <= para_lo + match.start() < s.end for s in spans):
        lo = para_lo + match.start(1)
        hi = para_lo + match.end(1)
        last = text[lo:hi].split()[-1]
        if last.endswith(".") and "." not in last[:-1] and len(last) > 2:
            hi -= 1  # the sentence's full stop ("according to Peskov."), not "U.S." or "J."
        cue_lo = para_lo + match.start()
        cue_hi = cue_lo + len("according to")
        name = index.full_name(strip_title(text[lo:hi]))
        return {"speaker": name, "speaker_mention": text[lo:hi], "speaker_start": lo,
                "speaker_end": hi, "cue": text[cue_lo:cue_hi], "cue_start": cue_lo,
                "cue_end": cue_hi, "how": "according to"}
    return None


def _according_to_pronoun(cue: int, pronoun: str, doc: Any, index: SpeakerIndex,
                          previous: Quote | None) -> dict[str, Any] | None:
    """ "According to him/her" is the person a pronoun means; "according to it/them" points back
    at what was just reported (a claim, a statement): its speaker, when that speech is in this
    paragraph or the one before and nothing else that could speak (an organisation, a report)
    is named in between."""
    text = doc_text(doc)
    end = cue + len("according to ") + len(pronoun)
    if pronoun in ("him", "her"):
        person = index.last_person_before(cue)
        if person is None:
            return None
        return {"speaker": person, "speaker_mention": pronoun, "speaker_start": end - len(pronoun),
                "speaker_end": end, "cue": text[cue:cue + len("according to")],
                "cue_start": cue, "cue_end": cue + len("according to"),
                "how": f"according to '{pronoun}' -> last person named before it"}
    if previous is None or previous.speaker is None or previous.end > cue:
        return None
    prev_para_lo = paragraph_bounds(text, max(previous.end - 1, previous.start))[0]
    para_lo = paragraph_bounds(text, cue)[0]
    before_lo = paragraph_bounds(text, max(para_lo - 2, 0))[0] if para_lo > 0 else para_lo
    if prev_para_lo < before_lo:
        return None
    gap = (previous.end, cue)
    if any(gap[0] <= e.start_char < gap[1] and e.label_ in ("ORG", "PERSON") for e in doc.ents) \
            or any(gap[0] <= t.idx < gap[1] and t.lower_ in SOURCE_NOUNS | _DOCUMENT_NOUNS
                   for t in doc):
        return None
    found = inherit(previous, f"according to '{pronoun}' -> the speech reported before it")
    found.update({"speaker_mention": pronoun, "speaker_start": end - len(pronoun),
                  "speaker_end": end, "cue": text[cue:cue + len("according to")],
                  "cue_start": cue, "cue_end": cue + len("according to")})
    return found


# what an "it" may stand for besides a statement: documents and bodies that speak
_DOCUMENT_NOUNS = {"report", "study", "survey", "document", "documents", "analysis", "poll",
                   "paper", "memo", "filing", "indictment", "complaint", "lawsuit", "ruling",
                   "decision", "agency", "ministry", "government", "company", "committee",
                   "court", "police", "office", "department", "group", "organisation",
                   "organization", "website", "newspaper", "magazine", "network", "channel"}


def _colon_lead(span: Span, doc: Any, spans: list[Span]) -> tuple[Any, Any] | None:
    """(subject, head) of the clause that ends in a colon just before the quote."""
    text = doc_text(doc)
    k = span.open_at - 1
    while k >= 0 and text[k] in " \t\n":
        k -= 1
    if k < 0 or text[k] != ":" or span.open_at - k > 3:
        return None
    colon = next((t for t in doc if t.idx == k), None)
    if colon is None:
        return None
    line_lo = text.rfind("\n", 0, k) + 1
    head = colon.head
    while head.head.i != head.i and head.head.idx >= line_lo and head.head.i < colon.i:
        head = head.head
    if head.idx < line_lo or head.i > colon.i:
        return None
    # "a statement by Francesca Grifo": the author of the statement
    for tok in doc[head.i:colon.i] if head.i < colon.i else []:
        if tok.lower_ in SOURCE_NOUNS:
            for prep in tok.children:
                if prep.dep_ == "prep" and prep.lower_ in ("by", "from", "of"):
                    pobj = next((c for c in prep.children if c.dep_ == "pobj"), None)
                    if pobj is not None and pobj.ent_type_ in ("PERSON", "ORG", "NORP", "GPE"):
                        return pobj, tok
    subj = next((c for c in head.children if c.dep_ in ("nsubj", "nsubjpass")
                 and c.idx >= line_lo), None)
    if subj is None or subj.lower_ in ("it", "this", "that", "there", "which", "what") or \
            any(x.start <= subj.idx < x.end for x in spans):
        return None
    return subj, head


def cut_at_attribution(span: Span, doc: Any) -> None:
    """An unclosed quote runs on to its paragraph's end (or the next quote): when a short
    sentence inside it is plainly the writer's ("And he added:"), the quote ends before it."""
    for sent in sentences(doc):
        if not span.start < sent.start_char < span.end or len(sent) > 15:
            continue
        for tok in sent:
            subj = cue_subject(tok) if speech_token(tok) else None
            if subj is not None and (subj.lower_ in PERSON_PRONOUNS or subj.ent_type_ == "PERSON"):
                end = sent.start_char
                while end > span.start and doc_text(doc)[end - 1].isspace():
                    end -= 1
                span.end = end
                span.parts[-1] = (span.parts[-1][0], end)
                return


_ATTRIBUTION = ("speaker", "speaker_mention", "speaker_start", "speaker_end", "cue", "cue_start",
                "cue_end")


def inherit(source: Quote, how: str) -> dict[str, Any]:
    found: dict[str, Any] = {k: getattr(source, k) for k in _ATTRIBUTION}
    found["how"] = how
    return found
