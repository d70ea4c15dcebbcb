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

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import unquote, urlsplit

from lxml import etree

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


def _line_date(line: str) -> _LineDate | None:
    """The publication date a single line states, or a refusal, or None (not a date line)."""
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


# --------------------------------------------------------------------------------------------
# HTML

_ARTICLE_TYPES = {
    "article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle",
    "opinionnewsarticle", "backgroundnewsarticle", "reviewnewsarticle", "liveblogposting",
    "socialmediaposting", "techarticle", "scholarlyarticle", "report", "posting",
    "discussionforumposting", "advertisercontentarticle", "satiricalarticle",
}
_PAGE_TYPES = {"webpage", "itempage", "collectionpage", "aboutpage", "medicalwebpage"}
_META_PUBLISHED = (
    "article:published_time", "og:article:published_time", "article:published",
    "og:published_time", "datepublished", "article.published", "publishdate", "publish-date",
    "publish_date", "published_date", "published-date", "published_time", "publication_date",
    "pubdate", "sailthru.date", "parsely-pub-date", "dc.date.issued", "dc.date", "dcterms.date",
    "dcterms.issued", "dcterms.created", "dc.date.created", "dc.created",
    "citation_publication_date", "citation_date", "date", "article.created", "datecreated",
    "originalpublicationdate",
    "rnews:datepublished", "og:pubdate", "og:publish_date", "published_at", "displaydate",
    "dateposted", "date_published", "content_create_date", "doc_date", "article_date_original",
)
_META_RANK = {name: i for i, name in enumerate(_META_PUBLISHED)}
_BODY_RANK = 100  # itemprop="datePublished" on body elements: often a related story's
_JSONLD_DATE = re.compile(r'"datePublished"\s*:\s*"([^"]{8,40})"')


@dataclass(frozen=True)
class _Cand:
    parsed: _Parsed
    source: str  # metadata | html | url
    evidence: str  # the exact string read: attribute value, JSON value, text line, URL
    tier: int  # lower = better at telling the publisher's local day
    rank: int = 0  # metadata only: lower = more trusted tag (JSON-LD article first)
    where: str = ""  # which tag or line, for refusal reasons


def _walk_jsonld(node: object, kind: str | None = None) -> Iterator[tuple[str, str, str]]:
    """(type family, key, date) triples, skipping dates of nested comments, videos, etc."""
    if isinstance(node, list):
        for item in node:
            yield from _walk_jsonld(item, kind)
        return
    if not isinstance(node, dict):
        return
    types = node.get("@type")
    names = {str(t).lower() for t in (types if isinstance(types, list) else [types]) if t}
    if names & _ARTICLE_TYPES:
        family: str | None = "article"
    elif names & _PAGE_TYPES:
        family = "page"
    elif names:
        family = None  # VideoObject, Comment, Person, ...: its dates are not the article's
    else:
        family = kind  # untyped wrapper: inherits
    key = "datePublished" if node.get("datePublished") else "dateCreated"
    published = node.get(key) if key == "datePublished" or family == "article" else None
    if family and isinstance(published, str):
        yield family, key, published
    for key, child in node.items():
        if key in ("@graph", "mainEntity", "mainEntityOfPage", "itemListElement") or (
            family is None and not names
        ):
            yield from _walk_jsonld(child, family if key != "@graph" else None)


def _jsonld_dates(tree: etree._Element) -> list[tuple[int, str, str]]:
    out: list[tuple[int, str, str]] = []
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        text = (script.text or "").strip()
        if "datePublished" not in text and "dateCreated" not in text:
            continue
        try:
            data = json.loads(text, strict=False)
        except ValueError:
            # malformed JSON-LD is common (trailing commas, raw newlines): read the key directly
            out.extend((2, "datePublished", m.group(1)) for m in _JSONLD_DATE.finditer(text))
            continue
        for family, key, value in _walk_jsonld(data):
            out.append((0 if family == "article" else 1, key, value))
    return out


def _metadata(tree: etree._Element) -> list[_Cand]:
    """Publication dates from JSON-LD, meta tags and itemprop, best first."""
    found: list[tuple[int, str, str]] = []  # (rank, raw value, where)
    for rank, key, value in _jsonld_dates(tree):
        found.append((rank, value.strip(), f"JSON-LD {key}"))
    for el in tree.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
        if key in _META_RANK:
            value = (el.get("content") or el.get("datetime") or "").strip()
            if value:
                found.append((10 + _META_RANK[key], value, f"<meta {key}>"))
    for el in tree.xpath('//*[@itemprop="datePublished"][not(self::meta)]'):
        value = (el.get("datetime") or el.get("content") or "").strip()
        if value:
            found.append((_BODY_RANK, value, f'<{el.tag} itemprop="datePublished">'))
    found.sort(key=lambda x: x[0])
    cands: list[_Cand] = []
    for rank, value, where in found:
        parsed = _parse_machine(value)
        if parsed is None:
            hits = _find_dates(value)
            if len(hits) == 1 and len(hits[0].days) == 1:
                parsed = _Parsed(hits[0].days[0], hits[0].days[0].isoformat(), True)
        if parsed is not None:
            tier = 1 if parsed.local else 3
            cands.append(_Cand(parsed, "metadata", value, tier, rank, where))
    return cands


