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
	URL          string
	Title        string
	Home         string
	ETag         string
	LastModified string
	BodyHash     string
	CheckedAt    time.Time
	SuccessAt    time.Time
	ErrorClass   string
	Error        string
	Failures     int
	Items        int // stored items (filled by Feeds only)
}

const feedColumns = `id, url, title, home, etag, last_modified, body_hash,
	checked_at, success_at, error_class, error, failures`

func scanFeed(row interface{ Scan(...any) error }, f *Feed, extra ...any) error {
	var checked, success int64
	dst := append([]any{&f.ID, &f.URL, &f.Title, &f.Home, &f.ETag, &f.LastModified, &f.BodyHash,
		&checked, &success, &f.ErrorClass, &f.Error, &f.Failures}, extra...)
	if err := row.Scan(dst...); err != nil {
		return err
	}
	f.CheckedAt, f.SuccessAt = fromUnix(checked), fromUnix(success)
	return nil
}

// Feed returns the stored state of the feed at url; ok is false when the
// feed has never been fetched.
func (s *Store) Feed(ctx context.Context, url string) (f Feed, ok bool, err error) {
	err = scanFeed(s.db.QueryRowContext(ctx, `SELECT `+feedColumns+` FROM feeds WHERE url = ?`, url), &f)
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
func ensureFeed(ctx context.Context, tx *sql.Tx, url string) (int64, error) {
	if _, err := tx.ExecContext(ctx, `INSERT INTO feeds(url) VALUES (?) ON CONFLICT(url) DO NOTHING`, url); err != nil {
		return 0, err
	}
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM feeds WHERE url = ?`, url).Scan(&id)
	return id, err
}

// NotModified records a check that found nothing new (HTTP 304 or an
// unchanged body): only the check time and the health change.
func (s *Store) NotModified(ctx context.Context, url string, now time.Time) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		if _, err := ensureFeed(ctx, tx, url); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE feeds SET checked_at = ?, success_at = ?,
			error_class = '', error = '', failures = 0 WHERE url = ?`, unix(now), unix(now), url)
		return err
	})
}

// Failed records a failed fetch. Stored items are not touched.
func (s *Store) Failed(ctx context.Context, url, class, msg string, now time.Time) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		if _, err := ensureFeed(ctx, tx, url); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE feeds SET checked_at = ?, error_class = ?, error = ?,
			failures = failures + 1 WHERE url = ?`, unix(now), class, msg, url)
		return err
	})
}
