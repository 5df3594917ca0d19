package fetcher

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// rssWith is a small RSS 2.0 document: prolog, then a root start tag with
// the given attributes, then one item titled title.
func rssWith(prolog, rootAttrs, title string) string {
	return prolog + `<rss version="2.0"` + rootAttrs + `><channel><title>Prolog</title><link>https://prolog.example/</link><description>d</description>` +
		`<item><title>` + title + `</title><link>https://prolog.example/1</link><guid>p-1</guid></item></channel></rss>`
}

// manyNamespaces is n namespace declarations, as on a root start tag.
func manyNamespaces(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, ` xmlns:a%d="u%d"`, i, i)
	}
	return b.String()
}

// TestParse_Prolog: whatever comes before the root element (comments
// holding markup, comments longer than gofeed's 4 KiB detection window,
// many comments, a DOCTYPE after them) is read as a prolog: the DOCTYPE
// is removed and its entities replaced, and the feed is parsed.
func TestParse_Prolog(t *testing.T) {
	const decl = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"
	const dtd = `<!DOCTYPE rss [<!ENTITY nbsp "&#160;"><!ENTITY co "Example Co">]>`
	long := "<!--" + strings.Repeat(" padding", 600) + " -->\n" // 4.8 KB
	tests := []struct {
		name, body, wantTitle string
	}{
		{"comment with markup before the DOCTYPE", rssWith(decl+`<!-- see <a href="x"> -->`+dtd, "", "a&nbsp;b &co;"), "a b Example Co"},
		{"DOCTYPE after a comment over 4 KiB", rssWith(decl+long+dtd, "", "a&nbsp;b &co;"), "a b Example Co"},
		{"comment over 4 KiB, no DOCTYPE", rssWith(decl+long, "", "plain"), "plain"},
		{"processing instructions and comments over 4 KiB", rssWith(decl+strings.Repeat(`<?xml-stylesheet href="s.xsl" type="text/xsl"?><!-- c -->`+"\n", 100)+dtd, "", "&co;"), "Example Co"},
		{"feed start tag named in a comment", rssWith(`<!-- this is an <rss version="2.0"> feed -->`+"\n", "", "named"), "named"},
		{"DOCTYPE with a comment in its subset", rssWith(decl+`<!DOCTYPE rss [<!-- ] > ' --><!ENTITY co "Example Co">]>`, "", "&co;"), "Example Co"},
		{"root start tag over 4 KiB", rssWith(decl, strings.Repeat(` data-x="0123456789"`, 300), "long tag"), "long tag"},
	}
	f := New(nil, Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, perr := f.parse("https://prolog.example/feed", []byte(tt.body), "application/rss+xml", now)
			if perr != nil {
				t.Fatalf("not parsed: %v", perr)
			}
			if len(got.Items) != 1 || got.Items[0].Title != tt.wantTitle {
				t.Fatalf("items %+v, want one titled %q", got.Items, tt.wantTitle)
			}
		})
	}
}

// TestParse_NoContradiction: a document whose root is rss, feed or
// rdf:RDF is never refused as "<rss> is not rss, feed or rdf:RDF"; one
// the parser cannot afford is refused with a reason and class parse.
func TestParse_NoContradiction(t *testing.T) {
	tests := []struct {
		name, body      string
		wantClass       string // "" = parsed
		wantIn, wantOut string // in the detail, not in it
	}{
		{"100,000 namespace declarations on the root", rssWith("", manyNamespaces(100000), "ns"), ClassParse, "declares 100000 namespaces (limit 256", "is not rss"},
		{"257 namespace declarations on the root", rssWith("", manyNamespaces(257), "ns"), ClassParse, "declares 257 namespaces", "is not rss"},
		{"200 namespace declarations on the root", rssWith("", manyNamespaces(200), "ns"), "", "", ""},
		{"OPML after 100 comments", `<?xml version="1.0"?>` + strings.Repeat("<!-- c -->\n", 100) + `<opml version="2.0"><head/><body/></opml>`, ClassNotAFeed, "XML root element <opml> is not rss", ""},
		{"HTML page with deep unclosed markup", "<!DOCTYPE html><html><head><link rel=\"alternate\" type=\"application/rss+xml\" href=\"/f.xml\"></head><body>" + strings.Repeat("<p>para<br>", 400) + "</body></html>", ClassNotAFeed, "links to a feed at https://prolog.example/f.xml", ""},
	}
	f := New(nil, Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			_, perr := f.parse("https://prolog.example/feed", []byte(tt.body), "application/rss+xml", now)
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("took %v", d)
			}
			gotClass, detail := "", ""
			if perr != nil {
				gotClass, detail = perr.Class, perr.Detail
			}
			if gotClass != tt.wantClass || !strings.Contains(detail, tt.wantIn) || tt.wantOut != "" && strings.Contains(detail, tt.wantOut) {
				t.Fatalf("got %v, want class %q with %q and without %q", perr, tt.wantClass, tt.wantIn, tt.wantOut)
			}
		})
	}
}

// TestNotAFeed_FeedRoot: notAFeed, given a document whose root is a
// feed's, says so instead of denying it.
func TestNotAFeed_FeedRoot(t *testing.T) {
	long := "<!--" + strings.Repeat("x", 5000) + "-->"
	for _, tt := range []struct{ name, body string }{
		{"rss", long + "<rss><channel></channel></rss>"},
		{"atom", long + `<feed xmlns="http://www.w3.org/2005/Atom"></feed>`},
		{"rdf", long + `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"></rdf:RDF>`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := notAFeed([]byte(tt.body))
			if strings.Contains(e.Detail, "is not rss, feed or rdf:RDF") {
				t.Errorf("%s: %s", e.Class, e.Detail)
			}
		})
	}
}
