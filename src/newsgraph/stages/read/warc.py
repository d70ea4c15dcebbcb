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


def _remaining(record: Any) -> int:
    """Bytes the record's header promised (Content-Length) that the file did not hold."""
    stream = getattr(record, "raw_stream", None)
    limit = getattr(stream, "limit", 0)
    return limit if isinstance(limit, int) else 0


def _drain(record: Any) -> None:
    while record.raw_stream.read(1 << 16):
        pass


def _rest(fh: Any, offset: Any) -> bool:
    """Whether bytes other than white space follow the end of the last whole record (a record
    cut inside its headers ends warcio's iteration as quietly as a clean end of file)."""
    if not isinstance(offset, int):
        return False
    fh.seek(offset)
    while chunk := fh.read(1 << 16):
        if chunk.strip():
            return True
    return False


def _iterator(fh: Any) -> Any:
    """warcio's ArchiveIterator, told to remember whether the last gzip member was complete:
    warcio stops quietly at a cut-off .warc.gz, as if the archive had ended there."""
    from warcio.archiveiterator import ArchiveIterator

    class _Checked(ArchiveIterator):  # type: ignore[misc]
        gzip_cut = False
        INC_RECORD = ""  # warcio prints this warning to stderr; the cut is reported as E108

        def close(self) -> None:
            reader = getattr(self, "reader", None)
            decompressor = getattr(reader, "decompressor", None)
            if decompressor is not None and getattr(decompressor, "eof", True) is False:
                self.gzip_cut = True
            super().close()

    return _Checked(fh, arc2warc=True)


def read(path: Path, settings: Settings, hints: dict[str, Any]) -> Iterator[RawDoc | IngestError]:
    from warcio.exceptions import ArchiveLoadFailed

    count = 0
    try:
        with path.open("rb") as fh:
            if not _rest(fh, 0):
                yield IngestError(str(path), "E102", "the archive is empty")
                return
            fh.seek(0)
            archive = _iterator(fh)
            previous = None
            damaged = False
            for number, record in enumerate(archive, start=1):
                if previous is not None and _remaining(previous):
                    break  # the record before this one was cut: reported below
                previous = record
                if record.rec_type is None or not isinstance(
                    getattr(record.raw_stream, "limit", None), int
                ):
                    damaged = True  # no type or no length: headers cut off or garbled
                    break
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
                _drain(record)
                if _remaining(record):
                    break  # a page cut off mid-way is not passed on as if it were whole
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
            cut = damaged or (previous is not None and _remaining(previous))
            if cut or archive.gzip_cut or _rest(fh, archive.offset):
                yield IngestError(
                    str(path), "E108",
                    f"archive ends early (cut off after {count} pages); the pages before the "
                    "cut were read",
                )
    except ArchiveLoadFailed as exc:
        yield IngestError(
            str(path), "E108",
            f"not a readable WARC/ARC archive after {count} pages ({str(exc).strip()[:200]})",
        )
    except (EOFError, zlib.error, ValueError) as exc:
        yield IngestError(str(path), "E108", f"archive ends early after {count} pages ({exc})")
    except OSError as exc:
        yield IngestError(str(path), "E101", f"cannot read the file ({exc.strerror or exc})")
    except Exception as exc:  # warcio trips over some damaged headers (e.g. AttributeError)
        yield IngestError(
            str(path), "E108",
            f"damaged archive after {count} pages ({type(exc).__name__}: {exc})"[:300],
        )
