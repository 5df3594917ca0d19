package filter

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/explain")

// exampleCases are items written for these tests (not taken from any
// corpus) that the example topic must or must not match.
var exampleCases = []struct {
	name string
	item Item
	want bool
}{
	{"security-council-visit", Item{
		Title:   "Russia's Security Council secretary Shoigu arrives in Beijing to meet Xi Jinping and Wang Yi on security cooperation",
		Summary: "The visit follows talks on the strategic partnership.",
	}, true},
	{"russian-language", Item{
		Title:   "Секретарь Совбеза России Шойгу прибыл в Пекин",
		Summary: "Шойгу обсудит с китайскими коллегами вопросы безопасности и военного сотрудничества.",
	}, true},
	{"chinese-language", Item{
		Title:   "中俄举行联合海上演习",
		Summary: "中国和俄罗斯海军在日本海举行联合军事演习。",
	}, true},
	{"joint-patrol", Item{
		Title:   "Chinese and Russian bombers fly joint patrol near Japan",
		Summary: "Japan scrambled jets as the aircraft flew over the sea.",
	}, true},
	{"russian-joint-exercise", Item{
		Title:   "Россия и Китай начали совместные военно-морские учения",
		Summary: "Корабли флотов двух стран отработают совместное патрулирование.",
	}, true},
	{"chinese-security-visit", Item{
		Title:   "俄罗斯联邦安全会议秘书绍伊古抵达北京",
		Summary: "绍伊古将与中方就战略安全问题举行会谈。",
	}, true},
	{"third-country-subject", Item{
		Title:   "Mongolia's president visits Beijing after talks in Moscow",
		Summary: "The trip balances ties with the two neighbours.",
	}, false},
	{"russia-only", Item{
		Title:   "Russia holds military drills in the Baltic",
		Summary: "The Kremlin said the exercises were planned.",
	}, false},
	{"china-only", Item{
		Title:   "China's navy holds drills near Taiwan",
		Summary: "Beijing said the exercises were routine.",
	}, false},
	{"trade-energy", Item{
		Title:   "Russia and China sign gas pipeline deal as trade hits record",
		Summary: "Moscow and Beijing agreed on more oil and gas exports, paid in yuan.",
	}, false},
	{"list-frame", Item{
		Title:   "Canberra raises defence budget",
		Summary: "The government cites threats from China and Russia and their military build-up.",
	}, false},
	{"sport", Item{
		Title:   "Medvedev beats Chinese qualifier at the Beijing Open",
		Summary: "The Russian tennis player won in straight sets.",
	}, false},
	// Who acts, and names that mean two things (more such stories, without
	// explanations, are in testdata/stories.tsv).
	{"third-party-wars", Item{
		Title:   "US must prepare for wars with China, Russia",
		Summary: "A congressional commission says the military is not ready for simultaneous conflicts.",
	}, false},
	{"third-party-speaker", Item{
		Title:   "China, Russia expanding nuclear arsenals, Pentagon says",
		Summary: "The annual report warns of a growing military threat.",
	}, false},
	{"summit-sidelines", Item{
		Title:   "Xi and Putin meet on sidelines of regional summit in Astana",
		Summary: "The two leaders praised their partnership.",
	}, true},
	{"third-country-drill-with-pair", Item{
		Title:   "Iran holds naval drill with Russia and China in Gulf of Oman",
		Summary: "Warships of the three navies took part in the exercise.",
	}, true},
	{"medvedev-tennis", Item{
		Title:   "Medvedev beats Chinese rival to reach Shanghai final",
		Summary: "The Russian came back from a set down.",
	}, false},
	{"un-security-council", Item{
		Title:   "UN Security Council fails to agree on Sudan as Russia and China abstain",
		Summary: "The vote followed weeks of talks.",
	}, false},
	{"boilerplate", Item{
		Title:   "Local elections in Lyon",
		Summary: "<p>Voters went to the polls.</p><p>Read our coverage of Russia and China military cooperation.</p>",
		FeedURL: "https://example.com/feed",
	}, false},
}

