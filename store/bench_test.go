package store

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// benchItems is one feed's document as the synthetic benchmark feeds look:
// n items with a title, a link, a GUID and a paragraph-sized summary.
func benchItems(feed, n, gen int) []Item {
	summary := strings.Repeat("<p>Officials said on Monday that the talks would continue next week. </p>", 25)
	items := make([]Item, n)
	for i := range items {
		items[i] = Item{
			GUID:       fmt.Sprintf("https://www.example-%d.example/2026/%d", feed, i),
			Link:       fmt.Sprintf("https://www.example-%d.example/2026/%d", feed, i),
			Title:      fmt.Sprintf("Item %d of feed %d, generation %d", i, feed, gen),
			Summary:    summary,
			Authors:    []string{"Example Correspondent"},
			Categories: []string{"World", "Politics"},
			Lang:       "en",
			Published:  t0.Add(-time.Duration(i) * time.Hour),
		}
	}
	return items
}

// BenchmarkSaveFeed stores one feed of 35 items:
//
//	go test -run '^$' -bench SaveFeed -benchmem ./store/
//
// new: a feed seen for the first time (a cold pass); unchanged: the same
// document again (a changed body whose items did not change); changed: 4
// of 35 items changed (a feed with news).
func BenchmarkSaveFeed(b *testing.B) {
	ctx := context.Background()
	const n = 35
	b.Run("new", func(b *testing.B) {
		s := mustOpen(b)
		items := benchItems(0, n, 0)
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			i++
			if _, err := s.SaveFeed(ctx, fmt.Sprintf("https://feeds.example/%d.xml", i), Fetched{Title: "T", Items: items}, t0); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "items/s")
	})
	for _, tc := range []struct {
		name    string
		changed int
	}{{"unchanged", 0}, {"changed", 4}} {
		b.Run(tc.name, func(b *testing.B) {
			s := mustOpen(b)
			const feeds = 200
			for f := range feeds {
				if _, err := s.SaveFeed(ctx, fmt.Sprintf("https://feeds.example/%d.xml", f), Fetched{Title: "T", Items: benchItems(f, n, 0)}, t0); err != nil {
					b.Fatal(err)
				}
			}
			docs := make([][]Item, feeds)
			for f := range docs {
				docs[f] = benchItems(f, n, 0)
			}
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				f := i % feeds
				i++
				for j := range tc.changed {
					docs[f][j].Title = fmt.Sprintf("Item %d of feed %d, generation %d", j, f, i)
				}
				if _, err := s.SaveFeed(ctx, fmt.Sprintf("https://feeds.example/%d.xml", f), Fetched{Title: "T", Items: docs[f]}, t0); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "items/s")
		})
	}
}
