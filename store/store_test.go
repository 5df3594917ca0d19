package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 16, 8, 0, 0, 0, time.UTC)

// mustOpen opens a fresh database in a temporary directory.
func mustOpen(tb testing.TB) *Store {
	tb.Helper()
	s, err := Open(context.Background(), filepath.Join(tb.TempDir(), "feedsift.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

func mustSave(tb testing.TB, s *Store, url string, items []Item, now time.Time) Saved {
	tb.Helper()
	res, err := s.SaveFeed(context.Background(), url, Fetched{Title: "T", Items: items}, now)
	if err != nil {
		tb.Fatal(err)
	}
	return res
}

func mustCount(tb testing.TB, s *Store) int {
	tb.Helper()
	n, err := s.Count(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

func TestOpen_Migrates(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.db")
	for range 2 { // opening again applies nothing and keeps data
		s, err := Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		var v, app int
		s.db.QueryRow("PRAGMA user_version").Scan(&v)
		s.db.QueryRow("PRAGMA application_id").Scan(&app)
		var mode string
		s.db.QueryRow("PRAGMA journal_mode").Scan(&mode)
		var page int
		s.db.QueryRow("PRAGMA page_size").Scan(&page)
		if v < 1 || app != applicationID || mode != "wal" || page != pageSize {
			t.Errorf("user_version=%d application_id=%#x journal_mode=%s page_size=%d", v, app, mode, page)
		}
		s.Close()
	}
}

// A database file made before pages were 16 KiB (page 1 written, no
// tables yet) keeps its own page size.
func TestOpen_KeepsPageSize(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("PRAGMA page_size = 4096; PRAGMA journal_mode = WAL"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var page int
	if err := s.db.QueryRow("PRAGMA page_size").Scan(&page); err != nil || page != 4096 {
		t.Errorf("page_size = %d, %v; want 4096", page, err)
	}
}

func TestOpen_Refuses(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name    string
		prepare func(path string)
		want    string
	}{
		{"not a database", func(p string) {
			os.WriteFile(p, []byte(strings.Repeat("garbage ", 200)), 0o644)
		}, "corrupt"},
		{"newer schema", func(p string) {
			s, err := Open(context.Background(), p)
			if err != nil {
				t.Fatal(err)
			}
			s.db.Exec("PRAGMA user_version = 999")
			s.Close()
		}, "newer"},
		{"foreign database", func(p string) {
			s, err := Open(context.Background(), p)
			if err != nil {
				t.Fatal(err)
			}
			s.db.Exec("PRAGMA application_id = 42")
			s.Close()
		}, "not a feedsift database"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "_")+".db")
			tt.prepare(p)
			before, _ := os.ReadFile(p)
			_, err := Open(context.Background(), p)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), p) {
				t.Fatalf("Open = %v, want an error naming %s and saying %q", err, p, tt.want)
			}
			after, _ := os.ReadFile(p)
			if len(after) < len(before) {
				t.Errorf("file shrank from %d to %d bytes: never repair by deleting", len(before), len(after))
			}
		})
	}
}

// TestSaveFeed_NewFeedLikeKnown: a feed's first save looks items up in
// memory (the feed has no rows yet); it must store exactly what the
// lookups in SQLite store for a feed that already has an unrelated item.
func TestSaveFeed_NewFeedLikeKnown(t *testing.T) {
	doc := []Item{
		{GUID: "g1", Link: "https://a.org/1", Title: "T", Summary: "s1"},
		{GUID: "g2", Link: "https://a.org/1", Title: "T", Summary: "s1"}, // re-stamped GUID, same content
		{GUID: "g3", Link: "https://a.org/1", Title: "T", Summary: "s2"}, // re-stamped, changed
		{Link: "https://a.org/2", Title: "U"},
		{Link: "https://a.org/2", Title: "U2"}, // same link without GUID: repeated
		{Title: "only a title"},
		{GUID: "g1", Link: "https://a.org/9", Title: "again"}, // repeated GUID
		{GUID: "g4", Link: "https://a.org/1", Title: "other title"},
	}
	type row struct{ GUID, Link, Title, Summary string }
	rows := func(s *Store, url string) []row {
		var out []row
		r, err := s.db.Query(`SELECT guid, link, title, summary FROM items WHERE feed_id = (SELECT id FROM feeds WHERE url = ?) AND guid != 'old' ORDER BY id`, url)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		for r.Next() {
			var x row
			if err := r.Scan(&x.GUID, &x.Link, &x.Title, &x.Summary); err != nil {
				t.Fatal(err)
			}
			out = append(out, x)
		}
		return out
	}
	s := mustOpen(t)
	const fresh, known = "https://a.org/fresh", "https://a.org/known"
	mustSave(t, s, known, []Item{{GUID: "old", Link: "https://a.org/old", Title: "old"}}, t0)
	a := mustSave(t, s, fresh, doc, t0)
	b := mustSave(t, s, known, doc, t0)
	if len(a.New) != len(b.New) || len(a.Updated) != len(b.Updated) || a.Unchanged != b.Unchanged || a.Skipped != b.Skipped {
		t.Errorf("new feed saved %+v, known feed %+v", a, b)
	}
	if ra, rb := rows(s, fresh), rows(s, known); fmt.Sprint(ra) != fmt.Sprint(rb) {
		t.Errorf("new feed stored\n%v\nknown feed stored\n%v", ra, rb)
	}
	if len(a.Updated) != 1 || a.Unchanged != 1 || a.Skipped != 2 {
		t.Errorf("saved %+v: want 1 updated (g3), 1 unchanged (g2), 2 skipped", a)
	}
}

