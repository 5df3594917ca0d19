package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// FeedItem is an item with the feed it came from.
type FeedItem struct {
	Item
	FeedURL   string
	FeedTitle string
	FeedHome  string
}

const itemColumns = `i.id, i.feed_id, i.key, i.guid, i.link, i.title, i.summary, i.content,
	i.authors, i.categories, i.lang, i.enclosures, i.published, i.updated, i.first_seen, i.changed_at,
	f.url, f.title, f.home`

func scanItem(row interface{ Scan(...any) error }, fi *FeedItem, extra ...any) error {
	var authors, cats, encl string
	var pub, upd, first, changed int64
	dst := append([]any{&fi.ID, &fi.FeedID, &fi.Key, &fi.GUID, &fi.Link, &fi.Title, &fi.Summary, &fi.Content,
		&authors, &cats, &fi.Lang, &encl, &pub, &upd, &first, &changed,
		&fi.FeedURL, &fi.FeedTitle, &fi.FeedHome}, extra...)
	if err := row.Scan(dst...); err != nil {
		return err
	}
	fi.Authors, fi.Categories = splitLines(authors), splitLines(cats)
	fi.Published, fi.Updated, fi.FirstSeen, fi.ChangedAt = fromUnix(pub), fromUnix(upd), fromUnix(first), fromUnix(changed)
	if encl != "" {
		if err := jsonUnmarshal(encl, &fi.Enclosures); err != nil {
			return fmt.Errorf("item %d enclosures: %w", fi.ID, err)
		}
	}
	return nil
}

// EachItem calls fn for every stored item (ids given: only those), in id
// order. It stops at the first error fn returns.
func (s *Store) EachItem(ctx context.Context, ids []int64, fn func(*FeedItem) error) error {
	q := `SELECT ` + itemColumns + ` FROM items i JOIN feeds f ON f.id = i.feed_id`
	if ids != nil {
		return inChunks(ids, func(in string, args []any) error {
			return s.eachItem(ctx, q+` WHERE i.id IN `+in+` ORDER BY i.id`, args, fn)
		})
	}
	return s.eachItem(ctx, q+` ORDER BY i.id`, nil, fn)
}

func (s *Store) eachItem(ctx context.Context, q string, args []any, fn func(*FeedItem) error) error {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return classify(err)
	}
	defer rows.Close()
	for rows.Next() {
		var fi FeedItem
		if err := scanItem(rows, &fi); err != nil {
			return classify(err)
		}
		if err := fn(&fi); err != nil {
			return err
		}
	}
	return classify(rows.Err())
}

// Match is one item a topic keeps.
type Match struct {
	ItemID  int64
	Score   float64
	Reasons []string // groups and terms that matched
}

// TopicHash returns the definition hash the topic was last evaluated
// with, "" if never.
func (s *Store) TopicHash(ctx context.Context, topic string) (string, error) {
	var h string
	err := s.db.QueryRowContext(ctx, `SELECT hash FROM topics WHERE name = ?`, topic).Scan(&h)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return h, classify(err)
}

