"""Canonical entities: merge mentions into entities within an article, then across articles.

Matching keys (`norm_key`) fold case, diacritics ("Erdoğan" = "Erdogan"), dots ("U.S." = "US"),
a leading "the", possessives, titles on persons, and British/American spellings
("Organisation" = "Organization", "Defence" = "Defense"). On top of equal keys:

- persons: a shorter name links to a longer one when its tokens are part of it ("Tayyip Erdoğan"
  -> "Recep Tayyip Erdogan", "Putin" -> "Vladimir Putin"): within the article first, then across
  the corpus, and only when exactly one person fits. A bare surname that fits two people
  ("Stoltenberg" with "Jens Stoltenberg" and "Camilla Stoltenberg") is linked to neither: it
  becomes an entity of its own with the candidates noted as evidence.
- acronyms: "CSTO" = "Collective Security Treaty Organization" when the article defines it ("...
  Organization (CSTO)") or the initials of the capitalised words match; across articles only when
  one long form in the corpus has those initials.

Entity ids hash (type, key of the canonical name). `add_article` assigns ids at once
(incremental); `entities()` rebuilds every link from all articles sorted by article id, so the
final entities do not depend on input order, and updates the returned Mention objects in place.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from newsgraph.ids import content_hash
from newsgraph.records import Entity, Mention
from newsgraph.stages.entities import TITLE_WORDS

VERSION = "canonical/1"
# Majority vote decides an entity's type; ties go to the label the small model gets right most
# often for names ("Kyiv" PERSON vs GPE -> GPE, "Olaf Scholz" ORG vs PERSON -> PERSON).
TYPE_ORDER = ("GPE", "PERSON", "ORG", "LOC", "FAC", "NORP", "EVENT", "LAW", "PRODUCT",
              "WORK_OF_ART")
# Labels a single word may carry and still be a person's surname the model mislabelled.
_SURNAME_LABELS = frozenset({"PERSON", "ORG", "PRODUCT", "WORK_OF_ART", "NORP"})
_SPELLING = {"organisation": "organization", "organisations": "organizations",
             "defence": "defense", "offence": "offense", "centre": "center", "centres": "centers",
             "programme": "program", "theatre": "theater", "honour": "honor",
             "favour": "favor", "labour": "labor", "harbour": "harbor"}
_ISE = re.compile(r"^(\w{3,})is(e|ed|es|ing|ation|ations|er|ers)$")
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
_CONNECT = frozenset({"of", "the", "and", "for", "on", "in", "de", "du", "des", "la", "le", "&"})
_ACRONYM = re.compile(r"^[A-Z][A-Z&]{1,7}$")
_DEFINED = re.compile(
    r"([A-Z][\w'’&.-]*(?:\s+(?:[A-Z][\w'’&.-]*|of|the|and|for|on|in|de)){1,9})\s+\(([A-Z]{2,8})\)"
    r"|\b([A-Z]{2,8})\s+\(([A-Z][^()\n]{3,90})\)")
_MAX_EVIDENCE = 20


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Case and diacritics folded, apostrophes unified: the matching form of one word."""
    text = unicodedata.normalize("NFKD", text.replace("’", "'"))
    return "".join(c for c in text if not unicodedata.combining(c)).casefold()


def proper_form(text: str, person: bool = False) -> str:
    """The name without a leading "the", a possessive, or (persons) titles: "the Kremlin's" ->
    "Kremlin", "Russian President Vladimir Putin" -> "Vladimir Putin", "Mr. X" -> "X"."""
    text = re.sub(r"['’]s$|(?<=s)['’]$", "", text.strip())
    words = text.split()
    if len(words) > 1 and words[0].lower() == "the":
        words = words[1:]
    if person:
        def title(w: str) -> bool:
            return w.rstrip(".,").lower() in TITLE_WORDS

        # "Russian President ...": a word before a title is part of the title
        while len(words) > 1 and (title(words[0]) or (len(words) > 2 and title(words[1]))):
            words = words[1:]
    return " ".join(words)


def name_tokens(text: str, person: bool = False) -> list[str]:
    """Matching tokens of a name: `proper_form`, folded, dots dropped ("U.S." -> "us"), hyphens
    split, spelling variants unified, "Jr."-style suffixes dropped."""
    return list(_name_tokens(text, person))


