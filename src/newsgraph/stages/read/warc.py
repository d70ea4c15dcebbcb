"""WARC / ARC archives (optionally gzip'd): the HTML responses, streamed record by record.
WARC-Date is when the page was crawled, not published: kept as a hint, never as the date."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from newsgraph.config import Settings
from newsgraph.records import IngestError, RawDoc

HTML_TYPES = ("text/html", "application/xhtml+xml")


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip("\"' ").lower()
    return None


def read(path: Path, settings: Settings, hints: dict[str, Any]) -> Iterator[RawDoc | IngestError]:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    count = 0
    try:
        with path.open("rb") as fh:
            for number, record in enumerate(ArchiveIterator(fh, arc2warc=True), start=1):
                if record.rec_type not in ("response", "resource"):
                    continue
                where = f"{path}#record={number}"
                if record.http_headers is not None:
                    status = record.http_headers.get_statuscode()
                    ctype = record.http_headers.get_header("Content-Type") or ""
                    if status and not status.startswith("2"):
                        continue
                else:
                    ctype = record.rec_headers.get_header("Content-Type") or ""
                if not ctype.lower().startswith(HTML_TYPES):
                    continue
                payload = record.content_stream().read(settings.max_record_bytes + 1)
                if len(payload) > settings.max_record_bytes:
                    yield IngestError(
                        where, "E105", f"record over {settings.max_record_bytes:,} bytes"
                    )
                    continue
                rec_hints = dict(hints)
                url = record.rec_headers.get_header("WARC-Target-URI")
                if url:
                    rec_hints["url"] = url
                crawled = record.rec_headers.get_header("WARC-Date")
                if crawled:
                    rec_hints["crawled"] = crawled
                charset = _charset(ctype)
                if charset:
                    rec_hints["charset"] = charset
                count += 1
                yield RawDoc(where, "html", payload, rec_hints)
    except ArchiveLoadFailed as exc:
        yield IngestError(
            str(path), "E108",
            f"not a readable WARC/ARC archive after {count} pages ({str(exc).strip()[:200]})",
        )
    except (EOFError, zlib.error, ValueError) as exc:
        yield IngestError(str(path), "E108", f"archive ends early after {count} pages ({exc})")
    except OSError as exc:
        yield IngestError(str(path), "E101", f"cannot read the file ({exc.strerror or exc})")
