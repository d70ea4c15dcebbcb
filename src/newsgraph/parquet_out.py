"""Map results straight to partitioned Parquet, then into a store: the cluster path.

`write_shards(paths, out, ...)` reads the inputs in the same order as `newsgraph ingest`, cuts
their items into shards of `parquet_shard_size` consecutive items, and has the engine's workers
run the map stages (clean, meta, signature, NLP) over each shard and write it themselves:
`out/part-000123.parquet`, then the completion marker `out/_markers/part-000123.json` (written
last, by rename: a shard without its marker is not done). Nothing of the articles passes
through the driver. A re-run skips every shard whose marker holds the same fingerprint (the
items it covers and their files' sizes and mtimes), so a killed run resumes shard by shard.

`load_shards(out, db)` then runs the corpus stages (learned boilerplate, duplicates, entities,
statements, relations, stories) over the shards in order through the store's single writer:
the store, and so every export, is byte for byte the one `newsgraph ingest` of the same inputs
makes. The Parquet files are plain columns (nested records as JSON text), so DuckDB or pyarrow
read them directly (docs/scaling.md).
"""

from __future__ import annotations

import hashlib
import json
import os
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from newsgraph.config import Settings
from newsgraph.ingest import Ingest, RunReport, _Source, file_digest
from newsgraph.records import Article, Drop, Event, IngestError, Mention, Quote, RawDoc, Segment

FORMAT = "newsgraph-shard/1"
MARKERS = "_markers"

# (name, pyarrow type name) in file order; the article's own columns first
_COLUMNS = (
    ("number", "int64"), ("id", "string"), ("source_path", "string"), ("url", "string"),
    ("outlet", "string"), ("outlet_source", "string"), ("title", "string"), ("text", "string"),
    ("raw_text", "string"), ("published", "string"), ("published_source", "string"),
    ("published_evidence", "string"), ("language", "string"), ("language_score", "float64"),
    ("removed", "string"), ("segments", "string"), ("notes", "string"), ("versions", "string"),
    ("hints", "string"), ("mentions", "string"), ("quotes", "string"), ("events", "string"),
    ("sig_exact", "string"), ("sig_n_shingles", "int64"), ("sig_minhash", "binary"),
    ("sig_truncated", "bool"), ("sig_keys", "list<int64>"), ("line_keys", "string"),
    ("source_sha256", "string"),
)


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


@dataclass
class ShardSpec:
    """What a worker needs to make one shard: its items, and what the driver already knows."""

    number: int
    first_doc: int  # the run-wide number of its first item
    raws: list[RawDoc]
    fingerprint: str
    out: str
    # what happened in input order: ["d", doc number], ["e", read error], ["s", a file's source
    # row once its last item is read] — replayed in this order by the loader
    events: list[list[Any]] = field(default_factory=list)


def shard_name(number: int) -> str:
    return f"part-{number:06d}"


def marker_path(out: Path, number: int) -> Path:
    return out / MARKERS / f"{shard_name(number)}.json"


# ---- writing (driver side: cut shards; worker side: process and write one) ----------------
def _read_items(paths: list[str], settings: Settings
                ) -> Iterator[tuple[RawDoc | IngestError | None, dict[str, Any] | None]]:
    """(item, None) for each RawDoc or read error in ingest's order, then (None, source) when a
    file has given all its items."""
    from newsgraph.stages.read.discover import discover_inputs, read_inputs

    for item in discover_inputs(paths):
        if isinstance(item, IngestError):
            yield item, None
            continue
        try:
            st = os.stat(item.path)
        except OSError as exc:
            yield IngestError(str(item.path), "E101", f"cannot read ({exc.strerror})"), None
            continue
        whole = item.fmt in ("text", "html")
        source = {"path": str(item.path), "size": st.st_size, "mtime_ns": st.st_mtime_ns,
                  "sha256": "", "whole": whole, "read_errors": 0}
        if whole:
            group = item.folder_group
            raw = RawDoc(str(item.path), item.fmt, None, {"folder": group} if group else {})
            Ingest._set_group(raw, item)
            yield raw, None
        else:
            try:
                source["sha256"] = file_digest(item.path)
                for raw in read_inputs(item, settings):
                    if isinstance(raw, IngestError):
                        source["read_errors"] += 1
                    else:
                        Ingest._set_group(raw, item)
                    yield raw, None
            except Exception as exc:  # rule 3: a reader bug on one file costs only that file
                source["read_errors"] += 1
                yield IngestError(str(item.path), "E101", f"reader failed: {exc!r}"[:500]), None
        yield None, source


