"""Main-text and metadata extraction from one HTML page.

trafilatura finds the article container; on its XML tree we then apply generic page-structure
rules it does not have: the headline repeated at the top, "related articles" link lists and
newsletter/share/copyright blocks at the end, and a second opinion from readability when
trafilatura keeps only a fragment of an article split into several containers.
No publication date here: that is the dates module's job.
"""

from __future__ import annotations

import logging
import re
from copy import deepcopy
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lxml.etree import _Element
    from lxml.html import HtmlElement

LOGGER = logging.getLogger(__name__)

# Pages above this size are cut before parsing: no article needs more, and lxml's time grows
# with the page (trafilatura's own default cap is larger, about 20 MB).
MAX_HTML_CHARS = 8_000_000

_WORD = re.compile(r"\w+")
# Characters lxml refuses in a str (XML-incompatible controls) and that never carry text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_URL_OR_EMAIL = re.compile(r"^(?:(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+\.[\w.-]+)$", re.IGNORECASE)

# Short blocks made of site furniture rather than article prose. Matched only on short
# elements (see _is_furniture), so a sentence that merely mentions "share" is kept.
_FURNITURE = re.compile(
    r"""^(?:
        (?:share|tweet|print|pin)\b(?:\W+\w+){0,4}\W*$
      | .*\b(?:subscribe|subscription|newsletters?|sign(?:ing)?\s+up|inbox|unsubscribe)\b
      | .*\ball\s+rights\s+reserved\b | (?:copyright|©)\s.* | .*©\s*(?:19|20)\d\d\b
      | (?:advertisement|sponsored(?:\s+content)?|ad)$
      | (?:read|see|view|show)\s+(?:more|next|also|all|full)\b.*
      | (?:related|recommended|trending|popular|more\s+from|more\s+on|also\s+on|most\s+read)\b.{0,80}$
      | (?:you\s+(?:may|might)\s+also\s+like|don'?t\s+miss|further\s+reading)\b.*
      | follow\s+(?:us|me|him|her|them|@)\b.* | like\s+this\s+(?:story|article)\b.*
      | (?:tags?|filed\s+under|posted\s+in|categor(?:y|ies)|topics?)\s*:.*
      | (?:leave\s+a\s+(?:comment|reply)|\d+\s+comments?|comments?|reply)$
      | (?:an\s+error\s+(?:has\s+)?occurred|there\s+was\s+an\s+error)\b.*
      | (?:thanks?|thank\s+you)\s+for\s+(?:signing|subscribing|reading|your\s+interest)\b.*
      | click\s+here\b.* | (?:order\s+reprints|print\s+article|reprints?)$
    )""",
    re.IGNORECASE | re.VERBOSE,
)


@dataclass
class HtmlExtraction:
    text: str  # main article body, one paragraph per line ("\n" between paragraphs), no title
    title: str | None
    sitename: str | None  # from metadata (og:site_name etc.), or None
    url: str | None  # canonical/og:url from the page, or None
    author: str | None
    description: str | None
    language: str | None  # html lang attribute / metadata, or None
    extractor: str  # which method produced the text, e.g. "trafilatura", "trafilatura+fallback"


def extract_html(html: str, url: str | None = None) -> HtmlExtraction:
    """Article body and page metadata of ``html``; never raises, ``text`` is "" when no body."""
    empty = HtmlExtraction("", None, None, None, None, None, None, "none")
    if not isinstance(html, str) or not html.strip():
        return empty
    html = _CONTROL.sub("", html[:MAX_HTML_CHARS])
    try:
        from trafilatura.utils import load_html

        tree = load_html(html)
    except Exception as err:  # lxml raises several types on malformed input
        LOGGER.debug("unparsable HTML (%s): %s", url, err)
        return empty
    if tree is None:
        return empty
    meta = _metadata(tree)
    try:
        text, extractor = _main_text(tree, url, meta)
    except Exception as err:  # one bad page must not stop a run; the caller codes the empty text
        LOGGER.warning("text extraction failed (%s): %s: %s", url, type(err).__name__, err)
        text, extractor = "", "none"
    return HtmlExtraction(text=text, extractor=extractor if text else "none", **meta)


# --- metadata -----------------------------------------------------------------------------------


