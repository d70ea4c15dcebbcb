"""Cleaning: drop boilerplate lines from an article's raw text, find its title and date line, and
record every dropped line as a Drop with its reason. The cleaned text keeps a segment map back
to the raw text, so every later offset can be traced to the input.

Per-article and pure; lines that repeat across an outlet's articles are learned in repeats.py.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from newsgraph.records import Article, Drop, Segment
from newsgraph.stages.boilerplate import CAPTION_MARK, line_key, rule_reason

VERSION = "clean/2"  # /2: a time stamp above the headline is not the title

_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"[.!?…\"”’»)\]]\s*$")
_QUOTES = re.compile(r"[\"“”«»„]")
# Words allowed on a line that is only a date ("Apr 05, 2024, updated Apr 05, 2024").
_DATE_WORDS = {
    "updated", "update", "published", "posted", "on", "at", "am", "pm", "last", "modified",
    "gmt", "utc", "edt", "est", "bst", "cet", "cest", "pst", "pdt", "ist", "aest", "aedt",
    "first", "date", "time", "st", "nd", "rd", "th", "of", "and", "hrs", "by", "z",
    "a", "p", "m", "et", "ct", "pt", "cst", "cdt", "mst", "mdt", "msk", "jst", "hkt", "sgt",
    "mon", "tue", "wed", "thu", "fri", "sat", "sun", "monday", "tuesday", "wednesday",
    "thursday", "friday", "saturday", "sunday", "jan", "feb", "mar", "apr", "may", "jun", "jul",
    "aug", "sep", "sept", "oct", "nov", "dec", "january", "february", "march", "april", "june",
    "july", "august", "september", "october", "november", "december",
}

# a time stamp above the headline (`is_stamp`): its clock, or a calendar word
_CLOCK = re.compile(r"\b\d{1,2}[:.]\d{2}\b|\b\d{1,2}[:.]?\d{0,2}\s*[ap]\.?m\b", re.I)
_CALENDAR = _DATE_WORDS - {"on", "at", "of", "and", "by", "a", "p", "m", "z", "first", "st",
                           "nd", "rd", "th", "date", "time", "hrs"}
MAX_STAMPS_ABOVE_TITLE = 2
LEAD_SENTENCE_WORDS = 10  # "Palin appointee under federal indictment." is still a headline


@dataclass(slots=True)
class Line:
    start: int  # offsets of the stripped line in the raw text
    end: int
    text: str
    reason: str | None = None


def split_lines(raw: str) -> list[Line]:
    """Non-blank lines with offsets of their stripped content."""
    lines: list[Line] = []
    pos = 0
    for piece in raw.split("\n"):
        stripped = piece.strip()
        if stripped:
            lead = len(piece) - len(piece.lstrip())
            start = pos + lead
            lines.append(Line(start, start + len(stripped), stripped))
        pos += len(piece) + 1
    return lines


def word_count(text: str) -> int:
    return len(_WORD.findall(text[:5000]))


def is_prose(text: str) -> bool:
    """A sentence of the story, as opposed to a label, menu item or credit."""
    words = word_count(text)
    return words >= 15 or (words >= 4 and bool(_SENTENCE_END.search(text)))


def looks_like_headline(text: str) -> bool:
    words = word_count(text)
    if not 2 <= words <= 40 or len(text) > 300:
        return False
    return words <= 25 or not _SENTENCE_END.search(text)


def is_date_only(text: str) -> bool:
    """True when nothing but date and time words are on the line."""
    words = [w for w in _WORD.findall(text.lower()) if not w.isdigit()]
    return sum(1 for w in words if w not in _DATE_WORDS) <= 1


def is_stamp(text: str) -> bool:
    """A date or time line with a number in it, "Posted: Nov 27, 2005 8:20 AM ET", "8:24am:",
    "APR 28" — not a headline that happens to hold a number ("Top 10")."""
    if len(text) > 120 or not any(ch.isdigit() for ch in text) or not is_date_only(text):
        return False
    return bool(_CLOCK.search(text)) or not _CALENDAR.isdisjoint(_WORD.findall(text.lower()))


def _mark_title(lines: list[Line], article: Article, kind: str) -> None:
    live = [ln for ln in lines if ln.reason is None]
    if article.title:
        wanted = line_key(article.title)
        for ln in live[:5]:  # the page title often repeats as the body's first line
            if line_key(ln.text) == wanted:
                ln.reason = "title"
                return
        return
    if kind != "text" or not live:
        return  # HTML titles come from the page's metadata, not guessed from its body
    # A time stamp printed above the headline ("Last Updated: Monday, 28 November 2005, 02:24
    # GMT", "APR 28", "8:24am:") is not the title: the headline is the line under it.
    skip = 0
    while skip < min(MAX_STAMPS_ABOVE_TITLE, len(live) - 1) and is_stamp(live[skip].text):
        skip += 1
    first = live[skip]
    # under a stamp (skipped here, or the date line found above), a long line ending in a
    # full stop is the lead sentence: wire copy often has no headline line at all
    at = next(i for i, ln in enumerate(lines) if ln is first)
    under_stamp = skip > 0 or any(ln.reason == "date line" for ln in lines[:at])
    # a lone line is the body, not a title
    if (len(live) > skip + 1 and looks_like_headline(first.text)
            and not (under_stamp and first.text.endswith(".")
                     and word_count(first.text) >= LEAD_SENTENCE_WORDS)):
        article.title = first.text
        article.notes["title_source"] = "first line" if not skip else "line under a time stamp"
        first.reason = "title"
        for stamp in live[:skip]:
            stamp.reason = "date line"


def _mark_date_line(lines: list[Line], article: Article) -> None:
    from newsgraph.stages.dates import date_from_text_lines

    live = [ln for ln in lines if ln.reason is None]
    # a date line is short: long lines (a 5 MB transcript's only line) are not searched
    finding, index = date_from_text_lines([ln.text if len(ln.text) <= 300 else "" for ln in live])
    if finding.value is None or index is None:
        if finding.reason:  # a date line that cannot be read ("03/04/2024"): say why, unread
            article.notes["text_date_refused"] = finding.reason
        return
    article.notes["text_date"] = {
        "value": finding.value, "evidence": finding.evidence, "line": index,
    }
    if is_date_only(live[index].text):
        live[index].reason = "date line"


def _mark_repeats(lines: list[Line]) -> None:
    """Scrapers print captions twice (image alt + caption) and sometimes a subheading twice in
    a row. A repeated line with a photo credit goes entirely; any other line loses only a copy
    that directly follows itself — lines repeated apart (tables, recipes, refrains) are content.
    """
    keys = [line_key(ln.text) if ln.reason is None else "" for ln in lines]
    counts = Counter(k for k in keys if k)
    for key in [k for k, n in counts.items() if n >= 2 and len(k) < 15 and word_count(k) < 3]:
        del counts[key]  # too short to say it is the same line printed twice
    previous = ""
    for ln, key in zip(lines, keys, strict=True):
        if counts.get(key, 0) >= 2:
            if CAPTION_MARK.search(ln.text):
                ln.reason = "image caption (printed twice)"
            elif key == previous:
                ln.reason = "repeated line"
        if key:
            previous = key


def _mark_footer(lines: list[Line]) -> None:
    """Short labels after the story's last sentence ("Russia news", "Local News Matters") are
    site furniture. A short sentence ("Rest in peace.") or a quote is story, so it stays."""
    live = [ln for ln in lines if ln.reason is None]
    last_prose = next((i for i in range(len(live) - 1, -1, -1) if is_prose(live[i].text)), None)
    if last_prose is None:
        return
    for ln in live[last_prose + 1:]:
        if _SENTENCE_END.search(ln.text) or _QUOTES.search(ln.text):
            continue
        if word_count(ln.text) <= 6:
            ln.reason = "footer"


def assemble(article: Article, lines: list[Line]) -> None:
    """Build text, segments and removed from the classified lines."""
    raw = article.raw_text
    parts: list[str] = []
    segments: list[Segment] = []
    removed: list[Drop] = []
    pos = 0
    prev: Line | None = None
    dropped_between = False
    for ln in lines:
        if ln.reason is not None:
            removed.append(Drop(ln.start, ln.end, ln.reason))
            dropped_between = True
            continue
        if prev is not None:
            gap = raw[prev.end:ln.start]
            sep = "\n" if gap.count("\n") == 1 and not dropped_between else "\n\n"
            parts.append(sep)
            pos += len(sep)
        segments.append(Segment(pos, ln.start, ln.end - ln.start))
        parts.append(ln.text)
        pos += len(ln.text)
        prev, dropped_between = ln, False
    article.text = "".join(parts)
    article.segments = segments
    article.removed = removed


def clean_article(article: Article, kind: str) -> Article:
    """kind: "text" for plain text inputs, "html" when raw_text came from the HTML extractor."""
    lines = split_lines(article.raw_text)
    for ln in lines:
        ln.reason = rule_reason(ln.text)
    _mark_date_line(lines, article)  # first: a headline with only a date line under it is a body
    _mark_title(lines, article, kind)
    _mark_repeats(lines)
    if kind == "text":  # the HTML reader trims a page's tail with the DOM in hand
        _mark_footer(lines)
    assemble(article, lines)
    article.versions["clean"] = VERSION
    return article


def drop_lines(article: Article, drops: dict[int, str]) -> None:
    """Drop more lines of an already cleaned article (by segment index), e.g. learned repeats."""
    lines = [Line(d.start, d.end, "", d.reason) for d in article.removed]
    for i, seg in enumerate(article.segments):
        text = article.text[seg.clean:seg.clean + seg.length]
        lines.append(Line(seg.raw, seg.raw + seg.length, text, drops.get(i)))
    lines.sort(key=lambda ln: ln.start)
    assemble(article, lines)
