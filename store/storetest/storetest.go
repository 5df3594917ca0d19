// Package storetest is the behaviour every feedsift store must have,
// written once and run against each engine: the SQLite store (always) and
// the PostgreSQL store (when a server is available). It uses only the
// stores' public methods, so a difference between engines is a failure
// here, not a surprise in production.
package storetest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/feedsift/feedsift/store"
)

// Store is the method set both engines implement.
type Store interface {
	Feed(ctx context.Context, url string) (store.Feed, bool, error)
	Feeds(ctx context.Context) ([]store.Feed, error)
	NotModified(ctx context.Context, url string, now time.Time) error
	Failed(ctx context.Context, url, class, msg string, now time.Time) error
	NotModifiedAt(ctx context.Context, url string, loc store.Location, now time.Time) error
	FailedState(ctx context.Context, url string, f store.Failure, now time.Time) error
	Waited(ctx context.Context, url string, now time.Time) error
	SaveFeed(ctx context.Context, url string, f store.Fetched, now time.Time) (store.Saved, error)
	Count(ctx context.Context) (int, error)
	Since(ctx context.Context) (time.Time, error)
	EachItem(ctx context.Context, ids []int64, fn func(*store.FeedItem) error) error
	TopicHash(ctx context.Context, topic string) (string, error)
	SetMatches(ctx context.Context, topic, hash string, all bool, evaluated []int64, matches []store.Match) error
	Matches(ctx context.Context, topic string, limit int) ([]store.Matched, error)
	ItemsByLink(ctx context.Context, link string) ([]store.FeedItem, error)
	ItemByKey(ctx context.Context, key string) ([]store.FeedItem, error)
	FeedTexts(ctx context.Context, feedIDs []int64, perFeed int, fn func(feedURL, summary, content string)) error
	Ungrouped(ctx context.Context) ([]store.FeedItem, error)
	UngroupedStamps(ctx context.Context) ([]store.StoryStamp, error)
	StoryItems(ctx context.Context, ids []int64) ([]store.StoryItem, error)
	StoryWindow(ctx context.Context, from, to time.Time) ([]store.StoryMember, error)
	StoryWindowKeys(ctx context.Context, from, to time.Time) ([]store.StoryMember, error)
	StoryMembers(ctx context.Context, itemIDs []int64) ([]store.StoryMember, error)
	StoryGroups(ctx context.Context, itemIDs []int64) ([]store.StoryMember, error)
	StoryMember(ctx context.Context, itemID int64) (store.StoryMember, bool, error)
	ItemByLink(ctx context.Context, link string) (int64, error)
	SaveStoryMembers(ctx context.Context, ms []store.StoryMember) error
	Prune(ctx context.Context, r store.Retention) (store.Pruned, error)
	Summarize(ctx context.Context) (store.Summary, error)
	Close() error
}

var t0 = time.Date(2026, 11, 16, 8, 0, 0, 0, time.UTC)

// Run runs the suite; open returns a new empty store, closed by the test.
func Run(t *testing.T, open func(t *testing.T) Store) {
	for _, tc := range []struct {
		name string
		fn   func(*testing.T, Store)
	}{
		{"SaveFeed_Identity", nil},
		{"SaveFeed_DuplicateGUIDInOneDocument", testDuplicateGUID},
		{"SaveFeed_SameGUIDTwoFeeds", testSameGUIDTwoFeeds},
		{"SaveFeed_RoundTrip", testRoundTrip},
		{"Failed_KeepsItems", testFailedKeepsItems},
		{"Feeds", testFeeds},
		{"Matches_OrderAndReplace", testMatches},
		{"EachItem", testEachItem},
		{"FeedTexts_NewestPerFeed", testFeedTexts},
		{"Stories_RoundTrip", testStories},
		{"StoryItems_Text", testStoryItemsText},
		{"Prune", testPrune},
		{"Summarize", testSummarize},
		{"Since", testSince},
		{"SaveFeed_BadData", testBadData},
		{"Schedule", testSchedule},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.fn == nil {
				testIdentity(t, open)
				return
			}
			s := open(t)
			tc.fn(t, s)
		})
	}
}

