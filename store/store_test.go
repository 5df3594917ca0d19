package store

import (
	"context"
	"errors"
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
		if v < 1 || app != applicationID || mode != "wal" {
			t.Errorf("user_version=%d application_id=%#x journal_mode=%s", v, app, mode)
		}
		s.Close()
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

func TestSaveFeed_Identity(t *testing.T) {
	const feed = "https://example.org/feed"
	tests := []struct {
		name       string
		first      []Item
		second     []Item
		wantNew    int // on the second save
		wantUpd    int
		wantStored int
	}{
		{"same guid, same content",
			[]Item{{GUID: "a", Title: "One"}}, []Item{{GUID: "a", Title: "One"}}, 0, 0, 1},
		{"same guid, changed content updates in place",
			[]Item{{GUID: "a", Title: "One"}}, []Item{{GUID: "a", Title: "One, corrected"}}, 0, 1, 1},
		{"no guid: link identifies",
			[]Item{{Link: "https://e.org/1", Title: "One"}}, []Item{{Link: "https://e.org/1", Title: "One!"}}, 0, 1, 1},
		{"no guid, no link: content hash identifies",
			[]Item{{Title: "One", Summary: "x"}}, []Item{{Title: "One", Summary: "x"}}, 0, 0, 1},
		{"changing guid, same link and title",
			[]Item{{GUID: "r1", Link: "https://e.org/1", Title: "One"}}, []Item{{GUID: "r2", Link: "https://e.org/1", Title: "One"}}, 0, 0, 1},
		{"new guid, new item",
			[]Item{{GUID: "a", Title: "One"}}, []Item{{GUID: "b", Title: "Two"}}, 1, 0, 2},
		{"items absent from the second fetch are kept",
			[]Item{{GUID: "a"}, {GUID: "b"}}, nil, 0, 0, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustOpen(t)
			first := mustSave(t, s, feed, tt.first, t0)
			if len(first.New) != len(tt.first) {
				t.Fatalf("first save: %d new, want %d", len(first.New), len(tt.first))
			}
			got := mustSave(t, s, feed, tt.second, t0.Add(time.Hour))
			if len(got.New) != tt.wantNew || len(got.Updated) != tt.wantUpd {
				t.Errorf("second save: new=%d updated=%d, want %d/%d", len(got.New), len(got.Updated), tt.wantNew, tt.wantUpd)
			}
			if n := mustCount(t, s); n != tt.wantStored {
				t.Errorf("stored %d items, want %d", n, tt.wantStored)
			}
		})
	}
}

func TestSaveFeed_DuplicateGUIDInOneDocument(t *testing.T) {
	s := mustOpen(t)
	got := mustSave(t, s, "https://e.org/f", []Item{{GUID: "dup", Title: "A"}, {GUID: "dup", Title: "B"}, {GUID: "u", Title: "C"}}, t0)
	if len(got.New) != 2 || got.Skipped != 1 {
		t.Errorf("new=%d skipped=%d, want 2 and 1", len(got.New), got.Skipped)
	}
}

func TestSaveFeed_SameGUIDTwoFeeds(t *testing.T) {
	s := mustOpen(t)
	mustSave(t, s, "https://a.org/f", []Item{{GUID: "g", Title: "A"}}, t0)
	mustSave(t, s, "https://b.org/f", []Item{{GUID: "g", Title: "A"}}, t0)
	if n := mustCount(t, s); n != 2 {
		t.Errorf("stored %d, want 2: identity is per feed", n)
	}
}

func TestFailed_KeepsItems(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	const url = "https://e.org/f"
	mustSave(t, s, url, []Item{{GUID: "a", Title: "A"}}, t0)
	if err := s.Failed(ctx, url, "timeout", "feed "+url+": timeout: slow", t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	f, ok, err := s.Feed(ctx, url)
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	if f.ErrorClass != "timeout" || f.Failures != 1 || !strings.HasPrefix(f.Error, "feed "+url) {
		t.Errorf("feed row = %+v", f)
	}
	if n := mustCount(t, s); n != 1 {
		t.Errorf("stored %d, want 1", n)
	}
	mustSave(t, s, url, nil, t0.Add(2*time.Hour))
	f, _, _ = s.Feed(ctx, url)
	if f.Failures != 0 || f.Error != "" {
		t.Errorf("success did not clear the failure: %+v", f)
	}
}

func TestMatches_OrderAndReplace(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	res := mustSave(t, s, "https://e.org/f", []Item{
		{GUID: "old", Title: "Old", Published: t0.Add(-48 * time.Hour)},
		{GUID: "new", Title: "New", Published: t0},
		{GUID: "undated", Title: "Undated"}, // sorts by first-seen time: t0+1h
	}, t0.Add(time.Hour))
	var ms []Match
	for _, id := range res.New {
		ms = append(ms, Match{ItemID: id, Score: 1, Reasons: []string{"russia", "china"}})
	}
	if err := s.SetMatches(ctx, "t", "h1", true, nil, ms); err != nil {
		t.Fatal(err)
	}
	got, err := s.Matches(ctx, "t", 0)
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, m := range got {
		titles = append(titles, m.Title)
	}
	if strings.Join(titles, ",") != "Undated,New,Old" {
		t.Errorf("order = %v", titles)
	}
	if got[0].FeedURL != "https://e.org/f" || len(got[0].Reasons) != 2 {
		t.Errorf("first = %+v", got[0])
	}
	if limited, _ := s.Matches(ctx, "t", 2); len(limited) != 2 {
		t.Errorf("limit 2 gave %d", len(limited))
	}
	// An incremental evaluation that no longer matches the first item drops it.
	if err := s.SetMatches(ctx, "t", "", false, []int64{res.New[0]}, nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Matches(ctx, "t", 0); len(got) != 2 {
		t.Errorf("after unmatching one: %d matches, want 2", len(got))
	}
	if h, _ := s.TopicHash(ctx, "t"); h != "h1" {
		t.Errorf("TopicHash = %q", h)
	}
}

func TestEachItem_StopsOnError(t *testing.T) {
	s := mustOpen(t)
	mustSave(t, s, "https://e.org/f", []Item{{GUID: "a"}, {GUID: "b"}}, t0)
	stop := errors.New("stop")
	n := 0
	err := s.EachItem(context.Background(), nil, func(*FeedItem) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("err=%v n=%d", err, n)
	}
}

func TestFeedTexts_NewestPerFeed(t *testing.T) {
	s := mustOpen(t)
	var items []Item
	for i := range 5 {
		items = append(items, Item{GUID: fmt.Sprint(i), Summary: fmt.Sprint("s", i)})
	}
	mustSave(t, s, "https://a.org/f", items, t0)
	mustSave(t, s, "https://b.org/f", items[:1], t0)
	got := map[string][]string{}
	err := s.FeedTexts(context.Background(), nil, 2, func(url, summary, _ string) { got[url] = append(got[url], summary) })
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got["https://a.org/f"]) != "[s4 s3]" || len(got["https://b.org/f"]) != 1 {
		t.Errorf("got %v", got)
	}
	byLink, err := s.ItemByKey(context.Background(), "1")
	if err != nil || len(byLink) != 1 {
		t.Errorf("ItemByKey(id 1) = %v, %v", byLink, err)
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
