-- Feeds the configuration lists, and what the last fetches learned.
CREATE TABLE feeds (
	id            INTEGER PRIMARY KEY,
	url           TEXT NOT NULL UNIQUE,
	title         TEXT NOT NULL DEFAULT '',  -- the feed document's own title
	home          TEXT NOT NULL DEFAULT '',  -- the site's HTML page
	etag          TEXT NOT NULL DEFAULT '',
	last_modified TEXT NOT NULL DEFAULT '',
	body_hash     TEXT NOT NULL DEFAULT '',  -- of the last parsed body: unchanged bodies are not parsed again
	checked_at    INTEGER NOT NULL DEFAULT 0, -- unix seconds of the last attempt
	success_at    INTEGER NOT NULL DEFAULT 0,
	error_class   TEXT NOT NULL DEFAULT '',
	error         TEXT NOT NULL DEFAULT '',  -- "feed <url>: <class>: <detail>" of the last failure
	failures      INTEGER NOT NULL DEFAULT 0 -- consecutive
);

-- Every item ever fetched, matched or not, so that topics can be
-- re-evaluated. An item is identified within its feed by GUID, then link,
-- then content hash; key is its stable identity across runs.
CREATE TABLE items (
	id           INTEGER PRIMARY KEY,
	feed_id      INTEGER NOT NULL REFERENCES feeds(id),
	key          TEXT NOT NULL UNIQUE,
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
CREATE INDEX items_feed_guid ON items(feed_id, guid) WHERE guid != '';
CREATE INDEX items_feed_link ON items(feed_id, link) WHERE link != '';
CREATE INDEX items_feed_hash ON items(feed_id, content_hash);

-- Topic definitions as last evaluated: a changed hash means re-evaluate.
CREATE TABLE topics (
	name TEXT PRIMARY KEY,
	hash TEXT NOT NULL
);

-- Which items each topic kept, and why.
CREATE TABLE matches (
	topic   TEXT NOT NULL,
	item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
	score   REAL NOT NULL,
	reasons TEXT NOT NULL DEFAULT '', -- newline-separated groups/terms that matched
	PRIMARY KEY (topic, item_id)
) WITHOUT ROWID;
