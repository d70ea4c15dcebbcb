"""The `newsgraph` command: thin — parse flags, call api, print. No logic lives only here."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from newsgraph import api
from newsgraph.config import load_settings
from newsgraph.errors import NewsgraphError

app = typer.Typer(
    help="newsgraph: raw news articles in; clean, dated, deduplicated articles out.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(highlight=False)
err = Console(stderr=True, highlight=False)

DbOption = Annotated[
    str, typer.Option("--db", help="The store file (SQLite).", envvar="NEWSGRAPH_DB")
]


@app.command()
def ingest(
    paths: Annotated[list[str], typer.Argument(help="Files, folders (recursive) or globs.")],
    db: DbOption = "newsgraph.db",
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Worker processes.")] = 1,
    config: Annotated[str | None, typer.Option(help="A settings TOML file.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    engine: Annotated[str | None, typer.Option(
        "--engine", help="local (process pool) or dask (LocalCluster of --jobs workers, "
                         "or the cluster at --scheduler).")] = None,
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", help="A running dask scheduler, e.g. tcp://10.0.0.5:8786 "
                            "(implies --engine dask).")] = None,
    out_parquet: Annotated[str | None, typer.Option(
        "--out-parquet", help="Write the per-article results as Parquet shards to this folder "
                              "(workers write them; one completion marker per shard) instead "
                              "of the store; then `newsgraph load DIR`.")] = None,
) -> None:
    """Read .txt, .html/.htm, .jsonl and .warc(.gz) inputs into the store.

    Exit status: 0 every input was read, 1 some were not (listed), 2 usage error."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from newsgraph.engines import ENGINES

    if engine is not None and engine not in ENGINES:
        raise typer.BadParameter(f"choose one of {', '.join(ENGINES)}", param_hint="--engine")
    settings = load_settings(config, db=db, jobs=jobs, engine=engine, scheduler=scheduler)
    if out_parquet and Path(out_parquet).exists() and not Path(out_parquet).is_dir():
        err.print(f"[red]error[/] --out-parquet {escape(out_parquet)} is a file: give a folder "
                  "(made if missing)")
        raise typer.Exit(2)
    progress = Progress(
        TextColumn("[bold]ingest"), BarColumn(), MofNCompleteColumn(), TextColumn("files"),
        TextColumn("· {task.fields[articles]} articles"), TimeElapsedColumn(),
        console=err, transient=True, disable=quiet or not err.is_terminal,
    )
    with progress:
        task = progress.add_task("ingest", total=None, articles=0)
        done_articles = 0

        def on_progress(event: str, n: int) -> None:
            nonlocal done_articles
            if event == "total":
                progress.update(task, total=n)
            elif event == "file":
                progress.advance(task, n)
            elif event == "article":
                done_articles += n
                progress.update(task, articles=done_articles)

        try:
            if out_parquet:
                shards = api.ingest_to_parquet(paths, out_parquet, settings=settings,
                                               progress=on_progress)
            else:
                report = api.ingest(paths, settings=settings, progress=on_progress)
        except KeyboardInterrupt:
            err.print("[yellow]interrupted[/]: every committed batch is kept; "
                      "run the same command again to finish.")
            raise typer.Exit(130) from None
    if out_parquet:
        _shard_summary(shards, out_parquet)
        return
    if report.files_seen == 0 and not report.errors:  # a wrong folder must not pass unseen
        err.print("[yellow]warning[/]: no .txt, .html/.htm, .jsonl or .warc(.gz) file found in "
                  + ", ".join(escape(p) for p in paths) + "; nothing was read")
    _ingest_summary(report, settings.db)


def _shard_summary(shards: Any, out_dir: str) -> None:
    table = Table(title=f"ingest summary — Parquet shards in {escape(out_dir)}", show_header=False)
    for name, value in (("files read", shards.run.files_seen),
                        ("shards complete", shards.shards),
                        ("  of them done before (skipped)",
                         shards.shards_done_before),
                        ("items", shards.items),
                        ("articles", shards.articles),
                        ("inputs with errors", len(shards.errors))):
        table.add_row(name, f"{value:,}")
    out.print(table)
    for e in shards.errors[:50]:
        out.print(f"  {e.code} {escape(e.path)}: {escape(e.message)}")
    out.print(f"next: newsgraph load {escape(out_dir)} --db FILE")
    raise typer.Exit(shards.exit_code)


