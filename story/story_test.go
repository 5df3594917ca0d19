package story

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestCanonical(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"tracking parameters", "https://www.example.org/world/story-1?utm_source=rss&utm_medium=feed&fbclid=X&gclid=Y", "example.org/world/story-1"},
		{"kept parameters sorted", "https://example.org/a?id=7&utm_campaign=x&b=2", "example.org/a?b=2&id=7"},
		{"fragment and trailing slash", "http://example.org/world/story-1/#comments", "example.org/world/story-1"},
		{"scheme and case of host", "HTTP://WWW.Example.ORG/World/Story", "example.org/World/Story"},
		{"default port", "https://example.org:443/a", "example.org/a"},
		{"other port kept", "https://example.org:8443/a", "example.org:8443/a"},
		{"mobile host", "https://m.example.org/a", "example.org/a"},
		{"amp path segment", "https://www.example.org/amp/world/story-1", "example.org/world/story-1"},
		{"amp last segment", "https://example.org/world/story-1/amp/", "example.org/world/story-1"},
		{"amp suffix", "https://example.org/world/story-1.amp", "example.org/world/story-1"},
		{"amp html suffix", "https://example.org/world/story-1.amp.html", "example.org/world/story-1.html"},
		{"amp parameter", "https://example.org/world/story-1?amp=1", "example.org/world/story-1"},
		{"amp host", "https://amp.example.org/world/story-1", "example.org/world/story-1"},
		{"amp cache", "https://www-example-org.cdn.ampproject.org/c/s/www.example.org/world/story-1", "example.org/world/story-1"},
		{"google amp viewer", "https://www.google.com/amp/s/www.example.org/world/story-1", "example.org/world/story-1"},
		{"news aggregator redirect", "https://news.google.com/articles/abc?url=https%3A%2F%2Fwww.example.org%2Fworld%2Fstory-1%3Futm_source%3Dgn&hl=en", "example.org/world/story-1"},
		{"google redirect", "https://www.google.com/url?q=https://example.org/a&sa=D", "example.org/a"},
		{"facebook redirect", "https://l.facebook.com/l.php?u=https%3A%2F%2Fexample.org%2Fa%3Ffbclid%3Dz&h=AT0", "example.org/a"},
		{"opaque shortener left alone", "https://t.co/AbCdEf", "t.co/AbCdEf"},
		{"index page", "https://example.org/world/story/index.html", "example.org/world/story"},
		{"home page is no story", "https://www.example.org/?utm_source=x", ""},
		{"not http", "mailto:desk@example.org", ""},
		{"garbage", "::not a url", ""},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Canonical(tt.in); got != tt.want {
				t.Errorf("Canonical(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestExtract(t *testing.T) {
	tests := []struct {
		name           string
		title, summary string
		wantKey        string
		sameAs         [2]string // another title and summary with identical shingles
	}{
		{"html and entities", "Ships &amp; planes", "<p>Ships <b>and</b> planes &hellip;</p>", "", [2]string{"Ships & planes", "Ships and planes"}},
		{"syndication footer", "Port reopens after storm damage repaired", "The port reopened on Monday. The post Port reopens appeared first on Example News.", "port reopen storm damage repaired", [2]string{"Port reopens after storm damage repaired", "The port reopened on Monday."}},
		{"agency dateline", "Port reopens after storm damage repaired", "LISBON (Reuters) - The port reopened on Monday.", "port reopen storm damage repaired", [2]string{"Port reopens after storm damage repaired", "The port reopened on Monday."}},
		{"summary repeating the title", "Port reopens after storm damage repaired", "Port reopens after storm damage repaired", "port reopen storm damage repaired", [2]string{"Port reopens after storm damage repaired", ""}},
		{"read more", "Port reopens after storm damage repaired", "The port reopened. Read more at example.org", "port reopen storm damage repaired", [2]string{"Port reopens after storm damage repaired", "The port reopened."}},
		{"typographic quotes and case", "Minister ‘Will Not Resign’ Over Leaked Budget Report", "", "minister resign leaked budget report", [2]string{"minister 'will not resign' over leaked budget report", ""}},
		{"short title has no key", "Live updates", "", "", [2]string{"live updates", ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := Extract("", tt.title, tt.summary)
			if f.TitleKey != tt.wantKey {
				t.Errorf("TitleKey = %q, want %q", f.TitleKey, tt.wantKey)
			}
			g := Extract("", tt.sameAs[0], tt.sameAs[1])
			if Jaccard(f.Shingles, g.Shingles) != 1 {
				t.Errorf("shingles differ from those of %q", tt.sameAs)
			}
		})
	}
}

func TestTokens_CJK(t *testing.T) {
	got := fmt.Sprint(tokens("中俄联合巡航 Russia"))
	if want := "[中俄 俄联 联合 合巡 巡航 russia]"; got != want {
		t.Errorf("tokens = %s, want %s", got, want)
	}
}

var day0 = time.Date(2023, 7, 20, 8, 0, 0, 0, time.UTC)

type doc struct {
	id             int64
	feed           int64
	at             time.Duration // after day0
	link           string
	title, summary string
}

func (d doc) item() Item {
	return Item{ID: d.id, Feed: d.feed, Time: day0.Add(d.at), Features: Extract(d.link, d.title, d.summary)}
}

// TestIndex_Place: each case places its documents in order and states
// the group every one must end in (its first member's id) and why.
func TestIndex_Place(t *testing.T) {
	tests := []struct {
		name   string
		opt    Options
		docs   []doc
		groups []int64
		why    []Reason
	}{
		{
			name: "the same story worded by two outlets",
			docs: []doc{
				{1, 1, 0, "https://wire.example.org/world/2023/07/20/naval-drills", "Russia and China hold joint naval drills in Sea of Japan",
					"Warships from Russia and China began joint naval drills in the Sea of Japan on Thursday, the Russian defence ministry said."},
				{2, 2, 3 * time.Hour, "https://daily.example.com/asia/russia-china-naval-drills-sea-of-japan", "Russia, China start joint naval drills in Sea of Japan",
					"Russian and Chinese warships began joint naval drills in the Sea of Japan on Thursday, Russia's defence ministry said in a statement."},
			},
			groups: []int64{1, 1},
			why:    []Reason{"", ByText},
		},
		{
			name: "near-identical headlines, different stories on different days",
			docs: []doc{
				{1, 1, 0, "https://wire.example.org/a", "Russia and China hold joint naval drills",
					"Warships from both countries exercised in the Sea of Japan."},
				{2, 2, 96 * time.Hour, "https://daily.example.com/b", "Russia and China hold joint air drills",
					"Bombers from both countries flew a joint patrol over the Sea of Japan."},
			},
			groups: []int64{1, 2},
			why:    []Reason{"", ""},
		},
		{
			name: "near-identical headlines, different stories inside the window",
			docs: []doc{
				{1, 1, 0, "https://wire.example.org/a", "Russia and China hold joint naval drills",
					"Warships from both countries exercised in the Sea of Japan."},
				{2, 2, 20 * time.Hour, "https://daily.example.com/b", "Russia and China hold joint air drills",
					"Bombers from both countries flew a joint patrol over the Sea of Japan."},
			},
			groups: []int64{1, 2},
			why:    []Reason{"", ""},
		},
		{
			name: "same story outside the window",
			docs: []doc{
				{1, 1, 0, "https://wire.example.org/a", "Flood waters recede in river valley as rescue teams move in", "Rescue teams moved into the valley."},
				{2, 2, 80 * time.Hour, "https://daily.example.com/b", "Flood waters recede in river valley as rescue teams move in", "Rescue teams moved into the valley."},
			},
			groups: []int64{1, 2},
			why:    []Reason{"", ""},
		},
		{
			name: "a wider window joins them",
			opt:  Options{Window: 7 * 24 * time.Hour, Threshold: DefaultThreshold},
			docs: []doc{
				{1, 1, 0, "https://wire.example.org/a", "Flood waters recede in river valley as rescue teams move in", "Rescue teams moved into the valley."},
				{2, 2, 80 * time.Hour, "https://daily.example.com/b", "Flood waters recede in river valley as rescue teams move in", "Rescue teams moved into the valley."},
			},
			groups: []int64{1, 1},
			why:    []Reason{"", ByTitle},
		},
		{
			name: "canonical link across feeds, whatever the text",
			docs: []doc{
				{1, 1, 0, "https://www.example.org/world/story-1?utm_source=rss", "Ministers meet", ""},
				{2, 2, time.Hour, "http://example.org/amp/world/story-1/", "Something else entirely", "Other words."},
			},
			groups: []int64{1, 1},
			why:    []Reason{"", ByLink},
		},
		{
			name: "a running format in one feed stays apart",
			docs: []doc{
				{1, 1, 0, "https://desk.example.org/war-key-events-day-586", "War: list of key events, day 586", "Here is the situation on day 586 of the war."},
				{2, 1, 24 * time.Hour, "https://desk.example.org/war-key-events-day-587", "War: list of key events, day 587", "Here is the situation on day 587 of the war."},
			},
			groups: []int64{1, 2},
			why:    []Reason{"", ""},
		},
		{
			name: "two feeds of one site stay apart unless the link agrees",
			docs: []doc{
				{1, 1, 0, "http://desk.example.org/war-key-events-day-586", "War: list of key events, day 586", "Here is the situation on day 586 of the war."},
				{2, 2, 24 * time.Hour, "https://desk.example.org/war-key-events-day-587", "War: list of key events, day 587", "Here is the situation on day 587 of the war."},
				{3, 2, 25 * time.Hour, "https://desk.example.org/war-key-events-day-586", "War: list of key events, day 586", "Here is the situation on day 586 of the war."},
			},
			groups: []int64{1, 2, 1},
			why:    []Reason{"", "", ByLink},
		},
		{
			name: "a short generic title is no identity",
			docs: []doc{
				{1, 1, 0, "https://a.example.org/1", "Live updates", "Storm reaches the coast."},
				{2, 2, time.Hour, "https://b.example.com/2", "Live updates", "Election results come in."},
			},
			groups: []int64{1, 2},
			why:    []Reason{"", ""},
		},
		{
			name: "a later copy joins the group, not its parent's own group",
			docs: []doc{
				{1, 1, 0, "https://a.example.org/1", "Volcano erupts near the capital, forcing thousands to evacuate", "Lava flowed toward the town."},
				{2, 2, time.Hour, "https://b.example.com/2", "Volcano erupts near the capital, forcing thousands to evacuate", "Residents left their homes."},
				{3, 3, 2 * time.Hour, "https://b.example.com/2?utm_source=x", "Eruption: what we know", ""},
			},
			groups: []int64{1, 1, 1},
			why:    []Reason{"", ByTitle, ByLink},
		},
		{
			name: "threshold 1 keeps text apart but not titles",
			opt:  Options{Threshold: 1},
			docs: []doc{
				{1, 1, 0, "https://a.example.org/1", "Volcano erupts near the capital, forcing thousands to evacuate", "Lava flowed toward the town."},
				{2, 2, time.Hour, "https://b.example.com/2", "Volcano erupts near capital, forcing thousands to flee", "Lava flowed toward the town."},
				{3, 3, time.Hour, "https://c.example.net/3", "Volcano erupts near the capital, forcing thousands to evacuate", ""},
			},
			groups: []int64{1, 2, 1},
			why:    []Reason{"", "", ByTitle},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opt := tt.opt
			if opt.Threshold == 0 {
				opt.Threshold = DefaultThreshold
			}
			x := NewIndex(opt)
			for i, d := range tt.docs {
				got := x.Place(d.item())
				if got.Group != tt.groups[i] || got.Reason != tt.why[i] {
					t.Errorf("doc %d: group %d (%s, %.2f), want %d (%s)", d.id, got.Group, got.Reason, got.Score, tt.groups[i], tt.why[i])
				}
			}
		})
	}
}

