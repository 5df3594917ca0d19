package main

import (
	"cmp"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/feedsift/feedsift/config"
	"github.com/feedsift/feedsift/store"
	"github.com/feedsift/feedsift/story"
)

// syntheticFeeds writes nFeeds RSS files of perFeed items drawn from a
// small vocabulary, dated over days: many copies join by title and by
// text, some only within the window. It returns the config's path.
func syntheticFeeds(t *testing.T, dir string, nFeeds, perFeed, days int) string {
	t.Helper()
	rng := rand.New(rand.NewPCG(7, 9))
	words := strings.Fields(`army navy drill border talks minister visit summit trade pact port grain oil gas
		ship coast guard missile treaty envoy rally vote court judge strike storm flood quake fire rescue`)
	sentence := func() string {
		w := make([]string, 8)
		for i := range w {
			w[i] = words[rng.IntN(len(words))]
		}
		return strings.Join(w, " ") + "."
	}
	titles := make([]string, 400) // shared among feeds: copies join by title
	for i := range titles {
		titles[i] = sentence()
	}
	sentences := make([]string, 300) // shared: copies join by text
	for i := range sentences {
		sentences[i] = sentence()
	}
	var cfg strings.Builder
	cfg.WriteString("database = \"feedsift.db\"\noutput_dir = \"out\"\nconcurrency = 8\n")
	base := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for f := range nFeeds {
		var items [][4]string
		for i := range perFeed {
			summary := sentences[rng.IntN(len(sentences))] + " " + sentences[rng.IntN(len(sentences))] + " " + sentence()
			items = append(items, [4]string{fmt.Sprintf("https://site%d.example/%d", f, i), titles[rng.IntN(len(titles))],
				summary, base.Add(time.Duration(rng.IntN(24*days)) * time.Hour).Format(time.RFC1123)})
		}
		name := fmt.Sprintf("f%02d.xml", f)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(rss(fmt.Sprintf("Site%d", f), items...)), 0o644); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&cfg, "\n[[feeds]]\nurl = %q\n", name)
	}
	cfg.WriteString("\n[[topics]]\nname = \"army\"\ntitle = \"Army\"\nquery = \"army\"\n")
	path := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(path, []byte(cfg.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

type groupRow struct {
	id, group, parent int64
	score             float64
	reason            string
}

func storyRows(t *testing.T, dbPath string) []groupRow {
	t.Helper()
	db, err := sql.Open("sqlite", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT item_id, group_id, parent_id, score, reason FROM story_members ORDER BY item_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []groupRow
	for rows.Next() {
		var r groupRow
		if err := rows.Scan(&r.id, &r.group, &r.parent, &r.score, &r.reason); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

// TestRun_GroupSweep: the sweep, which drops members and saves items as
// they fall a window behind, decides what placing every item in the same
// order in one index that keeps them all decides; and holds one window's
// items at a time. Both ways: with few new items (all of them also
// indexed at once, to offer stored members to) and with many.
func TestRun_GroupSweep(t *testing.T) {
	t.Run("few", func(t *testing.T) { testGroupSweep(t, true) })
	t.Run("many", func(t *testing.T) {
		defer func(n int) { fewNewItems = n }(fewNewItems)
		fewNewItems = 0
		testGroupSweep(t, false)
	})
}

func testGroupSweep(t *testing.T, few bool) {
	dir := t.TempDir()
	path := syntheticFeeds(t, dir, 90, 30, 12)
	code, _, stderr := feedsift(t, "run", "-config", path, "-v")
	if code != exitOK {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	got := storyRows(t, filepath.Join(dir, "feedsift.db"))

	// The reference: every item, in order of story time then id, in one
	// index, groups following parents.
	st, err := store.Open(t.Context(), filepath.Join(dir, "feedsift.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	stamps, err := st.UngroupedStamps(t.Context())
	if err != nil || len(stamps) != 0 {
		t.Fatalf("%d items left ungrouped (%v)", len(stamps), err)
	}
	var ids []int64
	for _, r := range got {
		ids = append(ids, r.id)
	}
	rows, err := st.StoryItems(t.Context(), ids)
	if err != nil {
		t.Fatal(err)
	}
	items := make([]story.Item, len(rows))
	for i := range rows {
		items[i] = storyItem(&rows[i])
	}
	slices.SortFunc(items, func(a, b story.Item) int {
		if c := a.Time.Compare(b.Time); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	x := story.NewIndex(storyOptions(items[:min(len(items), groupBatch)], config.DefaultDedupWindow, config.DefaultDedupThreshold))
	group := map[int64]int64{}
	want := map[int64]groupRow{}
	joined := 0
	for _, it := range items {
		d := x.Place(it)
		if d.Parent == 0 {
			d.Group = it.ID
		} else {
			d.Group = group[d.Parent]
			joined++
		}
		group[it.ID] = d.Group
		want[it.ID] = groupRow{it.ID, d.Group, d.Parent, d.Score, string(d.Reason)}
	}
	if len(got) != 90*30 || joined < 100 {
		t.Fatalf("%d items grouped, %d joined: want 2700, and joins to compare", len(got), joined)
	}
	diff := 0
	for _, r := range got {
		if w := want[r.id]; r != w {
			if diff++; diff <= 5 {
				t.Errorf("item %d: group %d parent %d score %v %s; in one index: group %d parent %d score %v %s",
					r.id, r.group, r.parent, r.score, r.reason, w.group, w.parent, w.score, w.reason)
			}
		}
	}
	if diff > 0 {
		t.Errorf("%d of %d items differ", diff, len(got))
	}
	t.Logf("%d items over 12 days, %d joined: the same decisions", len(got), joined)

	// Memory follows the window: the index of placed items held the
	// items of one window (and the run of up to sweepRun items placed
	// together), not the pass; with few new items, all of them too.
	inWindow := 0
	for i, it := range items {
		from := sort.Search(i, func(k int) bool { return !items[k].Time.Before(it.Time.Add(-config.DefaultDedupWindow)) })
		inWindow = max(inWindow, i+1-from)
	}
	m := regexp.MustCompile(`stories grouped.*index_peak=(\d+)`).FindStringSubmatch(stderr)
	if m == nil {
		t.Fatalf("no index_peak in the log:\n%s", stderr)
	}
	peak, _ := strconv.Atoi(m[1])
	least := inWindow
	if few {
		least += len(items)
	}
	if peak < least || peak >= least+sweepRun || inWindow >= len(items)/2 {
		t.Errorf("index_peak=%d: want %d (the %d items of the fullest window of %d, few=%v), or up to %d more",
			peak, least, inWindow, len(items), few, sweepRun-1)
	}
}

// TestRun_EarlierCopyArrivesLater: a copy dated before the one already
// published, arriving in a later run, joins the published entry (which
// keeps its id) instead of starting its own.
func TestRun_EarlierCopyArrivesLater(t *testing.T) {
	dir := t.TempDir()
	cfg := storyConfig(t, dir, map[string]string{"daily": rss("Daily", dailyVolcano)}, "")
	first := mustRun(t, cfg)
	if len(first.Items) != 1 {
		t.Fatalf("first run: %d entries, want 1", len(first.Items))
	}
	cfg = storyConfig(t, dir, map[string]string{"daily": rss("Daily", dailyVolcano), "wire": rss("Wire", wireVolcano)}, "")
	second := mustRun(t, cfg)
	if len(second.Items) != 1 || second.Items[0].GUID != first.Items[0].GUID {
		t.Fatalf("second run: %d entries, want the first entry (%s) alone", len(second.Items), first.Items[0].GUID)
	}
	rows := storyRows(t, filepath.Join(dir, "feedsift.db"))
	if len(rows) != 2 || rows[1].parent != rows[0].id || rows[1].group != rows[0].group {
		t.Errorf("story rows %+v: want the wire copy (dated earlier, stored later) in the daily copy's group", rows)
	}
}

// TestRun_GroupSweepAcrossRuns: items stored over two runs whose dates
// interleave. The first run's groups stay as they were; every new item is
// in its parent's group, and its parent is within the window of it.
func TestRun_GroupSweepAcrossRuns(t *testing.T) {
	// With few new items, offering stored members to all of them (and
	// passing over those none can join) instead of indexing them changes
	// nothing: the same rows both ways.
	with := groupAcrossRuns(t)
	defer func(n int) { fewNewItems = n }(fewNewItems)
	fewNewItems = 0
	if without := groupAcrossRuns(t); !slices.Equal(with, without) {
		t.Errorf("offering stored members to every new item changed the groups")
	}
}

func groupAcrossRuns(t *testing.T) []groupRow {
	dir := t.TempDir()
	path := syntheticFeeds(t, dir, 60, 30, 12)
	all, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// One feed at a time: the same item ids in every run of the test.
	all = []byte(strings.Replace(string(all), "concurrency = 8", "concurrency = 1", 1))
	// First run: every other feed.
	feeds, topics, _ := strings.Cut(string(all), "\n[[topics]]\n")
	var half strings.Builder
	for i, part := range strings.Split(feeds, "\n[[feeds]]\n") {
		if i == 0 || i%2 == 0 {
			if i > 0 {
				half.WriteString("\n[[feeds]]\n")
			}
			half.WriteString(part)
		}
	}
	half.WriteString("\n[[topics]]\n" + topics)
	if err := os.WriteFile(path, []byte(half.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := feedsift(t, "run", "-config", path); code != exitOK {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	before := storyRows(t, filepath.Join(dir, "feedsift.db"))
	if err := os.WriteFile(path, all, 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := feedsift(t, "run", "-config", path, "-v")
	if code != exitOK {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	if i := strings.Index(stderr, "stories grouped"); i >= 0 {
		t.Log(strings.SplitN(stderr[i:], "\n", 2)[0])
	}
	after := storyRows(t, filepath.Join(dir, "feedsift.db"))
	if len(after) != 60*30 {
		t.Fatalf("%d items grouped, want %d", len(after), 60*30)
	}
	byID := map[int64]groupRow{}
	for _, r := range after {
		byID[r.id] = r
	}
	for _, r := range before {
		if byID[r.id] != r {
			t.Errorf("stored item %d changed: %+v -> %+v", r.id, r, byID[r.id])
		}
	}
	st, err := store.Open(t.Context(), filepath.Join(dir, "feedsift.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	members, err := st.StoryWindow(t.Context(), time.Unix(0, 0), time.Now().Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	when := map[int64]time.Time{}
	for _, m := range members {
		when[m.ItemID] = m.Time
	}
	toStored := 0
	for _, r := range after[len(before):] {
		if r.parent == 0 {
			if r.group != r.id {
				t.Errorf("item %d starts a group but is in %d", r.id, r.group)
			}
			continue
		}
		p := byID[r.parent]
		if r.group != p.group {
			t.Errorf("item %d is in group %d, its parent %d in %d", r.id, r.group, p.id, p.group)
		}
		if d := when[r.id].Sub(when[p.id]).Abs(); d > config.DefaultDedupWindow {
			t.Errorf("item %d joined %d, %v apart", r.id, p.id, d)
		}
		if p.id <= before[len(before)-1].id {
			toStored++
		}
	}
	if toStored < 50 {
		t.Errorf("only %d new items joined stored ones: the test compares little", toStored)
	}
	t.Logf("%d new items, %d joined stored ones", len(after)-len(before), toStored)
	return after
}
