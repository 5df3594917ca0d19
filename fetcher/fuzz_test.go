package fetcher

import (
	"bytes"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// FuzzDecode drives the whole decoding path of a fetched body (charset,
// repairs, item cap, parse, normalise) the way Fetcher.parse does. It
// must never panic (parser panics are caught and become class panic),
// and what it would store must be bounded and clean: valid UTF-8, titles
// within their cap and on one line, links http or https only.
func FuzzDecode(f *testing.F) {
	good := mustRead(f, "testdata/good.rss")
	cp1251, _ := charmap.Windows1251.NewEncoder().Bytes([]byte(`<?xml version="1.0" encoding="windows-1251"?><rss version="2.0"><channel><title>Лента</title><item><title>Шойгу прибыл в Пекин</title><guid>c1</guid></item></channel></rss>`))
	seeds := []struct {
		body, ctype string
	}{
		{string(good), "application/rss+xml"},
		{string(cp1251), ""},
		{string(cp1251), "text/xml; charset=utf-8"},
		{`<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "lol"><!ENTITY b "&a;&a;">]><rss><channel><item><title>&b;</title></item></channel></rss>`, ""},
		{"<br />\n<b>Warning</b>: x<br />\n<?xml version=\"1.0\"?><rss><channel><item><title>t</title><link>javascript:alert(1)</link></item></channel></rss>", ""},
		{"\xff\xfe<\x00r\x00s\x00s\x00>\x00", ""},
		{`<feed xmlns="http://www.w3.org/2005/Atom"><entry><title type="html">&lt;b&gt;x</title><link href="/rel"/></entry></feed>`, "application/atom+xml"},
		{`{"version":"https://jsonfeed.org/version/1.1","title":"x","items":[null,{"id":"1","title":"ok"}]}`, "application/feed+json"},
		{"<rss><channel><item><title>refs &#0; &#xD800; end\x01</title></item></channel></rss>", ""},
		{"<rss><channel>" + strings.Repeat("<item><title>i</title></item>", 20) + "</channel></rss>", ""},
		// Prologs: markup in a comment, a comment over gofeed's 4 KiB
		// detection window, then a DOCTYPE.
		{`<?xml version="1.0"?><!-- see <a href="x"> --><!DOCTYPE rss [<!ENTITY co "Co">]><rss><channel><item><title>&co;</title></item></channel></rss>`, ""},
		{"<!--" + strings.Repeat("x", 5000) + `--><!DOCTYPE rss [<!-- ] ' --><!ENTITY co "Co">]><rss><channel><item><title>&co;</title></item></channel></rss>`, ""},
		{"<rss" + strings.Repeat(` xmlns:a="u"`, 300) + "><channel><item><title>ns</title></item></channel></rss>", ""},
		{"<\x00?\x00x\x00m\x00l\x00 \x00?\x00>\x00<\x00r\x00s\x00s\x00>\x00", "application/rss+xml; charset=utf-16le"},
		{"\x00<\x00r\x00s\x00s\x00>\x00<\x00c\x00h\x00a\x00n\x00n\x00e\x00l\x00>", ""},
		{"<rss><channel><item><title>deep</title>" + strings.Repeat("<x>", 300) + "</item></channel></rss>", ""},
		{`<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>x</title><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">` + strings.Repeat("<div>", 50) + strings.Repeat("</div>", 50) + `</div></content></entry></feed>`, ""},
	}
	for _, s := range seeds {
		f.Add([]byte(s.body), s.ctype)
	}
	now := time.Date(2026, 11, 20, 6, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body []byte, ctype string) {
		if len(body) > 1<<20 {
			return
		}
		utf, _, err := toUTF8(body, ctype)
		if err != nil {
			return
		}
		if !utf8.Valid(utf) {
			t.Fatalf("toUTF8 returned invalid UTF-8 for %q", body)
		}
		utf, _ = skipLeadingJunk(utf)
		utf, _ = stripDoctype(utf)
		utf, _ = capItems(utf, 5)
		doc, err := parseFeed(utf)
		if err != nil {
			return
		}
		out, _ := normalise("https://feed.example.org/f", doc, now)
		if len(out.Items) > maxItems {
			t.Fatalf("%d items over the cap", len(out.Items))
		}
		for _, it := range out.Items {
			for name, s := range map[string]string{"title": it.Title, "summary": it.Summary, "content": it.Content, "link": it.Link, "guid": it.GUID, "lang": it.Lang} {
				if !utf8.ValidString(s) {
					t.Fatalf("%s is not UTF-8: %q", name, s)
				}
				// Either store takes it: PostgreSQL's text refuses NUL.
				if strings.IndexByte(s, 0) >= 0 {
					t.Fatalf("%s holds a NUL: %q", name, s)
				}
			}
			if len(it.Title) > maxTitleBytes || strings.ContainsAny(it.Title, "\n\r\t\x00") {
				t.Fatalf("title not capped to one line: %q", it.Title)
			}
			if len(it.GUID) > maxGUIDBytes || len(it.Summary) > maxHTMLBytes || len(it.Content) > maxHTMLBytes {
				t.Fatalf("field over its cap")
			}
			if it.Link != "" {
				u, err := url.Parse(it.Link)
				if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
					t.Fatalf("link %q stored", it.Link)
				}
			}
			if it.Published.After(now) || it.Published.Year() > 9999 {
				t.Fatalf("published %v not clamped", it.Published)
			}
			if bytes.Contains([]byte(it.Title), []byte("&lol")) {
				t.Fatalf("entity residue %q", it.Title)
			}
		}
	})
}

// cleanXMLSlow is cleanXML without the fast checks, rune by rune and
// with the regular expression on every document with a reference: what
// the fast checks must agree with.
func cleanXMLSlow(b []byte) []byte {
	if bytes.IndexFunc(b, isIllegalXMLRune) >= 0 {
		b = bytes.Map(func(r rune) rune {
			if isIllegalXMLRune(r) {
				return -1
			}
			return r
		}, b)
	}
	if bytes.Contains(b, []byte("&#")) {
		b = charRef.ReplaceAllFunc(b, legalRef)
	}
	return b
}

func FuzzCleanXML(f *testing.F) {
	for _, s := range []string{"<a>ok</a>", "a\x00b\x1fc\td\ne\rf", "x\uFFFEy\uFFFFz", "\xed\xa0\x80 surrogate",
		"&#8217; &#x2019; &#0; &#x1F; &#xD800; &#1114112; &#x110000; &#12345678901; &#xFFFFFFFFF; &#; &#x; &#65",
		"&#9999999999; &#4294967296; &#X41;", "\xef\xbf\xbe", "\xef\xbf"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := hasIllegalXMLRune(b), bytes.IndexFunc(b, isIllegalXMLRune) >= 0; got != want {
			t.Fatalf("hasIllegalXMLRune(%q) = %v, want %v", b, got, want)
		}
		if got, want := cleanXML(append([]byte(nil), b...)), cleanXMLSlow(append([]byte(nil), b...)); !bytes.Equal(got, want) {
			t.Fatalf("cleanXML(%q) = %q, want %q", b, got, want)
		}
	})
}
