package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestFailed_State: Retry-After and back-off times, 410 and the failure
// count survive in the row; a success clears them but keeps the location.
func TestFailed_State(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	const url = "https://e.org/f"
	mustSave(t, s, url, []Item{{GUID: "a", Title: "A"}}, t0)
	mustFail := func(f Failure, now time.Time) Feed {
		t.Helper()
		if err := s.FailedState(ctx, url, f, now); err != nil {
			t.Fatal(err)
		}
		fd, _, err := s.Feed(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		return fd
	}
	next := t0.Add(2 * time.Hour)
	fd := mustFail(Failure{Class: "rate_limited", Msg: "m1", Next: next, NotCounted: true}, t0.Add(time.Minute))
	if fd.Failures != 0 || !fd.NextFetchAt.Equal(next) || fd.ErrorClass != "rate_limited" || !fd.ErrorAt.Equal(t0.Add(time.Minute)) {
		t.Errorf("rate limited: %+v", fd)
	}
	fd = mustFail(Failure{Class: "http_status", Msg: "m2"}, t0.Add(3*time.Hour))
	if fd.Failures != 1 || !fd.NextFetchAt.IsZero() || fd.Error != "m2" {
		t.Errorf("failure: %+v", fd)
	}
	fd = mustFail(Failure{Class: "gone", Msg: "m3", Gone: true}, t0.Add(4*time.Hour))
	if fd.Failures != 2 || !fd.GoneAt.Equal(t0.Add(4*time.Hour)) {
		t.Errorf("gone: %+v", fd)
	}
	if n := mustCount(t, s); n != 1 {
		t.Errorf("%d items after failures, want 1", n)
	}
	loc := Location{FetchURL: "https://e.org/new", MovedTo: "https://e.org/new", MovedCount: 3}
	if err := s.NotModifiedAt(ctx, url, loc, t0.Add(5*time.Hour)); err != nil {
		t.Fatal(err)
	}
	fd, _, _ = s.Feed(ctx, url)
	if fd.Failures != 0 || !fd.GoneAt.IsZero() || !fd.NextFetchAt.IsZero() || fd.Error != "" || fd.Location != loc {
		t.Errorf("after success: %+v", fd)
	}
	fs, err := s.Feeds(ctx)
	if err != nil || len(fs) != 1 || fs[0].Items != 1 || fs[0].Location != loc {
		t.Errorf("Feeds = %+v, %v", fs, err)
	}
}

// TestSaveFeed_DiskFull: a write that does not fit rolls back whole and
// the error names the database and says "disk full"; what was stored stays.
func TestSaveFeed_DiskFull(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	mustSave(t, s, "https://e.org/a", []Item{{GUID: "a", Title: "A"}}, t0)
	s.db.SetMaxOpenConns(1) // max_page_count is per connection
	var pages int
	if err := s.db.QueryRow("PRAGMA page_count").Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec(fmt.Sprintf("PRAGMA max_page_count = %d", pages+1)); err != nil {
		t.Fatal(err)
	}
	var items []Item
	for i := range 200 {
		items = append(items, Item{GUID: fmt.Sprint(i), Title: strings.Repeat("x", 1000)})
	}
	_, err := s.SaveFeed(ctx, "https://e.org/b", Fetched{Items: items}, t0)
	if !errors.Is(err, ErrFull) || !strings.Contains(err.Error(), s.Path()) {
		t.Fatalf("err = %v, want disk full naming %s", err, s.Path())
	}
	if n := mustCount(t, s); n != 1 {
		t.Errorf("%d items after a failed write, want 1", n)
	}
	if _, ok, _ := s.Feed(ctx, "https://e.org/b"); ok {
		t.Errorf("half of the failed feed's transaction was kept")
	}
}