def _fingerprint(raws: list[RawDoc], events: list[list[Any]], settings: Settings) -> str:
    h = hashlib.sha256(FORMAT.encode())
    h.update(_json({k: v for k, v in sorted(asdict(settings).items())
                    if k not in ("db", "jobs", "engine", "scheduler")}).encode())
    for raw in raws:
        h.update(raw.source_path.encode("utf-8", "surrogateescape") + b"\0")
        if raw.data is None:
            st = os.stat(raw.source_path)
            h.update(f"{st.st_size}:{st.st_mtime_ns}".encode())
        else:
            data = raw.data if isinstance(raw.data, bytes) else raw.data.encode("utf-8",
                                                                                "surrogatepass")
            h.update(hashlib.sha256(data).digest())
    h.update(_json(events).encode("utf-8", "surrogateescape"))
    return h.hexdigest()


def cut_shards(paths: list[str], out: Path, settings: Settings,
               report: RunReport) -> Iterator[ShardSpec]:
    """Shards of `parquet_shard_size` consecutive items; a file's source row and read errors go
    with the shard in which they happen (in order), so shards are the same on every run."""
    size = settings.parquet_shard_size
    number, doc, first = 0, 0, 0
    raws: list[RawDoc] = []
    events: list[list[Any]] = []
    for item, source in _read_items(paths, settings):
        if source is not None:
            report.files_seen += 1
            events.append(["s", source])
        elif isinstance(item, IngestError):
            events.append(["e", item.to_dict()])
        else:
            assert item is not None
            if len(raws) >= size:  # cut before the next item: a file's tail stays with it
                yield ShardSpec(number, first, raws, _fingerprint(raws, events, settings),
                                str(out), events)
                number, first, raws, events = number + 1, doc, [], []
            raws.append(item)
            events.append(["d", doc])
            doc += 1
    if raws or events:
        yield ShardSpec(number, first, raws, _fingerprint(raws, events, settings), str(out),
                        events)


def _article_row(number: int, a: Article) -> dict[str, Any]:
    sig = a.signature
    return {
        "number": number, "id": a.id, "source_path": a.source_path, "url": a.url,
        "outlet": a.outlet, "outlet_source": a.outlet_source, "title": a.title, "text": a.text,
        "raw_text": a.raw_text, "published": a.published, "published_source": a.published_source,
        "published_evidence": a.published_evidence, "language": a.language,
        "language_score": a.language_score,
        "removed": _json([d.to_dict() for d in a.removed]),
        "segments": _json([[s.clean, s.raw, s.length] for s in a.segments]),
        "notes": _json(a.notes), "versions": _json(a.versions), "hints": _json(a.hints),
        "mentions": _json([asdict(m) for m in a.mentions]),
        "quotes": _json([asdict(q) for q in a.quotes]),
        "events": _json([asdict(e) for e in a.events]),
        "sig_exact": sig.exact if sig else None,
        "sig_n_shingles": sig.n_shingles if sig else None,
        "sig_minhash": sig.to_bytes() if sig else None,
        "sig_truncated": sig.truncated if sig else None,
        "sig_keys": list(sig.keys) if sig else None,
        "line_keys": _json(a.line_keys) if a.line_keys is not None else None,
        "source_sha256": a.source_sha256,
    }


def _schema() -> Any:
    import pyarrow as pa

    types = {"int64": pa.int64(), "string": pa.string(), "float64": pa.float64(),
             "binary": pa.binary(), "bool": pa.bool_(), "list<int64>": pa.list_(pa.int64())}
    return pa.schema([(name, types[t]) for name, t in _COLUMNS])


def _atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    write(tmp)
    os.replace(tmp, path)


