"""What the HTML reader left out of a page: its visible lines (one per block element, as a
reader sees them) that are not in the article text the reader produced — navigation, share
bars, related-story teasers, footers. The cleaning stage's `removed` can only point into the
reader's output, so without this an HTML article would say nothing of what was dropped."""

from __future__ import annotations

import re

from newsgraph.stages.dates_html import parse_tree, visible_lines

SAMPLE_LINES = 10  # kept with the article (~1 KB), the rest only counted
SAMPLE_CHARS = 100
_NOT_WORD = re.compile(r"[\W_]+")


def _norm(text: str) -> str:
    """Letters and digits only, case-folded, single spaces: formatting the reader changes
    (list dashes, table bars, quote marks, spacing) is not a difference."""
    return " ".join(_NOT_WORD.sub(" ", text.casefold()).split())


def left_out(html: str, text: str, title: str | None = None) -> dict[str, object] | None:
    """{"lines": how many visible lines of the page are not in `text`, "sample": the first
    of them} — None when the page cannot be parsed or nothing was left out. A line counts as
    kept when its words, in order, are in the text; the headline (`title`) is the title."""
    tree = parse_tree(html)
    if tree is None:
        return None
    body = tree.find("body")
    lines, _ = visible_lines(tree if body is None else body)
    kept_text = _norm(text)
    skip = {_norm(title)} if title else set()
    out: list[str] = []
    seen: set[str] = set()
    for line in lines:
        key = _norm(line)
        if not key or key in skip or key in seen or key in kept_text:
            continue
        seen.add(key)  # a line the page prints twice is listed once
        out.append(line)
    if not out:
        return None
    return {"lines": len(out),
            "sample": [ln if len(ln) <= SAMPLE_CHARS else ln[:SAMPLE_CHARS - 1] + "…"
                       for ln in out[:SAMPLE_LINES]]}
