"""Metadata: outlet, language and publication date, each with where it came from.

Never invented: no date from the clock or a file's mtime, no outlet from a folder the user did
not make, no language for a text too short to tell. Refusals are noted on the article.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from newsgraph.config import Settings
from newsgraph.records import Article

VERSION = "meta/1"

_identifier: Any = None
_NON_LETTERS = re.compile(r"[\W\d_]+")


def _language_identifier() -> Any:
    """py3langid's model, loaded once per process (rule 7: heavy things load lazily, once)."""
    global _identifier
    if _identifier is None:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        _identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    return _identifier


def detect_language(text: str, settings: Settings) -> tuple[str | None, float | None]:
    # ~800 characters tell a language as well as the whole text (py3langid is linear in length)
    sample = text[:800]
    if len(_NON_LETTERS.sub("", sample)) < settings.language_min_chars:
        return None, None
    lang, prob = _language_identifier().classify(sample)
    prob = round(float(prob), 4)
    if prob < settings.language_min_score:
        return None, prob
    return str(lang), prob


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
    article.outlet, article.outlet_source = find_outlet(article)
    article.language, article.language_score = detect_language(
        f"{article.title or ''}\n{article.text}", settings
    )
    find_published(article, html)
    article.versions["meta"] = VERSION
    return article
