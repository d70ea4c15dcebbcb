"""Engines run the map half of the pipeline over batches and hand results back in input order."""

from newsgraph.engines.local import LocalEngine

__all__ = ["LocalEngine"]
