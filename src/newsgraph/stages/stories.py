"""Stories: articles that report the same real-world event or development, across outlets.

One pass over the articles in first-seen order (deterministic, and incremental: a new article
joins a story the store already has, or opens a new one). The evidence for a story is average
link — the mean cosine to its articles, of three things, each against the story's centroid:
- words: the article's TF-IDF vector (headline and text);
- names: the names it mentions (`article_names`), when both sides have names, as a share of
  the similarity (the same people and organisations, not only the same kind of event: "Tara
  Reid enters rehab" and "Lindsay Lohan enters rehab" share most words but no name); with and
  without names the similarity has its own threshold (`threshold`, `text_threshold`), each
  chosen on dev;
- quotes: pairs of neighbouring content words of its direct and partial quotes (the same
  statement quoted in two outlets), added on top;
and publication dates when both sides have one: near the story's dates they say nothing, far
from them they ask for more agreement (a penalty growing with the log of the gap) — a gold
story runs on for weeks, and through trials and anniversaries for years, so a date never
forbids a story by itself. Undated articles still often say which day of the week it happened
("on Tuesday"): the first weekday an article's lead names, when it is the one the story's
articles name, adds a little (`weekday_bonus`: on ECB+ two articles of one event name the same
first weekday 6 times in 10, two of different events of the same kind 2 in 10). The years an
article's lead names, with its publication year, say more, both ways (`lead_years`): on ECB+
dev, when the dates do not apply (not both dated) and both name a year, two articles of one
event share one 8 times in 10, two of different events of the same kind 2 times in 100; an
article whose years the story's articles name gets `year_bonus` x the share of them that do,
and one whose years none of them names loses `year_penalty` x the share that name others. The
article joins the story with the largest margin above its threshold. A copy (`duplicate_of`)
joins its original's story. A story's id is a hash of its first article's id, so it stays when
the story grows.

IDF is prefix IDF: an article's weights come from the document frequencies of the articles seen
up to it (itself included) added to those of a general-English background: BACKGROUND_DOCS
articles whose words occur at their wordfreq frequencies (news, Wikipedia, books, subtitles...;
the pinned `wordfreq` package), so "NATO" or "Putin" weigh less than "Lukashenko" or "CSTO" even
in a small store. An article's vector therefore never depends on what comes after it, so one run
and several runs over the same articles give the same stories; and a small store does not take
the words all its articles share for rare ones.

Candidates (blocking): each story is indexed under the highest-weighted words and the names of
its articles; a new article is scored exactly only against the stories that share one of its own
keys (the newest `max_postings` per key, the `max_candidates` sharing most keys), so the cost
per article does not grow with the store. `StoryPass(exhaustive=True)` scores every story (the
reference the eval and the tests compare the index with).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache, lru_cache

from newsgraph.ids import content_hash
from newsgraph.records import Mention

VERSION = "stories/9"

_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_STOP_WORDS = """
a about above after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further had
has have having he her here hers herself him himself his how i if in into is it its itself just
me more most my myself no nor not now of off on once only or other our ours ourselves out over
own same she should so some such than that the their theirs them themselves then there these
they this those through to too under until up very was we were what when where which while who
whom why will with would you your yours yourself yourselves said says say told according new
one two three year years last first people time would could may might told mr mrs ms
"""
_STOP = frozenset(_STOP_WORDS.split())
ENTITY_PREFIX = "@"  # entity keys share the document-frequency table with words; no word has it
QUOTE_PREFIX = "“"  # so do quote keys (pairs of a quote's content words); no word has it either
WEEKDAY_PREFIX = "§"  # a story's lead weekdays are stored with its names under this prefix
YEAR_PREFIX = "¶"  # and its articles' years (`lead_years`) under this one
YEARS_NAMING = "*"  # Story.years' key for the number of its articles that name a year

# names that identify an event's participants (dates and numbers do not)
ENTITY_TYPES = frozenset({"PERSON", "ORG", "GPE", "NORP", "FAC", "LOC", "EVENT", "PRODUCT"})


@dataclass
class StoryDoc:
    id: str
    text: str
    title: str | None = None
    published: str | None = None  # YYYY-MM-DD or None
    entities: frozenset[str] = frozenset()  # the names it mentions (`article_names`)
    duplicate_of: str | None = None
    quotes: frozenset[str] = frozenset()  # its quotes' keys (`quote_keys`)


@dataclass
class Story:
    id: str
    seq: int = 0  # first-seen order: the position of its first article
    article_ids: list[str] = field(default_factory=list)  # the articles this pass added
    # sums of the articles' unit vectors (divided by `size` when compared: the mean, i.e.
    # average link); sums grow in place, a mean would be rebuilt word by word on every article
    centroid: dict[str, float] = field(default_factory=dict)
    entity_centroid: dict[str, float] = field(default_factory=dict)
    quote_centroid: dict[str, float] = field(default_factory=dict)  # keys without the prefix
    # the weekday its articles' leads name (`lead_weekday`: "0" Monday .. "6") -> articles
    weekdays: dict[str, int] = field(default_factory=dict)
    # the years its articles name (`lead_years`) -> articles, and under YEARS_NAMING how many
    # of its articles name one
    years: dict[str, int] = field(default_factory=dict)
    start: str | None = None
    end: str | None = None
    title: str | None = None  # the headline of its first article that has one
    size: int = 0  # articles in the story (also those of earlier runs)
    # what a split needs (`StoryPass._split`), loaded only for a story an article joins (None:
    # not loaded yet): its last `tail_size` articles with their vectors, and its articles'
    # days (day -> articles), so that the dates and the title stay exact when a story splits
    detail: StoryDetail | None = None


@dataclass
class TailEntry:
    """One of a story's newest articles, with the vectors it was scored with."""
    id: str
    seq: int
    title: str | None
    published: str | None
    vec: dict[str, float]
    ents: dict[str, float]
    quotes: dict[str, float]
    weekday: int | None = None  # `lead_weekday` of its text (stored from stories/8 on)
    years: list[str] | None = None  # `lead_years` (stored from stories/9 on)


