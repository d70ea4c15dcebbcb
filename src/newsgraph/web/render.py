"""Presentation helpers shared by the pages and the JSON API: records as plain dicts, and
article text cut into pieces at span boundaries so templates can highlight quotes, entity
mentions and removed lines. Pieces carry plain text; templates escape it (never mark article
text safe)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, is_dataclass
from typing import Any

from newsgraph.records import Article, Drop, Mention, Quote

# Article fields that are transient (never stored) or too bulky for the API's article view
_ARTICLE_SKIP = {"html", "signature", "line_keys", "source_sha256", "segments"}


def plain(obj: Any) -> Any:
    """A dataclass (or list of them) as JSON-ready dicts."""
    if isinstance(obj, list):
        return [plain(x) for x in obj]
    if is_dataclass(obj) and not isinstance(obj, type):
        return asdict(obj)
    return obj


def article_dict(article: Article) -> dict[str, Any]:
    """An article for the API: stored fields, removed lines with their raw text, mentions and
    quotes (offsets into `text`)."""
    d = {k: v for k, v in asdict(article).items() if k not in _ARTICLE_SKIP}
    d["removed"] = [{**r.to_dict(), "text": article.raw_text[r.start:r.end]}
                    for r in article.removed]
    return d


@dataclass
class Piece:
    """A run of text with the entity mention covering it (if any)."""

    text: str
    mention: Mention | None = None


@dataclass
class Run:
    """Consecutive pieces inside one quote (or outside every quote: quote None)."""

    quote: Quote | None
    pieces: list[Piece]


def _non_overlapping(spans: list[Any]) -> list[Any]:
    """Spans sorted by start; a span overlapping an earlier kept one is left out."""
    kept: list[Any] = []
    end = -1
    for s in sorted(spans, key=lambda s: (s.start, -s.end)):
        if s.start >= end and s.end > s.start:
            kept.append(s)
            end = s.end
    return kept


def _mention_pieces(text: str, start: int, end: int, ms: list[Mention]) -> list[Piece]:
    pieces: list[Piece] = []
    pos = start
    for m in ms:
        if m.end <= start or m.start >= end:
            continue
        a, b = max(m.start, start), min(m.end, end)
        if a > pos:
            pieces.append(Piece(text[pos:a]))
        pieces.append(Piece(text[a:b], m))
        pos = b
    if pos < end:
        pieces.append(Piece(text[pos:end]))
    return pieces


def text_runs(text: str, quotes: list[Quote], mentions: list[Mention]) -> list[Run]:
    """`text` as runs inside and outside quotes, each cut at entity mention boundaries (a
    mention crossing a quote's edge is split there). Overlapping quotes keep the first."""
    qs = [q for q in _non_overlapping(quotes) if q.end <= len(text)]
    ms = [m for m in _non_overlapping(mentions) if m.end <= len(text)]
    runs: list[Run] = []
    pos = 0
    for q in qs:
        if q.start > pos:
            runs.append(Run(None, _mention_pieces(text, pos, q.start, ms)))
        runs.append(Run(q, _mention_pieces(text, q.start, q.end, ms)))
        pos = q.end
    if pos < len(text):
        runs.append(Run(None, _mention_pieces(text, pos, len(text), ms)))
    return runs


@dataclass
class RawPiece:
    """A run of the text before cleaning: kept (reason None) or removed, with why."""

    text: str
    reason: str | None = None


def raw_pieces(raw_text: str, removed: list[Drop]) -> list[RawPiece]:
    """The text before cleaning, with each removed line marked by its reason, in place."""
    pieces: list[RawPiece] = []
    pos = 0
    for d in _non_overlapping(removed):
        if d.end > len(raw_text):
            continue
        if d.start > pos:
            pieces.append(RawPiece(raw_text[pos:d.start]))
        pieces.append(RawPiece(raw_text[d.start:d.end], d.reason))
        pos = d.end
    if pos < len(raw_text):
        pieces.append(RawPiece(raw_text[pos:]))
    return pieces
