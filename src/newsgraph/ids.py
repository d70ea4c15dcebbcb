"""Deterministic ids: content hashes, stable across runs, machines, engines and worker counts."""

from __future__ import annotations

import hashlib


def content_hash(*parts: str | bytes | None, size: int = 16) -> str:
    """Hex digest over the parts (None and "" are distinct from each other by a tag byte)."""
    h = hashlib.blake2b(digest_size=size)
    for part in parts:
        if part is None:
            h.update(b"\x00N")
        elif isinstance(part, bytes):
            h.update(b"\x00B" + len(part).to_bytes(8, "little") + part)
        else:
            data = part.encode("utf-8", "surrogatepass")
            h.update(b"\x00S" + len(data).to_bytes(8, "little") + data)
    return h.hexdigest()


def article_id(raw_text: str, url: str | None) -> str:
    """An article is its decoded raw content plus its URL: the same input read twice gets the same
    id (re-ingest adds nothing), while the same text at two URLs stays two articles (reposts)."""
    return "a" + content_hash("article/1", url or None, raw_text)[:19]


def quote_id(article_id: str, start: int, end: int) -> str:
    """A quote is where it stands in its article's cleaned text."""
    return "q" + content_hash("quote/1", article_id, str(start), str(end))[:19]


def event_id(article_id: str, trigger_start: int, trigger_end: int, action: str) -> str:
    """An event is its trigger's place in the article's cleaned text and its PLOVER type."""
    return "e" + content_hash("event/1", article_id, str(trigger_start), str(trigger_end),
                              action)[:19]
