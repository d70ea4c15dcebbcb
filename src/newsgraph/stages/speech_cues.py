"""Speech verbs and the parse around them: the verbs that cue a quote or reported speech (and
the narrower sets strong enough for indirect speech or for reporting a fragment), whether a token
is one, the cue phrase it makes ("told reporters"), its subject, and paragraph bounds."""

from __future__ import annotations

from typing import Any

from newsgraph.stages.doc_text import doc_text

# speech verbs as they appear in news (inflected forms: the small model's lemmas are unreliable)
_SPEECH = {
    f for base in (
        "say says said saying", "tell tells told telling", "add adds added adding",
        "warn warns warned warning", "state states stated stating", "note notes noted noting",
        "explain explains explained explaining", "insist insists insisted insisting",
        "argue argues argued arguing", "claim claims claimed claiming",
        "declare declares declared declaring", "announce announces announced announcing",
        "write writes wrote writing written", "tweet tweets tweeted tweeting",
        "ask asks asked asking", "reply replies replied replying",
        "respond responds responded responding", "continue continues continued continuing",
        "urge urges urged urging", "stress stresses stressed stressing",
        "emphasize emphasizes emphasized emphasizing emphasise emphasises emphasised",
        "remark remarks remarked", "comment comments commented commenting",
        "acknowledge acknowledges acknowledged acknowledging", "admit admits admitted admitting",
        "concede concedes conceded conceding", "confirm confirms confirmed confirming",
        "deny denies denied denying", "predict predicts predicted predicting",
        "suggest suggests suggested suggesting", "recall recalls recalled recalling",
        "complain complains complained complaining", "mention mentions mentioned mentioning",
        "caution cautions cautioned cautioning", "conclude concludes concluded concluding",
        "threaten threatens threatened threatening", "vow vows vowed vowing",
        "promise promises promised promising", "accuse accuses accused accusing",
        "describe describes described describing", "call calls called calling",
        "say-so", "report reports reported reporting", "quote quotes quoted quoting",
        "reiterate reiterates reiterated reiterating", "assert asserts asserted asserting",
        "observe observes observed observing", "lament laments lamented lamenting",
        "demand demands demanded demanding", "joke jokes joked joking",
        "plead pleads pleaded pleading", "boast boasts boasted boasting",
        "counter counters countered countering", "point points pointed pointing",
        "believe believes believed", "think thinks thought", "testify testified testifies",
        "allege alleges alleged alleging", "announce", "disclose discloses disclosed",
        "shout shouts shouted", "whisper whispered", "exclaim exclaimed", "scream screamed",
        "yell yells yelled yelling", "cry cries cried", "chant chanted chanting",
        "posted posts post", "speak speaks spoke speaking", "order ordered orders",
        "decide decided", "agree agreed agrees", "denounce denounces denounced denouncing",
        "condemn condemns condemned condemning", "criticise criticises criticised criticising",
        "criticize criticizes criticized criticizing", "concede", "apologise apologised",
        "apologize apologized", "request requests requested requesting",
    ) for f in base.split()
}

# verbs that cue a quote but are too weak for indirect speech ("believe", "think", "decide")
INDIRECT_ONLY_STRONG = _SPEECH - {
    "believe", "believes", "believed", "think", "thinks", "thought", "decide", "decided",
    "agree", "agreed", "agrees", "call", "calls", "called", "calling", "describe", "describes",
    "described", "describing", "order", "ordered", "orders", "continue", "continues",
    "continued", "continuing", "point", "points", "pointed", "pointing", "post", "posts",
    "posted", "ask", "asks", "asked", "asking", "accuse", "accuses", "accused", "accusing",
    "demand", "demands", "demanded", "demanding", "speak", "speaks", "spoke", "speaking",
}

REPORTING = INDIRECT_ONLY_STRONG - {
    "respond", "responds", "responded", "responding", "reply", "replies", "replied",
    "replying", "counter", "counters", "countered", "countering", "threaten", "threatens",
    "threatened", "threatening"}

DEMAND = {"demand", "demands", "demanded", "demanding"}

_TELL = {"tell", "tells", "told", "telling", "ask", "asks", "asked", "warn", "warns", "warned",
         "assure", "assured", "inform", "informed", "remind", "reminded"}