@lru_cache(maxsize=65536)  # the entity pass asks for the same few thousand names again and again
def _name_tokens(text: str, person: bool) -> tuple[str, ...]:
    words = re.findall(r"\w+", fold(proper_form(text, person).replace(".", "")))
    while person and len(words) > 2 and words[-1] in _SUFFIXES:
        words = words[:-1]
    return tuple(_spell(w) for w in words)


def _spell(word: str) -> str:
    if word in _SPELLING:
        return _SPELLING[word]
    m = _ISE.match(word) if len(word) >= 7 else None
    return f"{m.group(1)}iz{m.group(2)}" if m else word


def norm_key(text: str, person: bool = False) -> str:
    return " ".join(name_tokens(text, person))


def initials(text: str) -> set[str]:
    """Acronyms a multi-word name could have: "Collective Security Treaty Organization" -> csto;
    "Bank of England" -> be, boe."""
    words = re.findall(r"[\w'’]+", text.replace("-", " "))
    if words and words[0].lower() == "the":
        words = words[1:]
    caps = [w for w in words if w[:1].isupper()]
    if len(caps) < 2 or len(caps) + sum(w.lower() in _CONNECT for w in words) < len(words):
        return set()  # a lowercase content word: not a name whose initials make an acronym
    out = {"".join(fold(w[0]) for w in caps), "".join(fold(w[0]) for w in words)}
    return {a for a in out if len(a) >= 2}


def _compatible(short: list[str], long: list[str]) -> bool:
    """Can `short` name the same person as `long`? Same surname, and every other word of
    `short` is a word (or an initial of a word) of `long`: "Tayyip Erdogan" ~ "Recep Tayyip
    Erdogan", "J. Stoltenberg" ~ "Jens Stoltenberg", "Camilla Stoltenberg" !~ "Jens ...")."""
    if not short or not long or short[-1] != long[-1] or len(short) > len(long):
        return False
    rest = long[:-1]
    return all(any(u == t or (len(t) == 1 and u.startswith(t)) or (len(u) == 1 and t.startswith(u))
                   for u in rest) for t in short[:-1])


@dataclass
class _Local:
    """One entity within one article: the mentions the in-article rules grouped."""

    article_id: str
    order: int
    mentions: list[Mention] = field(default_factory=list)
    labels: Counter[str] = field(default_factory=Counter)
    forms: Counter[str] = field(default_factory=Counter)
    keys: set[str] = field(default_factory=set)
    acronyms: set[str] = field(default_factory=set)  # initials of its long forms, or defined
    evidence: list[str] = field(default_factory=list)
    ambiguous: list[str] = field(default_factory=list)  # full names a bare surname could be
    # label, tokens and kind, set by freeze() once group_article has made the local final: the
    # cross-article index asks for them ~10 times a local (measured: a third of the entity
    # pass recomputing them)
    _frozen: tuple[str, list[str], str] | None = field(default=None, repr=False, compare=False)

    def freeze(self) -> None:
        self._frozen = None  # computed from the fields, not from an earlier freeze
        label, tokens = self.label, self.tokens
        self._frozen = (label, tokens, self.kind)

    @property
    def label(self) -> str:
        return self._frozen[0] if self._frozen else _vote(self.labels)

    @property
    def tokens(self) -> list[str]:
        """The longest person-name tokens (persons only; [] otherwise)."""
        if self._frozen:
            return self._frozen[1]
        if self.label != "PERSON":
            return []
        return max((name_tokens(f, True) for f in self.forms), key=lambda t: (len(t), t))

    @property
    def kind(self) -> str:
        if self._frozen:
            return self._frozen[2]
        if self.ambiguous:
            return "ambiguous"
        if self.label == "PERSON":
            return "person" if len(self.tokens) >= 2 else "bare"
        if all(_ACRONYM.match(f) for f in self.forms):
            return "acronym"
        return "name"


def _vote(labels: Counter[str]) -> str:
    if len(labels) == 1:  # most entities: one label, nothing to vote on
        return next(iter(labels))
    return min(labels, key=lambda lab: (-labels[lab], TYPE_ORDER.index(lab)
                                        if lab in TYPE_ORDER else len(TYPE_ORDER), lab))


