"""Reading one whole file with the size limit applied first (a limit is a setting, not a crash)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from newsgraph.config import Settings
from newsgraph.records import IngestError, RawDoc


def read_file_bytes(path: Path, settings: Settings) -> bytes | IngestError:
    try:
        size = path.stat().st_size
        if size > settings.max_file_bytes:
            return IngestError(
                str(path), "E105",
                f"{size:,} bytes is over the limit of {settings.max_file_bytes:,} "
                "(raise it with NEWSGRAPH_MAX_FILE_BYTES)",
            )
        with path.open("rb") as fh:
            return fh.read(settings.max_file_bytes + 1)
    except OSError as exc:
        return IngestError(str(path), "E101", f"cannot read the file ({exc.strerror or exc})")


def read_whole(
    path: Path, settings: Settings, hints: dict[str, Any], kind: str
) -> Iterator[RawDoc | IngestError]:
    """One file = one article (.txt, .html): decoding and extraction happen in the worker."""
    data = read_file_bytes(path, settings)
    if isinstance(data, IngestError):
        yield data
        return
    yield RawDoc(str(path), kind, data, dict(hints))