func exampleBoilerplate() *Boilerplate {
	b := &Boilerplate{}
	b.Learn("https://example.com/feed",
		"<p>A storm.</p><p>Read our coverage of Russia and China military cooperation.</p>",
		"<p>A vote.</p><p>Read our coverage of Russia and China military cooperation.</p>",
		"<p>A strike.</p><p>Read our coverage of Russia and China military cooperation.</p>")
	return b
}

func TestExampleTopic_cases(t *testing.T) {
	topic := mustCompileExample(t)
	b := exampleBoilerplate()
	for _, c := range exampleCases {
		t.Run(c.name, func(t *testing.T) {
			if got := topic.Match(b.NewDoc(c.item)).Match; got != c.want {
				t.Errorf("match = %v, want %v\n%s", got, c.want, topic.Explain(b.NewDoc(c.item)))
			}
		})
	}
}

func TestTopic_Explain(t *testing.T) {
	topic := mustCompileExample(t)
	b := exampleBoilerplate()
	for _, c := range exampleCases {
		t.Run(c.name, func(t *testing.T) {
			got := topic.Explain(b.NewDoc(c.item)).String()
			if again := topic.Explain(b.NewDoc(c.item)).String(); again != got {
				t.Fatalf("explanation not deterministic:\n%s\n---\n%s", got, again)
			}
			golden := filepath.Join("testdata", "explain", c.name+".golden")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -run Explain -update)", err)
			}
			if got != string(want) {
				t.Errorf("explanation differs from %s:\n%s", golden, got)
			}
		})
	}
}

func FuzzCompile(f *testing.F) {
	for _, s := range []string{
		"Russia AND China", `"security council" OR secur*`, "NOT x UNLESS (y OR z)",
		"3: title:@russia\n-2: trade", "SENTENCE(@russia, @china, NOT trade)", "a NEAR/3 b SAME c",
		"中俄 OR 俄罗斯", "Россия~ AND Пекин*", "((a)", "title:", "@", `"`, "1:", "a*~",
	} {
		f.Add(s, "Russia and China hold naval drills. 中俄举行联合演习。")
	}
	groups, err := CompileGroups(testGroups)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, query, text string) {
		topic, err := groups.Compile(TopicSpec{Name: "f", Query: query})
		if err != nil {
			fe, ok := err.(*Error)
			if !ok {
				t.Fatalf("error %T %v is not *Error", err, err)
			}
			if fe.Offset < 0 || fe.Offset > len(query) {
				t.Fatalf("offset %d outside the query of %d bytes: %v", fe.Offset, len(query), err)
			}
			return
		}
		d := NewDoc(Item{Title: text, Summary: text})
		r := topic.Match(d)
		if e := topic.Explain(d); e.Result.Match != r.Match || e.Result.Score != r.Score {
			t.Fatalf("explain %v/%v disagrees with match %v/%v", e.Result.Match, e.Result.Score, r.Match, r.Score)
		}
	})
}

// TestExampleTopic_stories: the example topic on the stories of
// testdata/stories.tsv (label, title, summary; # comments), written for
// this test: joint patrols and drills, visits and summits in settings the
// groups do not list, sanctions on suppliers; trade, tourism, science,
// sport, and third parties acting on the two as a pair.
func TestExampleTopic_stories(t *testing.T) {
	topic := mustCompileExample(t)
	b, err := os.ReadFile(filepath.Join("testdata", "stories.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for i, line := range strings.Split(string(b), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 3 || f[0] != "0" && f[0] != "1" {
			t.Fatalf("testdata/stories.tsv:%d: want label<TAB>title<TAB>summary", i+1)
		}
		n++
		it := Item{Title: f[1], Summary: f[2]}
		if got := topic.Match(NewDoc(it)).Match; got != (f[0] == "1") {
			t.Errorf("testdata/stories.tsv:%d: %q: match = %v, want %v\n%s", i+1, f[1], got, !got, topic.Explain(NewDoc(it)))
		}
	}
	if n < 50 {
		t.Errorf("testdata/stories.tsv has %d stories; want at least 50", n)
	}
}
