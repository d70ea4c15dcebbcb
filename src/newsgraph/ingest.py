"""The ingest driver: find inputs, skip what the store already has, run the map stages on an
engine, then the corpus stages (learned boilerplate, duplicates) in input order, and write each
round through the store's single writer. Interrupted runs keep every committed round."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsgraph.config import Settings
from newsgraph.errors import StoreError
from newsgraph.gcpolicy import ingest_gc
from newsgraph.records import Article, IngestError, RawDoc
from newsgraph.relation_pass import rebuild_relations
from newsgraph.stages.dedup import Deduplicator
from newsgraph.stages.read.discover import (
    InputFile,
    count_inputs,
    discover_inputs,
    read_inputs,
)
from newsgraph.stages.repeats import RepeatLearner
from newsgraph.statement_pass import assign_statements
from newsgraph.store import Store
from newsgraph.store.sqlite import REPLAY_TASK
from newsgraph.story_pass import StoriesInChild, assign_stories, write_stories


@dataclass
class RunReport:
    run_id: int = 0
    files_seen: int = 0
    files_skipped: int = 0  # already ingested, unchanged
    articles_new: int = 0
    articles_known: int = 0  # same content already in the store
    removed_lines: int = 0
    dates_found: int = 0
    duplicates: int = 0
    errors: list[IngestError] = field(default_factory=list)
    interrupted: bool = False

    @property
    def exit_code(self) -> int:
        return 1 if self.errors else 0

    def summary(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id, "files_seen": self.files_seen,
            "files_skipped": self.files_skipped, "articles_new": self.articles_new,
            "articles_known": self.articles_known, "removed_lines": self.removed_lines,
            "dates_found": self.dates_found, "duplicates": self.duplicates,
            "errors": len(self.errors), "interrupted": self.interrupted,
        }


@dataclass
class _Source:
    path: str
    size: int
    mtime_ns: int
    sha256: str
    last_doc: int = -1  # number of the last RawDoc it produced (-1: none)
    articles: int = 0
    errors: int = 0
    whole: bool = False  # one article a file, read (and hashed) by a worker
    skipped: bool = False  # its bytes are stored already under another name: no source row


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def warm_end_passes(settings: Settings) -> None:
    """Load what the end-of-run passes would load lazily (wordfreq's English list: ~0.1 s), in
    the writer thread while the workers run rather than on one core after them.

    Only once the engine has given its first results, i.e. after the model loaded: importing
    wordfreq loads C extensions (dlopen), and spaCy's load asks threadpoolctl for the BLAS
    libraries, which runs Python inside glibc's dl_iterate_phdr. Both at once deadlocked (the
    import held the GIL waiting for the loader lock, the callback the reverse): a test run
    hung on it."""
    if settings.nlp or settings.stories:
        import wordfreq

        wordfreq.word_frequency("news", "en")


Progress = Callable[[str, int], None]  # (event, amount): "file", "article"


WAL_CHECKPOINT_PAGES = 10_000


def _speaker_of(quote: Any) -> tuple[Any, ...]:
    """What the entity pass may change on a quote (and the store keeps)."""
    return quote.speaker, quote.speaker_entity_id, json.dumps(quote.notes, sort_keys=True)


class Ingest:
    def __init__(self, store: Store, settings: Settings, engine: Any, progress: Progress | None):
        self.store = store
        self.settings = settings
        self.engine = engine
        self.progress = progress or (lambda event, n: None)
        self.report = RunReport()
        self.sources: list[_Source] = []  # read, not yet marked, in order
        self.doc_sources: dict[int, _Source] = {}
        self.dedup = Deduplicator(
            settings, store.lookup_exact, store.lookup_bands,
            bulk_exact=store.lookup_exact_many, bulk_bands=store.lookup_bands_many,
        )
        self.repeats = RepeatLearner(settings, store.load_line_counts)

    # ---- reading ------------------------------------------------------------------------
    def _raw_docs(self, inputs: Iterable[InputFile | IngestError]
                  ) -> Iterator[tuple[int, RawDoc]]:
        """The RawDocs of the walk, consumed lazily: no list of the files is held."""
        number = 0
        done_files = self.done_files
        for item in inputs:
            if isinstance(item, IngestError):  # found by the walk: reported once, here
                self._error(item)
                continue
            self.report.files_seen += 1
            # the count is from an earlier walk: a folder that grew since must not go below 0
            self._inputs_left = max(0, self._inputs_left - 1)
            try:
                st = os.stat(item.path)
            except OSError as exc:
                self._error(IngestError(str(item.path), "E101", f"cannot read ({exc.strerror})"))
                self.progress("file", 1)
                continue
            if done_files.get(str(item.path)) == (st.st_size, st.st_mtime_ns):
                self.report.files_skipped += 1  # unchanged since it was ingested
                self.progress("file", 1)
                continue
            whole = item.fmt in ("text", "html")
            sha = ""  # a one-article file is read and hashed by the worker that decodes it
            if not whole:
                try:
                    sha = file_digest(item.path)
                except OSError as exc:
                    self._error(IngestError(str(item.path), "E101",
                                            f"cannot read ({exc.strerror})"))
                    self.progress("file", 1)
                    continue
                if sha in self.done_digests:
                    self.report.files_skipped += 1  # the same bytes, moved or renamed
                    self.progress("file", 1)
                    continue
            source = _Source(str(item.path), st.st_size, st.st_mtime_ns, sha, whole=whole)
            reader: Iterable[RawDoc | IngestError]
            if whole:
                group = item.folder_group
                hints = {"folder": group} if group else {}
                reader = [RawDoc(str(item.path), item.fmt, None, hints)]
            else:
                reader = read_inputs(item, self.settings)
            try:
                for raw in reader:
                    if isinstance(raw, IngestError):
                        source.errors += 1
                        self._error(raw)
                        continue
                    self._set_group(raw, item)
                    source.last_doc = number
                    self.doc_sources[number] = source
                    yield number, raw
                    number += 1
            except Exception as exc:  # rule 3: a reader bug on one file costs only that file
                source.errors += 1
                self._error(IngestError(str(item.path), "E101", f"reader failed: {exc!r}"[:500]))
            self.sources.append(source)
            if not whole:
                self.progress("file", 1)  # a whole file counts when its article comes back

    @staticmethod
    def _set_group(raw: RawDoc, item: InputFile) -> None:
        """Where learned boilerplate is counted when the outlet is unknown: the file's folder
        (for .txt/.html files)."""
        if item.fmt in ("text", "html"):
            raw.hints.setdefault("group", str(item.path.parent))
        # A .jsonl/.warc file mixes outlets: its records are grouped by outlet (field or URL)
        # only — learning lines across a whole mixed dump would eat shared wire sentences.

    def _batches(self, inputs: Iterable[InputFile | IngestError]) -> Iterator[list[RawDoc]]:
        batch: list[RawDoc] = []
        self._numbers: list[list[int]] = []
        numbers: list[int] = []
        size = self.settings.batch_size
        if self.settings.nlp:  # see Settings.nlp_task_size
            size = min(size, self.settings.nlp_task_size)
        jobs = getattr(self.engine, "jobs", 1)
        for number, raw in self._raw_docs(inputs):
            batch.append(raw)
            numbers.append(number)
            limit = size
            if jobs > 1:  # smaller last tasks: no worker idles while another ends a big one
                limit = max(1, min(size, self._inputs_left // (2 * jobs)))
            if len(batch) >= limit:
                self._numbers.append(numbers)
                yield batch
                batch, numbers = [], []
        if batch:
            self._numbers.append(numbers)
            yield batch

    def _error(self, err: IngestError) -> None:
        self.report.errors.append(err)
        self.pending_errors.append(err)

    # ---- the run --------------------------------------------------------------------------
    def run(self, paths: list[str], args: dict[str, Any]) -> RunReport:
        with ingest_gc():
            return self._run(paths, args)

    def _refuse_unfinished_replay(self) -> None:
        if REPLAY_TASK in self.store.unfinished():
            raise StoreError("E203", f"a `newsgraph reprocess` of {self.store.path} was "
                             "interrupted; run it again to finish before ingesting (until then "
                             "the duplicate index and the learned lines are incomplete)")

    def _run(self, paths: list[str], args: dict[str, Any]) -> RunReport:
        self._refuse_unfinished_replay()
        self.pending_errors: list[IngestError] = []
        self.done_files, self.done_digests = self.store.done_sources()  # one query
        self.report.run_id = self.store.start_run(args)
        # walked twice, first only to count (progress, task sizes), then streamed: a list of
        # the files would cost ~400 bytes a file before the first article is read
        self._inputs_left = count_inputs(paths)
        self.progress("total", self._inputs_left)
        inputs = discover_inputs(paths)  # its errors are reported as the walk reaches them
        round_: list[tuple[int, Article]] = []
        last_number = -1
        # The single writer runs in its own thread with its own connection: SQLite does its
        # work without the GIL, so round N is written while the driver feeds the workers and
        # gathers round N+1. Reads for round N+1 wait until round N is committed (WAL mode).
        self.writer = Store(self.store.path)
        # checkpoint the WAL every ~40 MB, not every ~4 MB (SQLite's default): a round
        # rewrites many of the same band-index and FTS pages, and a checkpoint after each
        # commit copied them back to the file each time (SQLite checkpoints the rest when the
        # last connection closes)
        self.writer.conn.execute(f"PRAGMA wal_autocheckpoint={WAL_CHECKPOINT_PAGES}")
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="newsgraph-writer")
        self.pending_write: Future[int] | None = None
        warmed = False
        try:
            for results in self.engine.map(self._batches(inputs)):
                if not warmed:  # while the workers run; see warm_end_passes on why not sooner
                    self.executor.submit(warm_end_passes, self.settings)
                    warmed = True
                numbers = self._numbers.pop(0)
                for number, item in zip(numbers, results, strict=True):
                    last_number = number
                    source = self.doc_sources.pop(number)
                    if source.whole:
                        self.progress("file", 1)
                    if isinstance(item, IngestError):
                        source.errors += 1
                        self._error(item)
                        continue
                    if source.whole and item.source_sha256:
                        source.sha256 = item.source_sha256
                        if source.sha256 in self.done_digests:
                            source.skipped = True  # the same bytes, moved or renamed
                            self.report.files_skipped += 1
                            continue
                    source.articles += 1
                    round_ = self._add_to_round(round_, number, item)
            self._commit(round_, last_number, final=True)
            self._end_passes()
        except KeyboardInterrupt:
            self.report.interrupted = True
            raise
        finally:
            # a round being written is finished (it is one transaction), never cut
            self.executor.shutdown(wait=True)
            self.writer.close()
            self.store.finish_run(self.report.run_id, self.report.summary())
        return self.report

    def _add_to_round(self, round_: list[tuple[int, Article]], number: int,
                      item: Article) -> list[tuple[int, Article]]:
        """Rounds hold exactly `round_size` articles, wherever the engine's batches end: the
        learned lines of a round depend on which articles it holds, so its bounds must not
        depend on the number of workers or the engine (batches shrink at the end of a run)."""
        round_.append((number, item))
        if len(round_) < self.settings.round_size:
            return round_
        self._commit(round_, number)
        return []

    def _end_passes(self) -> None:
        """The corpus passes after the last round: over the whole store, so their result does
        not depend on what came in which run."""
        self._wait_for_writer()
        stories = None
        if (self.settings.stories and self.settings.nlp and getattr(self.engine, "jobs", 1) > 1
                and StoriesInChild.available()):
            stories = StoriesInChild(self.writer.path)  # on the other core, beside the rest
        try:
            if self.settings.nlp and self.report.articles_new:
                self._resolve_entities()
                rebuild_relations(self.writer)  # edges over the ids just resolved
            if self.settings.nlp:  # new quotes join the statements they are versions of
                assign_statements(self.writer)
        except BaseException:
            if stories is not None:
                stories.cancel()
            raise
        if stories is not None:
            write_stories(self.writer, stories.result())
        elif self.settings.stories:  # new articles join stored stories or open one
            assign_stories(self.writer)

    def _resolve_entities(self) -> None:
        """Merge every stored mention into canonical entities and link quote speakers to them.
        Over the whole store, so ids and merges do not depend on what came in which run."""
        from newsgraph.stages.canonical import Canonicalizer
        from newsgraph.stages.speakers import link_speakers

        canon = Canonicalizer()
        rows = list(self.store.iter_article_mentions())
        before = [([m.entity_id for m in mentions], [_speaker_of(q) for q in quotes])
                  for _, _, mentions, quotes in rows]
        for art_id, text, mentions, _ in rows:
            canon.add_article(art_id, mentions, text, assign=False)
        entities = canon.entities()  # sets entity_id / canonical on every mention
        by_id = {e.id: e for e in entities}
        for _, _, mentions, quotes in rows:
            link_speakers(quotes, mentions, by_id)
        # only the mentions and quotes whose entity changed are written back: a run adding a
        # few articles to a big store re-links all of it but rewrites little of it
        changed = [
            (art_id, text, [m for m, old in zip(mentions, ids, strict=True)
                            if m.entity_id != old],
             [q for q, old in zip(quotes, speakers, strict=True) if _speaker_of(q) != old])
            for (art_id, text, mentions, quotes), (ids, speakers) in zip(rows, before,
                                                                         strict=True)]
        self.writer.rewrite_entities(entities, changed)

    def _wait_for_writer(self) -> None:
        if self.pending_write is not None:
            self.pending_write.result()  # re-raises a store error here, in the driver
            self.pending_write = None
        self.dedup.forget_run()  # the store now holds the last round: memory stays flat
        self.repeats.forget_run()

    def _commit(self, round_: list[tuple[int, Article]], last_number: int, final: bool = False):
        self._wait_for_writer()
        articles = [a for _, a in round_]
        known = self.store.existing_ids(a.id for a in articles)
        fresh: list[Article] = []
        for art in articles:
            if art.id in known:
                self.report.articles_known += 1
            else:
                known.add(art.id)
                fresh.append(art)
        sigs = {a.id: a.signature for a in fresh}
        self.dedup.prefetch(sigs.values())
        for art in fresh:  # duplicates first: a copy's lines must not teach the learner
            self.dedup.check(art, art.signature)
        counts = self.repeats.learn_and_apply(fresh, sigs)
        # the whole round in one transaction (one fsync): committed entirely or not at all,
        # with the input files it completes, so a re-run skips exactly those
        self.pending_write = self.executor.submit(
            self.writer.write_batch, fresh, sigs, self.settings.dedup_bands, counts,
            self.pending_errors, self.report.run_id,
            sources=self._completed_sources(last_number, final),
        )
        self.pending_errors = []
        for art in fresh:
            self.report.articles_new += 1
            self.report.removed_lines += len(art.removed)
            self.report.dates_found += art.published is not None
            self.report.duplicates += art.duplicate_of is not None
        self.progress("article", len(articles))

    def _completed_sources(self, last_number: int, final: bool) -> list[tuple[Any, ...]]:
        """Source rows for the files whose every RawDoc is in this round or an earlier one.
        A file with any error stays 'failed', so the next run reads (and reports) it again."""
        rows = []
        while self.sources and (final or self.sources[0].last_doc <= last_number):
            src = self.sources.pop(0)
            if src.skipped:
                continue
            status = "failed" if src.errors else "done"
            rows.append((src.path, src.size, src.mtime_ns, src.sha256, status, src.articles,
                         src.errors, self.report.run_id))
        return rows
