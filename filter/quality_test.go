package filter

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/pelletier/go-toml/v2"
)

// The quality test matches the example topic against the labelled news
// set beside the checkout (../shared/corpus/news, see its README.md).

var showErrors = flag.Bool("errors", false, "quality test: list false positives and false negatives")

const corpusDir = "../../shared/corpus/news"

// exampleConfigFile is the shipped configuration whose groups and topic
// are the example topic: the one source of truth for it. cmd/feedsift's
// TestExampleConfigsAgree keeps example/config.toml in step.
const exampleConfigFile = "../config.example.toml"

// exampleConfig is the part of the configuration file that filter reads
// here (the config package decodes the whole file; filter may not import it).
type exampleConfig struct {
	Groups map[string]struct {
		Terms          []string `toml:"terms"`
		Stem           string   `toml:"stem"`
		FoldDiacritics bool     `toml:"fold_diacritics"`
	} `toml:"groups"`
	Topics []struct {
		Name           string  `toml:"name"`
		Threshold      float64 `toml:"threshold"`
		Query          string  `toml:"query"`
		FoldDiacritics bool    `toml:"fold_diacritics"`
	} `toml:"topics"`
}

// loadExample reads the groups and the topic of config.example.toml.
func loadExample(tb testing.TB) ([]GroupSpec, TopicSpec) {
	tb.Helper()
	b, err := os.ReadFile(exampleConfigFile)
	if err != nil {
		tb.Fatal(err)
	}
	var cfg exampleConfig
	if err := toml.Unmarshal(b, &cfg); err != nil {
		tb.Fatalf("%s: %v", exampleConfigFile, err)
	}
	var groups []GroupSpec
	for name, g := range cfg.Groups {
		groups = append(groups, GroupSpec{Name: name, Terms: g.Terms, Stem: g.Stem, FoldDiacritics: g.FoldDiacritics})
	}
	sort.Slice(groups, func(i, j int) bool { return groups[i].Name < groups[j].Name })
	if len(cfg.Topics) != 1 {
		tb.Fatalf("%s: want one topic, have %d", exampleConfigFile, len(cfg.Topics))
	}
	t := cfg.Topics[0]
	return groups, TopicSpec{Name: t.Name, Query: t.Query, Threshold: t.Threshold, FoldDiacritics: t.FoldDiacritics}
}

func mustCompileExample(tb testing.TB) *Topic {
	tb.Helper()
	groups, spec := loadExample(tb)
	topic, err := Compile(groups, spec)
	if err != nil {
		var fe *Error
		if errors.As(err, &fe) {
			tb.Fatalf("compile: group %q term %d topic %q offset %d: %v", fe.Group, fe.Term, fe.Topic, fe.Offset, err)
		}
		tb.Fatal(err)
	}
	return topic
}

// labelled is one corpus entry with its label.
type labelled struct {
	item  Item
	label bool
	day   string // the corpus day folder, YYYY-MM-DD
}

// loadCorpus reads the labelled entries, skipping the test when the
// corpus is absent. Feeds are named after their file, as the file name is
// the feed URL squeezed.
func loadCorpus(tb testing.TB) []labelled {
	tb.Helper()
	if _, err := os.Stat(corpusDir); errors.Is(err, fs.ErrNotExist) {
		tb.Skipf("corpus not found at %s (the shared corpus sits beside the checkout as ../shared/corpus)", corpusDir)
	}
	f, err := os.Open(filepath.Join(corpusDir, "labels.tsv"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma = '\t'
	r.LazyQuotes = true
	r.FieldsPerRecord = -1
	type key struct{ file, link string }
	labels := map[key]bool{}
	var files []string
	seenFile := map[string]bool{}
	for i := 0; ; i++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			tb.Fatal(err)
		}
		if i == 0 || len(rec) < 4 {
			continue
		}
		labels[key{rec[0], rec[1]}] = rec[3] == "1"
		if !seenFile[rec[0]] {
			seenFile[rec[0]] = true
			files = append(files, rec[0])
		}
	}
	sort.Strings(files)
	var out []labelled
	seen := map[key]bool{}
	for _, file := range files {
		b, err := os.ReadFile(filepath.Join(corpusDir, file))
		if err != nil {
			tb.Fatal(err)
		}
		var entries []struct {
			Title       string `json:"title"`
			Description string `json:"description"`
			Link        string `json:"link"`
		}
		if len(b) > 0 && b[0] == '{' {
			var wrapped struct {
				Entries json.RawMessage `json:"entries"`
			}
			if err := json.Unmarshal(b, &wrapped); err != nil {
				tb.Fatalf("%s: %v", file, err)
			}
			b = wrapped.Entries
		}
		if err := json.Unmarshal(b, &entries); err != nil {
			tb.Fatalf("%s: %v", file, err)
		}
		feed := strings.TrimSuffix(filepath.Base(file), "_entries.json")
		for _, e := range entries {
			k := key{file, e.Link}
			label, ok := labels[k]
			if !ok || seen[k] {
				continue
			}
			seen[k] = true
			out = append(out, labelled{item: Item{Title: e.Title, Summary: e.Description, FeedURL: feed, Link: e.Link}, label: label, day: filepath.Base(filepath.Dir(file))})
		}
	}
	return out
}

