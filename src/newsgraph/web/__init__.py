"""The web UI and JSON API (FastAPI): thin over `newsgraph.api`. Imported only by `serve`."""
