package feedout

import (
	"bytes"
	"strings"
	"testing"
)

// TestWrite_Related: other copies of a story are published in every
// format: Atom and RSS as rel="related" links (atom:link in RSS), JSON
// Feed in the _feedsift extension; links that are not http(s) are
// dropped.
func TestWrite_Related(t *testing.T) {
	want := map[string][]string{
		"atom": {`<link href="https://other.example.com/story" rel="related" type="text/html" title="Other Outlet &amp; Co"></link>`},
		"rss":  {`<atom:link href="https://other.example.com/story" rel="related" type="text/html" title="Other Outlet &amp; Co"></atom:link>`},
		"json": {`"related": [`, `"url": "https://other.example.com/story",`, `"title": "Other Outlet & Co"`},
	}
	for _, fm := range formats {
		t.Run(fm.name, func(t *testing.T) {
			f := testFeed(selfURL(fm.ext))
			f.Entries[0].Related = []Link{
				{Href: "https://other.example.com/story", Title: "Other Outlet & Co"},
				{Href: "javascript:alert(1)", Title: "Bad"},
			}
			f.Entries[1].Related = []Link{{Href: "https://third.example.org/s"}}
			var b bytes.Buffer
			if err := fm.write(&b, f); err != nil {
				t.Fatal(err)
			}
			out := b.String()
			for _, w := range want[fm.ext] {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %s:\n%s", w, out)
				}
			}
			if n := strings.Count(out, "https://other.example.com/story"); n != 1 {
				t.Errorf("the related link appears %d times, want once", n)
			}
			if !strings.Contains(out, "https://third.example.org/s") {
				t.Errorf("an untitled related link is missing")
			}
			if strings.Contains(out, "javascript:") {
				t.Errorf("a javascript: link was published")
			}
		})
	}
}
