"""The statement tables of a store (stages/statements.py): the pass's look-ups and write-back,
and the readers. On the same connection as the writer (`Store.statements_view()`)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from newsgraph.records import Quote
from newsgraph.stages.statements import POSTING_LIMIT, VERSION, QuoteDoc, Statement
from newsgraph.store.patterns import like

_DOC = ("SELECT q.id, q.seq, q.article_id, q.text, q.speaker, q.speaker_entity_id, "
        "v.statement_id FROM quotes q JOIN statement_versions v ON v.quote_id = q.id")


def _chunks(items: Sequence[Any], size: int = 500) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


@dataclass
class VersionView:
    """One version as readers show it: the quote, its article and how it compares."""

    quote: Quote
    article_title: str | None
    outlet: str | None
    published: str | None
    flags: list[str]
    overlap: float
    only_in_reference: list[str]
    only_in_version: list[str]


@dataclass
class StatementView:
    id: str
    speaker: str | None
    speaker_entity_id: str | None
    reference_quote_id: str
    versions: list[VersionView]

    @property
    def article_ids(self) -> list[str]:
        return list(dict.fromkeys(v.quote.article_id or "" for v in self.versions))

    def record(self) -> dict[str, Any]:
        """The export's fields (statements.jsonl), in a fixed order."""
        return {
            "id": self.id, "speaker": self.speaker, "speaker_entity_id": self.speaker_entity_id,
            "quote_ids": [v.quote.id for v in self.versions], "article_ids": self.article_ids,
            "reference_quote_id": self.reference_quote_id,
            "versions": [{"quote_id": v.quote.id, "article_id": v.quote.article_id,
                          "text": v.quote.text, "flags": v.flags, "overlap": v.overlap,
                          "only_in_reference": v.only_in_reference,
                          "only_in_version": v.only_in_version} for v in self.versions],
        }


