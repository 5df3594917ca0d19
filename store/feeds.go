package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// Feed is a subscribed feed and what the last fetches learned about it.
type Feed struct {
	ID           int64
	URL          string // the configured URL: the feed's identity
	Title        string
	Home         string
	ETag         string
	LastModified string
	BodyHash     string
	CheckedAt    time.Time
	SuccessAt    time.Time
	ErrorClass   string
	Error        string // "feed <url>: <class>: <detail>" of the last failure
	ErrorAt      time.Time
	Failures     int       // consecutive
	NextFetchAt  time.Time // no request before it; zero = due
	GoneAt       time.Time // the server said 410 Gone; zero = not gone
	Location               // where it is fetched, and permanent moves seen
	Items        int       // stored items (filled by Feeds only)
}

// Location is where a feed is fetched and what permanent redirects said
// about it. FetchURL is empty until a move is learned.
type Location struct {
	FetchURL   string // learned permanent location; "" = the configured URL
	MovedTo    string // where the last chain of permanent redirects ended
	MovedCount int    // consecutive checks that ended there
}

const feedColumns = `id, url, title, home, etag, last_modified, body_hash,
	checked_at, success_at, error_class, error, failures,
	next_fetch_at, gone_at, error_at, fetch_url, moved_to, moved_count`

func scanFeed(row interface{ Scan(...any) error }, f *Feed, extra ...any) error {
	var checked, success, next, gone, errAt int64
	dst := append([]any{&f.ID, &f.URL, &f.Title, &f.Home, &f.ETag, &f.LastModified, &f.BodyHash,
		&checked, &success, &f.ErrorClass, &f.Error, &f.Failures,
		&next, &gone, &errAt, &f.FetchURL, &f.MovedTo, &f.MovedCount}, extra...)
	if err := row.Scan(dst...); err != nil {
		return err
	}
	f.CheckedAt, f.SuccessAt = fromUnix(checked), fromUnix(success)
	f.NextFetchAt, f.GoneAt, f.ErrorAt = fromUnix(next), fromUnix(gone), fromUnix(errAt)
	return nil
}

// Feed returns the stored state of the feed at url; ok is false when the
// feed has never been fetched.
func (s *Store) Feed(ctx context.Context, url string) (f Feed, ok bool, err error) {
	st, err := s.readStmt(ctx, `SELECT `+feedColumns+` FROM feeds WHERE url = ?`)
	if err != nil {
		return f, false, classify(err)
	}
	err = scanFeed(st.QueryRowContext(ctx, url), &f)
	if errors.Is(err, sql.ErrNoRows) {
		return Feed{URL: url}, false, nil
	}
	if err != nil {
		return f, false, classify(err)
	}
	return f, true, nil
}

// Feeds returns every stored feed with its item count, by URL.
func (s *Store) Feeds(ctx context.Context) ([]Feed, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+feedColumns+`,
		(SELECT count(*) FROM items WHERE items.feed_id = feeds.id)
		FROM feeds ORDER BY url`)
	if err != nil {
		return nil, classify(err)
	}
	defer rows.Close()
	var fs []Feed
	for rows.Next() {
		var f Feed
		if err := scanFeed(rows, &f, &f.Items); err != nil {
			return nil, err
		}
		fs = append(fs, f)
	}
	return fs, classify(rows.Err())
}

// ensureFeed returns the id of the feed at url, creating its row.
func (s *Store) ensureFeed(ctx context.Context, tx *sql.Tx, url string) (int64, error) {
	if _, err := s.exec(ctx, tx, `INSERT INTO feeds(url) VALUES (?) ON CONFLICT(url) DO NOTHING`, url); err != nil {
		return 0, err
	}
	var id int64
	err := s.queryRow(ctx, tx, `SELECT id FROM feeds WHERE url = ?`, url).Scan(&id)
	return id, err
}

// succeeded records a successful check in tx: health cleared, schedule
// reset, location as the check found it.
func (s *Store) succeeded(ctx context.Context, tx *sql.Tx, feedID int64, loc Location, now time.Time) error {
	_, err := s.exec(ctx, tx, `UPDATE feeds SET checked_at = ?, success_at = ?,
		error_class = '', error = '', failures = 0, next_fetch_at = 0, gone_at = 0,
		fetch_url = ?, moved_to = ?, moved_count = ? WHERE id = ?`,
		unix(now), unix(now), loc.FetchURL, loc.MovedTo, loc.MovedCount, feedID)
	return err
}

// NotModified records a check that found nothing new (HTTP 304 or an
// unchanged body): only the check time and the health change.
func (s *Store) NotModified(ctx context.Context, url string, now time.Time) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		if _, err := s.ensureFeed(ctx, tx, url); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE feeds SET checked_at = ?, success_at = ?, error_class = '', error = '',
			failures = 0, next_fetch_at = 0, gone_at = 0 WHERE url = ?`, unix(now), unix(now), url)
		return err
	})
}

// NotModifiedAt is NotModified that also records where the feed was
// fetched and the permanent moves seen.
func (s *Store) NotModifiedAt(ctx context.Context, url string, loc Location, now time.Time) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		id, err := s.ensureFeed(ctx, tx, url)
		if err != nil {
			return err
		}
		return s.succeeded(ctx, tx, id, loc, now)
	})
}

// Waited records that a pass did not fetch the feed because it is not
// due: nothing to keep in SQLite, where one run holds the whole pass.
func (s *Store) Waited(ctx context.Context, url string, now time.Time) error { return nil }

// Failure is one failed check of a feed.
type Failure struct {
	Class string
	Msg   string    // the whole "feed <url>: <class>: <detail>" line
	Next  time.Time // no request before it; zero = the next run may try
	Gone  bool      // the server said 410 Gone: stop fetching
	// NotCounted leaves the consecutive-failure count alone: the server
	// asked us to wait (429/503), the feed is not broken.
	NotCounted bool
}

// Failed records a failed check (class and the whole log line), counted
// and without a schedule. Stored items are not touched.
func (s *Store) Failed(ctx context.Context, url, class, msg string, now time.Time) error {
	return s.FailedState(ctx, url, Failure{Class: class, Msg: msg}, now)
}

// FailedState records a failed check with what it means for the schedule.
// Stored items are not touched.
func (s *Store) FailedState(ctx context.Context, url string, f Failure, now time.Time) error {
	inc := 1
	if f.NotCounted {
		inc = 0
	}
	gone := int64(0)
	if f.Gone {
		gone = unix(now)
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		if _, err := s.ensureFeed(ctx, tx, url); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE feeds SET checked_at = ?, error_class = ?, error = ?, error_at = ?,
			failures = failures + ?, next_fetch_at = ?, gone_at = CASE WHEN ? != 0 THEN ? ELSE gone_at END
			WHERE url = ?`, unix(now), f.Class, f.Msg, unix(now), inc, unix(f.Next), gone, gone, url)
		return err
	})
}