// learnBoilerplate learns each feed's repeated sentences from the corpus,
// as the caller does from stored items.
func learnBoilerplate(items []labelled) *Boilerplate {
	b := &Boilerplate{}
	byFeed := map[string][]string{}
	for _, it := range items {
		byFeed[it.item.FeedURL] = append(byFeed[it.item.FeedURL], it.item.Summary)
	}
	for feed, texts := range byFeed {
		b.Learn(feed, texts...)
	}
	return b
}

// designSplit divides the dev corpus's weeks in two: the example topic
// was designed on the items before it and is judged on those after it
// (and on the whole set). The corpus's 27 weeks: 13 before, 14 after.
const designSplit = "2023-06-22"

// quality counts a topic's outcomes on labelled items.
type quality struct{ tp, fp, fn int }

func (q quality) prf() (p, r, f1 float64) {
	p = float64(q.tp) / float64(max(q.tp+q.fp, 1))
	r = float64(q.tp) / float64(max(q.tp+q.fn, 1))
	f1 = 2 * p * r / max(p+r, 1e-9)
	return
}

func (q quality) String() string {
	p, r, f1 := q.prf()
	return fmt.Sprintf("TP %d FP %d FN %d: precision %.3f recall %.3f F1 %.3f", q.tp, q.fp, q.fn, p, r, f1)
}

var explainTitle = flag.String("explain", "", "quality test: explain the example topic on the items whose title contains this")

var nearMiss = flag.Float64("near", 0, "quality test with -errors: also list the design half's negatives that score at least this, below the threshold")

var showSet = flag.String("set", "", "written-sets test with -errors: list the errors of the files whose name contains this")

var showHalf = flag.String("half", "", "quality test with -errors: list only the errors of the design half (\"design\") or the held-out half (\"held\")")

func TestExampleTopic_Quality(t *testing.T) {
	topic := mustCompileExample(t)
	items := loadCorpus(t)
	bp := learnBoilerplate(items)
	var all, design, held quality
	stripped := 0
	for _, it := range items {
		d := bp.NewDoc(it.item)
		stripped += d.Stripped
		res := topic.Match(d)
		got := res.Match
		if *nearMiss > 0 && !got && !it.label && res.Score >= *nearMiss && it.day < designSplit {
			t.Logf("NEAR %v %s %s || %.200s", res.Score, it.day, it.item.Title, it.item.Summary)
		}
		if *explainTitle != "" && strings.Contains(it.item.Title, *explainTitle) {
			t.Logf("label %v %s\n%s", it.label, it.day, topic.Explain(d))
		}
		half, name := &design, "design"
		if it.day >= designSplit {
			half, name = &held, "held"
		}
		list := *showErrors && (*showHalf == "" || *showHalf == name)
		for _, q := range []*quality{&all, half} {
			q.count(got, it.label)
		}
		switch {
		case list && got && !it.label:
			t.Logf("FP %s %s || %.300s", it.day, it.item.Title, it.item.Summary)
		case list && !got && it.label:
			t.Logf("FN %s %s || %.300s", it.day, it.item.Title, it.item.Summary)
		}
	}
	t.Logf("items %d, on topic %d, boilerplate sentences stripped %d", len(items), all.tp+all.fn, stripped)
	t.Logf("whole set:                  %v", all)
	t.Logf("design half (before %s): %v", designSplit, design)
	t.Logf("held-out half (from %s): %v", designSplit, held)
	for _, c := range []struct {
		name string
		q    quality
		min  float64
	}{
		// Guards against regressions at the figures measured when the
		// topic was designed (design half F1 0.92). They are below the
		// targets of ≥ 0.90 precision and recall on the held-out half.
		{"whole set", all, 0.83},
		{"design half", design, 0.90},
		{"held-out half", held, 0.65},
	} {
		if _, _, f1 := c.q.prf(); f1 < c.min {
			t.Errorf("%s: F1 %.3f below %.2f", c.name, f1, c.min)
		}
	}
}

// labelledText is a hand-written labelled story.
type labelledText struct {
	label          bool
	title, summary string
}

