-- Stories (stages/stories.py): one row a story, its candidate-index keys, and the document
-- frequencies the pass weighs words and names with. articles.story_id points to the story.
CREATE TABLE stories (
    id              TEXT PRIMARY KEY,     -- "s" + hash of the first article's id
    seq             INTEGER NOT NULL,     -- the first article's seq: first-seen order
    title           TEXT,                 -- the headline of its first article that has one
    start_date      TEXT,
    end_date        TEXT,
    size            INTEGER NOT NULL,
    centroid        TEXT NOT NULL,        -- JSON {word: summed weight} (/ size: the mean)
    entity_centroid TEXT NOT NULL,        -- JSON {entity id: summed weight}
    version         TEXT NOT NULL
);
CREATE UNIQUE INDEX stories_seq ON stories(seq);
CREATE INDEX articles_story ON articles(story_id);

CREATE TABLE story_keys (                 -- candidate index: rare word or name -> stories
    key       TEXT NOT NULL,
    story_seq INTEGER NOT NULL,
    story_id  TEXT NOT NULL,
    PRIMARY KEY (key, story_seq)
) WITHOUT ROWID;

CREATE TABLE story_df (                   -- articles holding each word ("@" + id: a name)
    key TEXT PRIMARY KEY,
    df  INTEGER NOT NULL
) WITHOUT ROWID;
