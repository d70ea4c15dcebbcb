"""SQLite store: the single writer (ingest) and the readers (CLI, API, exports).

Writes are batched in transactions (executemany); a batch is all-or-nothing, so an interrupted
ingest keeps every committed batch and a re-run completes the rest. WAL lets readers read while
the writer writes. The schema evolves by numbered files in migrations/ (PRAGMA user_version).
"""

from __future__ import annotations

import json
import re
import sqlite3
from array import array
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from newsgraph.errors import StoreError
from newsgraph.records import Article, Drop, Entity, IngestError, Mention, Quote, Segment
from newsgraph.stages.dedup import Candidate, Signature, band_keys
from newsgraph.stages.repeats import LineCount
from newsgraph.store.events import EventStore, write_events
from newsgraph.store.patterns import like
from newsgraph.store.relations import RelationStore
from newsgraph.store.statements import StatementStore
from newsgraph.store.stories import StoryStore

ARTICLE_COLUMNS = (
    "id", "source_path", "url", "outlet", "outlet_source", "title", "text", "raw_text",
    "published", "published_source", "published_evidence", "language", "language_score",
    "story_id", "duplicate_of", "duplicate_score", "removed", "segments", "notes", "versions",
    "hints", "run_id",
)
_JSON_COLUMNS = ("notes", "versions", "hints")
REPLAY_TASK = "replay"  # the `unfinished` row of reprocess's upstream replay (migrations/011)


@cache  # the files ship with the package: read once per process, not per store opened
def _migrations() -> tuple[tuple[int, str], ...]:
    folder = resources.files("newsgraph.store") / "migrations"
    found = []
    for entry in folder.iterdir():
        match = re.match(r"(\d+)_.*\.sql$", entry.name)
        if match:
            found.append((int(match.group(1)), entry.read_text(encoding="utf-8")))
    return tuple(sorted(found))



