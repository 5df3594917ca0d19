package fetcher

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestCapItems(t *testing.T) {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>`)
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 10 {
		// Dates out of order: item i is i days old, except item 3,
		// which is undated.
		date := ""
		if i != 3 {
			date = "<pubDate>" + base.Add(-time.Duration(i)*24*time.Hour).Format(time.RFC1123Z) + "</pubDate>"
		}
		fmt.Fprintf(&b, "<item><title>i%d</title>%s<description><![CDATA[</item> is text]]></description></item>", i, date)
	}
	b.WriteString(`</channel></rss>`)
	out, dropped := capItems([]byte(b.String()), 4)
	if dropped != 6 {
		t.Fatalf("dropped %d, want 6", dropped)
	}
	doc, err := parseFeed(out)
	if err != nil {
		t.Fatalf("capped document does not parse: %v\n%s", err, out)
	}
	var titles []string
	for _, it := range doc.Items {
		titles = append(titles, it.Title)
	}
	if got := strings.Join(titles, " "); got != "i0 i1 i2 i4" {
		t.Errorf("kept %q, want the four newest in document order", got)
	}
	small := []byte(b.String())
	if out, n := capItems(small, 10); n != 0 || string(out) != string(small) {
		t.Errorf("a feed within the cap was changed")
	}
}

func TestStripDoctype(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"billion laughs", `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;">]><r>&a;&b;x</r>`, `<?xml version="1.0"?><r>lolx</r>`},
		{"external entity", `<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;&amp;</r>`, `<r>&amp;</r>`},
		{"nbsp", `<!DOCTYPE r [<!ENTITY nbsp "&#160;">]><r>a&nbsp;b</r>`, `<r>a&#160;b</r>`},
		{"external DTD only", `<!DOCTYPE rss SYSTEM "http://10.0.0.1/rss.dtd"><rss/>`, `<rss/>`},
		{"not in the prolog", `<rss><d><![CDATA[<!DOCTYPE x>]]></d></rss>`, `<rss><d><![CDATA[<!DOCTYPE x>]]></d></rss>`},
		{"html", `<!DOCTYPE html><html></html>`, `<!DOCTYPE html><html></html>`},
		{"comment with markup before it", `<!-- see <a href="x"> --><!DOCTYPE r [<!ENTITY a "lol">]><r>&a;</r>`, `<!-- see <a href="x"> --><r>lol</r>`},
		{"after a comment over 4 KiB", `<!--` + strings.Repeat("x", 5000) + `--><!DOCTYPE r [<!ENTITY a "lol">]><r>&a;</r>`, `<!--` + strings.Repeat("x", 5000) + `--><r>lol</r>`},
		{"after processing instructions", `<?xml version="1.0"?><?xml-stylesheet href="a>b"?><!DOCTYPE r [<!ENTITY a "lol">]><r>&a;</r>`, `<?xml version="1.0"?><?xml-stylesheet href="a>b"?><r>lol</r>`},
		{"comment in the subset", `<!DOCTYPE r [<!-- ] > ' --><!ENTITY a "lol">]><r>&a;</r>`, `<r>lol</r>`},
		{"unterminated", `<!DOCTYPE r [<!ENTITY a "lol">`, `<!DOCTYPE r [<!ENTITY a "lol">`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := stripDoctype([]byte(tt.in))
			if string(got) != tt.want {
				t.Errorf("got %q, want %q", clip(string(got)), clip(tt.want))
			}
		})
	}
}

func TestGuessCyrillic(t *testing.T) {
	for _, tt := range []struct {
		in   []byte
		want string
	}{
		{[]byte("\xd8\xee\xe9\xe3\xf3 \xef\xf0\xe8\xe1\xfb\xeb \xe2 \xcf\xe5\xea\xe8\xed: \xef\xe5\xf0\xe5\xe3\xee\xe2\xee\xf0\xfb"), "windows-1251"},
		{[]byte("\xfb\xcf\xca\xc7\xd5 \xd0\xd2\xc9\xc2\xd9\xcc \xd7 \xf0\xc5\xcb\xc9\xce: \xd0\xc5\xd2\xc5\xc7\xcf\xd7\xcf\xd2\xd9"), "KOI8-R"},
		{[]byte("Bad bytes: \xff\xfe \xc3( \x80\x81 end"), ""},
	} {
		if got, _ := guessCyrillic(tt.in); got != tt.want {
			t.Errorf("guessCyrillic(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// clip shortens a long string for a failure message, keeping both ends.
func clip(s string) string {
	if len(s) <= 300 {
		return s
	}
	return s[:100] + "…" + s[len(s)-150:]
}
