package filter

import (
	"math/rand/v2"
	"testing"
)

// TestScreen_Together checks the second look: which topics need two of
// their requirements in one place (the title, or one sentence), and that
// an item naming both apart is ruled out only then.
func TestScreen_Together(t *testing.T) {
	tests := []struct {
		name      string
		query     string
		threshold float64
		item      Item
		pass      bool
	}{
		{"title: together", "title:(@russia AND @china)", 0, Item{Title: "Russia and China talk"}, true},
		{"title: one place however many sentences", "title:(@russia AND @china)", 0, Item{Title: "Russia speaks. China listens."}, true},
		{"title: apart", "4: title:(@russia AND @china)\n1: @russia AND @china", 4, Item{Title: "Russia talks", Summary: "China too"}, false},
		{"sentence: together", "SENTENCE(@russia, @china)", 0, Item{Summary: "Moscow and Beijing met."}, true},
		{"sentence: apart", "SENTENCE(@russia, @china)", 0, Item{Summary: "Moscow met. Beijing met."}, false},
		{"sentence: semicolon", "SENTENCE(@russia, @china)", 0, Item{Summary: "Moscow met; Beijing met"}, false},
		{"sentence: abbreviation", "SENTENCE(@russia, @china)", 0, Item{Summary: "Russia and the U.S. and China met."}, true},
		{"sentence: title and summary", "SENTENCE(@russia, @china)", 0, Item{Title: "Russia", Summary: "China"}, false},
		{"sentence: other field", "SENTENCE(@russia, @china)", 0, Item{Title: "Russia", Summary: "Not this", Content: "<p>Russia and China.</p>"}, true},
		{"sentence: across a tag", "SENTENCE(@russia, @china)", 0, Item{Summary: "<p>Russia</p><p>China</p>"}, false},
		{"sentence: entity", "SENTENCE(@russia, @china)", 0, Item{Summary: "Ru&#115;sia and China."}, true},
		{"sentence: phrase", `SENTENCE(@russia, "Xi Jinping")`, 0, Item{Summary: "Russia hosted Xi Jinping."}, true},
		{"sentence: CJK together", "SENTENCE(@russia, @china)", 0, Item{Summary: "俄罗斯和中国举行联合演习。"}, true},
		{"sentence: CJK apart", "SENTENCE(@russia, @china)", 0, Item{Summary: "俄罗斯发言。中国回应。"}, false},
		{"sentence: link", "SENTENCE(@russia, link:@china)", 0, Item{Summary: "Russia", Link: "https://example.com/russia-china"}, true},
		{"sentence: link apart", "SENTENCE(@russia, link:@china)", 0, Item{Summary: "Russia", Link: "https://example.com/china"}, false},
		// Nothing to say: no place is needed for both.
		{"and", "@russia AND @china", 0, Item{Summary: "Moscow met. Beijing met."}, true},
		{"near crosses sentences", "@russia NEAR/3 @china", 0, Item{Summary: "Moscow met. Beijing met."}, true},
		{"nested scope", "title:(@russia AND head:@china)", 0, Item{Title: "Russia", Summary: "China."}, true},
		// The AND's positions include the drills': it meets China there.
		{"sentence of an and", "SENTENCE(@russia AND drills, @china)", 0, Item{Summary: "Russia spoke. Drills near China."}, true},
		// Weighted: what the example does.
		{"weighted apart", "4: title:(@russia AND @china)\n2: SENTENCE(@russia, @china)\n1: @security", 4,
			Item{Title: "Russia", Summary: "China. Security."}, false},
		{"weighted together", "4: title:(@russia AND @china)\n2: SENTENCE(@russia, @china)\n1: @security", 3,
			Item{Title: "Russia", Summary: "China and Russia. Security."}, true},
		{"weighted enough apart", "4: title:(@russia AND @china)\n3: @russia AND @china", 3,
			Item{Title: "Russia", Summary: "China."}, true},
	}
	g, err := CompileGroups(testGroups)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			topic, err := g.Compile(TopicSpec{Name: "t", Query: tt.query, Threshold: tt.threshold})
			if err != nil {
				t.Fatal(err)
			}
			s := NewScreen(topic)
			if !s.firstLook(tt.item) {
				t.Fatalf("the first look fails %+v: not a case for the second", tt.item)
			}
			if got := s.Pass(tt.item); got != tt.pass {
				t.Errorf("Pass = %v, want %v (pairs %v)", got, tt.pass, s.pairs)
			}
			if m := topic.Match(NewDoc(tt.item)); m.Match && !tt.pass {
				t.Errorf("the topic matches the item the screen is to fail: the case is wrong")
			}
		})
	}
}

