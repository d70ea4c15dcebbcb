"""Stories: articles that report the same real-world event or development, across outlets.

Not yet run by ingest: measured by eval/stories.py only (see the note there on what is missing).

One pass over the articles in first-seen order (deterministic): each article joins the story
it is most similar to, or opens a new one. Similarity to a story is the cosine between the
article's TF-IDF vector and the story's centroid, raised by the share of the article's named
entities the story already has (the same people and organisations, not only the same kind of
event: "Tara Reid enters rehab" and "Lindsay Lohan enters rehab" share most words but no
name), and gated by dates when both sides have one. A copy (`duplicate_of`) joins its
original's story. A story's id is a hash of its first article's id, so it stays when the story
grows.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from newsgraph.ids import content_hash

VERSION = "stories/1"

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


@dataclass
class StoryDoc:
    id: str
    text: str
    title: str | None = None
    published: str | None = None  # YYYY-MM-DD or None
    entities: frozenset[str] = frozenset()  # canonical entity ids of names it mentions
    duplicate_of: str | None = None


@dataclass
class Story:
    id: str
    article_ids: list[str] = field(default_factory=list)
    centroid: dict[str, float] = field(default_factory=dict)
    entity_centroid: dict[str, float] = field(default_factory=dict)
    start: str | None = None
    end: str | None = None
    title: str | None = None  # the headline of its most central article


@dataclass
class StorySettings:
    threshold: float = 0.16  # mean similarity to join; chosen on ECB+ topics 1-22 only
    entity_weight: float = 0.5  # the share of the names' similarity in the mix
    max_gap_days: int = 10  # a dated article further than this from a story's dates: not it


def tokens(text: str) -> list[str]:
    return [w for w in (m.group().lower().strip("'’-") for m in _WORD.finditer(text))
            if len(w) > 2 and w not in _STOP]


def tfidf_vectors(docs: Sequence[StoryDoc]) -> list[dict[str, float]]:
    """Unit-length TF-IDF vectors (sublinear tf, smooth idf) over the documents given."""
    counts = [Counter(tokens(f"{d.title or ''}\n{d.text}")) for d in docs]
    df: Counter[str] = Counter()
    for c in counts:
        df.update(c.keys())
    n = len(docs)
    out = []
    for c in counts:
        vec = {w: (1 + math.log(tf)) * (math.log((1 + n) / (1 + df[w])) + 1)
               for w, tf in c.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        out.append({w: v / norm for w, v in vec.items()})
    return out


def _days(a: str, b: str) -> int | None:
    try:
        return abs((date.fromisoformat(a[:10]) - date.fromisoformat(b[:10])).days)
    except ValueError:
        return None


def _entity_vector(entities: frozenset[str]) -> dict[str, float]:
    if not entities:
        return {}
    w = 1 / math.sqrt(len(entities))
    return {e: w for e in entities}


def _dot(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(w, 0.0) for w, v in a.items())


def _similarity(vec: dict[str, float], ents: dict[str, float], doc: StoryDoc, story: Story,
                settings: StorySettings) -> float:
    """Average link: the mean cosine to the story's articles, of words and of names."""
    if doc.published and story.start and story.end:
        gaps = [g for g in (_days(doc.published, story.start), _days(doc.published, story.end))
                if g is not None]
        gap = min(gaps, default=None)
        inside = story.start <= doc.published[:10] <= story.end
        if gap is not None and not inside and gap > settings.max_gap_days:
            return 0.0
    text = _dot(vec, story.centroid)
    if not ents or not story.entity_centroid:
        return text
    return (1 - settings.entity_weight) * text + settings.entity_weight * _dot(
        ents, story.entity_centroid)


def cluster(docs: Sequence[StoryDoc], settings: StorySettings | None = None) -> list[Story]:
    """Stories of `docs` (in first-seen order), each with its articles in that order."""
    settings = settings or StorySettings()
    vectors = tfidf_vectors(docs)
    stories: list[Story] = []
    story_of: dict[str, Story] = {}
    for doc, vec in zip(docs, vectors, strict=True):
        ents = _entity_vector(doc.entities)
        target = story_of.get(doc.duplicate_of or "")
        if target is None:
            best, best_sim = None, settings.threshold
            for story in stories:
                sim = _similarity(vec, ents, doc, story, settings)
                if sim >= best_sim:
                    best, best_sim = story, sim
            target = best
        if target is None:
            target = Story("s" + content_hash(VERSION, doc.id)[:16])
            stories.append(target)
        _add(target, doc, vec, ents)
        story_of[doc.id] = target
    central: dict[str, float] = {}
    for doc, vec in zip(docs, vectors, strict=True):
        story = story_of[doc.id]
        closeness = _dot(vec, story.centroid)
        if doc.title and closeness > central.get(story.id, -1.0):
            central[story.id] = closeness
            story.title = doc.title
    return stories


def story_rows(stories: Sequence[Story], settings: StorySettings) -> list[dict[str, object]]:
    """Rows for the store and the stories.jsonl export."""
    how = {"version": VERSION, "threshold": settings.threshold,
           "entity_weight": settings.entity_weight, "max_gap_days": settings.max_gap_days}
    return [{"id": s.id, "title": s.title, "article_ids": s.article_ids,
             "start_date": s.start, "end_date": s.end, "evidence": how} for s in stories]


def _mean(centroid: dict[str, float], n: int, vec: dict[str, float]) -> dict[str, float]:
    out = {w: v * n for w, v in centroid.items()}
    for w, v in vec.items():
        out[w] = out.get(w, 0.0) + v
    return {w: v / (n + 1) for w, v in out.items()}


def _add(story: Story, doc: StoryDoc, vec: dict[str, float], ents: dict[str, float]) -> None:
    n = len(story.article_ids)
    story.centroid = _mean(story.centroid, n, vec)
    story.entity_centroid = _mean(story.entity_centroid, n, ents)
    story.article_ids.append(doc.id)
    if doc.published:
        day = doc.published[:10]
        story.start = min(story.start or day, day)
        story.end = max(story.end or day, day)


# names that identify an event's participants (dates and numbers do not)
ENTITY_TYPES = frozenset({"PERSON", "ORG", "GPE", "NORP", "FAC", "LOC", "EVENT", "PRODUCT"})
