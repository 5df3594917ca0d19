package filter

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestScreen_requirements(t *testing.T) {
	tests := []struct {
		query     string
		threshold float64
		want      [][]string // each requirement's needles, sorted: exact words, prefixes*
	}{
		{"Russia", 0, [][]string{{"russia"}}},
		{"Russia AND China", 0, [][]string{{"china"}, {"russia"}}},
		{"Russia OR China", 0, [][]string{{"china", "russia"}}},
		{"(Russia OR China) AND drills", 0, [][]string{{"china", "russia"}, {"drills"}}},
		{"Russia NOT tennis", 0, [][]string{{"russia"}}},
		{"NOT tennis", 0, nil},
		{"@russia UNLESS tennis", 0, [][]string{{"kremlin", "moscow", "russia", "russian", "shoigu", "москв*", "росс*", "俄"}}},
		{"title:START/3(@china) AND drills", 0, [][]string{{"beijing", "china", "chinese", "jinping", "кита*", "пекин*", "中", "北"}, {"drills"}}},
		{`"joint drills" NEAR/3 China`, 0, [][]string{{"china"}, {"drills"}}},
		{"exercise~", 0, [][]string{{"exer*"}}}, // English stem "exercis", less three runes
		{"tie~", 0, nil},                        // stem too short to say what "tying" begins with
		{"@folded", 0, [][]string{{"paulo", "елка"}}},
		{"secur*", 0, [][]string{{"secur*"}}},
		{"=Open", 0, [][]string{{"open"}}},
		// Weighted: 3 + 2 reach the threshold only with both.
		{"3: Russia\n2: China\n1: drills", 5, [][]string{{"china"}, {"russia"}}},
		{"3: Russia\n2: China\n-5: tennis", 3, [][]string{{"russia"}}},
		// A negative clause true without any term cannot make a match.
		{"3: Russia\n2: China\n-4: NOT title:drills", 3, [][]string{{"russia"}}},
		{"3: Russia\n2: China\n1: drills", 3, nil},
	}
	g, err := CompileGroups(testGroups)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			topic, err := g.Compile(TopicSpec{Name: "t", Query: tt.query, Threshold: tt.threshold})
			if err != nil {
				t.Fatal(err)
			}
			var got [][]string
			for _, r := range topic.requirements(maxRequirements) {
				var ns []string
				for _, n := range r.needles {
					ns = append(ns, n.String())
				}
				slices.Sort(ns)
				got = append(got, ns)
			}
			slices.SortFunc(got, slices.Compare)
			if !slices.EqualFunc(got, tt.want, slices.Equal) {
				t.Errorf("requirements = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestScreen_Corpus checks the screen's promise on the dev corpus: every
// item the example topic matches passes it. It also says how many pass.
func TestScreen_Corpus(t *testing.T) {
	topic := mustCompileExample(t)
	items := loadCorpus(t)
	s := NewScreen(topic)
	passed, matched := 0, 0
	for _, l := range items {
		pass := s.Pass(l.item)
		if pass {
			passed++
		}
		if topic.Match(NewDoc(l.item)).Match {
			matched++
			if !pass {
				t.Errorf("the topic matches %q, but the screen fails it", l.item.Title)
			}
		}
	}
	if passed == len(items) {
		t.Errorf("every one of %d items passed: the screen rules nothing out", len(items))
	}
	t.Logf("%d of %d items pass the screen; the topic matches %d", passed, len(items), matched)
}

// TestScreen_StemNeedles checks over the corpus's words what needleOf
// relies on: the stem of a word, less its last three runes, begins the
// word folded without diacritics.
func TestScreen_StemNeedles(t *testing.T) {
	items := loadCorpus(t)
	seen := map[string]bool{}
	checked := 0
	for _, l := range items {
		text := l.item.Title + "\n" + htmlText(l.item.Summary)
		for _, r := range appendTokens(nil, text) {
			f := foldString(text[r.start:r.end])
			sc := scriptOf(f)
			if seen[f] || sc != scriptLatin && sc != scriptCyrillic {
				continue
			}
			seen[f] = true
			checked++
			for _, plain := range []bool{false, true} {
				st := stem(f, sc)
				if plain {
					st = stripDiacritics(st)
				}
				n := needleOf(word{text: st, kind: wStem, lang: sc, plain: plain})
				if n.exact || !strings.HasPrefix(stripDiacritics(f), n.s) {
					t.Errorf("%q stems to %q, needle %q: not a prefix", f, st, n)
				}
			}
		}
	}
	t.Logf("%d distinct words checked", checked)
}

func FuzzScreen(f *testing.F) {
	queries := []string{
		"@russia AND @china", "SENTENCE(@russia, @china, @security)", "@stemmed", "exercise~ AND учения~",
		"@folded", "@exact_folded OR =Open", `"joint drills" NEAR/3 @china`, "title:START/2(@china) UNLESS tennis",
		"3: @russia\n2: @china\n1: @security\n-4: trade", "@russia AND (link:@china OR category:@china)",
	}
	g, err := CompileGroups(testGroups)
	if err != nil {
		f.Fatal(err)
	}
	var topics []*Topic
	for _, q := range queries {
		tp, err := g.Compile(TopicSpec{Name: "t", Query: q, Threshold: 3})
		if err != nil {
			tp, err = g.Compile(TopicSpec{Name: "t", Query: q})
		}
		if err != nil {
			f.Fatal(err)
		}
		topics = append(topics, tp)
	}
	f.Add("Russia and China hold drills", "Moscow &amp; Beijing")
	f.Add("Шойгу прибыл в Пекин", "<p>Совместные учениях. Россия</p>")
	f.Add("中国和俄罗斯举行联合演习。", "")
	f.Add("ＲＵＳＳＩＡ，ＣＨＩＮＡ", "Oﬃcial Straße São Paulo елка Ёлка")
	f.Add("Ru&#115;sia", "Ru&#115;sia Chi<b>na</b> &lt;China&gt; exercised patrols")
	f.Add("China", `<a href="/russia">link</a><textarea><b title="Russia"></textarea><!-- Russia -->`)
	f.Add("China", `a<3 Russia<b`)
	f.Fuzz(func(t *testing.T, title, summary string) {
		it := Item{Title: title, Summary: summary, Content: summary, Link: summary, Categories: []string{title}}
		d := NewDoc(it)
		for _, tp := range topics {
			if tp.Match(d).Match && !NewScreen(tp).Pass(it) {
				t.Errorf("%q matches %+v, but the screen fails it", tp.name, it)
			}
		}
	})
}

// TestBatch_Corpus checks on the dev corpus, fifty items of a feed at a
// time, that a Batch gives the wanted items the Docs that learning from
// every item gives, whether it learns from its own items (LearnLast) or
// from stored texts (LearnItem), and counts the items it did not read.
func TestBatch_Corpus(t *testing.T) {
	items := loadCorpus(t)
	byFeed := map[string][]Item{}
	var feeds []string
	for _, l := range items {
		if byFeed[l.item.FeedURL] == nil {
			feeds = append(feeds, l.item.FeedURL)
		}
		byFeed[l.item.FeedURL] = append(byFeed[l.item.FeedURL], l.item)
	}
	batches, compared := 0, 0
	for _, feed := range feeds {
		all := byFeed[feed]
		for start := 0; start < len(all); start += 50 {
			chunk := all[start:min(len(all), start+50)]
			want := make([]bool, len(chunk))
			for i := range want {
				want[i] = (start+i)%7 == 0
			}
			full := (&Boilerplate{MinItems: 2}).NewDocs(feed, chunk, len(chunk), nil)
			part := (&Boilerplate{MinItems: 2}).NewDocs(feed, chunk, len(chunk), want)
			stored := &Boilerplate{MinItems: 2}
			bt := stored.Batch(feed, chunk, want)
			for _, it := range chunk {
				bt.LearnItem(feed, it.Summary, it.Content)
			}
			fromStored := bt.Docs()
			// Narrowed to some of the wanted items: theirs are the same
			// Docs, learned from fewer items.
			narrowed := (&Boilerplate{MinItems: 2}).Batch(feed, chunk, want)
			kept := narrowed.Narrow(func(d *Doc) bool { return len(d.toks)%2 == 0 })
			narrowed.LearnLast(len(chunk))
			for i, d := range narrowed.Docs() {
				switch {
				case d == nil:
					kept++ // counted back below
				case !want[i] || !reflect.DeepEqual(d, full[i]):
					t.Errorf("%s item %d (%q): Narrow's Doc differs from learning every item (wanted %v)", feed, start+i, chunk[i].Title, want[i])
				}
			}
			if kept != len(chunk) {
				t.Errorf("%s: Narrow kept a count of items that differs from its Docs", feed)
			}
			for i := range chunk {
				if !want[i] {
					if part[i] != nil || fromStored[i] != nil {
						t.Fatalf("%s item %d: a Doc though not wanted", feed, i)
					}
					continue
				}
				compared++
				if !reflect.DeepEqual(part[i], full[i]) {
					t.Errorf("%s item %d (%q): LearnLast's Doc differs from learning every item", feed, start+i, chunk[i].Title)
				}
				if !reflect.DeepEqual(fromStored[i], full[i]) {
					t.Errorf("%s item %d (%q): LearnItem's Doc differs from learning every item", feed, start+i, chunk[i].Title)
				}
			}
			batches++
		}
	}
	t.Logf("%d batches, %d wanted Docs compared", batches, compared)
}

func TestScreen_Missing(t *testing.T) {
	g, err := CompileGroups(testGroups)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		query string
		item  Item
		want  []string
	}{
		{"Russia AND China", Item{Title: "Russia alone"}, []string{"china"}},
		{"Russia AND China", Item{Title: "Russia and China"}, nil},
		{"Russia AND secur*", Item{Title: "Russia"}, []string{"secur*"}},
		{"NOT tennis", Item{Title: "anything"}, nil},
	}
	for _, tt := range tests {
		topic, err := g.Compile(TopicSpec{Name: "t", Query: tt.query})
		if err != nil {
			t.Fatal(err)
		}
		if got := NewScreen(topic).Missing(tt.item); !slices.Equal(got, tt.want) {
			t.Errorf("%s on %q: Missing = %q, want %q", tt.query, tt.item.Title, got, tt.want)
		}
	}
}

// TestScreen_Markup: words inside tags are passed over, as htmlText
// passes over them; words an HTML tokenizer reads as text are not.
func TestScreen_Markup(t *testing.T) {
	g, err := CompileGroups(testGroups)
	if err != nil {
		t.Fatal(err)
	}
	tp, err := g.Compile(TopicSpec{Name: "t", Query: "@russia AND @china"})
	if err != nil {
		t.Fatal(err)
	}
	s := NewScreen(tp)
	for _, tc := range []struct {
		summary string
		pass    bool
	}{
		{`China <a href="https://example.com/russia">more</a>`, false},
		{`China <img alt="Russia" src="x.jpg"/>`, false},
		{`China <!-- Russia -->`, false},
		{`China <a href="x">Russia</a>`, true},
		{`China &lt;a href="russia"&gt;`, true},                 // escaped: text
		{`China a<3 Russia`, true},                              // '<' then a digit: text
		{`China <textarea><b title="Russia"></textarea>`, true}, // raw text
		{`China <title>Russia</title>`, true},
		{`China <a href="russia"`, true}, // no '>': screened as it is
	} {
		it := Item{Title: "News", Summary: tc.summary}
		if got := s.Pass(it); got != tc.pass {
			t.Errorf("%q: Pass = %v, want %v", tc.summary, got, tc.pass)
		}
		if tp.Match(NewDoc(it)).Match && !s.Pass(it) {
			t.Errorf("%q matches but does not pass", tc.summary)
		}
	}
}

// TestScreen_Scopes: a field no term of any topic reaches is not read.
func TestScreen_Scopes(t *testing.T) {
	g, err := CompileGroups(testGroups)
	if err != nil {
		t.Fatal(err)
	}
	it := Item{Title: "Russia talks", Link: "https://example.com/china", Categories: []string{"Beijing"},
		Authors: []string{"China Desk"}, FeedTitle: "China Daily"}
	for _, tc := range []struct {
		query string
		pass  bool
	}{
		{"@russia AND @china", false},
		{"@russia AND link:@china", true},
		{"@russia AND category:@china", true},
		{"@russia AND author:@china", true},
		{"@russia AND feed:@china", true},
		{"title:@russia AND (summary:@china OR content:@china)", false},
	} {
		tp, err := g.Compile(TopicSpec{Name: "t", Query: tc.query})
		if err != nil {
			t.Fatal(err)
		}
		if got := NewScreen(tp).Pass(it); got != tc.pass {
			t.Errorf("%s: Pass = %v, want %v", tc.query, got, tc.pass)
		}
		if tp.Match(NewDoc(it)).Match && !NewScreen(tp).Pass(it) {
			t.Errorf("%s: matches but does not pass", tc.query)
		}
	}
}
