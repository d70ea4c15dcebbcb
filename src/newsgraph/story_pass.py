"""The story pass of an ingest: every stored article that has no story yet, in first-seen
order, joins a stored story or opens one (stages/stories.py), and the result is written in one
transaction. Run at the end of each ingest, after the entity pass; an interrupted run leaves its
articles without a story and the next run assigns them, as if they had come in one run."""

from __future__ import annotations

from newsgraph.stages.stories import (
    StoryDoc,
    StoryPass,
    StorySettings,
    article_names,
    quote_keys,
)
from newsgraph.store import Store


def assign_stories(store: Store, settings: StorySettings | None = None,
                   chunk: int = 500) -> StoryPass:
    view = store.stories_view()
    run = StoryPass(settings, n_docs=view.assigned_count(), lookup_df=view.lookup_df,
                    lookup_postings=view.lookup_postings, lookup_stories=view.lookup_stories,
                    lookup_story_of=view.lookup_story_of, lookup_detail=view.lookup_detail)
    rows = list(view.unassigned())
    # names and quotes are read only when they are weighed (a query each per chunk)
    names = run.settings.entity_weight > 0
    quoted = run.settings.quote_weight > 0
    for i in range(0, len(rows), chunk):
        part = rows[i:i + chunk]
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
    if run.assigned:
        view.write(list(run.dirty.values()), run.assigned, run.df_changes, run.new_keys)
    return run