def process_shard(worker: Any, spec: ShardSpec) -> dict[str, Any]:
    """On a worker: the map stages over the shard's items, the Parquet file, then its marker.
    Returns the marker (small: counts and errors, no article)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = Path(spec.out)
    rows: list[dict[str, Any]] = []
    errors: dict[str, dict[str, str]] = {}  # doc number -> the worker's error for it
    step = worker.settings.batch_size
    if worker.settings.nlp:
        step = min(step, worker.settings.nlp_task_size)
    for start in range(0, len(spec.raws), step):
        results = worker.process(spec.raws[start:start + step])
        for offset, item in enumerate(results):
            number = spec.first_doc + start + offset
            if isinstance(item, IngestError):
                errors[str(number)] = item.to_dict()
            else:
                rows.append(_article_row(number, item))
    table = pa.Table.from_pylist(rows, schema=_schema())
    _atomic_write(out / f"{shard_name(spec.number)}.parquet",
                  lambda p: pq.write_table(table, p, compression="zstd"))
    marker = {"format": FORMAT, "shard": spec.number, "fingerprint": spec.fingerprint,
              "first_doc": spec.first_doc, "items": len(spec.raws), "articles": len(rows),
              "errors": errors, "events": spec.events}
    (out / MARKERS).mkdir(exist_ok=True)
    _atomic_write(marker_path(out, spec.number),
                  lambda p: p.write_text(_json(marker), encoding="utf-8"))
    return marker


@dataclass
class ShardReport:
    shards: int = 0
    shards_done_before: int = 0  # skipped: a marker with the same fingerprint was there
    items: int = 0
    articles: int = 0
    errors: list[IngestError] = field(default_factory=list)
    run: RunReport = field(default_factory=RunReport)

    @property
    def exit_code(self) -> int:
        return 1 if self.errors else 0


def _shard_rows(path: Path) -> int | None:
    """Rows in a shard file per its Parquet footer, or None when the file cannot be opened as
    Parquet (truncated, overwritten, not Parquet): reads the footer only."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        return int(pq.ParquetFile(path).metadata.num_rows)
    except (OSError, pa.ArrowException):
        return None


def _done(out: Path, spec: ShardSpec) -> dict[str, Any] | None:
    """The shard's marker when it is done with these inputs: a marker with the same
    fingerprint, and a shard file that opens and holds the rows the marker counts (a corrupt
    or truncated file is written again)."""
    path = marker_path(out, spec.number)
    shard = out / f"{shard_name(spec.number)}.parquet"
    if not path.exists() or not shard.exists():
        return None
    try:
        marker = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(marker, dict) or marker.get("fingerprint") != spec.fingerprint:
        return None
    return marker if _shard_rows(shard) == marker.get("articles") else None


def write_shards(paths: list[str], out: str | Path, settings: Settings, engine: Any,
                 progress: Callable[[str, int], None] | None = None) -> ShardReport:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    progress = progress or (lambda event, n: None)
    report = ShardReport()
    markers: dict[int, dict[str, Any]] = {}
    last = -1

    def todo() -> Iterator[ShardSpec]:
        nonlocal last
        for spec in cut_shards(paths, out, settings, report.run):
            last = spec.number
            done = _done(out, spec)
            if done is not None:
                report.shards_done_before += 1
                markers[spec.number] = done
                progress("article", len(spec.raws))
                continue
            yield spec

    for marker in engine.map_tasks(process_shard, todo()):
        markers[marker["shard"]] = marker
        progress("article", marker["items"])
    for old in sorted(out.glob("part-*.parquet")):  # shards of an earlier, longer input list
        number = int(old.stem.split("-")[1])
        if number > last:
            old.unlink()
            marker_path(out, number).unlink(missing_ok=True)
    for number in sorted(markers):
        m = markers[number]
        report.shards += 1
        report.items += m["items"]
        report.articles += m["articles"]
        for kind, value in m["events"]:
            if kind == "e":
                report.errors.append(IngestError(**value))
            elif kind == "d" and str(value) in m["errors"]:
                report.errors.append(IngestError(**m["errors"][str(value)]))
    return report


# ---- loading (driver side, through the single store writer) -------------------------------
def _mention(m: dict[str, Any]) -> Mention:
    if "title" in m:  # stages/entities.py's TitledMention: the title seen with the name
        from newsgraph.stages.entities import TitledMention

        return TitledMention(**m)
    return Mention(**m)