def group_article(article_id: str, mentions: list[Mention], text: str | None = None
                  ) -> list[_Local]:
    """The in-article merges: equal keys, shorter person names into the one full name they fit,
    acronyms into the long form the text defines or whose initials they are."""
    by_key: dict[str, _Local] = {}
    for m in mentions:
        key = norm_key(m.text, m.label == "PERSON")
        if not key:
            continue
        loc = by_key.setdefault(key, _Local(article_id, len(by_key)))
        loc.mentions.append(m)
        loc.labels[m.label] += 1
        loc.forms[m.text] += 1
        loc.keys.add(key)
        title = getattr(m, "title", None)
        if title:
            loc.evidence.append(f"title: {title}")
    parent: dict[int, int] = {}

    def find(i: int) -> int:
        while parent.get(i, i) != i:
            i = parent[i]
        return i

    locals_ = list(by_key.values())

    def join(a: _Local, b: _Local, why: str) -> None:
        ra, rb = find(a.order), find(b.order)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
            locals_[min(ra, rb)].evidence.append(why)

    persons = [lo for lo in locals_ if lo.kind == "person"]
    # a person's tokens stay as they are through this loop (only a non-person's labels and
    # ambiguity change here): computed once, not once per pair
    ptoks = {p.order: p.tokens for p in persons}
    for lo in locals_:
        toks = name_tokens(next(iter(lo.forms)), True)
        kind = lo.kind
        if kind == "person":
            mine = ptoks[lo.order]
            fits = [p for p in persons if p is not lo and len(ptoks[p.order]) > len(mine)
                    and _compatible(mine, ptoks[p.order])]
        elif len(toks) == 1 and lo.label in _SURNAME_LABELS:
            fits = [p for p in persons if _compatible(toks, ptoks[p.order])]
        else:
            continue
        longest = {tuple(ptoks[p.order]) for p in fits if not any(
            q is not p and _compatible(ptoks[p.order], ptoks[q.order]) for q in fits)}
        if len(longest) == 1:
            target = max(fits, key=lambda p: len(ptoks[p.order]))
            join(lo, target, f"{' '.join(lo.forms)} -> {' '.join(target.forms)}: part of the "
                             f"name in article {article_id}")
        elif len(longest) > 1:  # two people fit: link to neither, say so
            lo.ambiguous = sorted(max(p.forms, key=len) for p in fits)
            if lo.label != "PERSON":  # only persons fit it, so it names a person
                lo.labels["PERSON"] += lo.labels.total()
    # Acronyms: defined in the text, else initials of one long form in this article.
    defined: dict[str, str] = {}
    for m in _DEFINED.finditer(text or ""):
        long_form, acr = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
        defined[acr.lower()] = norm_key(long_form)
    for lo in locals_:
        if lo.label not in ("PERSON", "NORP"):  # "VP" is not Vladimir Putin
            for form in lo.forms:
                lo.acronyms |= initials(form)
    for lo in locals_:
        if lo.kind != "acronym":
            continue
        acr = fold(next(iter(lo.forms)))
        if acr in defined:
            hits = [x for x in locals_ if defined[acr] in x.keys or any(
                defined[acr].endswith(k) and len(k) > 4 for k in x.keys)]
            why = "defined in the text"
        else:
            hits = [x for x in locals_ if x is not lo and acr in x.acronyms]
            why = "initials"
        if len({find(h.order) for h in hits}) == 1:
            join(lo, hits[0], f"{acr.upper()} = {max(hits[0].forms, key=len)}: {why}")
            hits[0].acronyms.add(acr)
    groups: dict[int, _Local] = {}
    for lo in locals_:
        root = groups.setdefault(find(lo.order), locals_[find(lo.order)])
        if root is lo:
            continue
        root.mentions += lo.mentions
        root.labels.update(lo.labels)
        root.forms.update(lo.forms)
        root.keys |= lo.keys
        root.acronyms |= lo.acronyms
        root.evidence += lo.evidence
    out = list(groups.values())
    for i, lo in enumerate(out):
        lo.order = i
        lo.freeze()  # final from here on: nothing changes a local after its article is grouped
    return out


