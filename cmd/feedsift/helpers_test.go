package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
)

func equalJSON(t *testing.T, a, b any) bool {
	t.Helper()
	ja, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	jb, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	return string(ja) == string(jb)
}

// site is a configuration with local feeds in a temporary directory: the
// fixture of the command tests. Its topic "apples" keeps items whose title
// says apple, at most two in its output.
type site struct {
	dir, config string
}

const siteConfig = `# a test site
database = "feedsift.db"
output_dir = "out"
%s
[[feeds]]
url = "feeds/a.xml"
title = "Feed A"

[[feeds]]
url = "feeds/b.xml"

# Fruit, for the topic.
[groups.fruit]
terms = ["apple", "pear"]

[[topics]]
name = "apples"
title = "Apples"
max_entries = 2
query = 'title:apple'
`

// item is one RSS item of a test feed.
type item struct {
	guid, title string
	published   time.Time
}

// newSite writes the config (with extra top-level keys) and the feeds.
func newSite(t *testing.T, extra string, a, b []item) *site {
	t.Helper()
	s := &site{dir: t.TempDir()}
	s.config = filepath.Join(s.dir, "config.toml")
	if err := os.MkdirAll(filepath.Join(s.dir, "feeds"), 0o755); err != nil {
		t.Fatal(err)
	}
	s.write(t, "config.toml", fmt.Sprintf(siteConfig, extra))
	s.feed(t, "a", a)
	s.feed(t, "b", b)
	return s
}

func (s *site) write(t *testing.T, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(s.dir, name), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// feed writes feeds/<name>.xml as RSS 2.0.
func (s *site) feed(t *testing.T, name string, items []item) {
	t.Helper()
	s.write(t, filepath.Join("feeds", name+".xml"), rssDoc(name, items))
}

func rssDoc(name string, items []item) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>%s</title><link>https://%s.example.org/</link>\n", name, name)
	for _, it := range items {
		fmt.Fprintf(&b, "<item><guid>%s</guid><title>%s</title><link>https://%s.example.org/%s</link><pubDate>%s</pubDate></item>\n",
			it.guid, it.title, name, it.guid, it.published.Format(time.RFC1123Z))
	}
	b.WriteString("</channel></rss>\n")
	return b.String()
}

func (s *site) path(name string) string { return filepath.Join(s.dir, name) }

// feedsiftAt runs the command in-process with the clock at now.
func feedsiftAt(t *testing.T, now time.Time, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = runWith(context.Background(), args, &out, &errb, func() time.Time { return now })
	return code, out.String(), errb.String()
}

// atomTitles lists the entry titles of an Atom file, in order.
func atomTitles(t *testing.T, path string) []string {
	t.Helper()
	f, err := gofeed.NewParser().Parse(bytes.NewReader(mustReadFile(t, path)))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var ts []string
	for _, it := range f.Items {
		ts = append(ts, it.Title)
	}
	return ts
}

// golden compares got with testdata/name, rewriting it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./cmd/feedsift -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (go test ./cmd/feedsift -update to accept):\n%s", path, got)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("not a number: %q", s)
	}
	return n
}
