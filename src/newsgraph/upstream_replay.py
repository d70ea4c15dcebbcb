"""Replay the stages before NLP (clean, meta, dedup, repeats) from what the store holds.

The store keeps, for every article, `raw_text` (the decoded input; for HTML, the text the HTML
reader produced), `hints` (what the reader knew: url, folder, group, page title, ...), the cleaned
text with its `segments` and `removed` lines, and the metadata. That is enough to run again:

- **clean** over `raw_text` (the reader's output for HTML: cleaning never saw the page itself);
- **meta** over the cleaned text and the hints — except an HTML article's publication date,
  which used the page's markup: the page is not stored, so the date found at ingest is kept
  (with `notes.published_kept`) and the article is counted in the report;
- **dedup** and **repeats**, the corpus stages, in first-seen order and in the rounds the ingest
  committed (`article_rounds`, migration 009; older stores: rounds of `round_size` per run).

What depends on what (an arrow: "is an input of"):

    raw_text, hints -> clean -> text before learned lines, title, text date
    clean -> meta (language reads the title and text; the date combines the text date with
             the hints and the URL; the outlet reads only hints and URL)
    clean -> dedup (signatures of the text before learned lines; meta is not used)
    clean, meta (outlet = the group), dedup (copies do not count) -> repeats (learned lines)
    clean, repeats, meta (date, for times), title -> nlp (run on the text before learned lines,
             then moved onto the final text, as at ingest) -> entities, relations, statements
    text, title, date, duplicates, entities, quotes -> stories

So a changed clean version replays clean, meta, dedup and repeats; meta replays meta and
repeats (not clean, not dedup); dedup replays dedup and repeats; repeats only repeats. Because
the corpus stages read every earlier article, every article from the first stale one on goes
through them again; the articles before it are only read (their lines and signatures rebuild the
dedup index and the learned-line counts, which are cleared when a replay starts). An article's
NLP results are dropped (and its nlp version cleared, so the NLP step of `reprocess` runs it
again) only when the NLP's inputs changed: the text before learned lines, the final text, the
title or the date. Then stories are re-made (they read duplicates, text and dates).

Ids do not move: an article id hashes the decoded input and the URL (ids.py), never the cleaned
text, so a replay keeps every article id; quote and event ids hash their offsets and change
with the text exactly as a fresh ingest's would.

Each round is one transaction (its articles, their index rows and line counts): a killed replay
leaves the rounds it finished current, and the next `reprocess` starts again from the first
stale round (the rounds before it are read again to rebuild the index). The first round also
records the replay as unfinished (`unfinished`, migrations/011) until `reprocess` has run the
passes after it: meanwhile an ingest refuses (E203) rather than check new articles against a
partial duplicate index, and the next `reprocess` runs those passes even if no round is left.
An article whose replay fails keeps its stored state and versions and is reported with its code.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from newsgraph.config import Settings
from newsgraph.errors import InputError
from newsgraph.records import Article, IngestError
from newsgraph.stages.clean import Line, assemble
from newsgraph.stages.repeats import REASON
from newsgraph.store import Store
from newsgraph.store.sqlite import REPLAY_TASK, article_values

CLEAN_NOTES = ("text_date", "text_date_refused", "title_source")
META_NOTES = ("published_field_refused", "published_refused", "fields_ignored",
              "reader_left_out")
KEPT_NOTES = ("duplicate", "nlp_cap", "annotations_in_learned_lines")  # decided by the driver
NLP_NOTES = ("nlp_cap", "annotations_in_learned_lines")
META_FIELDS = ("outlet", "outlet_source", "language", "language_score", "published",
               "published_source", "published_evidence")
DATE_FIELDS = ("published", "published_source", "published_evidence")
_UPDATE = ("title", "text", "outlet", "outlet_source", "language", "language_score",
           "published", "published_source", "published_evidence", "duplicate_of",
           "duplicate_score", "removed", "segments", "notes", "versions")


@dataclass
class ReplayReport:
    redone: dict[str, int] = field(default_factory=dict)  # first stage re-run -> articles
    rounds: int = 0  # rounds rewritten
    html_dates_kept: int = 0  # HTML articles whose meta re-ran without the page: date kept
    nlp_invalidated: int = 0  # articles whose NLP inputs changed (re-run by the NLP step)
    errors: list[IngestError] = field(default_factory=list)


def is_html(article: Article) -> bool:
    """The HTML reader records which extractor made the text (pipeline.materialize)."""
    return "extractor" in article.hints


def before_learned_lines(article: Article) -> None:
    """Put back the lines learned as boilerplate: text, segments and removed as cleaning made
    them (the inverse of clean.drop_lines: the same lines, the learned ones kept)."""
    raw = article.raw_text
    lines = [Line(d.start, d.end, raw[d.start:d.end], None if d.reason == REASON else d.reason)
             for d in article.removed]
    lines += [Line(s.raw, s.raw + s.length, raw[s.raw:s.raw + s.length]) for s in article.segments]
    lines.sort(key=lambda ln: ln.start)
    assemble(article, lines)


def stale_start(versions: dict[str, str], want: dict[str, str]) -> str | None:
    """The first stage before NLP whose recorded version differs: clean, meta, corpus (dedup
    or repeats), or None when all are current. A stage that did not run on the article records
    none (repeats skips duplicates and articles without an outlet or folder): not stale."""
    def stale(stage: str) -> bool:
        return stage in versions and versions[stage] != want[stage]

    for stage in ("clean", "meta"):
        if stale(stage):
            return stage
    return "corpus" if stale("dedup") or stale("repeats") else None


def redo_article(art: Article, start: str, settings: Settings) -> Article:
    """Run the per-article stages from `start` ("clean", "meta", or "corpus"/"keep": none) on a
    stored article, leaving it as the workers hand it to the driver at ingest."""
    from newsgraph.pipeline import SignatureStage
    from newsgraph.stages import clean, meta

    stored_notes, stored_date = dict(art.notes), {f: getattr(art, f) for f in DATE_FIELDS}
    notes = {k: stored_notes[k] for k in KEPT_NOTES if k in stored_notes}
    if start == "clean":
        art.title, art.text, art.removed, art.segments, art.notes = \
            art.hints.get("title"), "", [], [], {}
        clean.clean_article(art, "html" if is_html(art) else "text")
        notes.update(art.notes)
    else:
        before_learned_lines(art)
        notes.update({k: stored_notes[k] for k in CLEAN_NOTES if k in stored_notes})
    if start in ("clean", "meta"):
        for name in META_FIELDS:
            setattr(art, name, None)
        art.notes = {k: v for k, v in notes.items() if k in CLEAN_NOTES}
        meta.annotate(art, None, settings)
        if is_html(art):  # the page's date evidence is not stored: keep the date found then
            for name, value in stored_date.items():
                setattr(art, name, value)
            art.notes = {k: v for k, v in art.notes.items() if k not in META_NOTES}
            art.notes.update({k: stored_notes[k] for k in META_NOTES if k in stored_notes})
            art.notes["published_kept"] = (
                "the HTML page is not stored: the date is the one found at ingest")
        notes.update(art.notes)
    else:
        notes.update({k: stored_notes[k] for k in (*META_NOTES, "published_kept")
                      if k in stored_notes})
    notes.pop("dedup_truncated", None)
    art.notes = notes
    SignatureStage(settings).process_one(art)
    if not art.text.strip():
        raise InputError("E106", f"every line was boilerplate ({len(art.removed)} lines removed)")
    return art


Result = tuple[Article, IngestError | None, tuple[Any, ...], str]


def _task(worker: Any, items: list[tuple[Article, str]]) -> list[Result]:
    """On a worker: (article as the driver's corpus stages get it, error or None, the stored
    NLP inputs, the new text before learned lines)."""
    from newsgraph.pipeline import SignatureStage

    out: list[Result] = []
    for art, start in items:
        old = Article(**{**art.__dict__})
        before_learned_lines(old)
        key = (old.text, art.text, art.title, art.published)
        try:
            done = redo_article(art, start, worker.settings) if start != "keep" else None
            err = None
        except InputError as exc:
            done, err = None, IngestError(art.source_path, exc.code,
                                          f"reprocess of {art.id}: {exc.message}")
        except Exception as exc:  # rule 3: one article's failure degrades only itself
            done, err = None, IngestError(art.source_path, "E301",
                                          f"reprocess of {art.id} failed: {exc!r}"[:500])
        if done is None:  # not rewritten: the stored state, as the corpus stages need it
            done = old
            done.notes = dict(art.notes)
            SignatureStage(worker.settings).process_one(done)
        out.append((done, err, key, done.text))
    return out


def rounds_of(store: Store, round_size: int) -> list[list[int]]:
    """The store's articles (seq, first-seen order) cut into the rounds the ingest committed."""
    starts = {r[0] for r in store.conn.execute("SELECT first_seq FROM article_rounds")}
    rows = store.conn.execute("SELECT seq, run_id FROM articles ORDER BY seq").fetchall()
    recorded = {run for seq, run in rows if seq in starts}
    out: list[list[int]] = []
    last_run: object = object()
    for seq, run in rows:
        cut = run != last_run or (seq in starts if run in recorded
                                  else len(out[-1]) >= round_size)
        if cut or not out:
            out.append([])
        out[-1].append(seq)
        last_run = run
    return out


