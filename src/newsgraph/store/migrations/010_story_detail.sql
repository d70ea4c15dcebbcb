-- Stories (stories/7) can split: a story keeps what a split needs, read only for the story an
-- article joins: its newest articles with the vectors they were scored with, its articles'
-- days and which article its title came from (JSON, stages/stories.py StoryDetail).
ALTER TABLE stories ADD COLUMN detail TEXT NOT NULL DEFAULT '{}';
