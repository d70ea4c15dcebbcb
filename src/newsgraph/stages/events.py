"""Events: who did what to whom, per sentence, as PLOVER categories (a pure function of a parse).

For each sentence of a spaCy doc (`newsgraph.stages.nlp.load_nlp()`):
1. Triggers: verbs in the PLOVER lexicon (`plover.py`), verb + particle phrases ("pull out",
   "call for"), and light verbs whose object names the event ("imposed sanctions" -> SANCTION,
   "held talks" -> CONSULT).
2. A trigger governed by another one (through xcomp / ccomp / prep chains: "agreed to
   cooperate", "threatened to impose sanctions", "accused X of attacking") is part of it, not an
   event of its own: CAMEO codes the governing act. Reporting verbs ("said") are not triggers,
   so "X said Y attacked Z" is Y's attack.
3. Negation: a negated cooperative act ("did not agree", "never offered") is REJECT; a negated
   conflictual act ("did not attack") is no event.
4. Intent: a conflictual act under will/would/plan to ("will impose sanctions") is THREATEN.
5. Roles: actor = the subject phrase (passive: the "by" agent; the subject becomes the target);
   target = the object, else a recipient preposition (on, against, to, with, ...), else one
   found in the governed clause. A conjoined subject with no target ("X and Y agreed") is
   reciprocal: the target is the same pair.
6. Date: the time expression in the sentence nearest the trigger, resolved by `timex` against
   the publication date (tense from the trigger's parse), but not one inside a clause of its
   own that does not hold the trigger (a relative or adverbial clause: "who met nurses last
   Friday"); none -> null (never report time).
"""

from __future__ import annotations

import re
from typing import Any

from newsgraph.ids import event_id
from newsgraph.records import Event
from newsgraph.stages import plover
from newsgraph.stages.doc_text import doc_text, sentences, span_text, tokens_where
from newsgraph.stages.timex import find_times

__all__ = ["VERSION", "extract_events", "primary_event"]

VERSION = "events/2"  # /2: a time inside a clause of its own does not date the main verb

# dependency labels through which a governing trigger absorbs a governed one
_ABSORB = {"xcomp", "ccomp", "pcomp", "prep", "pobj", "acomp", "dobj"}
# recipient prepositions, in the order they are preferred as the target
_TARGET_PREPS = ("against", "on", "upon", "to", "with", "at", "toward", "towards", "into",
                 "over", "for", "from")
_PHRASE_STOP = {"relcl", "acl", "appos", "punct", "advcl", "parataxis"}
_FUTURE_AUX = {"will", "would", "'ll", "shall", "wo", "may", "might", "could"}
_MUST = {"must", "should"}
_INTENT = {"plan", "intend", "prepare", "prepared", "vow", "decide", "seek", "aim", "want",
           "mean", "hope", "expect", "willing", "ready", "set", "determined"}
_NEGATORS = {"not", "n't", "never", "no"}
_RECIPROCAL = {"AGREE", "CONSULT", "COOPERATE", "ASSAULT"}


def _is_verb(tok: Any) -> bool:
    return tok.pos_ in ("VERB", "AUX") and tok.tag_.startswith("VB")


def _verb_indexes(doc: Any, lo: int, hi: int) -> list[int]:
    """The tokens in [lo, hi) that `_is_verb` accepts, from the labels read in bulk: only these
    can be triggers, and most tokens are not verbs."""
    return tokens_where(doc, lo, hi, pos=("VERB", "AUX"), tag_prefix="VB")