// A database of schema 5 (item keys unique on their own) gets keys unique
// within their feed, and keeps every item, match and story member, with
// foreign keys still enforced afterwards.
func TestMigrate_ItemsKeyByFeed(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "v5.db")
	ms, err := ReadMigrations(migrationFS, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(ON)")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	stmts := []string{fmt.Sprintf("PRAGMA application_id = %d", applicationID)}
	for _, m := range ms[:5] {
		stmts = append(stmts, m.SQL)
	}
	stmts = append(stmts, "PRAGMA user_version = 5",
		`INSERT INTO feeds(id, url) VALUES (1, 'https://a.example/feed'), (2, 'https://b.example/feed')`,
		`INSERT INTO items(id, feed_id, key, content_hash, title, first_seen, changed_at) VALUES
			(1, 1, 'k1', 'h1', 'one', 1, 1), (2, 1, 'k2', 'h2', 'two', 1, 1), (3, 2, 'k3', 'h3', 'three', 1, 1)`,
		`INSERT INTO matches(topic, item_id, score) VALUES ('t', 2, 4), ('t', 3, 5)`,
		`INSERT INTO story_members(item_id, group_id, time) VALUES (1, 1, 1), (2, 1, 1), (3, 3, 1)`)
	for _, q := range stmts {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%.60s: %v", q, err)
		}
	}
	db.Close()

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	count := func(q string) int {
		var n int
		if err := s.db.QueryRow(q).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	if v := count("PRAGMA user_version"); v != len(ms) {
		t.Errorf("user_version = %d, want %d", v, len(ms))
	}
	for q, want := range map[string]int{
		"SELECT count(*) FROM items":         3,
		"SELECT count(*) FROM matches":       2,
		"SELECT count(*) FROM story_members": 3,
		`SELECT count(*) FROM pragma_index_list('items') WHERE name = 'items_feed_key' AND "unique"`: 1,
		`SELECT count(*) FROM pragma_index_list('items') WHERE origin = 'u'`:                         0,
	} {
		if n := count(q); n != want {
			t.Errorf("%s = %d, want %d", q, n, want)
		}
	}
	// Foreign keys are on again: a match needs its item, and deleting
	// an item deletes its matches and story member.
	if _, err := s.db.Exec(`INSERT INTO matches(topic, item_id, score) VALUES ('t', 99, 1)`); err == nil {
		t.Error("a match of a missing item was stored")
	}
	if _, err := s.db.Exec(`DELETE FROM items WHERE id = 3`); err != nil {
		t.Fatal(err)
	}
	if n := count("SELECT count(*) FROM matches") + count("SELECT count(*) FROM story_members"); n != 3 {
		t.Errorf("after deleting an item: %d matches and story members, want 3", n)
	}
	// The same key in another feed is another item; in the same feed, a
	// repeat.
	if _, err := s.db.Exec(`INSERT INTO items(feed_id, key, content_hash, first_seen, changed_at) VALUES (2, 'k1', 'h', 1, 1)`); err != nil {
		t.Errorf("key of feed 1 stored for feed 2: %v", err)
	}
	if _, err := s.db.Exec(`INSERT INTO items(feed_id, key, content_hash, first_seen, changed_at) VALUES (1, 'k1', 'h', 1, 1)`); err == nil {
		t.Error("a second item with key k1 in feed 1 was stored")
	}
}
