package feedout

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// testFeed is the golden input: hostile and relative HTML, several authors,
// categories, languages, enclosures, a source, a related link and
// characters XML cannot carry. Self must point at the document's own URL
// for the validator.
func testFeed(self string) *Feed {
	t0 := time.Date(2025, 1, 15, 10, 0, 0, 0, time.UTC)
	cet := time.FixedZone("CET", 3600)
	return &Feed{
		ID:       "tag:example.org,2025:feedsift/topic/golang",
		Title:    "feedsift: golang",
		Subtitle: "Items about Go <picked> & published by feedsift",
		Link:     "https://example.org/feeds/",
		Self:     self,
		Updated:  t0,
		Author:   "feedsift",
		Lang:     "en",
		Entries: []Entry{
			{
				ID:        "tag:example.org,2025:item/4f1c2a9e",
				Title:     "Go 1.24 <released> & \"ready\"\x01",
				Link:      "https://go.example.com/blog/go1.24",
				Published: time.Date(2025, 1, 15, 10, 0, 0, 0, cet),
				Updated:   time.Date(2025, 1, 15, 9, 30, 0, 0, time.UTC),
				Authors:   []string{"Alice Example", "Bob Example"},
				SummaryHTML: `<p>The <b>Go team</b> announces Go 1.24 &amp; its tools` +
					`<script>alert(1)</script></p>`,
				ContentHTML: `<p onclick="evil()">Read the <a href="/doc/go1.24">release notes</a>` +
					` and <a href="javascript:alert(1)">this</a>.</p>` +
					`<img src="img/gopher.png" onerror="alert(1)" alt="gopher">` +
					`<iframe src="https://evil.example/"></iframe><style>p{color:red}</style>` +
					`<img src="data:image/png;base64,AAAA" alt="data">`,
				Categories: []string{"golang", "release", "golang"},
				Lang:       "en_GB",
				Enclosures: []Enclosure{
					{URL: "https://go.example.com/talk.mp3", Type: "audio/mpeg", Length: 12345},
					{URL: "ftp://go.example.com/talk.ogg", Type: "audio/ogg"},
				},
				Related: []Link{
					{Href: "https://news.example.net/go-1-24", Title: "Example News & Views"},
					{Href: "javascript:alert(1)", Title: "Bad"},
				},
				Source: &Source{
					ID:      "tag:go.example.com,2009:blog",
					Title:   "The Go Blog",
					Link:    "https://go.example.com/blog/feed.atom",
					Home:    "https://go.example.com/blog/",
					Updated: time.Date(2025, 1, 15, 8, 0, 0, 0, time.UTC),
				},
			},
			{
				ID:          "https://news.example.net/item?id=42",
				Title:       "Swiss tables in maps",
				Link:        "https://news.example.net/item?id=42&ref=feed",
				Published:   time.Date(2025, 1, 14, 7, 0, 0, 0, time.UTC),
				SummaryHTML: `Maps are faster: <less allocation> and fewer probes<svg onload="alert(1)"><circle r="1"/></svg>`,
				Categories:  []string{"maps"},
				Source: &Source{
					Title:   "Hacker News: Go",
					Link:    "https://news.example.net/rss?q=go",
					Updated: time.Date(2025, 1, 14, 12, 0, 0, 0, time.UTC),
				},
			},
			{
				ID:          "urn:uuid:5a0b7c1e-5f0e-4d1b-9c7e-3f2d9e0e6a11",
				Title:       "",
				Link:        "javascript:alert(1)",
				Updated:     time.Date(2025, 1, 13, 6, 0, 0, 0, time.UTC),
				ContentHTML: `<form action="/x"><input name=q></form><object data="x.swf"></object><p>Only content, no link.</p>`,
				Lang:        "not a language",
			},
		},
	}
}

// minimalFeed is little more than a caller must pass: no subtitle, language
// or feed author (every entry has its own), entries without summary,
// content, title or source, an enclosure without a type. Link is optional
// but JSON Feed readers want home_page_url (the checker warns without it).
func minimalFeed(self string) *Feed {
	t0 := time.Date(2025, 1, 15, 10, 0, 0, 0, time.UTC)
	return &Feed{
		ID:      "https://example.org/feeds/minimal",
		Title:   "minimal",
		Link:    "https://example.org/",
		Self:    self,
		Updated: t0,
		Entries: []Entry{
			{ID: "tag:example.org,2025:m1", Title: "Link only", Link: "https://example.org/m1", Published: t0, Authors: []string{"A"}},
			{ID: "tag:example.org,2025:m2", Updated: t0.Add(-time.Hour), Authors: []string{"B"}},
			{ID: "tag:example.org,2025:m3", Title: "Podcast", Link: "https://example.org/m3", Updated: t0.Add(-2 * time.Hour), Authors: []string{"C"},
				Enclosures:  []Enclosure{{URL: "https://example.org/m3.bin", Length: -1}},
				SummaryHTML: `<a href="m3/notes">notes</a>`},
		},
	}
}

type format struct {
	name, ext string
	write     func(io.Writer, *Feed) error
}

var formats = []format{
	{"Atom", "atom", WriteAtom},
	{"RSS", "rss", WriteRSS},
	{"JSONFeed", "json", WriteJSONFeed},
}

func selfURL(ext string) string { return "https://example.org/feeds/golang." + ext }

func render(t *testing.T, fm format) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := fm.write(&buf, testFeed(selfURL(fm.ext))); err != nil {
		t.Fatalf("Write%s: %v", fm.name, err)
	}
	return buf.Bytes()
}

