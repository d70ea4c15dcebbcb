"""The story pass of an ingest: every stored article that has no story yet, in first-seen
order, joins a stored story or opens one (stages/stories.py), and the result is written in one
transaction. Run at the end of each ingest, after the entity pass; an interrupted run leaves its
articles without a story and the next run assigns them, as if they had come in one run.

The pass reads only articles, their mentions' words and their quotes — nothing the entity,
relation or statement passes write — so with several jobs it runs in a forked child beside
them (`StoriesInChild`) and only its writing waits for them."""

from __future__ import annotations

import multiprocessing as mp
from itertools import islice
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from newsgraph.stages.stories import (
    StoryDoc,
    StoryPass,
    StorySettings,
    article_names,
    quote_keys,
)
from newsgraph.store import Store

Result = tuple[list[Any], list[tuple[str, str]], dict[str, int], list[tuple[str, int, str]]]


def compute_stories(store: Store, settings: StorySettings | None = None,
                    chunk: int = 500) -> StoryPass:
    view = store.stories_view()
    run = StoryPass(settings, n_docs=view.assigned_count(), lookup_df=view.lookup_df,
                    lookup_postings=view.lookup_postings, lookup_stories=view.lookup_stories,
                    lookup_story_of=view.lookup_story_of, lookup_detail=view.lookup_detail)
    rows = view.unassigned(chunk)  # streamed: one chunk of texts in memory at a time
    # names and quotes are read only when they are weighed (a query each per chunk)
    names = run.settings.entity_weight > 0
    quoted = run.settings.quote_weight > 0
    while part := list(islice(rows, chunk)):
        ids = [row["id"] for row in part]
        mentions = view.article_mentions(ids) if names else {}
        quotes = view.article_quotes(ids) if quoted else {}
        docs = []
        for row in part:
            ents = article_names(mentions.get(row["id"], ()))
            docs.append((row["seq"], StoryDoc(
                row["id"], row["text"], row["title"], row["published"], ents,
                row["duplicate_of"], quote_keys(quotes.get(row["id"], ())))))
        run.prefetch(d for _, d in docs)
        for seq, doc in docs:
            run.add(doc, seq)
    return run


def _result(run: StoryPass) -> Result:
    return list(run.dirty.values()), list(run.assigned), dict(run.df_changes), list(run.new_keys)


def write_stories(store: Store, result: Result) -> None:
    stories, assigned, df_changes, keys = result
    if assigned:
        store.stories_view().write(stories, assigned, df_changes, keys)


def assign_stories(store: Store, settings: StorySettings | None = None,
                   chunk: int = 500) -> StoryPass:
    run = compute_stories(store, settings, chunk)
    write_stories(store, _result(run))
    return run


def _child(path: str, conn: Connection) -> None:
    try:
        with Store(path, readonly=True) as store:  # its own connection, never the parent's
            conn.send(("ok", _result(compute_stories(store))))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which re-raises
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


class StoriesInChild:
    """The story pass over the committed store, computed in a forked child while the driver
    runs the other end passes; `result()` hands back what `write_stories` writes. Forked, so it
    starts in milliseconds with every module loaded; the child ends with os._exit (multiprocessing)
    and so never closes the connections it inherited."""

    def __init__(self, path: str | Path) -> None:
        ctx = mp.get_context("fork")
        self._recv, send = ctx.Pipe(duplex=False)
        self._proc = ctx.Process(target=_child, args=(str(path), send), daemon=True,
                                 name="newsgraph-stories")
        self._proc.start()
        send.close()

    def result(self) -> Result:
        try:
            status, value = self._recv.recv()
        except EOFError:
            status, value = "error", f"the story process ended (exit code {self._proc.exitcode})"
        finally:
            self._recv.close()
            self._proc.join()
        if status != "ok":
            raise RuntimeError(f"story pass failed: {value}")
        return value

    def cancel(self) -> None:
        if self._proc.is_alive():
            self._proc.kill()
        self._proc.join()
        self._recv.close()

    @staticmethod
    def available() -> bool:
        return "fork" in mp.get_all_start_methods()
