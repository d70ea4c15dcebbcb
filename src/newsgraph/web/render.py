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


def clip(text: str, limit: int = 200) -> str:
    """`text` cut to about `limit` characters at a word boundary, with "…" when cut: a snippet
    cut mid-word reads as the speaker's or the article's own wording."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip(" ,;:–—-") + "…"


@dataclass
class Piece:
    """A run of text with the entity mention covering it (if any)."""

    text: str
    mention: Mention | None = None


@dataclass
class Mark:
    """Where a highlight opens (`first`: its first part, which carries its anchor id) or
    closes: a quote's, or (quote None) the evidence span a link asked for. A span inside
    another (a partial quote in reported speech) nests in it; one that crosses another's edge
    is closed and reopened there, so every quote is drawn and every quote has its anchor."""

    quote: Quote | None
    opens: bool
    first: bool = False


@dataclass(frozen=True)
class Evidence:
    """The span a link points at (`?hl=START-END`): an event's sentence, a relation's hit."""

    start: int
    end: int


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


def text_marks(text: str, quotes: list[Quote], mentions: list[Mention],
               evidence: Evidence | None = None) -> list[Piece | Mark]:
    """`text` as pieces (cut at entity mention boundaries) between the opening and closing
    marks of every quote and of the evidence span, outer spans first; the pieces' texts join
    to `text`."""
    spans: list[Quote | Evidence] = [q for q in quotes if 0 <= q.start < q.end <= len(text)]
    if evidence is not None and 0 <= evidence.start < evidence.end <= len(text):
        spans.append(evidence)
    spans.sort(key=lambda q: (q.start, -q.end, isinstance(q, Evidence)))
    ms = [m for m in _non_overlapping(mentions) if m.end <= len(text)]
    cuts = sorted({0, len(text), *(q.start for q in spans), *(q.end for q in spans)})
    out: list[Piece | Mark] = []
    stack: list[Quote | Evidence] = []
    opened: set[int] = set()

    def mark(span: Quote | Evidence, opens: bool, first: bool = False) -> Mark:
        return Mark(span if isinstance(span, Quote) else None, opens, first)

    for a, b in zip(cuts, cuts[1:], strict=False):
        active = [q for q in spans if q.start <= a and b <= q.end]  # outer first, as sorted
        keep = 0
        while keep < min(len(stack), len(active)) and stack[keep] is active[keep]:
            keep += 1
        out.extend(mark(q, False) for q in reversed(stack[keep:]))
        for q in active[keep:]:
            out.append(mark(q, True, id(q) not in opened))
            opened.add(id(q))
        stack = active
        out.extend(_mention_pieces(text, a, b, ms))
    out.extend(mark(q, False) for q in reversed(stack))
    return out


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
