package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoad_OPMLImport(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"newsboat.opml", "freshrss.opml"} {
		b := mustReadFile(t, filepath.Join("../../feedout/testdata", f))
		os.WriteFile(filepath.Join(dir, f), b, 0o644)
	}
	cfg := filepath.Join(dir, "config.toml")
	os.WriteFile(cfg, []byte(`database = "f.db"
output_dir = "out"
opml = ["newsboat.opml", "freshrss.opml"]

[[feeds]]
url = "https://go.example.com/blog/feed.atom"
title = "Listed in the config too"

[[topics]]
name = "t"
title = "T"
query = "go"
`), 0o644)
	s, err := load(cfg)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, f := range s.cfg.Feeds {
		seen[f.URL]++
	}
	if len(s.cfg.Feeds) < 4 || s.cfg.Feeds[0].Title != "Listed in the config too" {
		t.Errorf("feeds = %+v", s.cfg.Feeds)
	}
	for u, n := range seen {
		if n > 1 {
			t.Errorf("%s listed %d times", u, n)
		}
	}

	os.WriteFile(filepath.Join(dir, "bad.opml"), []byte("<html>not opml</html>"), 0o644)
	os.WriteFile(cfg, []byte(strings.Replace(string(mustReadFile(t, cfg)), `"freshrss.opml"`, `"bad.opml"`, 1)), 0o644)
	if _, err := load(cfg); err == nil || !strings.Contains(err.Error(), "bad.opml") {
		t.Errorf("bad OPML: %v, want an error naming the file", err)
	}
}

func TestRun_Formats(t *testing.T) {
	cfg := copyExample(t)
	s := string(mustReadFile(t, cfg))
	s = strings.Replace(s, "[[topics]]\n", "[[topics]]\nformats = [\"atom\", \"json\"]\n", 1)
	os.WriteFile(cfg, []byte(s), 0o644)
	if code, _, stderr := feedsift(t, "run", "-config", cfg); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	out := filepath.Join(filepath.Dir(cfg), "out")
	for name, want := range map[string]bool{
		"russia-china-security.atom": true, "russia-china-security.json": true, "russia-china-security.rss": false,
		"index.html": true, "topics.opml": true,
	} {
		if _, err := os.Stat(filepath.Join(out, name)); (err == nil) != want {
			t.Errorf("%s exists: %v, want %v", name, err == nil, want)
		}
	}
	index := string(mustReadFile(t, filepath.Join(out, "index.html")))
	if !strings.Contains(index, `type="application/atom+xml"`) || strings.Contains(index, "<script") {
		t.Errorf("index.html lacks feed auto-discovery or has a script")
	}

	os.WriteFile(cfg, []byte(strings.Replace(s, `formats = ["atom", "json"]`, `formats = ["atom", "html"]`, 1)), 0o644)
	if code, _, stderr := feedsift(t, "check", "-config", cfg); code != exitUsage || !strings.Contains(stderr, `"html"`) {
		t.Errorf("unknown format: exit %d, %s", code, stderr)
	}
}

func TestOffsetOf(t *testing.T) {
	src := "a OR\n  (b AND с)"
	tests := []struct {
		line, col, want int
	}{{1, 1, 0}, {1, 3, 2}, {2, 3, 7}, {2, 10, 14}, {2, 11, 16}}
	for _, tt := range tests {
		if got, ok := offsetOf(src, tt.line, tt.col); !ok || got != tt.want {
			t.Errorf("offsetOf(%d, %d) = %d, %v; want %d", tt.line, tt.col, got, ok, tt.want)
		}
	}
}

// TestRun_Highlight: with highlight = true the words that matched are
// marked in the published text and on the index page, never in titles or
// group names; without it nothing is marked.
func TestRun_Highlight(t *testing.T) {
	cfg := copyExample(t)
	s := string(mustReadFile(t, cfg))
	if code, _, stderr := feedsift(t, "run", "-config", cfg); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	out := filepath.Join(filepath.Dir(cfg), "out")
	if strings.Contains(string(mustReadFile(t, filepath.Join(out, "russia-china-security.atom"))), "mark&gt;") {
		t.Errorf("marks without highlight = true")
	}
	os.WriteFile(cfg, []byte("highlight = true\n"+s), 0o644)
	if code, _, stderr := feedsift(t, "replay", "-config", cfg, "-topic", "russia-china-security"); code != exitOK {
		t.Fatalf("replay: exit %d: %s", code, stderr)
	}
	atom := string(mustReadFile(t, filepath.Join(out, "russia-china-security.atom")))
	if !strings.Contains(atom, "&lt;mark&gt;Shoigu&lt;/mark&gt;") {
		t.Errorf("the atom feed does not mark Shoigu:\n%s", atom[:min(len(atom), 3000)])
	}
	if strings.Contains(atom, `<title type="text">`+"&lt;mark") || strings.Contains(atom, "&lt;mark&gt;security&lt;/mark&gt;&lt;/mark") {
		t.Errorf("a title or a group name was marked")
	}
	if page := string(mustReadFile(t, filepath.Join(out, "index.html"))); !strings.Contains(page, "<mark>") {
		t.Errorf("index.html shows no marks")
	}
}
