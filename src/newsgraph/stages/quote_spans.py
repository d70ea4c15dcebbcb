"""Finding the spans of quoted words in news text, in every quotation convention news uses.

Pure string work, no model: “curly”, "straight", « guillemets », „German“, ‘single’ (British
style, and scare quotes), ``doubled'' apostrophes from wire and archive feeds. A quote that runs
over several paragraphs opens each paragraph again and closes only on the last; a quote whose
closing mark never comes ends at its paragraph's end and says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# opening mark -> the closing marks that end it
_PAIRS: dict[str, tuple[str, ...]] = {
    "“": ("”",),
    "„": ("“", "”"),
    "«": ("»",),
    "»": ("«",),  # Danish/Swedish style »…«
    '"': ('"',),
    "``": ("''", '"', "”"),
    "''": ("''",),
    "‘": ("’",),
    "”": ("”",),  # a typo'd opener (see _opener_at)
}
_DOUBLE_OPENERS = ("``", "''", "“", "„", "«", '"')
_WORD = re.compile(r"\w+")
# every character `_opener_at` can open on: the scan jumps from one to the next
_MARK_CHARS = re.compile("[“„«»\"”‘`']")


@dataclass
class Span:
    start: int  # first quoted character (after the mark)
    end: int  # after the last quoted character (before the closing mark)
    open_at: int  # offset of the opening mark
    close_at: int | None  # offset of the closing mark, None when it never came
    mark: str
    parts: list[tuple[int, int]] = field(default_factory=list)  # one per paragraph
    unclosed: bool = False

    @property
    def multi_paragraph(self) -> bool:
        return len(self.parts) > 1


def _paragraphs(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for piece in text.split("\n"):
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            out.append((pos + lead, pos + len(piece.rstrip())))
        pos += len(piece) + 1
    return out


def _is_apostrophe(text: str, i: int) -> bool:
    """’ or ' between letters (Russia’s, can’t) or after a plural s (countries’ borders)."""
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return before.isalnum() and (after.isalnum() or (before in "sS" and after == " "))


def _opener_at(text: str, i: int) -> str | None:
    two = text[i:i + 2]
    if two in ("``", "''"):
        return two
    ch = text[i]
    if ch == "‘":
        before = text[i - 1] if i > 0 else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        return "‘" if not before.isalnum() and after.strip() else None
    if ch in ("“", "„", "«"):
        return ch
    if ch == "”" and (i == 0 or text[i - 1].isspace()) and i + 2 < len(text) and \
            text[i + 1] == " " and text[i + 2].isalpha():
        # a closing mark typed for an opening one, space on both sides (harbor ” many
        # terrorist organizations”): it opens when another ” closes it in the paragraph
        end = text.find("\n", i)
        rest = text[i + 1:end if end != -1 else len(text)]
        return "”" if "”" in rest and "“" not in rest.split("”")[0] else None
    if ch == '"':  # straight: an opener stands before a word, after a space or line start
        before = text[i - 1] if i > 0 else "\n"
        after = text[i + 1] if i + 1 < len(text) else "\n"
        return '"' if (before.isspace() or before in "([{—–-/:") and not after.isspace() else None
    if ch == "»":  # only as an opener when it is followed by a word (Swedish »…«)
        after = text[i + 1] if i + 1 < len(text) else " "
        return "»" if after.isalpha() else None
    return None


def _straight_opens(text: str, i: int) -> bool:
    """A straight mark that opens (space before, word after) rather than closes."""
    before = text[i - 1] if i > 0 else "\n"
    after = text[i + 1] if i + 1 < len(text) else "\n"
    return before.isspace() and not after.isspace()


def _stray_space_close(text: str, start: int, j: int) -> bool:
    """A straight mark with a space on its left that still closes the open quote: the quoted
    words end in punctuation and a stray space ("…a Christmas party, "police said"). A new
    quote inside an open one, with nothing closed in between, is the rarer reading."""
    k = j - 1
    while k > start and text[k] in " \t":
        k -= 1
    return k > start and text[k] in ",.!?…;" and j - k <= 2


def _first_mark(text: str, lo: int, hi: int) -> tuple[int, str] | None:
    """The first quotation mark in [lo, hi) and whether it opens ("open") or closes ("close")."""
    for j in range(lo, hi):
        ch = text[j]
        if ch in "“„«":
            return j, "open"
        if ch in "”»":
            return j, "close"
        if ch == '"':
            return j, "open" if _straight_opens(text, j) else "close"
    return None


