"""Re-run what a changed stage version affects, and only that (`newsgraph reprocess`).

Every stored article records the version of each stage that made it (`articles.versions`:
clean, meta, dedup, repeats, nlp), and every story its story version. The chain, in order:

    clean -> meta -> dedup/repeats (driver)  |  nlp -> entities -> relations, statements
                                             |  stories (text only while entity_weight is 0)

- **nlp** (spaCy model, quote, event or time rules: `NlpStage.version`): the NLP stage runs
  again on the engine's workers over the stored cleaned text of the articles whose version
  differs (or that have none: ingested with NLP off), their mentions, quotes and events are
  replaced, then the stages after it run over the store: entities, relations, statements
  (rebuilt from scratch). Cleaning, dates, duplicates and stories are not touched. Done in
  chunks, each one transaction, in first-seen order: a killed reprocess resumes where it
  stopped, and a reprocess of every article gives the exports of a fresh ingest.
- **stories** (`stages/stories.py` VERSION): every story assignment is dropped and the story
  pass runs again over the store (stories are made in first-seen order, so the result is the
  one a fresh ingest makes).
- **clean, meta, dedup, repeats**: they change the text every later offset points into, so
  everything after them is stale too; reprocess reports how many articles are affected and
  does not rewrite them: ingest the inputs into a fresh store (not done here).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from newsgraph.config import Settings
from newsgraph.records import Article, IngestError
from newsgraph.store import Store

UPSTREAM = ("clean", "meta", "dedup", "repeats")


def current_versions(settings: Settings) -> dict[str, str]:
    from newsgraph.pipeline import NlpStage
    from newsgraph.stages import clean, dedup, meta, repeats, stories

    return {"clean": clean.VERSION, "meta": meta.VERSION, "dedup": dedup.VERSION,
            "repeats": repeats.VERSION, "nlp": NlpStage(settings).version,
            "stories": stories.VERSION}


@dataclass
class ReprocessReport:
    articles: int = 0
    nlp_stale: int = 0
    nlp_done: int = 0
    stories_redone: bool = False
    upstream_stale: dict[str, int] = field(default_factory=dict)  # stage -> articles
    errors: list[IngestError] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {"articles": self.articles, "nlp_stale": self.nlp_stale,
                "nlp_done": self.nlp_done, "stories_redone": self.stories_redone,
                "upstream_stale": self.upstream_stale, "errors": len(self.errors)}


def plan(store: Store, settings: Settings) -> tuple[ReprocessReport, list[str], bool]:
    """What is stale: (report with counts, ids whose NLP is stale in first-seen order,
    whether the stories are)."""
    want = current_versions(settings)
    report = ReprocessReport()
    stale: list[str] = []
    for art_id, versions in store.conn.execute("SELECT id, versions FROM articles ORDER BY seq"):
        report.articles += 1
        have = json.loads(versions)
        for stage in UPSTREAM:
            if stage in have and have[stage] != want[stage]:
                report.upstream_stale[stage] = report.upstream_stale.get(stage, 0) + 1
        if have.get("nlp") != want["nlp"]:
            stale.append(art_id)
    report.nlp_stale = len(stale)
    old = {v for (v,) in store.conn.execute("SELECT DISTINCT version FROM stories")}
    return report, stale, bool(old - {want["stories"]})


def _nlp_task(worker: Any, items: list[tuple[str, str, str | None, str | None]]
              ) -> list[tuple[str, Any]]:
    """On a worker: the NLP stage over stored texts -> (id, (mentions, quotes, events, version,
    notes)) or (id, IngestError)."""
    nlp = next(s for s in worker.stages if s.name == "nlp")
    arts = [Article(id=i, source_path=i, raw_text="", text=text, title=title, published=pub)
            for i, text, title, pub in items]
    try:
        nlp.process(arts)
        done = arts
    except Exception:  # then one by one: only the article that fails keeps its old rows
        done = []
        for a in arts:
            try:
                done.extend(nlp.process([a]))
            except Exception as exc:
                done.append(IngestError(a.id, "E301", f"stage nlp failed: {exc!r}"[:500]))
    return [(a.path, a) if isinstance(a, IngestError) else
            (a.id, (a.mentions, a.quotes, a.events, a.versions.get("nlp"), a.notes))
            for a in done]


def _chunks(store: Store, ids: list[str], size: int
            ) -> Iterator[list[tuple[str, str, str | None, str | None]]]:
    for i in range(0, len(ids), size):
        chunk = ids[i:i + size]
        marks = ",".join("?" * len(chunk))
        rows = {r[0]: tuple(r) for r in store.conn.execute(
            f"SELECT id, text, title, published FROM articles WHERE id IN ({marks})", chunk)}
        yield [rows[i] for i in chunk]  # type: ignore[misc]


def _replace_nlp(store: Store, results: list[tuple[str, Any]]) -> None:
    """One transaction: the chunk's old mentions, quotes and events out, the new ones in, the
    article's nlp version (and NLP notes) updated."""
    conn = store.conn
    fresh = [(i, r) for i, r in results if not isinstance(r, IngestError)]
    with conn:
        ids = [i for i, _ in fresh]
        for table in ("mentions", "quotes", "events"):
            conn.executemany(f"DELETE FROM {table} WHERE article_id=?", [(i,) for i in ids])
        arts = []
        for art_id, (mentions, quotes, events, version, notes) in fresh:
            row = conn.execute("SELECT versions, notes FROM articles WHERE id=?",
                               (art_id,)).fetchone()
            versions = {**json.loads(row[0]), "nlp": version}
            merged = {**json.loads(row[1]), **{k: v for k, v in notes.items()
                                               if k == "nlp_cap"}}
            conn.execute("UPDATE articles SET versions=?, notes=? WHERE id=?",
                         (json.dumps(versions, sort_keys=True, ensure_ascii=False),
                          json.dumps(merged, sort_keys=True, ensure_ascii=False), art_id))
            arts.append(Article(id=art_id, source_path="", raw_text="", mentions=mentions,
                                quotes=quotes, events=events))
        store._write_nlp(arts, ())