def _ingest_summary(report: api.RunReport, db: str) -> None:
    table = Table(title=f"ingest summary — store {escape(str(Path(db)))}",
                  show_header=False)
    rows = [
        ("files read", report.files_seen - report.files_skipped),
        ("files unchanged (skipped)", report.files_skipped),
        ("articles added", report.articles_new),
        ("articles already stored", report.articles_known),
        ("lines removed by cleaning", report.removed_lines),
        ("publication dates found", report.dates_found),
        ("duplicates found", report.duplicates),
        ("inputs with errors", len(report.errors)),
    ]
    for name, value in rows:
        table.add_row(name, f"{value:,}")
    out.print(table)
    if report.errors:
        out.print(f"[red]{len(report.errors)} input(s) could not be read:[/]")
        for e in report.errors[:50]:
            out.print(f"  {e.code} {escape(e.path)}: {escape(e.message)}")
        if len(report.errors) > 50:
            out.print(f"  … and {len(report.errors) - 50} more: newsgraph errors --db {db}")
    raise typer.Exit(report.exit_code)


@app.command()
def load(
    folder: Annotated[str, typer.Argument(help="Parquet shards (ingest --out-parquet DIR).")],
    db: DbOption = "newsgraph.db",
    config: Annotated[str | None, typer.Option(help="A settings TOML file.")] = None,
) -> None:
    """Load Parquet shards into the store: duplicates, learned lines, entities, stories, as
    `newsgraph ingest` of the same inputs would (the same store, byte for byte)."""
    settings = load_settings(config, db=db)
    try:
        report = api.load(folder, settings=settings)
    except KeyboardInterrupt:
        err.print("[yellow]interrupted[/]: every committed batch is kept; "
                  "run the same command again to finish.")
        raise typer.Exit(130) from None
    _ingest_summary(report, settings.db)


@app.command()
def reprocess(
    db: DbOption = "newsgraph.db",
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Worker processes.")] = 1,
    engine: Annotated[str | None, typer.Option("--engine", help="local or dask.")] = None,
    scheduler: Annotated[str | None, typer.Option("--scheduler",
                                                  help="A running dask scheduler.")] = None,
    config: Annotated[str | None, typer.Option(help="A settings TOML file.")] = None,
) -> None:
    """Re-run what changed stage versions affect, from the store alone: clean, meta, dedup or
    repeats and every stage after it; NLP (then entities, relations, statements) for articles
    whose nlp version differs or whose text changed; stories when their version differs or
    anything before them was re-run."""
    settings = load_settings(config, db=db, jobs=jobs, engine=engine, scheduler=scheduler)
    if not Path(settings.db).exists():
        err.print(f"[red]error[/] E201 store error: no store at {escape(settings.db)} (run "
                  "`newsgraph ingest` first)")
        raise typer.Exit(2)
    report = api.reprocess(settings=settings)
    table = Table(title=f"reprocess — store {escape(settings.db)}", show_header=False)
    table.add_row("articles", f"{report.articles:,}")
    table.add_row("NLP stale / re-run", f"{report.nlp_stale:,} / {report.nlp_done:,}")
    for stage, n in sorted(report.upstream_stale.items()):
        table.add_row(f"made by an older {stage}", f"{n:,}")
    for stage, n in sorted(report.upstream_redone.items()):
        table.add_row(f"re-run from {stage}", f"{n:,}")
    if report.upstream_redone:
        table.add_row("NLP inputs changed (re-run)", f"{report.nlp_invalidated:,}")
    if report.html_dates_kept:
        table.add_row("HTML dates kept (page not stored)", f"{report.html_dates_kept:,}")
    table.add_row("stories re-done", "yes" if report.stories_redone else "no")
    out.print(table)
    if report.html_dates_kept:
        out.print(f"[yellow]{report.html_dates_kept:,} HTML article(s)[/]: metadata re-run "
                  "without the page (not stored), so each keeps the publication date found at "
                  "ingest (notes.published_kept); re-ingest the pages to date them again.")
    for e in report.errors[:50]:
        out.print(f"  {e.code} {escape(e.path)}: {escape(e.message)}")
    raise typer.Exit(1 if report.errors else 0)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help='Words, "a phrase", AND/OR/NOT, prefix*.')],
    db: DbOption = "newsgraph.db",
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 10,
    offset: Annotated[int, typer.Option(min=0, max=api.MAX_OFFSET)] = 0,
) -> None:
    """Full-text search over titles and texts, best match first, with snippets."""
    result = api.search(db, query, limit, offset)
    if result.note:
        err.print(f"[dim]{escape(result.note)}[/]")
    out.print(f"{result.total:,} article(s) match [bold]{escape(query)}[/]")
    for hit in result.hits:
        dup = f" [dim](duplicate of {hit['duplicate_of']})[/]" if hit["duplicate_of"] else ""
        meta = " · ".join(x for x in (hit["outlet"], hit["published"]) if x)
        out.print(f"\n[bold cyan]{hit['id']}[/] {escape(hit['title'] or '(no title)')}{dup}")
        if meta:
            out.print(f"  [dim]{escape(meta)}[/]")
        snippet = "".join(
            f"[bold yellow]{escape(text)}[/]" if is_match else escape(text)
            for text, is_match in api.snippet_parts(hit["snippet"] or "")
        )
        out.print(f"  {snippet}")