def _load(store: Store, seqs: list[int]) -> list[Article]:
    from newsgraph.store.sqlite import _row_article

    marks = ",".join("?" * len(seqs))
    rows = store.conn.execute(f"SELECT * FROM articles WHERE seq IN ({marks}) ORDER BY seq", seqs)
    return [_row_article(r) for r in rows]


def replay(store: Store, settings: Settings, engine: Any, want: dict[str, str]) -> ReplayReport:
    """Replay the stages before NLP for every article from the first one made by another clean,
    meta, dedup or repeats version. See the module docstring."""
    from newsgraph.stages.dedup import Deduplicator
    from newsgraph.stages.repeats import RepeatLearner

    report = ReplayReport()
    starts: dict[int, str | None] = {}
    stored_versions: dict[int, dict[str, str]] = {}
    for seq, versions in store.conn.execute("SELECT seq, versions FROM articles ORDER BY seq"):
        stored_versions[seq] = json.loads(versions)
        starts[seq] = stale_start(stored_versions[seq], want)
    if not any(starts.values()):
        return report
    # dedup reads the text before learned lines: only a clean or dedup change re-runs it
    redo_dedup = any(v.get(s, want[s]) != want[s] for v in stored_versions.values()
                     for s in ("clean", "dedup"))
    rounds = rounds_of(store, settings.round_size)
    first = next(i for i, r in enumerate(rounds) if any(starts[q] for q in r))
    size = settings.nlp_task_size

    def batches() -> Iterator[list[tuple[Article, str]]]:
        for i, seqs in enumerate(rounds):
            arts = _load(store, seqs)
            items = [(a, "keep" if i < first else (starts[q] or "corpus"))
                     for a, q in zip(arts, seqs, strict=True)]
            for j in range(0, len(items), size):
                yield items[j:j + size]

    dedup = Deduplicator(settings, store.lookup_exact, store.lookup_bands,
                         bulk_exact=store.lookup_exact_many, bulk_bands=store.lookup_bands_many)
    learner = RepeatLearner(settings, store.load_line_counts)
    results = engine.map_tasks(_task, batches())
    pending: list[Result] = []
    for i, seqs in enumerate(rounds):
        while len(pending) < len(seqs):
            pending.extend(next(results))
        round_, pending = pending[:len(seqs)], pending[len(seqs):]
        _replay_round(store, settings, round_, [starts[q] for q in seqs], i, first,
                      redo_dedup, dedup, learner, report)
    return report