def _find_close(text: str, i: int, end: int, opener: str) -> tuple[int, str] | None:
    """The closing mark for `opener` between i and end (one paragraph), nested quotes skipped.
    A new opening mark of the same kind before any closing one means this quote was never
    closed: it ends there (closer "")."""
    closers = _PAIRS[opener]
    j = i
    while j < end:
        ch2 = text[j:j + 2]
        for closer in closers:
            if text.startswith(closer, j):
                if closer == "’" and _is_apostrophe(text, j):
                    break
                if closer == '"' and _straight_opens(text, j) and not _stray_space_close(
                        text, i, j):
                    return j, ""  # another quote opens: this one was never closed
                return j, closer
        if opener not in closers and text.startswith(opener, j) and opener != "‘":
            return j, ""
        if opener in _DOUBLE_OPENERS and text[j] == "‘" and _opener_at(text, j) == "‘":
            inner = _find_close(text, j + 1, end, "‘")  # a quote within the quote
            if inner is not None:
                j = inner[0] + 1
                continue
        j += 2 if ch2 in ("``", "''") and opener not in ("``", "''") else 1
    return None


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def find_quote_spans(text: str) -> list[Span]:
    """Every quoted stretch, in order; multi-paragraph quotes merged into one span."""
    spans: list[Span] = []
    paras = _paragraphs(text)
    carry: Span | None = None  # a quote left open at the end of the previous paragraph
    for p_index, (p_start, p_end) in enumerate(paras):
        i = p_start
        if carry is not None:
            opener = _opener_at(text, p_start)
            first = _first_mark(text, p_start, p_end)
            if opener is None and first is not None and first[1] == "close" \
                    and first[0] > p_start:
                # the quote was broken across lines without reopening: it closes here
                carry.parts[-1] = (carry.parts[-1][0], _trimmed(text, p_start, first[0])[1])
                carry.end = carry.parts[-1][1]
                carry.close_at = first[0]
                spans.append(carry)
                carry = None
                i = first[0] + 1
                opener = "skip"
            if opener == "skip":
                pass
            elif opener is not None and opener in _DOUBLE_OPENERS + ("‘",):
                # the same quote goes on: an opening mark again, the closing one maybe here
                close = _find_close(text, p_start + len(opener), p_end, carry.mark)
                seg_end = close[0] if close else p_end
                part = _trimmed(text, p_start + len(opener), seg_end)
                carry.parts.append(part)
                carry.end = part[1]
                if close:
                    carry.close_at = close[0]
                    spans.append(carry)
                    carry = None
                    i = close[0] + len(close[1])
                else:
                    i = p_end
                    if p_index == len(paras) - 1:
                        carry.unclosed = True
                        spans.append(carry)
                        carry = None
                    continue
            elif first is None and p_index + 1 < len(paras) and text[
                    p_start - 2:p_start].count("\n") == 1:
                # a line with no mark at all inside a quote broken across lines: it may go on
                carry.parts[-1] = (carry.parts[-1][0], p_end)
                carry.end = p_end
                continue
            else:
                carry.unclosed = True  # the next paragraph does not continue it
                spans.append(carry)
                carry = None
        while i < p_end:
            opener = _opener_at(text, i)
            if opener is None:
                mark = _MARK_CHARS.search(text, i + 1, p_end)
                i = mark.start() if mark else p_end
                continue
            if opener == "''" and i > p_start and text[i - 1].isalnum():
                i += 2  # a closing '' or a lone typo, not an opener
                continue
            start = i + len(opener)
            close = _find_close(text, start, p_end, opener)
            if close is None:
                if opener == "‘":  # an unmatched single mark is an apostrophe or a typo
                    i += 1
                    continue
                part = _trimmed(text, start, p_end)
                if part[0] >= part[1]:
                    i += 1
                    continue
                carry = Span(part[0], part[1], i, None, opener, [part])
                if p_index == len(paras) - 1:
                    carry.unclosed = True
                    spans.append(carry)
                    carry = None
                break
            part = _trimmed(text, start, close[0])
            if part[0] < part[1]:
                unclosed = close[1] == ""
                spans.append(Span(part[0], part[1], i, None if unclosed else close[0], opener,
                                  [part], unclosed=unclosed))
            i = close[0] + len(close[1])
    if carry is not None:
        carry.unclosed = True
        spans.append(carry)
    return spans


def word_count(text: str) -> int:
    return len(_WORD.findall(text))
