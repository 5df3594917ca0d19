package store

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"
)

// TestPrune: unmatched items go after their period, matched ones after
// theirs, and whatever an output shows stays however old.
func TestPrune(t *testing.T) {
	ctx := context.Background()
	day := 24 * time.Hour
	old, recent := t0.Add(-100*day), t0.Add(-5*day)
	s := mustOpen(t)
	// Each item is stored at its own time: changed_at = when stored.
	save := func(guid string, at time.Time) int64 {
		return mustSave(t, s, "https://e.org/f", []Item{{GUID: guid, Title: guid, Published: at}}, at).New[0]
	}
	ids := map[string]int64{
		"old-unmatched":     save("old-unmatched", old),
		"recent-unmatched":  save("recent-unmatched", recent),
		"old-matched-shown": save("old-matched-shown", old.Add(time.Hour)), // newest of the old matches
		"old-matched":       save("old-matched", old),
		"recent-matched":    save("recent-matched", recent),
		"old-other-topic":   save("old-other-topic", old),
	}
	match := func(topic string, names ...string) {
		var ms []Match
		for _, n := range names {
			ms = append(ms, Match{ItemID: ids[n], Score: 1})
		}
		if err := s.SetMatches(ctx, topic, "h", true, nil, ms); err != nil {
			t.Fatal(err)
		}
	}
	// Topic "a" shows its 2 newest: recent-matched and old-matched-shown.
	match("a", "old-matched-shown", "old-matched", "recent-matched")
	// Topic "gone" is no longer configured: its items count as matched but
	// no output protects them.
	match("gone", "old-other-topic")

	r := Retention{UnmatchedBefore: t0.Add(-30 * day), MatchedBefore: t0.Add(-60 * day), Shown: map[string]int{"a": 2}}
	r.DryRun = true
	dry, err := s.Prune(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	if n := mustCount(t, s); n != 6 {
		t.Errorf("a dry run deleted items: %d left", n)
	}
	r.DryRun = false
	got, err := s.Prune(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	if got != dry || got != (Pruned{Unmatched: 1, Matched: 2}) {
		t.Errorf("pruned %+v (dry run said %+v), want 1 unmatched and 2 matched", got, dry)
	}
	var left []string
	if err := s.EachItem(ctx, nil, func(it *FeedItem) error { left = append(left, it.GUID); return nil }); err != nil {
		t.Fatal(err)
	}
	sort.Strings(left)
	if want := "old-matched-shown,recent-matched,recent-unmatched"; strings.Join(left, ",") != want {
		t.Errorf("left %v, want %s", left, want)
	}
	if ms, _ := s.Matches(ctx, "a", 0); len(ms) != 2 {
		t.Errorf("topic a keeps %d matches, want 2 (the pruned one's match goes with it)", len(ms))
	}

	// Zero cut-offs delete nothing; a cap of 0 protects every match.
	if got, err := s.Prune(ctx, Retention{}); err != nil || got != (Pruned{}) {
		t.Errorf("empty retention: %+v %v", got, err)
	}
	if got, _ := s.Prune(ctx, Retention{MatchedBefore: t0, Shown: map[string]int{"a": 0}}); got.Matched != 0 {
		t.Errorf("uncapped topic lost %d items", got.Matched)
	}
}

func TestVacuum(t *testing.T) {
	ctx := context.Background()
	defer func(n int) { vacuumMinFree = n }(vacuumMinFree)
	vacuumMinFree = 16
	s := mustOpen(t)
	if ran, err := s.Vacuum(ctx, false); err != nil || ran {
		t.Errorf("vacuum of a fresh database: ran=%v err=%v", ran, err)
	}
	big := strings.Repeat("x", 8000)
	var items []Item
	for i := range 40 {
		items = append(items, Item{GUID: fmt.Sprint(i), Content: big})
	}
	mustSave(t, s, "https://e.org/f", items, t0.Add(-400*24*time.Hour))
	if _, err := s.Prune(ctx, Retention{UnmatchedBefore: t0}); err != nil {
		t.Fatal(err)
	}
	if ran, err := s.Vacuum(ctx, false); err != nil || !ran {
		t.Errorf("vacuum after deleting most of the file: ran=%v err=%v", ran, err)
	}
	if ran, err := s.Vacuum(ctx, false); err != nil || ran {
		t.Errorf("second vacuum: ran=%v err=%v", ran, err)
	}
}
