-- Statements (stages/statements.py): the same quote across articles, one row a statement and
-- one a version (every quote is a version of exactly one statement, alone or not), and the
-- candidate index ("a:" + word: every content word of a quote; "p:" + word: its rarest ones).
-- Speakers are read from the quotes at read time, so a re-merge of entities never goes stale.
CREATE TABLE statements (
    id                 TEXT PRIMARY KEY,     -- "t" + hash of its first quote's id
    seq                INTEGER NOT NULL,     -- its first quote's seq: first-seen order
    size               INTEGER NOT NULL,     -- versions
    reference_quote_id TEXT NOT NULL,        -- the longest version, the others compared to it
    version            TEXT NOT NULL
);
CREATE INDEX statements_size ON statements(size, seq);

CREATE TABLE statement_versions (
    quote_id          TEXT PRIMARY KEY,
    statement_id      TEXT NOT NULL,
    quote_seq         INTEGER NOT NULL,
    flags             TEXT NOT NULL,         -- JSON list: reference | same words | trimmed | ...
    overlap           REAL NOT NULL,
    only_in_reference TEXT NOT NULL,         -- JSON list of words
    only_in_version   TEXT NOT NULL
);
CREATE INDEX statement_versions_statement ON statement_versions(statement_id, quote_seq);
CREATE INDEX statement_versions_seq ON statement_versions(quote_seq);

CREATE TABLE statement_keys (
    key       TEXT NOT NULL,
    quote_seq INTEGER NOT NULL,
    PRIMARY KEY (key, quote_seq)
) WITHOUT ROWID;
