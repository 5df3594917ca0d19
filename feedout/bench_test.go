package feedout

import (
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
)

// benchFeed is a topic of n entries with article-sized HTML, roughly what a
// busy topic publishes.
func benchFeed(n int) *Feed {
	f := testFeed(selfURL("atom"))
	body := strings.Repeat(`<p>Some <a href="/rel/link">text</a> with <b>markup</b> and an <img src="i.png" onerror="x()">.</p>`, 40)
	proto := f.Entries[0]
	f.Entries = nil
	for i := range n {
		e := proto
		e.ID = fmt.Sprintf("tag:example.org,2025:item/%d", i)
		e.Updated = time.Date(2025, 1, 15, 0, 0, 0, 0, time.UTC).Add(-time.Duration(i) * time.Minute)
		e.ContentHTML = body
		f.Entries = append(f.Entries, e)
	}
	return f
}

func BenchmarkWrite(b *testing.B) {
	f := benchFeed(50)
	for _, fm := range formats {
		b.Run(fm.name, func(b *testing.B) {
			for b.Loop() {
				if err := fm.write(io.Discard, f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
