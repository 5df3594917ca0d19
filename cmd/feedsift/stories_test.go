package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/feedsift/feedsift/config"
	"github.com/feedsift/feedsift/story"
	"github.com/mmcdole/gofeed"
)

func rss(title string, items ...[4]string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0"?><rss version="2.0"><channel><title>%s</title><link>https://%s.example.org/</link>`, title, strings.ToLower(title))
	for _, it := range items { // link, title, description, pubDate
		fmt.Fprintf(&b, `<item><guid>%s</guid><link>%s</link><title>%s</title><description>%s</description><pubDate>%s</pubDate></item>`,
			it[0], it[0], it[1], it[2], it[3])
	}
	b.WriteString(`</channel></rss>`)
	return b.String()
}

var (
	wireVolcano = [4]string{"https://wire.example.org/2026/11/volcano?utm_source=rss", "Volcano erupts near the capital, forcing thousands to evacuate",
		"Lava flowed toward the outskirts of the capital on Wednesday as thousands left their homes, officials said.", "Wed, 18 Nov 2026 06:00:00 GMT"}
	dailyVolcano = [4]string{"https://daily.example.com/world/volcano-capital-evacuation", "Volcano erupts near the capital, forcing thousands to flee",
		"Thousands left their homes on Wednesday as lava flowed toward the outskirts of the capital, officials said.", "Wed, 18 Nov 2026 09:00:00 GMT"}
	dailyOther = [4]string{"https://daily.example.com/world/volcano-museum", "Volcano museum reopens after renovation",
		"A museum about the volcano reopened its doors to visitors after two years.", "Wed, 18 Nov 2026 10:00:00 GMT"}
)

