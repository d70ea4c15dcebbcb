"""Web load test: `newsgraph serve` on loopback over a synthetic store, 50 concurrent clients for
30 s on search and article pages; throughput, p50/p99 latency and errors, against a floor
measured in the same run (the same clients on a trivial static file).

Corpus: the 982 ECB+ news texts (../shared/eval/stories/ecbplus.jsonl, CC BY 3.0; override with
NEWSGRAPH_EVAL_DATA) as the first articles, then seeded synthetic ones mixing the sentences of
2-3 texts of one topic under a new headline, as one JSONL file with outlet, published date and
title, ingested with NLP and stories off (this measures the web tier, not the NLP stages).
No pass/fail: the figures depend on the machine. Loopback only.

    .venv/bin/python benchmarks/web.py [--articles 10000] [--clients 50] [--seconds 30]
    .venv/bin/python benchmarks/web.py --build-only --articles 100000 --db /dev/shm/big.db
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from common import data_dir, rss_by_pid

ROOT = Path(__file__).resolve().parents[1]
NEWSGRAPH = ROOT / ".venv" / "bin" / "newsgraph"
SEED = 11
OUTLETS = ["Daily Ledger", "The Courier", "Metro Times", "Wire Service", "Evening Post",
           "Northern Star", "City Herald", "Global Report", "Morning Call", "The Observer",
           "Harbour News", "Valley Voice"]


def build_jsonl(path: Path, size: int) -> None:
    """`size` articles as JSONL: ECB+ texts first, then seeded synthetic mixes; each with a
    title, an outlet of twelve and a publication date in 2014 (filters have something to do)."""
    docs = [json.loads(line) for line in
            (data_dir() / "stories" / "ecbplus.jsonl").open(encoding="utf-8")]
    by_topic: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for d in docs:
        by_topic[d["topic"]].append(d)
    rng = random.Random(SEED)
    with path.open("w", encoding="utf-8") as out:
        for i in range(size):
            lines = docs[i]["text"].split("\n") if i < len(docs) else []
            body = [ln for ln in lines[1:] if ln.strip()]
            if len(body) >= 3:  # a real ECB+ text (shorter ones clean to nothing)
                head = lines[0]
            else:
                group = by_topic[rng.choice(sorted(by_topic))]
                parts = rng.sample(group, min(len(group), rng.randint(2, 3)))
                body = [ln for p in parts for ln in p["text"].split("\n")[1:] if ln.strip()]
                rng.shuffle(body)
                head = f"{parts[0]['text'].split(chr(10))[0]} ({i})"
                body = body[:rng.randint(8, 30)]
            rec = {"title": head[:200], "text": "\n\n".join([head, *body]),
                   "outlet": OUTLETS[rng.randrange(len(OUTLETS))],
                   "published": f"2014-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"}
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")


def build_store(db: Path, size: int, jobs: int = 2) -> float:
    """Ingest a fresh synthetic corpus of `size` articles into `db`; seconds taken."""
    with tempfile.TemporaryDirectory(dir="/dev/shm" if Path("/dev/shm").is_dir() else None) as t:
        src = Path(t) / f"web_{size}.jsonl"
        build_jsonl(src, size)
        env = {**os.environ, "NEWSGRAPH_NLP": "0", "NEWSGRAPH_STORIES": "0"}
        t0 = time.perf_counter()
        done = subprocess.run([str(NEWSGRAPH), "ingest", str(src), "--db", str(db), "--jobs",
                               str(jobs)], env=env, stdout=subprocess.DEVNULL)
        if done.returncode not in (0, 1):  # 1: a few inputs refused, reported in the store
            raise SystemExit(f"ingest failed with exit status {done.returncode}")
        return time.perf_counter() - t0


# ---- the load ---------------------------------------------------------------------------------

class Client:
    """A minimal HTTP/1.1 keep-alive client on asyncio streams: the load generator shares the
    machine with the server, so it should cost as little CPU as it can."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str) -> tuple[int, int]:
        """(status, body bytes); reconnects once if the server closed the connection."""
        for attempt in (1, 2):
            try:
                if self.writer is None:
                    self.reader, self.writer = await asyncio.open_connection("127.0.0.1",
                                                                             self.port)
                assert self.reader is not None
                self.writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                  "Accept-Encoding: identity\r\n\r\n".encode())
                head = await self.reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                status = int(lines[0].split()[1])
                headers = {k.lower(): v.strip() for k, _, v in
                           (ln.partition(":") for ln in lines[1:] if ln)}
                if "content-length" in headers:
                    body = await self.reader.readexactly(int(headers["content-length"]))
                else:  # chunked
                    body = b""
                    while True:
                        size = int((await self.reader.readuntil(b"\r\n")).strip(), 16)
                        body += await self.reader.readexactly(size + 2)
                        if size == 0:
                            break
                if headers.get("connection", "").lower() == "close":
                    await self.close()
                return status, len(body)
            except (ConnectionError, asyncio.IncompleteReadError):
                await self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(ConnectionError):
                await self.writer.wait_closed()
        self.reader = self.writer = None


