"""The records that flow between stages. Plain dataclasses: cheap to pickle for worker pools."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from operator import attrgetter
from typing import Any, TypeVar

_T = TypeVar("_T", bound=type)


def positional_pickle(cls: _T) -> _T:
    """Pickle as one constructor call with the fields in order. A slots dataclass otherwise
    pickles through Python-level __getstate__/__setstate__ and a plain one as a dict of names:
    the workers' results (articles with their segments, mentions and quotes), which the
    driver loads for every article, get smaller (an article with 60 mentions and 5 quotes:
    1.7 KB instead of 3.0 KB) and cheaper to make and load."""
    get = attrgetter(*(f.name for f in fields(cls)))

    def __reduce__(self: Any) -> tuple[type, tuple[Any, ...]]:
        return cls, get(self)

    cls.__reduce__ = __reduce__  # type: ignore[method-assign,assignment]
    return cls


@positional_pickle
@dataclass(slots=True)
class Drop:
    """A span that cleaning removed, with why. Offsets index `Article.raw_text`, end exclusive."""

    start: int
    end: int
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "reason": self.reason}


@positional_pickle
@dataclass(slots=True)
class Segment:
    """A run of cleaned text copied verbatim from the raw text: text[clean:clean+length] ==
    raw_text[raw:raw+length]. A list of these maps any cleaned offset back to the input."""

    clean: int
    raw: int
    length: int


@positional_pickle
@dataclass(slots=True)
class RawDoc:
    """One input item as read from disk, before decoding and extraction (what a worker gets)."""

    source_path: str  # file path, with "#line=N" / "#record=N" for items inside a container
    kind: str  # "text" | "html"
    # bytes for records still to decode; str when the container gave text; None for a whole
    # .txt/.html file, read (and hashed) by the worker from source_path
    data: bytes | str | None
    hints: dict[str, Any] = field(default_factory=dict)  # url, title, published, outlet, group…


@dataclass  # pickled by _article_reduce, below
class Article:
    id: str
    source_path: str
    raw_text: str  # text before cleaning: the decoded file, or what the HTML reader produced
    text: str = ""  # cleaned body
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    outlet_source: str | None = None
    published: str | None = None
    published_source: str | None = None
    published_evidence: str | None = None
    language: str | None = None
    language_score: float | None = None
    duplicate_of: str | None = None
    duplicate_score: float | None = None
    story_id: str | None = None
    removed: list[Drop] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    hints: dict[str, Any] = field(default_factory=dict)  # reader metadata; html is not kept here
    notes: dict[str, Any] = field(default_factory=dict)  # provenance of guesses, refusals, caps
    versions: dict[str, str] = field(default_factory=dict)  # stage name -> version that ran
    mentions: list[Mention] = field(default_factory=list)  # named entities in `text`
    quotes: list[Quote] = field(default_factory=list)  # quotes in `text`, with speakers
    events: list[Event] = field(default_factory=list)  # who did what to whom, in `text`
    # Transient, never stored: the decoded HTML (for date evidence), the dedup signature and
    # the kept lines' keys for learned boilerplate (both made in workers, used by the driver).
    html: str | None = field(default=None, repr=False, compare=False)
    signature: Any = field(default=None, repr=False, compare=False)
    line_keys: list[tuple[str, bool] | None] | None = field(default=None, repr=False,
                                                             compare=False)
    source_sha256: str | None = field(default=None, repr=False, compare=False)  # whole files

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def clean_to_raw(self, offset: int) -> int:
        """Map an offset into `text` back to `raw_text` (rule 4: offsets lead back to the input)."""
        for seg in self.segments:
            if seg.clean <= offset <= seg.clean + seg.length:
                return seg.raw + (offset - seg.clean)
        raise ValueError(f"offset {offset} is outside the cleaned text")


def text_from_segments(raw_text: str, segments: list[Segment]) -> str:
    """The cleaned text as cleaning builds it: each segment's run of the raw text, joined by
    the newlines its clean offsets leave between them (stages/clean.py, assemble)."""
    parts: list[str] = []
    end = 0
    for seg in segments:
        if seg.clean > end:
            parts.append("\n" * (seg.clean - end))
        parts.append(raw_text[seg.raw:seg.raw + seg.length])
        end = seg.clean + seg.length
    return "".join(parts)


_ARTICLE_VALUES = attrgetter(*(f.name for f in fields(Article)))
_TEXT_AT = [f.name for f in fields(Article)].index("text")


def _article_with_text_rebuilt(*values: Any) -> Article:
    article = Article(*values)
    article.text = text_from_segments(article.raw_text, article.segments)
    return article


def _article_reduce(self: Article) -> tuple[Any, tuple[Any, ...]]:
    """A worker's article crosses to the driver without its cleaned text when the text is
    what its raw text and segments rebuild (checked here, so nothing else is assumed): a
    third of the bytes of a no-NLP result, pickled by a worker and loaded by the driver,
    which is one process for all the workers (measured: benchmarks/README.md)."""
    values = _ARTICLE_VALUES(self)
    if self.segments and text_from_segments(self.raw_text, self.segments) == self.text:
        return _article_with_text_rebuilt, (*values[:_TEXT_AT], "", *values[_TEXT_AT + 1:])
    return Article, values


Article.__reduce__ = _article_reduce  # type: ignore[method-assign,assignment]


@positional_pickle
@dataclass(slots=True)
class IngestError:
    """An input that could not be read, with a stable code (see errors.py) and the reason."""

    path: str
    code: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"path": self.path, "code": self.code, "message": self.message}


@positional_pickle
@dataclass(slots=True)
class Mention:
    """A named-entity mention: offsets into the article's cleaned `text`, end exclusive."""

    start: int
    end: int
    text: str  # == article.text[start:end]
    label: str  # PERSON, ORG, GPE, LOC, NORP, ...
    entity_id: str | None = None  # the canonical entity it was merged into
    canonical: str | None = None  # that entity's canonical name


