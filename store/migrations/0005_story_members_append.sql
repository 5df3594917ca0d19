-- Story members in the order they are saved (issue 8): with item_id as the
-- table's key, grouping, which saves members in order of story time, wrote
-- each batch into pages all over the table (at 350,000 items a fifth of a
-- cold pass). The table now keeps SQLite's own rowid, so rows are appended,
-- and item_id is a unique column with an index of its own. The columns, and
-- so `SELECT *` and db copy, are unchanged.
CREATE TABLE story_members_0005 (
	item_id        INTEGER NOT NULL UNIQUE REFERENCES items(id) ON DELETE CASCADE,
	group_id       INTEGER NOT NULL,
	parent_id      INTEGER NOT NULL DEFAULT 0,
	score          REAL NOT NULL DEFAULT 0,
	reason         TEXT NOT NULL DEFAULT '',
	text_score     REAL NOT NULL DEFAULT 0,
	title_score    REAL NOT NULL DEFAULT 0,
	time           INTEGER NOT NULL,
	canon_link     TEXT NOT NULL DEFAULT '',
	title_key      TEXT NOT NULL DEFAULT '',
	shingles       BLOB NOT NULL DEFAULT x'',
	title_shingles BLOB NOT NULL DEFAULT x''
);
INSERT INTO story_members_0005 SELECT * FROM story_members ORDER BY time, item_id;
DROP TABLE story_members;
ALTER TABLE story_members_0005 RENAME TO story_members;
CREATE INDEX story_members_group ON story_members(group_id);
CREATE INDEX story_members_time ON story_members(time);