// SetMatches records the outcome of evaluating topic over the items in
// evaluated: items in matches are kept (with score and reasons), the other
// evaluated items lose any match they had. With all set, every item was
// evaluated: the topic's previous matches are all replaced and hash is
// recorded as the definition they came from.
func (s *Store) SetMatches(ctx context.Context, topic, hash string, all bool, evaluated []int64, matches []Match) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		if all {
			if _, err := tx.ExecContext(ctx, `DELETE FROM matches WHERE topic = ?`, topic); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO topics(name, hash) VALUES (?, ?)
				ON CONFLICT(name) DO UPDATE SET hash = excluded.hash`, topic, hash); err != nil {
				return err
			}
		} else {
			del, err := tx.PrepareContext(ctx, `DELETE FROM matches WHERE topic = ? AND item_id = ?`)
			if err != nil {
				return err
			}
			defer del.Close()
			for _, id := range evaluated {
				if _, err := del.ExecContext(ctx, topic, id); err != nil {
					return err
				}
			}
		}
		ins, err := tx.PrepareContext(ctx, `INSERT INTO matches(topic, item_id, score, reasons) VALUES (?, ?, ?, ?)
			ON CONFLICT(topic, item_id) DO UPDATE SET score = excluded.score, reasons = excluded.reasons`)
		if err != nil {
			return err
		}
		defer ins.Close()
		for _, m := range matches {
			if _, err := ins.ExecContext(ctx, topic, m.ItemID, m.Score, joinLines(m.Reasons)); err != nil {
				return err
			}
		}
		return nil
	})
}

// Matched is a kept item with why it was kept.
type Matched struct {
	FeedItem
	Score   float64
	Reasons []string
}

// Matches returns the items topic keeps, newest first (by published date,
// else first-seen time; ties by key so the order is stable), at most limit
// (0 = all).
func (s *Store) Matches(ctx context.Context, topic string, limit int) ([]Matched, error) {
	q := `SELECT ` + itemColumns + `, m.score, m.reasons FROM matches m
		JOIN items i ON i.id = m.item_id JOIN feeds f ON f.id = i.feed_id
		WHERE m.topic = ?
		ORDER BY CASE WHEN i.published > 0 THEN i.published ELSE i.first_seen END DESC, i.key`
	args := []any{topic}
	if limit > 0 {
		q += ` LIMIT ?`
		args = append(args, limit)
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, classify(err)
	}
	defer rows.Close()
	var ms []Matched
	for rows.Next() {
		var m Matched
		var reasons string
		if err := scanItem(rows, &m.FeedItem, &m.Score, &reasons); err != nil {
			return nil, classify(err)
		}
		m.Reasons = splitLines(reasons)
		ms = append(ms, m)
	}
	return ms, classify(rows.Err())
}

// ItemsByLink returns the stored items whose link is link (several feeds
// may carry it).
func (s *Store) ItemsByLink(ctx context.Context, link string) ([]FeedItem, error) {
	return s.itemsWhere(ctx, `i.link = ?`, link)
}

// ItemByKey returns the stored item with the given key or database id.
func (s *Store) ItemByKey(ctx context.Context, key string) ([]FeedItem, error) {
	return s.itemsWhere(ctx, `i.key = ? OR CAST(i.id AS TEXT) = ?`, key, key)
}

func (s *Store) itemsWhere(ctx context.Context, where string, args ...any) ([]FeedItem, error) {
	var out []FeedItem
	err := s.eachItem(ctx, `SELECT `+itemColumns+` FROM items i JOIN feeds f ON f.id = i.feed_id WHERE `+where+` ORDER BY i.id`, args,
		func(fi *FeedItem) error { out = append(out, *fi); return nil })
	return out, err
}

// FeedTexts calls fn with the summary and content of the newest perFeed
// items of each feed in feedIDs (nil = every feed), for learning what
// repeats in a feed (boilerplate).
func (s *Store) FeedTexts(ctx context.Context, feedIDs []int64, perFeed int, fn func(feedURL, summary, content string)) error {
	q := `SELECT f.url, t.summary, t.content FROM (
		SELECT feed_id, summary, content, ROW_NUMBER() OVER (PARTITION BY feed_id ORDER BY id DESC) AS n
		FROM items %s) t JOIN feeds f ON f.id = t.feed_id WHERE t.n <= ? ORDER BY t.feed_id`
	var args []any
	where := ""
	if feedIDs != nil {
		if len(feedIDs) == 0 {
			return nil
		}
		where = `WHERE feed_id IN (?` + strings.Repeat(",?", len(feedIDs)-1) + `)`
		for _, id := range feedIDs {
			args = append(args, id)
		}
	}
	args = append(args, perFeed)
	rows, err := s.db.QueryContext(ctx, fmt.Sprintf(q, where), args...)
	if err != nil {
		return classify(err)
	}
	defer rows.Close()
	for rows.Next() {
		var url, summary, content string
		if err := rows.Scan(&url, &summary, &content); err != nil {
			return classify(err)
		}
		fn(url, summary, content)
	}
	return classify(rows.Err())
}
