"""Statements: the same quote in different articles (another outlet's translation or trimming)
linked as one statement with its versions. Pure: no store, no model.

Quotes are taken one by one in first-seen order; each joins the statement of the most similar
earlier quote of another article, or opens its own. Taken in that order, a store built in one
run and one built over many runs hold the same statements (`StatementPass` works on a stored
index through callbacks, or in memory).

Candidates (scaling): every quote is indexed under its content-word stems, and also under its
rarest ones (its *prefix*, by general-English frequency from wordfreq — a fixed order, so it
never shifts as the corpus grows). Two quotes whose shorter one has a share >= LINK_CONTAINMENT
of its content words in the other must share a prefix word of the shorter (prefix filtering,
as in set-similarity joins), so probing the prefix against all words, and all words against
prefixes, finds every pair that can pass — through short posting lists, as rare words are rare.

Verification: content-word containment and the in-order word match (difflib) of the shorter in
the longer, both >= LINK_CONTAINMENT, a run of at least two words in a row, the matched words
close together (not scattered over a long quote), and at least MIN_TOKENS words. Never two
different known speakers; at most one version an article.

Versions are compared with the statement's reference (its longest version): `same words`,
`trimmed` (one is a stretch of the other), `minor wording` (only function words or inflections
differ), or `possible misquote or different translation` (content words differ: the issue's
own example, "will increase the pressure" / "will build up pressure", differs in one word of
nine, so any differing content word counts), with the words only in each shown.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import cache

from newsgraph.ids import content_hash

VERSION = "statements/1"

LINK_CONTAINMENT = 0.6  # share of the shorter quote's words found in the longer one
MIN_TOKENS = 3  # shorter quotes ("serious", "immediate threat") are too common to link
SPREAD = 1.5  # the matched stretch of the longer quote spans at most this x the shorter + 2
POSTING_LIMIT = 200  # newest quotes read per index key

REFERENCE = "reference"
SAME = "same words"
TRIMMED = "trimmed"
MINOR = "minor wording"
MISQUOTE = "possible misquote or different translation"

# English function words. Negations are *not* here: "has no problem" / "has a problem" differ.
_STOP_WORDS = """
a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing down during each few for from
further had has have having he her here hers herself him himself his how i if in into is it
its itself just me more most my myself of off on once only or other our ours ourselves out over
own same she should so some such than that the their theirs them themselves then there these
they this those through to too under until up very was we were what when where which while who
whom why will with would you your yours yourself yourselves us may might must shall let s ll
re ve d m t one upon per via
"""
STOP = frozenset(_STOP_WORDS.split())

_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")


def _fold(text: str) -> str:
    text = text.replace("’", "'").replace("‘", "'")
    if text.isascii():  # nothing to decompose: most quotes, and the per-character walk is slow
        return text.lower()
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


@cache
def stem(word: str) -> str:
    """A light suffix stripper, the same for every word: "problems" = "problem", "increased" =
    "increase" = "increasing". Enough to tell inflection from a different word."""
    w = word[:-2] if word.endswith("'s") else word
    if len(w) > 4 and w.endswith("ies"):
        w = w[:-3] + "y"
    elif len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    for suffix in ("ing", "ed"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 4:
            w = w[:-len(suffix)]
            break
    if len(w) >= 5 and w.endswith("e"):
        w = w[:-1]
    return w


def words(text: str) -> list[str]:
    """Lower-cased, diacritics-folded words of a quote."""
    return _WORD.findall(_fold(text))


@cache
def _rarity(key: str) -> tuple[float, str]:
    import wordfreq  # lazy: its English table loads on first use

    return wordfreq.word_frequency(key, "en"), key


@dataclass(frozen=True)
class QuoteDoc:
    """What the pass needs of a quote."""

    id: str
    seq: int
    article_id: str
    text: str
    speaker: str | None = None
    speaker_entity_id: str | None = None


@dataclass
class Tokens:
    raw: list[str]
    stems: list[str]
    content: frozenset[str]

    @classmethod
    def of(cls, text: str) -> Tokens:
        raw = words(text)
        stems = [stem(w) for w in raw]
        return cls(raw, stems, frozenset(s for s in stems if s not in STOP))


def quote_keys(tokens: Tokens) -> tuple[list[str], list[str]]:
    """(all index words, the prefix: the rarest ones a similar quote must share)."""
    if len(tokens.raw) < MIN_TOKENS or not tokens.content:
        return [], []
    ordered = sorted(tokens.content, key=_rarity)
    n = len(ordered)
    return ordered, ordered[:n - math.ceil(LINK_CONTAINMENT * n) + 1]


def similarity(a: Tokens, b: Tokens) -> float | None:
    """How well the shorter quote is found in the longer (0..2), or None when they are not
    versions of one statement."""
    short, long_ = (a, b) if len(a.raw) <= len(b.raw) else (b, a)
    if len(short.raw) < MIN_TOKENS or not short.content or not long_.content:
        return None
    contained = len(a.content & b.content) / min(len(a.content), len(b.content))
    if contained < LINK_CONTAINMENT:
        return None
    blocks = [bl for bl in SequenceMatcher(None, short.stems, long_.stems,
                                           autojunk=False).get_matching_blocks() if bl.size]
    matched = sum(bl.size for bl in blocks)
    if matched / len(short.stems) < LINK_CONTAINMENT or max(bl.size for bl in blocks) < 2:
        return None
    # the words must be found together, not scattered over a longer quote
    if blocks[-1].b + blocks[-1].size - blocks[0].b > SPREAD * len(short.stems) + 2:
        return None
    return contained + matched / len(short.stems)


@dataclass
class Comparison:
    """A version against its statement's reference."""

    flags: list[str]
    overlap: float  # share of the shorter one's words matched in order
    only_in_reference: list[str] = field(default_factory=list)
    only_in_version: list[str] = field(default_factory=list)