def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Store:
    """Open with `Store(path)`; `readonly=True` for readers that must not create a file."""

    def __init__(self, path: str | Path, readonly: bool = False) -> None:
        self.path = Path(path)
        if readonly and not self.path.exists():
            raise StoreError("E201", f"no store at {self.path} (run `newsgraph ingest` first)")
        try:
            if readonly:
                self.conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                # check_same_thread off: ingest hands its writer connection to one writer
                # thread (never shared between threads at once); wait on locks, don't fail
                self.conn = sqlite3.connect(self.path, timeout=60, check_same_thread=False)
                if self._check_version() == 0:  # before WAL mode, which rewrites the header
                    self._refuse_foreign()
                self.conn.execute("PRAGMA journal_mode=WAL")
                self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA foreign_keys=ON")
            if not readonly:
                self._migrate()
            elif self._check_version() == 0:  # an empty file, or another program's SQLite
                self._refuse_foreign()
                self.conn.close()
                raise StoreError("E201", f"{self.path} is not a newsgraph store (it has no "
                                         "newsgraph schema); `newsgraph ingest PATH... --db "
                                         f"{self.path}` makes one")
        except sqlite3.DatabaseError as exc:
            raise StoreError("E201", f"{self.path} is not a newsgraph store ({exc})") from None

    # ---- schema ---------------------------------------------------------------------------
    def _check_version(self) -> int:
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        latest = _migrations()[-1][0]
        if version > latest:
            raise StoreError(
                "E202", f"{self.path} has schema {version}; this newsgraph knows up to {latest}"
            )
        return int(version)

    def _refuse_foreign(self) -> None:
        """An SQLite file without newsgraph's schema version that holds tables belongs to
        another program: an error, and nothing is written into it."""
        tables = [r[0] for r in self.conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name LIMIT 4")]
        if tables:
            self.conn.close()
            raise StoreError("E201", f"{self.path} is another program's SQLite database "
                                     f"(tables {', '.join(tables)}); newsgraph reads and writes "
                                     "only its own stores: choose another --db")

    def _migrate(self) -> None:
        version = self._check_version()
        for number, sql in _migrations():
            if number > version:
                with self.conn:
                    self.conn.executescript(
                        f"BEGIN;\n{sql}\nPRAGMA user_version={number};\nCOMMIT;"
                    )

    def close(self) -> None:
        self.conn.close()

    def events_view(self) -> EventStore:
        """The events table (store/events.py)."""
        return EventStore(self.conn)

    def stories_view(self) -> StoryStore:
        """The story tables (store/stories.py)."""
        return StoryStore(self.conn)

    def statements_view(self) -> StatementStore:
        """The statement tables (store/statements.py)."""
        return StatementStore(self.conn)

    def relations_view(self) -> RelationStore:
        """The relations table (store/relations.py)."""
        return RelationStore(self.conn)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- runs and sources -----------------------------------------------------------------
    def start_run(self, args: dict[str, Any]) -> int:
        with self.conn:
            cur = self.conn.execute(
                "INSERT INTO runs(started, args) VALUES (?, ?)", (_now(), json.dumps(args))
            )
        return int(cur.lastrowid or 0)

    def finish_run(self, run_id: int, summary: dict[str, Any]) -> None:
        with self.conn:
            self.conn.execute(
                "UPDATE runs SET finished=?, summary=? WHERE id=?",
                (_now(), json.dumps(summary), run_id),
            )

    # ---- unfinished tasks (migrations/011) ---------------------------------------------
    def unfinished(self) -> set[str]:
        return {task for (task,) in self.conn.execute("SELECT task FROM unfinished")}

    def mark_unfinished(self, task: str) -> None:
        """Inside the caller's transaction: with the first change the task makes."""
        self.conn.execute("INSERT OR REPLACE INTO unfinished VALUES (?, ?)", (task, _now()))

    def clear_unfinished(self, task: str) -> None:
        with self.conn:
            self.conn.execute("DELETE FROM unfinished WHERE task=?", (task,))

    def done_sources(self) -> tuple[dict[str, tuple[int, int]], set[str]]:
        """Files ingested completely: path -> (size, mtime_ns), and their content digests (the
        same bytes under another name are skipped too)."""
        files: dict[str, tuple[int, int]] = {}
        digests: set[str] = set()
        for path, size, mtime_ns, sha in self.conn.execute(
            "SELECT path, size, mtime_ns, sha256 FROM sources WHERE status='done'"
        ):
            files[path] = (size, mtime_ns)
            digests.add(sha)
        return files, digests

    # ---- the writer -----------------------------------------------------------------------
    def existing_ids(self, ids: Iterable[str]) -> set[str]:
        ids = list(ids)
        found: set[str] = set()
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            marks = ",".join("?" * len(chunk))
            rows = self.conn.execute(f"SELECT id FROM articles WHERE id IN ({marks})", chunk)
            found.update(r[0] for r in rows)
        return found

    def write_batch(
        self,
        articles: list[Article],
        sigs: dict[str, Signature],
        bands: int,
        line_counts: Iterable[tuple[str, str, LineCount]],
        errors: list[IngestError],
        run_id: int,
        sources: Sequence[tuple[Any, ...]] = (),
        entities: Sequence[Entity] = (),
    ) -> int:
        """One transaction: articles, their dedup index rows, learned line counts, errors, and
        the input files this completes."""
        rows = [_article_row(a, run_id) for a in articles]
        with self.conn:
            before = self.conn.total_changes
            last_seq = self.conn.execute("SELECT coalesce(max(seq), 0) FROM articles").fetchone()[0]
            self.conn.executemany(
                f"INSERT OR IGNORE INTO articles({','.join(ARTICLE_COLUMNS)}) "
                f"VALUES ({','.join('?' * len(ARTICLE_COLUMNS))})",
                rows,
            )
            written = self.conn.total_changes - before
            # the rows just added are the ones above the old maximum (seq only grows): index
            # them in one statement (see migrations/003)
            self.conn.execute(
                "INSERT INTO articles_fts(rowid, title, text) "
                "SELECT seq, title, text FROM articles WHERE seq > ?", (last_seq,))
            if written:  # where this round starts, for a replay of the corpus stages
                self.conn.execute(
                    "INSERT OR IGNORE INTO article_rounds SELECT min(seq) FROM articles "
                    "WHERE seq > ?", (last_seq,))
            self.write_corpus_index(articles, sigs, bands, line_counts)
            self._write_nlp(articles, entities)
            self.record_errors(errors, run_id, commit=False)
            self.conn.executemany("INSERT OR REPLACE INTO sources VALUES (?,?,?,?,?,?,?,?)",
                                  sources)
        return written

    def write_corpus_index(self, articles: list[Article], sigs: dict[str, Signature], bands: int,
                           line_counts: Iterable[tuple[str, str, LineCount]]) -> None:
        """The articles' dedup index rows and the learned line counts (inside the caller's
        transaction)."""
        seqs = dict(zip(
            (a.id for a in articles), self._seqs([a.id for a in articles]), strict=True
        ))
        exact, signatures, band_rows = [], [], []
        for art in articles:
            sig = sigs.get(art.id)
            if sig is None:
                continue
            root = art.duplicate_of or art.id
            exact.append((sig.exact, root))
            if sig.minhash:
                signatures.append((art.id, seqs[art.id], root, sig.n_shingles, sig.to_bytes()))
                keys = sig.keys if len(sig.keys) == bands else band_keys(sig.minhash, bands)
                seq = seqs[art.id]
                band_rows.extend((k, seq) for k in keys)
        self.conn.executemany("INSERT OR IGNORE INTO dedup_exact VALUES (?,?)", exact)
        self.conn.executemany(
            "INSERT OR IGNORE INTO dedup_signatures VALUES (?,?,?,?,?)", signatures
        )
        band_rows.sort()  # in key order: the band index is built with far fewer page moves
        self.conn.executemany("INSERT OR IGNORE INTO dedup_band_seqs VALUES (?,?)", band_rows)
        self.conn.executemany(
            "INSERT OR REPLACE INTO line_counts VALUES (?,?,?,?,?,?)",
            # the sample as space-separated ids (a JSON list before: still read), ~15x
            # cheaper than json.dumps on the ~14 rows an article adds
            [(g, h, c.docs, c.edge, int(c.prose), " ".join(c.sample))
             for g, h, c in line_counts],
        )

    def _write_nlp(self, articles: list[Article], entities: Sequence[Entity]) -> None:
        """Mentions and quotes of new articles; entities upserted (they grow across runs)."""
        self.conn.executemany(
            "INSERT OR IGNORE INTO mentions VALUES (?,?,?,?,?,?)",
            [(a.id, m.start, m.end, m.text, m.label, m.entity_id)
             for a in articles for m in a.mentions],
        )
        self.conn.executemany(
            "INSERT OR IGNORE INTO quotes(id, article_id, start, end, text, type, speaker, "
            "speaker_entity_id, speaker_mention, speaker_start, speaker_end, cue, cue_start, "
            "cue_end, notes) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [(q.id, a.id, q.start, q.end, q.text, q.type, q.speaker, q.speaker_entity_id,
              q.speaker_mention, q.speaker_start, q.speaker_end, q.cue, q.cue_start, q.cue_end,
              json.dumps(q.notes, sort_keys=True, ensure_ascii=False))
             for a in articles for q in a.quotes],
        )
        write_events(self.conn, [e for a in articles for e in a.events])
        self.conn.executemany(
            "INSERT OR REPLACE INTO entities VALUES (?,?,?,?,?,?)",
            [(e.id, e.name, e.type, json.dumps(e.aliases, ensure_ascii=False), e.mention_count,
              json.dumps(e.evidence, sort_keys=True, ensure_ascii=False)) for e in entities],
        )

    def iter_article_mentions(self) -> Iterator[tuple[str, str, list[Mention], list[Quote]]]:
        """Every article's id, text, mentions and quotes, in first-seen order (entity pass)."""
        for art_id, text in self.conn.execute("SELECT id, text FROM articles ORDER BY seq"):
            yield art_id, text, self.article_mentions(art_id), self.quotes(art_id, limit=10**9)

    def rewrite_entities(self, entities: Sequence[Entity],
                         mentions: list[tuple[str, str, list[Mention], list[Quote]]]) -> None:
        """One transaction: the entity table as the corpus now resolves it, and the entity of
        each mention and the speaker of each quote given (the entity pass gives only those
        that changed)."""
        with self.conn:
            self.conn.execute("DELETE FROM entities")
            self._write_nlp([], entities)
            self.conn.executemany(
                "UPDATE mentions SET entity_id=? WHERE article_id=? AND start=? AND end=?",
                [(m.entity_id, art_id, m.start, m.end) for art_id, _, ms, _ in mentions
                 for m in ms])
            self.conn.executemany(
                "UPDATE quotes SET speaker=?, speaker_entity_id=?, notes=? WHERE id=?",
                [(q.speaker, q.speaker_entity_id,
                  json.dumps(q.notes, sort_keys=True, ensure_ascii=False), q.id)
                 for _, _, _, qs in mentions for q in qs])

    def _seqs(self, ids: list[str]) -> list[int]:
        found: dict[str, int] = {}
        for i in range(0, len(ids), 500):  # SQLite caps the number of ? in one statement
            chunk = ids[i:i + 500]
            marks = ",".join("?" * len(chunk))
            found.update(self.conn.execute(
                f"SELECT id, seq FROM articles WHERE id IN ({marks})", chunk).fetchall())
        return [found[i] for i in ids]

    def record_errors(self, errors: list[IngestError], run_id: int, commit: bool = True) -> None:
        rows = [(e.path, e.code, e.message, run_id) for e in errors]
        sql = "INSERT OR REPLACE INTO errors VALUES (?,?,?,?)"
        if commit:
            with self.conn:
                self.conn.executemany(sql, rows)
        else:
            self.conn.executemany(sql, rows)

    # ---- dedup and repeat look-ups (used by the driver) ------------------------------------
    def lookup_exact(self, digest: str) -> str | None:
        row = self.conn.execute(
            "SELECT article_id FROM dedup_exact WHERE hash=?", (digest,)
        ).fetchone()
        return row[0] if row else None

    def lookup_exact_many(self, digests: list[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for i in range(0, len(digests), 500):
            chunk = digests[i:i + 500]
            marks = ",".join("?" * len(chunk))
            found.update(self.conn.execute(
                f"SELECT hash, article_id FROM dedup_exact WHERE hash IN ({marks})", chunk))
        return found

    def lookup_bands_many(self, keys: list[int]) -> dict[int, list[Candidate]]:
        """Stored candidates per band key, each list in first-seen order. Two steps: the
        (band, seq) pairs from the band index alone, then each distinct candidate's signature
        once — a candidate shares several bands with a near-copy, and a join would carry its
        signature once per shared band (measured: 100k stored, most of the dedup time)."""
        pairs: dict[int, list[int]] = {}
        for i in range(0, len(keys), 500):
            chunk = keys[i:i + 500]
            marks = ",".join("?" * len(chunk))
            for band, seq in self.conn.execute(
                    f"SELECT band, seq FROM dedup_band_seqs WHERE band IN ({marks})", chunk):
                pairs.setdefault(band, []).append(seq)
        wanted = sorted({seq for seqs in pairs.values() for seq in seqs})
        by_seq: dict[int, Candidate] = {}
        for i in range(0, len(wanted), 500):
            chunk = wanted[i:i + 500]
            marks = ",".join("?" * len(chunk))
            for art_id, seq, root, n, blob in self.conn.execute(
                    "SELECT article_id, seq, root, n_shingles, minhash FROM dedup_signatures "
                    f"WHERE seq IN ({marks})", chunk):
                sig = array("I")
                sig.frombytes(blob)
                by_seq[seq] = Candidate(art_id, n, sig, root, seq)
        return {band: [by_seq[q] for q in sorted(seqs) if q in by_seq]
                for band, seqs in pairs.items()}

    def lookup_bands(self, keys: list[int]) -> list[Candidate]:
        if not keys:
            return []
        marks = ",".join("?" * len(keys))
        rows = self.conn.execute(
            "SELECT DISTINCT s.article_id, s.seq, s.root, s.n_shingles, s.minhash "
            "FROM dedup_band_seqs b JOIN dedup_signatures s ON s.seq=b.seq "
            f"WHERE b.band IN ({marks}) ORDER BY s.seq",
            keys,
        ).fetchall()
        out = []
        for r in rows:
            sig = array("I")
            sig.frombytes(r["minhash"])
            out.append(Candidate(r["article_id"], r["n_shingles"], sig, r["root"], r["seq"]))
        return out

    def load_line_counts(self, grp: str, hashes: list[str]) -> dict[str, LineCount]:
        found: dict[str, LineCount] = {}
        for i in range(0, len(hashes), 500):
            chunk = hashes[i:i + 500]
            marks = ",".join("?" * len(chunk))
            for r in self.conn.execute(
                "SELECT line_hash, docs, edge, prose, sample FROM line_counts "
                f"WHERE grp=? AND line_hash IN ({marks})", [grp, *chunk],
            ):
                sample = r[4]
                found[r[0]] = LineCount(r[1], r[2], bool(r[3]), json.loads(sample)
                                        if sample.startswith("[") else sample.split())
        return found

    # ---- readers --------------------------------------------------------------------------
    def count(self, where: str = "", params: tuple[Any, ...] = ()) -> int:
        row = self.conn.execute(f"SELECT count(*) FROM articles {where}", params).fetchone()
        return int(row[0])

    def get_article(self, article_id: str) -> Article | None:
        row = self.conn.execute("SELECT * FROM articles WHERE id=?", (article_id,)).fetchone()
        if row is None and len(article_id) >= 4:  # accept a unique prefix, as git does
            rows = self.conn.execute(
                "SELECT * FROM articles WHERE id LIKE ? ESCAPE '\\' LIMIT 2",
                (like(article_id, prefix=True),)
            ).fetchall()
            row = rows[0] if len(rows) == 1 else None
        return _row_article(row) if row is not None else None

    def iter_articles(self, batch: int = 500) -> Iterator[Article]:
        last = 0
        while True:
            rows = self.conn.execute(
                "SELECT * FROM articles WHERE seq > ? ORDER BY seq LIMIT ?", (last, batch)
            ).fetchall()
            if not rows:
                return
            for row in rows:
                yield _row_article(row)
            last = rows[-1]["seq"]

    def list_articles(self, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
        """Articles' headline fields in first-seen order, a page at a time."""
        rows = self.conn.execute(
            "SELECT id, title, outlet, published, published_source, language, duplicate_of, "
            "story_id FROM articles ORDER BY seq LIMIT ? OFFSET ?", (limit, offset)).fetchall()
        return [dict(r) for r in rows]

    def article_mentions(self, article_id: str) -> list[Mention]:
        rows = self.conn.execute(
            "SELECT m.start, m.end, m.text, m.label, m.entity_id, e.name FROM mentions m "
            "LEFT JOIN entities e ON e.id = m.entity_id WHERE m.article_id=? ORDER BY m.start",
            (article_id,))
        return [Mention(*r) for r in rows]

    def quotes(self, article_id: str | None = None, speaker: str | None = None,
               query: str | None = None, entity_id: str | None = None,
               limit: int = 50, offset: int = 0, story_id: str | None = None) -> list[Quote]:
        """Quotes in first-seen order; `speaker` matches the speaker's name or an alias of the
        speaker's entity (case and diacritics folded by SQLite's NOCASE / FTS5)."""
        where, params = [], []
        if article_id:
            where.append("q.article_id = ?")
            params.append(article_id)
        if entity_id:
            where.append("q.speaker_entity_id = ?")
            params.append(entity_id)
        if story_id:
            where.append("q.article_id IN (SELECT id FROM articles WHERE story_id = ?)")
            params.append(story_id)
        if speaker:
            where.append("(q.speaker LIKE ? ESCAPE '\\' OR q.speaker_entity_id IN (SELECT id "
                         "FROM entities WHERE name LIKE ? ESCAPE '\\' OR aliases LIKE ? "
                         "ESCAPE '\\'))")
            params += [like(speaker)] * 3
        if query:
            where.append("q.seq IN (SELECT rowid FROM quotes_fts WHERE quotes_fts MATCH ?)")
            params.append(query)
        sql = "SELECT * FROM quotes q" + (" WHERE " + " AND ".join(where) if where else "")
        rows = self.conn.execute(sql + " ORDER BY q.seq LIMIT ? OFFSET ?",
                                 [*params, limit, offset])
        return [_row_quote(r) for r in rows]

    def iter_quotes(self) -> Iterator[Quote]:
        for row in self.conn.execute("SELECT * FROM quotes ORDER BY seq"):
            yield _row_quote(row)

    def entities(self, query: str | None = None, limit: int = 50) -> list[Entity]:
        sql, params = "SELECT * FROM entities", []
        if query:
            sql += " WHERE name LIKE ? ESCAPE '\\' OR aliases LIKE ? ESCAPE '\\'"
            params = [like(query)] * 2
        rows = self.conn.execute(sql + " ORDER BY mention_count DESC, name LIMIT ?",
                                 [*params, limit]).fetchall()
        return [self._entity(r) for r in rows]

    def iter_entities(self) -> Iterator[Entity]:
        for row in self.conn.execute("SELECT * FROM entities ORDER BY id").fetchall():
            yield self._entity(row)

    def get_entity(self, entity_id: str) -> Entity | None:
        row = self.conn.execute("SELECT * FROM entities WHERE id=?", (entity_id,)).fetchone()
        if row is None and len(entity_id) >= 4:
            rows = self.conn.execute("SELECT * FROM entities WHERE id LIKE ? ESCAPE '\\' LIMIT 2",
                                     (like(entity_id, prefix=True),)).fetchall()
            row = rows[0] if len(rows) == 1 else None
        return self._entity(row) if row is not None else None

    def _entity(self, row: sqlite3.Row) -> Entity:
        articles = [r[0] for r in self.conn.execute(
            "SELECT DISTINCT m.article_id FROM mentions m JOIN articles a ON a.id = m.article_id "
            "WHERE m.entity_id=? ORDER BY a.seq", (row["id"],))]
        return Entity(row["id"], row["name"], row["type"], json.loads(row["aliases"]),
                      row["mention_count"], articles, json.loads(row["evidence"]))

    def search(self, query: str, limit: int = 10, offset: int = 0) -> list[dict[str, Any]]:
        """FTS5 search ranked by bm25 (title weighted over text), with a snippet of the text."""
        sql = (
            "SELECT a.id, a.title, a.outlet, a.published, a.duplicate_of, "
            "snippet(articles_fts, 1, char(2), char(3), ' … ', 16) AS snippet, "
            "bm25(articles_fts, 4.0, 1.0) AS score "
            "FROM articles_fts JOIN articles a ON a.seq = articles_fts.rowid "
            "WHERE articles_fts MATCH ? ORDER BY score, a.seq LIMIT ? OFFSET ?"
        )
        rows = self.conn.execute(sql, (query, limit, offset)).fetchall()
        return [dict(r) for r in rows]

    def search_count(self, query: str) -> int:
        row = self.conn.execute(
            "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?", (query,)
        ).fetchone()
        return int(row[0])

    def errors(self, run_id: int | None = None) -> list[IngestError]:
        sql, params = "SELECT path, code, message FROM errors", ()
        if run_id is not None:
            sql, params = sql + " WHERE run_id=?", (run_id,)
        rows = self.conn.execute(sql, params).fetchall()
        # by path with numbers as numbers: feed.jsonl#line=2 before #line=10
        rows.sort(key=lambda r: ([(0, int(p), "") if p.isdigit() else (1, 0, p)
                                  for p in re.split(r"(\d+)", r[0])], r[1]))
        return [IngestError(r[0], r[1], r[2]) for r in rows]

    def last_run(self) -> dict[str, Any] | None:
        row = self.conn.execute("SELECT * FROM runs ORDER BY id DESC LIMIT 1").fetchone()
        return dict(row) if row else None

    def stage_versions(self, stages: Sequence[str]) -> dict[str, dict[str, int]]:
        """stage -> {version recorded on articles: how many}, by SQLite's JSON functions."""
        cols = ", ".join(f"json_extract(versions, '$.{s}')" for s in stages)
        out: dict[str, dict[str, int]] = {s: {} for s in stages}
        for *versions, n in self.conn.execute(
                f"SELECT {cols}, count(*) FROM articles GROUP BY {cols}"):
            for stage, version in zip(stages, versions, strict=True):
                if version is not None:
                    out[stage][version] = out[stage].get(version, 0) + n
        return out

    def stats(self) -> dict[str, Any]:
        q = self.conn.execute
        # counted by SQLite's JSON functions, not by parsing every row in Python (4x faster)
        removed_lines = q("SELECT coalesce(sum(json_array_length(removed)), 0) "
                          "FROM articles").fetchone()[0]
        return {
            "store": str(self.path),
            "articles": self.count(),
            "with_date": self.count("WHERE published IS NOT NULL"),
            "duplicates": self.count("WHERE duplicate_of IS NOT NULL"),
            "removed_lines": removed_lines,
            "outlets": q("SELECT count(DISTINCT outlet) FROM articles").fetchone()[0],
            "languages": dict(q(
                "SELECT coalesce(language, 'unknown'), count(*) FROM articles "
                "GROUP BY 1 ORDER BY 2 DESC").fetchall()),
            "date_sources": dict(q(
                "SELECT published_source, count(*) FROM articles WHERE published IS NOT NULL "
                "GROUP BY 1 ORDER BY 2 DESC").fetchall()),
            "sources": q("SELECT count(*) FROM sources WHERE status='done'").fetchone()[0],
            **{name: q(f"SELECT count(*) FROM {name}").fetchone()[0]
               for name in ("quotes", "entities", "events", "stories", "statements")},
            "errors": q("SELECT count(*) FROM errors").fetchone()[0],
        }


# built once: json.dumps with options makes a new encoder on every call (the same bytes)
_to_json = json.JSONEncoder().encode
_to_json_sorted = json.JSONEncoder(sort_keys=True, ensure_ascii=False).encode


def article_values(a: Article, run_id: int | None = None) -> dict[str, Any]:
    """Every stored column of an article, encoded as the store keeps it (JSON columns too):
    for the insert of a new article and the update of a reprocessed one."""
    values = {
        **{c: getattr(a, c, None) for c in ARTICLE_COLUMNS if c != "run_id"},
        "removed": _to_json([d.to_dict() for d in a.removed]),
        "segments": _to_json([[s.clean, s.raw, s.length] for s in a.segments]),
        "run_id": run_id,
    }
    for col in _JSON_COLUMNS:
        values[col] = _to_json_sorted(getattr(a, col))
    return values


def _article_row(a: Article, run_id: int) -> tuple[Any, ...]:
    values = article_values(a, run_id)
    return tuple(values[c] for c in ARTICLE_COLUMNS)


def _row_article(row: sqlite3.Row) -> Article:
    data = {c: row[c] for c in ARTICLE_COLUMNS if c not in ("run_id",)}
    data["removed"] = [Drop(d["start"], d["end"], d["reason"]) for d in json.loads(row["removed"])]
    data["segments"] = [Segment(*s) for s in json.loads(row["segments"])]
    for col in _JSON_COLUMNS:
        data[col] = json.loads(row[col])
    return Article(**data)


def _row_quote(row: sqlite3.Row) -> Quote:
    return Quote(
        row["start"], row["end"], row["text"], row["type"], row["speaker"],
        row["speaker_mention"], row["speaker_start"], row["speaker_end"],
        row["speaker_entity_id"], row["cue"], row["cue_start"], row["cue_end"],
        json.loads(row["notes"]), row["id"], row["article_id"],
    )
