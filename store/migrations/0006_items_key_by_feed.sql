-- Item keys unique within their feed (issue 8). A key is a hash (of the
-- feed URL and the item's identity), so a unique index on the key alone
-- put every new item on a page far from the last one: at 10,000 feeds a
-- fifth of a cold pass went to reading and rewriting those pages. Keyed
-- (feed_id, key), one feed's new items go to a few neighbouring pages. The
-- key hashes the feed's URL, which feed_id stands for, so keys stay as
-- unique as before. SQLite cannot drop a column's UNIQUE, so the table is
-- rebuilt (the store runs this with foreign keys off: dropping the old
-- table must not delete matches and story members); its columns are
-- unchanged.
CREATE TABLE items_0006 (
	id           INTEGER PRIMARY KEY,
	feed_id      INTEGER NOT NULL REFERENCES feeds(id),
	key          TEXT NOT NULL,
	guid         TEXT NOT NULL DEFAULT '',
	link         TEXT NOT NULL DEFAULT '',
	content_hash TEXT NOT NULL,
	title        TEXT NOT NULL DEFAULT '',
	summary      TEXT NOT NULL DEFAULT '',
	content      TEXT NOT NULL DEFAULT '',
	authors      TEXT NOT NULL DEFAULT '',  -- newline-separated
	categories   TEXT NOT NULL DEFAULT '',  -- newline-separated
	lang         TEXT NOT NULL DEFAULT '',
	enclosures   TEXT NOT NULL DEFAULT '',  -- JSON
	published    INTEGER NOT NULL DEFAULT 0, -- unix seconds; 0 = unknown
	updated      INTEGER NOT NULL DEFAULT 0,
	first_seen   INTEGER NOT NULL,
	changed_at   INTEGER NOT NULL            -- last time the content changed
);
INSERT INTO items_0006 SELECT * FROM items;
DROP TABLE items;
ALTER TABLE items_0006 RENAME TO items;
CREATE UNIQUE INDEX items_feed_key ON items(feed_id, key);
CREATE INDEX items_feed_guid ON items(feed_id, guid) WHERE guid != '';
CREATE INDEX items_feed_link ON items(feed_id, link) WHERE link != '';
CREATE INDEX items_feed_hash ON items(feed_id, content_hash);
