"""Event time vs report time: time expressions in news text, resolved against the anchor.

The anchor is the article's publication date (never the clock: rule 5). Explicit rules, not
dateparser: news conventions ("said Thursday" means the Thursday just gone, "will meet on
Thursday" the one to come) are easier to state than to coax out of a general parser, and a
handful of regexes is fast enough to run on every sentence.

Each `TimeExpr` keeps the words, `[start, end)` offsets into the text given, the resolved date
(or None), its precision, the anchor used and a short reason (`how`).

Dates are ISO 8601 at their precision: "2024-04-04" (day), "2024-04" (month), "2024" (year).
Weeks have no precision of their own in the contract (`day|month|year`): a week ("last week",
"earlier this week", "three weeks ago", "last weekend") is given as the month that holds its
Thursday (the ISO rule for which month/year a week belongs to), precision "month", and `how`
names the week ("week of 2024-03-25 -> month"). Relative expressions without an anchor, vague
ones ("recently", "a few days ago") and ones relative to another event ("the next day") are
found but stay null, with the reason.

Tense decides which way a bare weekday or month goes: past (and unknown) -> the most recent one
on or before the anchor; future -> the next one on or after it. Tense comes from the caller
(e.g. the event predicate's parse) or, failing that, from cue words around the expression.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

__all__ = ["TimeExpr", "find_times", "parse_anchor", "sentence_tense"]

VERSION = "timex/1"

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12,
    "dec": 12,
}
NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
}


@dataclass(slots=True)
class TimeExpr:
    text: str
    start: int
    end: int
    date: str | None  # ISO at its precision: YYYY-MM-DD | YYYY-MM | YYYY
    precision: str | None  # day | month | year (weeks -> month, see module doc)
    anchor: str | None  # the publication date it was resolved against
    how: str  # e.g. "weekday, past: most recent Thursday on or before anchor"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def parse_anchor(value: str | date | None) -> date | None:
    """The day of a publication date ("2024-04-05" or a datetime string); None stays None."""
    if value is None or isinstance(value, date):
        return value
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", value.strip())
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


# --- the patterns --------------------------------------------------------------------------

_WD = r"(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_MON = (r"(?P<mon>January|February|March|April|May|June|July|August|September|October|"
        r"November|December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|"
        r"Nov\.?|Dec\.?)")
_PART = r"(?:\s+(?:morning|afternoon|evening|night))?"
_NUM = r"(?P<n>\d{1,3}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|" \
       r"fifteen|twenty|a\s+few|a\s+couple\s+of|few|several|many|some)"
_UNIT = r"(?P<unit>day|week|month|year|decade)s?"
_YEAR = r"(?P<year>(?:19|20)\d{2})"

# Ordered: the first pattern to claim a span wins, so longer forms come first.
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"\b(?P<y>(?:19|20)\d{2})-(?P<m>\d{2})-(?P<d>\d{2})\b")),
    # "Tuesday, April 2, 2024", "April 2", "Apr. 2nd 2023"
    ("mdy", re.compile(rf"\b(?:{_WD},?\s+)?{_MON}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b"
                       rf"(?:,?\s+{_YEAR}\b)?")),
    # "2 April 2024", "14 April", "Tuesday 2 April"
    ("dmy", re.compile(rf"\b(?:{_WD},?\s+)?(?:the\s+)?(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+"
                       rf"(?:of\s+)?{_MON}(?!\w)(?:,?\s+{_YEAR}\b)?")),
    ("month_year", re.compile(rf"\b(?:(?:early|mid|late)[-\s]+)?{_MON}(?:,\s*|\s+(?:of\s+)?)"
                              rf"{_YEAR}\b")),
    ("this_unit", re.compile(r"\b(?P<rel>earlier|later)\s+(?:this|in\s+the)\s+"
                             r"(?P<u>week|month|year)\b", re.I)),
    ("late_last", re.compile(r"\b(?:early|late|earlier|later)\s+(?P<rel>last|next)\s+"
                             r"(?P<u>week|month|year)\b", re.I)),
    ("rel_unit", re.compile(r"\b(?P<rel>last|next|this|past|previous|coming|following)\s+"
                            r"(?P<u>week(?:end)?|month|year)\b", re.I)),
    ("ago", re.compile(rf"\b{_NUM}\s+{_UNIT}\s+(?P<dir>ago|earlier|before|later|from\s+now)\b",
                       re.I)),
    ("rel_wd", re.compile(rf"\b(?P<rel>last|next|this|coming|past)\s+{_WD}{_PART}\b")),
    # not a newspaper's name ("The Sunday Times")
    ("wd", re.compile(rf"\b{_WD}{_PART}(?:['’]s)?\b(?!\s+(?:Times|Telegraph|Express|Mirror|"
                      rf"Herald|Post|Star|Tribune|Night\s+Live)\b)")),
    ("rel_month", re.compile(rf"\b(?P<rel>last|next|this|in|early|mid|late|since|until|by|"
                             rf"during|from)[-\s]+(?:(?:early|mid|late)[-\s]+)?{_MON}(?!\w)")),
    ("day_word", re.compile(r"\b(?P<w>the\s+day\s+before\s+yesterday|the\s+day\s+after\s+"
                            r"tomorrow|yesterday|today|tomorrow|tonight|last\s+night|"
                            r"this\s+(?:morning|afternoon|evening))\b", re.I)),
    ("year", re.compile(rf"\b(?P<prep>in|since|by|during|until|before|after|of|from|early|"
                        rf"late|mid)[-\s]+{_YEAR}\b(?![-/]\d)")),
    ("decade", re.compile(r"\b(?:the\s+)?(?:19|20)\d0s\b")),
    ("vague", re.compile(r"\b(?:recently|soon|the\s+(?:next|following|previous)\s+"
                         r"(?:day|morning|night|evening)|the\s+day\s+before|in\s+recent\s+"
                         r"(?:days|weeks|months|years))\b", re.I)),
]

_FUTURE = re.compile(
    r"\b(?:will|won['’]t|shall|would|'ll|going\s+to|is\s+to|are\s+to|set\s+to|due\s+to|"
    r"scheduled|expected\s+to|plans?\s+to|planned|upcoming|intends?\s+to|next)\b|['’]ll\b",
    re.I)
# regular pasts by their ending, the common irregular ones by name
_PAST = re.compile(
    r"\b(?:was|were|had|did|said|told|met|held|took|made|came|went|began|saw|gave|left|got|"
    r"fought|won|lost|spoke|wrote|sent|struck|shot|fell|rose|led|hit|drew|fled|grew|kept|"
    r"knew|paid|ran|sank|sold|stood|swept|threw|broke|brought|built|ago|last|\w{3,}ed)\b",
    re.I)
# where a clause ends, for reading tense cues near the expression
_BOUNDARY = re.compile(r"[;:.!?]|,\s|\bthat\b|\bbut\b|\bafter\b|\bbefore\b|\bwhen\b|—|–| - ")


def sentence_tense(text: str, start: int, end: int) -> str | None:
    """'past' | 'future' | None from cue words in the clause around text[start:end]: the words
    before it back to a clause boundary first (in "said on Monday that it will", the Monday is
    the saying's), then the words after it up to the next boundary."""
    left_lo = 0
    for m in _BOUNDARY.finditer(text, 0, start):
        left_lo = m.end()
    left = text[left_lo:start]
    rest = text[end:]
    m = re.match(r"\s*[,]\s*", rest)
    skip = m.end() if m else 0
    b = _BOUNDARY.search(rest, skip)
    right = rest[skip:b.start() if b else len(rest)]
    for ctx in (left, right):
        if _FUTURE.search(ctx):
            return "future"
        if _PAST.search(ctx):
            return "past"
    return None


def _week_month(monday: date) -> tuple[str, str]:
    thursday = monday + timedelta(days=3)
    return f"{thursday.year:04d}-{thursday.month:02d}", f"week of {monday.isoformat()} -> month"


def _shift_month(y: int, m: int, k: int) -> tuple[int, int]:
    idx = y * 12 + (m - 1) + k
    return idx // 12, idx % 12 + 1


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _count(word: str) -> int | None:
    word = re.sub(r"\s+", " ", word.lower())
    if word.isdigit():
        return int(word)
    return NUMBERS.get(word)  # "a few", "several": None -> vague


Resolved = tuple[str | None, str | None, str]


def _weekday(wd: str, anchor: date, tense: str | None, rel: str | None) -> Resolved:
    target = WEEKDAYS.index(wd.lower())
    back = (anchor.weekday() - target) % 7
    fwd = (target - anchor.weekday()) % 7
    rel = (rel or "").lower()
    if rel in ("last", "past"):
        d, how = anchor - timedelta(days=back or 7), f"last {wd}: before anchor"
    elif rel in ("next", "coming"):
        d, how = anchor + timedelta(days=fwd or 7), f"next {wd}: after anchor"
    elif tense == "future":
        d, how = anchor + timedelta(days=fwd), f"weekday, future: next {wd} on or after anchor"
    else:
        d = anchor - timedelta(days=back)
        how = f"weekday, {tense or 'default past'}: most recent {wd} on or before anchor"
    return d.isoformat(), "day", how


def _month_day(mon: int, day: int, anchor: date, tense: str | None) -> Resolved:
    cands = [c for y in (anchor.year - 1, anchor.year, anchor.year + 1)
             if (c := _safe_date(y, mon, day)) is not None]
    if not cands:
        return None, None, "no such day"
    if tense == "past":
        before = [c for c in cands if c <= anchor]
        pick, how = max(before), "month-day, past: most recent on or before anchor"
    elif tense == "future":
        after = [c for c in cands if c >= anchor]
        pick, how = min(after), "month-day, future: next on or after anchor"
    else:
        pick = min(cands, key=lambda c: (abs((c - anchor).days), c))
        how = "month-day: year nearest the anchor"
    return pick.isoformat(), "day", how


def _month_only(mon: int, anchor: date, tense: str | None, rel: str) -> Resolved:
    y, cur = anchor.year, anchor.month
    if rel == "last":
        y, how = (y if mon < cur else y - 1), "last month-name: most recent before anchor"
    elif rel == "next":
        y, how = (y if mon > cur else y + 1), "next month-name: first after anchor"
    elif tense == "past":
        y, how = (y if mon <= cur else y - 1), "month, past: most recent on or before anchor"
    elif tense == "future":
        y, how = (y if mon >= cur else y + 1), "month, future: next on or after anchor"
    else:
        how = "month, tense unknown: the anchor's year"
    return f"{y:04d}-{mon:02d}", "month", how


def _relative_unit(unit: str, k: int, anchor: date) -> Resolved:
    """k units from the anchor (negative = back)."""
    unit = unit.lower()
    if unit == "day":
        return (anchor + timedelta(days=k)).isoformat(), "day", f"{k:+d} day(s) from anchor"
    if unit in ("week", "weekend"):
        monday = anchor - timedelta(days=anchor.weekday()) + timedelta(weeks=k)
        if unit == "weekend":
            sat = monday + timedelta(days=5)
            return f"{sat.year:04d}-{sat.month:02d}", "month", \
                f"weekend of {sat.isoformat()} -> month"
        value, how = _week_month(monday)
        return value, "month", f"{k:+d} week(s): {how}"
    if unit == "month":
        y, m = _shift_month(anchor.year, anchor.month, k)
        return f"{y:04d}-{m:02d}", "month", f"{k:+d} month(s) from anchor"
    if unit == "year":
        return f"{anchor.year + k:04d}", "year", f"{k:+d} year(s) from anchor"
    return None, None, f"{unit}: no precision for it"


def _resolve(kind: str, m: re.Match[str], text: str, anchor: date | None,
             tense: str | None) -> Resolved:
    g = m.groupdict()
    if kind == "iso":
        d = _safe_date(int(g["y"]), int(g["m"]), int(g["d"]))
        return (d.isoformat(), "day", "ISO date") if d else (None, None, "not a valid date")
    if kind in ("mdy", "dmy"):
        mon, day = MONTHS[g["mon"].lower().rstrip(".")], int(g["day"])
        if g.get("year"):
            d = _safe_date(int(g["year"]), mon, day)
            return (d.isoformat(), "day", "full date") if d else (None, None, "no such day")
        if anchor is None:
            return None, None, "month-day without a year and no anchor"
        return _month_day(mon, day, anchor, tense)
    if kind == "month_year":
        mon = MONTHS[g["mon"].lower().rstrip(".")]
        return f"{int(g['year']):04d}-{mon:02d}", "month", "month and year"
    if kind == "year":
        return g["year"], "year", f"year ({g['prep'].lower()})"
    if kind == "decade":
        return None, None, "decade: no precision for it"
    if kind == "vague":
        return None, None, "vague or relative to another event"
    if anchor is None:
        return None, None, "relative expression and no anchor"
    if kind == "day_word":
        w = re.sub(r"\s+", " ", g["w"].lower())
        k = {"yesterday": -1, "last night": -1, "tomorrow": 1, "the day before yesterday": -2,
             "the day after tomorrow": 2}.get(w, 0)
        return (anchor + timedelta(days=k)).isoformat(), "day", f"{w}: {k:+d} day(s) from anchor"
    if kind in ("rel_unit", "this_unit", "late_last"):
        rel, unit = g["rel"].lower(), g["u"].lower()
        if rel in ("following", "previous"):
            return None, None, f"{rel} {unit}: relative to another event"
        if rel == "past":
            return None, None, f"past {unit}: a span up to the anchor, not a time"
        if rel in ("earlier", "later", "this"):
            k = 0
        elif rel == "last":
            k = -1
        elif rel == "coming" and unit == "weekend":
            k = 0 if anchor.weekday() < 5 else 1
        else:
            k = 1
        if unit == "weekend" and k == -1 and anchor.weekday() >= 5:
            k = 0  # on a Sunday "last weekend" is most likely the one just ending
        return _relative_unit(unit, k, anchor)
    if kind == "ago":
        n = _count(g["n"])
        if n is None:
            return None, None, f"vague count: {g['n']}"
        direction = g["dir"].lower()
        if direction in ("earlier", "before", "later"):
            return None, None, "relative to another event"
        sign = -1 if direction == "ago" else 1
        unit = g["unit"].lower()
        if unit == "decade":
            return None, None, "decades: no precision for it"
        return _relative_unit(unit, sign * n, anchor)
    if kind == "rel_wd":
        rel = g["rel"].lower()
        if rel == "this":  # "this Friday" looks ahead unless the clause is past tense
            return _weekday(g["wd"], anchor, "past" if tense == "past" else "future", None)
        return _weekday(g["wd"], anchor, tense, rel)
    if kind == "wd":
        return _weekday(g["wd"], anchor, tense, None)
    if kind == "rel_month":
        mon = MONTHS[g["mon"].lower().rstrip(".")]
        rel = g["rel"].lower()
        return _month_only(mon, anchor, tense, rel if rel in ("last", "next") else "")
    return None, None, f"unhandled {kind}"


def _strip(kind: str, m: re.Match[str], text: str) -> tuple[int, int]:
    """Span without the leading preposition: the expression is "2019", not "in 2019"."""
    s, e = m.span()
    if kind in ("year", "rel_month"):
        lead = re.match(r"(?:in|since|by|during|until|before|after|of|from)\s+", text[s:e])
        if lead:
            s += lead.end()
    return s, e


def find_times(text: str, anchor: str | date | None, tense: str | None = None,
               ) -> list[TimeExpr]:
    """Every time expression in `text`, in order, resolved against `anchor` (the publication
    date; None -> relative expressions stay null). `tense` ('past' | 'future') overrides the
    cue-word guess for every expression (a caller with one predicate's parse knows better)."""
    day = parse_anchor(anchor)
    anchor_s = day.isoformat() if day else None
    taken: list[tuple[int, int]] = []
    out: list[TimeExpr] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            s, e = _strip(kind, m, text)
            if any(s < te and ts < e for ts, te in taken):
                continue
            t = tense or sentence_tense(text, s, e)
            value, precision, how = _resolve(kind, m, text, day, t)
            taken.append((s, e))
            out.append(TimeExpr(text[s:e], s, e, value, precision, anchor_s, how))
    out.sort(key=lambda x: x.start)
    return out