_BLOCK_TAGS = frozenset(
    {
        "p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "br", "tr", "td", "th", "section",
        "article", "header", "footer", "ul", "ol", "figure", "figcaption", "aside", "nav", "main",
        "dd", "dt", "dl", "address", "blockquote", "table", "form", "hr",
    }
)
_SKIP_TAGS = frozenset(
    {"script", "style", "noscript", "template", "svg", "iframe", "head", "select", "option"}
)
_HEADER_BEFORE = 2  # date lines just above the headline (cityam, wired)
_HEADER_AFTER = 25
_MAX_PARAGRAPHS = 2


def _visible_lines(body: etree._Element) -> tuple[list[str], list[int]]:
    """The page's visible text as lines (one per block element), and where each H1 starts."""
    lines: list[str] = []
    h1_at: list[int] = []
    buf: list[str] = []

    def flush() -> None:
        text = " ".join("".join(buf).split())
        buf.clear()
        if text:
            lines.append(text)

    # iterative walk: no recursion limit on deeply nested pages
    walker = etree.iterwalk(body, events=("start", "end"))
    for event, el in walker:
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if event == "start":
            if not tag or tag in _SKIP_TAGS:
                walker.skip_subtree()
                continue
            if tag in _BLOCK_TAGS:
                flush()
            if tag == "h1":
                h1_at.append(len(lines))
            if el.text:
                buf.append(el.text)
        else:
            if tag in _BLOCK_TAGS:
                flush()
            if el.tail and el is not body:
                buf.append(el.tail)
    flush()
    return lines, h1_at


def _title_words(tree: etree._Element) -> set[str]:
    """Words of the page's title (og:title first: <title> often adds the site name)."""
    for el in tree.iter("meta"):
        key = (el.get("property") or el.get("name") or "").lower()
        if key in ("og:title", "twitter:title") and el.get("content"):
            return set(re.findall(r"\w{3,}", el.get("content", "").lower()))
    text = " ".join("".join(t.itertext()) for t in tree.iter("title"))
    return set(re.findall(r"\w{3,}", text.lower()))


