package fetcher

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/feedsift/feedsift/store"
)

// benchDoc is a feed like the benchmark server's: n items with an escaped
// HTML summary of a few paragraphs, as RSS 2.0 or Atom 1.0.
func benchDoc(atom bool, n int) []byte {
	para := "&lt;p&gt;Officials in Moscow and Beijing said on Monday that the talks on security cooperation would continue next week, according to people familiar with the matter.&lt;/p&gt;"
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	if atom {
		b.WriteString(`<feed xmlns="http://www.w3.org/2005/Atom"><title>Bench desk</title><id>urn:bench</id><updated>2026-11-16T08:00:00Z</updated><link href="https://bench.example/"/>`)
	} else {
		b.WriteString(`<rss version="2.0"><channel><title>Bench desk</title><link>https://bench.example/</link><description>d</description><language>en</language>`)
	}
	for i := range n {
		date := time.Date(2026, 11, 16, 8, 0, 0, 0, time.UTC).Add(-time.Duration(i) * time.Hour)
		if atom {
			fmt.Fprintf(&b, `<entry><title>Story %d about the talks</title><id>urn:bench:%d</id><link href="/2026/%d"/><updated>%s</updated><author><name>Correspondent</name></author><category term="World"/><summary type="html">%s</summary></entry>`,
				i, i, i, date.Format(time.RFC3339), strings.Repeat(para, 6))
		} else {
			fmt.Fprintf(&b, `<item><title>Story %d about the talks</title><guid>https://bench.example/2026/%d</guid><link>https://bench.example/2026/%d</link><pubDate>%s</pubDate><category>World</category><description>%s</description></item>`,
				i, i, i, date.Format(time.RFC1123Z), strings.Repeat(para, 6))
		}
	}
	if atom {
		b.WriteString(`</feed>`)
	} else {
		b.WriteString(`</channel></rss>`)
	}
	return []byte(b.String())
}

// BenchmarkParse: charset detection, gofeed and normalising of one
// 35-item document (what Fetch does with a changed body).
//
//	go test -run '^$' -bench Parse -benchmem ./fetcher/
func BenchmarkParse(b *testing.B) {
	f := New(nil, Options{})
	now := time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC)
	for _, atom := range []bool{false, true} {
		name, ct := "rss", "application/rss+xml; charset=utf-8"
		if atom {
			name, ct = "atom", "application/atom+xml; charset=utf-8"
		}
		body := benchDoc(atom, 35)
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				got, perr := f.parse("https://bench.example/feed.xml", body, ct, now)
				if perr != nil {
					b.Fatal(perr)
				}
				if len(got.Items) != 35 {
					b.Fatalf("%d items", len(got.Items))
				}
			}
		})
	}
}

// BenchmarkFetch is a whole Fetch of one feed over loopback HTTP into a
// real database: new (a feed seen for the first time: parsed and 35 items
// stored) and not_modified (a 304).
func BenchmarkFetch(b *testing.B) {
	body := benchDoc(false, 35)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `"v1"`)
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		w.Write(body)
	}))
	defer srv.Close()
	ctx := context.Background()
	open := func(b *testing.B) *Fetcher {
		st, err := store.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { st.Close() })
		return New(st, Options{})
	}
	b.Run("new", func(b *testing.B) {
		f := open(b)
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			i++
			if r := f.Fetch(ctx, Feed{URL: fmt.Sprintf("%s/feed.xml?i=%d", srv.URL, i)}); r.Status != Fetched {
				b.Fatalf("%v: %v", r.Status, r.Err)
			}
		}
	})
	b.Run("not_modified", func(b *testing.B) {
		f := open(b)
		url := srv.URL + "/feed.xml"
		if r := f.Fetch(ctx, Feed{URL: url}); r.Status != Fetched {
			b.Fatalf("%v: %v", r.Status, r.Err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if r := f.Fetch(ctx, Feed{URL: url}); r.Status != NotModified {
				b.Fatalf("%v: %v", r.Status, r.Err)
			}
		}
	})
}