def _quoted(q: Any, limit: int | None = None) -> str:
    """A quote's words in quotation marks; reported speech, the writer's words, never in them."""
    words = q.text if limit is None or len(q.text) <= limit else q.text[:limit - 1] + "…"
    return f"(reported) {words}" if q.type == "indirect" else f"“{words}”"


def _say_if_more(more: bool, shown: int, what: str) -> None:
    """A listing cut at --limit says so: "no more" must not be read into a short list."""
    if more:
        out.print(f"[dim](the first {shown} {what} shown; more with --limit N)[/]")


@app.command()
def show(
    article_id: Annotated[str, typer.Argument(help="An article id (or a unique prefix).")],
    db: DbOption = "newsgraph.db",
    removed: Annotated[bool, typer.Option(help="List what cleaning removed and why.")] = True,
) -> None:
    """One article: metadata, clean text, and what cleaning removed and why."""
    article = api.get_article(db, article_id)
    if article is None:
        err.print(f"[red]{escape(api.why_no_id(db, 'article', article_id))}[/]")
        raise typer.Exit(1)
    out.print(f"[bold]{escape(article.title or '(no title)')}[/]")
    table = Table(show_header=False, box=None)
    date = article.published or "unknown"
    if article.published:
        date += f"  (from {article.published_source}: {article.published_evidence or ''})"
    elif article.notes.get("published_refused"):
        date += f"  (refused: {article.notes['published_refused']})"
    fields = [
        ("id", article.id), ("source", article.source_path), ("url", article.url or "—"),
        ("outlet", f"{article.outlet} (from {article.outlet_source})" if article.outlet else "—"),
        ("published", date),
        ("language", f"{article.language} ({article.language_score})" if article.language
         else "unknown"),
        ("duplicate of", article.duplicate_of or "—"),
    ]
    if article.notes.get("fields_ignored"):  # input fields the reader could not use
        fields.append(("fields ignored", "; ".join(
            f"{k}: {why}" for k, why in sorted(article.notes["fields_ignored"].items()))))
    for name, value in fields:
        table.add_row(f"[dim]{name}[/]", escape(str(value)))
    out.print(table)
    out.print()
    out.print(escape(article.text))
    left = article.notes.get("reader_left_out")
    if removed and left:  # an HTML page: what the reader did not take as the article's text
        out.print(f"\n[bold]left out by the HTML reader ({left['lines']} page lines that are "
                  "not the article's main text)[/]")
        for line in left["sample"]:
            out.print(f"  [yellow]{'page text':>24}[/] {escape(line)}")
        if left["lines"] > len(left["sample"]):
            out.print(f"  [dim]… and {left['lines'] - len(left['sample'])} more[/]")
    if removed and article.removed:
        out.print(f"\n[bold]removed by cleaning ({len(article.removed)} lines)[/]")
        for d in article.removed:
            snippet = article.raw_text[d.start:d.end]
            if len(snippet) > 100:
                snippet = snippet[:97] + "…"
            out.print(f"  [yellow]{d.reason:>24}[/] [{d.start}:{d.end}] {escape(snippet)}")