@dataclass
class StoryDetail:
    tail: list[TailEntry] = field(default_factory=list)  # in the order they joined
    days: dict[str, int] = field(default_factory=dict)
    title_seq: int | None = None  # the seq of the article the title is the headline of
    # False for a story stored before stories/7 kept its days (its dates could not be
    # recomputed after a split): such a story never splits
    complete: bool = True


@dataclass
class StorySettings:
    # join when the evidence is at least this (dev-chosen: eval/stories_notes.md): words and
    # names mixed, when both sides have names; the words alone, when one side has none
    threshold: float = 0.17
    text_threshold: float = 0.20
    idf_power: float = 1.0  # term weight tf * idf ** idf_power (> 1: the rarer words lead)
    entity_weight: float = 0.25  # the names' share of the similarity when both sides have names
    quote_weight: float = 0.25  # added: this x the mean cosine of quoted word pairs
    # dates, when both sides have one: within near_days of the story's dates is neutral,
    # further away takes date_penalty off for each doubling of the gap
    near_days: int = 7
    date_penalty: float = 0.01
    # the first weekday named in an article's first lead_chars characters: this x the share of
    # the story's articles (of those whose lead names one) that name the same day is added
    weekday_bonus: float = 0.05
    lead_chars: int = 600
    # the years an article's lead names and its publication year (`lead_years`): this x the
    # share of the story's year-naming articles that name one of them is added, and
    # year_penalty x the rest taken off
    year_bonus: float = 0.05
    year_penalty: float = 0.08
    background: bool = True  # add general-English document frequencies to the corpus' own
    index_terms: int = 24  # an article's highest-weighted words that key the candidate index
    max_postings: int = 64  # newest stories read per key
    max_candidates: int = 64  # stories scored exactly per article (those sharing most keys)
    # a story's centroid keeps its heaviest words only (pruned to this many when it holds
    # twice as many): a big story's vector stops growing, so loading, scoring and storing it
    # costs the same at 100 articles as at 10k; the words cut weigh least in the mean
    centroid_terms: int = 1000
    # a story splits in two when its newest articles (at least split_min, among the last
    # tail_size) are, on average, less than split_ratio as like the older ones as each group
    # is like itself (average link): it was one event, then another of the same kind came in
    split_ratio: float = 0.75
    split_min: int = 4
    tail_size: int = 8