// readLabelledTSV reads testdata/NAME: # comments, a header naming at
// least the columns label, title and summary, then one story a line.
func readLabelledTSV(t *testing.T, name string) []labelledText {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	var out []labelledText
	for i, line := range strings.Split(string(b), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(col) == 0 {
			for j, h := range f {
				col[h] = j
			}
			for _, h := range []string{"label", "title", "summary"} {
				if _, ok := col[h]; !ok {
					t.Fatalf("testdata/%s:%d: header lacks the column %q", name, i+1, h)
				}
			}
			continue
		}
		if len(f) != len(col) || f[col["label"]] != "0" && f[col["label"]] != "1" {
			t.Fatalf("testdata/%s:%d: want %d tab-separated fields with label 0 or 1", name, i+1, len(col))
		}
		out = append(out, labelledText{f[col["label"]] == "1", f[col["title"]], f[col["summary"]]})
	}
	return out
}

// count counts one outcome: matched or not, labelled on topic or not.
func (q *quality) count(got, label bool) {
	switch {
	case got && label:
		q.tp++
	case got && !label:
		q.fp++
	case !got && label:
		q.fn++
	}
}

// add counts the topic's outcome on one story.
func (q *quality) add(topic *Topic, s labelledText) {
	q.count(topic.Match(NewDoc(Item{Title: s.title, Summary: s.summary})).Match, s.label)
}

func (q quality) plus(o quality) quality { return quality{q.tp + o.tp, q.fp + o.fp, q.fn + o.fn} }

// TestExampleTopic_HardCases scores the example topic on
// testdata/hardcases.tsv (label, title, summary, note), the odd rows it
// was designed on and the even rows it was not, and guards against
// regressions on both.
func TestExampleTopic_HardCases(t *testing.T) {
	topic := mustCompileExample(t)
	var design, held quality
	for i, s := range readLabelledTSV(t, "hardcases.tsv") {
		if i%2 == 0 {
			design.add(topic, s)
		} else {
			held.add(topic, s)
		}
	}
	whole := design.plus(held)
	t.Logf("design rows: %s", design)
	t.Logf("held rows:   %s", held)
	t.Logf("all rows:    %s", whole)
	for _, c := range []struct {
		name string
		q    quality
		min  float64
	}{{"design", design, 0.90}, {"held", held, 0.80}, {"all", whole, 0.87}} {
		if p, r, _ := c.q.prf(); p < c.min || r < c.min {
			t.Errorf("%s rows: precision %.3f recall %.3f, want both ≥ %.2f", c.name, p, r, c.min)
		}
	}
}

// TestExampleTopic_WrittenSets scores the example topic on the stories
// of testdata/written/ (each file's comment says where they come from and
// whether the topic was designed on them) and guards against regressions
// on each, a little under what was measured. It prints the totals of the
// stories the topic was designed on and of those it was not: the second
// is the figure that says how it will do on news it has not seen.
func TestExampleTopic_WrittenSets(t *testing.T) {
	topic := mustCompileExample(t)
	var designed, unseen quality
	for _, c := range []struct {
		file     string
		rows     string // "all", or the "odd" or "even" data rows
		designed bool
		min      float64 // precision and recall
	}{
		{"wire-2014-2020.tsv", "all", true, 0.85},
		{"world-2021-2022.tsv", "all", true, 0.85},
		{"ru-zh-agencies-2015-2025.tsv", "all", true, 0.90},
		{"hard-2019-2025.tsv", "all", true, 0.75},
		{"top-stories-2019-2025.tsv", "odd", true, 0.85},
		{"top-stories-2019-2025.tsv", "even", false, 0.75},
		{"feeds-2023-2025.tsv", "all", false, 0.85},
		{"world-2023-2024.tsv", "all", false, 0.80},
		{"ru-zh-press-2016-2025.tsv", "all", false, 0.80},
		{"agency-2008-2013.tsv", "all", false, 0.85},
		{"general-2022-2023.tsv", "all", false, 0.80},
	} {
		var q quality
		for i, s := range readLabelledTSV(t, "written/"+c.file) {
			if c.rows == "odd" && i%2 == 1 || c.rows == "even" && i%2 == 0 {
				continue
			}
			q.add(topic, s)
			if *showErrors && *showSet != "" && strings.Contains(c.file, *showSet) {
				m := topic.Match(NewDoc(Item{Title: s.title, Summary: s.summary}))
				if m.Match != s.label {
					t.Logf("%s label %v score %g: %s | %s", c.file, s.label, m.Score, s.title, s.summary)
				}
			}
		}
		name := c.file
		if c.rows != "all" {
			name += " (" + c.rows + " rows)"
		}
		t.Logf("%-45s %s", name+":", q)
		if c.designed {
			designed = designed.plus(q)
		} else {
			unseen = unseen.plus(q)
		}
		if p, r, _ := q.prf(); p < c.min || r < c.min {
			t.Errorf("%s: precision %.3f recall %.3f, want both ≥ %.2f", name, p, r, c.min)
		}
	}
	t.Logf("%-45s %s", "designed on:", designed)
	t.Logf("%-45s %s", "not designed on:", unseen)
}
