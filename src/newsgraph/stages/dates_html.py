"""Publication dates in HTML pages: JSON-LD and meta tags, the visible date line around the
headline, the URL — parsed once with lxml, combined, refused when they disagree. htmldate's fast
search is the fallback when the page has neither metadata nor a date line. The value rules
(what counts as a date, how sources combine) live in dates.py."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from lxml import etree

from newsgraph.stages.dates import (
    NONE,
    TOLERANCE,
    DateFinding,
    _day,
    _find_dates,
    _line_date,
    _LineDate,
    _make_date,
    _parse_machine,
    _Parsed,
    _url_month,
    date_from_url,
)

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


def visible_lines(body: etree._Element) -> tuple[list[str], list[int]]:
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
    lines, h1s = visible_lines(body)
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


# a visible line that gives a date as the page's last change ("Last modified: 2024-01-05",
# "Updated 5 Jan 2024"): the words must come before the date, a few words at most
_MODIFIED_LINE = re.compile(
    r"\b(?:last\s+)?(?:modified|updated|edited|revised|changed|amended)\b(?:\s+(?:on|at))?"
    r"\s*:?\s*$", re.IGNORECASE)


def _visible_modified_line(tree: etree._Element, day: date) -> str | None:
    """The visible line that calls `day` the page's modification date, when the page shows
    that day only as one ("Nov 18, 2019 · Updated: Nov 18, 2019" shows it as both)."""
    body = tree.find("body")
    lines, _ = visible_lines(tree if body is None else body)
    modified = None
    for line in lines:
        for hit in _find_dates(line):
            if day not in hit.days:
                continue
            if not _MODIFIED_LINE.search(line[max(0, hit.start - 40):hit.start]):
                return None
            modified = modified or line
    return modified


def _htmldate_fallback(html: str, tree: etree._Element) -> _Cand | str | None:
    """htmldate's fast original-date search, for pages without metadata or a date line; a
    string when its answer is the page's modification date (the refusal's reason)."""
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
    modified = _visible_modified_line(tree, day)
    if modified is not None:  # the same, said in the page's text (a footer's "Last modified")
        return f"htmldate's {day} is the page's modification date ({modified[:80]})"
    # htmldate does not say which string it read: the evidence is its answer
    return _Cand(_Parsed(day, day.isoformat(), False), "html", found, 4, 0, "htmldate")


def parse_tree(html: str) -> etree._Element | None:
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
    tree = parse_tree(html)
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
        if isinstance(fallback, str):
            return DateFinding(None, None, None, fallback)
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