def tokens(text: str) -> list[str]:
    found = (w.strip("'’-") for w in _WORD.findall(text.lower()))
    return [w for w in found if len(w) > 2 and w not in _STOP]


BACKGROUND_DOCS = 10_000  # the general-news background counts as this many documents
BACKGROUND_DOC_TOKENS = 500  # of this many tokens each (a typical news article)


@cache
def _word_frequency(word: str) -> float:
    """How often `word` occurs per token of general English (wordfreq: news, Wikipedia, books,
    subtitles, web text...); 0.0 for a word it has never seen."""
    import wordfreq  # lazy: its English table loads on first use

    return wordfreq.word_frequency(word.replace("’", "'"), "en")


def background_df(word: str) -> float:
    """The documents of the background that hold `word`: a background of BACKGROUND_DOCS
    articles of BACKGROUND_DOC_TOKENS tokens, the word drawn at its general-English frequency
    (the chance that an article of that length holds it at least once). A quote key, a pair of
    words, is held by at most the documents that hold its rarer word: that bound is taken, so a
    pair of common words ("make change") weighs little."""
    if word.startswith(ENTITY_PREFIX):
        return 0.0
    if word.startswith(QUOTE_PREFIX):
        return min(background_df(w) for w in word[1:].split(" "))
    f = _word_frequency(word)
    return BACKGROUND_DOCS * -math.expm1(-f * BACKGROUND_DOC_TOKENS) if f else 0.0


def article_names(mentions: Sequence[Mention]) -> frozenset[str]:
    """The names an article mentions, as keys: each mention of a type that identifies a
    participant, normalised as the entity pass normalises names (`canonical.name_tokens`: case,
    diacritics, titles and possessives folded: "President Vladimir Putin's" -> "vladimir
    putin"), a lone surname taken as the article's full name with that surname ("Putin" ->
    "vladimir putin"). They depend on this article only, so a story pass gives the same result
    however the store grew (the store-wide entity pass may later merge across articles and
    change ids; stories must not move with it), and cost a few string operations per mention
    (a per-article canonicalization cost twice the rest of the story pass)."""
    from newsgraph.stages.canonical import name_tokens

    found: list[tuple[str, list[str]]] = []
    people: list[list[str]] = []
    for m in mentions:
        if m.label not in ENTITY_TYPES:
            continue
        words = name_tokens(m.text, m.label == "PERSON")
        if not words:
            continue
        found.append((m.label, words))
        if m.label == "PERSON" and len(words) > 1:
            people.append(words)
    keys: set[str] = set()
    for label, words in found:
        if label == "PERSON" and len(words) == 1:
            full = [p for p in people if p[-1] == words[0]]
            if full:
                words = max(full, key=lambda p: (len(p), p))
        keys.add(" ".join(words))
    return frozenset(keys)


def quote_keys(quotes: Iterable[tuple[str, str]]) -> frozenset[str]:
    """What identifies the words an article quotes, from its quotes' (type, text): each pair of
    neighbouring content words of its direct and partial quotes ("trigger response", "direct
    confrontation"). Reported speech is left out: its words are the writer's."""
    keys: set[str] = set()
    for kind, text in quotes:
        if kind == "indirect":
            continue
        words = tokens(text)
        keys.update(f"{a} {b}" for a, b in zip(words, words[1:], strict=False))
    return frozenset(keys)


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY = re.compile(r"\b(?:" + "|".join(_WEEKDAYS) + r")\b", re.IGNORECASE)


# a year 1900-2099 standing alone: not an amount ("$2000", "2,000", "2000%"), not a decimal
_YEAR = re.compile(r"(?<![\d$£€.,])\b((?:19|20)\d\d)\b(?![.,]?\d|\s*(?:%|per\s?cent))")


def lead_years(text: str, published: str | None = None, limit: int = 600) -> list[str]:
    """The years named in the text's first `limit` characters and the publication year, sorted:
    which time the report is about ("the 2008 election", "Monday, 28 November 2005"). Two
    reports of one event name the same year; two events of the same kind (this year's
    earthquake and one three years ago) mostly do not. Empty when there is none."""
    found = set(_YEAR.findall(text, 0, limit))
    if published and _YEAR.fullmatch(published[:4]):
        found.add(published[:4])
    return sorted(found)