async def _load(port: int, paths: dict[str, list[str]], clients: int, seconds: float
                ) -> dict[str, dict[str, Any]]:
    """`clients` closed-loop clients (no think time), each picking a route kind in turn and a
    random path of it, for `seconds`; latencies and errors per kind."""
    kinds = sorted(paths)
    lat: dict[str, list[float]] = {k: [] for k in kinds}
    errors: dict[str, list[str]] = {k: [] for k in kinds}
    stop = time.perf_counter() + seconds

    async def one(n: int) -> None:
        rng = random.Random(SEED + n)
        client = Client(port)
        i = n
        while time.perf_counter() < stop:
            kind = kinds[i % len(kinds)]
            i += 1
            path = rng.choice(paths[kind])
            t0 = time.perf_counter()
            try:
                status, size = await client.get(path)
                if status != 200 or size == 0:
                    errors[kind].append(f"{status} {path}")
            except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
                errors[kind].append(f"{type(exc).__name__} {path}")
            lat[kind].append(time.perf_counter() - t0)
        await client.close()

    t0 = time.perf_counter()
    await asyncio.gather(*(one(n) for n in range(clients)))
    wall = time.perf_counter() - t0
    out: dict[str, dict[str, Any]] = {}
    for kind in [*kinds, "all"]:
        xs = sorted(x for k in kinds for x in lat[k]) if kind == "all" else sorted(lat[kind])
        errs = [e for k in kinds for e in errors[k]] if kind == "all" else errors[kind]
        out[kind] = {"requests": len(xs), "per_s": len(xs) / wall, "errors": len(errs),
                     "error_samples": errs[:5], "p50_ms": _pct(xs, 50), "p90_ms": _pct(xs, 90),
                     "p99_ms": _pct(xs, 99), "max_ms": 1000 * xs[-1] if xs else 0.0}
    return out


def _pct(xs: list[float], p: float) -> float:
    if not xs:
        return 0.0
    return 1000 * xs[min(len(xs) - 1, int(len(xs) * p / 100))]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _paths(db: Path, n: int = 400) -> tuple[int, dict[str, list[str]]]:
    """(articles stored, paths): search pages for words of the stored titles (common and
    rare alike) and article pages for stored ids, chosen with a fixed seed."""
    import sqlite3
    from urllib.parse import quote

    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    ids = [r[0] for r in conn.execute("SELECT id FROM articles ORDER BY seq")]
    titles = [r[0] or "" for r in
              conn.execute("SELECT title FROM articles ORDER BY seq LIMIT 3000")]
    conn.close()
    rng = random.Random(SEED)
    words = sorted({w for t in titles for w in t.split() if w.isalpha() and len(w) > 3})
    return len(ids), {"search": [f"/?q={quote(rng.choice(words))}" for _ in range(n)],
                      "article": [f"/article/{rng.choice(ids)}" for _ in range(n)]}