func TestIndex_Expire(t *testing.T) {
	x := NewIndex(Options{Threshold: DefaultThreshold})
	title := "Volcano erupts near the capital, forcing thousands to evacuate"
	for i := range 10 {
		x.Place(doc{int64(i + 1), int64(i + 1), time.Duration(i) * 24 * time.Hour, fmt.Sprintf("https://s%d.example.org/a", i), title, ""}.item())
		x.Expire(day0.Add(time.Duration(i)*24*time.Hour - DefaultWindow))
	}
	if x.Len() != 4 {
		t.Errorf("Len = %d after expiring all but the last three days, want 4", x.Len())
	}
	if n := len(x.byTitle); n != 1 {
		t.Errorf("byTitle holds %d keys", n)
	}
	x.Expire(day0.Add(100 * 24 * time.Hour))
	if x.Len() != 0 || len(x.byTitle) != 0 || len(x.byLink) != 0 || len(x.byPrefix[0]) != 0 || len(x.byPrefix[1]) != 0 {
		t.Errorf("after expiring everything: Len %d, keys by title %d, link %d, prefix %d and %d",
			x.Len(), len(x.byTitle), len(x.byLink), len(x.byPrefix[0]), len(x.byPrefix[1]))
	}
}

func TestComponents(t *testing.T) {
	// 1 ← 2 (0.9) ← 3 (0.6); 4 ← 1 (0.7); 5 alone.
	edges := []Edge{{ID: 1}, {ID: 2, Parent: 1, Score: 0.9}, {ID: 3, Parent: 2, Score: 0.6}, {ID: 4, Parent: 1, Score: 0.7}, {ID: 5}}
	tests := []struct {
		threshold float64
		want      map[int64]int64
	}{
		{0.5, map[int64]int64{1: 1, 2: 1, 3: 1, 4: 1, 5: 5}},
		{0.65, map[int64]int64{1: 1, 2: 1, 3: 3, 4: 1, 5: 5}},
		{0.95, map[int64]int64{1: 1, 2: 2, 3: 3, 4: 4, 5: 5}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.threshold), func(t *testing.T) {
			got := Components(edges, tt.threshold)
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("Components = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestIndex_SameAsAllPairs: the prefix index decides as comparing each
// item with every earlier member would, when joining by text needs a
// shared LSH band, with and without common shingles taken last, at
// several thresholds. Items are drawn from a small vocabulary, so that
// many pairs are near the threshold.
func TestIndex_SameAsAllPairs(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	words := strings.Fields("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau upsilon")
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var items []Item
	for i := range 600 {
		n := 3 + r.IntN(10)
		var title, text []string
		for range n {
			title = append(title, words[r.IntN(len(words))])
		}
		for range r.IntN(12) {
			text = append(text, words[r.IntN(len(words))])
		}
		link := fmt.Sprintf("https://site%d.example.org/%d", r.IntN(40), r.IntN(300))
		items = append(items, Item{ID: int64(i + 1), Feed: int64(1 + r.IntN(60)), Time: t0.Add(time.Duration(r.IntN(200)) * time.Hour),
			Features: Extract(link, strings.Join(title, " "), strings.Join(text, " "))})
	}
	var sample []Features
	for _, it := range items[:200] {
		sample = append(sample, it.Features)
	}
	for _, th := range []float64{0, 0.2, 0.3, 0.55, 0.8, 1} {
		// No bound on the members compared: at threshold 0 every
		// earlier item is a candidate.
		opt := Options{Window: 72 * time.Hour, Threshold: th, MaxCompared: -1}
		for _, common := range []map[uint64]bool{nil, CommonShingles(sample)} {
			opt.Common = common
			x := NewIndex(opt)
			for i, it := range items {
				// Candidates offers the same members Decide chooses from.
				var viaCandidates Decision
				found := false
				x.Candidates(it, func(_ *Member, d Decision) {
					found = true
					if d.Score > viaCandidates.Score || (d.Score == viaCandidates.Score && d.Parent < viaCandidates.Parent) {
						viaCandidates = d
					}
				})
				// Reaches never says no where Candidates finds one.
				if found && !x.Reaches(it) {
					t.Fatalf("threshold %v: item %d: Candidates finds members, Reaches says none", th, it.ID)
				}
				got := x.Place(it)
				if viaCandidates.Parent != got.Parent || viaCandidates.Score != got.Score {
					t.Fatalf("threshold %v: item %d: Candidates' best %d %v, Decide %d %v", th, it.ID,
						viaCandidates.Parent, viaCandidates.Score, got.Parent, got.Score)
				}
				want := Decision{Group: it.ID}
				var wantID int64
				keys := bandKeys(&it.Features)
				for _, e := range items[:i] {
					if absDur(e.Time.Sub(it.Time)) > opt.Window {
						continue
					}
					d := Compare(it, e, th)
					if d.Reason == "" || (d.Reason == ByText && !shareKey(keys, bandKeys(&e.Features))) {
						continue
					}
					if d.Score > want.Score || (d.Score == want.Score && e.ID < wantID) {
						d.Parent = e.ID
						want, wantID = d, e.ID
					}
				}
				if got.Parent != want.Parent || got.Score != want.Score || got.Reason != want.Reason {
					t.Fatalf("threshold %v, common %d: item %d: got parent %d %v %s, want %d %v %s", th, len(common), it.ID,
						got.Parent, got.Score, got.Reason, want.Parent, want.Score, want.Reason)
				}
			}
		}
	}
}

func shareKey(a, b []uint64) bool {
	for _, x := range a {
		for _, y := range b {
			if x == y {
				return true
			}
		}
	}
	return false
}

// TestIndex_MaxCompared: in a window crowded with similar items, Decide
// compares an item with at most MaxCompared members per kind of shingles,
// those met first; without the bound it finds the best of all.
func TestIndex_MaxCompared(t *testing.T) {
	t0 := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	shared := make([]uint64, 30)
	for i := range shared {
		shared[i] = uint64(1000 + i)
	}
	member := func(id int64, own int) Item {
		sh := append([]uint64(nil), shared[:own]...)
		for i := own; i < 30; i++ {
			sh = append(sh, uint64(1_000_000+id*100+int64(i)))
		}
		slices.Sort(sh)
		return Item{ID: id, Feed: id, Time: t0, Features: Features{Link: fmt.Sprintf("https://s%d.example/x", id),
			Host: fmt.Sprintf("s%d.example", id), Shingles: sh}}
	}
	for _, tc := range []struct {
		limit      int
		wantParent int64
	}{
		{-1, 200},  // the closest copy, met last
		{300, 200}, // a bound above the crowd
		{0, 1},     // the default bound (64) is below it: the first met win
		{20, 1},    // the best of the first 20: ties go to the lower id
	} {
		x := NewIndex(Options{Threshold: 0.5, MaxCompared: tc.limit})
		for id := int64(1); id < 200; id++ {
			x.Add(Member{Item: member(id, 24), Group: id}) // 24 of 30 shared: J = 0.67
		}
		x.Add(Member{Item: member(200, 29), Group: 200}) // J = 0.93
		d := x.Decide(member(500, 30))
		if d.Parent != tc.wantParent {
			t.Errorf("MaxCompared %d: parent %d (score %.2f), want %d", tc.limit, d.Parent, d.Score, tc.wantParent)
		}
	}
}

// bandKeys returns the LSH keys of the text and title shingles: two sets
// of bands, told apart by their keys. The reference for bands.shares: two
// items share a band when they share a key.
func bandKeys(f *Features) []uint64 {
	var keys []uint64
	for kind, sh := range [][]uint64{f.Shingles, f.TitleShingles} {
		if len(sh) == 0 {
			continue
		}
		sig := signature(sh)
		for b := range numBands {
			k := uint64(kind*numBands+b+1) * 0x9e3779b97f4a7c15
			for r := range bandRows {
				k = mix(k ^ sig[b*bandRows+r])
			}
			keys = append(keys, k)
		}
	}
	return keys
}

// TestBands_Shares: bands.shares, which computes the other side's
// signature a band at a time, agrees with comparing every band key, on
// pairs from identical to unrelated (and without title shingles).
func TestBands_Shares(t *testing.T) {
	words := strings.Fields("army navy drill border talks minister visit summit trade pact port grain oil gas ship coast guard missile treaty envoy")
	rng := rand.New(rand.NewPCG(3, 5))
	text := func(n int) string {
		w := make([]string, n)
		for i := range w {
			w[i] = words[rng.IntN(len(words))]
		}
		return strings.Join(w, " ")
	}
	var fs []Features
	for range 300 {
		title := text(2 + rng.IntN(8)) // short titles have no title shingles
		fs = append(fs, Extract("", title, text(5+rng.IntN(40))))
	}
	agree := map[bool]int{}
	for i := range fs {
		for j := range fs {
			want := shareKey(bandKeys(&fs[i]), bandKeys(&fs[j]))
			b := bands{f: &fs[i]}
			if got := b.shares(&fs[j]); got != want {
				t.Fatalf("pair %d, %d: shares %v, band keys say %v", i, j, got, want)
			}
			agree[want]++
		}
	}
	if agree[true] < 1000 || agree[false] < 1000 {
		t.Fatalf("pairs that share a band / do not: %d / %d; want both kinds", agree[true], agree[false])
	}
}

// TestSketch_Bound: the sketches' bound is never below the number of
// shingles two sets share (else Decide would miss members), from
// disjoint to identical sets, with small and large sets (many bits
// shared by chance).
func TestSketch_Bound(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 13))
	ruledOut := 0
	for range 20000 {
		n := 1 + rng.IntN(400)
		pool := make([]uint64, n)
		for i := range pool {
			pool[i] = rng.Uint64()
		}
		pick := func() []uint64 {
			var s []uint64
			for _, h := range pool {
				if rng.IntN(3) > 0 {
					s = append(s, h)
				}
			}
			slices.Sort(s)
			return s
		}
		a, b := Features{Shingles: pick(), TitleShingles: pick()}, Features{Shingles: pick(), TitleShingles: pick()}
		sa, sb := sketchOf(&a), sketchOf(&b)
		for _, c := range []struct {
			x, y  []uint64
			bound int
		}{{a.Shingles, b.Shingles, sa.textShared(&sb)}, {a.TitleShingles, b.TitleShingles, sa.titleShared(&sb)}} {
			shared := 0
			for _, h := range c.x {
				if _, ok := slices.BinarySearch(c.y, h); ok {
					shared++
				}
			}
			if c.bound < shared {
				t.Fatalf("bound %d below the %d shingles shared (sets of %d and %d)", c.bound, shared, len(c.x), len(c.y))
			}
			for _, th := range []float64{0.3, 0.55, 0.8} {
				if reaches(c.x, c.y, th, c.bound) != reaches(c.x, c.y, th, -1) {
					t.Fatalf("threshold %v: reaches with the bound differs", th)
				}
				if c.bound < int(math.Ceil(th*float64(len(c.x)+len(c.y))/(1+th))) {
					ruledOut++ // about what reaches needs
				}
			}
		}
	}
	if ruledOut == 0 {
		t.Fatal("the bound ruled out no pair: the test does not exercise it")
	}
}

// signature is the MinHash of a shingle set.
func signature(sh []uint64) (sig [numHashes]uint64) {
	for i := range sig {
		sig[i] = ^uint64(0)
	}
	for _, h := range sh {
		for i, s := range seeds {
			if v := mix(h ^ s); v < sig[i] {
				sig[i] = v
			}
		}
	}
	return sig
}

func FuzzClean(f *testing.F) {
	for _, s := range []string{
		"Talks went on. Read more", "Talks went on; unread more", "Full ſtory", "Clic\u212a here",
		"The post X appeared first on Y.", "This article was originally published by Example.",
		"MOSCOW (Reuters) - Talks began. Continue reading ...", "<p>Talks</p><p>Read the full story</p>",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := clean(s), cleanUnguarded(s); got != want {
			t.Errorf("clean(%q) = %q, every pattern gives %q", s, got, want)
		}
	})
}
