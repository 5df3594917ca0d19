package story

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
)

// The dev news corpus lives outside the repository (../shared, see the
// README's Development section); these tests skip without it.
const corpusDir = "../../shared/corpus/news"

type corpusItem struct {
	Feed    string
	Link    string
	Title   string
	Summary string
	Time    time.Time
}

type corpusEntry struct {
	Source        string `json:"source"`
	Link          string `json:"link"`
	Title         string `json:"title"`
	Description   string `json:"description"`
	DatePublished string `json:"date_published"`
}

// loadCorpus reads every entry once per (feed, link), as the store keeps
// it (the archive repeats an entry on each day it was seen), in time
// order.
func loadCorpus(tb testing.TB) []corpusItem {
	tb.Helper()
	root := filepath.Join(corpusDir, "feeds")
	if _, err := os.Stat(root); err != nil {
		tb.Skipf("news corpus not available (%v): it lives in ../shared/corpus/news", err)
	}
	seen := map[string]bool{}
	var items []corpusItem
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, "_entries.json") {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		var entries []corpusEntry
		if b = bytes.TrimSpace(b); len(b) > 0 && b[0] == '{' {
			var doc struct {
				Entries []corpusEntry `json:"entries"`
			}
			if err := json.Unmarshal(b, &doc); err != nil {
				return fmt.Errorf("%s: %w", p, err)
			}
			entries = doc.Entries
		} else if err := json.Unmarshal(b, &entries); err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		feed := strings.TrimSuffix(filepath.Base(p), "_entries.json")
		for _, e := range entries {
			key := feed + "\x00" + e.Link
			if seen[key] {
				continue
			}
			seen[key] = true
			t, err := parseCorpusTime(e.DatePublished)
			if err != nil {
				return fmt.Errorf("%s: %s: %w", p, e.Link, err)
			}
			items = append(items, corpusItem{Feed: feed, Link: e.Link, Title: e.Title, Summary: e.Description, Time: t})
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].Time.Before(items[j].Time) })
	return items
}

func parseCorpusTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05Z07:00", "2006-01-02 15:04:05.999999Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("date %q", s)
}

// placed is the corpus grouped as feedsift would group it.
type placed struct {
	items     []corpusItem
	decisions []Decision
}

func groupCorpus(items []corpusItem, opt Options) placed {
	feeds := map[string]int64{}
	x := NewIndex(opt)
	p := placed{items: items, decisions: make([]Decision, len(items))}
	for i, c := range items {
		fid, ok := feeds[c.Feed]
		if !ok {
			fid = int64(len(feeds) + 1)
			feeds[c.Feed] = fid
		}
		x.Expire(c.Time.Add(-x.opt.Window))
		p.decisions[i] = x.Place(Item{ID: int64(i + 1), Feed: fid, Time: c.Time, Features: Extract(c.Link, c.Title, c.Summary)})
	}
	return p
}

// TestCorpus_Groups prints how the dev news corpus groups: the figures
// the README quotes, and merged pairs to check by hand (go test -run
// TestCorpus_Groups -v ./story).
func TestCorpus_Groups(t *testing.T) {
	items := loadCorpus(t)
	p := groupCorpus(items, Options{Window: DefaultWindow, Threshold: DefaultThreshold})
	groups := map[int64]int{}
	reasons := map[Reason]int{}
	var merged []int
	for i, d := range p.decisions {
		groups[d.Group]++
		if d.Parent != 0 {
			reasons[d.Reason]++
			merged = append(merged, i)
		}
	}
	multi, biggest := 0, 0
	for _, n := range groups {
		if n > 1 {
			multi++
		}
		biggest = max(biggest, n)
	}
	t.Logf("items %d (unique per feed and link), groups %d, groups with more than one item %d, largest %d",
		len(items), len(groups), multi, biggest)
	t.Logf("joined: %d items (by link %d, by title %d, by text %d)", len(merged), reasons[ByLink], reasons[ByTitle], reasons[ByText])
	// A sample to check by hand: 30 merged pairs spread evenly over the
	// year (go test -v -run TestCorpus_Groups ./story prints them).
	sample := merged
	if len(merged) > 30 {
		sample = nil
		for k := range 30 {
			sample = append(sample, merged[k*len(merged)/30])
		}
	}
	for n, i := range sample {
		d := p.decisions[i]
		a, b := items[d.Parent-1], items[i]
		t.Logf("pair %d: %s %.2f\n  %s | %s | %s\n  %s | %s | %s", n+1, d.Reason, d.Score,
			short(a.Feed), a.Time.Format("01-02 15:04"), a.Title,
			short(b.Feed), b.Time.Format("01-02 15:04"), b.Title)
	}
	t.Log(missed(items, p))
}

// missed estimates recall: of the pairs of items from different sites
// within the window whose titles share at least half their words (a loose
// net for "same story"), how many ended in different groups. Checking a
// sample of those by hand says how many were the same story.
func missed(items []corpusItem, p placed) string {
	words := make([][]uint64, len(items))
	feats := make([]Features, len(items))
	for i, c := range items {
		feats[i] = Extract(c.Link, c.Title, "")
		for _, w := range tokens(clean(c.Title)) {
			words[i] = append(words[i], hashString(w))
		}
		sort.Slice(words[i], func(a, b int) bool { return words[i][a] < words[i][b] })
	}
	group := func(i int) int64 { return p.decisions[i].Group }
	var net, apart int
	var sample []string
	for i := range items {
		for j := i + 1; j < len(items) && items[j].Time.Sub(items[i].Time) <= DefaultWindow; j++ {
			if items[i].Feed == items[j].Feed || feats[i].Host == feats[j].Host || len(words[i]) < 4 || len(words[j]) < 4 {
				continue
			}
			if Jaccard(words[i], words[j]) < 0.5 {
				continue
			}
			net++
			if group(i) != group(j) {
				apart++
				if apart%7 == 1 && len(sample) < 20 {
					sample = append(sample, fmt.Sprintf("  %s | %s\n  %s | %s", short(items[i].Feed), items[i].Title, short(items[j].Feed), items[j].Title))
				}
			}
		}
	}
	return fmt.Sprintf("recall net: %d cross-site pairs within the window share half their title words; %d of them were not merged; a sample:\n%s",
		net, apart, strings.Join(sample, "\n"))
}

