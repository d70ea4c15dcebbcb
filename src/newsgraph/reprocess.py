"""Re-run what a changed stage version affects, and only that (`newsgraph reprocess`).

Every stored article records the version of each stage that made it (`articles.versions`:
clean, meta, dedup, repeats, nlp), and every story its story version. The chain, in order:

    clean -> meta -> dedup -> repeats (driver) -> nlp -> entities -> relations, statements
                                                       -> stories

- **clean, meta, dedup, repeats** (`upstream_replay.py`, where what depends on what is written
  down): re-run from the store's `raw_text` and `hints`, without the input files, from the
  changed stage on — a changed meta version does not clean again, a changed repeats version
  neither cleans nor re-runs meta or dedup. The corpus stages run again in first-seen order for
  every article from the first stale one. Articles whose NLP inputs changed (the text, the
  title, the date) lose their NLP results and are re-run by the next step; stories are re-made.
  Not re-run: the HTML reader (the page is not stored, `raw_text` is the reader's output), so
  an HTML article's date evidence from the page is kept as found at ingest and counted
  (`html_dates_kept`); ids never change (they hash the input, not the cleaned text).
- **nlp** (spaCy model, quote, event or time rules: `NlpStage.version`): the NLP stage runs
  again on the engine's workers for the articles whose version differs (or that have none:
  ingested with NLP off, or invalidated above), over the text before learned lines, moved onto
  the stored text as at ingest; their mentions, quotes and events are replaced, then the stages
  after it run over the store: entities, relations, statements (rebuilt from scratch).
- **stories** (`stages/stories.py` VERSION, or after an upstream replay): every story
  assignment is dropped and the story pass runs again over the store (stories are made in
  first-seen order, so the result is the one a fresh ingest makes).

Each step works in chunks, each one transaction, in first-seen order: a killed reprocess
resumes where it stopped, and a reprocess gives the exports of a fresh ingest.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from newsgraph.config import Settings
from newsgraph.records import Article, IngestError, Segment
from newsgraph.store import Store
from newsgraph.store.sqlite import REPLAY_TASK
from newsgraph.upstream_replay import NLP_NOTES

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
    upstream_redone: dict[str, int] = field(default_factory=dict)  # first stage re-run -> n
    upstream_rounds: int = 0
    html_dates_kept: int = 0  # HTML articles re-annotated without the page: date kept
    nlp_invalidated: int = 0  # NLP inputs changed by the upstream replay
    errors: list[IngestError] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {"articles": self.articles, "nlp_stale": self.nlp_stale,
                "nlp_done": self.nlp_done, "stories_redone": self.stories_redone,
                "upstream_stale": self.upstream_stale, "upstream_redone": self.upstream_redone,
                "upstream_rounds": self.upstream_rounds, "html_dates_kept": self.html_dates_kept,
                "nlp_invalidated": self.nlp_invalidated, "errors": len(self.errors)}


def older_versions(store: Store, want: dict[str, str],
                   stages: Sequence[str]) -> dict[str, dict[str, int]]:
    """stage -> {older version: articles} for the stages some article records another
    version of than `want` (a stage that did not run on an article records none: not older).
    What `plan` counts and `newsgraph stats` shows."""
    return {stage: {v: n for v, n in sorted(found.items()) if v != want[stage]}
            for stage, found in store.stage_versions(stages).items()
            if any(v != want[stage] for v in found)}


def plan(store: Store, settings: Settings) -> tuple[ReprocessReport, list[str], bool]:
    """What is stale: (report with counts, ids whose NLP is stale in first-seen order,
    whether the stories are)."""
    want = current_versions(settings)
    report = ReprocessReport()
    report.upstream_stale = {stage: sum(found.values()) for stage, found
                             in older_versions(store, want, UPSTREAM).items()}
    stale: list[str] = []
    for art_id, versions in store.conn.execute("SELECT id, versions FROM articles ORDER BY seq"):
        report.articles += 1
        if json.loads(versions).get("nlp") != want["nlp"]:
            stale.append(art_id)
    report.nlp_stale = len(stale)
    old = {v for (v,) in store.conn.execute("SELECT DISTINCT version FROM stories")}
    return report, stale, bool(old - {want["stories"]})


NlpItem = tuple[str, str, str | None, str | None, list[Segment], str, list[Segment]]


def _nlp_task(worker: Any, items: list[NlpItem]) -> list[tuple[str, Any]]:
    """On a worker: the NLP stage over the stored text before learned lines, the results moved
    onto the stored text (as at ingest) -> (id, (mentions, quotes, events, version, notes)) or
    (id, IngestError)."""
    from newsgraph.stages.remap import remap_annotations

    nlp = next(s for s in worker.stages if s.name == "nlp")
    arts = [Article(id=i, source_path=i, raw_text="", text=text, title=title, published=pub,
                    segments=segs) for i, text, title, pub, segs, _, _ in items]
    try:
        nlp.process(arts)
        done: list[Article | IngestError] = list(arts)
    except Exception:  # then one by one: only the article that fails keeps its old rows
        done = []
        for a in arts:
            try:
                done.extend(nlp.process([a]))
            except Exception as exc:
                done.append(IngestError(a.id, "E301", f"stage nlp failed: {exc!r}"[:500]))
    out: list[tuple[str, Any]] = []
    for a, (_, pre, _, _, pre_segs, text, segs) in zip(done, items, strict=True):
        if isinstance(a, IngestError):
            out.append((a.path, a))
            continue
        if text != pre:  # lines learned as boilerplate after NLP ran, as in the ingest driver
            a.text, a.segments = text, segs
            remap_annotations(a, pre, pre_segs)
        out.append((a.id, (a.mentions, a.quotes, a.events, a.versions.get("nlp"), a.notes)))
    return out


def _chunks(store: Store, ids: list[str], size: int) -> Iterator[list[NlpItem]]:
    from newsgraph.store.sqlite import _row_article
    from newsgraph.upstream_replay import before_learned_lines

    for i in range(0, len(ids), size):
        chunk = ids[i:i + size]
        marks = ",".join("?" * len(chunk))
        rows = {r["id"]: _row_article(r) for r in store.conn.execute(
            f"SELECT * FROM articles WHERE id IN ({marks})", chunk)}
        items: list[NlpItem] = []
        for art_id in chunk:
            art = rows[art_id]
            text, segs = art.text, art.segments
            before_learned_lines(art)
            items.append((art_id, art.text, art.title, art.published, art.segments, text, segs))
        yield items


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
            merged = {k: v for k, v in json.loads(row[1]).items() if k not in NLP_NOTES}
            merged.update({k: v for k, v in notes.items() if k in NLP_NOTES})
            conn.execute("UPDATE articles SET versions=?, notes=? WHERE id=?",
                         (json.dumps(versions, sort_keys=True, ensure_ascii=False),
                          json.dumps(merged, sort_keys=True, ensure_ascii=False), art_id))
            arts.append(Article(id=art_id, source_path="", raw_text="", mentions=mentions,
                                quotes=quotes, events=events))
        store._write_nlp(arts, ())


def in_article_order(store: Store) -> bool:
    """Quotes and events are exported (and grouped into statements) in their rows' order, which
    an ingest writes in first-seen article order; re-running NLP for some articles appends
    theirs at the end. True when both tables are in article order."""
    for table in ("quotes", "events"):
        if store.conn.execute(
                f"SELECT 1 FROM (SELECT a.seq AS art, lag(a.seq) OVER (ORDER BY t.seq) AS prev "
                f"FROM {table} t JOIN articles a ON a.id = t.article_id) WHERE prev > art "
                "LIMIT 1").fetchone():
            return False
    return True


def _resequence(store: Store) -> None:
    """One transaction: quotes and events rewritten in (article first-seen, own) order, as an
    ingest of the same articles writes them (their ids are content hashes: unchanged)."""
    conn = store.conn
    with conn:
        for table in ("quotes", "events"):
            cols = ", ".join(r[1] for r in conn.execute(f"PRAGMA table_info({table})")
                             if r[1] != "seq")
            conn.execute(f"CREATE TEMP TABLE reseq AS SELECT t.* FROM {table} t "
                         "JOIN articles a ON a.id = t.article_id ORDER BY a.seq, t.seq")
            conn.execute(f"DELETE FROM {table}")
            conn.execute(f"INSERT INTO {table}({cols}) SELECT {cols} FROM reseq ORDER BY rowid")
            conn.execute("DROP TABLE reseq")


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
    from newsgraph.upstream_replay import replay

    settings = settings.merged(nlp=True)
    report, stale, stories_stale = plan(store, settings)
    # a replay killed after its first round: its end passes (below) must still run
    unfinished = REPLAY_TASK in store.unfinished()
    upstream = replay(store, settings, engine, current_versions(settings))
    report.upstream_redone, report.upstream_rounds = upstream.redone, upstream.rounds
    report.html_dates_kept, report.nlp_invalidated = (upstream.html_dates_kept,
                                                      upstream.nlp_invalidated)
    report.errors += upstream.errors
    if upstream.rounds:  # the replay cleared the stories (they read duplicates, text, dates)
        counts = report.upstream_stale
        _, stale, _ = plan(store, settings)  # now with the articles whose NLP inputs changed
        report.nlp_stale, report.upstream_stale = len(stale), counts
    reorder = not in_article_order(store)
    if stale or upstream.rounds or reorder or unfinished:
        size = settings.nlp_task_size

        def batches() -> Iterator[list[NlpItem]]:
            for items in _chunks(store, stale, chunk):
                for i in range(0, len(items), size):
                    yield items[i:i + size]

        pending: list[tuple[str, Any]] = []
        for results in engine.map_tasks(_nlp_task, batches()) if stale else ():
            pending.extend(results)
            if len(pending) >= chunk:
                _replace_nlp(store, pending)
                report.nlp_done += sum(not isinstance(r, IngestError) for _, r in pending)
                report.errors += [r for _, r in pending if isinstance(r, IngestError)]
                pending = []
        _replace_nlp(store, pending)
        report.nlp_done += sum(not isinstance(r, IngestError) for _, r in pending)
        report.errors += [r for _, r in pending if isinstance(r, IngestError)]
        if not in_article_order(store):
            _resequence(store)
        # the stages after nlp, over the whole store (as at the end of every ingest); also
        # after a replay: relations leave duplicates out
        ingest = Ingest(store, settings, engine, None)
        ingest.writer = store
        ingest._resolve_entities()
        rebuild_relations(store)
        _clear_statements(store)
        assign_statements(store)
    if stories_stale:
        _clear_stories(store)
    report.stories_redone = stories_stale or bool(upstream.rounds)
    if settings.stories and (stories_stale or store.conn.execute(
            "SELECT 1 FROM articles WHERE story_id IS NULL LIMIT 1").fetchone()):
        assign_stories(store)
    if unfinished or upstream.rounds:
        store.clear_unfinished(REPLAY_TASK)
    return report
