-- Events (stages/events.py): who did what to whom, one row an event, offsets into
-- articles.text. Actors and targets link to canonical entities through the mentions their
-- offsets overlap (read time), so a re-merge of entities never leaves an event behind.
CREATE TABLE events (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,  -- first-seen order
    id             TEXT NOT NULL UNIQUE,
    article_id     TEXT NOT NULL,
    date           TEXT,               -- event time, ISO at its precision, or null
    date_precision TEXT,               -- day | month | year
    actor          TEXT,
    action         TEXT NOT NULL,      -- PLOVER category
    target         TEXT,
    sentence       TEXT NOT NULL,
    start          INTEGER NOT NULL,   -- the sentence's offsets
    end            INTEGER NOT NULL,
    trigger        TEXT NOT NULL,
    trigger_start  INTEGER NOT NULL,
    trigger_end    INTEGER NOT NULL,
    actor_start    INTEGER,
    actor_end      INTEGER,
    target_start   INTEGER,
    target_end     INTEGER,
    notes          TEXT NOT NULL       -- JSON: how, negated, passive, the time expression
);
CREATE INDEX events_article ON events(article_id);
CREATE INDEX events_date ON events(date);
CREATE INDEX events_action ON events(action);