class _Index:
    """Cross-article links over local entities: union-find plus the lookup tables."""

    def __init__(self) -> None:
        self.locals: list[_Local] = []
        self.parent: list[int] = []
        self.by_key: dict[str, int] = {}
        self.by_surname: dict[str, set[int]] = {}  # full person names by last word
        self.bare: dict[str, set[int]] = {}  # bare surnames not yet linked
        self.by_acronym: dict[str, set[int]] = {}  # long forms by initials
        self.why: dict[int, list[str]] = {}
        self.person_tokens: dict[int, list[list[str]]] = {}  # root -> full names' tokens
        self.ambiguous: dict[int, list[str]] = {}  # bare surname -> the people it could be

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int, why: str) -> int:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return ra
        keep, gone = min(ra, rb), max(ra, rb)
        self.parent[gone] = keep
        if gone in self.person_tokens:
            self.person_tokens.setdefault(keep, []).extend(self.person_tokens.pop(gone))
        self.why.setdefault(keep, []).extend([why] + self.why.pop(gone, []))
        return keep

    def roots(self, ids: set[int]) -> set[int]:
        return {self.find(i) for i in ids}

    def add(self, lo: _Local) -> int:
        i = len(self.locals)
        self.locals.append(lo)
        self.parent.append(i)
        kind = lo.kind
        if kind == "ambiguous":  # a pool of its own per surname, never merged into a person
            key = "?" + norm_key(next(iter(lo.forms)), True)
            if key in self.by_key:
                self.union(self.by_key[key], i, "same ambiguous surname")
            self.by_key.setdefault(key, i)
            return i
        # A person's one-word keys ("putin" merged into "Vladimir Putin" in its article) are not
        # looked up: two articles' bare "Stoltenberg" may name two different Stoltenbergs.
        keys = sorted(k for k in lo.keys if kind != "person" or " " in k)
        for key in keys:
            if key in self.by_key:
                self.union(self.by_key[key], i, f"same name: {key}")
        if kind == "person":
            toks = lo.tokens
            fits = {r for r in self.roots(self.by_surname.get(toks[-1], set()))
                    if any(_compatible(toks, t) or _compatible(t, toks)
                           for t in self.person_tokens.get(r, []))}
            self.person_tokens.setdefault(self.find(i), []).append(toks)
            if len(fits) == 1:
                self.union(fits.pop(), i, f"{' '.join(toks)}: same person's name, one fits")
            self.by_surname.setdefault(toks[-1], set()).add(i)
            if len(self.roots(self.by_surname[toks[-1]])) == 1:
                for b in sorted(self.bare.pop(toks[-1], set())):
                    self.union(i, b, f"{toks[-1]}: the one person with that surname")
        elif kind == "bare":
            sur = lo.tokens[-1]
            fits = self.roots(self.by_surname.get(sur, set()))
            if len(fits) == 1:
                self.union(fits.pop(), i, f"{sur}: the one person with that surname")
            elif not fits:
                self.bare.setdefault(sur, set()).add(i)
            else:  # two people in the corpus fit: join the surname's ambiguous pool
                self.ambiguous[i] = sorted(max(self.locals[r].forms, key=len) for r in fits)
                pool = self.by_key.setdefault("?" + sur, i)
                self.union(pool, i, f"{sur}: {len(fits)} people with that surname, linked to none")
        elif kind == "acronym":
            acr = fold(next(iter(lo.forms)))
            fits = self.roots(self.by_acronym.get(acr, set()))
            if len(fits) == 1:
                self.union(fits.pop(), i, f"{acr.upper()}: initials of the one long form")
        for acr in lo.acronyms:
            self.by_acronym.setdefault(acr, set()).add(i)
            if acr in self.by_key and len(self.roots(self.by_acronym[acr])) == 1:
                self.union(self.by_key[acr], i, f"{acr.upper()}: initials of the one long form")
        for key in keys:
            self.by_key.setdefault(key, i)
        return i


def _canonical(forms: Counter[str], label: str) -> str:
    """The most complete form (most words, then most used), each word in its richest spelling
    seen: diacritics kept ("Erdogan" + "Erdoğan" -> "Erdoğan"), else the most used casing."""
    person = label == "PERSON"
    proper: Counter[str] = Counter()
    for f, n in forms.items():
        proper[proper_form(f, person)] += n
    acronyms = {fold(f) for f in proper if _ACRONYM.match(f)}  # "Nato" is NATO, not a long form
    full = [f for f in proper if fold(f) not in acronyms] or list(proper)
    # A form seen once may carry a Title Case headline's verb ("Comedian Ellen DeGeneres", "Hire
    # Maurice Cheeks"): the longest form seen twice wins over it when there is one.
    repeated = [f for f in full if proper[f] > 1 and len(name_tokens(f)) > 1]
    best = max(repeated or full, key=lambda f: (len(name_tokens(f)), proper[f], -len(f), f))
    spelling: dict[str, Counter[str]] = {}
    for f, n in proper.items():
        for w in f.split():
            spelling.setdefault(fold(w), Counter())[w] += n
    out = []
    for w in best.split():
        seen = spelling.get(fold(w), Counter({w: 1}))
        out.append(max(seen, key=lambda s: (sum(ord(c) > 127 for c in s), seen[s],
                                            s.isupper(), s)))
    return " ".join(out)


