package feedout

import (
	"bytes"
	"strings"
	"testing"
)

// TestWriteAtom_Related: other copies of a story become rel="related"
// links; links that are not http(s) are dropped.
func TestWriteAtom_Related(t *testing.T) {
	f := testFeed(selfURL("atom"))
	f.Entries[0].Related = []Link{
		{Href: "https://other.example.com/story", Title: "Other Outlet"},
		{Href: "javascript:alert(1)", Title: "Bad"},
	}
	var b bytes.Buffer
	if err := WriteAtom(&b, f); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if n := strings.Count(out, `rel="related"`); n != 1 {
		t.Errorf("%d related links, want 1:\n%s", n, out)
	}
	if !strings.Contains(out, `href="https://other.example.com/story" rel="related" type="text/html"`) {
		t.Errorf("related link missing:\n%s", out)
	}
	if strings.Contains(out, "javascript:") {
		t.Errorf("a javascript: link was published")
	}
}
