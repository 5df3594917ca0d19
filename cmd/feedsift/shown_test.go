package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The story fixture with retention on: one story carried by two feeds,
// the wire's copy seen first (it names the entry), the daily's published
// later, and an output of one entry.
func storyRetentionConfig(t *testing.T, dir string, feeds map[string]string) string {
	t.Helper()
	cfg := storyConfig(t, dir, feeds, "max_entries = 1\n")
	b := strings.Replace(string(mustReadFile(t, cfg)), "output_dir = \"out\"\n", "output_dir = \"out\"\nkeep_days = 1\nkeep_matched_days = 2\n", 1)
	if err := os.WriteFile(cfg, []byte(b), 0o644); err != nil {
		t.Fatal(err)
	}
	return cfg
}

func atomIDs(t *testing.T, path string) []string {
	t.Helper()
	var ids []string
	for _, m := range regexp.MustCompile(`(?s)<entry>.*?<id>([^<]+)</id>`).FindAllStringSubmatch(string(mustReadFile(t, path)), -1) {
		ids = append(ids, m[1])
	}
	return ids
}

// TestPrune_KeepsWhatTheOutputShows: with story grouping on, retention
// protects the copy the topic's entry is made of (the one seen first),
// not the newest match: after the feeds have moved on and old items are
// pruned, the story keeps its Atom id (readers would see it twice).
func TestPrune_KeepsWhatTheOutputShows(t *testing.T) {
	dir := t.TempDir()
	t0 := time.Date(2026, 11, 18, 12, 0, 0, 0, time.UTC)
	out := filepath.Join(dir, "out", "volcano.atom")
	cfg := storyRetentionConfig(t, dir, map[string]string{"wire": rss("Wire", wireVolcano)})
	if code, _, stderr := feedsiftAt(t, t0, "run", "-config", cfg); code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	first := atomIDs(t, out)
	cfg = storyRetentionConfig(t, dir, map[string]string{"wire": rss("Wire", wireVolcano), "daily": rss("Daily", dailyVolcano)})
	if code, _, stderr := feedsiftAt(t, t0.Add(time.Hour), "run", "-config", cfg); code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if got := atomIDs(t, out); len(first) != 1 || strings.Join(got, " ") != first[0] {
		t.Fatalf("the copy changed the entry: %q, then %q", first, got)
	}
	// The feeds move on; ten days later the old items are pruned.
	cfg = storyRetentionConfig(t, dir, map[string]string{"wire": rss("Wire"), "daily": rss("Daily")})
	later := t0.Add(10 * 24 * time.Hour)
	code, stdout, stderr := feedsiftAt(t, later, "prune", "-config", cfg)
	if code != exitOK || !strings.Contains(stdout, "deleted 0 unmatched items") {
		t.Fatalf("prune: exit %d\n%s%s", code, stdout, stderr)
	}
	if code, _, stderr := feedsiftAt(t, later, "run", "-config", cfg); code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if got := atomIDs(t, out); strings.Join(got, " ") != first[0] {
		t.Errorf("after prune the story is published under another id: %q, was %q", got, first)
	}
	if b := string(mustReadFile(t, out)); !strings.Contains(b, "Daily Desk") {
		t.Errorf("the copy the entry names as another outlet was pruned:\n%s", b)
	}
}

// TestReplay_DryRunShowsWhatReplayWrites: with story grouping on, the
// dry run's diff is the change replay then makes to the output: copies
// of one story are one entry.
func TestReplay_DryRunShowsWhatReplayWrites(t *testing.T) {
	dir := t.TempDir()
	feeds := map[string]string{"wire": rss("Wire", wireVolcano), "daily": rss("Daily", dailyVolcano, dailyOther)}
	cfg := storyConfig(t, dir, feeds, "")
	b := strings.Replace(string(mustReadFile(t, cfg)), `query = "volcano"`, `query = "museum"`, 1)
	if err := os.WriteFile(cfg, []byte(b), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := feedsift(t, "run", "-config", cfg); code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	out := filepath.Join(dir, "out", "volcano.atom")
	before := atomTitles(t, out)
	if err := os.WriteFile(cfg, []byte(strings.Replace(b, `query = "museum"`, `query = "evacuate OR flee"`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	code, dry, stderr := feedsift(t, "replay", "-config", cfg, "-dry-run")
	if code != exitOK {
		t.Fatalf("replay -dry-run: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := feedsift(t, "replay", "-config", cfg); code != exitOK {
		t.Fatalf("replay: exit %d\n%s", code, stderr)
	}
	after := atomTitles(t, out)
	var added, removed []string
	for _, l := range strings.Split(dry, "\n") {
		if rest, ok := strings.CutPrefix(l, "+ "); ok {
			added = append(added, rest)
		}
		if rest, ok := strings.CutPrefix(l, "- "); ok {
			removed = append(removed, rest)
		}
	}
	in := func(title string, ts []string) bool {
		for _, t := range ts {
			if t == title {
				return true
			}
		}
		return false
	}
	var gained, lost int
	for _, title := range after {
		if !in(title, before) {
			gained++
		}
	}
	for _, title := range before {
		if !in(title, after) {
			lost++
		}
	}
	if len(added) != gained || len(removed) != lost || len(after) != 1 {
		t.Errorf("dry run said +%d -%d; replay went from %q to %q\n%s", len(added), len(removed), before, after, dry)
	}
}
