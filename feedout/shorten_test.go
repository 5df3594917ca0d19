package feedout

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	nethtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// hugeFeed is six feeds' worth of entries of 1 MB of text each, summary
// and content: what a full-text feed of long documents can deliver.
func hugeFeed(n int) *Feed {
	t0 := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	para := "<p>" + strings.Repeat("A long sentence of the report, with <b>bold</b> words & more. ", 40) + "</p>"
	text := strings.Repeat(para, (1<<20)/len(para))
	f := &Feed{ID: "tag:example.org,2025:huge", Title: "huge", Link: "https://example.org/", Updated: t0, Author: "feedsift"}
	for i := range n {
		f.Entries = append(f.Entries, Entry{
			ID:          fmt.Sprintf("tag:example.org,2025:huge/%d", i),
			Title:       fmt.Sprintf("Long item %d", i),
			Link:        fmt.Sprintf("https://example.org/long/%d", i),
			Published:   t0.Add(-time.Duration(i) * time.Hour),
			SummaryHTML: text,
			ContentHTML: text,
		})
	}
	return f
}

// TestWrite_HugeEntriesBounded: 90 entries of 1 MB each give files under
// MaxFileBytes that keep every entry, each saying it was shortened and
// where the rest is; the checkers accept them.
func TestWrite_HugeEntriesBounded(t *testing.T) {
	dir := t.TempDir()
	if err := Write(dir, "https://example.org/feeds/", "huge", *hugeFeed(90)); err != nil {
		t.Fatal(err)
	}
	for _, fm := range formats {
		path := filepath.Join(dir, "huge."+fm.ext)
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) > MaxFileBytes {
			t.Errorf("huge.%s is %d bytes, over %d", fm.ext, len(b), MaxFileBytes)
		}
		text := publishedText(t, fm.ext, b)
		for i := range 90 {
			if !strings.Contains(text, fmt.Sprintf("Long item %d\n", i)) && !strings.Contains(text, fmt.Sprintf("Long item %d", i)) {
				t.Errorf("huge.%s lost entry %d", fm.ext, i)
				break
			}
		}
		if n := strings.Count(text, "text shortened, read the rest at"); n < 90 {
			t.Errorf("huge.%s: %d notes of shortening, want one per entry at least (90)", fm.ext, n)
		}
		if !strings.Contains(text, `href="https://example.org/long/89"`) {
			t.Errorf("huge.%s: the note does not link to the entry's source", fm.ext)
		}
	}
	// The validator and the readers accept them.
	script, err := filepath.Abs("../../shared/checkers/check_feed.sh")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(script); err != nil || testing.Short() {
		t.Logf("checkers not run: %v (short=%v)", err, testing.Short())
		return
	}
	b, err := os.ReadFile(filepath.Join(dir, "huge.atom"))
	if err != nil {
		t.Fatal(err)
	}
	checkFeed(t, script, filepath.Join(t.TempDir(), "huge.atom"), b)
}

// TestWrite_ManyHugeEntriesDropOldest: when even short texts cannot fit,
// the oldest entries go and the newest stay.
func TestWrite_ManyHugeEntriesDropOldest(t *testing.T) {
	f := hugeFeed(3)
	f.Self = "https://example.org/feeds/huge.atom"
	long := strings.Repeat("x", 900)
	for i := range 3000 {
		f.Entries = append(f.Entries, Entry{
			ID:        fmt.Sprintf("tag:example.org,2025:many/%d", i),
			Title:     fmt.Sprintf("Many %d %s", i, long),
			Published: f.Updated.Add(-time.Duration(100+i) * time.Hour),
		})
	}
	var buf bytes.Buffer
	if err := WriteAtom(&buf, f); err != nil {
		t.Fatal(err)
	}
	if buf.Len() > MaxFileBytes {
		t.Fatalf("%d bytes, over %d", buf.Len(), MaxFileBytes)
	}
	s := buf.String()
	if !strings.Contains(s, "Long item 0") || strings.Contains(s, "Many 2999 ") {
		t.Errorf("the newest entry should stay and the oldest go")
	}
}