def compare(reference: str, version: str) -> Comparison:
    """Flags and the word-level diff of `version` against `reference`. Words outside the
    stretch the two share are trimming, not differences."""
    ref, ver = Tokens.of(reference), Tokens.of(version)
    if not ref.raw or not ver.raw:
        return Comparison([MISQUOTE], 0.0, ref.raw, ver.raw)
    sm = SequenceMatcher(None, ref.stems, ver.stems, autojunk=False)
    blocks = [bl for bl in sm.get_matching_blocks() if bl.size]
    if not blocks:
        return Comparison([MISQUOTE], 0.0, ref.raw, ver.raw)
    ra, rb = blocks[0].a, blocks[-1].a + blocks[-1].size
    va, vb = blocks[0].b, blocks[-1].b + blocks[-1].size
    only_ref: list[str] = []
    only_ver: list[str] = []
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":  # the same stems: an inflection is still shown
            for i, j in zip(range(i1, i2), range(j1, j2), strict=True):
                if ref.raw[i] != ver.raw[j]:
                    only_ref.append(ref.raw[i])
                    only_ver.append(ver.raw[j])
            continue
        only_ref += ref.raw[max(i1, ra):min(i2, rb)]
        only_ver += ver.raw[max(j1, va):min(j2, vb)]
    matched = sum(bl.size for bl in blocks)
    overlap = round(matched / min(len(ref.stems), len(ver.stems)), 3)
    flags = []
    if ra > 0 or rb < len(ref.raw) or va > 0 or vb < len(ver.raw):
        flags.append(TRIMMED)
    differs = {stem(w) for w in only_ref} ^ {stem(w) for w in only_ver}
    if any(s not in STOP for s in differs):
        flags.append(MISQUOTE)
    elif only_ref or only_ver:
        flags.append(MINOR)
    return Comparison(flags or [SAME], overlap, only_ref, only_ver)


def statement_id(first_quote_id: str) -> str:
    """Stable as the statement grows: its first quote never changes."""
    return "t" + content_hash("statement/1", first_quote_id)[:19]


def _name_words(name: str | None) -> set[str]:
    return {w for w in words(name or "") if w not in STOP}


def speakers_conflict(a: QuoteDoc, b: QuoteDoc) -> bool:
    """Two different known speakers: different entities, or (without both entities) names that
    share no word ("Putin" and "Vladimir Putin" agree; "the ministry" and "Putin" do not)."""
    if a.speaker_entity_id and b.speaker_entity_id:
        return a.speaker_entity_id != b.speaker_entity_id
    wa, wb = _name_words(a.speaker), _name_words(b.speaker)
    return bool(wa and wb and not wa & wb)


@dataclass
class StatementVersion:
    quote_id: str
    quote_seq: int
    article_id: str
    comparison: Comparison


