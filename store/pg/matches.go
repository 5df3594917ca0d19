package pg

import (
	"context"
	"errors"
	"fmt"

	"github.com/feedsift/feedsift/store"
	"github.com/jackc/pgx/v5"
)

const itemColumns = `i.id, i.feed_id, i.key, i.guid, i.link, i.title, i.summary, i.content,
	i.authors, i.categories, i.lang, i.enclosures, i.published, i.updated, i.first_seen, i.changed_at,
	f.url, f.title, f.home`

func scanItem(row pgx.Row, fi *store.FeedItem, extra ...any) error {
	var authors, cats, encl string
	var pub, upd, first, changed int64
	dst := append([]any{&fi.ID, &fi.FeedID, &fi.Key, &fi.GUID, &fi.Link, &fi.Title, &fi.Summary, &fi.Content,
		&authors, &cats, &fi.Lang, &encl, &pub, &upd, &first, &changed,
		&fi.FeedURL, &fi.FeedTitle, &fi.FeedHome}, extra...)
	if err := row.Scan(dst...); err != nil {
		return err
	}
	fi.Authors, fi.Categories = store.SplitLines(authors), store.SplitLines(cats)
	fi.Published, fi.Updated = store.FromUnix(pub), store.FromUnix(upd)
	fi.FirstSeen, fi.ChangedAt = store.FromUnix(first), store.FromUnix(changed)
	var err error
	if fi.Enclosures, err = store.DecodeEnclosures(encl); err != nil {
		return fmt.Errorf("item %d enclosures: %w", fi.ID, err)
	}
	return nil
}

// EachItem calls fn for every stored item (ids given: only those), in id
// order. It stops at the first error fn returns.
func (s *Store) EachItem(ctx context.Context, ids []int64, fn func(*store.FeedItem) error) error {
	q := `SELECT ` + itemColumns + ` FROM items i JOIN feeds f ON f.id = i.feed_id`
	if ids != nil {
		return s.eachItem(ctx, q+` WHERE i.id = ANY($1) ORDER BY i.id`, []any{ids}, fn)
	}
	return s.eachItem(ctx, q+` ORDER BY i.id`, nil, fn)
}

func (s *Store) eachItem(ctx context.Context, q string, args []any, fn func(*store.FeedItem) error) error {
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var fi store.FeedItem
		if err := scanItem(rows, &fi); err != nil {
			return err
		}
		if err := fn(&fi); err != nil {
			return err
		}
	}
	return rows.Err()
}

// TopicHash returns the definition hash the topic was last evaluated
// with, "" if never.
func (s *Store) TopicHash(ctx context.Context, topic string) (string, error) {
	var h string
	err := s.pool.QueryRow(ctx, `SELECT hash FROM topics WHERE name = $1`, topic).Scan(&h)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	return h, err
}

// SetMatches records the outcome of evaluating topic over the items in
// evaluated, as the SQLite store's SetMatches does.
func (s *Store) SetMatches(ctx context.Context, topic, hash string, all bool, evaluated []int64, matches []store.Match) error {
	return s.tx(ctx, func(tx pgx.Tx) error {
		if all {
			if _, err := tx.Exec(ctx, `DELETE FROM matches WHERE topic = $1`, topic); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO topics(name, hash) VALUES ($1, $2)
				ON CONFLICT(name) DO UPDATE SET hash = excluded.hash`, topic, hash); err != nil {
				return err
			}
		} else if len(evaluated) > 0 {
			if _, err := tx.Exec(ctx, `DELETE FROM matches WHERE topic = $1 AND item_id = ANY($2)`, topic, evaluated); err != nil {
				return err
			}
		}
		if len(matches) == 0 {
			return nil
		}
		ids := make([]int64, len(matches))
		scores := make([]float64, len(matches))
		reasons := make([]string, len(matches))
		for i, m := range matches {
			ids[i], scores[i], reasons[i] = m.ItemID, m.Score, store.JoinLines(m.Reasons)
		}
		_, err := tx.Exec(ctx, `INSERT INTO matches(topic, item_id, score, reasons)
			SELECT $1, * FROM unnest($2::bigint[], $3::float8[], $4::text[])
			ON CONFLICT(topic, item_id) DO UPDATE SET score = excluded.score, reasons = excluded.reasons`,
			topic, ids, scores, reasons)
		return err
	})
}

// Matches returns the items topic keeps, newest first (by published date,
// else first-seen time; ties by key), at most limit (0 = all).
func (s *Store) Matches(ctx context.Context, topic string, limit int) ([]store.Matched, error) {
	q := `SELECT ` + itemColumns + `, m.score, m.reasons FROM matches m
		JOIN items i ON i.id = m.item_id JOIN feeds f ON f.id = i.feed_id
		WHERE m.topic = $1
		ORDER BY CASE WHEN i.published > 0 THEN i.published ELSE i.first_seen END DESC, i.key COLLATE "C"`
	args := []any{topic}
	if limit > 0 {
		q += ` LIMIT $2`
		args = append(args, limit)
	}
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ms []store.Matched
	for rows.Next() {
		var m store.Matched
		var reasons string
		if err := scanItem(rows, &m.FeedItem, &m.Score, &reasons); err != nil {
			return nil, err
		}
		m.Reasons = store.SplitLines(reasons)
		ms = append(ms, m)
	}
	return ms, rows.Err()
}

// ItemsByLink returns the stored items whose link is link.
func (s *Store) ItemsByLink(ctx context.Context, link string) ([]store.FeedItem, error) {
	return s.itemsWhere(ctx, `i.link = $1`, link)
}

// ItemByKey returns the stored item with the given key or database id.
func (s *Store) ItemByKey(ctx context.Context, key string) ([]store.FeedItem, error) {
	return s.itemsWhere(ctx, `i.key = $1 OR i.id::text = $1`, key)
}

func (s *Store) itemsWhere(ctx context.Context, where string, args ...any) ([]store.FeedItem, error) {
	var out []store.FeedItem
	err := s.eachItem(ctx, `SELECT `+itemColumns+` FROM items i JOIN feeds f ON f.id = i.feed_id WHERE `+where+` ORDER BY i.id`, args,
		func(fi *store.FeedItem) error { out = append(out, *fi); return nil })
	return out, err
}

// FeedTexts calls fn with the summary and content of the newest perFeed
// items of each feed in feedIDs (nil = every feed).
func (s *Store) FeedTexts(ctx context.Context, feedIDs []int64, perFeed int, fn func(feedURL, summary, content string)) error {
	if feedIDs != nil && len(feedIDs) == 0 {
		return nil
	}
	rows, err := s.pool.Query(ctx, `SELECT f.url, t.summary, t.content FROM (
		SELECT feed_id, summary, content, row_number() OVER (PARTITION BY feed_id ORDER BY id DESC) AS n
		FROM items WHERE $1::bigint[] IS NULL OR feed_id = ANY($1)) t
		JOIN feeds f ON f.id = t.feed_id WHERE t.n <= $2 ORDER BY t.feed_id`, feedIDs, perFeed)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var url, summary, content string
		if err := rows.Scan(&url, &summary, &content); err != nil {
			return err
		}
		fn(url, summary, content)
	}
	return rows.Err()
}