class StatementStore:
    """The statement tables of one store connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        # key -> stored postings, read once: a pass's view sees the index as it was when the
        # pass began (it writes back only at its end; one view a pass, see statement_pass.py)
        self._postings: dict[str, list[int]] = {}

    # ---- the pass ---------------------------------------------------------------------------
    def new_quotes(self) -> Iterator[QuoteDoc]:
        """Quotes not yet in a statement, in first-seen order (seq only grows)."""
        last = self.conn.execute(
            "SELECT coalesce(max(quote_seq), 0) FROM statement_versions").fetchone()[0]
        for row in self.conn.execute(
                "SELECT id, seq, article_id, text, speaker, speaker_entity_id FROM quotes "
                "WHERE seq > ? ORDER BY seq", (last,)).fetchall():
            yield QuoteDoc(*row)

    def lookup(self, keys: list[str], prefix: list[str]) -> list[tuple[QuoteDoc, str]]:
        """Stored quotes holding a rare word of the new quote, or whose rare words it holds."""
        seqs: set[int] = set()
        for key in [*("a:" + k for k in prefix), *("p:" + k for k in keys)]:
            posts = self._postings.get(key)
            if posts is None:
                posts = self._postings[key] = [r[0] for r in self.conn.execute(
                    "SELECT quote_seq FROM statement_keys WHERE key=? ORDER BY quote_seq DESC "
                    "LIMIT ?", (key, POSTING_LIMIT))]
            seqs.update(posts)
        found = []
        for chunk in _chunks(sorted(seqs)):
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(f"{_DOC} WHERE q.seq IN ({marks})", list(chunk)):
                found.append((QuoteDoc(*row[:6]), row[6]))
        return found

    def members(self, ids: list[str]) -> dict[str, list[QuoteDoc]]:
        found: dict[str, list[QuoteDoc]] = {}
        for chunk in _chunks(ids):
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(
                    f"{_DOC} WHERE v.statement_id IN ({marks}) ORDER BY q.seq", list(chunk)):
                found.setdefault(row[6], []).append(QuoteDoc(*row[:6]))
        return found

    def write(self, statements: Sequence[Statement], keys: Sequence[tuple[str, int]]) -> None:
        """One transaction: the statements made or grown, all their versions, the new keys."""
        with self.conn:
            self.conn.executemany(
                "INSERT OR REPLACE INTO statements VALUES (?,?,?,?,?)",
                [(s.id, s.seq, len(s.versions), s.reference, VERSION) for s in statements])
            self.conn.executemany(
                "INSERT OR REPLACE INTO statement_versions VALUES (?,?,?,?,?,?,?)",
                [(v.quote_id, s.id, v.quote_seq, json.dumps(v.comparison.flags),
                  v.comparison.overlap,
                  json.dumps(v.comparison.only_in_reference, ensure_ascii=False),
                  json.dumps(v.comparison.only_in_version, ensure_ascii=False))
                 for s in statements for v in s.versions])
            self.conn.executemany("INSERT OR IGNORE INTO statement_keys VALUES (?,?)",
                                  sorted(keys))

    # ---- readers ----------------------------------------------------------------------------
    def statement_of(self, quote_id: str) -> str | None:
        row = self.conn.execute("SELECT statement_id FROM statement_versions WHERE quote_id=?",
                                (quote_id,)).fetchone()
        return row[0] if row else None

    def get_statement(self, statement_id: str) -> StatementView | None:
        row = self.conn.execute("SELECT * FROM statements WHERE id=?",
                                (statement_id,)).fetchone()
        if row is None:
            return None
        from newsgraph.store.sqlite import _row_quote  # sqlite.py imports this module

        versions = []
        for r in self.conn.execute(
                "SELECT q.*, v.flags AS v_flags, v.overlap AS v_overlap, v.only_in_reference "
                "AS v_ref, v.only_in_version AS v_ver, a.title AS a_title, a.outlet AS "
                "a_outlet, a.published AS a_published FROM statement_versions v "
                "JOIN quotes q ON q.id = v.quote_id JOIN articles a ON a.id = q.article_id "
                "WHERE v.statement_id=? ORDER BY v.quote_seq", (statement_id,)):
            versions.append(VersionView(
                _row_quote(r), r["a_title"], r["a_outlet"], r["a_published"],
                json.loads(r["v_flags"]), r["v_overlap"], json.loads(r["v_ref"]),
                json.loads(r["v_ver"])))
        # the speaker: the first version's entity that has one, else the first name given
        known = next((v.quote for v in versions if v.quote.speaker_entity_id), None) or next(
            (v.quote for v in versions if v.quote.speaker), None)
        return StatementView(row["id"], known.speaker if known else None,
                             known.speaker_entity_id if known else None,
                             row["reference_quote_id"], versions)

    def quote(self, quote_id: str) -> Quote:
        from newsgraph.store.sqlite import _row_quote

        return _row_quote(self.conn.execute("SELECT * FROM quotes WHERE id=?",
                                            (quote_id,)).fetchone())

    def find_quote(self, quote_id: str) -> str | None:
        """A quote id from an id or a unique prefix (>= 4 characters)."""
        if self.conn.execute("SELECT 1 FROM quotes WHERE id=?", (quote_id,)).fetchone():
            return quote_id
        if len(quote_id) < 4:
            return None
        rows = self.conn.execute("SELECT id FROM quotes WHERE id LIKE ? ESCAPE '\\' LIMIT 2",
                                 (like(quote_id, prefix=True),)).fetchall()
        return rows[0][0] if len(rows) == 1 else None

    def statements(self, speaker: str | None = None, min_versions: int = 2,
                   limit: int = 50) -> list[StatementView]:
        """Statements with at least `min_versions` versions, most versions first; `speaker`
        matches a version's speaker name or an alias of its entity."""
        sql, params = "SELECT id FROM statements s WHERE s.size >= ?", [min_versions]
        if speaker:
            sql += (" AND s.id IN (SELECT v.statement_id FROM statement_versions v JOIN quotes "
                    "q ON q.id = v.quote_id WHERE q.speaker LIKE ? ESCAPE '\\' OR "
                    "q.speaker_entity_id IN (SELECT id FROM entities WHERE name LIKE ? ESCAPE "
                    "'\\' OR aliases LIKE ? ESCAPE '\\'))")
            params += [like(speaker)] * 3
        ids = [r[0] for r in self.conn.execute(sql + " ORDER BY s.size DESC, s.seq LIMIT ?",
                                               [*params, limit]).fetchall()]
        return [v for v in map(self.get_statement, ids) if v is not None]

    def iter_statements(self) -> Iterator[StatementView]:
        """Every statement, alone or not, in first-seen order (the export)."""
        for (sid,) in self.conn.execute("SELECT id FROM statements ORDER BY seq").fetchall():
            view = self.get_statement(sid)
            if view is not None:
                yield view