@app.command()
def quotes(
    query: Annotated[str | None, typer.Argument(help="Words in the quote (FTS5).")] = None,
    db: DbOption = "newsgraph.db",
    speaker: Annotated[str | None, typer.Option(help="Speaker name or alias.")] = None,
    story: Annotated[str | None, typer.Option("--story", help="Only this story's quotes "
                                              "(id or unique prefix).")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10000)] = 20,
) -> None:
    """Who said what: quotes with their speaker, cue and article."""
    try:
        found = api.quotes(db, speaker=speaker, query=query, limit=limit + 1, story_id=story)
    except api.NotFound as exc:
        err.print(f"[red]{escape(str(exc))}[/]")
        raise typer.Exit(1) from None
    if not found:
        out.print("no quotes found")
        return
    found, more = found[:limit], len(found) > limit
    for q in found:
        who = escape(q.speaker or "unknown speaker")
        flags = " (closing mark missing)" if q.notes.get("unclosed") else ""
        out.print(f"[bold]{who}[/] [dim]{escape(q.cue or '')} · {q.type} · "
                  f"{q.article_id}[{q.start}:{q.end}]{flags}[/]")
        out.print(f"  {escape(_quoted(q))}\n")
    _say_if_more(more, len(found), "quotes")


@app.command()
def entities(
    query: Annotated[str | None, typer.Argument(help="Name or alias to look for.")] = None,
    db: DbOption = "newsgraph.db",
    limit: Annotated[int, typer.Option(min=1, max=10000)] = 30,
) -> None:
    """People, organisations and places, merged across spellings and articles."""
    found = api.entities(db, query, limit + 1)
    if not found:
        out.print("no entities found")
        return
    found, more = found[:limit], len(found) > limit
    table = Table("id", "name", "type", "mentions", "articles", "aliases", box=None)
    for e in found:
        aliases = ", ".join(a for a in e.aliases if a != e.name)
        table.add_row(e.id, escape(e.name), e.type, str(e.mention_count),
                      str(len(e.article_ids)), escape(aliases[:80]))
    out.print(table)
    _say_if_more(more, len(found), "entities")


@app.command()
def entity(
    entity_id: Annotated[str, typer.Argument(help="An entity id (or a unique prefix).")],
    db: DbOption = "newsgraph.db",
) -> None:
    """One entity: its aliases, the articles it is in, and what it said."""
    found, said = api.get_entity(db, entity_id)
    if found is None:
        err.print(f"[red]{escape(api.why_no_id(db, 'entity', entity_id))}[/]")
        raise typer.Exit(1)
    out.print(f"[bold]{escape(found.name)}[/] ({found.type}) · {found.mention_count} mentions "
              f"in {len(found.article_ids)} articles")
    out.print(f"aliases: {escape(', '.join(found.aliases))}")
    for why, items in (found.evidence or {}).items():  # e.g. merges: "X -> Y: because"
        out.print(f"[dim]{escape(str(why))}:[/]")
        for item in items if isinstance(items, list) else [items]:
            out.print(f"  [dim]· {escape(str(item))}[/]")
    titles = api.article_titles(db, found.article_ids[:50])
    out.print(f"[bold]articles[/] ({len(found.article_ids)})")
    for article_id in found.article_ids[:50]:
        out.print(f"  {article_id}  {escape(titles.get(article_id) or '(no title)')}")
    _say_if_more(len(found.article_ids) > 50, 50, "articles")
    if said:
        out.print(f"[bold]said[/] ({len(said)})")
    for q in said[:50]:
        out.print(f"  [dim]{escape(q.cue or '')}:[/] {escape(_quoted(q, 200))}")
    _say_if_more(len(said) > 50, 50, "quotes")


def _span(start: str | None, end: str | None) -> str:
    if not start:
        return "undated"
    return start if start == end else f"{start} – {end}"


