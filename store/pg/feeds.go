package pg

import (
	"context"
	"errors"
	"time"

	"github.com/feedsift/feedsift/store"
	"github.com/jackc/pgx/v5"
)

const feedColumns = `id, url, title, home, etag, last_modified, body_hash,
	checked_at, success_at, error_class, error, failures,
	next_fetch_at, gone_at, error_at, fetch_url, moved_to, moved_count`

func scanFeed(row pgx.Row, f *store.Feed, extra ...any) error {
	var checked, success, next, gone, errAt int64
	dst := append([]any{&f.ID, &f.URL, &f.Title, &f.Home, &f.ETag, &f.LastModified, &f.BodyHash,
		&checked, &success, &f.ErrorClass, &f.Error, &f.Failures,
		&next, &gone, &errAt, &f.FetchURL, &f.MovedTo, &f.MovedCount}, extra...)
	if err := row.Scan(dst...); err != nil {
		return err
	}
	f.CheckedAt, f.SuccessAt = store.FromUnix(checked), store.FromUnix(success)
	f.NextFetchAt, f.GoneAt, f.ErrorAt = store.FromUnix(next), store.FromUnix(gone), store.FromUnix(errAt)
	return nil
}

// Feed returns the stored state of the feed at url; ok is false when the
// feed has never been fetched.
func (s *Store) Feed(ctx context.Context, url string) (f store.Feed, ok bool, err error) {
	// A row that a pass registered but no fetch filled counts as unknown,
	// as in SQLite, where the row is made by the first fetch.
	err = scanFeed(s.pool.QueryRow(ctx, `SELECT `+feedColumns+` FROM feeds
		WHERE url = $1 AND (checked_at > 0 OR attempted_at IS NOT NULL)`, url), &f)
	if errors.Is(err, pgx.ErrNoRows) {
		return store.Feed{URL: url}, false, nil
	}
	if err != nil {
		return f, false, err
	}
	return f, true, nil
}

// Feeds returns every stored feed with its item count, by URL (bytewise,
// as SQLite orders).
func (s *Store) Feeds(ctx context.Context) ([]store.Feed, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+feedColumns+`,
		(SELECT count(*) FROM items WHERE items.feed_id = feeds.id)
		FROM feeds ORDER BY url COLLATE "C"`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var fs []store.Feed
	for rows.Next() {
		var f store.Feed
		if err := scanFeed(rows, &f, &f.Items); err != nil {
			return nil, err
		}
		fs = append(fs, f)
	}
	return fs, rows.Err()
}

// ensureFeed returns the id of the feed at url, creating its row.
func ensureFeed(ctx context.Context, tx pgx.Tx, url string) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO feeds(url) VALUES ($1)
		ON CONFLICT(url) DO UPDATE SET url = excluded.url RETURNING id`, url).Scan(&id)
	return id, err
}

// attempted is the end of a fetch, in the transaction that records its
// outcome: the claim is released and the pass learns the feed is done.
const attempted = `attempted_at = now(), claimed_by = '', claimed_until = NULL`

// NotModified records a check that found nothing new (HTTP 304 or an
// unchanged body): only the check time and the health change.
func (s *Store) NotModified(ctx context.Context, url string, now time.Time) error {
	return s.tx(ctx, func(tx pgx.Tx) error {
		if _, err := ensureFeed(ctx, tx, url); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE feeds SET checked_at = $1, success_at = $1,
			error_class = '', error = '', failures = 0, next_fetch_at = 0, gone_at = 0, `+attempted+`
			WHERE url = $2`, store.Unix(now), url)
		return err
	})
}

// NotModifiedAt is NotModified that also records where the feed was
// fetched and the permanent moves seen.
func (s *Store) NotModifiedAt(ctx context.Context, url string, loc store.Location, now time.Time) error {
	return s.tx(ctx, func(tx pgx.Tx) error {
		if _, err := ensureFeed(ctx, tx, url); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE feeds SET checked_at = $1, success_at = $1,
			error_class = '', error = '', failures = 0, next_fetch_at = 0, gone_at = 0,
			fetch_url = $2, moved_to = $3, moved_count = $4, `+attempted+` WHERE url = $5`,
			store.Unix(now), loc.FetchURL, loc.MovedTo, loc.MovedCount, url)
		return err
	})
}

// Failed records a failed fetch, counted and without a schedule. Stored
// items are not touched.
func (s *Store) Failed(ctx context.Context, url, class, msg string, now time.Time) error {
	return s.FailedState(ctx, url, store.Failure{Class: class, Msg: msg}, now)
}

// FailedState records a failed fetch with what it means for the schedule
// (Retry-After or back-off: no request before f.Next; 410 Gone), as the
// SQLite store does: every worker sharing the database then leaves the
// feed alone until it is due. Stored items are not touched.
func (s *Store) FailedState(ctx context.Context, url string, f store.Failure, now time.Time) error {
	inc := 1
	if f.NotCounted {
		inc = 0
	}
	gone := int64(0)
	if f.Gone {
		gone = store.Unix(now)
	}
	return s.tx(ctx, func(tx pgx.Tx) error {
		if _, err := ensureFeed(ctx, tx, url); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE feeds SET checked_at = $1, error_class = $2, error = $3, error_at = $1,
			failures = failures + $4, next_fetch_at = $5, gone_at = CASE WHEN $6::bigint != 0 THEN $6 ELSE gone_at END,
			`+attempted+` WHERE url = $7`, store.Unix(now), f.Class, f.Msg, inc, store.Unix(f.Next), gone, url)
		return err
	})
}

// Waited records that the pass did not fetch the feed because it is not
// due or gone: its claim is released and the pass is done with it, so
// that no worker waits for it (its state is otherwise untouched).
func (s *Store) Waited(ctx context.Context, url string, now time.Time) error {
	_, err := s.pool.Exec(ctx, `UPDATE feeds SET `+attempted+` WHERE url = $1`, url)
	return err
}
