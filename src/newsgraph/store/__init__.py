"""The embedded store: one SQLite file, one writer, numbered migrations, FTS5 search."""

from newsgraph.store.sqlite import Store

__all__ = ["Store"]
