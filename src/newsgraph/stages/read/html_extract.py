"""Main-text and metadata extraction from one HTML page.

trafilatura finds the article container. On its XML tree we then apply generic page-structure
rules it lacks (the headline repeated at the top, share/newsletter/copyright furniture, the
"related stories" block after the last paragraph), choose between three trafilatura modes by
their agreement, and join article bodies split into sibling containers.
Measured in eval/extraction.py, notes in eval/extraction_notes.md.
No publication date here: that is the dates module's job.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
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
# Above this many elements (benchmark article pages have under 2,000) see _main_text.
MAX_ELEMENTS = 20_000

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
      | (?:related|recommended|trending|popular|more\s+(?:from|on)|also\s+on|most\s+read)\b.{0,80}$
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

    keys = ("title", "sitename", "url", "author", "description")
    fields: dict[str, str | None] = dict.fromkeys(keys)
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
    try:
        fields["language"] = _language(tree)
    except Exception as err:  # odd attribute values must not cost the body
        LOGGER.debug("language lookup failed: %s", err)
    return fields


def _language(tree: HtmlElement) -> str | None:
    candidates = [
        *tree.xpath(
            "/html/@lang | /html/@xml:lang",
            namespaces={"xml": "http://www.w3.org/XML/1998/namespace"},
        ),
        *tree.xpath(
            '//meta[translate(@http-equiv,"CONTENTLAG","contentlag")="content-language"]/@content'
        ),
        *tree.xpath('//meta[@property="og:locale"]/@content'),
    ]
    for value in candidates:
        code = str(value).strip().replace("_", "-")
        if re.fullmatch(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*", code):
            return code.split("-")[0].lower()
    return None


# --- main text ----------------------------------------------------------------------------------


def _main_text(tree: HtmlElement, url: str | None, meta: dict[str, str | None]) -> tuple[str, str]:
    title = meta.get("title")
    if _count_elements(tree) > MAX_ELEMENTS:
        _drop_link_only_blocks(tree)
        if _count_elements(tree) > MAX_ELEMENTS:
            # trafilatura's time grows with the element count: one pass only on such pages
            LOGGER.info("very large page (%s): single extraction pass", url)
            return _trafilatura_text(tree, url, title, "trafilatura"), "trafilatura"
    text, extractor = _agreed_text(tree, url, title)
    merged = _merge_split_article(tree, text)
    if merged is not None:
        more, more_extractor = _agreed_text(merged, url, title)
        # accept only a superset: the continuation must add to, not replace, what we had
        if len(more) > len(text) and _containment(_shingles(text), _shingles(more)) >= 0.9:
            return more, more_extractor + "+merged"
    return text, extractor


def _count_elements(tree: HtmlElement) -> int:
    return sum(1 for _ in tree.iter())


def _drop_link_only_blocks(tree: HtmlElement) -> None:
    """Remove blocks that hold nothing but one link (menus, teaser grids) on oversized pages.

    Article text is never a bare link, and this shrinks pages of tens of thousands of teasers
    to a size the extractors handle in a few seconds.
    """
    for link in list(tree.iter("a")):
        block = None
        node = link
        while (parent := node.getparent()) is not None and parent.tag not in ("body", "html"):
            if len(parent) != 1 or (parent.text or "").strip() or (node.tail or "").strip():
                break
            block = node = parent
        if block is not None and block.getparent() is not None:
            block.getparent().remove(block)


def _agreed_text(tree: HtmlElement, url: str | None, title: str | None) -> tuple[str, str]:
    """Run trafilatura in three modes and keep the text the modes agree on (see _choose)."""
    return _choose({mode: _trafilatura_text(tree, url, title, mode) for mode in _MODES})


def _merge_split_article(tree: HtmlElement, text: str) -> HtmlElement | None:
    """A copy of the page with a split article body joined, or None.

    Some sites cut the body into sibling containers of one kind (same tag and class, e.g. around
    ads); extractors then keep the first chunk only. Joined are chunks that are near cousins in the
    tree, carry no headline of their own (not a next article), and hold prose comparable in size
    to the chunk already extracted (not a sidebar or comment widget).
    """
    groups: dict[tuple[str, str], list[HtmlElement]] = {}
    for elem in tree.iter("div", "section", "article"):
        cls = (elem.get("class") or "").strip()
        if cls:
            groups.setdefault((elem.tag, cls), []).append(elem)
    got = _shingles(text)
    for members in groups.values():
        # a body is cut into a few chunks; hundreds of alike elements are cards or list rows
        if not 2 <= len(members) <= 50:
            continue
        prose = [_prose(m) for m in members]
        keep = [k for k in range(len(members)) if sum(map(len, prose[k])) >= 200]
        chunks = [members[k] for k in keep if not members[k].xpath(".//h1")]
        prose = [prose[k] for k in keep if not members[k].xpath(".//h1")]
        if len(chunks) < 2 or not _near_cousins(chunks):
            continue
        covered = [_containment(_shingles(" ".join(p)), got) for p in prose]
        main = max(range(len(chunks)), key=lambda k: covered[k])
        main_size = sum(map(len, prose[main]))
        if covered[main] < 0.8:
            continue
        extra = [
            k
            for k in range(len(chunks))
            if covered[k] <= 0.2
            and len(prose[k]) >= 3
            and sum(map(len, prose[k])) >= 0.5 * main_size
            and sum(map(len, prose[k])) / len(prose[k]) >= 150  # long paragraphs: prose
        ]
        if extra:
            return _joined(tree, chunks[main], [chunks[k] for k in extra])
    return None


def _near_cousins(elems: list[HtmlElement]) -> bool:
    """Siblings, or children of siblings (nested containers), and none inside another."""
    parents = {id(e.getparent()) for e in elems}
    grands = {id(e.getparent().getparent()) for e in elems if e.getparent() is not None}
    if len(parents) != 1 and len(grands) != 1:
        return False
    return not any(o is not e and e in o.iterancestors() for e in elems for o in elems)


def _prose(elem: HtmlElement) -> list[str]:
    return [t for p in elem.iter("p") if (t := " ".join(p.text_content().split()))]


def _joined(tree: HtmlElement, main: HtmlElement, extra: list[HtmlElement]) -> HtmlElement:
    """Copy of tree where the extra chunks' children are moved into main, in document order."""
    copy = deepcopy(tree)
    root = tree.getroottree()
    target = copy.xpath(root.getpath(main))[0]
    for chunk in extra:
        source = copy.xpath(root.getpath(chunk))[0]
        children = list(source)
        before = chunk.sourceline is not None and main.sourceline is not None
        if before and chunk.sourceline < main.sourceline:
            for child in reversed(children):
                target.insert(0, child)
        else:
            target.extend(children)
        source.getparent().remove(source)
    return copy


