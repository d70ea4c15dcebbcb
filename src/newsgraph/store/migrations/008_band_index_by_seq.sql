-- The LSH band index as one B-tree of (band, seq) integers instead of a rowid table of
-- (band, 20-character article id) plus an index on band: two B-tree inserts per row became one,
-- with rows a third the size. 32 rows an article make this the store's largest table, and the
-- single writer's second-largest cost after FTS5 (measured: see benchmarks/README.md).
-- Candidates join dedup_signatures by seq, hence its new index.
CREATE TABLE dedup_band_seqs (
    band INTEGER NOT NULL,
    seq  INTEGER NOT NULL,
    PRIMARY KEY (band, seq)
) WITHOUT ROWID;
INSERT OR IGNORE INTO dedup_band_seqs(band, seq)
    SELECT b.band, s.seq FROM dedup_bands b JOIN dedup_signatures s ON s.article_id = b.article_id
    ORDER BY 1, 2;
DROP TABLE dedup_bands;
CREATE INDEX dedup_signatures_seq ON dedup_signatures(seq);
