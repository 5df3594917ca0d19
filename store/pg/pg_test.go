package pg_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/feedsift/feedsift/store"
	"github.com/feedsift/feedsift/store/pg"
	"github.com/feedsift/feedsift/store/pg/pgtest"
	"github.com/feedsift/feedsift/store/storetest"
	"github.com/jackc/pgx/v5"
)

var t0 = time.Date(2026, 11, 16, 8, 0, 0, 0, time.UTC)

func mustOpen(t *testing.T, url string) *pg.Store {
	t.Helper()
	s, err := pg.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestConformance runs the suite the SQLite store passes.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Store { return mustOpen(t, pgtest.URL(t)) })
}

func exec(t *testing.T, url, sql string) {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(context.Background(), sql); err != nil {
		t.Fatal(err)
	}
}

func TestOpen_Migrates(t *testing.T) {
	url := pgtest.URL(t)
	// Several processes opening a new database at once take turns.
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			s, err := pg.Open(context.Background(), url)
			if err == nil {
				s.Close()
			}
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	s := mustOpen(t, url) // again: applies nothing, keeps data
	if _, err := s.SaveFeed(context.Background(), "https://e.org/f", store.Fetched{Items: []store.Item{{GUID: "a"}}}, t0); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if n, _ := mustOpen(t, url).Count(context.Background()); n != 1 {
		t.Errorf("reopened: %d items, want 1", n)
	}
}

func TestOpen_Refuses(t *testing.T) {
	t.Run("newer schema", func(t *testing.T) {
		url := pgtest.URL(t)
		mustOpen(t, url).Close()
		exec(t, url, `UPDATE feedsift_schema SET version = 999`)
		_, err := pg.Open(context.Background(), url)
		if !errors.Is(err, store.ErrTooNew) {
			t.Errorf("err = %v, want ErrTooNew", err)
		}
	})
	t.Run("not feedsift's", func(t *testing.T) {
		url := pgtest.URL(t)
		exec(t, url, `CREATE TABLE feeds (x int)`)
		_, err := pg.Open(context.Background(), url)
		if err == nil || !strings.Contains(err.Error(), "not a feedsift database") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("password not in messages", func(t *testing.T) {
		_, err := pg.Open(context.Background(), "postgres://u:secret@127.0.0.1:1/db?connect_timeout=2")
		if err == nil || strings.Contains(err.Error(), "secret") {
			t.Errorf("err = %v", err)
		}
	})
}

func TestIsURL(t *testing.T) {
	for in, want := range map[string]bool{
		"postgres://h/db": true, "postgresql://h/db": true, "feedsift.db": false, "/var/lib/postgres/x.db": false,
	} {
		if pg.IsURL(in) != want {
			t.Errorf("IsURL(%q) = %v", in, !want)
		}
	}
}

// TestClaim: two workers never hold the same feed; a pass is joined
// while open and a new one starts when every feed was attempted; an
// expired claim is taken over.
func TestClaim(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t, pgtest.URL(t))
	urls := []string{"https://e.org/1", "https://e.org/2", "https://e.org/3", "https://e.org/4", "https://e.org/5"}
	start, err := s.BeginPass(ctx, urls)
	if err != nil {
		t.Fatal(err)
	}
	a, err := s.Claim(ctx, "a", urls, start, 2, time.Minute)
	if err != nil || len(a) != 2 {
		t.Fatalf("a claimed %v, %v", a, err)
	}
	// Another process joins the open pass.
	if again, err := s.BeginPass(ctx, urls); err != nil || !again.Equal(start) {
		t.Errorf("BeginPass while open = %v, %v; want %v", again, err, start)
	}
	b, err := s.Claim(ctx, "b", urls, start, 10, time.Minute)
	if err != nil || len(b) != 3 {
		t.Fatalf("b claimed %v, %v", b, err)
	}
	for _, u := range b {
		if slices.Contains(a, u) {
			t.Errorf("%s claimed by both", u)
		}
	}
	if n, err := s.Claimed(ctx, "b", urls, start); err != nil || n != 2 {
		t.Errorf("Claimed by others than b = %d, %v; want 2", n, err)
	}
	// b does its feeds; a dies (its claims are not renewed).
	for _, u := range b {
		if err := s.NotModified(ctx, u, t0); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := s.Claim(ctx, "b", urls, start, 10, time.Minute); len(got) != 0 {
		t.Errorf("claimed %v while a's leases are live", got)
	}
	if err := s.Renew(ctx, "a", time.Millisecond); err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond)
	if n, _ := s.Claimed(ctx, "b", urls, start); n != 2 {
		t.Errorf("expired claims not counted as left to do: %d", n)
	}
	took, err := s.Claim(ctx, "b", urls, start, 10, time.Minute)
	sort.Strings(took)
	sort.Strings(a)
	if err != nil || !slices.Equal(took, a) {
		t.Errorf("b took over %v, %v; want %v", took, err, a)
	}
	// Release gives the claims back untouched.
	if err := s.Release(ctx, "b"); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Claim(ctx, "c", urls, start, 10, time.Minute); len(got) != 2 {
		t.Errorf("after release: %v", got)
	}
	// One of them is not due (a Retry-After from an earlier pass): the
	// fetcher skips it and says so, which ends the pass's work on it as
	// a fetch would; the other fails.
	if err := s.Waited(ctx, a[0], t0); err != nil {
		t.Fatal(err)
	}
	for _, u := range a[1:] {
		if err := s.Failed(ctx, u, "timeout", "feed "+u+": timeout", t0); err != nil {
			t.Fatal(err)
		}
	}
	if n, _ := s.Claimed(ctx, "b", urls, start); n != 0 {
		t.Errorf("%d feeds left to others after Waited and Failed, want 0", n)
	}
	// Every feed attempted: the pass is over, the next one starts.
	next, err := s.BeginPass(ctx, urls)
	if err != nil || !next.After(start) {
		t.Fatalf("next pass = %v, %v", next, err)
	}
	if got, _ := s.Claim(ctx, "a", urls, next, 10, time.Minute); len(got) != 5 {
		t.Errorf("next pass claims %d feeds, want 5", len(got))
	}
	// Registered but never fetched feeds are unknown, as in SQLite.
	if _, ok, _ := s.Feed(ctx, "https://nowhere.example.org/"); ok {
		t.Errorf("unknown feed found")
	}
}

// TestUnevaluated: saved and changed items wait for evaluation; an item
// that changes again after being read stays queued.
func TestUnevaluated(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t, pgtest.URL(t))
	res, err := s.SaveFeed(ctx, "https://e.org/f", store.Fetched{Items: []store.Item{{GUID: "a"}, {GUID: "b"}}}, t0)
	if err != nil {
		t.Fatal(err)
	}
	ids, versions, err := s.Unevaluated(ctx)
	if err != nil || !slices.Equal(ids, res.New) {
		t.Fatalf("Unevaluated = %v, %v; want %v", ids, err, res.New)
	}
	// b changes while its old version is being evaluated.
	if _, err := s.SaveFeed(ctx, "https://e.org/f", store.Fetched{Items: []store.Item{{GUID: "b", Title: "changed"}}}, t0); err != nil {
		t.Fatal(err)
	}
	if err := s.Evaluated(ctx, ids, versions); err != nil {
		t.Fatal(err)
	}
	if ids, _, _ := s.Unevaluated(ctx); !slices.Equal(ids, res.New[1:]) {
		t.Errorf("left queued %v, want %v", ids, res.New[1:])
	}
}

