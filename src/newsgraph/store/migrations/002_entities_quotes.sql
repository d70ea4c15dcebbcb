-- Named-entity mentions, canonical entities, and quotes with their speakers.
CREATE TABLE entities (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    type          TEXT NOT NULL,
    aliases       TEXT NOT NULL,      -- JSON list of every surface form merged in
    mention_count INTEGER NOT NULL,
    evidence      TEXT NOT NULL       -- JSON: why forms were merged
);
CREATE INDEX entities_name ON entities(name COLLATE NOCASE);

CREATE TABLE mentions (
    article_id TEXT NOT NULL,
    start      INTEGER NOT NULL,      -- offsets into articles.text
    end        INTEGER NOT NULL,
    text       TEXT NOT NULL,
    label      TEXT NOT NULL,
    entity_id  TEXT,
    PRIMARY KEY (article_id, start, end)
) WITHOUT ROWID;
CREATE INDEX mentions_entity ON mentions(entity_id);

CREATE TABLE quotes (
    seq               INTEGER PRIMARY KEY AUTOINCREMENT,
    id                TEXT NOT NULL UNIQUE,
    article_id        TEXT NOT NULL,
    start             INTEGER NOT NULL,
    end               INTEGER NOT NULL,
    text              TEXT NOT NULL,
    type              TEXT NOT NULL,   -- direct | partial | indirect
    speaker           TEXT,
    speaker_entity_id TEXT,
    speaker_mention   TEXT,
    speaker_start     INTEGER,
    speaker_end       INTEGER,
    cue               TEXT,
    cue_start         INTEGER,
    cue_end           INTEGER,
    notes             TEXT NOT NULL    -- JSON: how the speaker was found, unclosed, parts
);
CREATE INDEX quotes_article ON quotes(article_id);
CREATE INDEX quotes_speaker_entity ON quotes(speaker_entity_id);

CREATE VIRTUAL TABLE quotes_fts USING fts5(
    text, speaker, content='quotes', content_rowid='seq',
    tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER quotes_ai AFTER INSERT ON quotes BEGIN
    INSERT INTO quotes_fts(rowid, text, speaker) VALUES (new.seq, new.text, new.speaker);
END;
CREATE TRIGGER quotes_ad AFTER DELETE ON quotes BEGIN
    INSERT INTO quotes_fts(quotes_fts, rowid, text, speaker)
        VALUES ('delete', old.seq, old.text, old.speaker);
END;
CREATE TRIGGER quotes_au AFTER UPDATE OF text, speaker ON quotes BEGIN
    INSERT INTO quotes_fts(quotes_fts, rowid, text, speaker)
        VALUES ('delete', old.seq, old.text, old.speaker);
    INSERT INTO quotes_fts(rowid, text, speaker) VALUES (new.seq, new.text, new.speaker);
END;