def _replay_round(store: Store, settings: Settings, round_: list[Result],
                  starts: list[str | None], index: int, first: int, redo_dedup: bool,
                  dedup: Any, learner: Any, report: ReplayReport) -> None:
    """The corpus stages over one round, then one transaction with what changed."""
    arts = [a for a, _, _, _ in round_]
    sigs = {a.id: a.signature for a in arts}
    conn = store.conn
    with conn:  # one transaction; the first round's also clears what the replay rebuilds
        if index == 0:  # the index and counts are rebuilt from the first article on
            store.mark_unfinished(REPLAY_TASK)  # until reprocess has run its end passes
            conn.execute("DELETE FROM line_counts")
            conn.execute("UPDATE articles SET story_id=NULL WHERE story_id IS NOT NULL")
            for table in ("story_keys", "story_df", "stories"):  # re-made at the end
                conn.execute(f"DELETE FROM {table}")
            if redo_dedup:
                for table in ("dedup_exact", "dedup_signatures", "dedup_band_seqs"):
                    conn.execute(f"DELETE FROM {table}")
        if redo_dedup:  # duplicates first: a copy's lines must not teach the learner
            dedup.prefetch(sigs.values())
            for art in arts:
                art.duplicate_of = art.duplicate_score = None
                art.notes.pop("duplicate", None)
                dedup.check(art, art.signature)
        counts = learner.learn_and_apply(arts, sigs)
        store.write_corpus_index(arts, sigs if redo_dedup else {}, settings.dedup_bands, counts)
        if index < first:
            dedup.forget_run()
            learner.forget_run()
            return
        report.rounds += 1
        for (art, err, key, pre_text), start in zip(round_, starts, strict=True):
            if err is not None:
                report.errors.append(err)
                continue
            stage = {"corpus": "dedup/repeats", None: "after a stale article"}.get(start, start)
            report.redone[stage] = report.redone.get(stage, 0) + 1
            report.html_dates_kept += "published_kept" in art.notes and start in ("clean", "meta")
            if "nlp" in art.versions and key != (pre_text, art.text, art.title, art.published):
                del art.versions["nlp"]  # its inputs changed: the NLP step runs it again
                for name in NLP_NOTES:
                    art.notes.pop(name, None)
                for table in ("mentions", "quotes", "events"):
                    conn.execute(f"DELETE FROM {table} WHERE article_id=?", (art.id,))
                report.nlp_invalidated += 1
            values = article_values(art)  # encoded exactly as an ingest stores them
            conn.execute(f"UPDATE articles SET {', '.join(c + '=?' for c in _UPDATE)} WHERE id=?",
                         (*(values[c] for c in _UPDATE), art.id))
    dedup.forget_run()
    learner.forget_run()