class Canonicalizer:
    """Merge mentions into entities across articles, incrementally.

    add_article() groups one article's mentions, links them to the entities seen so far and
    sets entity_id/canonical on each mention (the same objects, returned). entities() rebuilds
    all links in article-id order (input order then does not matter), refreshes every mention
    handed out so far, and returns the entities sorted by id."""

    def __init__(self) -> None:
        self._articles: dict[str, list[_Local]] = {}
        self._index = _Index()
        self._unlinked: list[list[_Local]] = []  # added with assign=False, not in _index yet

    def add_article(self, article_id: str, mentions: list[Mention], text: str | None = None,
                    assign: bool = True) -> list[Mention]:
        """`text` (the article's cleaned text) lets "Organization (CSTO)" define an acronym.
        assign=False skips giving the mentions their entity now (a pass over the whole corpus
        calls `entities()` at the end, which gives every mention its entity anyway)."""
        locs = group_article(article_id, mentions, text)
        self._articles[article_id] = locs
        if not assign:  # entities() links everything again from scratch: not twice
            self._unlinked.append(locs)
            return mentions
        for earlier in self._unlinked:  # in the order they came, as if linked then
            for lo in _link_order(earlier):
                self._index.add(lo)
        self._unlinked.clear()
        ids = [self._index.add(lo) for lo in _link_order(locs)]
        self._assign(self._index, {self._index.find(i) for i in ids})
        return mentions

    def entities(self) -> list[Entity]:
        index = _Index()
        everything = [lo for aid in sorted(self._articles) for lo in self._articles[aid]]
        for lo in _link_order(everything):
            index.add(lo)
        self._index = index
        self._unlinked.clear()
        return self._assign(index, {index.find(i) for i in range(len(index.locals))})

    def _assign(self, index: _Index, roots: set[int]) -> list[Entity]:
        members: dict[int, list[_Local]] = {r: [] for r in roots}
        ids: dict[int, list[int]] = {r: [] for r in roots}
        for i, lo in enumerate(index.locals):
            r = index.find(i)
            if r in members:
                members[r].append(lo)
                ids[r].append(i)
        out: dict[str, Entity] = {}
        for root in sorted(roots, key=lambda r: (index.locals[r].article_id,
                                                 index.locals[r].order)):
            group = members[root]
            labels: Counter[str] = Counter()
            forms: Counter[str] = Counter()
            for lo in group:
                labels.update(lo.labels)
                forms.update(lo.forms)
            label = _vote(labels)
            name = _canonical(forms, label)
            ambiguous = sorted({c for lo in group for c in lo.ambiguous}
                               | {c for j in ids[root] for c in index.ambiguous.get(j, [])})
            key = ("?" if ambiguous else "") + norm_key(name, label == "PERSON")
            eid = "e" + content_hash("entity/1", label, key)[:16]
            n = 2
            while eid in out:  # two entities, one canonical key: keep both, deterministically
                eid = "e" + content_hash("entity/1", label, key, str(n))[:16]
                n += 1
            evidence: dict[str, object] = {}
            notes = [w for lo in group for w in lo.evidence] + index.why.get(root, [])
            if notes:
                evidence["merges"] = sorted(set(notes))[:_MAX_EVIDENCE]
            if ambiguous:
                evidence["ambiguous"] = ambiguous
            if len(labels) > 1:
                evidence["labels"] = dict(sorted(labels.items()))
            count = 0
            for lo in group:
                for m in lo.mentions:
                    m.entity_id, m.canonical = eid, name
                    count += 1
            out[eid] = Entity(id=eid, name=name, type=label, aliases=sorted(forms),
                              mention_count=count,
                              article_ids=sorted({lo.article_id for lo in group}),
                              evidence=evidence)
        return sorted(out.values(), key=lambda e: e.id)


def _link_order(locs: list[_Local]) -> list[_Local]:
    """Full names and long forms first, then acronyms, then bare surnames and ambiguous ones:
    the short forms link against everything the longer ones made known."""
    rank = {"person": 0, "name": 0, "acronym": 1, "ambiguous": 2, "bare": 3}
    return sorted(locs, key=lambda lo: rank[lo.kind])
