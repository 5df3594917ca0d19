package feedout

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"testing"
)

// FuzzWrite puts arbitrary strings into every text field and checks that
// each format stays well-formed (XML or JSON) or that the input is refused
// as ErrInvalid.
func FuzzWrite(f *testing.F) {
	f.Add("Go & <you>", "<p>hi<script>x</script></p>", "https://example.org/a", "en", "tag", "Alice")
	f.Add("\x00\xff]]>", "<![CDATA[x]]>", "javascript:x", "x_Y", "", "")
	f.Fuzz(func(t *testing.T, title, htm, link, lang, cat, author string) {
		fd := testFeed("https://example.org/feeds/golang.atom")
		e := &fd.Entries[0]
		e.Title, e.SummaryHTML, e.ContentHTML, e.Link, e.Lang = title, htm, htm, link, lang
		e.Categories = []string{cat}
		e.Authors = []string{author}
		e.Source.Title = title // untrusted too: one that cleans to nothing falls back
		fd.Subtitle = title
		for _, fm := range formats {
			var buf bytes.Buffer
			if err := fm.write(&buf, fd); err != nil {
				t.Fatalf("Write%s: %v", fm.name, err)
			}
			if fm.ext == "json" {
				if !json.Valid(buf.Bytes()) {
					t.Fatalf("invalid JSON:\n%s", buf.Bytes())
				}
				continue
			}
			d := xml.NewDecoder(&buf)
			for {
				_, err := d.Token()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("Write%s: not well-formed: %v", fm.name, err)
				}
			}
		}
	})
}