def _classify(tok: Any) -> tuple[str | None, int, int, str]:
    """(category, trigger start, end char offsets, how) for a candidate predicate token."""
    s, e = tok.idx, tok.idx + len(tok.text)
    if not _is_verb(tok):
        return None, s, e, ""
    for child in tok.children:
        if child.dep_ in ("prt", "prep") and child.i == tok.i + 1:
            cat = plover.particle_category(tok.text, child.text)
            if cat:
                return cat, s, child.idx + len(child.text), "verb+particle"
    base = plover.base_form(tok.text)
    if base in plover.LIGHT_VERBS:
        for child in tok.children:
            if child.dep_ in ("dobj", "nsubjpass") and child.pos_ in ("NOUN", "PROPN"):
                cat = plover.event_noun_category(child)
                if cat == "PROTEST" and base in plover.FORMAL_COMPLAINT:
                    cat = "ACCUSE"
                if cat:
                    lo, hi = sorted((tok.i, child.i))
                    doc = tok.doc
                    return cat, doc[lo].idx, doc[hi].idx + len(doc[hi].text), "light verb+noun"
    cat = plover.verb_category(tok.text)
    objs = {c.text.lower() for c in tok.children if c.dep_ == "dobj"}
    if base in ("accept", "accede", "meet") and objs & plover.CONCEDE_OBJECTS:
        return "CONCEDE", s, e, "accepted demands"
    if base in ("deny", "refuse", "ban") and objs & plover.SANCTION_OBJECTS:
        return "SANCTION", s, e, "denied entry"
    return cat, s, e, "verb" if cat else ""


def _phrase(head: Any) -> tuple[str, int, int]:
    """The contiguous words around `head` in its subtree, without relative clauses, appositions
    and punctuation (so "Putin, who ..., said" gives "Putin")."""
    stop: set[int] = set()
    for child in head.subtree:
        if child is not head and child.dep_ in _PHRASE_STOP:
            stop.update(t.i for t in child.subtree)
    kept = {t.i for t in head.subtree} - stop
    lo = hi = head.i
    while lo - 1 in kept:
        lo -= 1
    while hi + 1 in kept:
        hi += 1
    doc = head.doc
    while lo < hi and doc[lo].dep_ in ("cc", "punct", "prep"):
        lo += 1
    while hi > lo and doc[hi].dep_ in ("cc", "punct"):
        hi -= 1
    start, end = doc[lo].idx, doc[hi].idx + len(doc[hi].text)
    # the span's own text, from the document's text read once: Span.text re-joins its tokens
    return doc_text(doc)[start:end], start, end


def _subject(tok: Any) -> tuple[Any | None, bool]:
    """(subject token, passive) of a predicate, inherited through xcomp / conj / relcl."""
    seen = 0
    while tok is not None and seen < 8:
        seen += 1
        for child in tok.children:
            if child.dep_ in ("nsubj", "csubj"):
                return child, False
            if child.dep_ == "nsubjpass":
                return child, True
        if tok.dep_ == "relcl":
            return tok.head, False
        if tok.dep_ in ("xcomp", "conj", "advcl", "acl") and tok.head.i != tok.i:
            tok = tok.head
            continue
        return None, False
    return None, False


def _agent(tok: Any) -> Any | None:
    for child in tok.children:
        if child.dep_ == "agent":
            for g in child.children:
                if g.dep_ == "pobj":
                    return g
    return None


def _named(tok: Any) -> bool:
    return any(t.ent_type_ in ("GPE", "ORG", "PERSON", "NORP", "LOC", "FAC")
               for t in tok.subtree)


def _object(tok: Any, exclude: set[int]) -> Any | None:
    """The direct object or a dative, else the first recipient preposition's object; a named
    recipient beats a thing ("cut off gas supplies to Ukraine" targets Ukraine)."""
    obj = None
    for child in tok.children:
        if child.dep_ in ("dobj", "dative", "attr") and child.i not in exclude:
            if child.dep_ == "dobj" and plover.noun_category(child.text) and \
                    plover.base_form(tok.text) in plover.LIGHT_VERBS:
                continue  # "imposed sanctions": the event noun, not the target
            obj = child
            break
    if obj is not None and (obj.dep_ == "dative" or _named(obj)):
        return obj
    preps: dict[str, Any] = {}
    heads = [tok] + [c for c in tok.children if c.dep_ == "dobj"]
    for h in heads:
        for child in h.children:
            if child.dep_ in ("prep", "dative") and child.text.lower() in _TARGET_PREPS:
                for g in child.children:
                    if g.dep_ == "pobj" and g.i not in exclude and g.ent_type_ not in (
                            "DATE", "TIME"):
                        preps.setdefault(child.text.lower(), g)
    for p in _TARGET_PREPS:
        if p in preps and (obj is None or _named(preps[p])):
            return preps[p]
    return obj