func TestWrite_Golden(t *testing.T) {
	for _, fm := range formats {
		t.Run(fm.name, func(t *testing.T) {
			got := render(t, fm)
			if again := render(t, fm); !bytes.Equal(got, again) {
				t.Fatal("two writes of the same feed differ")
			}
			golden := filepath.Join("testdata", "golden."+fm.ext)
			checkGolden(t, golden, got)
		})
	}
}

func checkGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./feedout -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output; run go test ./feedout -update and review the diff\ngot:\n%s", path, got)
	}
}

func TestWrite_Safe(t *testing.T) {
	for _, fm := range formats {
		t.Run(fm.name, func(t *testing.T) {
			got := strings.ToLower(string(render(t, fm)))
			for _, bad := range []string{"<script", "&lt;script", "alert(", "onclick", "onerror", "onload", "javascript:", "data:",
				"iframe", "<style", "&lt;style", "object", "form", "\x01", "/doc/go1.24\"", "\"img/gopher"} {
				if strings.Contains(got, bad) {
					t.Errorf("output contains %q", bad)
				}
			}
			for _, want := range []string{"https://go.example.com/doc/go1.24", "https://go.example.com/blog/img/gopher.png"} {
				if !strings.Contains(got, want) {
					t.Errorf("output lacks resolved URL %q", want)
				}
			}
		})
	}
}

func TestWrite_Invalid(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*Feed)
		field string
	}{
		{"no id", func(f *Feed) { f.ID = "" }, "ID"},
		{"relative id", func(f *Feed) { f.ID = "golang" }, "ID"},
		{"no title", func(f *Feed) { f.Title = " " }, "Title"},
		{"relative self", func(f *Feed) { f.Self = "/feeds/golang.atom" }, "Self"},
		{"no updated", func(f *Feed) { f.Updated = time.Time{} }, "Updated"},
		{"bad feed lang", func(f *Feed) { f.Lang = "English language" }, "Lang"},
		{"entry without id", func(f *Feed) { f.Entries[1].ID = "" }, "Entries[1].ID"},
		{"duplicate id", func(f *Feed) { f.Entries[2].ID = f.Entries[0].ID }, "Entries[2].ID"},
		{"entry without dates", func(f *Feed) { f.Entries[2].Updated = time.Time{} }, "Entries[2].Updated"},
		{"nobody wrote it", func(f *Feed) { f.Author = "" }, "Entries[1].Authors"},
		{"source without link or id", func(f *Feed) { f.Entries[0].Source.Link = ""; f.Entries[0].Source.ID = "" }, "Entries[0].Source.ID"},
		{"source without updated", func(f *Feed) { f.Entries[1].Source.Updated = time.Time{} }, "Entries[1].Source.Updated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, fm := range formats {
				f := testFeed(selfURL(fm.ext))
				tt.edit(f)
				err := fm.write(io.Discard, f)
				var ie *InvalidError
				if !errors.Is(err, ErrInvalid) || !errors.As(err, &ie) || ie.Field != tt.field {
					t.Errorf("Write%s: err = %v, want invalid %s", fm.name, err, tt.field)
				}
			}
		})
	}
}

func TestWrite_NoEntries(t *testing.T) {
	for _, fm := range formats {
		f := testFeed(selfURL(fm.ext))
		f.Entries = nil
		var buf bytes.Buffer
		if err := fm.write(&buf, f); err != nil {
			t.Errorf("Write%s: %v", fm.name, err)
		}
	}
}

// TestWrite_Checkers runs the shared checkers (W3C validator, xmllint,
// feedparser, newsboat, sfeed, gofeed) over the golden outputs in strict
// mode: 0 errors, 0 warnings, every reader agreeing on the entry count.
func TestWrite_Checkers(t *testing.T) {
	script, err := filepath.Abs("../../shared/checkers/check_feed.sh")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(script); err != nil {
		t.Skipf("no checkers: %v", err)
	}
	if testing.Short() {
		t.Skip("checkers take seconds per feed; skipped in -short mode")
	}
	dir := t.TempDir()
	inputs := []struct {
		name string
		feed func(self string) *Feed
	}{{"golden", testFeed}, {"minimal", minimalFeed}, {"highlighted, with a hub", func(self string) *Feed {
		f := testFeed(self)
		f.Entries[0].Highlight = []string{"Go team", "release notes"}
		f.Hub = "https://hub.example.org/"
		return f
	}}}
	for _, in := range inputs {
		for _, fm := range formats {
			t.Run(in.name+"/"+fm.name, func(t *testing.T) {
				var buf bytes.Buffer
				if err := fm.write(&buf, in.feed(selfURL(fm.ext))); err != nil {
					t.Fatal(err)
				}
				checkFeed(t, script, filepath.Join(dir, in.name+"."+fm.ext), buf.Bytes())
			})
		}
	}
}

func checkFeed(t *testing.T, script, path string, feed []byte) {
	t.Helper()
	{
		{
			if err := os.WriteFile(path, feed, 0o644); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command("bash", script, path)
			cmd.Env = append(os.Environ(), "CHECK_FEED_STRICT=1")
			out, err := cmd.CombinedOutput()
			var ee *exec.ExitError
			switch {
			case err == nil:
				lines := strings.Split(strings.TrimSpace(string(out)), "\n")
				t.Logf("%s", lines[len(lines)-1])
			case errors.As(err, &ee) && ee.ExitCode() == 2:
				t.Skipf("checkers not set up (bash /work/shared/checkers/setup.sh):\n%s", out)
			default:
				t.Fatalf("check_feed.sh %s: %v\n%s", path, err, out)
			}
		}
	}
}
