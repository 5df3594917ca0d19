-- The SQLite store's 0002: what fetching learned about each feed's
-- schedule and location (Retry-After, 410, back-off, permanent moves), so
-- that `feedsift db copy` keeps it. The PostgreSQL store does not act on
-- these columns yet: its workers fetch every feed of a pass.
ALTER TABLE feeds ADD COLUMN next_fetch_at bigint NOT NULL DEFAULT 0;
ALTER TABLE feeds ADD COLUMN gone_at bigint NOT NULL DEFAULT 0;
ALTER TABLE feeds ADD COLUMN error_at bigint NOT NULL DEFAULT 0;
ALTER TABLE feeds ADD COLUMN fetch_url text NOT NULL DEFAULT '';
ALTER TABLE feeds ADD COLUMN moved_to text NOT NULL DEFAULT '';
ALTER TABLE feeds ADD COLUMN moved_count bigint NOT NULL DEFAULT 0;