def _governor(tok: Any, triggers: dict[int, str]) -> Any | None:
    """The nearest trigger above `tok` through absorbing links, or None."""
    cur = tok
    while cur.head.i != cur.i:
        if cur.dep_ not in _ABSORB:
            return None
        cur = cur.head
        if cur.i in triggers:
            return cur
        if plover.base_form(cur.text) in plover.REPORTING:
            return None
    return None


def _negated(tok: Any) -> bool:
    return any(c.dep_ == "neg" or (c.dep_ == "advmod" and c.text.lower() in _NEGATORS)
               for c in tok.children)


def _future(tok: Any) -> bool:
    if any(c.dep_ == "aux" and c.text.lower() in _FUTURE_AUX for c in tok.children):
        return True
    head = tok.head
    return tok.dep_ == "xcomp" and (plover.base_form(head.text) in _INTENT
                                    or head.text.lower() in _INTENT)


def _depth(tok: Any) -> int:
    d = 0
    while tok.head.i != tok.i and d < 50:
        tok, d = tok.head, d + 1
    return d


def _tense(tok: Any) -> str | None:
    if _future(tok) or any(_future(c) for c in [tok.head] if tok.dep_ == "xcomp"):
        return "future"
    if tok.tag_ == "VBD" or any(c.dep_ in ("aux", "auxpass") and c.tag_ == "VBD"
                                for c in tok.children):
        return "past"
    return None


def _sentence_events(sent: Any, doc: Any, published: str | None,
                     article_id: str | None) -> list[Event]:
    cands: dict[int, tuple[str, int, int, str]] = {}
    sent_text = span_text(doc, sent)
    for i in _verb_indexes(doc, sent.start, sent.end):  # _classify gives a non-verb nothing
        cat, s, e, how = _classify(doc[i])
        if cat:
            cands[i] = (cat, s, e, how)
    triggers = {i: c[0] for i, c in cands.items()}
    events: list[Event] = []
    seen_times: dict[str | None, list[Any]] = {}
    for i, (cat, s, e, how) in sorted(cands.items()):
        tok = doc[i]
        gov = _governor(tok, triggers)
        if gov is not None:
            continue  # part of the governing act
        notes: dict[str, Any] = {"how": how, "depth": _depth(tok)}
        if _negated(tok):
            if cat in plover.COOPERATIVE or cat in ("REQUEST",):
                notes["negated"] = cat
                cat = "REJECT"
            elif cat != "REJECT":
                continue  # "did not attack": nothing happened
        elif any(c.dep_ == "aux" and c.text.lower() in _MUST for c in tok.children):
            notes["must"] = cat  # "Sudan must return the helicopter": a demand
            cat = "REQUEST"
        elif _future(tok) and cat in plover.CONFLICTUAL | {"PROTEST"}:
            notes["intent"] = cat  # "will impose sanctions": a threat (CAMEO 13)
            cat = "THREATEN"
        elif _future(tok) and cat in plover.COOPERATIVE:
            notes["intent"] = cat  # "will provide aid": intent to cooperate (CAMEO 03)
            cat = "AGREE"
        subj, passive = _subject(tok)
        actor_tok, target_tok = subj, None
        governed = {j for j in cands
                    if j != i and (g := _governor(doc[j], triggers)) is not None and g.i == i}
        if passive:
            notes["passive"] = True
            actor_tok, target_tok = _agent(tok), subj
        exclude = {t.i for t in actor_tok.subtree} if actor_tok is not None else set()
        if target_tok is None:
            target_tok = _object(tok, exclude)
        if target_tok is None:
            for j in sorted(governed):  # "agreed to provide aid to Y"
                target_tok = _object(doc[j], exclude)
                if target_tok is not None:
                    break
        actor = _phrase(actor_tok) if actor_tok is not None else (None, None, None)
        target = _phrase(target_tok) if target_tok is not None else (None, None, None)
        # "X and Y agreed (on a budget)": each is the other's target, unless one is named
        if actor_tok is not None and cat in _RECIPROCAL and (
                target_tok is None or not _named(target_tok)) and any(
                c.dep_ == "conj" for c in actor_tok.subtree):
            notes["reciprocal"] = True
            target = actor
        date, precision = _event_date(sent, sent_text, tok, published, _tense(tok), notes,
                                      seen_times)
        trigger_text = sent_text[s - sent.start_char:e - sent.start_char]
        # spaCy leaves the paragraph break after a sentence in it, and can start the next
        # one with the closing mark of the paragraph before ('"\n\nGrant, who …'): the
        # event's words are the sentence's own
        lead = _STRAY_LEAD.match(sent_text)
        skip = lead.end() if lead else 0
        body = sent_text[skip:].rstrip()
        ev = Event(
            sentence=body, start=sent.start_char + skip,
            end=sent.start_char + skip + len(body), action=cat,
            trigger=trigger_text, trigger_start=s, trigger_end=e,
            actor=actor[0], actor_start=actor[1], actor_end=actor[2],
            target=target[0], target_start=target[1], target_end=target[2],
            date=date, date_precision=precision, notes=notes, article_id=article_id,
        )
        ev.id = event_id(article_id, s, e, cat)
        events.append(ev)
    return events


