"""`python -m newsgraph.web --db FILE [--host] [--port] [--workers N] [--allow-ingest]`: the
web UI in N uvicorn worker processes (`newsgraph serve` runs one). Each worker opens the store
read-only per request, so they share nothing but the SQLite file."""

from __future__ import annotations

import argparse
import os


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m newsgraph.web", description=__doc__)
    ap.add_argument("--db", default=os.environ.get("NEWSGRAPH_DB", "newsgraph.db"))
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8000)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--allow-ingest", action="store_true")
    args = ap.parse_args(argv)
    import uvicorn

    from newsgraph.errors import NewsgraphError
    from newsgraph.web.app import create_app

    try:
        create_app(args.db)  # no store: the store's own error now, not in every worker
    except NewsgraphError as exc:
        raise SystemExit(f"error {exc}") from None
    os.environ["NEWSGRAPH_WEB_DB"] = args.db
    os.environ["NEWSGRAPH_WEB_ALLOW_INGEST"] = "1" if args.allow_ingest else "0"
    print(f"serving {args.db} on http://{args.host}:{args.port} with {args.workers} "
          "worker(s) (Ctrl-C stops)", flush=True)
    uvicorn.run("newsgraph.web.app:app_from_env", factory=True, host=args.host,
                port=args.port, workers=args.workers, log_level="warning")


if __name__ == "__main__":
    main()