# extractor label -> trafilatura options; the first mode wins ties.
_MODES: dict[str, dict[str, bool]] = {
    "trafilatura": {"fast": True},
    "trafilatura+fallback": {},  # also compares with readability and jusText
    "trafilatura+precision": {"favor_precision": True},
}


def _trafilatura_text(tree: HtmlElement, url: str | None, title: str | None, mode: str) -> str:
    import trafilatura

    doc = trafilatura.bare_extraction(
        deepcopy(tree),
        url=url,
        include_comments=False,  # reader comments are not the article
        include_links=True,  # kept to measure link density, stripped before rendering
        include_tables=True,
        with_metadata=False,
        **_MODES[mode],
    )
    body = getattr(doc, "body", None)
    if body is None:
        return ""
    _clean_body(body, title)
    return _render(body)


def _choose(texts: dict[str, str]) -> tuple[str, str]:
    """Pick by agreement: each mode fails on some pages (wrong container, a boilerplate dump),
    rarely the same way. Take the text most similar to the others (the medoid); then prefer the
    precision mode's text when it is that text minus some blocks, i.e. it only dropped boilerplate
    and kept at least half."""
    shingles = {mode: _shingles(text) for mode, text in texts.items()}
    modes = list(texts)

    def agreement(mode: str) -> float:
        return sum(_dice(shingles[mode], shingles[other]) for other in modes if other != mode)

    best = max(modes, key=agreement)  # max() keeps the first of equals
    precise = "trafilatura+precision"
    if best != precise and texts[precise]:
        kept = _containment(shingles[precise], shingles[best])
        if kept >= 0.95 and _containment(shingles[best], shingles[precise]) >= 0.5:
            best = precise
    # name the plainest mode that produced this very text
    return texts[best], next(mode for mode in modes if texts[mode] == texts[best])


def _shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = _WORD.findall(text)
    if len(tokens) < n:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def _overlap(a: Counter[tuple[str, ...]], b: Counter[tuple[str, ...]]) -> int:
    return sum(min(a[s], b[s]) for s in a.keys() & b.keys())


def _dice(a: Counter[tuple[str, ...]], b: Counter[tuple[str, ...]]) -> float:
    total = sum(a.values()) + sum(b.values())
    return 2 * _overlap(a, b) / total if total else 1.0


def _containment(a: Counter[tuple[str, ...]], b: Counter[tuple[str, ...]]) -> float:
    """Share of a's shingles that b also has."""
    total = sum(a.values())
    return _overlap(a, b) / total if total else 0.0


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
