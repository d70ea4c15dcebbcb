"""Who a quote's subject is: `SpeakerIndex`, the people and organisations an article names with
the roles and origins the text gives them, and `resolve_speaker`, which turns a cue's subject
token into a name — a pronoun to the last person named as a subject, a role ("the agency", "the
Russian president") to the name the text gave it, "the 29-year-old" to the last person named."""

from __future__ import annotations

import re
from typing import Any

from newsgraph.stages.doc_text import doc_text, entity_bounds, sentence_bounds, tokens_where
from newsgraph.stages.entities import TITLE_WORDS
from newsgraph.stages.quote_spans import Span

_PRONOUNS = {"he", "she", "they", "him", "her", "it", "we", "i"}

PERSON_PRONOUNS = {"he", "she", "him", "her"}

_TITLE_WORDS = re.compile(
    r"^(?:(?:the|a|an|former|then|Russian|US|U\.S\.|Belarusian|Finnish|Swedish|British|French|"
    r"German|Ukrainian|Norwegian|Turkish|Chinese|American|Kremlin|Interior|Foreign|Defence|"
    r"Defense|Prime|Deputy|Regional|Secretary|General|Minister|President|Chancellor|Governor|"
    r"Spokesman|Spokeswoman|spokesman|spokeswoman|leader|Leader|Mr\.?|Mrs\.?|Ms\.?|Dr\.?|"
    r"Sen\.?|Rep\.?|Gov\.?|Gen\.?|Col\.?|Sgt\.?|Lt\.?|Capt\.?|Prof\.?|Sir|Dame|Lord|King|Queen|"
    r"Pope|Judge|Justice|Officer|Detective|Chief|Inspector|Superintendent|Mayor|Senator|"
    r"Representative|Ambassador|Commissioner|Director|Chairman|CEO|coach|Coach)\s+)+"
)

_AGE = re.compile(r"^(?:the |this )?\d+-year-old$")

SOURCE_NOUNS = {"statement", "statements", "remarks", "message", "comments", "comment",
                 "letter", "words", "note", "post", "tweet", "email", "e-mail", "mail",
                 "release", "speech", "address", "interview", "testimony", "announcement"}


def _name_phrase(tok: Any, doc: Any) -> tuple[int, int]:
    """Character span of the name a subject token stands for: the entity it is in, else its
    compound/flat/appositive-free noun phrase."""
    if tok.ent_type_:
        for start, end, start_char, end_char in entity_bounds(doc):
            if start <= tok.i < end:
                return start_char, end_char
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
        if owner.lower_ in SOURCE_NOUNS:
            words.add(owner.lower_)
    return words


def strip_title(name: str) -> str:
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
        ents = list(doc.ents)  # Doc.ents builds its spans anew per call
        self.origins = {t.lower_ for ent in ents if ent.label_ in ("NORP", "GPE")
                        for t in ent if t.is_alpha}
        self.title = title or ""
        self._doc = doc
        person_roles: list[tuple[set[str], str]] = []
        for ent in ents:
            if ent.label_ in ("PERSON", "ORG", "NORP"):
                name = strip_title(ent.text.strip().removesuffix("’s").removesuffix("'s"))
                words = _role_words(ent, doc)
                if words:
                    self.roles.append((ent.start_char, words, name))
                    if ent.label_ == "PERSON":
                        person_roles.append((words, name))
        for ent in ents:
            name = strip_title(ent.text.strip().removesuffix("’s").removesuffix("'s").strip())
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
        # the labels read in bulk first: most tokens are no noun subject
        for i in tokens_where(doc, pos=("NOUN",), dep=("nsubj", "nsubjpass")):
            tok = doc[i]
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
        text = doc_text(self._doc)
        para_lo = text.rfind("\n", 0, offset) + 1
        starts = [b[2] for b in sentence_bounds(self._doc) if b[2] <= offset]
        window_lo = max(para_lo, starts[-2 if len(starts) > 1 else -1]) if starts else para_lo
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


def resolve_speaker(tok: Any, doc: Any, index: SpeakerIndex, quote_start: int,
             spans: list[Span]) -> tuple[str | None, str, int, int, str]:
    """(speaker, mention words, mention start, mention end, how) for a subject token."""
    if tok.lower_ in _PRONOUNS:
        inside = next(((s.open_at, s.end) for s in spans if s.open_at <= tok.idx < s.end), None)
        person = index.last_person_before(tok.idx, exclude=inside)
        how = f"pronoun '{tok.text}' -> last person named before it"
        if tok.lower_ not in PERSON_PRONOUNS or person is None:
            return None, tok.text, tok.idx, tok.idx + len(tok.text), "unresolved pronoun"
        return person, tok.text, tok.idx, tok.idx + len(tok.text), how
    # a role with the person in apposition: "the Russian Defense Minister, Sergei Shoigu,"
    for child in tok.children:
        if child.dep_ == "appos" and child.ent_type_ == "PERSON":
            a_lo, a_hi = _name_phrase(child, doc)
            words = doc_text(doc)[a_lo:a_hi]
            return index.full_name(strip_title(words)), words, a_lo, a_hi, \
                "person in apposition to the subject"
    start, end = _name_phrase(tok, doc)
    words = doc_text(doc)[start:end]
    if tok.ent_type_ == "PERSON" or tok.pos_ == "PROPN":
        name = index.full_name(strip_title(words))
        return name, words, start, end, "subject of the cue"
    # a role or an organisation: "the ministry", "Kremlin spokesman Dmitry Peskov"
    for ent in doc.ents:
        if start <= ent.start_char < end and ent.label_ == "PERSON":
            name = index.full_name(strip_title(ent.text))
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
