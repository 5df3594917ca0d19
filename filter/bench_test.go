package filter

import (
	"fmt"
	"testing"
)

// Benchmarks on the dev corpus text (title + description of each entry):
//
//	go test -run '^$' -bench . -benchmem -cpu 1 ./filter/
//
// items/s is per core: the benchmarks run on one goroutine.

func benchItems(b *testing.B) []Item {
	b.Helper()
	ls := loadCorpus(b)
	items := make([]Item, len(ls))
	for i, l := range ls {
		items[i] = l.item
	}
	return items
}

func reportItems(b *testing.B) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "items/s")
}

func BenchmarkExampleTopic(b *testing.B) {
	topic := mustCompileExample(b)
	items := benchItems(b)
	docs := make([]*Doc, len(items))
	for i, it := range items {
		docs[i] = NewDoc(it)
	}
	b.Run("NewDoc+Match", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			topic.Match(NewDoc(items[i%len(items)]))
		}
		reportItems(b)
	})
	b.Run("NewDoc", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			NewDoc(items[i%len(items)])
		}
		reportItems(b)
	})
	b.Run("Match", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			topic.Match(docs[i%len(docs)])
		}
		reportItems(b)
	})
}

// BenchmarkTopicTerms matches topics of 10, 100 and 1,000 terms (a tenth
// of them prefixes, a few of them common words) against the corpus: the
// cost must not grow with the number of terms.
func BenchmarkTopicTerms(b *testing.B) {
	items := benchItems(b)
	docs := make([]*Doc, len(items))
	for i, it := range items {
		docs[i] = NewDoc(it)
	}
	common := []string{"Russia", "China", "war", "security", "\"prime minister\"", "elect*", "police", "Ukraine", "oil", "summit"}
	for _, n := range []int{10, 100, 1000} {
		terms := append([]string{}, common...)
		for i := len(terms); i < n; i++ {
			if i%10 == 0 {
				terms = append(terms, fmt.Sprintf("zq%04d*", i))
			} else {
				terms = append(terms, fmt.Sprintf("zq%04dx", i))
			}
		}
		groups := []GroupSpec{{Name: "g", Terms: terms}}
		topic, err := Compile(groups, TopicSpec{Name: "t", Query: "@g AND SENTENCE(@g, title:@g OR Russia)"})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("terms=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				topic.Match(docs[i%len(docs)])
			}
			reportItems(b)
		})
	}
}

// BenchmarkScreen screens the corpus's items with the example topic: the
// cost a pass pays for every item it fetches, against NewDoc's.
func BenchmarkScreen(b *testing.B) {
	s := NewScreen(mustCompileExample(b))
	items := benchItems(b)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		s.Pass(items[i%len(items)])
	}
	reportItems(b)
}

// BenchmarkFeedBatch prepares and matches the dev corpus fifty items of a
// feed at a time, learning each feed's boilerplate from the fifty, as a
// pass does with a feed's first fetch: every item (all) against the
// screen and a Batch that learns only what the screened-in items need
// (screened). ns/op is per item.
func BenchmarkFeedBatch(b *testing.B) {
	topic := mustCompileExample(b)
	screen := NewScreen(topic)
	var batches [][]Item
	byFeed := map[string][]Item{}
	for _, it := range benchItems(b) {
		byFeed[it.FeedURL] = append(byFeed[it.FeedURL], it)
	}
	for _, items := range byFeed {
		for i := 0; i < len(items); i += 50 {
			batches = append(batches, items[i:min(len(items), i+50)])
		}
	}
	run := func(b *testing.B, screened bool) {
		b.ReportAllocs()
		n := 0
		for i := 0; b.Loop(); i++ {
			items := batches[i%len(batches)]
			n += len(items)
			var want []bool
			if screened {
				want = make([]bool, len(items))
				any := false
				for k := range items {
					want[k] = screen.Pass(items[k])
					any = any || want[k]
				}
				if !any {
					continue
				}
			}
			for _, d := range (&Boilerplate{}).NewDocs(items[0].FeedURL, items, len(items), want) {
				if d != nil {
					topic.Match(d)
				}
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/item")
	}
	b.Run("all", func(b *testing.B) { run(b, false) })
	b.Run("screened", func(b *testing.B) { run(b, true) })
}