func TestShortenHTML(t *testing.T) {
	long := strings.Repeat("word ", 400)
	tests := []struct {
		name, in string
		n        int
		same     bool
	}{
		{"fits", "<p>short</p>", 100, true},
		{"plain text", long, 300, false},
		{"paragraphs", strings.Repeat("<p>"+long+"</p>", 5), 1000, false},
		{"nested", "<div><ul><li><b>" + long + "</b></li><li>" + long + "</li></ul></div>", 700, false},
		{"attributes", strings.Repeat(`<a href="https://example.org/`+strings.Repeat("p", 100)+`">link</a> `, 50), 800, false},
		{"multibyte", strings.Repeat("Шойгу прибыл в Пекин ", 200), 500, false},
		// An element whose tags no longer fit goes whole, children and all.
		{"element over the budget", "<p>" + strings.Repeat("a", 1000-120) + "</p><p>" + strings.Repeat("b ", 50000) + "</p>", 1000, false},
		{"long link at the cut", "<p>" + strings.Repeat("word ", 150) + `<a href="https://example.org/` + strings.Repeat("x", 600) + `">` + strings.Repeat("link text ", 500) + "</a></p>", 1000, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := shortenHTML(tt.in, tt.n, "https://example.org/item")
			if tt.same {
				if got != tt.in {
					t.Errorf("changed %q to %q", tt.in, got)
				}
				return
			}
			if len(got) > tt.n+200 {
				t.Errorf("%d bytes, want about %d", len(got), tt.n)
			}
			if !strings.HasSuffix(got, shortenedNote("https://example.org/item")) {
				t.Errorf("no note at the end: …%q", got[max(0, len(got)-120):])
			}
			// Balanced: re-rendering the parsed fragment gives it back.
			ctx := &nethtml.Node{Type: nethtml.ElementNode, Data: "div", DataAtom: atom.Div}
			nodes, err := nethtml.ParseFragment(strings.NewReader(got), ctx)
			if err != nil {
				t.Fatal(err)
			}
			var sb strings.Builder
			for _, n := range nodes {
				nethtml.Render(&sb, n)
			}
			if sb.String() != got {
				t.Errorf("not balanced:\n%s\nrenders as\n%s", got, sb.String())
			}
			if strings.Contains(got, "\uFFFD") {
				t.Errorf("cut inside a character")
			}
		})
	}
}

// TestRSS_MarkupTitlesHarmless: readers that render an RSS title as HTML
// find no markup in it; Atom, whose titles say type="text", keeps the
// title as written.
func TestRSS_MarkupTitlesHarmless(t *testing.T) {
	f := testFeed(selfURL("rss"))
	f.Entries[0].Title = `<img src=x onerror=alert(1)>Breaking: <script>alert(2)</script> a < b`
	f.Entries[0].Source.Title = `<b onmouseover=alert(3)>Source</b>`
	f.Entries[0].Authors = []string{`<svg onload=alert(4)>`}
	f.Entries[0].Categories = []string{`<iframe src=//evil>`}
	var buf bytes.Buffer
	if err := WriteRSS(&buf, f); err != nil {
		t.Fatal(err)
	}
	d := xml.NewDecoder(bytes.NewReader(buf.Bytes()))
	var stack []string
	checked := 0
	for {
		tok, err := d.Token()
		if err != nil {
			break
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			stack = append(stack, tok.Name.Local)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) == 0 {
				continue
			}
			el := stack[len(stack)-1]
			if el != "title" && el != "creator" && el != "category" && el != "source" {
				continue
			}
			checked++
			ctx := &nethtml.Node{Type: nethtml.ElementNode, Data: "div", DataAtom: atom.Div}
			nodes, _ := nethtml.ParseFragment(strings.NewReader(string(tok)), ctx)
			for _, n := range nodes {
				if n.Type == nethtml.ElementNode {
					t.Errorf("<%s> %q is markup when read as HTML (<%s>)", el, tok, n.Data)
				}
			}
		}
	}
	if checked < 5 {
		t.Errorf("checked %d text fields, want the title, source, creator and category", checked)
	}
	if !strings.Contains(buf.String(), "a &#x3C; b") {
		t.Errorf("a lone < in text should stay a <")
	}
	buf.Reset()
	f.Self = selfURL("atom")
	if err := WriteAtom(&buf, f); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `<title type="text">&lt;img src=x onerror=alert(1)&gt;Breaking`) {
		t.Errorf("Atom's text title should keep the text as written:\n%s", buf.String()[:min(buf.Len(), 2000)])
	}
}