func mustSave(tb testing.TB, s Store, url string, items []store.Item, now time.Time) store.Saved {
	tb.Helper()
	res, err := s.SaveFeed(context.Background(), url, store.Fetched{Title: "T", Items: items}, now)
	if err != nil {
		tb.Fatal(err)
	}
	return res
}

func mustCount(tb testing.TB, s Store) int {
	tb.Helper()
	n, err := s.Count(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

func testIdentity(t *testing.T, open func(t *testing.T) Store) {
	const feed = "https://example.org/feed"
	type Item = store.Item
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
			s := open(t)
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

func testDuplicateGUID(t *testing.T, s Store) {
	got := mustSave(t, s, "https://e.org/f", []store.Item{{GUID: "dup", Title: "A"}, {GUID: "dup", Title: "B"}, {GUID: "u", Title: "C"}}, t0)
	if len(got.New) != 2 || got.Skipped != 1 {
		t.Errorf("new=%d skipped=%d, want 2 and 1", len(got.New), got.Skipped)
	}
}

func testSameGUIDTwoFeeds(t *testing.T, s Store) {
	mustSave(t, s, "https://a.org/f", []store.Item{{GUID: "g", Title: "A"}}, t0)
	mustSave(t, s, "https://b.org/f", []store.Item{{GUID: "g", Title: "A"}}, t0)
	if n := mustCount(t, s); n != 2 {
		t.Errorf("stored %d, want 2: identity is per feed", n)
	}
}

// testRoundTrip: every field comes back as it was given, with the same
// key on every engine.
func testRoundTrip(t *testing.T, s Store) {
	ctx := context.Background()
	in := store.Item{GUID: "g1", Link: "https://e.org/1", Title: "Ünïcode — title", Summary: "<p>s</p>",
		Content: "<p>c</p>", Authors: []string{"A", "B"}, Categories: []string{"x"}, Lang: "en",
		Enclosures: []store.Enclosure{{URL: "https://e.org/a.mp3", Type: "audio/mpeg", Length: 42}},
		Published:  t0.Add(-time.Hour), Updated: t0.Add(-time.Minute)}
	res := mustSave(t, s, "https://e.org/f", []store.Item{in}, t0)
	got, err := s.ItemByKey(ctx, fmt.Sprint(res.New[0]))
	if err != nil || len(got) != 1 {
		t.Fatalf("ItemByKey(id) = %v, %v", got, err)
	}
	it := got[0]
	// The key is a function of the feed URL and the GUID, on every engine.
	if it.Key != store.ItemKey("https://e.org/f", &in, store.ContentHash(&in)) || len(it.Key) != 32 {
		t.Errorf("key = %q", it.Key)
	}
	it.Item.ID, it.Item.FeedID, it.Item.Key = 0, 0, ""
	in.FirstSeen, in.ChangedAt = t0, t0
	if g, w := fmt.Sprintf("%+v", it.Item), fmt.Sprintf("%+v", in); g != w {
		t.Errorf("round trip:\n got %s\nwant %s", g, w)
	}
	if it.FeedURL != "https://e.org/f" || it.FeedTitle != "T" {
		t.Errorf("feed = %q %q", it.FeedURL, it.FeedTitle)
	}
	if byLink, err := s.ItemsByLink(ctx, "https://e.org/1"); err != nil || len(byLink) != 1 {
		t.Errorf("ItemsByLink = %d, %v", len(byLink), err)
	}
}

func testFailedKeepsItems(t *testing.T, s Store) {
	ctx := context.Background()
	const url = "https://e.org/f"
	if _, ok, err := s.Feed(ctx, url); ok || err != nil {
		t.Errorf("unknown feed: ok=%v err=%v", ok, err)
	}
	mustSave(t, s, url, []store.Item{{GUID: "a", Title: "A"}}, t0)
	if err := s.Failed(ctx, url, "timeout", "feed "+url+": timeout: slow", t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	f, ok, err := s.Feed(ctx, url)
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	if f.ErrorClass != "timeout" || f.Failures != 1 || !strings.HasPrefix(f.Error, "feed "+url) ||
		!f.CheckedAt.Equal(t0.Add(time.Hour)) || !f.SuccessAt.Equal(t0) {
		t.Errorf("feed row = %+v", f)
	}
	if n := mustCount(t, s); n != 1 {
		t.Errorf("stored %d, want 1", n)
	}
	if err := s.NotModified(ctx, url, t0.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	f, _, _ = s.Feed(ctx, url)
	if f.Failures != 0 || f.Error != "" || !f.SuccessAt.Equal(t0.Add(2*time.Hour)) {
		t.Errorf("success did not clear the failure: %+v", f)
	}
}

func testFeeds(t *testing.T, s Store) {
	ctx := context.Background()
	mustSave(t, s, "https://b.org/f", []store.Item{{GUID: "1"}, {GUID: "2"}}, t0)
	mustSave(t, s, "https://B.org/f", nil, t0)
	if err := s.Failed(ctx, "https://a.org/f", "http_status", "feed https://a.org/f: http_status: 404", t0); err != nil {
		t.Fatal(err)
	}
	fs, err := s.Feeds(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range fs {
		got = append(got, fmt.Sprintf("%s=%d", f.URL, f.Items))
	}
	// Bytewise order: upper case first.
	if want := "https://B.org/f=0 https://a.org/f=0 https://b.org/f=2"; strings.Join(got, " ") != want {
		t.Errorf("Feeds = %v, want %s", got, want)
	}
}

func testMatches(t *testing.T, s Store) {
	ctx := context.Background()
	res := mustSave(t, s, "https://e.org/f", []store.Item{
		{GUID: "old", Title: "Old", Published: t0.Add(-48 * time.Hour)},
		{GUID: "new", Title: "New", Published: t0},
		{GUID: "undated", Title: "Undated"}, // sorts by first-seen time: t0+1h
	}, t0.Add(time.Hour))
	var ms []store.Match
	for _, id := range res.New {
		ms = append(ms, store.Match{ItemID: id, Score: 1.5, Reasons: []string{"russia", "china"}})
	}
	if h, err := s.TopicHash(ctx, "t"); h != "" || err != nil {
		t.Errorf("TopicHash before = %q, %v", h, err)
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
	if got[0].FeedURL != "https://e.org/f" || fmt.Sprint(got[0].Reasons) != "[russia china]" || got[0].Score != 1.5 {
		t.Errorf("first = %+v", got[0])
	}
	if limited, _ := s.Matches(ctx, "t", 2); len(limited) != 2 {
		t.Errorf("limit 2 gave %d", len(limited))
	}
	if err := s.SetMatches(ctx, "t", "", false, []int64{res.New[0]}, nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Matches(ctx, "t", 0); len(got) != 2 {
		t.Errorf("after unmatching one: %d matches, want 2", len(got))
	}
	// An incremental evaluation updates a kept match in place.
	if err := s.SetMatches(ctx, "t", "", false, []int64{res.New[1]}, []store.Match{{ItemID: res.New[1], Score: 3}}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Matches(ctx, "t", 0); len(got) != 2 || got[1].Score != 3 || len(got[1].Reasons) != 0 {
		t.Errorf("after rescoring: %+v", got)
	}
	if h, _ := s.TopicHash(ctx, "t"); h != "h1" {
		t.Errorf("TopicHash = %q", h)
	}
}

func testEachItem(t *testing.T, s Store) {
	ctx := context.Background()
	res := mustSave(t, s, "https://e.org/f", []store.Item{{GUID: "a"}, {GUID: "b"}, {GUID: "c"}}, t0)
	stop := errors.New("stop")
	n := 0
	err := s.EachItem(ctx, nil, func(*store.FeedItem) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("err=%v n=%d", err, n)
	}
	var got []string
	err = s.EachItem(ctx, []int64{res.New[2], res.New[0]}, func(it *store.FeedItem) error { got = append(got, it.GUID); return nil })
	if err != nil || fmt.Sprint(got) != "[a c]" {
		t.Errorf("EachItem(ids) = %v, %v; want [a c] in id order", got, err)
	}
	got = nil
	if err := s.EachItem(ctx, []int64{}, func(it *store.FeedItem) error { got = append(got, it.GUID); return nil }); err != nil || len(got) != 0 {
		t.Errorf("EachItem(no ids) = %v, %v", got, err)
	}
}

func testFeedTexts(t *testing.T, s Store) {
	var items []store.Item
	for i := range 5 {
		items = append(items, store.Item{GUID: fmt.Sprint(i), Summary: fmt.Sprint("s", i)})
	}
	a := mustSave(t, s, "https://a.org/f", items, t0)
	mustSave(t, s, "https://b.org/f", items[:1], t0)
	got := map[string][]string{}
	err := s.FeedTexts(context.Background(), nil, 2, func(url, summary, _ string) { got[url] = append(got[url], summary) })
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got["https://a.org/f"]) != "[s4 s3]" || len(got["https://b.org/f"]) != 1 {
		t.Errorf("got %v", got)
	}
	var feedA int64
	s.EachItem(context.Background(), a.New[:1], func(it *store.FeedItem) error { feedA = it.FeedID; return nil })
	got = map[string][]string{}
	if err := s.FeedTexts(context.Background(), []int64{feedA}, 10, func(url, summary, _ string) { got[url] = append(got[url], summary) }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || len(got["https://a.org/f"]) != 5 {
		t.Errorf("FeedTexts(feed a) = %v", got)
	}
}

// testStoryItemsText: grouping reads the summary, else the content, cut
// to MaxStoryText characters (not bytes).
func testStoryItemsText(t *testing.T, s Store) {
	ctx := context.Background()
	long := strings.Repeat("é", store.MaxStoryText+10)
	mustSave(t, s, "https://a.example.org/feed", []store.Item{
		{GUID: "a1", Link: "https://a.example.org/1", Title: "One", Summary: "<p>short</p>", Content: "full"},
		{GUID: "a2", Link: "https://a.example.org/2", Title: "Two", Content: long},
		{GUID: "a3", Link: "https://a.example.org/3", Title: "Three"},
	}, t0)
	stamps, err := s.UngroupedStamps(ctx)
	if err != nil || len(stamps) != 3 {
		t.Fatalf("UngroupedStamps = %d, %v", len(stamps), err)
	}
	its, err := s.StoryItems(ctx, []int64{stamps[0].ID, stamps[1].ID, stamps[2].ID})
	if err != nil || len(its) != 3 {
		t.Fatalf("StoryItems = %d, %v", len(its), err)
	}
	if its[0].Text != "<p>short</p>" || its[1].Text != long[:2*store.MaxStoryText] || its[2].Text != "" {
		t.Errorf("StoryItems texts = %q, %d bytes, %q", its[0].Text, len(its[1].Text), its[2].Text)
	}
}

func testStories(t *testing.T, s Store) {
	ctx := context.Background()
	mustSave(t, s, "https://a.example.org/feed", []store.Item{{GUID: "a1", Link: "https://a.example.org/1", Title: "One"}}, t0)
	mustSave(t, s, "https://b.example.org/feed", []store.Item{{GUID: "b1", Link: "https://b.example.org/1", Title: "One again"},
		{GUID: "b2", Link: "https://b.example.org/2", Title: "Two"}}, t0.Add(time.Hour))
	un, err := s.Ungrouped(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(un) != 3 || un[0].ID >= un[1].ID || un[1].ID >= un[2].ID {
		t.Fatalf("Ungrouped = %d items, want 3 in id order", len(un))
	}
	a, b, c := un[0].ID, un[1].ID, un[2].ID
	stamps, err := s.UngroupedStamps(ctx)
	if err != nil || len(stamps) != 3 || stamps[0].ID != a || stamps[2].ID != c || !stamps[2].FirstSeen.Equal(un[2].FirstSeen) || !stamps[0].Published.Equal(un[0].Published) {
		t.Errorf("UngroupedStamps = %+v, %v; want the ids and times of %d, %d, %d", stamps, err, a, b, c)
	}
	sis, err := s.StoryItems(ctx, []int64{c, a})
	if err != nil || len(sis) != 2 || sis[0].ID != a || sis[1].ID != c || sis[0].Link != un[0].Link || sis[1].Title != "Two" ||
		sis[0].FeedID != un[0].FeedID || !sis[1].FirstSeen.Equal(un[2].FirstSeen) {
		t.Errorf("StoryItems(c, a) = %+v, %v", sis, err)
	}
	ms := []store.StoryMember{
		{ItemID: a, FeedID: un[0].FeedID, GroupID: a, Time: t0, Link: "a.example.org/1", TitleKey: "one", Shingles: []uint64{1, 2, 1 << 63}},
		{ItemID: b, FeedID: un[1].FeedID, GroupID: a, ParentID: a, Score: 0.75, Reason: "text", TextScore: 0.5, TitleScore: 0.75,
			Time: t0.Add(time.Hour), TitleShingles: []uint64{7}},
		{ItemID: c, FeedID: un[2].FeedID, GroupID: c, Time: t0.Add(100 * time.Hour)},
	}
	if err := s.SaveStoryMembers(ctx, ms); err != nil {
		t.Fatal(err)
	}
	again := ms[1]
	again.GroupID = c
	if err := s.SaveStoryMembers(ctx, []store.StoryMember{again}); err != nil {
		t.Fatal(err)
	}
	if un, err := s.Ungrouped(ctx); err != nil || len(un) != 0 {
		t.Errorf("Ungrouped after saving = %d items, %v", len(un), err)
	}
	win, err := s.StoryWindow(ctx, t0.Add(-time.Hour), t0.Add(2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fmt.Sprint(win), fmt.Sprint(ms[:2]); got != want {
		t.Errorf("StoryWindow =\n%s\nwant\n%s", got, want)
	}
	keys, err := s.StoryWindowKeys(ctx, t0.Add(-time.Hour), t0.Add(2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(keys, func(a, b store.StoryMember) int { return cmp.Compare(a.ItemID, b.ItemID) })
	var wantKeys []store.StoryMember
	for _, m := range ms[:2] {
		wantKeys = append(wantKeys, store.StoryMember{ItemID: m.ItemID, Time: m.Time, Link: m.Link, TitleKey: m.TitleKey,
			Shingles: m.Shingles, TitleShingles: m.TitleShingles})
	}
	if got, want := fmt.Sprint(keys), fmt.Sprint(wantKeys); got != want {
		t.Errorf("StoryWindowKeys =\n%s\nwant\n%s", got, want)
	}
	some, err := s.StoryMembers(ctx, []int64{c, a})
	if got, want := fmt.Sprint(some), fmt.Sprint([]store.StoryMember{ms[0], ms[2]}); err != nil || got != want {
		t.Errorf("StoryMembers(c, a) =\n%s, %v\nwant\n%s", got, err, want)
	}
	grp, err := s.StoryGroups(ctx, []int64{b, c})
	if err != nil || len(grp) != 3 {
		t.Errorf("StoryGroups(b, c) = %d members, %v; want 3", len(grp), err)
	}
	m, ok, err := s.StoryMember(ctx, b)
	if err != nil || !ok || m.GroupID != a || m.Reason != "text" || m.Score != 0.75 {
		t.Errorf("StoryMember(b) = %+v, %v, %v", m, ok, err)
	}
	if _, ok, err := s.StoryMember(ctx, c+100); ok || err != nil {
		t.Errorf("StoryMember(unknown) = %v, %v", ok, err)
	}
	if id, err := s.ItemByLink(ctx, "https://b.example.org/2"); err != nil || id != c {
		t.Errorf("ItemByLink = %d, %v; want %d", id, err, c)
	}
	if id, err := s.ItemByLink(ctx, "https://nowhere.example.org/"); err != nil || id != 0 {
		t.Errorf("ItemByLink(unknown) = %d, %v", id, err)
	}
}

func testPrune(t *testing.T, s Store) {
	ctx := context.Background()
	day := 24 * time.Hour
	old, recent := t0.Add(-100*day), t0.Add(-5*day)
	save := func(guid string, at time.Time) int64 {
		return mustSave(t, s, "https://e.org/f", []store.Item{{GUID: guid, Title: guid, Published: at}}, at).New[0]
	}
	ids := map[string]int64{
		"old-unmatched":      save("old-unmatched", old),
		"recent-unmatched":   save("recent-unmatched", recent),
		"old-matched-shown":  save("old-matched-shown", old.Add(time.Hour)),
		"old-matched":        save("old-matched", old),
		"recent-matched":     save("recent-matched", recent),
		"old-other-topic":    save("old-other-topic", old),
		"old-unmatched-kept": save("old-unmatched-kept", old), // a copy an entry lists
	}
	match := func(topic string, names ...string) {
		var ms []store.Match
		for _, n := range names {
			ms = append(ms, store.Match{ItemID: ids[n], Score: 1})
		}
		if err := s.SetMatches(ctx, topic, "h", true, nil, ms); err != nil {
			t.Fatal(err)
		}
	}
	match("a", "old-matched-shown", "old-matched", "recent-matched")
	match("gone", "old-other-topic")
	// Story rows go with their items.
	if err := s.SaveStoryMembers(ctx, []store.StoryMember{{ItemID: ids["old-unmatched"], GroupID: ids["old-unmatched"], Time: old}}); err != nil {
		t.Fatal(err)
	}
	keep := []int64{ids["old-matched-shown"], ids["recent-matched"], ids["old-unmatched-kept"]}
	r := store.Retention{UnmatchedBefore: t0.Add(-30 * day), MatchedBefore: t0.Add(-60 * day), Keep: keep, DryRun: true}
	dry, err := s.Prune(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	if n := mustCount(t, s); n != 7 {
		t.Errorf("a dry run deleted items: %d left", n)
	}
	r.DryRun = false
	got, err := s.Prune(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	if got != dry || got != (store.Pruned{Unmatched: 1, Matched: 2}) {
		t.Errorf("pruned %+v (dry run said %+v), want 1 unmatched and 2 matched", got, dry)
	}
	var left []string
	if err := s.EachItem(ctx, nil, func(it *store.FeedItem) error { left = append(left, it.GUID); return nil }); err != nil {
		t.Fatal(err)
	}
	sort.Strings(left)
	if want := "old-matched-shown,old-unmatched-kept,recent-matched,recent-unmatched"; strings.Join(left, ",") != want {
		t.Errorf("left %v, want %s", left, want)
	}
	if ms, _ := s.Matches(ctx, "a", 0); len(ms) != 2 {
		t.Errorf("topic a keeps %d matches, want 2", len(ms))
	}
	if _, ok, _ := s.StoryMember(ctx, ids["old-unmatched"]); ok {
		t.Errorf("the story row of a pruned item is still there")
	}
	if got, err := s.Prune(ctx, store.Retention{}); err != nil || got != (store.Pruned{}) {
		t.Errorf("empty retention: %+v %v", got, err)
	}
	if got, _ := s.Prune(ctx, store.Retention{MatchedBefore: t0, UnmatchedBefore: t0, Keep: keep}); got != (store.Pruned{Unmatched: 1}) {
		t.Errorf("with every old item but one kept, pruned %+v; want the one unmatched item", got)
	}
}

// testSummarize: counts per table and a checksum that depends only on the
// keys (so two engines holding the same items agree).
func testSummarize(t *testing.T, s Store) {
	ctx := context.Background()
	empty, err := s.Summarize(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if empty.ItemKeys != "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" {
		t.Errorf("empty checksum = %s", empty.ItemKeys)
	}
	res := mustSave(t, s, "https://e.org/f", []store.Item{{GUID: "b"}, {GUID: "a"}}, t0)
	if err := s.SetMatches(ctx, "t", "h", true, nil, []store.Match{{ItemID: res.New[0], Score: 1}}); err != nil {
		t.Fatal(err)
	}
	sum, err := s.Summarize(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Rows["feeds"] != 1 || sum.Rows["items"] != 2 || sum.Rows["matches"] != 1 || sum.Rows["topics"] != 1 {
		t.Errorf("rows = %v", sum.Rows)
	}
	if sum.ItemKeys == empty.ItemKeys || len(sum.ItemKeys) != 64 {
		t.Errorf("checksum = %q", sum.ItemKeys)
	}
}

func testSince(t *testing.T, s Store) {
	ctx := context.Background()
	if got, err := s.Since(ctx); err != nil || !got.IsZero() {
		t.Fatalf("Since of an empty store = %v, %v; want zero", got, err)
	}
	mustSave(t, s, "https://e.org/b", []store.Item{{GUID: "b"}}, t0.Add(time.Hour))
	mustSave(t, s, "https://e.org/a", []store.Item{{GUID: "a"}}, t0)
	mustSave(t, s, "https://e.org/b", []store.Item{{GUID: "b"}, {GUID: "c"}}, t0.Add(2*time.Hour))
	if got, err := s.Since(ctx); err != nil || !got.Equal(t0) {
		t.Errorf("Since = %v, %v; want %v, the earliest first-seen", got, err, t0)
	}
}

// testBadData: what one engine refuses of a feed's data (PostgreSQL:
// invalid UTF-8, NUL in text) is ErrBadData, the feed's problem: nothing
// of that feed is stored, and the next feed is stored as usual. SQLite
// takes such text; either way nothing else breaks.
func testBadData(t *testing.T, s Store) {
	ctx := context.Background()
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	for _, it := range []store.Item{
		{GUID: "bad-utf8", Title: "broken \xff\xfe bytes", Link: "https://bad.example/1"},
		{GUID: "nul", Title: "a NUL \x00 inside", Link: "https://bad.example/2"},
	} {
		_, err := s.SaveFeed(ctx, "https://bad.example/feed-"+it.GUID, store.Fetched{Title: "Bad", Items: []store.Item{it}}, now)
		if err != nil && !errors.Is(err, store.ErrBadData) {
			t.Errorf("%s: %v, want nil or ErrBadData (the feed's data, not the database)", it.GUID, err)
		}
	}
	before := mustCount(t, s)
	mustSave(t, s, "https://good.example/feed", []store.Item{{GUID: "g", Title: "Fine", Link: "https://good.example/1"}}, now)
	if after := mustCount(t, s); after != before+1 {
		t.Errorf("items %d after a good feed, want %d", after, before+1)
	}
}

// testSchedule: what fetching learns of a feed's schedule and location
// (Retry-After, back-off, 410 Gone, permanent moves) is kept by every
// engine, and a success resets the schedule: several workers sharing
// PostgreSQL leave a waiting feed alone as one SQLite run does.
func testSchedule(t *testing.T, s Store) {
	ctx := context.Background()
	const url = "https://sched.example/feed"
	next := t0.Add(2 * time.Hour)
	if err := s.FailedState(ctx, url, store.Failure{Class: "rate_limited", Msg: "feed x: rate_limited: 429", Next: next, NotCounted: true}, t0); err != nil {
		t.Fatal(err)
	}
	f, ok, err := s.Feed(ctx, url)
	if err != nil || !ok || !f.NextFetchAt.Equal(next) || f.Failures != 0 || f.ErrorClass != "rate_limited" || !f.ErrorAt.Equal(t0) {
		t.Fatalf("after a 429: %+v (%v %v), want next %v, 0 failures, its class and time", f, ok, err, next)
	}
	if err := s.FailedState(ctx, url, store.Failure{Class: "gone", Msg: "feed x: gone: 410", Gone: true}, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if f, _, _ = s.Feed(ctx, url); !f.GoneAt.Equal(t0.Add(time.Hour)) || f.Failures != 1 {
		t.Errorf("after a 410: gone %v, %d failures", f.GoneAt, f.Failures)
	}
	if err := s.Waited(ctx, url, t0.Add(90*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if g, _, _ := s.Feed(ctx, url); !g.GoneAt.Equal(f.GoneAt) || g.Failures != f.Failures || !g.CheckedAt.Equal(f.CheckedAt) {
		t.Errorf("Waited changed the feed's state: %+v", g)
	}
	loc := store.Location{FetchURL: "https://new.example/feed", MovedTo: "https://new.example/feed", MovedCount: 3}
	if err := s.NotModifiedAt(ctx, url, loc, t0.Add(3*time.Hour)); err != nil {
		t.Fatal(err)
	}
	f, _, _ = s.Feed(ctx, url)
	if !f.NextFetchAt.IsZero() || !f.GoneAt.IsZero() || f.Failures != 0 || f.Location != loc {
		t.Errorf("after a 304: %+v, want the schedule reset and location %+v", f, loc)
	}
	moved := store.Location{FetchURL: "https://newer.example/feed"}
	if err := s.FailedState(ctx, url, store.Failure{Class: "timeout", Msg: "feed x: timeout", Next: next}, t0.Add(4*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveFeed(ctx, url, store.Fetched{Title: "T", Location: moved, Items: []store.Item{{GUID: "s1", Title: "x"}}}, t0.Add(5*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if f, _, _ = s.Feed(ctx, url); !f.NextFetchAt.IsZero() || f.Failures != 0 || f.Location != moved {
		t.Errorf("after a success: %+v, want the schedule reset and location %+v", f, moved)
	}
}
