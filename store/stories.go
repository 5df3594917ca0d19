package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// StoryMember is an item's place in a story group: the group (its first
// member's item id), the member it joined through and why, and the
// features later items are compared with.
type StoryMember struct {
	ItemID                  int64
	FeedID                  int64
	GroupID                 int64
	ParentID                int64 // 0 for a group's first member
	Score                   float64
	Reason                  string
	TextScore               float64
	TitleScore              float64
	Time                    time.Time
	Link                    string // canonical
	TitleKey                string
	Shingles, TitleShingles []uint64
}

const storyColumns = `s.item_id, i.feed_id, s.group_id, s.parent_id, s.score, s.reason, s.text_score,
	s.title_score, s.time, s.canon_link, s.title_key, s.shingles, s.title_shingles`

// DecodeShingles sets the shingles of m from their stored form (see
// EncodeHashes), for the engines.
func (m *StoryMember) DecodeShingles(sh, tsh []byte) error {
	var err error
	if m.Shingles, err = decodeHashes(sh); err != nil {
		return fmt.Errorf("story member %d: %w", m.ItemID, err)
	}
	if m.TitleShingles, err = decodeHashes(tsh); err != nil {
		return fmt.Errorf("story member %d: %w", m.ItemID, err)
	}
	return nil
}

// scanStoryKeys scans what StoryWindowKeys selects.
func scanStoryKeys(row interface{ Scan(...any) error }, m *StoryMember) error {
	var t int64
	var sh, tsh []byte
	if err := row.Scan(&m.ItemID, &t, &m.Link, &m.TitleKey, &sh, &tsh); err != nil {
		return err
	}
	m.Time = fromUnix(t)
	return m.DecodeShingles(sh, tsh)
}

func scanStory(row interface{ Scan(...any) error }, m *StoryMember) error {
	var t int64
	var sh, tsh []byte
	if err := row.Scan(&m.ItemID, &m.FeedID, &m.GroupID, &m.ParentID, &m.Score, &m.Reason, &m.TextScore,
		&m.TitleScore, &t, &m.Link, &m.TitleKey, &sh, &tsh); err != nil {
		return err
	}
	m.Time = fromUnix(t)
	return m.DecodeShingles(sh, tsh)
}

func encodeHashes(hs []uint64) []byte {
	b := make([]byte, 8*len(hs))
	for i, h := range hs {
		binary.LittleEndian.PutUint64(b[8*i:], h)
	}
	return b
}

func decodeHashes(b []byte) ([]uint64, error) {
	if len(b)%8 != 0 {
		return nil, errors.New("shingles: length not a multiple of 8")
	}
	if len(b) == 0 {
		return nil, nil
	}
	hs := make([]uint64, len(b)/8)
	for i := range hs {
		hs[i] = binary.LittleEndian.Uint64(b[8*i:])
	}
	return hs, nil
}

// Ungrouped returns the items not yet placed in a story group, in id
// order: the new items of this run, and after an upgrade every older one.
func (s *Store) Ungrouped(ctx context.Context) ([]FeedItem, error) {
	var out []FeedItem
	err := s.eachItem(ctx, `SELECT `+itemColumns+` FROM items i JOIN feeds f ON f.id = i.feed_id
		WHERE NOT EXISTS (SELECT 1 FROM story_members s WHERE s.item_id = i.id) ORDER BY i.id`, nil,
		func(fi *FeedItem) error {
			out = append(out, *fi)
			return nil
		})
	return out, err
}

// StoryItem is what grouping reads of an item: no HTML beyond a text of
// bounded size.
type StoryItem struct {
	ID, FeedID  int64
	Link, Title string
	// Text is the summary, else the content: its first MaxStoryText
	// characters.
	Text                 string
	Published, FirstSeen time.Time
}

// MaxStoryText bounds StoryItem.Text, in characters: a summary is far
// shorter, and more of a full article would only cost memory.
const MaxStoryText = 16 << 10

// StoryStamp is an ungrouped item's id and the times its story time is
// taken from.
type StoryStamp struct {
	ID                   int64
	Published, FirstSeen time.Time
}

