-- Story groups: the same story carried by several feeds (issue 9). Every
-- item gets one row when it is grouped; group_id is the item id of the
-- group's first member, so it never changes when later copies join. It
-- depends only on 0001: items may be deleted (retention), and their rows
-- go with them; a group whose first member is gone keeps its id.
CREATE TABLE story_members (
	item_id        INTEGER PRIMARY KEY REFERENCES items(id) ON DELETE CASCADE,
	group_id       INTEGER NOT NULL,
	parent_id      INTEGER NOT NULL DEFAULT 0,  -- the member it joined through; 0 for a group's first
	score          REAL NOT NULL DEFAULT 0,     -- similarity to parent_id: 1 for a link or title match
	reason         TEXT NOT NULL DEFAULT '',    -- 'link', 'title', 'text'; '' for a group's first
	text_score     REAL NOT NULL DEFAULT 0,     -- with 'text': Jaccard of title and summary shingles
	title_score    REAL NOT NULL DEFAULT 0,     -- with 'text': Jaccard of title shingles
	time           INTEGER NOT NULL,            -- unix seconds the window is measured on
	canon_link     TEXT NOT NULL DEFAULT '',
	title_key      TEXT NOT NULL DEFAULT '',
	shingles       BLOB NOT NULL DEFAULT x'',   -- sorted uint64, little-endian
	title_shingles BLOB NOT NULL DEFAULT x''
);
CREATE INDEX story_members_group ON story_members(group_id);
CREATE INDEX story_members_time ON story_members(time);
