package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// readmeBlocks returns the README's fenced blocks of a language.
func readmeBlocks(t *testing.T, lang string) []string {
	t.Helper()
	readme := string(mustReadFile(t, "../../README.md"))
	re := regexp.MustCompile("(?s)```" + lang + "\n(.*?)```")
	var out []string
	for _, m := range re.FindAllStringSubmatch(readme, -1) {
		out = append(out, m[1])
	}
	return out
}

// TestReadme_ConfigSnippets: every ```toml block of the README passes
// check, completed with what a fragment leaves out (a database, an output
// directory, a feed, a topic) but nothing it names: a group it uses must
// be defined in it.
func TestReadme_ConfigSnippets(t *testing.T) {
	blocks := readmeBlocks(t, "toml")
	if len(blocks) < 3 {
		t.Fatalf("found %d toml blocks in the README", len(blocks))
	}
	key := func(block, k string) bool {
		return regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(k)).MatchString(block)
	}
	for i, b := range blocks {
		var cfg strings.Builder
		if !key(b, "database") {
			cfg.WriteString("database = \"feedsift.db\"\n")
		}
		if !key(b, "output_dir") {
			cfg.WriteString("output_dir = \"out\"\n")
		}
		cfg.WriteString(b + "\n")
		if !key(b, "[[feeds]]") {
			cfg.WriteString("[[feeds]]\nurl = \"https://example.org/feed.xml\"\n")
		}
		if !key(b, "[[topics]]") {
			cfg.WriteString("[[topics]]\nname = \"t\"\ntitle = \"T\"\nquery = \"Russia\"\n")
		}
		path := filepath.Join(t.TempDir(), "config.toml")
		os.WriteFile(path, []byte(cfg.String()), 0o644)
		if code, stdout, stderr := feedsift(t, "check", "-config", path); code != exitOK {
			t.Errorf("README toml block %d does not pass check (exit %d):\n%s\n%s%s", i+1, code, b, stdout, stderr)
		}
	}
}

// TestReadme_FirstTopic follows "Your first topic" as written: the
// group and topic it appends to the example, then check, run, items,
// explain and test with labels as label writes them.
func TestReadme_FirstTopic(t *testing.T) {
	var walk string
	for _, b := range readmeBlocks(t, "sh") {
		if strings.Contains(b, "cp -r example my") {
			walk = b
		}
	}
	i, j := strings.Index(walk, "<<'TOML'\n"), strings.Index(walk, "\nTOML\n")
	if i < 0 || j < i {
		t.Fatalf("README: no \"Your first topic\" block appending TOML to my/config.toml:\n%s", walk)
	}
	dir := filepath.Join(t.TempDir(), "my")
	if err := os.CopyFS(dir, os.DirFS("../../example")); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "config.toml")
	f, err := os.OpenFile(cfg, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(walk[i+len("<<'TOML'\n") : j+1])
	f.Close()
	code, stdout, stderr := feedsift(t, "check", "-config", cfg)
	if code != exitOK || !strings.Contains(stdout, "ok: 3 feeds, 37 groups, 2 topics") {
		t.Fatalf("check: exit %d\n%s%s", code, stdout, stderr)
	}
	if code, _, stderr := feedsift(t, "run", "-config", cfg); code != exitOK {
		t.Fatalf("run: exit %d\n%s", code, stderr)
	}
	if titles := atomTitles(t, filepath.Join(dir, "out", "markets.atom")); len(titles) != 2 {
		t.Errorf("markets.atom: %q, want the two markets stories", titles)
	}
	code, stdout, _ = feedsift(t, "items", "-config", cfg, "-topic", "markets", "-matched")
	if code != exitOK || !strings.Contains(stdout, "China's factory output beats forecasts") {
		t.Errorf("items -matched: exit %d\n%s", code, stdout)
	}
	code, stdout, _ = feedsift(t, "explain", "-config", cfg, "-topic", "markets", "-link", "https://world-desk.example.org/2026/11/china-factory-output")
	if code != exitOK || !strings.Contains(stdout, "title:@markets  <- factory, forecast, output") {
		t.Errorf("explain: exit %d\n%s", code, stdout)
	}
	labels := filepath.Join(dir, "labels.tsv")
	os.WriteFile(labels, []byte("link\tlabel\ttitle\nhttps://world-desk.example.org/2026/11/china-factory-output\t1\tx\nhttps://world-desk.example.org/2026/11/russia-china-trade\t0\ty\n"), 0o644)
	code, stdout, _ = feedsift(t, "test", "-config", cfg, "-topic", "markets", "-labels", labels, "-split", "2026-11-15")
	if code != exitOK || !strings.Contains(stdout, "Russia and China report record trade in energy and grain") {
		t.Errorf("test: the walk-through's false positive is not listed: exit %d\n%s", code, stdout)
	}
	if code, stdout, _ = feedsift(t, "replay", "-config", cfg, "-topic", "markets", "-dry-run"); code != exitOK {
		t.Errorf("replay -dry-run: exit %d\n%s", code, stdout)
	}
}