def serve(db: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    """`newsgraph serve --workers N`, as users run it."""
    cmd = [str(NEWSGRAPH), "serve", "--workers", str(workers)]
    proc = subprocess.Popen([*cmd, "--db", str(db), "--port", str(port)],
                            stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc
        except OSError:
            if proc.poll() is not None:
                raise SystemExit("newsgraph serve exited") from None
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("newsgraph serve did not start")


TYPED = ["earthquake", "police said", "hollywood star", "the court", "murder charge",
         "fire", "election results"]


async def _typing(port: int, rounds: int = 3) -> dict[str, float]:
    """What as-you-type costs: for each phrase, every prefix a user types, the three requests
    static/app.js sends at once (articles with counts, entities, quotes); the time until all
    three answered, per keystroke. One user, so this is latency, not load."""
    from urllib.parse import urlencode

    clients = [Client(port) for _ in range(3)]
    times: list[float] = []
    for _ in range(rounds):
        for phrase in TYPED:
            for n in range(1, len(phrase) + 1):
                q = phrase[:n]
                search = {"q": q, "limit": 20, "facets": "true", "prefix": "true"}
                urls = [f"/api/search?{urlencode(search)}",
                        f"/api/entities?{urlencode({'q': q, 'limit': 10})}",
                        f"/api/quotes?{urlencode({'q': q, 'limit': 10, 'prefix': 'true'})}"]
                t0 = time.perf_counter()
                done = await asyncio.gather(*(c.get(u) for c, u in
                                              zip(clients, urls, strict=True)))
                times.append(time.perf_counter() - t0)
                assert all(status == 200 for status, _ in done), (q, done)
    for c in clients:
        await c.close()
    times.sort()
    return {"keystrokes": len(times), "p50_ms": _pct(times, 50), "p90_ms": _pct(times, 90),
            "p99_ms": _pct(times, 99), "max_ms": 1000 * times[-1]}


def cpu_seconds(root: int) -> float:
    """User + system CPU seconds of `root` and its descendants (uvicorn workers), from
    /proc: what the server spent, whatever else the machine was doing."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in rss_by_pid(root):
        try:
            with open(f"/proc/{pid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
        except (OSError, IndexError, ValueError):
            continue
    return total


async def _measured(pid: int, port: int, paths: dict[str, list[str]], clients: int,
                    seconds: float) -> dict[str, dict[str, Any]]:
    before = cpu_seconds(pid)
    rows = await _load(port, paths, clients, seconds)
    spent = cpu_seconds(pid) - before
    for r in rows.values():
        r["server_cpu_ms"] = 1000 * spent / max(rows["all"]["requests"], 1)
    return rows


def _table(rows: dict[str, dict[str, Any]], floor: dict[str, Any]) -> str:
    lines = ["| route | requests | req/s | p50 ms | p90 ms | p99 ms | max ms | errors | "
             "p50 / floor p50 | req/s / floor req/s |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for kind, r in [*rows.items(), ("floor (static file)", floor)]:
        ratio = r["p50_ms"] / floor["p50_ms"] if floor["p50_ms"] else 0.0
        rate = r["per_s"] / floor["per_s"] if floor["per_s"] else 0.0
        lines.append(f"| {kind} | {r['requests']:,} | {r['per_s']:.0f} | {r['p50_ms']:.0f} | "
                     f"{r['p90_ms']:.0f} | {r['p99_ms']:.0f} | {r['max_ms']:.0f} | "
                     f"{r['errors']} | {ratio:.1f}x | {rate:.2f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--floor-seconds", type=float, default=10.0)
    ap.add_argument("--workers", type=int, default=1,
                    help="server processes (`newsgraph serve --workers N`)")
    ap.add_argument("--db", type=Path, help="use (or build, if missing) this store")
    ap.add_argument("--build-only", action="store_true")
    ap.add_argument("--typing", action="store_true",
                    help="instead of the load: as-you-type latency, one user, every prefix")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(dir="/dev/shm" if Path("/dev/shm").is_dir() else None) as t:
        db = args.db or Path(t) / f"web_{args.articles}.db"
        if not db.exists():
            print(f"building a {args.articles:,}-article store at {db} (NLP off) ...",
                  flush=True)
            print(f"  ingested in {build_store(db, args.articles):.1f} s", flush=True)
        if args.build_only:
            return 0
        stored, paths = _paths(db)
        port = _free_port()
        proc = serve(db, port, args.workers)
        if args.typing:
            try:
                asyncio.run(_load(port, paths, 2, 2.0))
                typed = asyncio.run(_typing(port))
            finally:
                proc.terminate()
                proc.wait(10)
            print(f"\n{stored:,} articles, as you type {len(TYPED)} phrases x 3 rounds "
                  f"(search with counts + entities + quotes per keystroke, at once):")
            print(" ".join(f"{k} {v:,.0f}" for k, v in typed.items()))
            return 0
        try:
            # warm-up: the first requests load templates and fill SQLite's page cache
            asyncio.run(_load(port, paths, 4, 2.0))
            floor = asyncio.run(_measured(proc.pid, port, {"static": ["/static/favicon.svg"]},
                                          args.clients, args.floor_seconds))["all"]
            rows = asyncio.run(_measured(proc.pid, port, paths, args.clients, args.seconds))
        finally:
            proc.terminate()
            proc.wait(10)
    print(f"\n{stored:,} articles, {args.clients} concurrent clients "
          f"(closed loop, no think time), {args.seconds:.0f} s, {args.workers} server "
          f"process(es); floor: the same clients on /static/favicon.svg for "
          f"{args.floor_seconds:.0f} s\n")
    print(_table(rows, floor))
    print(f"\nserver CPU per request: {rows['all']['server_cpu_ms']:.1f} ms (pages), "
          f"{floor['server_cpu_ms']:.1f} ms (floor); p99 target 300 ms: "
          f"{'met' if rows['all']['p99_ms'] < 300 else 'missed'}")
    errs = [e for r in rows.values() for e in r["error_samples"]]
    if errs:
        print("\nerrors, e.g.:", *errs[:5], sep="\n  ")
    if args.json:
        args.json.write_text(json.dumps({"rows": rows, "floor": floor}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