// storyConfig writes a config with the given feeds (name → RSS) and a
// topic about volcanoes; extra is appended to the topic.
func storyConfig(t *testing.T, dir string, feeds map[string]string, extra string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("database = \"feedsift.db\"\noutput_dir = \"out\"\n")
	for _, name := range []string{"wire", "daily"} {
		body, ok := feeds[name]
		if !ok {
			continue
		}
		if err := os.WriteFile(filepath.Join(dir, name+".xml"), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "\n[[feeds]]\nurl = \"%s.xml\"\ntitle = \"%s Desk\"\n", name, strings.ToUpper(name[:1])+name[1:])
	}
	b.WriteString("\n[[topics]]\nname = \"volcano\"\ntitle = \"Volcano\"\nquery = \"volcano\"\n" + extra)
	cfg := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(cfg, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return cfg
}

func mustRun(t *testing.T, cfg string) *gofeed.Feed {
	t.Helper()
	code, _, stderr := feedsift(t, "run", "-config", cfg)
	if code != exitOK {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	b := mustReadFile(t, filepath.Join(filepath.Dir(cfg), "out", "volcano.atom"))
	f, err := gofeed.NewParser().Parse(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestRun_Stories: a copy from a second feed joins the entry of the first
// without changing its id; the entry names and links the other outlet;
// explain-story says why; dedup = false lists both.
func TestRun_Stories(t *testing.T) {
	dir := t.TempDir()
	cfg := storyConfig(t, dir, map[string]string{"wire": rss("Wire", wireVolcano)}, "")
	first := mustRun(t, cfg)
	if len(first.Items) != 1 {
		t.Fatalf("first run: %d entries, want 1", len(first.Items))
	}
	id := first.Items[0].GUID

	cfg = storyConfig(t, dir, map[string]string{"wire": rss("Wire", wireVolcano), "daily": rss("Daily", dailyVolcano, dailyOther)}, "")
	second := mustRun(t, cfg)
	if len(second.Items) != 2 {
		t.Fatalf("second run: %d entries, want 2 (the volcano story once, the museum)", len(second.Items))
	}
	var merged *gofeed.Item
	for _, it := range second.Items {
		if it.GUID == id {
			merged = it
		}
	}
	if merged == nil {
		t.Fatalf("the story's entry id changed when a copy joined: want %s", id)
	}
	if merged.Link != wireVolcano[0] {
		t.Errorf("entry link %s, want the first copy's", merged.Link)
	}
	text := merged.Description + merged.Content
	if !strings.Contains(text, "Also reported by") || !strings.Contains(text, "Daily Desk") || !strings.Contains(text, dailyVolcano[0]) {
		t.Errorf("the entry does not name the other outlet: %q", text)
	}
	raw := string(mustReadFile(t, filepath.Join(dir, "out", "volcano.atom")))
	if !strings.Contains(raw, `<link href="`+dailyVolcano[0]+`" rel="related" type="text/html" title="Daily Desk">`) {
		t.Errorf("no rel=\"related\" link to the copy:\n%s", raw)
	}
	if !merged.UpdatedParsed.After(*first.Items[0].UpdatedParsed) {
		t.Errorf("updated did not move when a copy joined: %v", merged.UpdatedParsed)
	}

	code, out, stderr := feedsift(t, "explain-story", "-config", cfg, dailyVolcano[0])
	if code != exitOK {
		t.Fatalf("explain-story: exit %d: %s", code, stderr)
	}
	for _, want := range []string{"(2 copies)", "first copy", "joined 1: similarity", "Daily Desk", "Wire Desk"} {
		if !strings.Contains(out, want) {
			t.Errorf("explain-story output lacks %q:\n%s", want, out)
		}
	}

	// The topic's own switch.
	cfg = storyConfig(t, dir, map[string]string{"wire": rss("Wire", wireVolcano), "daily": rss("Daily", dailyVolcano, dailyOther)}, "dedup = false\n")
	if all := mustRun(t, cfg); len(all.Items) != 3 {
		t.Errorf("dedup = false: %d entries, want 3", len(all.Items))
	}
	// A stricter threshold than the copies' similarity splits them.
	cfg = storyConfig(t, dir, map[string]string{"wire": rss("Wire", wireVolcano), "daily": rss("Daily", dailyVolcano, dailyOther)}, "dedup_threshold = 0.99\n")
	if all := mustRun(t, cfg); len(all.Items) != 3 {
		t.Errorf("dedup_threshold = 0.99: %d entries, want 3", len(all.Items))
	}
}

func TestExplainStory_Usage(t *testing.T) {
	for _, args := range [][]string{{"explain-story"}, {"explain-story", "-config", "x.toml"}, {"explain-story", "-config", "x.toml", "1", "2"}} {
		if code, _, _ := feedsift(t, args...); code != exitUsage {
			t.Errorf("%q: exit %d, want %d", args, code, exitUsage)
		}
	}
}

// TestDedupDefaults keeps config's defaults and package story's in step.
func TestDedupDefaults(t *testing.T) {
	if config.DefaultDedupWindow != story.DefaultWindow || config.DefaultDedupThreshold != story.DefaultThreshold {
		t.Errorf("config defaults %v %v, story defaults %v %v", config.DefaultDedupWindow, config.DefaultDedupThreshold,
			story.DefaultWindow, story.DefaultThreshold)
	}
}

// TestRun_StoriesManyOutlets: an entry names each other outlet once (two
// copies from one feed are one outlet; the entry's own feed is not
// another) and at most [dedup] max_sources of them, counting the rest, so
// that a story carried by thousands of feeds stays a short entry.
func TestRun_StoriesManyOutlets(t *testing.T) {
	const outlets = 12 // feeds carrying the story; the entry is one of them
	tests := []struct {
		maxSources string // the [dedup] line, "" for the default
		listed     int
		more       string
	}{
		{"", outlets - 1, ""},
		{"max_sources = 5", 5, "and 6 more outlets"},
		{"max_sources = 10", 10, "and 1 more outlet<"},
		{"max_sources = 0", outlets - 1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.maxSources, func(t *testing.T) {
			dir := t.TempDir()
			var cfg strings.Builder
			cfg.WriteString("database = \"feedsift.db\"\noutput_dir = \"out\"\n")
			if tt.maxSources != "" {
				cfg.WriteString("[dedup]\n" + tt.maxSources + "\n")
			}
			for f := range outlets {
				link := fmt.Sprintf("https://outlet%d.example/volcano", f)
				items := [][4]string{{link, wireVolcano[1], wireVolcano[2], wireVolcano[3]}}
				if f == outlets-1 { // the same copy twice (a tracking parameter): one outlet
					items = append(items, [4]string{link + "?utm_source=x", wireVolcano[1], wireVolcano[2], wireVolcano[3]})
				}
				name := fmt.Sprintf("o%02d.xml", f)
				if err := os.WriteFile(filepath.Join(dir, name), []byte(rss(fmt.Sprintf("Outlet%d", f), items...)), 0o644); err != nil {
					t.Fatal(err)
				}
				fmt.Fprintf(&cfg, "\n[[feeds]]\nurl = %q\ntitle = \"Outlet %d\"\n", name, f)
			}
			cfg.WriteString("\n[[topics]]\nname = \"volcano\"\ntitle = \"Volcano\"\nquery = \"volcano\"\n")
			path := filepath.Join(dir, "config.toml")
			if err := os.WriteFile(path, []byte(cfg.String()), 0o644); err != nil {
				t.Fatal(err)
			}
			f := mustRun(t, path)
			if len(f.Items) != 1 {
				t.Fatalf("%d entries, want the story once", len(f.Items))
			}
			raw := string(mustReadFile(t, filepath.Join(dir, "out", "volcano.atom")))
			related := strings.Count(raw, `rel="related"`)
			text := f.Items[0].Description + f.Items[0].Content
			named := strings.Count(text, "(Volcano erupts")
			own := f.Items[0].Link
			if related != tt.listed || named != tt.listed || strings.Contains(text, own) {
				t.Errorf("%d related links, %d outlets named (want %d of the %d others), own link %s named: %v\n%s",
					related, named, tt.listed, outlets-1, own, strings.Contains(text, own), text)
			}
			if tt.more != "" && !strings.Contains(text, tt.more) || tt.more == "" && strings.Contains(text, "more outlet") {
				t.Errorf("want %q in the entry's text:\n%s", tt.more, text)
			}
		})
	}
}

// TestRun_HotStories: an entry says how many outlets carry its story;
// min_outlets publishes only stories carried by that many, in every
// format and on the index page; index_order = "outlets" lists the most
// carried first; the JSON Feed carries the count.
func TestRun_HotStories(t *testing.T) {
	for _, tt := range []struct {
		extra   string
		entries int
	}{
		{"", 2},
		{"index_order = \"outlets\"\n", 2},
		{"min_outlets = 3\nindex_order = \"outlets\"\n", 1},
	} {
		dir := t.TempDir()
		var cfg strings.Builder
		cfg.WriteString("database = \"feedsift.db\"\noutput_dir = \"out\"\nsite_title = \"Volcano watch\"\n")
		for f := range 3 {
			link := fmt.Sprintf("https://outlet%d.example/volcano", f)
			items := [][4]string{{link, wireVolcano[1], wireVolcano[2], wireVolcano[3]}}
			if f == 0 { // a newer story only one outlet carries
				items = append(items, dailyOther)
			}
			name := fmt.Sprintf("o%d.xml", f)
			if err := os.WriteFile(filepath.Join(dir, name), []byte(rss(fmt.Sprintf("Outlet%d", f), items...)), 0o644); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&cfg, "\n[[feeds]]\nurl = %q\ntitle = \"Outlet %d\"\n", name, f)
		}
		cfg.WriteString("\n[[topics]]\nname = \"volcano\"\ntitle = \"Volcano\"\nquery = \"volcano\"\n" + tt.extra)
		path := filepath.Join(dir, "config.toml")
		if err := os.WriteFile(path, []byte(cfg.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		f := mustRun(t, path)
		if len(f.Items) != tt.entries {
			t.Fatalf("%q: %d entries, want %d", tt.extra, len(f.Items), tt.entries)
		}
		var hot string
		for _, it := range f.Items {
			if strings.Contains(it.Title, "erupts") {
				hot = it.Description + it.Content
			}
		}
		if !strings.Contains(hot, "Carried by 3 outlets.") {
			t.Errorf("%q: the story's entry does not say it is carried by 3 outlets:\n%s", tt.extra, hot)
		}
		js := string(mustReadFile(t, filepath.Join(dir, "out", "volcano.json")))
		if !strings.Contains(js, `"outlets": 3`) {
			t.Errorf("%q: the JSON Feed lacks _feedsift.outlets", tt.extra)
		}
		page := string(mustReadFile(t, filepath.Join(dir, "out", "index.html")))
		if !strings.Contains(page, "<title>Volcano watch</title>") || !strings.Contains(page, "carried by 3 outlets") {
			t.Errorf("%q: index.html lacks the site title or the outlet count", tt.extra)
		}
		erupts, museum := strings.Index(page, "erupts"), strings.Index(page, "museum reopens")
		switch {
		case tt.extra == "" && (museum < 0 || museum > erupts):
			t.Errorf("by date: the newer one-outlet story should come first")
		case tt.entries == 2 && tt.extra != "" && (museum < 0 || museum < erupts):
			t.Errorf("index_order = outlets: the story of 3 outlets should come first")
		}
		if tt.entries == 1 && strings.Contains(page, "museum") {
			t.Errorf("min_outlets: the one-outlet story is on the index page")
		}
	}
	dir := t.TempDir()
	cfg := storyConfig(t, dir, map[string]string{"wire": rss("Wire", wireVolcano)}, "min_outlets = 2\ndedup = false\n")
	if code, _, stderr := feedsift(t, "check", "-config", cfg); code != exitUsage || !strings.Contains(stderr, "min_outlets = 2 counts the outlets") {
		t.Errorf("min_outlets without grouping: exit %d %s", code, stderr)
	}
}

// TestExplainStory_Nearest: an item whose rewritten copy stayed apart
// shows that copy as its nearest candidate, with each signal's score
// against the threshold; one outlet's own items say why they never join.
func TestExplainStory_Nearest(t *testing.T) {
	dir := t.TempDir()
	rewrite := [4]string{"https://daily.example.com/world/evacuation", "Residents flee a new eruption",
		"Lava flowed toward the outskirts of the capital on Wednesday, officials said, as the volcano erupted again.", "Wed, 18 Nov 2026 08:00:00 GMT"}
	cfg := storyConfig(t, dir, map[string]string{"wire": rss("Wire", wireVolcano), "daily": rss("Daily", rewrite, dailyOther)}, "")
	mustRun(t, cfg)
	code, stdout, stderr := feedsift(t, "explain-story", "-config", cfg, wireVolcano[0])
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "1 copy: no other feed carried it") {
		t.Fatalf("the rewrite should have stayed apart:\n%s", stdout)
	}
	i := strings.Index(stdout, "nearest items that did not join (threshold 0.55")
	if i < 0 || !strings.Contains(stdout[i:], rewrite[1]) || !strings.Contains(stdout[i:], "below the threshold 0.55") {
		t.Errorf("no nearest candidate with its scores:\n%s", stdout)
	}
	code, stdout, _ = feedsift(t, "explain-story", "-config", cfg, dailyOther[0])
	if code != exitOK || !strings.Contains(stdout, "the same feed: its items join only by link") && !strings.Contains(stdout, "shares a word pair") {
		t.Errorf("explain-story of the museum item:\n%s", stdout)
	}
}