def _article(row: dict[str, Any]) -> Article:
    from newsgraph.stages.dedup import Signature

    a = Article(
        id=row["id"], source_path=row["source_path"], raw_text=row["raw_text"], text=row["text"],
        title=row["title"], url=row["url"], outlet=row["outlet"],
        outlet_source=row["outlet_source"], published=row["published"],
        published_source=row["published_source"], published_evidence=row["published_evidence"],
        language=row["language"], language_score=row["language_score"],
        removed=[Drop(**d) for d in json.loads(row["removed"])],
        segments=[Segment(*s) for s in json.loads(row["segments"])],
        hints=json.loads(row["hints"]), notes=json.loads(row["notes"]),
        versions=json.loads(row["versions"]),
        mentions=[_mention(m) for m in json.loads(row["mentions"])],
        quotes=[Quote(**q) for q in json.loads(row["quotes"])],
        events=[Event(**e) for e in json.loads(row["events"])],
        source_sha256=row["source_sha256"],
    )
    if row["sig_exact"] is not None:
        minhash = array("I")
        minhash.frombytes(row["sig_minhash"])
        a.signature = Signature(row["sig_exact"], row["sig_n_shingles"], minhash,
                                row["sig_truncated"], list(row["sig_keys"] or []))
    if row["line_keys"] is not None:
        a.line_keys = [tuple(k) if k is not None else None for k in json.loads(row["line_keys"])]
    return a


_MARKER_KEYS = {"format": str, "shard": int, "items": int, "articles": int, "errors": dict,
                "events": list}
_RERUN = "run the same `newsgraph ingest --out-parquet` again to write it anew"


def _read_marker(path: Path) -> dict[str, Any]:
    """A completion marker, checked: a marker that is not this format's JSON is an input
    error naming the file (ingest's re-run writes such a shard again)."""
    from newsgraph.errors import InputError

    try:
        marker = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InputError("E107", f"{path}: not a readable shard marker ({exc}); "
                                 f"{_RERUN}") from None
    bad = [k for k, t in _MARKER_KEYS.items()
           if not isinstance(marker, dict) or not isinstance(marker.get(k), t)]
    if bad or marker["format"] != FORMAT or shard_name(marker["shard"]) != path.stem:
        raise InputError("E107", f"{path}: not a {FORMAT} marker for this file "
                                 f"(bad or missing: {', '.join(bad) or 'format or shard'}); "
                                 f"{_RERUN}")
    return marker


def shard_markers(out: Path) -> tuple[list[dict[str, Any]], list[int]]:
    """The markers of the complete shards in order, and the numbers of missing ones (gaps).
    A folder that is not there, holds no shards, or has a corrupt marker or shard file is an
    input error (nothing is loaded from it); the shard files are checked by their footer."""
    from newsgraph.errors import InputError

    if not out.is_dir():
        raise InputError("E110", f"{out}: no such folder (shards are written by "
                                 "`newsgraph ingest --out-parquet DIR`)")
    found = {}
    for path in sorted((out / MARKERS).glob("part-*.json")):
        marker = _read_marker(path)
        shard = out / f"{shard_name(marker['shard'])}.parquet"
        if shard.exists():
            rows = _shard_rows(shard)
            if rows != marker["articles"]:
                what = ("cannot be read as Parquet" if rows is None else
                        f"holds {rows} rows, its marker says {marker['articles']}")
                raise InputError("E108", f"{shard} {what}; {_RERUN}")
            found[marker["shard"]] = marker
    if not found and not any(out.glob("part-*.parquet")):
        raise InputError("E102", f"{out} holds no shards (part-*.parquet with markers in "
                                 f"{MARKERS}/): write them with `newsgraph ingest "
                                 "--out-parquet DIR`")
    last = max(found, default=-1)
    return [found[n] for n in sorted(found)], [n for n in range(last + 1) if n not in found]


