package fetcher

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// atomXHTML is an Atom feed whose one entry's XHTML content nests depth
// elements deep inside <content> (the root is 4 levels up).
func atomXHTML(depth int) string {
	return `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Deep</title><id>urn:deep</id><updated>2026-11-16T08:00:00Z</updated>` +
		`<entry><title>Nested</title><id>urn:deep:1</id><updated>2026-11-16T08:00:00Z</updated><link href="https://deep.example/1"/>` +
		`<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">` + strings.Repeat("<div><br/>", depth-1) + "bottom" + strings.Repeat("</div>", depth-1) +
		`</div></content></entry></feed>`
}

// TestParse_Depth: documents nested deeper than maxDepth are refused
// before gofeed sees them, quickly, with class too_deep and where; the
// depth counted is that of elements (comments, CDATA sections,
// processing instructions, the DOCTYPE, quoted attribute values and
// empty-element tags do not nest), and legal deep feeds parse.
func TestParse_Depth(t *testing.T) {
	rssItem := func(inner string) string {
		return `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>https://deep.example/</link><description>d</description>` +
			`<item><title>deep</title><guid>d-1</guid><link>https://deep.example/1</link>` + inner + `</item></channel></rss>`
	}
	noise := `<!-- <x><x><x> --><![CDATA[<x><x><x>]]><?pi <x><x>?><y a="&lt;x&gt; x>" b='/> x'/><y/>`
	// rss, channel and item are 3 deep: the 254th <x> is the 257th level.
	at257 := fmt.Sprintf("elements nested over 256 deep (the limit) at byte %d", strings.Index(rssItem("<x>"), "<x>")+253*len("<x>"))
	tests := []struct {
		name, body string
		wantErr    string // "" = parsed; else in the too_deep error
	}{
		{"3,000,000 unclosed tags", rssItem(strings.Repeat("<x>", 3000000)), at257},
		{"1,000,000 closed nested tags", rssItem(strings.Repeat("<x>", 1000000) + "bottom" + strings.Repeat("</x>", 1000000)), at257},
		{"Atom XHTML content 100 deep", atomXHTML(100), ""},
		{"256 deep", rssItem(strings.Repeat("<x>", 253) + "bottom" + strings.Repeat("</x>", 253)), ""},
		{"257 deep", rssItem(strings.Repeat("<x>", 254) + "bottom" + strings.Repeat("</x>", 254)), at257},
		{"257 deep, empty", rssItem(strings.Repeat("<x>", 253) + "<y/>" + strings.Repeat("</x>", 253)), at257},
		{"markup that does not nest", rssItem(strings.Repeat(noise, 2000)), ""},
		{"many siblings", rssItem(strings.Repeat("<x>a</x><y/>", 20000)), ""},
		{"JSON feed", `{"version":"https://jsonfeed.org/version/1.1","title":"j","items":[{"id":"1","title":"` + strings.Repeat("<x>", 10000) + `"}]}`, ""},
	}
	f := New(nil, Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			got, perr := f.parse("https://deep.example/feed", []byte(tt.body), "", now)
			elapsed := time.Since(start)
			if tt.wantErr == "" {
				if perr != nil || len(got.Items) != 1 {
					t.Fatalf("not parsed: %v", perr)
				}
				return
			}
			if perr == nil || perr.Class != ClassTooDeep || !strings.Contains(perr.Detail, tt.wantErr) {
				t.Fatalf("got %v, want class %s with %q", perr, ClassTooDeep, tt.wantErr)
			}
			if elapsed > time.Second {
				t.Errorf("refused after %v", elapsed)
			}
		})
	}
}

