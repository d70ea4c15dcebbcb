"""Readers: find input files and turn each into RawDoc items (one per article), never raising
for bad input — they yield `IngestError`s instead, so one bad file degrades only itself."""

from newsgraph.stages.read.discover import discover_inputs, read_inputs

__all__ = ["discover_inputs", "read_inputs"]
