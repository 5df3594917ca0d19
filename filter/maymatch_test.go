package filter

import (
	"math/rand/v2"
	"testing"
)

// strippedDoc is it's Doc with the summary and content sentences that
// strip marks (bit k: the k-th, counting from 0; past 63, none) left out,
// as boilerplate would leave them out.
func strippedDoc(it Item, strip uint64) *Doc {
	var t tokenized
	t.read(it)
	bp := &feedBoiler{min: 1, counts: map[uint64]int{}}
	k := 0
	t.sentences(func(i, j int) {
		if k < 64 && strip&(1<<k) != 0 {
			bp.counts[t.hash(i, j)] = 1
		}
		k++
	})
	var s docScratch
	return s.finish(&t, bp)
}

// stripSets returns sets of it's summary and content sentences to leave
// out (bits as strippedDoc takes them): none, each one alone, each first
// k, and random ones of them.
func stripSets(it Item, rng *rand.Rand, random int) []uint64 {
	n := min(sentenceCount(it), 64)
	strips := []uint64{0}
	for k := range n {
		strips = append(strips, 1<<k, 1<<(k+1)-1)
	}
	for range random {
		strips = append(strips, rng.Uint64())
	}
	return strips
}

// sentenceCount is how many summary and content sentences it has.
func sentenceCount(it Item) int {
	var t tokenized
	t.read(it)
	n := 0
	t.sentences(func(int, int) { n++ })
	return n
}

// mayMatchQueries exercise what leaving sentences out can change: the
// lead (head:), distances (NEAR), negations and negative weights.
var mayMatchQueries = []string{
	"@russia AND @china",
	"head:SENTENCE(@russia, @china, @security)",
	"head:(@russia AND @china)",
	"@russia NEAR/2 @china",
	`"joint drills" NEAR/3 @china`,
	"@russia AND NOT @china",
	"@russia UNLESS summary:@china",
	"title:START/2(@china) UNLESS tennis",
	"PAIR(@russia, @china) AND @security",
	"head:END/3(@russia) AND @china",
	"@russia NOT NEAR/3 @security",
	"@russia BEFORE/4 @china",
	"2: title:@china\n2: summary:(@russia BEFORE/2 @security)\n-3: @security BEFORE/0 @china",
	"3: START/3(PAIR(@russia, @china))\n1: @security\n-2: summary:(@china NOT NEAR/2 @russia)",
	"SENTENCE(@russia, NOT @china)",
	"3: @russia\n2: @china\n1: @security\n-4: trade",
	"2: head:@russia\n2: @china NEAR/1 @security\n-3: @russia NEAR/3 @china",
}

func compileQueries(tb testing.TB, queries []string) []*Topic {
	tb.Helper()
	g, err := CompileGroups(testGroups)
	if err != nil {
		tb.Fatal(err)
	}
	var topics []*Topic
	for _, q := range queries {
		tp, err := g.Compile(TopicSpec{Name: q, Query: q, Threshold: 3})
		if err != nil {
			tp, err = g.Compile(TopicSpec{Name: q, Query: q})
		}
		if err != nil {
			tb.Fatalf("%q: %v", q, err)
		}
		topics = append(topics, tp)
	}
	return topics
}

// checkMayMatch fails t when the item matches tp with the sentences strip
// marks left out while MayMatch says it cannot match.
func checkMayMatch(t *testing.T, tp *Topic, it Item, strip uint64) {
	t.Helper()
	if tp.MayMatch(NewDoc(it)) {
		return
	}
	if r := tp.Match(strippedDoc(it, strip)); r.Match {
		t.Errorf("%q: MayMatch says no, but with sentences %b left out it matches (score %v): %+v", tp.name, strip, r.Score, it)
	}
}

func TestMayMatch(t *testing.T) {
	topics := compileQueries(t, mayMatchQueries)
	byQuery := map[string]*Topic{}
	for _, tp := range topics {
		byQuery[tp.name] = tp
	}
	for _, tc := range []struct {
		query string
		it    Item
		strip uint64
		may   bool // MayMatch's answer; a strip that makes it match needs true
	}{
		// The lead moves to the second sentence once the first is left out.
		{"head:(@russia AND @china)", Item{Title: "Talks", Summary: "Subscribe now. Russia and China meet."}, 1, true},
		// Two sentences apart, then next to each other.
		{"@russia NEAR/2 @china", Item{Summary: "Russia spoke. Read our newsletter for more news today. China agreed."}, 2, true},
		// What UNLESS excludes may be boilerplate.
		{"@russia UNLESS summary:@china", Item{Title: "Russia", Summary: "Follow China Daily on social media."}, 1, true},
		// A negative clause may be left out.
		{"3: @russia\n2: @china\n1: @security\n-4: trade", Item{Title: "Russia China security", Summary: "Trade newsletter."}, 1, true},
		// Leaving out only takes: no word for China, no match.
		{"@russia AND @china", Item{Title: "Russia", Summary: "Moscow. Kremlin."}, 3, false},
		{"head:SENTENCE(@russia, @china, @security)", Item{Title: "Talks", Summary: "Russia and China. Security."}, 1, false},
		// The title is never left out: its distances stay.
		{"@russia NEAR/2 @china", Item{Title: "Russia is a big country far from China"}, 0, false},
	} {
		tp := byQuery[tc.query]
		if got := tp.MayMatch(NewDoc(tc.it)); got != tc.may {
			t.Errorf("%q on %+v: MayMatch = %v, want %v", tc.query, tc.it, got, tc.may)
		}
		if r := tp.Match(strippedDoc(tc.it, tc.strip)); r.Match && !tc.may {
			t.Errorf("%q on %+v stripped %b: matches, yet the case says MayMatch is false", tc.query, tc.it, tc.strip)
		}
		checkMayMatch(t, tp, tc.it, tc.strip)
	}
}

// TestMayMatch_Corpus checks MayMatch against the example topic and the
// queries above on the dev corpus: for every item it rules out, no way
// of leaving sentences out (all single sentences, the first k, and random
// sets) makes the item match. It prints how many items it rules out.
func TestMayMatch_Corpus(t *testing.T) {
	items := loadCorpus(t)
	topics := append(compileQueries(t, mayMatchQueries), mustCompileExample(t))
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tp := range topics {
		screen := NewScreen(tp)
		passed, may := 0, 0
		for _, l := range items {
			if !screen.Pass(l.item) {
				continue
			}
			passed++
			if tp.MayMatch(NewDoc(l.item)) {
				may++
				continue
			}
			for _, s := range stripSets(l.item, rng, 8) {
				checkMayMatch(t, tp, l.item, s)
			}
		}
		t.Logf("%q: %d items pass the screen, %d of them may match", tp.name, passed, may)
	}
}

func FuzzMayMatch(f *testing.F) {
	topics := compileQueries(f, mayMatchQueries)
	f.Add("Talks", "Subscribe now. Russia and China meet security.", uint64(1))
	f.Add("Russia", "Russia spoke. Read more. China agreed; trade.", uint64(2))
	f.Add("Шойгу прибыл в Пекин", "<p>Совместные учения. Россия и Китай.</p>", uint64(3))
	f.Fuzz(func(t *testing.T, title, summary string, strip uint64) {
		it := Item{Title: title, Summary: summary}
		for _, tp := range topics {
			checkMayMatch(t, tp, it, strip)
		}
	})
}
