-- The first seq of each round the ingest driver committed (one transaction each). Learned
-- boilerplate (stages/repeats.py) counts a whole round before it drops lines, so a replay of the
-- corpus stages (reprocess.py, upstream_replay.py) must cut the store into the same rounds to
-- give the same result. Stores made before this migration have no rows here for their runs:
-- the replay then cuts each run into rounds of `round_size` articles.
CREATE TABLE IF NOT EXISTS article_rounds (
    first_seq INTEGER PRIMARY KEY
);