class ShardLoader(Ingest):
    """Ingest's corpus half over stored shards instead of an engine's results."""

    def load(self, out: Path) -> RunReport:
        from newsgraph.gcpolicy import ingest_gc

        with ingest_gc():
            return self._load(out)

    def _items(self, out: Path, markers: list[dict[str, Any]]
               ) -> Iterator[tuple[str, Any]]:
        """The shards' events in run order: ("d", (number, article or worker error)),
        ("e", read error), ("s", source row)."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        from newsgraph.errors import InputError

        for marker in markers:
            shard = out / f"{shard_name(marker['shard'])}.parquet"
            try:  # its footer was checked; a damaged page shows only here
                table = pq.read_table(shard)
            except (OSError, pa.ArrowException) as exc:
                # its marker would still be trusted by a re-run: the file must go first
                why = " ".join(str(exc).split())  # pyarrow's text spans lines: keep one
                raise InputError("E108", f"{shard} cannot be read ({why}); what came before "
                                         "it is loaded; delete the file, run the same "
                                         "`newsgraph ingest --out-parquet` again to write it "
                                         "anew, then load again") from None
            arts = {row["number"]: row for row in table.to_pylist()}
            for kind, value in marker["events"]:
                if kind == "d":
                    if value in arts:
                        yield kind, (value, _article(arts.pop(value)))
                    else:
                        yield kind, (value, IngestError(**marker["errors"][str(value)]))
                elif kind == "e":
                    yield kind, IngestError(**value)
                else:
                    yield kind, value

    def _load(self, out: Path) -> RunReport:
        from concurrent.futures import ThreadPoolExecutor

        from newsgraph.store import Store

        self._refuse_unfinished_replay()
        self.pending_errors = []
        self.done_files, self.done_digests = self.store.done_sources()
        markers, missing = shard_markers(out)  # a bad folder fails before the run starts
        self.report.run_id = self.store.start_run({"load": str(out), "engine": "parquet"})
        if missing:
            from newsgraph.errors import StoreError

            raise StoreError("E201", f"{out} misses shard(s) {missing[:10]}: run the same "
                                     "`newsgraph ingest --out-parquet` again to complete them")
        self.writer = Store(self.store.path)
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="newsgraph-writer")
        self.pending_write = None
        round_: list[tuple[int, Article]] = []
        current = _Source("", 0, 0, "")  # counts of the file being replayed
        last_number = -1
        try:
            for kind, value in self._items(out, markers):
                if kind == "s":  # the file whose items came since the last one is complete
                    src = _Source(value["path"], value["size"], value["mtime_ns"],
                                  current.sha256 or value["sha256"],
                                  last_doc=last_number, articles=current.articles,
                                  errors=current.errors + value["read_errors"],
                                  whole=value["whole"], skipped=current.skipped)
                    current = _Source("", 0, 0, "")
                    self.report.files_seen += 1
                    if not src.skipped and (
                            self.done_files.get(src.path) == (src.size, src.mtime_ns)
                            or (not src.whole and src.sha256 in self.done_digests)):
                        src.skipped = True  # stored already: its articles are known
                        self.report.files_skipped += 1
                    self.sources.append(src)
                    continue
                if kind == "e":  # counted in the source row's read_errors
                    self._error(value)
                    continue
                number, item = value
                last_number = number
                if isinstance(item, IngestError):
                    current.errors += 1
                    self._error(item)
                    continue
                if item.source_sha256:  # a whole file, hashed by the worker
                    current.sha256 = item.source_sha256
                    if item.source_sha256 in self.done_digests:
                        current.skipped = True  # the same bytes, moved or renamed
                        self.report.files_skipped += 1
                        continue
                current.articles += 1
                round_ = self._add_to_round(round_, number, item)
            self._commit(round_, last_number, final=True)
            self._end_passes()
        finally:
            self.executor.shutdown(wait=True)
            self.writer.close()
            self.store.finish_run(self.report.run_id, self.report.summary())
        return self.report


def load_shards(out: str | Path, settings: Settings,
                progress: Callable[[str, int], None] | None = None) -> RunReport:
    from newsgraph.store import Store

    with Store(settings.db) as store:
        return ShardLoader(store, settings, None, progress).load(Path(out))


def iter_shard_articles(out: str | Path) -> Iterable[Article]:
    """Every article of the complete shards, in order (for tools and tests)."""
    import pyarrow.parquet as pq

    markers, _ = shard_markers(Path(out))
    for marker in markers:
        for row in pq.read_table(Path(out) / f"{shard_name(marker['shard'])}.parquet"
                                 ).to_pylist():
            yield _article(row)