def speech_token(tok: Any) -> bool:
    """A speech verb, also when the small model tags it a noun ("says") but parses it a verb."""
    if tok.lower_ not in _SPEECH:
        return False
    return tok.pos_ in ("VERB", "AUX") or (
        tok.pos_ == "NOUN" and tok.dep_ in ("ROOT", "ccomp", "conj", "advcl", "relcl"))


def cue_phrase(verb: Any) -> tuple[str, int, int]:
    """The cue with its indirect object: "told reporters", "said in a statement" stays "said"."""
    end_tok = verb
    for child in verb.rights:
        if verb.lower_ in _TELL and child.dep_ in ("dobj", "dative", "iobj") and \
                child.i - verb.i <= 3 and child.pos_ in ("NOUN", "PROPN", "PRON"):
            end_tok = child
            break
        if child.dep_ == "prt" and child.i == verb.i + 1:  # "pointed out"
            end_tok = child
    start = verb.idx
    end = end_tok.idx + len(end_tok.text)
    return doc_text(verb.doc)[start:end], start, end


def cue_subject(verb: Any) -> Any | None:
    """The cue's subject; for "responded by saying" or "joined Putin in urging …, saying" the
    subject of the verb it hangs from. A relative "who" stands for the noun it modifies."""
    nearer = _nearer_speech_clause(verb)
    if nearer is not None:
        return cue_subject(nearer)
    tok = verb
    for _ in range(4):
        # the subject nearest the verb: a slip of the parse can give a verb two ("In an
        # e-mail …, Henry said" parsed with "mail" as a second subject)
        subjects = sorted((c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")),
                          key=lambda c: (c.ent_type_ != "PERSON", c.pos_ not in ("PROPN", "PRON"),
                                         abs(c.i - tok.i)))
        for child in subjects[:1]:
            if child.lower_ in ("who", "which", "that") and tok.dep_ == "relcl":
                return tok.head
            return child
        if tok.head.i == tok.i or tok.dep_ in ("ccomp", "ROOT", "relcl", "parataxis"):
            return None
        tok = tok.head
    return None


DASHES = {"–", "—", "--", "-"}


def _nearer_speech_clause(verb: Any) -> Any | None:
    """A participial speech clause ("…, noting that …", "…, adding …") with no subject of its
    own, which the parse hung on a verb further back, belongs instead to the speech clause that
    ends right before it (only punctuation between; with a subject of its own, active: in
    "after the changes were announced, arguing …" nobody announced anything) in two cases:
    - that clause sits in an aside opened by a dash and not closed before the participle, so
      the participle is inside the aside too: "Turkey raised concerns, arguing … – a position
      the Finnish president said was “confusing”, noting that Erdoğan had told him …" (with
      the aside closed, "– a position the president called confusing – arguing …" is Turkey's;
      set off by commas, "Putin dismissed the sanctions, which Biden announced, saying …" is
      Putin's);
    - the verb the parse chose has no speaker for a subject, only a passive or an expletive one:
      "It was discovered that Timmons had written a letter …, saying the bullet …"."""
    if verb.dep_ != "advcl" or verb.tag_ != "VBG" or verb.head.i >= verb.i or any(
            c.dep_ in ("nsubj", "nsubjpass") for c in verb.children):
        return None
    doc, head = verb.doc, verb.head
    nearer = None
    for j in range(verb.i - 1, head.i, -1):
        tok = doc[j]
        if tok.is_sent_start:
            return None
        if speech_token(tok) and tok.right_edge.i < verb.i and all(
                t.is_punct for t in doc[tok.right_edge.i + 1:verb.i]) and any(
                c.dep_ == "nsubj" for c in tok.children):
            nearer = tok
            break
    if nearer is None:
        return None
    dashes = [t.i for t in doc[head.i + 1:verb.i] if t.text in DASHES and t.is_punct]
    in_aside = len(dashes) == 1 and dashes[0] < nearer.left_edge.i
    head_subjects = [c for c in head.children if c.dep_ in ("nsubj", "nsubjpass", "expl")]
    no_speaker = bool(head_subjects) and all(
        c.dep_ != "nsubj" or c.lower_ in ("it", "there") for c in head_subjects)
    return nearer if in_aside or no_speaker else None


def paragraph_bounds(text: str, offset: int) -> tuple[int, int]:
    lo = text.rfind("\n", 0, offset) + 1
    hi = text.find("\n", offset)
    return lo, len(text) if hi == -1 else hi
