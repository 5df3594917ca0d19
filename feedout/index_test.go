package feedout

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func testIndex() Index {
	return Index{
		Title:   "feedsift <topics>",
		Updated: time.Date(2025, 1, 15, 10, 0, 0, 0, time.UTC),
		OPML:    "feeds.opml",
		Topics: []IndexTopic{
			{
				Name: "golang", Title: "Go & friends", Description: "Items about Go",
				Atom: "golang.atom", RSS: "golang.rss", JSON: "golang.json",
				Entries: []IndexEntry{
					{Title: `Go 1.24 <script>alert("x")</script>`, Link: "https://go.example.com/blog/go1.24",
						Date: time.Date(2025, 1, 15, 9, 0, 0, 0, time.UTC), Source: "The Go Blog",
						Snippet: "The Go team <b>announces</b> Go 1.24 " + strings.Repeat("and more words ", 30), Groups: []string{"golang", "release"},
						Outlets: 3, Lang: "en_GB"},
					{Title: "Evil link", Link: "javascript:alert(1)", Source: "Mallory"},
					{Title: "", Link: "https://news.example.net/item?id=42&ref=feed"},
				},
			},
			{Name: "rust", Atom: "rust.atom"},
		},
	}
}

func TestWriteIndex_Golden(t *testing.T) {
	var a, b bytes.Buffer
	if err := WriteIndex(&a, testIndex()); err != nil {
		t.Fatal(err)
	}
	if err := WriteIndex(&b, testIndex()); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("two writes differ")
	}
	got := a.String()
	for _, bad := range []string{"<script", "javascript:", "feedsift <topics>"} {
		if strings.Contains(got, bad) {
			t.Errorf("index contains %q", bad)
		}
	}
	for _, want := range []string{
		`<link rel="alternate" type="application/atom+xml" title="Go &amp; friends (Atom)" href="golang.atom">`,
		`<link rel="alternate" type="application/rss+xml" title="Go &amp; friends (RSS)" href="golang.rss">`,
		`<link rel="alternate" type="application/feed+json" title="Go &amp; friends (JSON Feed)" href="golang.json">`,
		`<meta name="viewport"`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("index lacks %s", want)
		}
	}
	checkGolden(t, filepath.Join("testdata", "golden.html"), a.Bytes())
}

func TestWriteIndex_Invalid(t *testing.T) {
	idx := testIndex()
	idx.Topics[1].Name = ""
	if err := WriteIndex(&bytes.Buffer{}, idx); err == nil {
		t.Error("no error for a topic without a name")
	}
}

// TestWriteIndex_Chromium renders the page in headless Chromium, when there
// is one, and checks that a PNG screenshot comes out.
func TestWriteIndex_Chromium(t *testing.T) {
	const chromium = "/usr/bin/chromium"
	if _, err := os.Stat(chromium); err != nil {
		t.Skipf("no %s: %v", chromium, err)
	}
	if testing.Short() {
		t.Skip("skipped in -short mode")
	}
	dir := t.TempDir()
	page := filepath.Join(dir, "index.html")
	var buf bytes.Buffer
	if err := WriteIndex(&buf, testIndex()); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(page, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	shot := filepath.Join(dir, "index.png")
	cmd := exec.Command(chromium, "--headless", "--no-sandbox", "--disable-gpu",
		"--disable-background-networking", "--user-data-dir="+filepath.Join(dir, "profile"),
		"--window-size=412,915", "--screenshot="+shot, "file://"+page)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", chromium, err, out)
	}
	png, err := os.ReadFile(shot)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
		t.Errorf("%s is not a PNG", shot)
	}
}

// TestWriteIndex_ImplausibleDate: the index shows what the feeds publish,
// the first-seen time for a date before 1990, and no date without one.
func TestWriteIndex_ImplausibleDate(t *testing.T) {
	seen := time.Date(2026, 11, 20, 6, 0, 0, 0, time.UTC)
	tests := []struct {
		name            string
		date, firstSeen time.Time
		want            string // "" for no date shown
	}{
		{"plausible", time.Date(2025, 1, 15, 9, 0, 0, 0, time.UTC), seen, "2025-01-15 09:00 UTC"},
		{"1900, first seen", time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC), seen, "2026-11-20 06:00 UTC"},
		{"epoch, first seen", time.Unix(0, 0), seen, "2026-11-20 06:00 UTC"},
		{"1900, never seen", time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC), time.Time{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			idx := Index{Topics: []IndexTopic{{Name: "t", Entries: []IndexEntry{{Title: "x", Date: tt.date, FirstSeen: tt.firstSeen}}}}}
			var b bytes.Buffer
			if err := WriteIndex(&b, idx); err != nil {
				t.Fatal(err)
			}
			got := b.String()
			if strings.Contains(got, "1900") || strings.Contains(got, "1970") {
				t.Errorf("index shows an implausible date")
			}
			if tt.want == "" && strings.Contains(got, "<time") {
				t.Errorf("index shows a date")
			}
			if tt.want != "" && !strings.Contains(got, tt.want) {
				t.Errorf("index lacks %q", tt.want)
			}
		})
	}
}
