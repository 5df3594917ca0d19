package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/feedsift/feedsift/config"
	"github.com/feedsift/feedsift/feedout"
	"github.com/feedsift/feedsift/fetcher"
	"github.com/feedsift/feedsift/store"
)

// FuzzStoredPublishes: whatever document a feed serves, what the fetcher
// would store of it becomes, through the mapping a run uses (topicFeed,
// entry), a valid document in every format: one entry or feed never fails
// a topic (issue 20 item 1).
func FuzzStoredPublishes(f *testing.F) {
	for _, s := range []struct{ body, ctype, title string }{
		{`<rss version="2.0"><channel><title>T</title><item><title>Hi</title><link>https://a.example/1</link><description>&lt;p&gt;x&lt;/p&gt;</description></item></channel></rss>`, "application/rss+xml", ""},
		{"<rss><channel><title>\xff</title><item><title>&#xFDD0;</title><guid>g</guid></item></channel></rss>", "", "\uFDD0"},
		{`<feed xmlns="http://www.w3.org/2005/Atom"><title>&#xFDD0;</title><entry><title type="html">&lt;script&gt;x</title><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p onclick="x()">y</p></div></content></entry></feed>`, "", ""},
		{`{"version":"https://jsonfeed.org/version/1.1","title":"\u0000","items":[{"id":"1","title":"\u202e","content_html":"<img src=x onerror=alert(1)>","date_published":"0001-01-01T00:00:00Z"}]}`, "application/feed+json", " "},
		{"<rss><channel><item><title>" + strings.Repeat("long ", 400) + "</title><enclosure url=\"https://a.example/x.mp3\" length=\"-5\" type=\"bad type\"/></item></channel></rss>", "", ""},
	} {
		f.Add([]byte(s.body), s.ctype, s.title)
	}
	now := time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body []byte, ctype, configuredTitle string) {
		if len(body) > 256<<10 {
			return
		}
		const feedURL = "https://feed.example.org/f"
		fetched, err := fetcher.Parse(feedURL, body, ctype, now)
		if err != nil || len(fetched.Items) == 0 {
			return
		}
		var ms []store.Matched
		for i, it := range fetched.Items {
			it.Key = fmt.Sprintf("k%d", i)
			it.FirstSeen = now
			ms = append(ms, store.Matched{FeedItem: store.FeedItem{Item: it, FeedURL: feedURL, FeedTitle: fetched.Title, FeedHome: fetched.Home}, Reasons: []string{"group"}})
		}
		p := &pass{setup: &setup{cfg: &config.Config{BaseURL: "https://example.org/feeds/"}}, titles: map[string]string{feedURL: configuredTitle}}
		doc := p.topicFeed(topic{Topic: config.Topic{Name: "t", Title: "T"}}, ms)
		dir := t.TempDir()
		if err := feedout.Write(dir, p.cfg.BaseURL, "t", *doc); err != nil {
			t.Fatalf("a stored document was not publishable: %v", err)
		}
		for _, ext := range []string{"atom", "rss", "json"} {
			b, err := os.ReadFile(filepath.Join(dir, "t."+ext))
			if err != nil {
				t.Fatal(err)
			}
			if len(b) > feedout.MaxFileBytes {
				t.Fatalf("t.%s is %d bytes", ext, len(b))
			}
			if ext == "json" {
				if !json.Valid(b) {
					t.Fatalf("t.json is not JSON")
				}
				continue
			}
			d := xml.NewDecoder(bytes.NewReader(b))
			for {
				_, err := d.Token()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatalf("t.%s is not well-formed: %v", ext, err)
				}
			}
		}
	})
}