// UngroupedStamps returns the items not yet placed in a story group, in id
// order, as ids and times only: grouping reads them in batches with
// StoryItems.
func (s *Store) UngroupedStamps(ctx context.Context) ([]StoryStamp, error) {
	// Every item grouped (the usual case after a quiet run) is told by two
	// counts; each story member is one item's (unique, deleted with it).
	var items, members int64
	if err := s.db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM items), (SELECT count(*) FROM story_members)`).Scan(&items, &members); err != nil {
		return nil, classify(err)
	}
	if items == members {
		return nil, nil
	}
	rows, err := s.db.QueryContext(ctx, `SELECT i.id, i.published, i.first_seen FROM items i
		WHERE NOT EXISTS (SELECT 1 FROM story_members s WHERE s.item_id = i.id) ORDER BY i.id`)
	if err != nil {
		return nil, classify(err)
	}
	defer rows.Close()
	var out []StoryStamp
	for rows.Next() {
		var st StoryStamp
		var pub, first int64
		if err := rows.Scan(&st.ID, &pub, &first); err != nil {
			return nil, classify(err)
		}
		st.Published, st.FirstSeen = fromUnix(pub), fromUnix(first)
		out = append(out, st)
	}
	return out, classify(rows.Err())
}

// storyItemColumns are StoryItem's columns, the text cut to MaxStoryText
// characters by the database.
var storyItemColumns = `i.id, i.feed_id, i.link, i.title,
	substr(CASE WHEN i.summary <> '' THEN i.summary ELSE i.content END, 1, ` + strconv.Itoa(MaxStoryText) + `), i.published, i.first_seen`

// StoryItems returns what grouping reads of the items with the given ids,
// in id order.
func (s *Store) StoryItems(ctx context.Context, ids []int64) ([]StoryItem, error) {
	out := make([]StoryItem, 0, len(ids))
	err := inChunks(ids, func(in string, args []any) error {
		rows, err := s.db.QueryContext(ctx, `SELECT `+storyItemColumns+` FROM items i WHERE i.id IN `+in+` ORDER BY i.id`, args...)
		if err != nil {
			return classify(err)
		}
		defer rows.Close()
		for rows.Next() {
			var it StoryItem
			var pub, first int64
			if err := rows.Scan(&it.ID, &it.FeedID, &it.Link, &it.Title, &it.Text, &pub, &first); err != nil {
				return classify(err)
			}
			it.Published, it.FirstSeen = fromUnix(pub), fromUnix(first)
			out = append(out, it)
		}
		return classify(rows.Err())
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// inChunks calls fn with the ids 500 at a time (under SQLite's limit on
// a statement's variables), as "(?,?,…)" and the arguments it stands for.
func inChunks(ids []int64, fn func(in string, args []any) error) error {
	for len(ids) > 0 {
		n := min(len(ids), 500)
		args := make([]any, n)
		for i := range args {
			args[i] = ids[i]
		}
		if err := fn(`(?`+strings.Repeat(",?", n-1)+`)`, args); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}

// StoryWindow returns the members whose time lies in [from, to], the
// candidates a new item can join.
func (s *Store) StoryWindow(ctx context.Context, from, to time.Time) ([]StoryMember, error) {
	return s.stories(ctx, `WHERE s.time BETWEEN ? AND ? ORDER BY s.item_id`, from.Unix(), to.Unix())
}

// StoryWindowKeys returns what StoryWindow does with only the fields
// grouping compares (ItemID, Time, Link, TitleKey and the shingles; not
// FeedID nor the placement), in no set order, reading a fifth of what
// StoryWindow reads: a pass with few new items compares the window's
// members with them first, and reads whole only those that can join one
// (StoryMembers).
func (s *Store) StoryWindowKeys(ctx context.Context, from, to time.Time) ([]StoryMember, error) {
	return s.members(ctx, scanStoryKeys, `SELECT item_id, time, canon_link, title_key, shingles, title_shingles
		FROM story_members WHERE time BETWEEN ? AND ?`, from.Unix(), to.Unix())
}

// StoryMembers returns the members with the given item ids, in item id
// order.
func (s *Store) StoryMembers(ctx context.Context, itemIDs []int64) ([]StoryMember, error) {
	var out []StoryMember
	err := inChunks(itemIDs, func(in string, args []any) error {
		ms, err := s.stories(ctx, `WHERE s.item_id IN `+in+` ORDER BY s.item_id`, args...)
		out = append(out, ms...)
		return err
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b StoryMember) int { return cmp.Compare(a.ItemID, b.ItemID) })
	return out, nil
}

// StoryGroups returns every member of the groups the given items belong
// to, in item id order.
func (s *Store) StoryGroups(ctx context.Context, itemIDs []int64) ([]StoryMember, error) {
	var out []StoryMember
	err := inChunks(itemIDs, func(in string, args []any) error {
		ms, err := s.stories(ctx, `WHERE s.group_id IN (SELECT group_id FROM story_members WHERE item_id IN `+in+
			`) ORDER BY s.item_id`, args...)
		out = append(out, ms...)
		return err
	})
	if err != nil {
		return nil, err
	}
	return dedupMembers(out), nil
}

// dedupMembers drops repeats (two chunks can name the same group), keeping
// item id order.
func dedupMembers(ms []StoryMember) []StoryMember {
	seen := make(map[int64]bool, len(ms))
	out := ms[:0]
	for _, m := range ms {
		if !seen[m.ItemID] {
			seen[m.ItemID] = true
			out = append(out, m)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ItemID < out[j].ItemID })
	return out
}

// StoryMember returns the story row of one item; ok is false when it has
// not been grouped.
func (s *Store) StoryMember(ctx context.Context, itemID int64) (m StoryMember, ok bool, err error) {
	ms, err := s.stories(ctx, `WHERE s.item_id = ?`, itemID)
	if err != nil || len(ms) == 0 {
		return StoryMember{}, false, err
	}
	return ms[0], true, nil
}

// ItemByLink returns the id of the first stored item with that exact
// link, 0 when there is none.
func (s *Store) ItemByLink(ctx context.Context, link string) (int64, error) {
	var id int64
	err := s.db.QueryRowContext(ctx, `SELECT id FROM items WHERE link = ? ORDER BY id LIMIT 1`, link).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, classify(err)
}

func (s *Store) stories(ctx context.Context, where string, args ...any) ([]StoryMember, error) {
	return s.members(ctx, scanStory, `SELECT `+storyColumns+` FROM story_members s
		JOIN items i ON i.id = s.item_id `+where, args...)
}

// members runs a query of story members and reads each row with scan.
func (s *Store) members(ctx context.Context, scan func(row interface{ Scan(...any) error }, m *StoryMember) error,
	query string, args ...any) ([]StoryMember, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, classify(err)
	}
	defer rows.Close()
	var out []StoryMember
	for rows.Next() {
		var m StoryMember
		if err := scan(rows, &m); err != nil {
			return nil, classify(err)
		}
		out = append(out, m)
	}
	return out, classify(rows.Err())
}

// SaveStoryMembers records where items were placed, in one transaction.
// An item already placed keeps its place.
func (s *Store) SaveStoryMembers(ctx context.Context, ms []StoryMember) error {
	if len(ms) == 0 {
		return nil
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		ins, err := tx.PrepareContext(ctx, `INSERT INTO story_members(item_id, group_id, parent_id, score,
			reason, text_score, title_score, time, canon_link, title_key, shingles, title_shingles)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(item_id) DO NOTHING`)
		if err != nil {
			return err
		}
		defer ins.Close()
		for _, m := range ms {
			if _, err := ins.ExecContext(ctx, m.ItemID, m.GroupID, m.ParentID, m.Score, m.Reason, m.TextScore,
				m.TitleScore, m.Time.Unix(), m.Link, m.TitleKey, encodeHashes(m.Shingles),
				encodeHashes(m.TitleShingles)); err != nil {
				return fmt.Errorf("story member %d: %w", m.ItemID, err)
			}
		}
		return nil
	})
}