def lead_weekday(text: str, limit: int = 600) -> int | None:
    """The first day of the week named in the text's first `limit` characters (0 Monday ..
    6 Sunday): in a news lead, the day the event happened or the report's own date line
    ("Putin warned on Tuesday ...", "Monday, 28 November 2005"). None when it names none."""
    found = _WEEKDAY.search(text, 0, limit)
    return _WEEKDAYS.index(found.group().lower()) if found else None


@lru_cache(maxsize=65536)
def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _days(a: str, b: str) -> int | None:
    da, db = _day(a), _day(b)
    return abs((da - db).days) if da is not None and db is not None else None


def _unit(vec: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
    return {w: v / norm for w, v in vec.items()}


def _dot(a: dict[str, float], b: dict[str, float]) -> float:
    # over the shared keys only (a C-level intersection); fsum is exactly rounded, so the
    # set's order (it varies with the hash seed) cannot change the result
    return math.fsum(a[w] * b[w] for w in a.keys() & b.keys())


def _date_evidence(doc: StoryDoc, story: Story, settings: StorySettings) -> float:
    """What the dates say when both sides have one: 0 within `near_days` of the story's dates
    (or inside them), else `date_penalty` for each doubling of the gap beyond that (a week
    after: ~1x, two months: ~3x, two years: ~7x) taken off the similarity. Gold stories run
    on for weeks, and for years through trials and anniversaries, so a far date asks for more
    agreement in the words instead of forbidding the story."""
    if not (doc.published and story.start and story.end):
        return 0.0
    day = doc.published[:10]
    if story.start <= day <= story.end:
        return 0.0
    gaps = [g for g in (_days(day, story.start), _days(day, story.end)) if g is not None]
    if not gaps or min(gaps) <= settings.near_days:
        return 0.0
    return -settings.date_penalty * math.log2(1 + min(gaps) / settings.near_days)


def _weekday_evidence(weekday: int | None, story: Story, settings: StorySettings) -> float:
    """`weekday_bonus` x the share of the story's weekday-naming articles that name the
    article's day; nothing when either side names none (a different day is no evidence
    against: a story's later articles report later days)."""
    if weekday is None or not story.weekdays or not settings.weekday_bonus:
        return 0.0
    same = story.weekdays.get(str(weekday), 0)
    return settings.weekday_bonus * same / sum(story.weekdays.values()) if same else 0.0


def _year_evidence(years: Sequence[str], story: Story, settings: StorySettings) -> float:
    """`year_bonus` x the share of the story's year-naming articles that name one of the
    article's years, less `year_penalty` x the share that name none of them; nothing when
    either side names none. The share is counted per year (an article naming two of the
    years counts twice, capped at all of them): exact for the usual one year an article."""
    naming = story.years.get(YEARS_NAMING, 0)
    if not years or not naming or not (settings.year_bonus or settings.year_penalty):
        return 0.0
    share = min(1.0, sum(story.years.get(y, 0) for y in years) / naming)
    return settings.year_bonus * share - settings.year_penalty * (1.0 - share)


def _margin(vec: dict[str, float], ents: dict[str, float], quotes: dict[str, float],
            doc: StoryDoc, story: Story, settings: StorySettings,
            weekday: int | None = None, years: Sequence[str] = ()) -> float:
    """How far the article's evidence for the story is above what joining takes (>= 0: it
    may join). Average link: mean cosines to the story's articles — of words; mixed with
    names when both sides have names (then `threshold` applies, else `text_threshold`: each
    combination has its own calibration); plus the shared quoted words; plus the dates and
    the lead's weekday and years."""
    size = max(1, story.size)
    sim = _dot(vec, story.centroid) / size
    need = settings.text_threshold
    we = settings.entity_weight
    if we and ents and story.entity_centroid:
        sim = (1 - we) * sim + we * _dot(ents, story.entity_centroid) / size
        need = settings.threshold
    if settings.quote_weight and quotes and story.quote_centroid:
        sim += settings.quote_weight * _dot(quotes, story.quote_centroid) / size
    return (sim + _date_evidence(doc, story, settings)
            + _weekday_evidence(weekday, story, settings)
            + _year_evidence(years, story, settings) - need)


def _heaviest(vec: dict[str, float], k: int) -> dict[str, float]:
    """The k heaviest entries, in a fixed order (weight, then word): deterministic."""
    return dict(sorted(vec.items(), key=lambda kv: (-kv[1], kv[0]))[:k])


def _add_to(total: dict[str, float], vec: dict[str, float]) -> None:
    for w, v in vec.items():
        total[w] = total.get(w, 0.0) + v


def _sub_from(total: dict[str, float], vec: dict[str, float]) -> None:
    for w, v in vec.items():
        if w in total:  # a word the centroid pruned is not there to take off
            left = total[w] - v
            if abs(left) > 1e-12:
                total[w] = left
            else:
                del total[w]


# store look-ups a pass over a store is given (none: everything is in this pass)
DfLookup = Callable[[list[str]], Mapping[str, int]]  # key -> documents holding it
PostingsLookup = Callable[[list[str], int], Mapping[str, list[tuple[int, str]]]]
StoryLookup = Callable[[list[str]], Mapping[str, Story]]
StoryOfLookup = Callable[[list[str]], Mapping[str, str]]  # article id -> its story id
DetailLookup = Callable[[list[str]], Mapping[str, StoryDetail]]


class StoryPass:
    """The incremental story pass. Feed articles in first-seen order with `add()`; afterwards
    `dirty` (stories created or grown), `assigned` (article -> story), `df_changes` and
    `new_keys` are what a store writes back. With no look-ups it runs over its articles alone."""

    def __init__(self, settings: StorySettings | None = None, n_docs: int = 0,
                 lookup_df: DfLookup | None = None, lookup_postings: PostingsLookup | None = None,
                 lookup_stories: StoryLookup | None = None,
                 lookup_story_of: StoryOfLookup | None = None,
                 lookup_detail: DetailLookup | None = None,
                 exhaustive: bool = False) -> None:
        self.settings = settings or StorySettings()
        self.n = n_docs
        self._lookup_df = lookup_df
        self._lookup_postings = lookup_postings
        self._lookup_stories = lookup_stories
        self._lookup_story_of = lookup_story_of
        self._lookup_detail = lookup_detail
        self.splits = 0
        self._pairs: dict[tuple[str, str], float] = {}  # tail articles' dot products
        self.exhaustive = exhaustive
        self.bg_docs = BACKGROUND_DOCS if self.settings.background else 0
        self._bg_df: dict[str, float] = {}
        self.df: dict[str, int] = {}
        self._df_known: set[str] = set()
        self.df_changes: dict[str, int] = {}
        self.stories: dict[str, Story] = {}  # every story this pass has loaded or made
        self.created: list[Story] = []  # as made (a split-off story: when it split off)
        self.dirty: dict[str, Story] = {}
        self.assigned: list[tuple[str, str]] = []
        self.story_of: dict[str, str] = {}
        self._postings: dict[str, list[tuple[int, str]]] = {}  # this pass's keys
        self._story_keys: dict[str, set[str]] = {}
        self.new_keys: list[tuple[str, int, str]] = []  # (key, story seq, story id)
        self.candidates_scored = 0
        self._token_cache: dict[str, list[str]] = {}
        self._stored: dict[str, list[tuple[int, str]]] = {}  # key -> the store's postings

    # ---- weights --------------------------------------------------------------------------
    def prefetch(self, docs: Iterable[StoryDoc]) -> None:
        """Load the stored document frequencies of every key these articles hold, in bulk."""
        keys: set[str] = set()
        for doc in docs:
            keys.update(self._tokens(doc))
            keys.update(ENTITY_PREFIX + e for e in doc.entities)
            keys.update(QUOTE_PREFIX + q for q in doc.quotes)
        self._load_df(keys)

    def _tokens(self, doc: StoryDoc) -> list[str]:
        """Tokenized once between prefetch() and vectors()."""
        found = self._token_cache.get(doc.id)
        if found is None:
            found = self._token_cache[doc.id] = tokens(f"{doc.title or ''}\n{doc.text}")
        return found

    def _load_df(self, keys: Iterable[str]) -> None:
        missing = sorted(k for k in keys if k not in self._df_known)
        if not missing:
            return
        found = self._lookup_df(missing) if self._lookup_df else {}
        for k in missing:
            self.df[k] = self.df.get(k, 0) + found.get(k, 0)
            self._df_known.add(k)

    def _count(self, keys: Iterable[str]) -> None:
        keys = list(keys)
        self._load_df(keys)
        for k in keys:
            self.df[k] += 1
            self.df_changes[k] = self.df_changes.get(k, 0) + 1

    def _background(self, key: str) -> float:
        if not self.bg_docs:
            return 0.0
        found = self._bg_df.get(key)
        if found is None:
            found = self._bg_df[key] = background_df(key)
        return found

    def _idf(self, key: str) -> float:
        n = self.bg_docs + self.n
        bg = self._bg_df.get(key)
        if bg is None:
            bg = self._background(key)
        idf = math.log((1 + n) / (1 + bg + self.df[key])) + 1
        power = self.settings.idf_power
        return idf if power == 1 else idf ** power

    def vectors(self, doc: StoryDoc) -> tuple[dict[str, float], dict[str, float],
                                              dict[str, float]]:
        """Count the article into the document frequencies, then its unit TF-IDF vectors of
        words (sublinear tf), of names and of quoted word pairs (binary)."""
        counts = Counter(self._tokens(doc))
        self._token_cache.pop(doc.id, None)
        ent_keys = sorted(ENTITY_PREFIX + e for e in doc.entities)
        quote_keys = sorted(QUOTE_PREFIX + q for q in doc.quotes)
        self._count([*counts, *ent_keys, *quote_keys])
        self.n += 1
        idf = self._idf
        log = math.log
        vec = _unit({w: (1 + log(tf)) * idf(w) for w, tf in counts.items()})
        ents = _unit({k[1:]: idf(k) for k in ent_keys})
        quotes = _unit({k[1:]: idf(k) for k in quote_keys})
        return vec, ents, quotes

    # ---- candidates -----------------------------------------------------------------------
    def _keys(self, vec: dict[str, float], ents: dict[str, float]) -> list[str]:
        top = sorted(vec.items(), key=lambda kv: (-kv[1], kv[0]))[:self.settings.index_terms]
        return [w for w, _ in top] + sorted(ENTITY_PREFIX + e for e in ents)

    def _candidates(self, keys: list[str]) -> list[Story]:
        if self.exhaustive:
            return sorted(self.stories.values(), key=lambda s: s.seq)
        limit = self.settings.max_postings
        stored = self._stored_postings(keys, limit)
        shared: Counter[tuple[int, str]] = Counter()
        for key in keys:
            union = set(stored.get(key, ())) | set(self._postings.get(key, ()))
            # the newest `limit` stories of the key (all of them when there are no more)
            shared.update(union if len(union) <= limit else sorted(union, reverse=True)[:limit])
        best = sorted(shared.items(), key=lambda kv: (-kv[1], -kv[0][0]))
        chosen = [sid for (_, sid), _ in best[:self.settings.max_candidates]]
        self._load_stories(chosen)
        return sorted((self.stories[s] for s in chosen), key=lambda s: s.seq)

    def _stored_postings(self, keys: list[str], limit: int) -> dict[str, list[tuple[int, str]]]:
        """The store's postings of these keys, read once a pass: the store's index does not
        change until the pass writes back (this pass's own keys are in `_postings`)."""
        if self._lookup_postings is None:
            return {}
        missing = [k for k in keys if k not in self._stored]
        if missing:
            if len(self._stored) > 200_000:  # bounded memory on a long pass
                self._stored.clear()
            found = self._lookup_postings(missing, limit)
            for k in missing:
                self._stored[k] = found.get(k, [])
        return {k: self._stored[k] for k in keys}

    def _load_stories(self, ids: list[str]) -> None:
        missing = [s for s in ids if s not in self.stories]
        if missing and self._lookup_stories:
            self.stories.update(self._lookup_stories(missing))

    def _original_story(self, article_id: str) -> Story | None:
        sid = self.story_of.get(article_id)
        if sid is None and self._lookup_story_of:
            sid = self._lookup_story_of([article_id]).get(article_id)
        if sid is None:
            return None
        self._load_stories([sid])
        return self.stories.get(sid)

    # ---- the pass -------------------------------------------------------------------------
    def add(self, doc: StoryDoc, seq: int) -> Story:
        """Assign one article (`seq`: its first-seen position) to a story."""
        vec, ents, quotes = self.vectors(doc)
        weekday = lead_weekday(doc.text, self.settings.lead_chars)
        years = lead_years(doc.text, doc.published, self.settings.lead_chars)
        keys = self._keys(vec, ents)
        target = self._original_story(doc.duplicate_of) if doc.duplicate_of else None
        if target is None:
            best, best_margin = None, 0.0
            candidates = self._candidates(keys)
            self.candidates_scored += len(candidates)
            for story in candidates:  # in first-seen order; a tie goes to the later story
                margin = _margin(vec, ents, quotes, doc, story, self.settings, weekday,
                                 years)
                if margin >= best_margin:
                    best, best_margin = story, margin
            target = best
        if target is None:
            target = Story("s" + content_hash(VERSION, doc.id)[:16], seq=seq,
                           detail=StoryDetail())
            self.stories[target.id] = target
            self.created.append(target)
        self._load_detail(target)
        self._add(target, doc, vec, ents, quotes, seq, weekday, years)
        self._index(target, keys)
        self.story_of[doc.id] = target.id
        self.assigned.append((doc.id, target.id))
        self.dirty[target.id] = target
        if not doc.duplicate_of:
            split = self._split(target)
            if split is not None and doc.id in split.article_ids:
                return split
        return target

    def _index(self, story: Story, keys: list[str]) -> None:
        known = self._story_keys.setdefault(story.id, set())
        for key in keys:
            if key not in known:
                known.add(key)
                posts = self._postings.setdefault(key, [])
                posts.append((story.seq, story.id))
                if len(posts) > 2 * self.settings.max_postings:  # only the newest are read
                    posts.sort(reverse=True)
                    del posts[self.settings.max_postings:]
                self.new_keys.append((key, story.seq, story.id))

    def _load_detail(self, story: Story) -> None:
        if story.detail is None:
            found = self._lookup_detail([story.id]) if self._lookup_detail else {}
            story.detail = found.get(story.id) or StoryDetail()

    def _split(self, story: Story) -> Story | None:
        """Split off the story's newest articles when they form a group of their own: for each
        cut of its last `tail_size` articles (the newest at least `split_min`, the rest too),
        the mean cosine across the cut against the smaller of the two groups' own mean
        pairwise cosines (from the summed vectors: |sum|^2 = n + 2 x the pairs); below
        `split_ratio` at the lowest cut, the newer group becomes a story of its own (its id:
        the hash of its first article's id, as any story's) and the older keeps the id."""
        s = self.settings
        detail = story.detail
        m = s.split_min
        if (not s.split_ratio or detail is None or not detail.complete or story.size < 2 * m
                or len(detail.tail) < m):
            return None
        tail = detail.tail
        t = len(tail)
        c = story.centroid
        n = story.size
        to_c = [_dot(e.vec, c) for e in tail]
        c2 = math.fsum(v * v for v in c.values())
        best: tuple[float, int] | None = None
        sb2 = 0.0  # |sum of tail[i:]|^2, grown from the newest back
        cb = 0.0  # centroid . sum of tail[i:]
        for i in range(t - 1, -1, -1):
            sb2 += 1.0 + 2.0 * math.fsum(self._pair(tail[i], tail[j]) for j in range(i + 1, t))
            cb += to_c[i]
            nb, na = t - i, n - (t - i)
            if nb < m:
                continue
            if na < m:
                break
            sa2 = c2 - 2 * cb + sb2
            within = min((sa2 - na) / (na * (na - 1)), (sb2 - nb) / (nb * (nb - 1)))
            if within <= 0:
                continue
            ratio = (cb - sb2) / (na * nb) / within
            if best is None or ratio < best[0]:
                best = (ratio, i)
        if best is None or best[0] >= s.split_ratio:
            return None
        return self._split_off(story, best[1])

    def _pair(self, a: TailEntry, b: TailEntry) -> float:
        """The dot product of two tail articles' word vectors, once a pass (each article
        meets the same older ones on every join until it leaves the tail)."""
        key = (a.id, b.id)
        found = self._pairs.get(key)
        if found is None:
            if len(self._pairs) > 200_000:  # bounded memory on a long pass
                self._pairs.clear()
            found = self._pairs[key] = _dot(a.vec, b.vec)
        return found

    def _split_off(self, story: Story, cut: int) -> Story:
        detail = story.detail
        assert detail is not None
        moved = detail.tail[cut:]
        first = moved[0]
        new = Story("s" + content_hash(VERSION, first.id)[:16], seq=first.seq,
                    detail=StoryDetail())
        self.stories[new.id] = new
        self.created.append(new)
        self.splits += 1
        del detail.tail[cut:]
        for e in moved:
            _sub_from(story.centroid, e.vec)
            _sub_from(story.entity_centroid, e.ents)
            _sub_from(story.quote_centroid, e.quotes)
            story.size -= 1
            if e.weekday is not None:
                _count_weekday(story, e.weekday, -1)
            _count_years(story, e.years or (), -1)
            if e.id in story.article_ids:
                story.article_ids.remove(e.id)
            if e.published:
                day = e.published[:10]
                left = detail.days.get(day, 0) - 1
                if left > 0:
                    detail.days[day] = left
                else:
                    detail.days.pop(day, None)
            self._add(new, StoryDoc(e.id, "", e.title, e.published), e.vec, e.ents, e.quotes,
                      e.seq, e.weekday, e.years)
            self._index(new, self._keys(e.vec, e.ents))
            self.story_of[e.id] = new.id
            self.assigned.append((e.id, new.id))
        story.start = min(detail.days) if detail.days else None
        story.end = max(detail.days) if detail.days else None
        if detail.title_seq is not None and detail.title_seq >= first.seq:
            story.title, detail.title_seq = None, None  # its headline left with the new story
        self.dirty[new.id] = new
        self.dirty[story.id] = story
        return new

    def _add(self, story: Story, doc: StoryDoc, vec: dict[str, float],
             ents: dict[str, float], quotes: dict[str, float], seq: int,
             weekday: int | None = None, years: Sequence[str] | None = None) -> None:
        n = story.size
        if weekday is not None:
            _count_weekday(story, weekday, 1)
        _count_years(story, years or (), 1)
        _add_to(story.centroid, vec)
        _add_to(story.entity_centroid, ents)
        _add_to(story.quote_centroid, quotes)
        limit = self.settings.centroid_terms
        if len(story.centroid) > 2 * limit:
            story.centroid = _heaviest(story.centroid, limit)
        if len(story.quote_centroid) > 2 * limit:  # quoted pairs: bounded the same way
            story.quote_centroid = _heaviest(story.quote_centroid, limit)
        story.article_ids.append(doc.id)
        story.size = n + 1
        detail = story.detail
        if story.title is None and doc.title:
            story.title = doc.title
            if detail is not None:
                detail.title_seq = seq
        if doc.published:
            day = doc.published[:10]
            story.start = min(story.start or day, day)
            story.end = max(story.end or day, day)
            if detail is not None:
                detail.days[day] = detail.days.get(day, 0) + 1
        if detail is not None and self.settings.split_ratio:
            detail.tail.append(TailEntry(doc.id, seq, doc.title, doc.published, vec, ents,
                                         quotes, weekday, list(years) if years else None))
            if len(detail.tail) > self.settings.tail_size:
                del detail.tail[0]


def _count_weekday(story: Story, weekday: int, step: int) -> None:
    _count(story.weekdays, str(weekday), step)


def _count_years(story: Story, years: Sequence[str], step: int) -> None:
    if years:
        _count(story.years, YEARS_NAMING, step)
        for year in years:
            _count(story.years, year, step)


def _count(counts: dict[str, int], key: str, step: int) -> None:
    left = counts.get(key, 0) + step
    if left > 0:
        counts[key] = left
    else:
        counts.pop(key, None)


def cluster(docs: Sequence[StoryDoc], settings: StorySettings | None = None,
            exhaustive: bool = False) -> list[Story]:
    """Stories of `docs` (in first-seen order), each with its articles in that order."""
    run = StoryPass(settings, exhaustive=exhaustive)
    for seq, doc in enumerate(docs):
        run.add(doc, seq)
    return sorted(run.created, key=lambda s: s.seq)


def story_record(story: Story, article_ids: list[str]) -> dict[str, object]:
    """A story as the stories.jsonl export has it (the contract's fields, in its order)."""
    return {"id": story.id, "title": story.title, "article_ids": article_ids,
            "start_date": story.start, "end_date": story.end}
