"""Quotes, their cues and speakers.

Spans come from quote_spans.py (no model); the speaker comes from the dependency parse: the
subject of the speech verb next to the quote ("…,” Putin said; Peskov told reporters: “…”;
“…,” said the ministry), a pronoun ("he added") resolved to the most recent person named before
it, or the speaker of the previous quote when a paragraph is nothing but a quote continuing
what that speaker said. Indirect speech ("Peskov said that NATO …") is found from a speech verb
with a clausal complement. Unknown stays None; every resolution says how it was made (notes).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from newsgraph.records import Quote
from newsgraph.stages.entities import TITLE_WORDS
from newsgraph.stages.quote_spans import Span, find_quote_spans, word_count

VERSION = "quotes/2"

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
_INDIRECT_ONLY_STRONG = _SPEECH - {
    "believe", "believes", "believed", "think", "thinks", "thought", "decide", "decided",
    "agree", "agreed", "agrees", "call", "calls", "called", "calling", "describe", "describes",
    "described", "describing", "order", "ordered", "orders", "continue", "continues",
    "continued", "continuing", "point", "points", "pointed", "pointing", "post", "posts",
    "posted", "ask", "asks", "asked", "asking", "accuse", "accuses", "accused", "accusing",
    "demand", "demands", "demanded", "demanding", "speak", "speaks", "spoke", "speaking",
}
_REPORTING = _INDIRECT_ONLY_STRONG - {
    "respond", "responds", "responded", "responding", "reply", "replies", "replied",
    "replying", "counter", "counters", "countered", "countering", "threaten", "threatens",
    "threatened", "threatening"}
_DEMAND = {"demand", "demands", "demanded", "demanding"}
_TELL = {"tell", "tells", "told", "telling", "ask", "asks", "asked", "warn", "warns", "warned",
         "assure", "assured", "inform", "informed", "remind", "reminded"}
_PRONOUNS = {"he", "she", "they", "him", "her", "it", "we", "i"}
_PERSON_PRONOUNS = {"he", "she", "him", "her"}
_TITLE_WORDS = re.compile(
    r"^(?:(?:the|a|an|former|then|Russian|US|U\.S\.|Belarusian|Finnish|Swedish|British|French|"
    r"German|Ukrainian|Norwegian|Turkish|Chinese|American|Kremlin|Interior|Foreign|Defence|"
    r"Defense|Prime|Deputy|Regional|Secretary|General|Minister|President|Chancellor|Governor|"
    r"Spokesman|Spokeswoman|spokesman|spokeswoman|leader|Leader|Mr\.?|Mrs\.?|Ms\.?|Dr\.?|"
    r"Sen\.?|Rep\.?|Gov\.?|Gen\.?|Col\.?|Sgt\.?|Lt\.?|Capt\.?|Prof\.?|Sir|Dame|Lord|King|Queen|"
    r"Pope|Judge|Justice|Officer|Detective|Chief|Inspector|Superintendent|Mayor|Senator|"
    r"Representative|Ambassador|Commissioner|Director|Chairman|CEO|coach|Coach)\s+)+"
)
_MAX_NLP_CHARS = 200_000


def _speech_token(tok: Any) -> bool:
    """A speech verb, also when the small model tags it a noun ("says") but parses it a verb."""
    if tok.lower_ not in _SPEECH:
        return False
    return tok.pos_ in ("VERB", "AUX") or (
        tok.pos_ == "NOUN" and tok.dep_ in ("ROOT", "ccomp", "conj", "advcl", "relcl"))


def _name_phrase(tok: Any, doc: Any) -> tuple[int, int]:
    """Character span of the name a subject token stands for: the entity it is in, else its
    compound/flat/appositive-free noun phrase."""
    if tok.ent_type_:
        for ent in doc.ents:
            if ent.start <= tok.i < ent.end:
                return ent.start_char, ent.end_char
    left = tok
    for child in tok.lefts:
        if child.dep_ in ("compound", "amod", "det", "poss", "nmod", "nummod"):
            left = child if child.i < left.i else left
    lo = min((t.i for t in left.subtree), default=tok.i) if left is not tok else tok.i
    # words joined by hyphens are one word ("a co-worker"), however the parse split them;
    # the determiner the parse then left outside comes along
    joined = lo
    while lo > 0 and (doc[lo - 1].text == "-" or doc[lo].text == "-") and \
            not doc[lo - 1].whitespace_:
        lo -= 1
    if lo < joined and lo > 0 and doc[lo - 1].pos_ == "DET":
        lo -= 1
    return doc[lo].idx, tok.idx + len(tok.text)


def _role_words(ent: Any, doc: Any) -> set[str]:
    """Words the text uses for a named entity: the modifiers before the name ("news agency
    IRNA", "Russian President Vladimir Putin"), titles inside it, appositions either way
    ("The pastor, Larry Kroon"; "James Gaskell, manager of Hardester's grocery"), an
    organisation's own head noun ("the ministry" for the Defence Ministry) and the documents
    it issued ("the collective statement issued by the CSTO")."""
    words: set[str] = set()
    root = ent.root
    j = ent.start - 1
    while j >= 0 and doc[j].dep_ in ("compound", "amod", "nmod") and doc[j].pos_ in (
            "NOUN", "PROPN", "ADJ"):
        words.add(doc[j].lower_)
        j -= 1
    for tok in ent:  # titles inside the entity span: "Judge James Bodiford"
        if tok.lower_ in TITLE_WORDS:
            words.add(tok.lower_)
    if ent.label_ == "ORG" and len(ent) > 1:
        words.add(ent[-1].lower_)
    appositions = [root.head] if root.dep_ == "appos" else []
    appositions += [c for c in root.children if c.dep_ == "appos"]
    for noun in appositions:
        if noun.pos_ == "NOUN":
            words.add(noun.lower_)
            words.update(c.lower_ for c in noun.children
                         if c.dep_ in ("amod", "compound") and c.i < noun.i)
    # "statement issued by the CSTO" / "a statement from the ministry"
    head = root.head
    if root.dep_ == "pobj" and head.lower_ in ("by", "from"):
        owner = head.head if head.head.pos_ == "NOUN" else head.head.head
        if owner.lower_ in _SOURCE_NOUNS:
            words.add(owner.lower_)
    return words


_AGE = re.compile(r"^(?:the |this )?\d+-year-old$")


def _strip_title(name: str) -> str:
    stripped = _TITLE_WORDS.sub("", name).strip(" ,")
    return stripped or name


def _same_origin(a: str, b: str) -> bool:
    """One place or people, however it is written: "russian" ~ "russia" ~ "russian"."""
    return a == b or (min(len(a), len(b)) >= 4 and (a.startswith(b) or b.startswith(a)))


def _role_modifiers(tok: Any) -> set[str]:
    """The words a role noun carries before it: "the Russian Defence minister" -> {russian,
    defence}; words that say when, not who ("former", "new") are not part of the role."""
    return {c.lower_ for c in tok.children if c.dep_ in ("amod", "compound") and
            c.i < tok.i and c.lower_ not in ("former", "new", "then")}


class SpeakerIndex:
    """The people and organisations an article names, to turn "Putin" or "he" into a name.
    `title` is the article's headline (not part of the text): the person a text opens with a
    role for ("The Russian president …") is often named only there."""

    def __init__(self, doc: Any, title: str | None = None) -> None:
        self.people: list[tuple[int, str]] = []  # (char offset, name)
        self.subjects: list[tuple[int, str]] = []  # people who are a clause's subject
        # role words the text gives a name: "news agency IRNA", "The pastor, Larry Kroon"
        self.roles: list[tuple[int, set[str], str]] = []  # (char offset, role words, name)
        # words that name a place or a people ("Russian", "Finland"): a role's origin
        self.origins = {t.lower_ for ent in doc.ents if ent.label_ in ("NORP", "GPE")
                        for t in ent if t.is_alpha}
        self.title = title or ""
        self._doc = doc
        person_roles: list[tuple[set[str], str]] = []
        for ent in doc.ents:
            if ent.label_ in ("PERSON", "ORG", "NORP"):
                name = _strip_title(ent.text.strip().removesuffix("’s").removesuffix("'s"))
                words = _role_words(ent, doc)
                if words:
                    self.roles.append((ent.start_char, words, name))
                    if ent.label_ == "PERSON":
                        person_roles.append((words, name))
        for ent in doc.ents:
            name = _strip_title(ent.text.strip().removesuffix("’s").removesuffix("'s").strip())
            if ent.label_ != "PERSON" or not name:
                continue
            self.people.append((ent.start_char, name))
            if any(t.dep_ in ("nsubj", "nsubjpass") or
                   (t.dep_ == "appos" and t.head.dep_ in ("nsubj", "nsubjpass"))
                   for t in ent):
                self.subjects.append((ent.start_char, name))
        # every role word the text gives a person, under the person's full name
        self.person_words: dict[str, set[str]] = {}
        for words, name in person_roles:
            self.person_words.setdefault(self.full_name(name), set()).update(words)
        self._people_in_roles(doc)

    def _people_in_roles(self, doc: Any) -> None:
        """A role that is a clause's subject and stands for a person ("The Russian president
        … conceded") counts as that person being named there, so that a "he" after it means
        the person the role does."""
        added: list[tuple[int, str]] = []
        people = {name for _, name in self.people}
        for tok in doc:
            if tok.dep_ not in ("nsubj", "nsubjpass") or tok.pos_ != "NOUN" or \
                    tok.lower_ not in TITLE_WORDS or tok.ent_type_ or not any(
                        c.dep_ == "det" and c.lower_ in ("the", "this") for c in tok.children):
                continue
            start = _name_phrase(tok, doc)[0]
            found = self.resolve_role(tok.lower_, _role_modifiers(tok), start)
            if found and (found[0] in people or found[0] in self.person_words):
                added.append((start, found[0]))
        if added:
            self.people = sorted(self.people + added)
            self.subjects = sorted(self.subjects + added)

    def full_name(self, name: str) -> str:
        """The longest person name in the article that ends with the same surname."""
        parts = name.split()
        if not parts:
            return name
        surname = parts[-1].lower()
        best = name
        for _, other in self.people:
            tokens = other.split()
            if tokens and tokens[-1].lower() == surname and len(other) > len(best):
                best = other
        return best

    def named_role(self, word: str, modifiers: set[str], offset: int) -> str | None:
        """The name last given the role `word` before `offset` ("the agency" -> IRNA), with
        every modifier the role has ("the Finnish president" is not the Russian one)."""
        found = None
        for start, words, name in self.roles:
            if start >= offset:
                break
            if word in words and modifiers <= words:
                found = name
        return found

    def _fits(self, name: str, word: str | None, modifiers: set[str]) -> bool:
        """The person could hold the role: the role word is one the text gives them (when
        `word`), its other modifiers too, and no origin the text gives them is another one
        ("the Russian president" is not "Turkish President Tayyip Erdoğan")."""
        words = self.person_words.get(self.full_name(name), set())
        origins = {m for m in modifiers if m in self.origins}
        if word is not None and (word not in words or not modifiers - origins <= words):
            return False
        theirs = {w for w in words if w in self.origins}
        return all(any(_same_origin(o, t) for t in theirs) for o in origins) if theirs else True

    def resolve_role(self, word: str, modifiers: set[str], offset: int
                     ) -> tuple[str, str] | None:
        """(name, how) for a definite role ("the Russian president") at `offset`, or None:
        1. the name last given that role with all its modifiers ("the agency" -> IRNA);
        2. else the one person named in this sentence or the one before (same paragraph)
           whom the text gives the role word, with no other origin ("Putin had a call with
           the German chancellor, Olaf Scholz. During it, the Russian president …": Putin,
           called "President Vladimir Putin" before);
        3. else, when the text names no person before the role and the role opens the text,
           the one person of the text that the headline names (a headline names the person,
           the lead gives the role: "Putin backs down …" / "The Russian president …")."""
        named = self.named_role(word, modifiers, offset)
        if named:
            return named, f"the {word} named before it"
        text = self._doc.text
        para_lo = text.rfind("\n", 0, offset) + 1
        sents = [s for s in self._doc.sents if s.start_char <= offset]
        window_lo = max(para_lo, sents[-2 if len(sents) > 1 else -1].start_char) if sents \
            else para_lo
        near = {self.full_name(n) for s, n in self.people if window_lo <= s < offset}
        fitting = [n for n in near if self._fits(n, word, modifiers)]
        if len(fitting) == 1:
            return fitting[0], f"the {word} named in the sentences before it"
        if self.title and word in TITLE_WORDS and not any(s < offset for s, _ in self.people) \
                and "\n" not in text[:offset].strip():
            title_words = set(re.findall(r"[\w’'-]+", self.title))
            in_title = {self.full_name(n) for _, n in self.people
                        if n.split()[-1].removesuffix("’s").removesuffix("'s") in title_words}
            fitting = [n for n in in_title if self._fits(n, None, modifiers)]
            if len(fitting) == 1:
                return fitting[0], f"the {word} the headline names"
        return None

    def last_person_before(self, offset: int, exclude: tuple[int, int] | None = None) -> str | None:
        """The person a "he"/"she" most likely means: the last one who was the subject of a
        clause before it (not one named in passing, as in "Putin's key ally")."""
        for pool in (self.subjects, self.people):
            found = None
            for start, name in pool:
                if start >= offset:
                    break
                if exclude and exclude[0] <= start < exclude[1]:
                    continue
                found = name
            if found:
                return self.full_name(found)
        return None


def _resolve(tok: Any, doc: Any, index: SpeakerIndex, quote_start: int,
             spans: list[Span]) -> tuple[str | None, str, int, int, str]:
    """(speaker, mention words, mention start, mention end, how) for a subject token."""
    if tok.lower_ in _PRONOUNS:
        inside = next(((s.open_at, s.end) for s in spans if s.open_at <= tok.idx < s.end), None)
        person = index.last_person_before(tok.idx, exclude=inside)
        how = f"pronoun '{tok.text}' -> last person named before it"
        if tok.lower_ not in _PERSON_PRONOUNS or person is None:
            return None, tok.text, tok.idx, tok.idx + len(tok.text), "unresolved pronoun"
        return person, tok.text, tok.idx, tok.idx + len(tok.text), how
    # a role with the person in apposition: "the Russian Defense Minister, Sergei Shoigu,"
    for child in tok.children:
        if child.dep_ == "appos" and child.ent_type_ == "PERSON":
            a_lo, a_hi = _name_phrase(child, doc)
            return index.full_name(_strip_title(doc.text[a_lo:a_hi])), doc.text[a_lo:a_hi], \
                a_lo, a_hi, "person in apposition to the subject"
    start, end = _name_phrase(tok, doc)
    words = doc.text[start:end]
    if tok.ent_type_ == "PERSON" or tok.pos_ == "PROPN":
        name = index.full_name(_strip_title(words))
        return name, words, start, end, "subject of the cue"
    # a role or an organisation: "the ministry", "Kremlin spokesman Dmitry Peskov"
    for ent in doc.ents:
        if start <= ent.start_char < end and ent.label_ == "PERSON":
            name = index.full_name(_strip_title(ent.text))
            return name, words, start, end, "person named in the subject"
    definite = any(c.dep_ == "det" and c.lower_ in ("the", "this") for c in tok.children)
    if _AGE.match(words.lower()) or (definite and _AGE.match(tok.lower_)):
        person = index.last_person_before(start)  # "said the 29-year-old"
        if person:
            return person, words, start, end, f"'{words}' -> last person named before it"
    if definite and tok.pos_ == "NOUN":
        role = index.resolve_role(tok.lower_, _role_modifiers(tok), start)
        if role:
            return role[0], words, start, end, f"'{words}' -> {role[1]}"
    return words, words, start, end, "subject of the cue (a role)"


def _cue_phrase(verb: Any) -> tuple[str, int, int]:
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
    return verb.doc.text[start:end], start, end


def _subject(verb: Any) -> Any | None:
    """The cue's subject; for "responded by saying" or "joined Putin in urging …, saying" the
    subject of the verb it hangs from. A relative "who" stands for the noun it modifies."""
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
                    ent.end <= verb.i and not re.search(r"[.!?\"“”]\s", doc.text[
                        close_end:ent.start_char] + " ") and re.fullmatch(
                    r"\s*(?:,[^,\n\"“”]*,\s*)?", doc.text[ent.end_char:verb.idx]):
                return ent.root
        return None
    last = first
    while last.i + 1 < verb.i and (doc[last.i + 1].pos_ == "PROPN" or (
            doc[last.i + 1].text == "-" and last.i + 2 < verb.i)):
        last = doc[last.i + 1]
    between = doc.text[last.idx + len(last.text):verb.idx]
    if between.strip() and not re.fullmatch(r"\s*,[^,\n\"“”]*,\s*", between):
        return None
    return last


def _verbs_outside(doc: Any, lo: int, hi: int, spans: list[Span]) -> list[Any]:
    out = []
    for tok in doc:
        if tok.idx < lo or tok.idx >= hi:
            continue
        if any(s.open_at <= tok.idx <= (s.close_at if s.close_at is not None else s.end)
               for s in spans):
            continue
        if _speech_token(tok):
            out.append(tok)
    return out


def _sentence_bounds(doc: Any, offset: int) -> tuple[int, int]:
    for sent in doc.sents:
        if sent.start_char <= offset < sent.end_char:
            return sent.start_char, sent.end_char
    return offset, offset


def _paragraph_bounds(text: str, offset: int) -> tuple[int, int]:
    lo = text.rfind("\n", 0, offset) + 1
    hi = text.find("\n", offset)
    return lo, len(text) if hi == -1 else hi


def _covers(verb: Any, offset: int) -> bool:
    """The quote sits inside what the verb governs ("said that …, “the enlargement …”")."""
    sub = list(verb.subtree)
    return sub[0].idx <= offset <= sub[-1].idx + len(sub[-1].text)


def _attribute(span: Span, doc: Any, index: SpeakerIndex, spans: list[Span],
               partial: bool, previous: Quote | None = None) -> dict[str, Any] | None:
    """Find the cue and speaker of one quote span, or None."""
    text = doc.text
    para_lo, para_hi = _paragraph_bounds(text, span.open_at)
    close_end = (span.close_at + 1) if span.close_at is not None else span.end
    last_para_lo, last_para_hi = _paragraph_bounds(text, max(span.end - 1, span.start))
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
                            key=lambda vw: (vw[0].lower_ not in _REPORTING,
                                            len(list(vw[0].subtree))))
    for verb, where in candidates:
        subj = _subject(verb)
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
        speaker, words, s_lo, s_hi, how = _resolve(subj, doc, index, span.start, spans)
        cue, c_lo, c_hi = _cue_phrase(verb)
        return {"speaker": speaker, "speaker_mention": words, "speaker_start": s_lo,
                "speaker_end": s_hi, "cue": cue, "cue_start": c_lo, "cue_end": c_hi,
                "how": f"{how}; cue {where} the quote"}
    # 3. a lead-in ending in a colon right before the quote, whatever its verb ("Her agent
    # Mark Roesler siad:", "Banners read:", "Below is a statement by Francesca Grifo:")
    lead = _colon_lead(span, doc, spans)
    if lead is not None:
        subj, head = lead
        speaker, words, s_lo, s_hi, how = _resolve(subj, doc, index, span.start, spans)
        return {"speaker": speaker, "speaker_mention": words, "speaker_start": s_lo,
                "speaker_end": s_hi, "cue": head.text, "cue_start": head.idx,
                "cue_end": head.idx + len(head.text), "how": f"{how}; lead-in with a colon"}
    # 4. "according to X"
    window = text[para_lo:para_hi]
    pronoun = re.search(r"\b[Aa]ccording to (it|him|her|them)\b", window)
    if pronoun and not any(s.start <= para_lo + pronoun.start() < s.end for s in spans):
        found = _according_to_pronoun(para_lo + pronoun.start(), pronoun.group(1), doc, index,
                                      previous)
        if found is not None:
            return found
    match = re.search(r"\baccording to ((?:the )?[A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*)*)", window)
    if match and not any(s.start <= para_lo + match.start() < s.end for s in spans):
        lo = para_lo + match.start(1)
        hi = para_lo + match.end(1)
        name = index.full_name(_strip_title(text[lo:hi]))
        return {"speaker": name, "speaker_mention": text[lo:hi], "speaker_start": lo,
                "speaker_end": hi, "cue": "according to", "cue_start": para_lo + match.start(),
                "cue_end": para_lo + match.start() + len("according to"), "how": "according to"}
    return None


def _according_to_pronoun(cue: int, pronoun: str, doc: Any, index: SpeakerIndex,
                          previous: Quote | None) -> dict[str, Any] | None:
    """ "According to him/her" is the person a pronoun means; "according to it/them" points back
    at what was just reported (a claim, a statement): its speaker, when that speech is in this
    paragraph or the one before and nothing else that could speak (an organisation, a report)
    is named in between."""
    text = doc.text
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
    prev_para_lo = _paragraph_bounds(text, max(previous.end - 1, previous.start))[0]
    para_lo = _paragraph_bounds(text, cue)[0]
    before_lo = _paragraph_bounds(text, max(para_lo - 2, 0))[0] if para_lo > 0 else para_lo
    if prev_para_lo < before_lo:
        return None
    gap = (previous.end, cue)
    if any(gap[0] <= e.start_char < gap[1] and e.label_ in ("ORG", "PERSON") for e in doc.ents) \
            or any(gap[0] <= t.idx < gap[1] and t.lower_ in _SOURCE_NOUNS | _DOCUMENT_NOUNS
                   for t in doc):
        return None
    found = _inherit(previous, f"according to '{pronoun}' -> the speech reported before it")
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

_SOURCE_NOUNS = {"statement", "statements", "remarks", "message", "comments", "comment",
                 "letter", "words", "note", "post", "tweet", "email", "e-mail", "mail",
                 "release", "speech", "address", "interview", "testimony", "announcement"}


def _colon_lead(span: Span, doc: Any, spans: list[Span]) -> tuple[Any, Any] | None:
    """(subject, head) of the clause that ends in a colon just before the quote."""
    text = doc.text
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
        if tok.lower_ in _SOURCE_NOUNS:
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


def _cut_at_attribution(span: Span, doc: Any) -> None:
    """An unclosed quote runs on to its paragraph's end (or the next quote): when a short
    sentence inside it is plainly the writer's ("And he added:"), the quote ends before it."""
    for sent in doc.sents:
        if not span.start < sent.start_char < span.end or len(sent) > 15:
            continue
        for tok in sent:
            subj = _subject(tok) if _speech_token(tok) else None
            if subj is not None and (subj.lower_ in _PERSON_PRONOUNS or subj.ent_type_ == "PERSON"):
                end = sent.start_char
                while end > span.start and doc.text[end - 1].isspace():
                    end -= 1
                span.end = end
                span.parts[-1] = (span.parts[-1][0], end)
                return


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


def _indirect(doc: Any, spans: list[Span], index: SpeakerIndex) -> Iterable[Quote]:
    """Reported speech: a speech verb with a subject and a clausal complement, no quote marks."""
    text = doc.text
    for tok in doc:
        if tok.pos_ != "VERB" or tok.lower_ not in _INDIRECT_ONLY_STRONG and not (
                tok.lower_ in _DEMAND and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "that"):
            continue  # ("Moscow demands that …" reports a demand; "demanded money" does not)
        comp = next((c for c in tok.children if c.dep_ == "ccomp"), None)
        subj = _subject(tok)
        if comp is None or subj is None:
            continue
        lo = min(t.idx for t in comp.subtree)
        hi = max(t.idx + len(t.text) for t in comp.subtree)
        if comp.i < tok.i:
            continue  # the clause before the verb is a quote's paraphrase with marks, usually
        inside = [s for s in spans if not (hi <= s.open_at or lo >= s.end + 1)]
        if inside and not _reported_around(text, lo, hi, inside):
            continue  # overlaps quoted words: a direct or partial quote already covers it
        if word_count(text[lo:hi]) < 4:
            continue
        first = doc[min(t.i for t in comp.subtree)]
        if first.lower_ == "that":  # "said that NATO …": the reported words follow "that"
            lo = first.idx + len(first.text) + 1
        while hi > lo and text[hi - 1] in ".,;: ":
            hi -= 1
        speaker, words, s_lo, s_hi, how = _resolve(subj, doc, index, lo, spans)
        cue, c_lo, c_hi = _cue_phrase(tok)
        yield Quote(lo, hi, text[lo:hi], "indirect", speaker, words, s_lo, s_hi, None, cue,
                    c_lo, c_hi, {"how": how})


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
            _cut_at_attribution(span, doc)
    indirect = list(_indirect(doc, spans, index))
    quotes: list[Quote] = []
    previous: Quote | None = None
    for span in spans:
        if span.start >= len(doc.text):
            break
        quoted = text[span.start:span.end]
        if _is_title(quoted):
            continue  # "The Golden Compass", "America's Most Wanted": a name, not words said
        direct = _is_direct(span, text)
        # the latest speech before this quote: a quote, or reported speech ("Dorsey said …")
        earlier = [q for q in (*quotes, *indirect) if q.end <= span.open_at and q.speaker]
        previous = max(earlier, key=lambda q: q.end, default=None)
        found = _attribute(span, doc, index, spans, partial=not direct, previous=previous)
        notes: dict[str, Any] = {}
        if found is None and direct and previous is not None:
            # a paragraph that is only a quote continues the previous speaker's words
            para_lo, para_hi = _paragraph_bounds(text, span.open_at)
            only_quote = text[para_lo:span.open_at].strip() == "" and \
                text[(span.close_at or span.end) + 1:para_hi].strip(" ”\"».") == ""
            prev_para = _paragraph_bounds(text, max(previous.end - 1, previous.start))
            near = para_lo - prev_para[1] <= 3 or prev_para == (para_lo, para_hi)
            if only_quote and near:
                found = _inherit(previous, "continues the previous quote's speaker")
        if found is None and quotes and quotes[-1].speaker and re.fullmatch(
                r"\s*(?:,|and|or|, and|, or)\s*",
                text[(quotes[-1].end + 1):span.open_at].lstrip("”\"»’'")):
            # Banners read: “The state kills” and “Down with the government”
            found = _inherit(quotes[-1], "listed with the previous quote")
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


_ATTRIBUTION = ("speaker", "speaker_mention", "speaker_start", "speaker_end", "cue", "cue_start",
                "cue_end")


def _inherit(source: Quote, how: str) -> dict[str, Any]:
    found: dict[str, Any] = {k: getattr(source, k) for k in _ATTRIBUTION}
    found["how"] = how
    return found


def _speaker_of_next_paragraph(span: Span, text: str, indirect: list[Quote]) -> dict | None:
    """A paragraph that is only a quote, with no speaker before it, followed by a paragraph
    that opens with its speaker's reported speech ("Kenneth Dorsey says the woman …")."""
    para_lo = _paragraph_bounds(text, span.open_at)[0]
    close = span.close_at if span.close_at is not None else span.end
    para_hi = _paragraph_bounds(text, close)[1]
    if text[para_lo:span.open_at].strip() or text[close + 1:para_hi].strip(" ”\"».,"):
        return None
    next_lo = para_hi + 1
    while next_lo < len(text) and text[next_lo] in " \n":
        next_lo += 1
    for q in indirect:
        if q.speaker and q.speaker_start is not None and \
                next_lo <= q.speaker_start <= next_lo + 3 and q.cue and \
                q.notes.get("how", "").startswith("subject of the cue"):
            return _inherit(q, "named as the speaker in the next paragraph")
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
                for k, v in _inherit(other, "").items():
                    if k != "how":
                        setattr(q, k, v)
                q.notes["speaker_how"] = "the same words are quoted elsewhere with a speaker"
                break
