"""The statement pass of an ingest: every stored quote not yet in a statement, in first-seen
order, joins the statement of an earlier quote it is a version of, or opens its own
(stages/statements.py); one transaction. Run at the end of each ingest after the entity pass
(speakers must be linked); an interrupted run leaves its quotes for the next run, which gives
the same statements as one run would."""

from __future__ import annotations

from newsgraph.stages.statements import StatementPass
from newsgraph.store import Store


def assign_statements(store: Store) -> StatementPass:
    view = store.statements_view()
    run = StatementPass(view.lookup, view.members)
    for quote in view.new_quotes():
        run.add(quote)
    statements = run.finish()
    if statements:
        view.write(statements, run.new_keys)
    return run
