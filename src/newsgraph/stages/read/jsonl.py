"""JSON Lines: one article per line with `text` or `html`, optional `title`, `url`, `published`,
`outlet`. Streamed line by line in bounded memory; a bad line is reported and skipped. An optional
field that is no string is left out and the article kept (the note `fields_ignored` says which
and why), except a number for `published`: a Unix time in seconds or milliseconds."""

from __future__ import annotations

import gzip
import json
import math
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from newsgraph.config import Settings
from newsgraph.records import IngestError, RawDoc

OPTIONAL_FIELDS = ("title", "url", "published", "outlet")
IGNORED = "fields_ignored"  # hint and note: optional fields left out, each with the reason
_JSON_TYPES = {bool: "boolean", int: "number", float: "number", list: "array", dict: "object"}


def _open(path: Path) -> IO[bytes]:
    return gzip.open(path, "rb") if path.name.lower().endswith(".gz") else path.open("rb")


def _lines(fh: IO[bytes], limit: int) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) — None for a line over the limit, whose rest is skipped unread."""
    number = 0
    while True:
        line = fh.readline(limit + 1)
        if not line:
            return
        number += 1
        if len(line) > limit and not line.endswith(b"\n"):
            while True:  # drain the oversized line in bounded chunks
                rest = fh.readline(1 << 20)
                if not rest or rest.endswith(b"\n"):
                    break
            yield number, None
            continue
        yield number, line


def parse_record(line: bytes) -> dict[str, Any] | str:
    """The record, or the reason it is not one."""
    try:
        obj = json.loads(line.decode("utf-8-sig" if line.startswith(b"\xef\xbb\xbf") else "utf-8"))
    except UnicodeDecodeError:
        return "the line is not UTF-8"
    except json.JSONDecodeError as exc:
        return f"invalid JSON ({exc.msg} at column {exc.colno})"
    if not isinstance(obj, dict):
        return f"expected a JSON object, got {type(obj).__name__}"
    body = obj.get("text") if obj.get("text") is not None else obj.get("html")
    if not isinstance(body, str) or not body.strip():
        return "no non-empty 'text' or 'html' field"
    ignored = {}
    for name in OPTIONAL_FIELDS:
        value = obj.get(name)
        if value is None or isinstance(value, str):
            continue
        if (name == "published" and isinstance(value, int | float)
                and not isinstance(value, bool) and math.isfinite(value)):
            obj[name] = str(int(value))  # a Unix time: the date rules read 10 or 13 digits
            continue
        # the article is still an article: the field is left out, and the record says why
        ignored[name] = f"a JSON {_JSON_TYPES.get(type(value), 'value')}, not a string"
        del obj[name]
    if ignored:
        obj[IGNORED] = ignored
    return obj


def read(path: Path, settings: Settings, hints: dict[str, Any]) -> Iterator[RawDoc | IngestError]:
    items = 0  # records and reported lines: a file with neither is empty, and says so
    try:
        with _open(path) as fh:
            for number, line in _lines(fh, settings.max_record_bytes):
                where = f"{path}#line={number}"
                items += 1
                if line is None:
                    yield IngestError(
                        where, "E105",
                        f"line longer than {settings.max_record_bytes:,} bytes "
                        "(raise NEWSGRAPH_MAX_RECORD_BYTES)",
                    )
                    continue
                if not line.strip():
                    items -= 1
                    continue
                rec = parse_record(line)
                if isinstance(rec, str):
                    yield IngestError(where, "E107", rec)
                    continue
                rec_hints = dict(hints)
                rec_hints.update({k: rec[k] for k in (*OPTIONAL_FIELDS, IGNORED) if rec.get(k)})
                if isinstance(rec.get("text"), str) and rec["text"].strip():
                    yield RawDoc(where, "text", rec["text"], rec_hints)
                else:
                    yield RawDoc(where, "html", rec["html"], rec_hints)
        if not items:
            yield IngestError(str(path), "E102", "the file holds no records (it is empty)")
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        yield IngestError(str(path), "E108", f"compressed data ends early or is corrupt ({exc})")
    except OSError as exc:
        yield IngestError(str(path), "E101", f"cannot read the file ({exc.strerror or exc})")