// togetherQueries need two requirements in one place, or look as if they
// did.
var togetherQueries = []string{
	"title:(@russia AND @china)",
	"SENTENCE(@russia, @china)",
	"head:SENTENCE(@russia, @china, @security)",
	`SENTENCE(@russia, "Xi Jinping", NOT tennis)`,
	"SENTENCE(@russia AND @security, @china)",
	"title:(@russia AND head:@china)",
	"SENTENCE(@russia, @china) NEAR/5 @security",
	"PAIR(@russia, @china)",
	"title:START/3(PAIR(@russia, @china))",
	"SENTENCE(@russia NOT NEAR/2 @security, END/4(@china))",
	"4: title:(@russia AND @china)\n2: SENTENCE(@russia, @china)\n1: @security\n-2: tennis",
}

// TestScreen_TogetherCorpus checks on the dev corpus that an item the
// second look rules out matches no topic, with nothing left out or with
// sentences left out as boilerplate would leave them out, and that the
// second look rules out some items for the example topic.
func TestScreen_TogetherCorpus(t *testing.T) {
	items := loadCorpus(t)
	topics := append(compileQueries(t, append(togetherQueries, mayMatchQueries...)), mustCompileExample(t))
	rng := rand.New(rand.NewPCG(3, 4))
	for _, tp := range topics {
		s := NewScreen(tp)
		first, out := 0, 0
		for _, l := range items {
			if !s.firstLook(l.item) {
				continue
			}
			first++
			if s.Pass(l.item) {
				continue
			}
			out++
			for _, strip := range stripSets(l.item, rng, 4) {
				if r := tp.Match(strippedDoc(l.item, strip)); r.Match {
					t.Errorf("%q: the second look rules out an item that matches with sentences %b left out: %+v", tp.name, strip, l.item)
					break
				}
			}
		}
		t.Logf("%q: %d items pass the first look, the second rules out %d of them", tp.name, first, out)
		if tp.name == "russia-china-security" && out == 0 {
			t.Errorf("the second look rules out nothing for the example topic")
		}
	}
}

func FuzzTogether(f *testing.F) {
	topics := compileQueries(f, togetherQueries)
	f.Add("Russia", "China. Security.", uint64(0))
	f.Add("Talks", "Moscow met; Beijing met. Russia and the U.S. and China met.", uint64(2))
	f.Add("Russia. China", "<p>Russia</p><p>China &amp; Moscow</p>", uint64(1))
	f.Add("Шойгу прибыл в Пекин", "Россия. Китай. 俄罗斯发言。中国回应。", uint64(5))
	f.Add("x", "Ru&#115;sia hosted Xi Jinping… Drills", uint64(0))
	f.Fuzz(func(t *testing.T, title, summary string, strip uint64) {
		it := Item{Title: title, Summary: summary, Content: summary, Link: summary, Categories: []string{title}}
		for _, tp := range topics {
			if NewScreen(tp).Pass(it) {
				continue
			}
			if r := tp.Match(strippedDoc(it, strip)); r.Match {
				t.Errorf("%q matches %+v with sentences %b left out, but the screen fails it", tp.name, it, strip)
			}
		}
	})
}