@app.command()
def stories(
    query: Annotated[str | None, typer.Argument(help="Words in the stories' articles.")] = None,
    db: DbOption = "newsgraph.db",
    limit: Annotated[int, typer.Option(min=1, max=10000)] = 30,
) -> None:
    """Stories: articles that report the same event, across outlets, largest first."""
    found = api.stories(db, query, limit + 1)
    if not found:
        out.print("no stories found")
        return
    found, more = found[:limit], len(found) > limit
    table = Table("id", "articles", "dates", "title", box=None)
    for s in found:
        table.add_row(f"[bold cyan]{s.id}[/]", str(len(s.article_ids)),
                      _span(s.start_date, s.end_date), escape(s.title or "(no title)"))
    out.print(table)
    _say_if_more(more, len(found), "stories")


@app.command()
def story(
    story_id: Annotated[str, typer.Argument(help="A story id (or a unique prefix).")],
    db: DbOption = "newsgraph.db",
) -> None:
    """One story: its articles, the names it is about, and its quotes."""
    found = api.get_story(db, story_id)
    if found is None:
        err.print(f"[red]{escape(api.why_no_id(db, 'story', story_id))}[/]")
        raise typer.Exit(1)
    out.print(f"[bold]{escape(found.title or '(no title)')}[/]")
    dated = sum(1 for a in found.articles if a["published"])
    undated = (f" (the dates of {dated} dated article(s); {len(found.articles) - dated} "
               "undated)" if found.start_date and dated < len(found.articles) else "")
    out.print(f"[dim]{found.id} · {len(found.article_ids)} article(s) · "
              f"{_span(found.start_date, found.end_date)}{undated}[/]")
    out.print("\n[bold]articles[/]")
    for a in found.articles:
        meta = " · ".join(x for x in (a["outlet"], a["published"]) if x)
        dup = f" [dim](duplicate of {a['duplicate_of']})[/]" if a["duplicate_of"] else ""
        out.print(f"  [cyan]{a['id']}[/] {escape(a['title'] or '(no title)')}{dup}"
                  + (f" [dim]{escape(meta)}[/]" if meta else ""))
    if found.entities:
        out.print("\n[bold]named most[/]")
        out.print("  " + escape(", ".join(f"{name} ({n})" for _, name, n in found.entities)))
    if found.quotes:
        out.print(f"\n[bold]quotes ({len(found.quotes)})[/]")
        for q in found.quotes[:30]:
            who = escape(q.speaker or "unknown speaker")
            out.print(f"  [bold]{who}[/] [dim]{escape(q.cue or '')} · {q.article_id}[/]: "
                      f"“{escape(q.text[:200])}”")


@app.command()
def events(
    db: DbOption = "newsgraph.db",
    story: Annotated[str | None, typer.Option("--story", help="Only this story's events "
                                              "(id or unique prefix).")] = None,
    entity: Annotated[str | None, typer.Option("--entity", help="Events this entity (id, "
                                               "prefix, name or alias) is the actor or target "
                                               "of.")] = None,
    action: Annotated[str | None, typer.Option(help="A PLOVER category, e.g. THREATEN.")] = None,
    article: Annotated[str | None, typer.Option(help="Only this article's events (id or "
                                                "unique prefix).")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10000)] = 30,
) -> None:
    """Who did what to whom: events with their PLOVER category, actor, target and date."""
    try:
        found = api.events(db, story_id=story, entity_id=entity, action=action,
                           article_id=article, limit=limit + 1)
    except api.NotFound as exc:
        err.print(f"[red]{escape(str(exc))}[/]")
        raise typer.Exit(1) from None
    if not found:
        out.print("no events found")
        return
    found, more = found[:limit], len(found) > limit
    for e in found:
        when = f"{e.date} ({e.date_precision})" if e.date else "undated"
        out.print(f"[bold]{e.action}[/] {escape(e.actor or '?')} → {escape(e.target or '—')} "
                  f"[dim]· {escape(e.trigger)} · {when} · {e.article_id}[{e.start}:{e.end}][/]")
        out.print(f"  {escape(e.sentence[:240])}\n")
    _say_if_more(more, len(found), "events")


