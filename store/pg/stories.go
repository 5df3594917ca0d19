package pg

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/feedsift/feedsift/store"
	"github.com/jackc/pgx/v5"
)

const storyColumns = `s.item_id, i.feed_id, s.group_id, s.parent_id, s.score, s.reason, s.text_score,
	s.title_score, s.time, s.canon_link, s.title_key, s.shingles, s.title_shingles`

func scanStory(row pgx.Row, m *store.StoryMember) error {
	var t int64
	var sh, tsh []byte
	if err := row.Scan(&m.ItemID, &m.FeedID, &m.GroupID, &m.ParentID, &m.Score, &m.Reason, &m.TextScore,
		&m.TitleScore, &t, &m.Link, &m.TitleKey, &sh, &tsh); err != nil {
		return err
	}
	m.Time = store.FromUnix(t)
	return m.DecodeShingles(sh, tsh)
}

// Ungrouped returns the items not yet placed in a story group, in id
// order.
func (s *Store) Ungrouped(ctx context.Context) ([]store.FeedItem, error) {
	var out []store.FeedItem
	err := s.eachItem(ctx, `SELECT `+itemColumns+` FROM items i JOIN feeds f ON f.id = i.feed_id
		WHERE NOT EXISTS (SELECT 1 FROM story_members s WHERE s.item_id = i.id) ORDER BY i.id`, nil,
		func(fi *store.FeedItem) error { out = append(out, *fi); return nil })
	return out, err
}

// UngroupedStamps returns the items not yet placed in a story group, in id
// order, as ids and times only.
func (s *Store) UngroupedStamps(ctx context.Context) ([]store.StoryStamp, error) {
	rows, err := s.pool.Query(ctx, `SELECT i.id, i.published, i.first_seen FROM items i
		WHERE NOT EXISTS (SELECT 1 FROM story_members s WHERE s.item_id = i.id) ORDER BY i.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.StoryStamp
	for rows.Next() {
		var st store.StoryStamp
		var pub, first int64
		if err := rows.Scan(&st.ID, &pub, &first); err != nil {
			return nil, err
		}
		st.Published, st.FirstSeen = store.FromUnix(pub), store.FromUnix(first)
		out = append(out, st)
	}
	return out, rows.Err()
}

// StoryItems returns what grouping reads of the items with the given ids,
// in id order, the text cut to store.MaxStoryText characters.
func (s *Store) StoryItems(ctx context.Context, ids []int64) ([]store.StoryItem, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT i.id, i.feed_id, i.link, i.title,
		substr(CASE WHEN i.summary <> '' THEN i.summary ELSE i.content END, 1, $2), i.published, i.first_seen
		FROM items i WHERE i.id = ANY($1) ORDER BY i.id`, ids, store.MaxStoryText)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]store.StoryItem, 0, len(ids))
	for rows.Next() {
		var it store.StoryItem
		var pub, first int64
		if err := rows.Scan(&it.ID, &it.FeedID, &it.Link, &it.Title, &it.Text, &pub, &first); err != nil {
			return nil, err
		}
		it.Published, it.FirstSeen = store.FromUnix(pub), store.FromUnix(first)
		out = append(out, it)
	}
	return out, rows.Err()
}

// StoryWindow returns the members whose time lies in [from, to].
func (s *Store) StoryWindow(ctx context.Context, from, to time.Time) ([]store.StoryMember, error) {
	return s.stories(ctx, `WHERE s.time BETWEEN $1 AND $2 ORDER BY s.item_id`, from.Unix(), to.Unix())
}

// StoryWindowKeys returns what StoryWindow does with only the fields
// grouping compares, in no set order (see the SQLite store's).
func (s *Store) StoryWindowKeys(ctx context.Context, from, to time.Time) ([]store.StoryMember, error) {
	return s.members(ctx, func(row pgx.Row, m *store.StoryMember) error {
		var t int64
		var sh, tsh []byte
		if err := row.Scan(&m.ItemID, &t, &m.Link, &m.TitleKey, &sh, &tsh); err != nil {
			return err
		}
		m.Time = store.FromUnix(t)
		return m.DecodeShingles(sh, tsh)
	}, `SELECT item_id, time, canon_link, title_key, shingles, title_shingles
		FROM story_members WHERE time BETWEEN $1 AND $2`, from.Unix(), to.Unix())
}

// StoryMembers returns the members with the given item ids, in item id
// order.
func (s *Store) StoryMembers(ctx context.Context, itemIDs []int64) ([]store.StoryMember, error) {
	if len(itemIDs) == 0 {
		return nil, nil
	}
	return s.stories(ctx, `WHERE s.item_id = ANY($1) ORDER BY s.item_id`, itemIDs)
}

// StoryGroups returns every member of the groups the given items belong
// to, in item id order.
func (s *Store) StoryGroups(ctx context.Context, itemIDs []int64) ([]store.StoryMember, error) {
	if len(itemIDs) == 0 {
		return nil, nil
	}
	return s.stories(ctx, `WHERE s.group_id IN (SELECT group_id FROM story_members WHERE item_id = ANY($1))
		ORDER BY s.item_id`, itemIDs)
}

// StoryMember returns the story row of one item; ok is false when it has
// not been grouped.
func (s *Store) StoryMember(ctx context.Context, itemID int64) (m store.StoryMember, ok bool, err error) {
	ms, err := s.stories(ctx, `WHERE s.item_id = $1`, itemID)
	if err != nil || len(ms) == 0 {
		return store.StoryMember{}, false, err
	}
	return ms[0], true, nil
}

// ItemByLink returns the id of the first stored item with that exact
// link, 0 when there is none.
func (s *Store) ItemByLink(ctx context.Context, link string) (int64, error) {
	var id int64
	err := s.pool.QueryRow(ctx, `SELECT id FROM items WHERE link = $1 ORDER BY id LIMIT 1`, link).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

func (s *Store) stories(ctx context.Context, where string, args ...any) ([]store.StoryMember, error) {
	return s.members(ctx, scanStory, `SELECT `+storyColumns+` FROM story_members s
		JOIN items i ON i.id = s.item_id `+where, args...)
}

// members runs a query of story members and reads each row with scan.
func (s *Store) members(ctx context.Context, scan func(pgx.Row, *store.StoryMember) error, query string, args ...any) ([]store.StoryMember, error) {
	rows, err := s.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.StoryMember
	for rows.Next() {
		var m store.StoryMember
		if err := scan(rows, &m); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// SaveStoryMembers records where items were placed, in one transaction.
// An item already placed keeps its place.
func (s *Store) SaveStoryMembers(ctx context.Context, ms []store.StoryMember) error {
	if len(ms) == 0 {
		return nil
	}
	return s.tx(ctx, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		for _, m := range ms {
			b.Queue(`INSERT INTO story_members(item_id, group_id, parent_id, score,
				reason, text_score, title_score, time, canon_link, title_key, shingles, title_shingles)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT(item_id) DO NOTHING`,
				m.ItemID, m.GroupID, m.ParentID, m.Score, m.Reason, m.TextScore, m.TitleScore, m.Time.Unix(),
				m.Link, m.TitleKey, store.EncodeHashes(m.Shingles), store.EncodeHashes(m.TitleShingles))
		}
		br := tx.SendBatch(ctx, b)
		for _, m := range ms {
			if _, err := br.Exec(); err != nil {
				br.Close()
				return fmt.Errorf("story member %d: %w", m.ItemID, err)
			}
		}
		return br.Close()
	})
}
