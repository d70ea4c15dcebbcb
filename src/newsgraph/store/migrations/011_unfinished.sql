-- Tasks that leave the store in an intermediate state until they finish. `reprocess`'s replay
-- of the stages before NLP (upstream_replay.py) clears the duplicate index, the learned-line
-- counts and the stories in its first round and rebuilds them round by round, and the stages
-- after NLP (entities, relations, statements, stories) run at its end. While its row is here an
-- ingest refuses to run (E203: its duplicates and learned lines would be checked against a
-- partial index) and the next `reprocess` finishes the job, end passes included.
CREATE TABLE IF NOT EXISTS unfinished (
    task    TEXT PRIMARY KEY,
    started TEXT NOT NULL
);
