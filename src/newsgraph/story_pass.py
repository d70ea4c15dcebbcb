"""The story pass of an ingest: every stored article that has no story yet, in first-seen
order, joins a stored story or opens one (stages/stories.py), and the result is written in one
transaction. Run at the end of each ingest, after the entity pass; an interrupted run leaves its
articles without a story and the next run assigns them, as if they had come in one run."""

from __future__ import annotations

from newsgraph.stages.stories import StoryDoc, StoryPass, StorySettings, article_entities
from newsgraph.store import Store


def assign_stories(store: Store, settings: StorySettings | None = None,
                   chunk: int = 500) -> StoryPass:
    view = store.stories_view()
    run = StoryPass(settings, n_docs=view.assigned_count(), lookup_df=view.lookup_df,
                    lookup_postings=view.lookup_postings, lookup_stories=view.lookup_stories,
                    lookup_story_of=view.lookup_story_of)
    rows = list(view.unassigned())
    # names count only when they are weighed: with entity_weight 0 (the default) they would
    # only add index keys, for a per-article query and a canonicalization each
    names = run.settings.entity_weight > 0
    for i in range(0, len(rows), chunk):
        docs = []
        for row in rows[i:i + chunk]:
            mentions = store.article_mentions(row["id"]) if names else []
            ents = article_entities(row["id"], mentions, row["text"]) if mentions else frozenset()
            docs.append((row["seq"], StoryDoc(row["id"], row["text"], row["title"],
                                              row["published"], ents, row["duplicate_of"])))
        run.prefetch(d for _, d in docs)
        for seq, doc in docs:
            run.add(doc, seq)
    if run.assigned:
        view.write(list(run.dirty.values()), run.assigned, run.df_changes, run.new_keys)
    return run