// TestTryLockOutputs: one holder at a time, free again on unlock.
func TestTryLockOutputs(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	a, b := mustOpen(t, url), mustOpen(t, url)
	unlock, ok, err := a.TryLockOutputs(ctx)
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	if _, ok, err := b.TryLockOutputs(ctx); ok || err != nil {
		t.Errorf("second holder: ok=%v err=%v", ok, err)
	}
	unlock()
	unlock2, ok, err := b.TryLockOutputs(ctx)
	if err != nil || !ok {
		t.Errorf("after unlock: ok=%v err=%v", ok, err)
	} else {
		unlock2()
	}
}

// TestImport: a SQLite installation copied over has the same rows and
// item keys, keeps ids, and new ids continue after them.
func TestImport(t *testing.T) {
	ctx := context.Background()
	src, err := store.Open(ctx, filepath.Join(t.TempDir(), "src.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var ids []int64
	for _, f := range []string{"https://a.org/f", "https://b.org/f"} {
		res, err := src.SaveFeed(ctx, f, store.Fetched{Title: "T", Items: []store.Item{
			{GUID: "1", Title: "One", Authors: []string{"x"}}, {GUID: "2", Link: "https://e.org/2",
				Enclosures: []store.Enclosure{{URL: "https://e.org/a.mp3"}}}}}, t0)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, res.New...)
	}
	if err := src.SetMatches(ctx, "t", "h", true, nil, []store.Match{{ItemID: ids[0], Score: 2, Reasons: []string{"a"}}}); err != nil {
		t.Fatal(err)
	}
	if err := src.SaveStoryMembers(ctx, []store.StoryMember{{ItemID: ids[0], GroupID: ids[0], Time: t0, Shingles: []uint64{1}},
		{ItemID: ids[2], GroupID: ids[0], ParentID: ids[0], Reason: "title", Score: 1, Time: t0}}); err != nil {
		t.Fatal(err)
	}
	dst := mustOpen(t, pgtest.URL(t))
	dropped, err := dst.Import(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	if len(dropped) > 0 {
		t.Errorf("dropped columns %v", dropped)
	}
	want, _ := src.Summarize(ctx)
	got, err := dst.Summarize(ctx)
	if err != nil || !mapsEqual(got.Rows, want.Rows) || got.ItemKeys != want.ItemKeys {
		t.Errorf("summary = %+v, %v; want %+v", got, err, want)
	}
	ms, err := dst.Matches(ctx, "t", 0)
	if err != nil || len(ms) != 1 || ms[0].ID != ids[0] || ms[0].Authors[0] != "x" {
		t.Errorf("matches = %+v, %v", ms, err)
	}
	grp, err := dst.StoryGroups(ctx, []int64{ids[2]})
	if err != nil || len(grp) != 2 || grp[0].Shingles[0] != 1 {
		t.Errorf("story groups = %+v, %v", grp, err)
	}
	res, err := dst.SaveFeed(ctx, "https://c.org/f", store.Fetched{Items: []store.Item{{GUID: "new"}}}, t0)
	if err != nil || res.New[0] <= ids[len(ids)-1] {
		t.Errorf("new id %v after copied ids %v: %v", res.New, ids, err)
	}
	if _, err := dst.Import(ctx, src); err == nil {
		t.Errorf("a second import into a non-empty database succeeded")
	}
}

func mapsEqual(a, b map[string]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