def _metadata(tree: HtmlElement) -> dict[str, str | None]:
    """Title, site name, canonical url, author, description, language; no date (dates module)."""
    from trafilatura import metadata as tm

    fields: dict[str, str | None] = dict.fromkeys(("title", "sitename", "url", "author", "description"))
    try:
        doc = tm.examine_meta(tree)
        if doc.author and " " not in doc.author:  # single tokens are mostly handles or site names
            doc.author = None
        doc = tm.extract_meta_json(tree, doc)
        doc.title = doc.title or tm.extract_title(tree)
        doc.author = doc.author or tm.extract_author(tree)
        doc.url = doc.url or tm.extract_url(tree, None)
        doc.sitename = doc.sitename or tm.extract_sitename(tree)
        if doc.sitename:
            doc.sitename = doc.sitename.lstrip("@")
        for key in fields:
            value = getattr(doc, key, None)
            fields[key] = (value.strip() or None) if isinstance(value, str) else None
    except Exception as err:  # metadata is best effort; the body is what matters
        LOGGER.debug("metadata extraction failed: %s", err)
    fields["language"] = _language(tree)
    return fields


def _language(tree: HtmlElement) -> str | None:
    candidates = [
        *tree.xpath("/html/@lang | /html/@xml:lang", namespaces={"xml": "http://www.w3.org/XML/1998/namespace"}),
        *tree.xpath('//meta[translate(@http-equiv,"CONTENTLAG","contentlag")="content-language"]/@content'),
        *tree.xpath('//meta[@property="og:locale"]/@content'),
    ]
    for value in candidates:
        code = str(value).strip().replace("_", "-")
        if re.fullmatch(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*", code):
            return code.split("-")[0].lower()
    return None


# --- main text ----------------------------------------------------------------------------------


def _main_text(tree: HtmlElement, url: str | None, meta: dict[str, str | None]) -> tuple[str, str]:
    import trafilatura

    doc = trafilatura.bare_extraction(
        deepcopy(tree),
        url=url,
        include_comments=False,  # reader comments are not the article
        include_links=True,  # kept to measure link density, stripped before rendering
        include_tables=True,
        fast=True,
        with_metadata=False,
    )
    body = getattr(doc, "body", None)
    if body is None:
        return "", "none"
    _clean_body(body, meta.get("title"))
    return _render(body), "trafilatura"


def _clean_body(body: _Element, title: str | None) -> None:
    _drop_leading_title(body, title)
    for elem in list(body):
        if _is_furniture(elem):
            body.remove(elem)
    _trim_tail(body)


def _drop_leading_title(body: _Element, title: str | None) -> None:
    """The headline is metadata, not body: drop it when it opens the text."""
    if not title:
        return
    want = _norm(title)
    for elem in list(body)[:2]:
        got = _norm(_text(elem))
        if got and (got == want or (len(got) >= 0.6 * len(want) and want.startswith(got))):
            body.remove(elem)
            return


def _trim_tail(body: _Element) -> None:
    """Drop what follows the last paragraph of prose: headings and link lists ("related")."""
    cut = len(body)
    while cut > 0 and _is_tail_furniture(body[cut - 1]):
        cut -= 1
    if cut == 0:  # nothing but furniture: not a page we understand, keep it all
        return
    for elem in list(body)[cut:]:
        body.remove(elem)


def _is_tail_furniture(elem: _Element) -> bool:
    if elem.tag == "head" or _is_furniture(elem):
        return True
    # a link-dense list or short paragraph after the article is a teaser block
    short = elem.tag == "list" or len(_WORD.findall(_text(elem))) <= 30
    return short and _link_density(elem) >= 0.5


def _is_furniture(elem: _Element) -> bool:
    text = " ".join(_text(elem).split())
    if not text:
        return False
    if _URL_OR_EMAIL.match(text):
        return True
    return len(_WORD.findall(text)) <= 15 and bool(_FURNITURE.match(text))


def _link_density(elem: _Element) -> float:
    total = len(_text(elem).strip())
    if not total:
        return 0.0
    linked = sum(len("".join(ref.itertext()).strip()) for ref in elem.iter("ref"))
    return linked / total


def _text(elem: _Element) -> str:
    return "".join(elem.itertext())


def _norm(text: str | None) -> str:
    return " ".join(_WORD.findall(text or "")).lower()


def _render(body: _Element) -> str:
    from lxml import etree
    from trafilatura.utils import normalize_unicode
    from trafilatura.xml import xmltotxt

    etree.strip_tags(body, "ref")
    text = normalize_unicode(xmltotxt(body, False))
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())