func short(feed string) string {
	for _, p := range []string{"https.", "http.", "www.", "feeds.", "rss."} {
		feed = strings.TrimPrefix(feed, p)
	}
	return feed[:min(len(feed), 14)]
}

// BenchmarkIndex_Place groups the first n items of the corpus in time
// order, as a long-running feedsift would, and reports the cost per
// item: it stays flat as the history grows because the index holds only
// the window (go test -run X -bench Index_Place ./story).
func BenchmarkIndex_Place(b *testing.B) {
	items := loadCorpus(b)
	feats := make([]Item, len(items))
	feeds := map[string]int64{}
	for i, c := range items {
		if _, ok := feeds[c.Feed]; !ok {
			feeds[c.Feed] = int64(len(feeds) + 1)
		}
		feats[i] = Item{ID: int64(i + 1), Feed: feeds[c.Feed], Time: c.Time, Features: Extract(c.Link, c.Title, c.Summary)}
	}
	for _, n := range []int{1000, 10000, 25000} {
		b.Run(fmt.Sprintf("history=%dk", n/1000), func(b *testing.B) {
			held := 0
			for b.Loop() {
				x := NewIndex(Options{Window: DefaultWindow, Threshold: DefaultThreshold})
				for _, it := range feats[:n] {
					x.Expire(it.Time.Add(-DefaultWindow))
					x.Place(it)
				}
				held = x.Len()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/item")
			b.ReportMetric(float64(held), "held")
		})
	}
	// For contrast: comparing each item with every earlier one.
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("all-pairs/history=%dk", n/1000), func(b *testing.B) {
			for b.Loop() {
				for i := range feats[:n] {
					for j := range i {
						Compare(feats[i], feats[j], DefaultThreshold)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/item")
		})
	}
}

// cleanUnguarded is clean without the need strings: every pattern runs,
// and a tail pattern as the regular expression that replaces its match
// through the end of the text.
func cleanUnguarded(s string) string {
	s = html.UnescapeString(stripTags(s))
	s = html.UnescapeString(s)
	for _, b := range boilerplate {
		re := b.re
		if b.tail {
			re = regexp.MustCompile(re.String() + `.*$`)
		}
		s = re.ReplaceAllString(s, " ")
	}
	return s
}

// The need and start strings only skip patterns, and text, where they
// cannot match: on the dev corpus and on texts written to meet each
// pattern (with the letters case-insensitive matching also finds as ſ and
// K), clean gives what running every pattern over all the text gives.
// FuzzClean compares them on any text.
func TestClean_GuardsChangeNothing(t *testing.T) {
	texts := []string{
		"Talks went on. The post Talks went on appeared first on Example News.",
		"Talks went on. The poſt Talks appeared firſt on Example.",
		"Troops moved. Continue reading at the site", "Troops moved. READ MORE", "Troops moved. Read the full ſtory",
		"Troops moved. CLICK HERE for more", "Troops moved. Full Story", "Troops moved. FULL ſTORY",
		"Troops moved. This article was originally published by Example.", "THIS STORY IS REPUBLISHED from X",
		"Troops moved [...] later", "Troops moved [ &hellip; ]", "Troops moved [ … ]",
		"MOSCOW (Reuters) - Troops moved", "(AP) — Troops moved", "  São Paulo (AFP): Troops moved",
		"Moscow (reuters) - lower case agency is not a dateline", "Nothing to remove here at all.",
		"Troops moved. Clic\u212a here", "Troops moved; unread more", "The Post. Talks appeared first on the wire",
		"Troops moved. This story is produced in partnership. [...]",
	}
	for _, s := range texts {
		if got, want := clean(s), cleanUnguarded(s); got != want {
			t.Errorf("clean(%q) = %q, every pattern gives %q", s, got, want)
		}
	}
	items := loadCorpus(t)
	changed := 0
	for _, it := range items {
		for _, s := range []string{it.Title, it.Summary} {
			got, want := clean(s), cleanUnguarded(s)
			if got != want {
				t.Fatalf("clean differs on a corpus text (%s): %q, every pattern gives %q", it.Link, got, want)
			}
			if got != html.UnescapeString(html.UnescapeString(stripTags(s))) {
				changed++
			}
		}
	}
	t.Logf("%d corpus texts, %d with boilerplate removed", 2*len(items), changed)
	if changed == 0 {
		t.Error("no corpus text had boilerplate: the comparison tested nothing")
	}
}

// TestCorpus_MaxComparedChangesNothing: on real news the bound on the
// members compared (DefaultMaxCompared) decides as no bound does.
func TestCorpus_MaxComparedChangesNothing(t *testing.T) {
	items := loadCorpus(t)
	opt := Options{Window: DefaultWindow, Threshold: DefaultThreshold}
	bounded := groupCorpus(items, opt)
	opt.MaxCompared = -1
	free := groupCorpus(items, opt)
	differ := 0
	for i := range free.decisions {
		if bounded.decisions[i] != free.decisions[i] {
			differ++
		}
	}
	if differ > 0 {
		t.Errorf("%d of %d decisions differ with MaxCompared %d from those with no bound", differ, len(free.decisions), DefaultMaxCompared)
	}
}
