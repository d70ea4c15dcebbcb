"""Plain-text articles (the seed format: title line first, body lines, no markup)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from newsgraph.config import Settings
from newsgraph.records import IngestError, RawDoc
from newsgraph.stages.read.files import read_whole


def read(path: Path, settings: Settings, hints: dict[str, Any]) -> Iterator[RawDoc | IngestError]:
    return read_whole(path, settings, hints, "text")