@app.command()
def timeline(
    db: DbOption = "newsgraph.db",
    story: Annotated[str | None, typer.Option("--story", help="A story id (or prefix).")] = None,
    entity: Annotated[str | None, typer.Option("--entity", help="An entity: id, prefix, name "
                                               "or alias.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=100000)] = 200,
) -> None:
    """A story's or an entity's events and quotes by event time, with report time beside."""
    if bool(story) == bool(entity):
        err.print("[red]give one of --story ID or --entity NAME[/]")
        raise typer.Exit(2)
    label, items = api.timeline(db, story_id=story, entity=entity, limit=limit)
    if label is None:
        err.print(f"[red]no {'story' if story else 'entity'} matches "
                  f"{escape(story or entity or '')}[/]")
        raise typer.Exit(1)
    out.print(f"[bold]timeline of {escape(label)}[/] [dim]({len(items)} item(s); event time, "
              "then report time)[/]")
    if not items:
        out.print("no events or quotes")
        return
    for it in items:
        when = f"[bold]{it.when}[/] ({it.precision})" if it.when else "[dim]no event time[/]"
        who = escape(it.who or "?") + (f" → {escape(it.whom)}" if it.whom else "")
        source = f" · from {escape(it.when_from)}" if it.when_from else ""
        out.print(f"{when} [dim]· reported {it.reported or 'undated'}{source}[/]")
        out.print(f"  {it.kind} [bold]{escape(it.what)}[/] {who} "
                  f"[dim]{it.article_id}[{it.start}:{it.end}][/]")
        out.print(f"  {escape(it.text[:200])}\n")


@app.command()
def stats(db: DbOption = "newsgraph.db") -> None:
    """What the store holds."""
    s = api.stats(db)
    table = Table(title=f"store {escape(s['store'])}", show_header=False)
    for key in ("articles", "with_date", "duplicates", "removed_lines", "outlets", "sources",
                "errors", "quotes", "entities", "events", "stories", "statements"):
        table.add_row(key.replace("_", " "), f"{s[key]:,}")
    table.add_row("languages", escape(", ".join(f"{k} {v}" for k, v in s["languages"].items())))
    table.add_row("date sources",
                  escape(", ".join(f"{k} {v}" for k, v in s["date_sources"].items()) or "—"))
    for stage, versions in s["older"].items():
        table.add_row(f"made by an older {stage}", escape(", ".join(
            f"{v} {n:,}" for v, n in versions.items())))
    out.print(table)
    if s["older"]:
        out.print("`newsgraph reprocess` re-runs what an older stage made (and what follows it)")


@app.command()
def errors(
    db: DbOption = "newsgraph.db",
    last: Annotated[bool, typer.Option("--last", help="Only the last run's errors.")] = False,
) -> None:
    """Inputs that could not be read, with their codes and reasons."""
    found = api.errors(db, last_run_only=last)
    if not found:
        out.print("no errors")
        return
    for e in found:
        out.print(f"{e.code} {escape(e.path)}: {escape(e.message)}")


@app.command()
def export(
    out_dir: Annotated[str, typer.Option("--out", help="Folder to write into.")],
    db: DbOption = "newsgraph.db",
    fmt: Annotated[str, typer.Option("--format", help="jsonl or parquet.")] = "jsonl",
) -> None:
    """Write articles (and the other contract files) as JSON Lines or Parquet."""
    if fmt not in ("jsonl", "parquet"):
        err.print(f"[red]unknown format {escape(fmt)}: use jsonl or parquet[/]")
        raise typer.Exit(2)
    if Path(out_dir).exists() and not Path(out_dir).is_dir():
        err.print(f"[red]error[/] --out {escape(out_dir)} is a file: give a folder (made if "
                  "missing)")
        raise typer.Exit(2)
    try:
        counts = api.export(db, out_dir, fmt)
    except OSError as exc:  # not writable, disk full: say where, no traceback
        err.print(f"[red]error[/] cannot write the export into {escape(out_dir)}: "
                  f"{escape(exc.strerror or str(exc))}"
                  f"{' (' + escape(str(exc.filename)) + ')' if exc.filename else ''}")
        raise typer.Exit(1) from None
    out.print(f"wrote {counts['articles']:,} articles to {escape(out_dir)} ({fmt})")


def _print_versions(view: object, mark: str | None = None) -> None:
    """Every version of a statement: the quote, its article, flags and the differing words."""
    for v in view.versions:  # type: ignore[attr-defined]
        q = v.quote
        here = " [bold green]← this quote[/]" if q.id == mark else ""
        meta = " · ".join(x for x in (v.outlet, v.published) if x)
        out.print(f"  [cyan]{q.id}[/] [bold]{escape(q.speaker or 'unknown speaker')}[/] "
                  f"[dim]{q.type} · {q.article_id}{' · ' + escape(meta) if meta else ''}[/]"
                  f"{here}")
        if v.article_title:
            out.print(f"    [dim]{escape(v.article_title[:100])}[/]")
        out.print(f"    “{escape(q.text[:300])}”")
        out.print(f"    [yellow]{escape(', '.join(v.flags))}[/] [dim](overlap {v.overlap})[/]")
        if v.only_in_reference or v.only_in_version:
            out.print(f"    only in the reference: {escape(' '.join(v.only_in_reference)) or '—'}"
                      f" · only here: {escape(' '.join(v.only_in_version)) or '—'}")


@app.command()
def quote(
    quote_id: Annotated[str, typer.Argument(help="A quote id (or a unique prefix).")],
    db: DbOption = "newsgraph.db",
) -> None:
    """One quote, its speaker and article, and every version of its statement across
    articles, flagged where the words differ (trimmed, another translation, a misquote)."""
    found = api.get_quote(db, quote_id)
    if found is None:
        err.print(f"[red]{escape(api.why_no_id(db, 'quote', quote_id))}[/] (ids: newsgraph "
                  "quotes)")
        raise typer.Exit(1)
    q, art = found.quote, found.article
    out.print(f"[bold]{escape(q.speaker or 'unknown speaker')}[/] "
              f"[dim]{escape(q.cue or '')} · {q.type} · {q.id}[/]")
    out.print(f"  “{escape(q.text)}”")
    out.print(f"  [dim]article {art['id']} · {escape(art['title'] or '(no title)')}"
              + "".join(f" · {escape(x)}" for x in (art["outlet"], art["published"]) if x)
              + f" [{q.start}:{q.end}][/]")
    st = found.statement
    if st is None:
        out.print("\nnot grouped into a statement yet (statements are made by an ingest "
                  "with NLP on)")
        return
    n = len(st.versions)
    out.print(f"\n[bold]statement {st.id}[/] · {n} version(s) in {len(st.article_ids)} "
              f"article(s)" + ("" if n > 1 else " — quoted nowhere else"))
    if n > 1:
        _print_versions(st, q.id)


@app.command()
def statements(
    db: DbOption = "newsgraph.db",
    speaker: Annotated[str | None, typer.Option(help="Speaker name or alias.")] = None,
    min_versions: Annotated[int, typer.Option("--min-versions", min=1,
                                              help="At least this many versions.")] = 2,
    limit: Annotated[int, typer.Option(min=1, max=10000)] = 30,
) -> None:
    """Statements quoted in more than one article, with their versions and flags."""
    found = api.statements(db, speaker=speaker, min_versions=min_versions, limit=limit)
    if not found:
        out.print("no statements found")
        return
    for st in found:
        out.print(f"[bold]statement {st.id}[/] · {escape(st.speaker or 'unknown speaker')} · "
                  f"{len(st.versions)} version(s) in {len(st.article_ids)} article(s)")
        _print_versions(st)
        out.print()


@app.command()
def graph(
    entity: Annotated[str, typer.Option("--entity", help="An entity: id, prefix, name or "
                                        "alias.")],
    db: DbOption = "newsgraph.db",
    kind: Annotated[str | None, typer.Option(help="co-occurs, quotes-about or acts-on.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10000)] = 20,
) -> None:
    """An entity's related entities: co-occurrence, quotes about, actions on, with counts and
    one evidence snippet each."""
    from newsgraph.stages.relations import KINDS

    if kind is not None and kind not in KINDS:
        err.print(f"[red]unknown kind {escape(kind)}: use one of {', '.join(KINDS)}[/]")
        raise typer.Exit(2)
    found, rels = api.graph(db, entity, kind, limit)
    if found is None:
        err.print(f"[red]no entity matches {escape(entity)}[/] (try: newsgraph entities "
                  f"{escape(entity)})")
        raise typer.Exit(1)
    out.print(f"[bold]relations of {escape(found.name)}[/] ({found.type}, {found.id}) "
              f"[dim]({len(rels)} shown, most hits first)[/]")
    if not rels:
        out.print("no relations")
        return
    arrows = {"out": "→", "in": "←", "both": "↔"}
    for r in rels:
        label = f" {r.label}" if r.label else ""
        ev = r.evidence
        ref = ev.get("quote_id") or ev.get("event_id") or ""
        out.print(f"{r.kind}{label} {arrows[r.direction]} [bold]{escape(r.name)}[/] ({r.type}) "
                  f"[dim]· {r.count} hit(s) in {r.article_count} article(s) · "
                  f"{ev.get('article_id')}[{ev.get('start')}:{ev.get('end')}]"
                  + (f" {ref}" if ref else "") + "[/]")
        snippet = " ".join(r.snippet.split())
        out.print(f"  {escape(snippet[:240])}\n")


@app.command()
def serve(
    db: DbOption = "newsgraph.db",
    host: Annotated[str, typer.Option(help="Address to bind (loopback by default).")]
    = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
    allow_ingest: Annotated[bool, typer.Option(
        "--allow-ingest", help="Accept uploads (POST /api/ingest); read-only without it.")]
    = False,
    workers: Annotated[int, typer.Option(
        min=1, max=64, help="Server processes (each opens the store read-only per request); "
        "more than one serves more clients at once (see benchmarks/web.py).")] = 1,
) -> None:
    """Serve the web UI and the JSON API (/api, docs at /docs) over a store, read-only unless
    --allow-ingest."""
    import uvicorn

    from newsgraph.web.app import create_app

    if allow_ingest and workers > 1:  # uploads are written by one process: the store's writer
        err.print("[red]error[/] --allow-ingest needs one server process (--workers 1): the "
                  "store has a single writer")
        raise typer.Exit(2)
    web = create_app(db, allow_ingest=allow_ingest)  # no store: the store's coded error
    _check_can_listen(host, port)
    if host not in ("127.0.0.1", "localhost", "::1"):
        err.print(f"[yellow]warning[/]: serving on {escape(host)}, reachable beyond this "
                  "machine")
    out.print(f"serving {escape(db)} on http://{escape(host)}:{port} with {workers} "
              "process(es) (Ctrl-C stops)")
    if workers == 1:
        uvicorn.run(web, host=host, port=port, log_level="warning")
        return
    # several processes: uvicorn imports the app in each, from the environment
    os.environ["NEWSGRAPH_WEB_DB"] = db
    os.environ["NEWSGRAPH_WEB_ALLOW_INGEST"] = "1" if allow_ingest else "0"
    uvicorn.run("newsgraph.web.app:app_from_env", factory=True, host=host, port=port,
                workers=workers, log_level="warning")


def _check_can_listen(host: str, port: int) -> None:
    """A port in use (or an address this machine does not have) is said in one line, exit 1,
    before "serving … on" is printed: uvicorn would announce nothing and exit 3."""
    import socket

    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        with socket.create_server((host, port), family=family):
            pass
    except OSError as exc:
        err.print(f"[red]error[/] cannot serve on {escape(host)}:{port}: "
                  f"{escape(exc.strerror or str(exc))}")
        raise typer.Exit(1) from None


def _reflow_help(typer_app: typer.Typer) -> None:
    """Each command's help from its docstring, with the docstring's wrapped lines joined.
    Typer's rich mode prints every source line break in the command list; paragraphs (blank
    lines) stay."""
    import inspect

    for info in typer_app.registered_commands:
        if info.help is None and info.callback is not None:
            doc = inspect.getdoc(info.callback) or ""
            info.help = "\n\n".join(" ".join(part.split()) for part in doc.split("\n\n"))


_reflow_help(app)


def main() -> None:
    """Entry point: coded errors become one clear line, never a traceback."""
    # newsgraph parallelises by processes (--jobs); a BLAS thread pool in each only
    # oversubscribes the cores, and its spinning threads slow the parse (300 articles, one job:
    # 21.1 s with OpenBLAS's default threads, 19.1 s with one). Set before numpy is first
    # imported (the model loads lazily, after this); a user's own setting wins.
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    try:
        app()
    except NewsgraphError as exc:
        err.print(f"[red]error[/] {escape(str(exc))}")
        sys.exit(2 if exc.code in ("E201", "E202", "E203", "E501") else 1)


if __name__ == "__main__":
    main()
