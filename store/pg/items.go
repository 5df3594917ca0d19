package pg

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/feedsift/feedsift/store"
	"github.com/jackc/pgx/v5"
)

// SaveFeed stores one fetch of the feed at url in one transaction, as the
// SQLite store does: the feed's metadata and validators, new items, and
// changed items updated in place; items absent from this fetch are kept.
// New and changed items also join the queue of unevaluated items, and the
// feed's claim is released.
func (s *Store) SaveFeed(ctx context.Context, url string, f store.Fetched, now time.Time) (store.Saved, error) {
	var res store.Saved
	err := s.tx(ctx, func(tx pgx.Tx) error {
		res = store.Saved{}
		feedID, err := ensureFeed(ctx, tx, url)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE feeds SET title = $1, home = $2, etag = $3, last_modified = $4,
			body_hash = $5, checked_at = $6, success_at = $6, error_class = '', error = '', failures = 0,
			next_fetch_at = 0, gone_at = 0, fetch_url = $8, moved_to = $9, moved_count = $10, `+attempted+`
			WHERE id = $7`, f.Title, f.Home, f.ETag, f.LastModified, f.BodyHash, store.Unix(now), feedID,
			f.Location.FetchURL, f.Location.MovedTo, f.Location.MovedCount); err != nil {
			return err
		}
		since := store.Unix(now.Add(-store.ChangingGUIDWindow))
		seen := map[string]bool{}
		for i := range f.Items {
			it := &f.Items[i]
			hash := store.ContentHash(it)
			ident := store.Identity(it, hash)
			if seen[ident] {
				res.Skipped++
				continue
			}
			seen[ident] = true
			id, oldHash, viaFallback, err := lookup(ctx, tx, feedID, it, hash, since)
			if err != nil {
				return err
			}
			switch {
			case id == 0:
				id, err = insertItem(ctx, tx, feedID, store.ItemKey(url, it, hash), it, hash, now)
				if err != nil {
					return err
				}
				if id == 0 { // key already taken: same identity stored under another lookup path
					res.Unchanged++
					continue
				}
				res.New = append(res.New, id)
			case oldHash == hash && viaFallback && it.GUID != "":
				if _, err := tx.Exec(ctx, `UPDATE items SET guid = $1 WHERE id = $2`, it.GUID, id); err != nil {
					return err
				}
				res.Unchanged++
			case oldHash != hash:
				if err := updateItem(ctx, tx, id, it, hash, now); err != nil {
					return err
				}
				res.Updated = append(res.Updated, id)
			default:
				res.Unchanged++
			}
		}
		return queue(ctx, tx, append(append([]int64(nil), res.New...), res.Updated...))
	})
	if err != nil {
		if isBadData(err) {
			return store.Saved{}, fmt.Errorf("%w: %v", store.ErrBadData, err)
		}
		return store.Saved{}, err
	}
	return res, nil
}

// lookup finds the stored item an incoming one is, in the SQLite store's
// order: by GUID; else by link and title for a GUID that changed
// recently; by link for items without GUID; by content hash for items
// with neither.
func lookup(ctx context.Context, tx pgx.Tx, feedID int64, it *store.Item, hash string, since int64) (id int64, oldHash string, viaFallback bool, err error) {
	try := func(q string, args ...any) bool {
		if err != nil {
			return false
		}
		e := tx.QueryRow(ctx, q, args...).Scan(&id, &oldHash)
		if errors.Is(e, pgx.ErrNoRows) {
			return false
		}
		err = e
		return e == nil
	}
	switch {
	case it.GUID != "":
		if try(`SELECT id, content_hash FROM items WHERE feed_id = $1 AND guid = $2`, feedID, it.GUID) {
			return id, oldHash, false, nil
		}
		if it.Link != "" && try(`SELECT id, content_hash FROM items WHERE feed_id = $1 AND link = $2 AND title = $3
			AND first_seen >= $4 ORDER BY id DESC LIMIT 1`, feedID, it.Link, it.Title, since) {
			return id, oldHash, true, nil
		}
	case it.Link != "":
		if try(`SELECT id, content_hash FROM items WHERE feed_id = $1 AND link = $2 AND guid = '' ORDER BY id LIMIT 1`, feedID, it.Link) {
			return id, oldHash, false, nil
		}
	default:
		if try(`SELECT id, content_hash FROM items WHERE feed_id = $1 AND content_hash = $2 AND guid = '' AND link = '' LIMIT 1`, feedID, hash) {
			return id, oldHash, false, nil
		}
	}
	return 0, "", false, err
}

func insertItem(ctx context.Context, tx pgx.Tx, feedID int64, key string, it *store.Item, hash string, now time.Time) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO items(feed_id, key, guid, link, content_hash, title, summary,
		content, authors, categories, lang, enclosures, published, updated, first_seen, changed_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15)
		ON CONFLICT(key) DO NOTHING RETURNING id`,
		feedID, key, it.GUID, it.Link, hash, it.Title, it.Summary, it.Content,
		store.JoinLines(it.Authors), store.JoinLines(it.Categories), it.Lang, store.EncodeEnclosures(it.Enclosures),
		store.Unix(it.Published), store.Unix(it.Updated), store.Unix(now)).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

func updateItem(ctx context.Context, tx pgx.Tx, id int64, it *store.Item, hash string, now time.Time) error {
	_, err := tx.Exec(ctx, `UPDATE items SET guid = $1, link = $2, content_hash = $3, title = $4, summary = $5,
		content = $6, authors = $7, categories = $8, lang = $9, enclosures = $10, published = $11, updated = $12,
		changed_at = $13 WHERE id = $14`,
		it.GUID, it.Link, hash, it.Title, it.Summary, it.Content, store.JoinLines(it.Authors),
		store.JoinLines(it.Categories), it.Lang, store.EncodeEnclosures(it.Enclosures),
		store.Unix(it.Published), store.Unix(it.Updated), store.Unix(now), id)
	return err
}

// Count returns the number of stored items.
// Since returns the time the first stored item was first seen (zero when
// there are none), as store.Store.Since.
func (s *Store) Since(ctx context.Context) (time.Time, error) {
	var first int64
	if err := s.pool.QueryRow(ctx, `SELECT coalesce(min(first_seen), 0) FROM items`).Scan(&first); err != nil {
		return time.Time{}, err
	}
	if first == 0 {
		return time.Time{}, nil
	}
	return time.Unix(first, 0).UTC(), nil
}

func (s *Store) Count(ctx context.Context) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM items`).Scan(&n)
	return n, err
}
