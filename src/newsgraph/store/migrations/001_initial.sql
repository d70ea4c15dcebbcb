-- Articles, their search index, dedup index, learned boilerplate lines, sources, errors, runs.
CREATE TABLE articles (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,  -- first-seen order
    id               TEXT NOT NULL UNIQUE,                -- content hash (ids.py)
    source_path      TEXT NOT NULL,
    url              TEXT,
    outlet           TEXT,
    outlet_source    TEXT,
    title            TEXT,
    text             TEXT NOT NULL,
    raw_text         TEXT NOT NULL,
    published        TEXT,
    published_source TEXT,
    published_evidence TEXT,
    language         TEXT,
    language_score   REAL,
    story_id         TEXT,
    duplicate_of     TEXT,
    duplicate_score  REAL,
    removed          TEXT NOT NULL,   -- JSON [{start, end, reason}] into raw_text
    segments         TEXT NOT NULL,   -- JSON [[clean, raw, length]]: text -> raw_text map
    notes            TEXT NOT NULL,   -- JSON: provenance of guesses and refusals
    versions         TEXT NOT NULL,   -- JSON: stage -> version
    hints            TEXT NOT NULL,   -- JSON: what the reader knew (url, folder, crawl date…)
    run_id           INTEGER
);
CREATE INDEX articles_duplicate_of ON articles(duplicate_of);
CREATE INDEX articles_published ON articles(published);
CREATE INDEX articles_outlet ON articles(outlet);
CREATE INDEX articles_source ON articles(source_path);

CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, text, content='articles', content_rowid='seq',
    tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.seq, new.title, new.text);
END;
CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text)
        VALUES ('delete', old.seq, old.title, old.text);
END;
CREATE TRIGGER articles_au AFTER UPDATE OF title, text ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text)
        VALUES ('delete', old.seq, old.title, old.text);
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.seq, new.title, new.text);
END;

CREATE TABLE dedup_exact (
    hash       TEXT PRIMARY KEY,
    article_id TEXT NOT NULL            -- the first-seen article (root) with this text
) WITHOUT ROWID;
CREATE TABLE dedup_signatures (
    article_id TEXT PRIMARY KEY,
    seq        INTEGER NOT NULL,
    root       TEXT NOT NULL,
    n_shingles INTEGER NOT NULL,
    minhash    BLOB NOT NULL
) WITHOUT ROWID;
CREATE TABLE dedup_bands (
    band       INTEGER NOT NULL,
    article_id TEXT NOT NULL
);
CREATE INDEX dedup_bands_band ON dedup_bands(band);

CREATE TABLE line_counts (
    grp       TEXT NOT NULL,
    line_hash TEXT NOT NULL,
    docs      INTEGER NOT NULL,
    edge      INTEGER NOT NULL,
    prose     INTEGER NOT NULL,
    sample    TEXT NOT NULL,
    PRIMARY KEY (grp, line_hash)
) WITHOUT ROWID;

CREATE TABLE sources (
    path     TEXT PRIMARY KEY,
    size     INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    sha256   TEXT NOT NULL,
    status   TEXT NOT NULL,              -- done | failed
    articles INTEGER NOT NULL,
    errors   INTEGER NOT NULL,
    run_id   INTEGER
);
CREATE INDEX sources_sha ON sources(sha256);

CREATE TABLE errors (
    path    TEXT NOT NULL,
    code    TEXT NOT NULL,
    message TEXT NOT NULL,
    run_id  INTEGER NOT NULL,
    PRIMARY KEY (path, code, message)
) WITHOUT ROWID;

CREATE TABLE runs (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    started  TEXT NOT NULL,
    finished TEXT,
    args     TEXT NOT NULL,
    summary  TEXT
);