_STRAY_LEAD = re.compile(r"""\s*(?:["”’'»]+\s*\n)?\s*""")
_PERIOD_EDGE = re.compile(r"\b(?:since|until|till|by|before|after|from)\s+(?:the\s+)?$",
                          re.I)


# clauses of their own: a time said inside one dates that clause's verb ("Grant, who met nurses
# last Friday, disagreed": Friday is the meeting's, not the disagreement's)
_OWN_CLAUSE = {"relcl", "acl", "advcl", "ccomp", "csubj", "parataxis"}


def _in_another_clause(sent: Any, start: int, end: int, trigger: Any) -> bool:
    """Whether the words at sentence offsets [start, end) sit in a clause (relative, adverbial,
    complement) that does not hold the trigger."""
    doc = sent.doc
    span = doc.char_span(sent.start_char + start, sent.start_char + end,
                         alignment_mode="expand")
    if span is None or len(span) == 0:
        return False
    tok = span.root
    for _ in range(40):  # up to the sentence's root (a parse is a tree; the bound is a guard)
        if tok.dep_ in _OWN_CLAUSE and not (
                tok.left_edge.i <= trigger.i <= tok.right_edge.i):
            return True
        if tok.head.i == tok.i or tok.i == trigger.i:
            return False
        tok = tok.head
    return False


def _event_date(sent: Any, sent_text: str, trigger: Any, published: str | None,
                tense: str | None, notes: dict[str, Any],
                seen: dict[str | None, list[Any]] | None = None,
                ) -> tuple[str | None, str | None]:
    """The sentence's time expression nearest the trigger (dated ones first), not one inside
    another clause. `seen` keeps the sentence's expressions by tense for its other triggers
    (the regexes are the cost)."""
    found = seen.get(tense) if seen is not None else None
    if found is None:
        # "since 2014", "until April", "by Friday" bound a period, they do not say when the
        # event happened: not an event time
        found = [t for t in find_times(sent_text, published, tense=tense)
                 if not _PERIOD_EDGE.search(sent_text[max(0, t.start - 12):t.start])]
        if seen is not None:
            seen[tense] = found
    times = [t for t in found if not _in_another_clause(sent, t.start, t.end, trigger)]
    if not times:
        return None, None
    rel = trigger.idx - sent.start_char
    times.sort(key=lambda t: (t.date is None, abs(t.start - rel)))
    t = times[0]
    notes["time"] = {"text": t.text, "start": sent.start_char + t.start,
                     "end": sent.start_char + t.end, "anchor": t.anchor, "how": t.how}
    return t.date, t.precision


def extract_events(text: str | None = None, nlp: Any = None, doc: Any = None,
                   article_id: str | None = None, published: str | None = None,
                   ) -> list[Event]:
    """Every event in the text, sentence by sentence, in text order. Pass a parsed `doc`
    (preferred: the NLP stage's own), or `text` and an `nlp` (default: load_nlp())."""
    if doc is None:
        if text is None:
            raise ValueError("extract_events needs text or doc")
        if nlp is None:
            from newsgraph.stages.nlp import load_nlp

            nlp = load_nlp()
        doc = nlp(text)
    out: list[Event] = []
    for sent in sentences(doc):
        out.extend(_sentence_events(sent, doc, published, article_id))
    return out


def primary_event(events: list[Event]) -> Event | None:
    """The sentence's main event: the trigger nearest the root of the parse, then the first."""
    if not events:
        return None
    return min(events, key=lambda e: (e.notes.get("depth", 0), e.trigger_start))
