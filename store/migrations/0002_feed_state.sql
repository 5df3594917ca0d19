-- What fetching learned about each feed's schedule and location, so that
-- politeness holds across runs (one cron run knows only what the last one
-- stored).
ALTER TABLE feeds ADD COLUMN next_fetch_at INTEGER NOT NULL DEFAULT 0; -- unix seconds; no request before it (Retry-After, back-off); 0 = due
ALTER TABLE feeds ADD COLUMN gone_at INTEGER NOT NULL DEFAULT 0;       -- when the server said 410 Gone; not fetched while set
ALTER TABLE feeds ADD COLUMN error_at INTEGER NOT NULL DEFAULT 0;      -- when error was recorded
-- url stays the configured identity (item keys and the config refer to
-- it); fetch_url is where it is fetched once a permanent move is learned.
ALTER TABLE feeds ADD COLUMN fetch_url TEXT NOT NULL DEFAULT '';
ALTER TABLE feeds ADD COLUMN moved_to TEXT NOT NULL DEFAULT '';        -- target of the last permanent (301/308) redirect chain
ALTER TABLE feeds ADD COLUMN moved_count INTEGER NOT NULL DEFAULT 0;   -- consecutive checks that ended at moved_to
