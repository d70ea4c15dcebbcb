-- Entity relations (stages/relations.py): edges between canonical entities, rebuilt over the
-- whole store after each run's entity pass (entity ids change when entities re-merge).
-- co-occurs is undirected (source < target); quotes-about and acts-on point source -> target.
CREATE TABLE relations (
    id            TEXT PRIMARY KEY,    -- hash of (kind, source, target, label)
    seq           INTEGER NOT NULL,    -- first-seen order
    kind          TEXT NOT NULL,       -- co-occurs | quotes-about | acts-on
    source        TEXT NOT NULL,       -- entity id
    target        TEXT NOT NULL,       -- entity id
    label         TEXT,                -- acts-on: the PLOVER action; else null
    count         INTEGER NOT NULL,    -- every hit (sentences, quotes, events)
    article_count INTEGER NOT NULL,
    evidence      TEXT NOT NULL        -- JSON: the first hits, {article_id, start, end, ...}
) WITHOUT ROWID;
CREATE INDEX relations_source ON relations(source, kind);
CREATE INDEX relations_target ON relations(target, kind);
CREATE INDEX relations_seq ON relations(seq);
