package store

import (
	"context"
	"fmt"
	"testing"
	"time"
)

func TestStories_RoundTrip(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	mustSave(t, s, "https://a.example.org/feed", []Item{{GUID: "a1", Link: "https://a.example.org/1", Title: "One"}}, t0)
	mustSave(t, s, "https://b.example.org/feed", []Item{{GUID: "b1", Link: "https://b.example.org/1", Title: "One again"},
		{GUID: "b2", Link: "https://b.example.org/2", Title: "Two"}}, t0.Add(time.Hour))

	un, err := s.Ungrouped(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(un) != 3 || un[0].ID >= un[1].ID || un[1].ID >= un[2].ID {
		t.Fatalf("Ungrouped = %d items, want 3 in id order", len(un))
	}
	a, b, c := un[0].ID, un[1].ID, un[2].ID
	ms := []StoryMember{
		{ItemID: a, GroupID: a, Time: t0, Link: "a.example.org/1", TitleKey: "one", Shingles: []uint64{1, 2, 1 << 63}},
		{ItemID: b, GroupID: a, ParentID: a, Score: 0.75, Reason: "text", TextScore: 0.5, TitleScore: 0.75,
			Time: t0.Add(time.Hour), TitleShingles: []uint64{7}},
		{ItemID: c, GroupID: c, Time: t0.Add(100 * time.Hour)},
	}
	if err := s.SaveStoryMembers(ctx, ms); err != nil {
		t.Fatal(err)
	}
	// Saving again keeps the first placement.
	again := ms[1]
	again.GroupID = c
	if err := s.SaveStoryMembers(ctx, []StoryMember{again}); err != nil {
		t.Fatal(err)
	}
	if un, err := s.Ungrouped(ctx); err != nil || len(un) != 0 {
		t.Errorf("Ungrouped after saving = %d items, %v", len(un), err)
	}

	win, err := s.StoryWindow(ctx, t0.Add(-time.Hour), t0.Add(2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	ms[0].FeedID, ms[1].FeedID = feedOf(t, s, a), feedOf(t, s, b)
	if got, want := fmt.Sprint(win), fmt.Sprint(ms[:2]); got != want {
		t.Errorf("StoryWindow =\n%s\nwant\n%s", got, want)
	}
	grp, err := s.StoryGroups(ctx, []int64{b, c})
	if err != nil {
		t.Fatal(err)
	}
	if len(grp) != 3 {
		t.Errorf("StoryGroups(b, c) = %d members, want 3", len(grp))
	}
	m, ok, err := s.StoryMember(ctx, b)
	if err != nil || !ok || m.GroupID != a || m.Reason != "text" || m.Score != 0.75 {
		t.Errorf("StoryMember(b) = %+v, %v, %v", m, ok, err)
	}
	if id, err := s.ItemByLink(ctx, "https://b.example.org/2"); err != nil || id != c {
		t.Errorf("ItemByLink = %d, %v; want %d", id, err, c)
	}

	// Deleting an item (retention) takes its story row with it.
	if _, err := s.db.ExecContext(ctx, `DELETE FROM items WHERE id = ?`, a); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.StoryMember(ctx, a); ok {
		t.Errorf("story row of a deleted item is still there")
	}
	if m, _, _ := s.StoryMember(ctx, b); m.GroupID != a {
		t.Errorf("the group id changed when its first member went: %d", m.GroupID)
	}
}

func feedOf(t *testing.T, s *Store, id int64) int64 {
	t.Helper()
	var f int64
	if err := s.db.QueryRow(`SELECT feed_id FROM items WHERE id = ?`, id).Scan(&f); err != nil {
		t.Fatal(err)
	}
	return f
}