def _clear_statements(store: Store) -> None:
    with store.conn:
        for table in ("statement_keys", "statement_versions", "statements"):
            store.conn.execute(f"DELETE FROM {table}")


def _clear_stories(store: Store) -> None:
    with store.conn:
        store.conn.execute("UPDATE articles SET story_id=NULL WHERE story_id IS NOT NULL")
        for table in ("story_keys", "story_df", "stories"):
            store.conn.execute(f"DELETE FROM {table}")


def reprocess(store: Store, settings: Settings, engine: Any, chunk: int = 500) -> ReprocessReport:
    from newsgraph.ingest import Ingest
    from newsgraph.relation_pass import rebuild_relations
    from newsgraph.statement_pass import assign_statements
    from newsgraph.story_pass import assign_stories

    settings = settings.merged(nlp=True)
    report, stale, stories_stale = plan(store, settings)
    if stale:
        size = settings.nlp_task_size

        def batches() -> Iterator[list[tuple[str, str, str | None, str | None]]]:
            for items in _chunks(store, stale, chunk):
                for i in range(0, len(items), size):
                    yield items[i:i + size]

        pending: list[tuple[str, Any]] = []
        for results in engine.map_tasks(_nlp_task, batches()):
            pending.extend(results)
            if len(pending) >= chunk:
                _replace_nlp(store, pending)
                report.nlp_done += sum(not isinstance(r, IngestError) for _, r in pending)
                report.errors += [r for _, r in pending if isinstance(r, IngestError)]
                pending = []
        _replace_nlp(store, pending)
        report.nlp_done += sum(not isinstance(r, IngestError) for _, r in pending)
        report.errors += [r for _, r in pending if isinstance(r, IngestError)]
        # the stages after nlp, over the whole store (as at the end of every ingest)
        ingest = Ingest(store, settings, engine, None)
        ingest.writer = store
        ingest._resolve_entities()
        rebuild_relations(store)
        _clear_statements(store)
        assign_statements(store)
    if stories_stale:
        _clear_stories(store)
        report.stories_redone = True
    if settings.stories and (stories_stale or store.conn.execute(
            "SELECT 1 FROM articles WHERE story_id IS NULL LIMIT 1").fetchone()):
        assign_stories(store)
    return report
