"""Garbage-collector settings for the ingest hot loop.

Ingest allocates millions of small, long-lived containers (unpickled articles, segments, line
keys, dedup candidates) and no reference cycles worth collecting mid-run. CPython's default
(a young-generation pass every 700 allocations) then spends a large share of the driver's time
re-walking objects that all survive: measured on 10k articles, unpickling worker results took
3x longer with the default thresholds. We freeze what exists at start-up (imported modules,
loaded models) and collect far less often; memory stays bounded because rounds are released
after each commit and a full pass still runs from time to time.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

INGEST_THRESHOLDS = (100_000, 50, 100)


def tune_for_ingest() -> None:
    """For a process that does nothing but ingest (a pool worker): set once, never restored."""
    gc.freeze()
    gc.set_threshold(*INGEST_THRESHOLDS)


@contextmanager
def ingest_gc() -> Iterator[None]:
    """The same for the duration of one ingest run in a process that goes on afterwards."""
    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(*INGEST_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()