@dataclass
class Statement:
    id: str
    seq: int  # its first quote's seq
    members: list[QuoteDoc]
    reference: str = ""  # quote id of the longest version
    versions: list[StatementVersion] = field(default_factory=list)

    def recompare(self) -> None:
        self.members.sort(key=lambda q: q.seq)
        ref = max(self.members, key=lambda q: (len(words(q.text)), -q.seq))
        self.reference = ref.id
        self.versions = [
            StatementVersion(q.id, q.seq, q.article_id,
                             Comparison([REFERENCE], 1.0) if q.id == ref.id
                             else compare(ref.text, q.text))
            for q in self.members]


# (probe against every quote's words, probe against prefixes) -> [(stored quote, statement id)]
Lookup = Callable[[list[str], list[str]], list[tuple[QuoteDoc, str]]]
Members = Callable[[list[str]], dict[str, list[QuoteDoc]]]


class StatementPass:
    """Adds quotes in first-seen order. `lookup`/`members` read what earlier runs stored;
    quotes added in this run are indexed here. Afterwards: `dirty` (statements made or grown,
    compared) and `new_keys` (index rows to store)."""

    def __init__(self, lookup: Lookup | None = None, members: Members | None = None) -> None:
        self.lookup: Lookup = lookup or (lambda words_, prefix: [])
        self.load_members: Members = members or (lambda ids: {})
        self.all_index: dict[str, list[int]] = {}
        self.prefix_index: dict[str, list[int]] = {}
        self.docs: dict[int, QuoteDoc] = {}
        self.tokens: dict[int, Tokens] = {}
        self.statement_of: dict[int, str] = {}
        self.statements: dict[str, Statement] = {}
        self.dirty: dict[str, Statement] = {}
        self.new_keys: list[tuple[str, int]] = []
        self.compared = 0  # verifications run: the cost the index keeps small

    def _candidates(self, keys: list[str], prefix: list[str]) -> list[tuple[QuoteDoc, str]]:
        seqs: set[int] = set()
        for k in prefix:
            seqs.update(self.all_index.get(k, [])[-POSTING_LIMIT:])
        for k in keys:
            seqs.update(self.prefix_index.get(k, [])[-POSTING_LIMIT:])
        found = [(self.docs[s], self.statement_of[s]) for s in seqs]
        return found + self.lookup(keys, prefix)

    def _statement(self, sid: str, seq: int) -> Statement:
        st = self.statements.get(sid)
        if st is None:
            stored = self.load_members([sid]).get(sid, [])
            st = self.statements[sid] = Statement(sid, min((q.seq for q in stored), default=seq),
                                                  list(stored))
        return st

    def add(self, quote: QuoteDoc) -> str:
        """The statement `quote` joins (or opens)."""
        tokens = Tokens.of(quote.text)
        keys, prefix = quote_keys(tokens)
        best: tuple[float, int, str] | None = None  # (-score, statement seq, id)
        seen: set[str] = set()
        for cand, sid in self._candidates(keys, prefix) if keys else []:
            if cand.article_id == quote.article_id or cand.id in seen:
                continue
            seen.add(cand.id)
            self.compared += 1
            score = similarity(tokens, self.tokens.get(cand.seq) or Tokens.of(cand.text))
            if score is None:
                continue
            st = self._statement(sid, cand.seq)
            if any(m.article_id == quote.article_id or speakers_conflict(m, quote)
                   for m in st.members):
                continue
            option = (-score, st.seq, sid)
            if best is None or option < best:
                best = option
        if best is not None:
            st = self.statements[best[2]]
        else:
            sid = statement_id(quote.id)
            st = self.statements[sid] = Statement(sid, quote.seq, [])
        st.members.append(quote)
        self.dirty[st.id] = st
        self.docs[quote.seq] = quote
        self.tokens[quote.seq] = tokens
        self.statement_of[quote.seq] = st.id
        for k in keys:
            self.all_index.setdefault(k, []).append(quote.seq)
            self.new_keys.append(("a:" + k, quote.seq))
        for k in prefix:
            self.prefix_index.setdefault(k, []).append(quote.seq)
            self.new_keys.append(("p:" + k, quote.seq))
        return st.id

    def finish(self) -> list[Statement]:
        """The statements made or grown, each with its versions compared, in first-seen order."""
        for st in self.dirty.values():
            st.recompare()
        return sorted(self.dirty.values(), key=lambda s: s.seq)


def group(quotes: Iterable[QuoteDoc]) -> list[Statement]:
    """Every quote's statement, in memory (tests, evals): quotes in first-seen (seq) order."""
    run = StatementPass()
    for q in sorted(quotes, key=lambda q: q.seq):
        run.add(q)
    return run.finish()

