"""The Stage protocol and the two halves of the chain.

- Map stages are pure per article (decode/extract, clean, meta, dedup signature): an engine runs
  them in-process, in a process pool or on a cluster, in batches, and gets results back in order.
- Corpus stages need the articles before them (lines learned per outlet, duplicates): they run in
  the single driver, in input order, so results never depend on the engine or worker count.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from newsgraph.config import Settings
from newsgraph.errors import InputError
from newsgraph.ids import article_id
from newsgraph.records import Article, IngestError, RawDoc


class Stage(Protocol):
    name: str
    version: str
    requires: tuple[str, ...]
    provides: tuple[str, ...]

    def setup(self) -> None: ...

    def process(self, batch: list[Article]) -> list[Article]: ...

    def teardown(self) -> None: ...


class BaseStage:
    name = "base"
    version = "0"
    requires: tuple[str, ...] = ()
    provides: tuple[str, ...] = ()

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def setup(self) -> None:
        """Load models once per worker (nothing heavy happens at import)."""

    def process(self, batch: list[Article]) -> list[Article]:
        return [self.process_one(a) for a in batch]

    def process_one(self, article: Article) -> Article:
        raise NotImplementedError

    def teardown(self) -> None:
        """Release what setup() loaded."""


class CleanStage(BaseStage):
    name, requires, provides = "clean", ("raw_text",), ("text", "title", "removed", "segments")

    @property
    def version(self) -> str:  # type: ignore[override]
        from newsgraph.stages.clean import VERSION

        return VERSION

    def process_one(self, article: Article) -> Article:
        from newsgraph.stages.clean import clean_article

        return clean_article(article, "html" if article.html is not None else "text")


class MetaStage(BaseStage):
    name, requires, provides = "meta", ("text",), ("outlet", "language", "published")

    @property
    def version(self) -> str:  # type: ignore[override]
        from newsgraph.stages.meta import VERSION

        return VERSION

    def process_one(self, article: Article) -> Article:
        from newsgraph.stages.meta import annotate

        annotate(article, article.html, self.settings)
        article.html = None  # done with it: do not ship the page back to the driver
        return article


class SignatureStage(BaseStage):
    name, requires, provides = "signature", ("text",), ("signature",)
    version = "signature/1"

    def process_one(self, article: Article) -> Article:
        from newsgraph.stages.dedup import signature
        from newsgraph.stages.repeats import line_keys

        article.signature = signature(article.text, self.settings)
        article.line_keys = line_keys(article, self.settings)
        if article.signature.truncated:
            article.notes["dedup_truncated"] = "signature covers the first 50,000 words"
        return article


class NlpStage(BaseStage):
    """spaCy once over each article (batched with nlp.pipe): entity mentions, quotes (with the
    time they were said, when the text gives it) and events."""

    name, requires, provides = "nlp", ("text", "published"), ("mentions", "quotes", "events")

    @property
    def version(self) -> str:  # type: ignore[override]
        from newsgraph.stages.events import VERSION as EVENTS
        from newsgraph.stages.quotes import VERSION

        return f"nlp/2+{self.settings.nlp_model}+{VERSION}+{EVENTS}"  # /2: line breaks

    def setup(self) -> None:
        from newsgraph.stages.nlp import load_nlp

        self.nlp = load_nlp(self.settings.nlp_model, matmul=self.settings.nlp_matmul)

    def process(self, batch: list[Article]) -> list[Article]:
        from newsgraph.ids import quote_id
        from newsgraph.stages.doc_text import seed_text
        from newsgraph.stages.entities import mentions_from_doc
        from newsgraph.stages.events import extract_events
        from newsgraph.stages.quote_times import said_on
        from newsgraph.stages.quotes import extract_quotes

        cap = self.settings.nlp_max_chars
        texts = [a.text[:cap] for a in batch]
        docs = self.nlp.pipe(texts, batch_size=self.settings.nlp_batch)
        for article, text, doc in zip(batch, texts, docs, strict=True):
            seed_text(doc, text)
            if len(article.text) > cap:
                article.notes["nlp_cap"] = (
                    f"entities and quotes cover the first {cap:,} of {len(article.text):,} "
                    "characters (setting nlp_max_chars)")
            article.mentions = mentions_from_doc(doc, article.text)
            article.quotes = extract_quotes(article.text, doc=doc, title=article.title)
            for q in article.quotes:
                q.article_id = article.id
                q.id = quote_id(article.id, q.start, q.end)
                when = said_on(q, doc, article.published)
                if when:
                    q.notes["said_on"] = when
            article.events = extract_events(doc=doc, article_id=article.id,
                                            published=article.published)
            article.versions["nlp"] = self.version
        return batch


def map_stages(settings: Settings) -> list[BaseStage]:
    stages: list[BaseStage] = [CleanStage(settings), MetaStage(settings), SignatureStage(settings)]
    if settings.nlp:
        stages.append(NlpStage(settings))
    return stages


def materialize(raw: RawDoc, settings: Settings) -> Article | IngestError:
    """RawDoc -> Article with raw_text (decoding and HTML main-text extraction)."""
    from newsgraph.stages.read.decode import decode_bytes, normalize_text

    sha = None
    data = raw.data
    if data is None:  # a whole file: read here, in the worker, so the driver only lists files
        import hashlib
        from pathlib import Path

        from newsgraph.stages.read.files import read_file_bytes

        read = read_file_bytes(Path(raw.source_path), settings)
        if isinstance(read, IngestError):
            return read
        data, sha = read, hashlib.sha256(read).hexdigest()
    try:
        if isinstance(data, bytes):
            if len(data) > settings.max_file_bytes:
                raise InputError("E105", f"{len(data):,} bytes is over the limit")
            content, _ = decode_bytes(data, raw.hints.get("charset"))
        else:
            content = normalize_text(data)
            if not content.strip():
                raise InputError("E102", "the record's text is empty")
    except InputError as exc:
        return IngestError(raw.source_path, exc.code, exc.message)
    hints = dict(raw.hints)
    url = hints.get("url")
    html = None
    if raw.kind == "html":
        from newsgraph.stages.read.html_extract import extract_html

        html = content
        ext = extract_html(content, url)
        if not ext.text.strip():
            return IngestError(
                raw.source_path, "E106",
                "no article text found in the HTML (scripts, navigation or an empty page)",
            )
        raw_text = normalize_text(ext.text)
        for key in ("title", "sitename", "author", "description"):
            if getattr(ext, key, None) and not hints.get(key):
                hints[key] = getattr(ext, key)
        if not url and ext.url:
            url = ext.url
            hints["url_source"] = "page metadata"
        hints["extractor"] = ext.extractor
        from newsgraph.stages.read.html_left_out import left_out

        dropped = left_out(content, raw_text, hints.get("title"))
        if dropped:  # kept as a hint: the page is not stored, and replays rebuild notes
            hints["reader_left_out"] = dropped
    else:
        raw_text = content
    article = Article(
        id=article_id(content, url), source_path=raw.source_path, raw_text=raw_text, url=url,
        title=hints.get("title"), hints={k: v for k, v in hints.items() if k != "charset"},
        html=html, source_sha256=sha,
    )
    return article


@dataclass
class Worker:
    """What runs in each worker process: materialize, then the map stages, one batch at a time."""

    settings: Settings
    stages: list[BaseStage] = field(default_factory=list)

    def setup(self) -> None:
        self.stages = map_stages(self.settings)
        for stage in self.stages:
            stage.setup()

    def process(self, raws: list[RawDoc]) -> list[Article | IngestError]:
        out: list[Article | IngestError] = []
        for raw in raws:
            item = materialize(raw, self.settings)
            if isinstance(item, Article):
                item = self._run_stages(item, [s for s in self.stages if s.name != "nlp"])
            out.append(item)
        nlp = [s for s in self.stages if s.name == "nlp"]
        if nlp:
            ready = [a for a in out if isinstance(a, Article)]
            try:
                nlp[0].process(ready)  # one nlp.pipe over the batch
            except Exception:  # then one by one, so only the article that fails is lost
                out = [self._run_stages(a, nlp) if isinstance(a, Article) else a for a in out]
        return out

    def _run_stages(self, article: Article, stages: list[BaseStage]) -> Article | IngestError:
        for stage in stages:
            try:
                article = stage.process([article])[0]
            except Exception as exc:  # rule 3: one article's failure degrades only itself
                return IngestError(
                    article.source_path, "E301", f"stage {stage.name} failed: {exc!r}"[:500]
                )
        if not article.text.strip():
            return IngestError(
                article.source_path, "E106",
                f"every line was boilerplate ({len(article.removed)} lines removed)",
            )
        return article


def describe_versions(settings: Settings) -> dict[str, Any]:
    return {s.name: s.version for s in map_stages(settings)}