@dataclass
class Entity:
    id: str  # stable: a hash of type and canonical key, not a counter
    name: str  # canonical name
    type: str
    aliases: list[str] = field(default_factory=list)  # every surface form merged into it
    mention_count: int = 0
    article_ids: list[str] = field(default_factory=list)
    evidence: dict[str, Any] = field(default_factory=dict)  # why forms were merged


@positional_pickle
@dataclass(slots=True)
class Quote:
    """A quote with its cue and speaker. `text` == article.text[start:end] (no quote marks)."""

    start: int
    end: int
    text: str
    type: str  # "direct" | "partial" | "indirect"
    speaker: str | None = None  # canonical name when resolved, else the mention's words
    speaker_mention: str | None = None  # the words in the article that name the speaker
    speaker_start: int | None = None
    speaker_end: int | None = None
    speaker_entity_id: str | None = None
    cue: str | None = None  # "said", "told reporters", "according to", ...
    cue_start: int | None = None
    cue_end: int | None = None
    notes: dict[str, Any] = field(default_factory=dict)  # e.g. {"unclosed": true}, how resolved
    id: str | None = None
    article_id: str | None = None


@positional_pickle
@dataclass(slots=True)
class Event:
    """Who did what to whom, in one sentence. `sentence` == article.text[start:end]; the actor,
    target and trigger offsets index the same text. `date` is the event time (from a time
    expression in the sentence, resolved against the publication date), not the report time."""

    sentence: str
    start: int
    end: int
    action: str  # a PLOVER category: AGREE, ACCUSE, ASSAULT, ...
    trigger: str  # the predicate's words, e.g. "agreed", "imposed sanctions"
    trigger_start: int
    trigger_end: int
    actor: str | None = None
    actor_start: int | None = None
    actor_end: int | None = None
    target: str | None = None
    target_start: int | None = None
    target_end: int | None = None
    date: str | None = None  # ISO at its precision (YYYY-MM-DD | YYYY-MM | YYYY)
    date_precision: str | None = None  # day | month | year
    notes: dict[str, Any] = field(default_factory=dict)  # how: negated, passive, time, ...
    id: str | None = None
    article_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The `events.jsonl` fields first, in the contract's order, then the rest."""
        head = ["id", "article_id", "date", "date_precision", "actor", "action", "target",
                "sentence", "start", "end"]
        d = asdict(self)
        return {**{k: d[k] for k in head}, **{k: v for k, v in d.items() if k not in head}}