def _header_lines(tree: etree._Element) -> list[str]:
    """Lines around the article's headline: the H1 sharing most words with the page title, or
    failing that (logo H1s, headlines in other tags) the line that best matches the title."""
    body = tree.find("body")
    if body is None:
        body = tree
    lines, h1s = _visible_lines(body)
    want = _title_words(tree)

    def words(i: int) -> set[str]:
        return set(re.findall(r"\w{3,}", lines[i].lower()))

    def shared(i: int) -> int:
        return len(words(i) & want)

    h1s = [i for i in h1s if i < len(lines)]
    anchor = max(h1s, key=shared, default=None)  # max() keeps the first of equals
    if want and (anchor is None or shared(anchor) < 2):
        # a headline-like line: most of its words are title words, and it has half the title
        best = max(
            (i for i, line in enumerate(lines) if len(line) <= 300),
            key=lambda i: (shared(i) >= 0.6 * len(words(i)), shared(i)),
            default=None,
        )
        if (
            best is not None
            and shared(best) >= max(2, (len(want) + 1) // 2)
            and shared(best) >= 0.6 * len(words(best))
        ):
            anchor = best
    if anchor is None:
        return []
    header = lines[max(0, anchor - _HEADER_BEFORE) : anchor + 1]
    paragraphs = 0
    for line in lines[anchor + 1 : anchor + 1 + _HEADER_AFTER]:
        # the byline zone ends where the story's paragraphs begin
        paragraphs += len(line) > 200
        if paragraphs > _MAX_PARAGRAPHS:
            break
        header.append(line)
    return header


def _visible_date(tree: etree._Element) -> _LineDate | None:
    """The date line under the headline, as a reader sees it (a refusal if it is ambiguous)."""
    for line in _header_lines(tree):
        found = _line_date(line)
        if found is not None and (found.day is not None or found.ambiguous):
            return found
    return None


def _visible_cand(found: _LineDate | None, others: list[_Cand]) -> _Cand | None:
    """The visible date as evidence; an ambiguous 05/10/2018 counts only when another source
    gives exactly one of its readings (the other evidence decides, nothing is guessed)."""
    if found is None:
        return None
    day = found.day
    if day is None:
        matches = {c.parsed.day for c in others} & set(found.ambiguous)
        day = matches.pop() if len(matches) == 1 else None
    if day is None:
        return None
    return _Cand(_Parsed(day, day.isoformat(), True), "html", found.evidence, 0, 0, "date line")


_META_MODIFIED = frozenset(
    {
        "article:modified_time", "og:article:modified_time", "og:updated_time", "article:modified",
        "datemodified", "dc.modified", "dcterms.modified", "lastmod", "last-modified",
        "lastmodified", "modified", "modified_time", "updated_time", "revision_date",
        "article.updated",
    }
)
_JSONLD_MODIFIED = re.compile(r'"dateModified"\s*:\s*"([^"]{8,40})"')


def _modified_days(tree: etree._Element) -> set[date]:
    """Days the page gives as modification dates (never publication evidence)."""
    values = [
        el.get("content") or el.get("datetime") or ""
        for el in tree.iter("meta")
        if (el.get("property") or el.get("name") or el.get("itemprop") or "").lower()
        in _META_MODIFIED
    ]
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() == "application/ld+json":
            values += _JSONLD_MODIFIED.findall(script.text or "")
    parsed = (_parse_machine(v.strip()) for v in values if v.strip())
    return {p.day for p in parsed if p is not None}


def _htmldate_fallback(html: str, tree: etree._Element) -> _Cand | None:
    """htmldate's fast original-date search, for pages without metadata or a date line."""
    from htmldate import find_date

    try:
        found = find_date(html, extensive_search=False, original_date=True)
    except (ValueError, TypeError):  # htmldate on broken input: no date is the safe answer
        return None
    if not found:
        return None
    day = _make_date(*(int(x) for x in found.split("-")))
    # htmldate falls back to the modified date when it finds no other: not a publication date
    if day is None or day in _modified_days(tree):
        return None
    # htmldate does not say which string it read: the evidence is its answer
    return _Cand(_Parsed(day, day.isoformat(), False), "html", found, 4, 0, "htmldate")


def _parse_tree(html: str) -> etree._Element | None:
    if not html or not html.strip():
        return None
    # bytes with an explicit encoding: lxml refuses str with an XML declaration, and bytes
    # alone would be guessed as Latin-1. Plain etree elements: no per-node class lookup.
    parser = etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
    try:
        tree = etree.fromstring(html.encode("utf-8", "replace"), parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None
    return tree


def _page_url(tree: etree._Element) -> str | None:
    for el in tree.iter("link"):
        if (el.get("rel") or "").lower() == "canonical" and el.get("href"):
            return el.get("href")
    for el in tree.iter("meta"):
        if (el.get("property") or "").lower() == "og:url" and el.get("content"):
            return el.get("content")
    return None


def date_from_html(html: str, url: str | None = None) -> DateFinding:
    """Publication date of an HTML page from metadata, the visible date line and the URL.

    See the module docstring for the order; any two kinds of evidence more than a day apart
    -> refusal with a reason.
    """
    tree = _parse_tree(html)
    if tree is None:
        return date_from_url(url)
    url = url or _page_url(tree)
    cands: list[_Cand] = []  # one per kind of evidence: these must agree
    helpers: list[_Cand] = []  # more head metadata agreeing with the first: local-day hints
    meta = _metadata(tree)
    if meta:
        # the best-ranked publication date speaks for the metadata; other head tags only help
        # pick the local day when they agree with it (a far-off one, or an itemprop in the
        # body, belongs to another object on the page: a related story, a comment)
        cands.append(meta[0])
        helpers = [
            c for c in meta[1:]
            if c.rank < _BODY_RANK and abs(c.parsed.day - meta[0].parsed.day) <= TOLERANCE
        ]
    url_found = date_from_url(url)
    if url_found.value is not None:
        url_day = _Parsed(_day(url_found.value), url_found.value, True)
        cands.append(_Cand(url_day, "url", url or "", 2, 0, "URL"))
    visible = _visible_cand(_visible_date(tree), cands)
    if visible is not None:
        cands.append(visible)
    if not meta and visible is None:
        fallback = _htmldate_fallback(html, tree)
        if fallback is not None:
            cands.append(fallback)
    if not cands:
        return NONE
    # refuse when evidence disagrees by more than a day
    for i, a in enumerate(cands):
        for b in cands[i + 1 :]:
            if abs(a.parsed.day - b.parsed.day) > TOLERANCE:
                return DateFinding(
                    None,
                    None,
                    None,
                    f"sources disagree: {a.source} {a.parsed.day} ({a.where}: {a.evidence[:80]}) "
                    f"vs {b.source} {b.parsed.day} ({b.where}: {b.evidence[:80]})",
                )
    month = _url_month(url)
    best = min(cands + helpers, key=lambda c: c.tier)
    # /2019/11/ in the URL but a date in another month (a day's slack at month ends)
    if month and all(
        (d.year, d.month) != month
        for d in (best.parsed.day - TOLERANCE, best.parsed.day, best.parsed.day + TOLERANCE)
    ):
        return DateFinding(
            None,
            None,
            None,
            f"sources disagree: {best.source} {best.parsed.day} vs url month "
            f"{month[0]}-{month[1]:02d}",
        )
    # a metadata datetime for the same day is the more precise value
    if best.source != "metadata" or "T" not in best.parsed.value:
        for c in cands + helpers:
            if c.source == "metadata" and c.parsed.day == best.parsed.day and "T" in c.parsed.value:
                return DateFinding(c.parsed.value, "metadata", c.evidence)
    return DateFinding(best.parsed.value, best.source, best.evidence)
