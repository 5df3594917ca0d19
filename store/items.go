package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Item is one stored feed item. Summary and Content are HTML as the feed
// gave them (with links made absolute); publishing sanitises them.
type Item struct {
	ID         int64
	FeedID     int64
	Key        string // stable identity, also across feeds
	GUID       string
	Link       string
	Title      string
	Summary    string
	Content    string
	Authors    []string
	Categories []string
	Lang       string
	Enclosures []Enclosure
	Published  time.Time // zero when the feed gave none
	Updated    time.Time
	FirstSeen  time.Time
	ChangedAt  time.Time
}

// Enclosure is a media file attached to an item.
type Enclosure struct {
	URL    string `json:"url"`
	Type   string `json:"type,omitempty"`
	Length int64  `json:"length,omitempty"`
}

// contentHash covers everything a reader would see change.
func (it *Item) contentHash() string {
	h := sha256.New()
	for _, s := range []string{it.Title, it.Link, it.Summary, it.Content, it.Lang,
		strings.Join(it.Authors, "\n"), strings.Join(it.Categories, "\n"),
		fmt.Sprint(unix(it.Published), unix(it.Updated))} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	for _, e := range it.Enclosures {
		fmt.Fprintf(h, "%s\x00%s\x00%d\x00", e.URL, e.Type, e.Length)
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

func itemKey(feedURL, kind, value string) string {
	h := sha256.Sum256([]byte(feedURL + "\x00" + kind + "\x00" + value))
	return hex.EncodeToString(h[:16])
}

// Fetched is what one successful fetch of a feed produced.
type Fetched struct {
	Title        string
	Home         string
	ETag         string
	LastModified string
	BodyHash     string
	Location     Location // where it was fetched and permanent moves seen
	Items        []Item
}

// Saved reports what SaveFeed changed.
type Saved struct {
	FeedID    int64
	First     bool    // the feed had no stored items before: its rows are all in f.Items
	New       []int64 // ids of items stored for the first time
	Updated   []int64 // ids of items whose content changed
	Unchanged int
	Skipped   int // repeated within the same document
}

// changingGUIDWindow is how long an item with a new GUID but the same link
// and title counts as the same story (feeds that re-stamp GUIDs).
const changingGUIDWindow = 7 * 24 * time.Hour

// SaveFeed stores one fetch of the feed at url in one transaction: the
// feed's metadata and validators, new items, and changed items updated in
// place. Items absent from this fetch are kept. It sets the ID of each of
// f.Items it inserted or updated (so callers can use them without reading
// them back); several items may name one row, the last one's content won.
func (s *Store) SaveFeed(ctx context.Context, url string, f Fetched, now time.Time) (Saved, error) {
	var res Saved
	err := s.write(ctx, func(tx *sql.Tx) error {
		res = Saved{}
		for i := range f.Items {
			f.Items[i].ID = 0
		}
		feedID, err := s.ensureFeed(ctx, tx, url)
		if err != nil {
			return err
		}
		res.FeedID = feedID
		if _, err := s.exec(ctx, tx, `UPDATE feeds SET title = ?, home = ?, etag = ?, last_modified = ?,
			body_hash = ? WHERE id = ?`, f.Title, f.Home, f.ETag, f.LastModified, f.BodyHash, feedID); err != nil {
			return err
		}
		if err := s.succeeded(ctx, tx, feedID, f.Location, now); err != nil {
			return err
		}
		find, err := s.newFinder(ctx, tx, feedID, now)
		if err != nil {
			return err
		}
		defer find.close()
		res.First = find.empty
		insert, err := s.stmt(ctx, tx, insertItemSQL)
		if err != nil {
			return err
		}
		defer insert.Close()
		seen := map[string]bool{}
		for i := range f.Items {
			it := &f.Items[i]
			hash := it.contentHash()
			ident := identity(it, hash)
			if seen[ident] {
				res.Skipped++
				continue
			}
			seen[ident] = true
			id, oldHash, err := find.lookup(ctx, it, hash)
			if err != nil {
				return err
			}
			switch {
			case id == 0:
				kind, value := identityParts(it, hash)
				id, err = insertItem(ctx, insert, feedID, itemKey(url, kind, value), it, hash, now)
				if err != nil {
					return err
				}
				if id == 0 { // key already taken: same identity stored under another lookup path
					res.Unchanged++
					continue
				}
				find.inserted(it, id, hash)
				it.ID = id
				res.New = append(res.New, id)
			case oldHash == hash && find.viaFallback && it.GUID != "":
				// A feed that re-stamps GUIDs: remember the new one, so
				// that the next fetch finds the item directly.
				if _, err := tx.ExecContext(ctx, `UPDATE items SET guid = ? WHERE id = ?`, it.GUID, id); err != nil {
					return err
				}
				res.Unchanged++
			case oldHash != hash:
				if err := s.updateItem(ctx, tx, id, it, hash, now); err != nil {
					return err
				}
				find.updated(id, hash)
				it.ID = id
				res.Updated = append(res.Updated, id)
			default:
				res.Unchanged++
			}
		}
		return nil
	})
	if err != nil {
		if strings.Contains(err.Error(), "string or blob too big") {
			return Saved{}, fmt.Errorf("%w: %v", ErrBadData, err)
		}
		return Saved{}, err
	}
	return res, nil
}

func identityParts(it *Item, hash string) (kind, value string) {
	switch {
	case it.GUID != "":
		return "guid", it.GUID
	case it.Link != "":
		return "link", it.Link
	default:
		return "hash", hash
	}
}

func identity(it *Item, hash string) string {
	k, v := identityParts(it, hash)
	return k + "\x00" + v
}

// finder looks up the stored item an incoming one is: by GUID; else by
// link (for items without GUID, or whose GUID changed but whose link and
// title did not, recently); else, without GUID and link, by content hash.
//
// A feed with no stored items (every feed on a first pass) is looked up
// in memory: the only rows a lookup can then find are those this
// transaction inserted, and of those only by link and title (SaveFeed
// skips the other identities it has seen), so the finder keeps them in
// a map instead of asking SQLite for each item.
type finder struct {
	feedID         int64
	since          int64
	byGUID, byLink *sql.Stmt
	byLinkTitle    *sql.Stmt
	byHash         *sql.Stmt
	viaFallback    bool // the last lookup matched by link and title, not GUID

	empty bool               // the feed had no items when the transaction began
	mem   map[string]memItem // empty: by link and title, the newest row
	ids   map[int64]string   // empty: mem's keys by row id
}

type memItem struct {
	id   int64
	hash string
}

func (s *Store) newFinder(ctx context.Context, tx *sql.Tx, feedID int64, now time.Time) (*finder, error) {
	f := &finder{feedID: feedID, since: unix(now.Add(-changingGUIDWindow))}
	var any int
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM items WHERE feed_id = ?)`, feedID).Scan(&any); err != nil {
		return nil, err
	}
	if any == 0 {
		f.empty, f.mem, f.ids = true, map[string]memItem{}, map[int64]string{}
		return f, nil
	}
	var err error
	prep := func(q string) *sql.Stmt {
		if err != nil {
			return nil
		}
		var st *sql.Stmt
		st, err = s.stmt(ctx, tx, q)
		return st
	}
	f.byGUID = prep(`SELECT id, content_hash FROM items WHERE feed_id = ? AND guid = ?`)
	f.byLink = prep(`SELECT id, content_hash FROM items WHERE feed_id = ? AND link = ? AND guid = '' ORDER BY id LIMIT 1`)
	f.byLinkTitle = prep(`SELECT id, content_hash FROM items WHERE feed_id = ? AND link = ? AND title = ? AND first_seen >= ? ORDER BY id DESC LIMIT 1`)
	f.byHash = prep(`SELECT id, content_hash FROM items WHERE feed_id = ? AND content_hash = ? AND guid = '' AND link = '' LIMIT 1`)
	if err != nil {
		f.close()
		return nil, err
	}
	return f, nil
}

func (f *finder) close() {
	for _, st := range []*sql.Stmt{f.byGUID, f.byLink, f.byLinkTitle, f.byHash} {
		if st != nil {
			st.Close()
		}
	}
}

// inserted tells the finder of a row this transaction inserted.
func (f *finder) inserted(it *Item, id int64, hash string) {
	if f.empty && it.Link != "" {
		k := it.Link + "\x00" + it.Title
		f.mem[k] = memItem{id, hash}
		f.ids[id] = k
	}
}

// updated tells the finder of a row whose content this transaction changed.
func (f *finder) updated(id int64, hash string) {
	if k, ok := f.ids[id]; ok {
		f.mem[k] = memItem{id, hash}
	}
}

func (f *finder) lookup(ctx context.Context, it *Item, hash string) (id int64, oldHash string, err error) {
	f.viaFallback = false
	if f.empty {
		// Rows inserted now have first_seen = now, inside the window.
		if m, ok := f.mem[it.Link+"\x00"+it.Title]; ok && it.GUID != "" && it.Link != "" {
			f.viaFallback = true
			return m.id, m.hash, nil
		}
		return 0, "", nil
	}
	try := func(st *sql.Stmt, args ...any) bool {
		if err != nil {
			return false
		}
		e := st.QueryRowContext(ctx, args...).Scan(&id, &oldHash)
		if errors.Is(e, sql.ErrNoRows) {
			return false
		}
		err = e
		return e == nil
	}
	switch {
	case it.GUID != "":
		if try(f.byGUID, f.feedID, it.GUID) {
			return
		}
		if it.Link != "" && try(f.byLinkTitle, f.feedID, it.Link, it.Title, f.since) {
			f.viaFallback = true
			return
		}
	case it.Link != "":
		if try(f.byLink, f.feedID, it.Link) {
			return
		}
	default:
		if try(f.byHash, f.feedID, hash) {
			return
		}
	}
	return 0, "", err
}

func joinLines(ss []string) string { return strings.Join(ss, "\n") }

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

func encodeEnclosures(es []Enclosure) string {
	if len(es) == 0 {
		return ""
	}
	b, _ := json.Marshal(es) // plain strings and ints cannot fail
	return string(b)
}

const insertItemSQL = `INSERT INTO items(feed_id, key, guid, link, content_hash, title, summary,
		content, authors, categories, lang, enclosures, published, updated, first_seen, changed_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(feed_id, key) DO NOTHING`

func insertItem(ctx context.Context, insert *sql.Stmt, feedID int64, key string, it *Item, hash string, now time.Time) (int64, error) {
	res, err := insert.ExecContext(ctx,
		feedID, key, it.GUID, it.Link, hash, it.Title, it.Summary, it.Content,
		joinLines(it.Authors), joinLines(it.Categories), it.Lang, encodeEnclosures(it.Enclosures),
		unix(it.Published), unix(it.Updated), unix(now), unix(now))
	if err != nil {
		return 0, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return 0, nil
	}
	return res.LastInsertId()
}

func (s *Store) updateItem(ctx context.Context, tx *sql.Tx, id int64, it *Item, hash string, now time.Time) error {
	update, err := s.stmt(ctx, tx, `UPDATE items SET guid = ?, link = ?, content_hash = ?, title = ?, summary = ?,
		content = ?, authors = ?, categories = ?, lang = ?, enclosures = ?, published = ?, updated = ?,
		changed_at = ? WHERE id = ?`)
	if err != nil {
		return err
	}
	defer update.Close()
	_, err = update.ExecContext(ctx, it.GUID, it.Link, hash, it.Title, it.Summary, it.Content, joinLines(it.Authors),
		joinLines(it.Categories), it.Lang, encodeEnclosures(it.Enclosures),
		unix(it.Published), unix(it.Updated), unix(now), id)
	return err
}

// Count returns the number of stored items.
func (s *Store) Count(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM items`).Scan(&n)
	return n, classify(err)
}

// Since returns the time the first stored item was first seen: when this
// database began collecting (zero when it holds no items). An empty
// topic is as old as that.
func (s *Store) Since(ctx context.Context) (time.Time, error) {
	var first int64
	err := s.db.QueryRowContext(ctx, `SELECT coalesce(min(first_seen), 0) FROM items`).Scan(&first)
	return fromUnix(first), classify(err)
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }
