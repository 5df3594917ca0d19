-- Work sharing between processes (issue 10). Times here are the database
-- server's clock (timestamptz), never a worker's, so that workers on
-- machines whose clocks disagree still agree on leases and passes.

-- A claim: the worker fetching the feed, until when (it renews the lease
-- while alive; a crashed worker's claim expires and is taken over).
-- attempted_at: when the last fetch's outcome was recorded.
ALTER TABLE feeds
	ADD COLUMN claimed_by    text NOT NULL DEFAULT '',
	ADD COLUMN claimed_until timestamptz,
	ADD COLUMN attempted_at  timestamptz;

-- Passes: a pass is open until every feed it covers has been attempted
-- since it started; a run joins the open pass or starts the next one.
CREATE TABLE passes (
	id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	started_at timestamptz NOT NULL DEFAULT now()
);

-- Items stored or changed that no topic has evaluated yet: workers that
-- only fetch leave them for the run that writes outputs. version changes
-- when the item changes again, so that an evaluation of an older version
-- does not clear the newer one.
CREATE SEQUENCE unevaluated_version;
CREATE TABLE unevaluated (
	item_id bigint PRIMARY KEY REFERENCES items(id) ON DELETE CASCADE,
	version bigint NOT NULL
);
