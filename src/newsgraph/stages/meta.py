"""Metadata: outlet, language and publication date, each with where it came from.

Never invented: no date from the clock or a file's mtime, no outlet from a folder the user did
not make, no language for a text too short to tell. Refusals are noted on the article.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from newsgraph.config import Settings
from newsgraph.records import Article

VERSION = "meta/1"

_NON_LETTERS = re.compile(r"[\W\d_]+")
# CLD2 (Google's compact language detector, what Common Crawl labels its pages with) rejects
# control characters and lone surrogates; they carry no language anyway.
_CLD2_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def _has_letters(sample: str, needed: int) -> bool:
    """At least `needed` letters in sample: a prefix answers for almost every text (the
    letter count of 3,000 characters was ~4% of a no-NLP ingest)."""
    prefix = sample[:8 * needed]
    if len(_NON_LETTERS.sub("", prefix)) >= needed:
        return True
    return len(prefix) < len(sample) and len(_NON_LETTERS.sub("", sample)) >= needed


def detect_language(text: str, settings: Settings) -> tuple[str | None, float | None]:
    """ISO 639-1 code and CLD2's share of the sample in that language (0-1), or None when the
    text is too short or CLD2 does not call its answer reliable."""
    import pycld2  # lazy: a C extension, cheap to load

    sample = _CLD2_UNSAFE.sub(" ", text[:3000])
    if not _has_letters(sample, settings.language_min_chars):
        return None, None
    try:
        reliable, _, details = pycld2.detect(sample)
    except pycld2.error:
        return None, None
    name, code, percent, _ = details[0]
    score = round(percent / 100, 4)
    if not reliable or code == "un" or score < settings.language_min_score:
        return None, score
    return code, score


def outlet_from_url(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = (urlsplit(url.strip()).hostname or "").lower().rstrip(".")
    except ValueError:
        return None
    for prefix in ("www.", "m.", "amp.", "mobile."):
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix):]
    return host or None


def find_outlet(article: Article) -> tuple[str | None, str | None]:
    hints = article.hints
    if hints.get("outlet"):
        return str(hints["outlet"]).strip(), "field"
    if hints.get("sitename"):
        return str(hints["sitename"]).strip(), "metadata"
    host = outlet_from_url(article.url)
    if host:
        return host, "url"
    if hints.get("folder"):
        return str(hints["folder"]), "folder"
    return None, None


def find_published(article: Article, html: str | None) -> None:
    """Gather every date the evidence gives and keep it only when the sources agree."""
    from newsgraph.stages import dates

    findings = []
    if article.hints.get("published"):
        field = dates.parse_field_date(str(article.hints["published"]))
        findings.append(field)
        if field.value is None and field.reason:
            article.notes["published_field_refused"] = field.reason
    if html is not None:
        findings.append(dates.date_from_html(html, article.url))
    elif article.url:
        findings.append(dates.date_from_url(article.url))
    text_date = article.notes.get("text_date")
    if text_date:
        findings.append(dates.DateFinding(text_date["value"], "text", text_date["evidence"]))
    elif article.notes.get("text_date_refused"):
        findings.append(dates.DateFinding(None, None, None,
                                          f"text: {article.notes['text_date_refused']}"))
    found = [f for f in findings if f.value is not None or f.reason]
    if not found:
        return
    result = dates.combine(*found)
    article.published = result.value
    article.published_source = result.source if result.value else None
    article.published_evidence = result.evidence if result.value else None
    if result.value is None and result.reason:
        article.notes["published_refused"] = result.reason


def annotate(article: Article, html: str | None, settings: Settings) -> Article:
    # what the reader could not use, or judged not the article (read/jsonl.py, html_left_out.py)
    for key in ("fields_ignored", "reader_left_out"):
        if article.hints.get(key):
            article.notes[key] = article.hints[key]
    article.outlet, article.outlet_source = find_outlet(article)
    article.language, article.language_score = detect_language(
        f"{article.title or ''}\n{article.text}", settings
    )
    find_published(article, html)
    article.versions["meta"] = VERSION
    return article
