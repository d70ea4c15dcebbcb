"""Publication dates with provenance: from HTML, URLs, plain-text date lines and input fields.

A wrong date is worse than none. Every function here returns a `DateFinding` that says where
its value came from (`source`) and the exact string it was read from (`evidence`); when evidence
existed but was refused, `value` is None and `reason` says why. Nothing here reads the clock
except as a sanity bound on years (a page cannot be published after next year), never as a value;
relative words ("on Thursday", "2 days ago") are never resolved here.

HTML strategy (`date_from_html`), parsing the page once with lxml:
  1. metadata: JSON-LD `datePublished` of Article-like objects, then publication `<meta>` tags
     (OpenGraph `article:published_time`, `date`, `pubdate`, `sailthru.date`, `dc.date`, ...) and
     `itemprop="datePublished"` elements. Modified dates are never used as publication dates.
  2. html: the date line a reader sees under (or just above) the headline, read with the same
     rules as plain text (`date_from_text_lines`); lines labelled "Updated" are not publication
     evidence. When neither 1 nor 2 exists, htmldate's fast original-date search is the fallback.
  3. url: `/2019/11/19/`-style path dates (and `/2019/11/` as a month check).
  Any two of these more than a day apart -> refuse (value None, reason names both). A day of
  slack is needed because metadata is often UTC while pages and URLs show the local day. When
  they agree, the reported day comes from the evidence that shows the publisher's local day:
  visible date line > metadata with a local UTC offset or no time > URL > UTC/naive metadata >
  htmldate. A full datetime is reported only when metadata gives one for that same day.
  `evidence` is the exact attribute/JSON value, text line or URL (for the htmldate fallback,
  which does not say what it read, htmldate's answer).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import unquote, urlsplit

__all__ = [
    "DateFinding",
    "combine",
    "date_from_html",
    "date_from_text_lines",
    "date_from_url",
    "parse_field_date",
]

VERSION = "dates/1"

MIN_YEAR = 1990
# two dates closer than this are "the same publication" (UTC vs local day)
TOLERANCE = timedelta(days=1)


@dataclass(frozen=True)
class DateFinding:
    value: str | None  # "YYYY-MM-DD", or "YYYY-MM-DDTHH:MM:SS+HH:MM" when the evidence has a time
    source: str | None  # metadata | html | text | url | field; None when value is None
    evidence: str | None  # the exact string the value was read from
    reason: str | None = None  # why no value although candidates existed


NONE = DateFinding(None, None, None)


def _max_year() -> int:
    # the clock only bounds plausibility; it is never a value
    return date.today().year + 1


def _plausible(year: int) -> bool:
    return MIN_YEAR <= year <= _max_year()


def _make_date(year: int, month: int, day: int) -> date | None:
    if not _plausible(year):
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _day(value: str) -> date:
    return date.fromisoformat(value[:10])


# --------------------------------------------------------------------------------------------
# month names: a fixed table (fast, no dateparser at import) for the languages seen in news

_MONTH_NAMES: dict[int, tuple[str, ...]] = {
    1: ("jan", "january", "januar", "jänner", "janvier", "janv", "enero", "ene", "janeiro",
        "gennaio", "gen", "januari", "ocak", "января", "январь", "styczeń", "stycznia"),
    2: ("feb", "february", "februar", "février", "févr", "fevrier", "febrero", "fevereiro",
        "fev", "febbraio", "februari", "şubat", "февраля", "февраль", "luty", "lutego"),
    3: ("mar", "march", "märz", "mär", "maerz", "mars", "marzo", "março", "marco", "maart",
        "mrt", "maret", "mart", "марта", "март", "marzec", "marca"),
    4: ("apr", "april", "avril", "avr", "abril", "abr", "aprile", "nisan", "апреля", "апрель",
        "kwiecień", "kwietnia"),
    5: ("may", "mai", "mayo", "maio", "maggio", "mag", "mei", "mayıs", "мая", "май", "maj",
        "maja"),
    6: ("jun", "june", "juni", "juin", "junio", "junho", "giugno", "giu", "haziran", "июня",
        "июнь", "czerwiec", "czerwca"),
    7: ("jul", "july", "juli", "juillet", "juil", "julio", "julho", "luglio", "lug", "temmuz",
        "июля", "июль", "lipiec", "lipca"),
    8: ("aug", "august", "août", "aout", "agosto", "ago", "augustus", "agustus", "agu",
        "ağustos", "августа", "август", "sierpień", "sierpnia"),
    9: ("sep", "sept", "september", "septembre", "septiembre", "setiembre", "setembro", "set",
        "settembre", "eylül", "сентября", "сентябрь", "wrzesień", "września"),
    10: ("oct", "october", "oktober", "okt", "octobre", "octubre", "outubro", "out", "ottobre",
         "ott", "ekim", "октября", "октябрь", "październik", "października"),
    11: ("nov", "november", "novembre", "noviembre", "novembro", "kasım", "ноября", "ноябрь",
         "listopad", "listopada"),
    12: ("dec", "december", "dezember", "dez", "décembre", "déc", "decembre", "diciembre", "dic",
         "dezembro", "dicembre", "desember", "aralık", "декабря", "декабрь", "grudzień",
         "grudnia"),
}
MONTHS: dict[str, int] = {
    name: num for num, names in _MONTH_NAMES.items() for name in names
}


def _month(word: str) -> int | None:
    return MONTHS.get(word.lower())


_WORD = r"[^\W\d_]{3,}"
# a 4-digit year, also when a time is glued to it ("Nov 15, 20195:45 AM")
_YEAR = r"(?P<y>(?:19|20)\d\d)(?:(?!\d)|(?=\d{1,2}:\d\d))"
_DAY = r"(?P<d>[0-3]?\d)"
_ISO_RE = re.compile(
    r"(?<![\d.])(?P<y>(?:19|20)\d\d)(?P<s>[-./])(?P<m>[01]?\d)(?P=s)(?P<d>[0-3]?\d)"
    r"(?P<t>[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?\s*(?:Z|[+-]\d\d:?\d\d)?)?(?![\d])"
)
_MONTH_FIRST_RE = re.compile(
    rf"(?<![^\W\d_])(?P<mon>{_WORD})\.?\s*{_DAY}(?:st|nd|rd|th)?(?!\d)\.?,?\s*(?:de\s+)?{_YEAR}"
)
_DAY_FIRST_RE = re.compile(
    rf"(?<![\d.:/])(?P<d>[0-3]?\d)(?:st|nd|rd|th|er|\.|º)?\s*(?:de\s+|of\s+)?"
    rf"(?P<mon>{_WORD})(?![^\W\d_])\.?,?\s+(?:de\s+)?{_YEAR}"
)
_NUMERIC_RE = re.compile(
    r"(?<![\d./-])(?P<a>[0-3]?\d)(?P<s>[./-])(?P<b>[0-3]?\d)(?P=s)"
    r"(?P<y>(?:19|20)\d\d|\d\d)(?![\d]|[./-]\d)"
)


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    days: tuple[date, ...]  # one reading, or two for an ambiguous 05/10/2018
    text: str


def _year2(y: str) -> int:
    if len(y) == 4:
        return int(y)
    # two-digit years: the nearest century that keeps the year plausible
    return 2000 + int(y) if 2000 + int(y) <= _max_year() else 1900 + int(y)


def _find_dates(line: str) -> list[_Hit]:
    """Every absolute day-month-year date in `line`, left to right, without overlaps."""
    hits: list[_Hit] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    def add(m: re.Match[str], days: Iterable[date | None]) -> None:
        found = tuple(dict.fromkeys(d for d in days if d is not None))
        if found and free(m.start(), m.end()):
            taken.append((m.start(), m.end()))
            hits.append(_Hit(m.start(), m.end(), found, m.group(0)))

    for m in _ISO_RE.finditer(line):
        add(m, [_make_date(int(m["y"]), int(m["m"]), int(m["d"]))])
    for rx in (_MONTH_FIRST_RE, _DAY_FIRST_RE):
        for m in rx.finditer(line):
            month = _month(m["mon"])
            if month is not None:
                add(m, [_make_date(int(m["y"]), month, int(m["d"]))])
    for m in _NUMERIC_RE.finditer(line):
        a, b, year = int(m["a"]), int(m["b"]), _year2(m["y"])
        if len(m["y"]) == 2 and m["s"] == "-":
            continue  # "12-05-19" is too often a code or a score
        # day-first and month-first readings; both kept when both are valid (ambiguous)
        add(m, [_make_date(year, b, a), _make_date(year, a, b)])
    hits.sort(key=lambda h: h.start)
    return hits


# --------------------------------------------------------------------------------------------
# date lines

_UPDATE_CUE = re.compile(
    r"\b(?:updated?|last\s+updated|modified|last\s+modified|edited|revised|aktualisiert|"
    r"mis\s+à\s+jour|actualizado|atualizado|aggiornato|bijgewerkt|güncellenme|обновлено)\b",
    re.I,
)
_PUBLISH_CUE = re.compile(
    r"\b(?:published|posted|first\s+published|original|publication|released|filed|written|"
    r"veröffentlicht|publiziert|publié|publicado|pubblicato|gepubliceerd|yayınlanma|"
    r"опубликовано|date|datum|fecha|data)\b|^\s*by\b|\bby\s+\w|текст",
    re.I,
)
# dates of a copy, not of the publication ("[downloaded on 2 October 2013]")
_COPY_CUE = re.compile(
    r"\b(?:downloaded|retrieved|accessed|archived|crawled|captured|printed|viewed)\b", re.I
)
# words that make a date part of a sentence about something else ("until April 14, 2024")
_STORY_PREP = re.compile(
    r"\b(?:until|till|since|from|for|before|after|through|between|and|or|to|by|in|of|at|"
    r"during|last|next|this|that|effective|starting|ending|expires?|due)\s*$",
    re.I,
)
# finite verbs: the words before the date make a sentence, not a byline
_SENTENCE_VERB = re.compile(
    r"\b(?:was|were|is|are|be|been|has|have|had|will|would|could|should|said|says|told|"
    r"announced|reported|expects?|expected|scheduled|set|due|took|takes|began|begins|ended)\b",
    re.I,
)
_WEEKDAY = re.compile(
    r"(?:\b(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|sday|urday|rsday)?\.?,?"
    r"\s*)$",
    re.I,
)
# "WASHINGTON, " / "NEW YORK, " / "KYIV, Ukraine (" before the date of a wire dateline
_DATELINE = re.compile(
    r"^\s*[A-ZÀ-Þ][A-ZÀ-Þ .'’-]{2,40}(?:,\s*[A-Z][\w .'’-]{1,30})?\s*[,(—–-]\s*$"
)
_TWEET = re.compile(r"\(@\w+\)|pic\.twitter\.com")
# lines about something else: a cited source, a photo credit, a correction notice
_NOT_PUBLICATION = re.compile(
    r"^\W*(?:source|sources|via|photo|image|credit|file photo|correction|editor'?s note|"
    r"retrieved|accessed|citation|air date|event|deadline)\b",
    re.I,
)
_MAX_DATE_LINE = 110


@dataclass(frozen=True)
class _LineDate:
    day: date | None
    evidence: str
    reason: str | None  # set when the line had a date that was refused
    ambiguous: tuple[date, ...] = ()


_HAS_YEAR = re.compile(r"\d\d")  # a 4-digit year, or the 2-digit year of 11/30/09


def _line_date(line: str) -> _LineDate | None:
    """The publication date a single line states, or a refusal, or None (not a date line)."""
    if not _HAS_YEAR.search(line):  # every accepted date has a year: most lines end here
        return None
    evidence = line.strip()
    text = " ".join(line.split())
    if not text or _TWEET.search(text) or _NOT_PUBLICATION.match(text):
        return None
    hits = _find_dates(text)
    if not hits:
        return None
    first = hits[0]
    before = text[: first.start]
    dateline = bool(_DATELINE.match(before)) and first.start <= 60
    if len(text) > _MAX_DATE_LINE and not dateline:
        return None  # a paragraph or a caption that mentions a date
    # the words before the first date: a story preposition makes it part of a sentence
    lead = _WEEKDAY.sub("", before.rstrip(" ,")).rstrip(" ,")
    cue = bool(_PUBLISH_CUE.search(before) or _UPDATE_CUE.search(before))
    if not dateline and _SENTENCE_VERB.search(before):
        return None
    if not dateline and not cue:
        if _STORY_PREP.search(lead) or re.search(r"\bon\s*$", lead, re.I):
            return None
        # a short sentence: ends with a full stop and has many words besides the date
        rest = (text[: first.start] + text[first.end :]).strip()
        if text.endswith(".") and len(rest.split()) >= 6:
            return None
    # choose the first date not labelled as an update
    prev = 0
    refused: list[str] = []
    for hit in hits:
        label = text[prev : hit.start]
        prev = hit.end
        if _COPY_CUE.search(label):
            continue
        is_update = bool(_UPDATE_CUE.search(label)) and not _PUBLISH_CUE.search(
            label[_last_update_cue(label) :]
        )
        if is_update:
            refused.append(hit.text)
            continue
        if len(hit.days) > 1:
            return _LineDate(
                None,
                evidence,
                f"ambiguous day/month order: {hit.text!r}",
                ambiguous=hit.days,
            )
        return _LineDate(hit.days[0], evidence, None)
    if not refused:
        return None  # only dates of a downloaded or archived copy
    return _LineDate(None, evidence, f"only an update date: {refused[0]!r}")


def _last_update_cue(label: str) -> int:
    last = 0
    for m in _UPDATE_CUE.finditer(label):
        last = m.end()
    return last


def _nonempty(lines: list[str]) -> Iterator[tuple[int, str]]:
    for i, line in enumerate(lines):
        if line and line.strip():
            yield i, line


def date_from_text_lines(
    lines: list[str], max_lines: int = 12
) -> tuple[DateFinding, int | None]:
    """A dateline or date line among the first `max_lines` non-empty lines of a text article.

    Returns the finding and the index in `lines` of the line it came from (so a pure date line
    can be dropped by the cleaner), or (DateFinding(None, ...), None). Only absolute dates with
    day, month and year; ambiguous numeric dates (05/10/2018) and update-only lines are refused.
    """
    reason: str | None = None
    for count, (i, line) in enumerate(_nonempty(lines)):
        if count >= max_lines:
            break
        found = _line_date(line)
        if found is None:
            continue
        if found.day is not None:
            return DateFinding(found.day.isoformat(), "text", found.evidence), i
        if found.ambiguous:
            # the date line exists but cannot be read: a later line is no better evidence
            return DateFinding(None, None, None, found.reason), None
        reason = reason or found.reason
    return DateFinding(None, None, None, reason), None


# --------------------------------------------------------------------------------------------
# single values: URL and input fields

_URL_YM = re.compile(r"/(?P<y>(?:19|20)\d\d)/(?P<m>[01]\d)/")


def _url_path(url: str) -> str:
    try:
        return unquote(urlsplit(url.strip()).path)
    except ValueError:
        return ""


def date_from_url(url: str | None) -> DateFinding:
    """A date the URL path states as path segments: /2019/11/19/, /2019/nov/18/, /2019-11-19/."""
    if not url:
        return NONE
    path = _url_path(url)
    for seg_match in re.finditer(
        r"/((?:19|20)\d\d)[/-]([01]?\d|[a-z]{3,9})[/-]([0-3]?\d)(?=[/.]|$)", path, re.I
    ):
        y, m, d = seg_match.groups()
        month = int(m) if m.isdigit() else _month(m)
        if month is None:
            continue
        day = _make_date(int(y), month, int(d))
        if day is not None:
            return DateFinding(day.isoformat(), "url", url)
    return NONE


def _url_month(url: str | None) -> tuple[int, int] | None:
    """Year and month of a /2019/11/ path: not a day, but enough to catch a wrong year."""
    if not url:
        return None
    m = _URL_YM.search(_url_path(url) + "/")
    if m and _plausible(int(m["y"])) and 1 <= int(m["m"]) <= 12:
        return int(m["y"]), int(m["m"])
    return None


_ISO_FULL = re.compile(
    r"^\s*(?P<date>(?:19|20)\d\d-[01]\d-[0-3]\d)"
    r"(?:[T ](?P<time>\d\d:\d\d(?::\d\d)?)(?:\.\d+)?\s*(?P<tz>Z|UTC|GMT|[+-]\d\d:?\d\d)?)?\s*$",
    re.I,
)


@dataclass(frozen=True)
class _Parsed:
    day: date
    value: str  # date or full datetime string
    local: bool  # the date part is the publisher's own day (explicit non-UTC offset, or no time)


def _parse_machine(value: str) -> _Parsed | None:
    """ISO 8601 and friends, as found in metadata and data fields."""
    m = _ISO_FULL.match(value)
    if m:
        day = _make_date(*(int(x) for x in m["date"].split("-")))
        if day is None:
            return None  # implausible year or not a calendar day (2024-02-30)
        if not m["time"]:
            return _Parsed(day, day.isoformat(), True)
        tz = (m["tz"] or "").upper()
        hms = m["time"] if len(m["time"]) == 8 else m["time"] + ":00"
        if not tz:
            return _Parsed(day, day.isoformat(), False)  # naive time: zone unknown
        if tz in ("Z", "UTC", "GMT"):
            return _Parsed(day, f"{day.isoformat()}T{hms}+00:00", False)
        off = tz if ":" in tz else f"{tz[:3]}:{tz[3:]}"
        return _Parsed(day, f"{day.isoformat()}T{hms}{off}", off not in ("+00:00", "-00:00"))
    # "2019-11-19 21:57:00 -0800" (sailthru) and RFC 2822 dates
    try:
        from email.utils import parsedate_to_datetime

        dt = parsedate_to_datetime(value) if re.search(r"[A-Za-z]{3},? ", value) else None
    except (TypeError, ValueError, IndexError):
        dt = None
    # a human-style date without a zone ("Monday, November 18, 2019, 08:19 PM") is local time;
    # an ISO-style one without a zone is usually UTC
    human = dt is not None
    if dt is None:
        try:
            dt = datetime.fromisoformat(value.strip())
        except ValueError:
            dt = None
    if dt is not None:
        day = _make_date(dt.year, dt.month, dt.day)
        if day is None:
            return None
        if dt.tzinfo is None:
            return _Parsed(day, day.isoformat(), human or not (dt.hour or dt.minute or dt.second))
        offset = dt.utcoffset() or timedelta(0)
        return _Parsed(day, dt.replace(microsecond=0).isoformat(), offset != timedelta(0))
    return None


def parse_field_date(value: str | None) -> DateFinding:
    """A JSONL `published` field: ISO 8601, RFC 2822, '5 April 2024', 'April 5, 2024', epoch."""
    if value is None or not str(value).strip():
        return NONE
    raw = str(value).strip()
    parsed = _parse_machine(raw)
    if parsed is not None:
        return DateFinding(parsed.value, "field", raw)
    if re.fullmatch(r"\d{10}(?:\d{3})?", raw):
        # epoch seconds or milliseconds, UTC
        secs = int(raw) / (1000 if len(raw) == 13 else 1)
        dt = datetime.fromtimestamp(secs, tz=UTC)
        if _plausible(dt.year):
            return DateFinding(dt.replace(microsecond=0).isoformat(), "field", raw)
        return DateFinding(None, None, None, f"implausible year in published field: {raw!r}")
    hits = _find_dates(raw)
    if len(hits) == 1 and len(hits[0].days) == 1 and len(raw) <= 60:
        return DateFinding(hits[0].days[0].isoformat(), "field", raw)
    if hits and len(hits[0].days) > 1:
        return DateFinding(
            None, None, None, f"ambiguous day/month order in published field: {raw!r}"
        )
    if re.search(r"(?<!\d)(\d{4})(?!\d)", raw) and not any(
        _plausible(int(y)) for y in re.findall(r"(?<!\d)(\d{4})(?!\d)", raw)
    ):
        return DateFinding(None, None, None, f"implausible year in published field: {raw!r}")
    if _ISO_FULL.match(raw):
        return DateFinding(None, None, None, f"not a calendar date in published field: {raw!r}")
    return DateFinding(None, None, None, f"unparseable published field: {raw!r}")


# --------------------------------------------------------------------------------------------
# combining

# combine(): which source's value wins when all agree (most to least trusted)
PRECEDENCE = ("field", "metadata", "html", "text", "url")


def _disagreement(findings: list[DateFinding]) -> str | None:
    for i, a in enumerate(findings):
        for b in findings[i + 1 :]:
            assert a.value is not None and b.value is not None
            if abs(_day(a.value) - _day(b.value)) > TOLERANCE:
                return f"sources disagree: {a.source} {a.value[:10]} vs {b.source} {b.value[:10]}"
    return None


def combine(*findings: DateFinding) -> DateFinding:
    """Agreeing evidence -> the value of the most trusted source; disagreement -> refusal.

    Precedence when all dates are within a day of each other: field > metadata > html > text >
    url (a day's slack because UTC metadata and local page dates differ around midnight). Any
    two more than a day apart -> value None with a reason naming both. Findings without a value
    only contribute their reasons.
    """
    valued = [f for f in findings if f.value is not None]
    if not valued:
        reasons = [f.reason for f in findings if f.reason]
        return DateFinding(None, None, None, "; ".join(reasons) if reasons else None)
    conflict = _disagreement(valued)
    if conflict:
        return DateFinding(None, None, None, conflict)

    def rank(f: DateFinding) -> int:
        return PRECEDENCE.index(f.source) if f.source in PRECEDENCE else len(PRECEDENCE)

    return min(valued, key=rank)


def date_from_html(html: str, url: str | None = None) -> DateFinding:
    """The page's publication date (see dates_html.py, kept apart for size)."""
    from newsgraph.stages.dates_html import date_from_html as from_html

    return from_html(html, url)