// TestScanShape_AgreesWithEncodingXML: on every conformance document
// that encoding/xml reads, scanShape finds the depth encoding/xml does.
func TestScanShape_AgreesWithEncodingXML(t *testing.T) {
	if _, err := os.Stat(conformanceDir); err != nil {
		t.Skipf("conformance corpus not found at %s: %v", conformanceDir, err)
	}
	n := 0
	err := filepath.WalkDir(conformanceDir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".xml") && !strings.HasSuffix(path, ".atom") && !strings.HasSuffix(path, ".rss") && !strings.HasSuffix(path, ".rdf") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		want, ok := xmlDepth(b)
		if !ok {
			return nil
		}
		n++
		got, serr := scanShape(b, shapeLimits{depth: 1 << 20, namespaces: 1 << 20, nsCopies: 1 << 40})
		if serr != nil || got != want {
			t.Errorf("%s: scanShape depth %d (%v), encoding/xml %d", path, got, serr, want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d documents compared", n)
}

// xmlDepth is the deepest element nesting encoding/xml finds in b; false
// when it cannot read all of b strictly.
func xmlDepth(b []byte) (int, bool) {
	d := xml.NewDecoder(bytes.NewReader(b))
	d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	depth, deepest := 0, 0
	for {
		tok, err := d.RawToken()
		if errors.Is(err, io.EOF) {
			return deepest, depth == 0
		}
		if err != nil {
			return 0, false
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
			deepest = max(deepest, depth)
		case xml.EndElement:
			depth--
		}
	}
}

// FuzzScanShape: scanShape never panics, and on what encoding/xml reads
// strictly it finds the same depth.
func FuzzScanShape(f *testing.F) {
	for _, s := range []string{`<r><a/><b x="1>" y='/>'><!-- <c> --><![CDATA[<d>]]><?p <e>?></b></r>`,
		`<!DOCTYPE r [<!ENTITY a "<x>"><!-- ' -->]><r>&a;</r>`, "<r xmlns:a='1'\txmlns=\"2\"><a:x/></r>", "<a><b><c></c></b></a>", "<", "<a", "</", "<!", "<?", "<!--", "<![CDATA[", "<a b=\"", "<a/"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := scanShape(b, shapeLimits{depth: 1 << 20, namespaces: 1 << 20, nsCopies: 1 << 40})
		if err != nil {
			t.Fatalf("refused within no limit: %v", err)
		}
		if want, ok := xmlDepth(b); ok && got != want {
			t.Fatalf("scanShape depth %d, encoding/xml %d, for %q", got, want, b)
		}
	})
}

// TestScanShape_Namespaces: namespace declarations in scope are counted
// per element (goxpp copies them all for each element it reads).
func TestScanShape_Namespaces(t *testing.T) {
	lim := shapeLimits{depth: 256, namespaces: 4, nsCopies: 40}
	tests := []struct {
		name, doc, wantErr string
	}{
		{"within", `<r xmlns="d" xmlns:a="a"><x xmlns:b="b"><y xmlns:c="c"/></x><x xmlns:b="b" xmlns:c='c'/></r>`, ""},
		{"on the root", `<r xmlns:a="1" xmlns:b="2" xmlns:c="3" xmlns:d="4" xmlns:e="5"></r>`, "the <r> start tag at byte 0 declares 5 namespaces (limit 4 in scope)"},
		{"in scope", `<r xmlns:a="1" xmlns:b="2"><x xmlns:c="3"><y xmlns:d="4" xmlns:e="5"/></x></r>`, "the <y> start tag at byte 42 puts 5 namespace declarations in scope (limit 4)"},
		{"popped", `<r xmlns:a="1" xmlns:b="2"><x xmlns:c="3" xmlns:d="4"/><x xmlns:c="3" xmlns:d="4"></x><y xmlns:e="5" xmlns:f="6"/></r>`, ""},
		{"in values", `<r a="xmlns:a xmlns:b xmlns:c" b=" xmlns:d xmlns:e"/>`, ""},
		{"copies", `<r xmlns:a="1" xmlns:b="2">` + strings.Repeat("<x/>", 20) + `</r>`, "over 40 namespace copies"},
		// encoding/xml takes an attribute right after a closing quote.
		{"no space after a value", `<r v="2.0"xmlns:a="1"xmlns:b="2"xmlns:c='3'xmlns:d="4"xmlns:e="5"></r>`, "declares 5 namespaces"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := scanShape([]byte(tt.doc), lim)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tt.wantErr != "" && (err == nil || err.Class != ClassParse || !strings.Contains(err.Detail, tt.wantErr)):
				t.Fatalf("got %v, want class %s with %q", err, ClassParse, tt.wantErr)
			}
		})
	}
}

// BenchmarkDepthScan: the shape pre-scan over a realistic 1 MB feed:
// RSS with escaped HTML summaries, and Atom with XHTML content (markup
// all through).
//
//	go test ./fetcher -run XXX -bench DepthScan -benchmem
func BenchmarkDepthScan(b *testing.B) {
	xhtml := func() []byte {
		var s strings.Builder
		s.WriteString(`<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/"><title>Bench</title><id>urn:b</id><updated>2026-11-16T08:00:00Z</updated>`)
		for i := 0; s.Len() < 1<<20; i++ {
			fmt.Fprintf(&s, `<entry><title>Story %d</title><id>urn:b:%d</id><updated>2026-11-16T08:00:00Z</updated><link rel="alternate" type="text/html" href="https://bench.example/%d"/><author><name>Correspondent</name></author><category term="World"/><media:thumbnail url="https://bench.example/%d.jpg" width="120" height="80"/>`, i, i, i, i)
			s.WriteString(`<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">`)
			for range 6 {
				s.WriteString(`<p>Officials in <a href="https://bench.example/moscow">Moscow</a> and <em>Beijing</em> said on Monday that the talks on security cooperation would continue next week, <strong>according to people</strong> familiar with the matter.<br/></p>`)
			}
			s.WriteString(`</div></content></entry>`)
		}
		s.WriteString(`</feed>`)
		return []byte(s.String())
	}
	for _, tt := range []struct {
		name string
		doc  []byte
	}{
		{"rss", benchDoc(false, 1<<20/len(benchDoc(false, 1)))},
		{"atom-xhtml", xhtml()},
	} {
		b.Run(tt.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(tt.doc)))
			for b.Loop() {
				if _, err := scanShape(tt.doc, defaultShape); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
