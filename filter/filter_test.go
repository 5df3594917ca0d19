package filter

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
)

// testGroups are small groups for the operator tests.
var testGroups = []GroupSpec{
	{Name: "russia", Terms: []string{"Russia", "Russian", "Moscow", "Kremlin", "Shoigu", "Россия~", "Москв*", "俄罗斯", "俄"}},
	{Name: "china", Terms: []string{"China", "Chinese", "Beijing", "Xi Jinping", "Китай~", "Пекин*", "中国", "北京"}},
	{Name: "security", Terms: []string{"secur*", "military", "drills", "безопасност*", "演习"}},
	{Name: "actors", Terms: []string{"@russia", "@china"}},
	{Name: "medvedev", Terms: []string{"Medvedev UNLESS tennis"}},
	{Name: "stemmed", Stem: "english", Terms: []string{"exercise", "patrol"}},
	{Name: "folded", FoldDiacritics: true, Terms: []string{"Sao Paulo", "Ёлка"}},
	{Name: "exact_stemmed", Stem: "english", Terms: []string{"=exercise"}},
	{Name: "exact_folded", FoldDiacritics: true, Terms: []string{`="São Paulo"`}},
	{Name: "sport_open", Terms: []string{"tennis", "=Open"}},
}

func TestTopic_Match(t *testing.T) {
	tests := []struct {
		name  string
		query string
		item  Item
		want  bool
	}{
		{"word", "Russia", Item{Title: "Russia's army"}, true},
		{"word case folding", "RUSSIA", Item{Title: "russia"}, true},
		{"word whole only", "Russ", Item{Title: "Russia"}, false},
		{"prefix", "secur*", Item{Title: "Securing the border"}, true},
		{"prefix cyrillic", "безопасн*", Item{Title: "Совет Безопасности"}, true},
		{"phrase", `"security council"`, Item{Title: "The Security Council met"}, true},
		{"phrase order", `"council security"`, Item{Title: "The Security Council met"}, false},
		{"phrase not across sentences", `"russia china"`, Item{Title: "Visit Russia. China next"}, false},
		{"phrase apostrophe", `"Russia's army"`, Item{Title: "Russia’s army"}, true},
		{"cjk inside run", "俄罗斯", Item{Title: "中俄罗斯联合演习"}, true},
		{"cjk pair inside run", "中俄", Item{Title: "今天中俄举行联合海上演习"}, true},
		{"cjk absent", "中俄", Item{Title: "中国举行演习"}, false},
		{"nfkc fullwidth", "russia", Item{Title: "ＲＵＳＳＩＡ"}, true},
		{"ligature", "official", Item{Title: "Oﬃcial"}, true},
		{"full case folding", "STRASSE", Item{Title: "Straße"}, true},
		{"and", "Russia AND China", Item{Title: "Russia and China"}, true},
		{"and missing", "Russia AND China", Item{Title: "Russia alone"}, false},
		{"implicit and", "Russia China", Item{Title: "China, then Russia"}, true},
		{"or", "Russia OR China", Item{Title: "China alone"}, true},
		{"not", "Russia NOT tennis", Item{Title: "Russia tennis star"}, false},
		{"not passes", "Russia NOT tennis", Item{Title: "Russia military"}, true},
		{"not unless overridden", "Russia NOT trade UNLESS military", Item{Title: "Russia trade and military"}, true},
		{"not unless excluded", "Russia NOT trade UNLESS military", Item{Title: "Russia trade deal"}, false},
		{"unless", "@russia UNLESS tennis", Item{Title: "Moscow tennis"}, false},
		{"parentheses", "(Russia OR China) AND drills", Item{Title: "China drills"}, true},
		{"group", "@russia AND @china", Item{Title: "Kremlin hosts Beijing envoy"}, true},
		{"group in group", "@actors", Item{Title: "Beijing"}, true},
		{"group phrase", "@china", Item{Title: "Xi Jinping speaks"}, true},
		{"group phrase partial", "@china", Item{Title: "Xi speaks"}, false},
		{"qualified alias", "@medvedev", Item{Title: "Medvedev threatens"}, true},
		{"qualified alias excluded", "@medvedev", Item{Title: "Medvedev wins tennis final"}, false},
		{"cyrillic group stem", "@russia", Item{Title: "Шойгу прибыл из России"}, true},
		{"cyrillic prefix", "@china", Item{Title: "Шойгу прибыл в Пекин"}, true},
		{"stem group", "@stemmed", Item{Title: "Joint patrols and exercises"}, true},
		{"stem term", "exercise~", Item{Title: "They exercised"}, true},
		{"no stem by default", "exercise", Item{Title: "They exercised"}, false},
		{"stem russian term", "учения~", Item{Title: "Совместные учениях"}, true},
		{"diacritics folded", "@folded", Item{Title: "São Paulo"}, true},
		{"diacritics yo", "@folded", Item{Title: "елка"}, true},
		{"diacritics kept", "Sao", Item{Title: "São Paulo"}, false},
		{"scope title", "title:Russia", Item{Title: "News", Summary: "Russia"}, false},
		{"scope summary", "summary:Russia", Item{Title: "News", Summary: "Russia"}, true},
		{"scope lead", "lead:China", Item{Summary: "Russia acts. China reacts."}, false},
		{"scope lead first", "lead:Russia", Item{Summary: "Russia acts. China reacts."}, true},
		{"scope head", "head:(Russia AND China)", Item{Title: "Russia", Summary: "China acts. Then more."}, true},
		{"scope content", "content:drills", Item{Content: "<p>Naval <b>drills</b></p>"}, true},
		{"scope author", "author:smith", Item{Authors: []string{"Jane Smith"}}, true},
		{"scope category", `category:"world news"`, Item{Categories: []string{"World News"}}, true},
		{"scope feed url", "feed:moscowtimes", Item{FeedURL: "https://www.moscowtimes.com/rss"}, true},
		{"scope link", "link:opinion", Item{Link: "https://example.com/opinion/a-b"}, true},
		{"text excludes feed", "moscowtimes", Item{FeedURL: "https://www.moscowtimes.com/rss"}, false},
		{"sentence", "SENTENCE(@russia, @china, @security)", Item{Summary: "Russia and China hold drills. Later, more."}, true},
		{"sentence split", "SENTENCE(@russia, @china, @security)", Item{Summary: "Russia hosts talks. China holds drills."}, false},
		{"sentence abbreviation", "SENTENCE(@russia, @china)", Item{Summary: "The U.S. warns Russia and China."}, true},
		{"sentence cyrillic", "SENTENCE(@russia, @china, @security)", Item{Summary: "Секретарь Совбеза России Шойгу прибыл в Пекин, чтобы обсудить безопасность."}, true},
		{"sentence cjk", "SENTENCE(@russia, @china, @security)", Item{Summary: "中国和俄罗斯举行联合演习。"}, true},
		{"sentence cjk split", "SENTENCE(@russia, @china, @security)", Item{Summary: "中国举行会议。俄罗斯举行演习。"}, false},
		{"same", "@russia SAME @china", Item{Summary: "Moscow and Beijing agree."}, true},
		{"sentence with not", "SENTENCE(@russia, @china, NOT trade)", Item{Summary: "Moscow and Beijing agree on trade."}, false},
		{"near", "Russia NEAR/2 China", Item{Title: "Russia and China"}, true},
		{"near reversed", "Russia NEAR/2 China", Item{Title: "China and Russia"}, true},
		{"near too far", "Russia NEAR/2 China", Item{Title: "Russia is far away from China"}, false},
		{"near phrase", `"joint drills" NEAR/3 @china`, Item{Title: "Joint drills held by China"}, true},
		{"start", "title:START(@china)", Item{Title: "China and Russia hold drills"}, true},
		{"start within n", "title:START/3(@russia)", Item{Title: "China and Russia hold drills"}, true},
		{"start too late", "title:START/2(@russia)", Item{Title: "China and Russia hold drills"}, false},
		{"start list frame", "title:START/3(@russia)", Item{Title: "Review names threats from Russia and China"}, false},
		{"start phrase", "START/1(@china)", Item{Title: "Xi Jinping visits Moscow"}, true},
		{"start each sentence", "lead:START/2(@china)", Item{Summary: "Beijing hosts talks. Moscow agrees."}, true},
		{"start second sentence", "summary:START/1(Moscow)", Item{Summary: "Beijing hosts talks. Moscow agrees."}, true},
		{"start not lead", "lead:START/1(Moscow)", Item{Summary: "Beijing hosts talks. Moscow agrees."}, false},
		{"start cyrillic", "title:START/2(@china)", Item{Title: "В Пекине прибыл Шойгу"}, true},
		{"start in sentence", "SENTENCE(START/2(@china), @russia)", Item{Title: "China warns Russia"}, true},
		{"start in sentence other", "SENTENCE(START/1(@china), @russia)", Item{Title: "Talks. Russia and China"}, false},
		// A rubric (a few words and a colon) opens a headline; the subject
		// follows it.
		{"start after rubric", "title:START/1(@china)", Item{Title: "Israel-Gaza war: China stands with Russia"}, true},
		{"start after rubric, not later", "title:START/1(@russia)", Item{Title: "Israel-Gaza war: China stands with Russia"}, false},
		{"start after full-width colon", "title:START/1(@china)", Item{Title: "独家：中国 回应"}, true},
		{"a colon late is no rubric", "title:START/1(@china)", Item{Title: "Ministers from six nations meet to discuss: China"}, false},
		{"start before rubric", "title:START/1(@russia)", Item{Title: "Russia: talks with China"}, true},
		{"start nested", "START/3(@china AND START/1(@russia))", Item{Title: "Russia, China"}, true},
		{"end", "title:END/2(Pentagon)", Item{Title: "Russia and China expand arsenals, Pentagon says"}, true},
		{"end too early", "title:END/1(Pentagon)", Item{Title: "Russia and China expand arsenals, Pentagon says"}, false},
		{"end each sentence", "summary:END/1(Moscow)", Item{Summary: "Talks open in Moscow. Beijing hosts."}, true},
		{"end phrase", "END/1(@china)", Item{Title: "Shoigu meets Xi Jinping"}, true},
		{"end in sentence", `SENTENCE(@russia, END/2(says OR said))`, Item{Title: "Russia warns, Pentagon says"}, true},
		{"pair and", "PAIR(@russia, @china)", Item{Title: "Russia and China hold drills"}, true},
		{"pair comma", "PAIR(@russia, @china)", Item{Title: "US must prepare for wars with China, Russia"}, true},
		{"pair hyphen", "PAIR(@russia, @china)", Item{Title: "Russia-China ties"}, true},
		{"pair possessive", "PAIR(@russia, @china)", Item{Title: "Russia's and China's envoys"}, true},
		{"pair cyrillic", "PAIR(@russia, @china)", Item{Title: "Россия и Китай проводят учения"}, true},
		{"pair cjk", "PAIR(@russia, @china)", Item{Title: "中国和俄罗斯举行联合演习"}, true},
		{"pair not possessive", "PAIR(@russia, @china)", Item{Title: "Blinken says Xi's Russia visit gives cover"}, false},
		{"pair acting on", "PAIR(@russia, @china)", Item{Title: "China warns Russia"}, false},
		{"pair with numbers", "PAIR(@russia, @china)", Item{Summary: "Two Chinese and two Russian vessels sailed."}, true},
		{"pair with articles", "PAIR(@russia, @china)", Item{Title: "A Russian and a Chinese warship"}, true},
		{"pair digits", "PAIR(@russia, @china)", Item{Title: "11 Chinese and 8 Russian jets"}, true},
		{"no pair without coordinator", "PAIR(@russia, @china)", Item{Title: "Russia the China"}, false},
		{"no pair with a word between", "PAIR(@russia, @china)", Item{Title: "Russia and then China"}, false},
		{"pair apart", "PAIR(@russia, @china)", Item{Title: "Russia hosts talks as China watches"}, false},
		{"pair across sentences", "PAIR(@russia, @china)", Item{Summary: "It was Russia. China too."}, false},
		{"pair at start", "title:START/2(PAIR(@russia, @china))", Item{Title: "China, Russia hold drills"}, true},
		{"pair as object", "title:START/2(PAIR(@russia, @china))", Item{Title: "UK boosts defence in response to Russia and China"}, false},
		{"pair positions only", "title:START/1(PAIR(@russia, @china))", Item{Title: "China says Russia and Beijing agree"}, false},
		{"before", "with BEFORE/0 PAIR(@russia, @china)", Item{Title: "US must prepare for wars with China, Russia"}, true},
		{"before order", "Russia BEFORE/2 China", Item{Title: "China and Russia"}, false},
		{"before distance", "Russia BEFORE/1 China", Item{Title: "Russia and China"}, true},
		{"before too far", "Russia BEFORE/0 China", Item{Title: "Russia and China"}, false},
		{"before other zone", "Russia BEFORE/5 China", Item{Title: "Russia", Summary: "China"}, false},
		{"before pair then bond", "PAIR(@russia, @china) BEFORE/1 (ties OR relations)", Item{Title: "Wang Yi meets Putin in sign of deepening China-Russia ties"}, true},
		{"before bond then pair", "PAIR(@russia, @china) BEFORE/1 (ties OR relations)", Item{Title: "Japan weighs its ties with Russia and China"}, false},
		{"not near", `"Security Council" NOT NEAR/1 (UN OR "United Nations")`, Item{Title: "Russian Security Council chief visits"}, true},
		{"not near excluded", `"Security Council" NOT NEAR/1 (UN OR "United Nations")`, Item{Title: "UN Security Council meets"}, false},
		{"not near other hit", `"Security Council" NOT NEAR/1 UN`, Item{Title: "UN Security Council meets; Russia's Security Council too"}, true},
		{"not near other zone", `"Security Council" NOT NEAR/1 UN`, Item{Title: "Security Council meets", Summary: "UN envoy"}, true},
		{"not near order", `Beijing NOT NEAR/1 (Games OR Olympics)`, Item{Title: "Games in Beijing"}, false},
		{"not near then and", `Medvedev NOT NEAR/3 tennis Russia`, Item{Title: "Medvedev of Russia threatens"}, true},
		{"not as and", `Russia NOT tennis`, Item{Title: "Russia tennis"}, false},
		{"exact case", "=Open", Item{Title: "Beijing Open final"}, true},
		{"exact case differs", "=Open", Item{Title: "Beijing is open to talks"}, false},
		{"exact phrase", `="Security Council"`, Item{Title: "UN Security Council meets"}, true},
		{"exact phrase case", `="Security Council"`, Item{Title: "security council"}, false},
		{"exact prefix", "=PLA*", Item{Title: "PLAN warships"}, true},
		{"exact prefix case", "=PLA*", Item{Title: "plans"}, false},
		{"exact no stem in stemmed group", "@exact_stemmed", Item{Title: "They exercised"}, false},
		{"exact in stemmed group", "@exact_stemmed", Item{Title: "They exercise"}, true},
		{"exact diacritics kept in folded group", "@exact_folded", Item{Title: "Sao Paulo"}, false},
		{"exact in group", "@sport_open", Item{Title: "Medvedev wins Beijing Open"}, true},
		{"html stripped", "drills", Item{Summary: `<img src="drills.jpg"/><p>Nothing</p>`}, false},
		{"html entities", `"russia's"`, Item{Summary: "Russia&#039;s"}, true},
		{"comment", "Russia # a comment\nAND China", Item{Title: "Russia China"}, true},
	}
	g, err := CompileGroups(testGroups)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			topic, err := g.Compile(TopicSpec{Name: "t", Query: tt.query})
			if err != nil {
				t.Fatalf("compile %q: %v", tt.query, err)
			}
			got := topic.Match(NewDoc(tt.item)).Match
			if got != tt.want {
				t.Errorf("%s on %+v = %v, want %v\n%s", tt.query, tt.item, got, tt.want, topic.Explain(NewDoc(tt.item)))
			}
			if got && !NewScreen(topic).Pass(tt.item) {
				t.Errorf("%s matches %+v, but the screen fails it", tt.query, tt.item)
			}
		})
	}
}

func TestTopic_Match_weights(t *testing.T) {
	query := "3: title:@russia\n2: @china\n-4: trade UNLESS @security\n"
	tests := []struct {
		name      string
		threshold float64
		item      Item
		score     float64
		match     bool
	}{
		{"both", 5, Item{Title: "Russia", Summary: "China"}, 5, true},
		{"below threshold", 5, Item{Title: "Russia"}, 3, false},
		{"negative outvotes", 1, Item{Title: "Russia", Summary: "China trade"}, 1, true},
		{"negative wins", 2, Item{Title: "Russia", Summary: "China trade"}, 1, false},
		{"override", 5, Item{Title: "Russia", Summary: "China trade and military"}, 5, true},
		{"zero threshold needs positive", 0, Item{Summary: "trade"}, -4, false},
	}
	g, err := CompileGroups(testGroups)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			topic, err := g.Compile(TopicSpec{Name: "w", Query: query, Threshold: tt.threshold})
			if err != nil {
				t.Fatal(err)
			}
			r := topic.Match(NewDoc(tt.item))
			if r.Score != tt.score || r.Match != tt.match {
				t.Errorf("got score %v match %v, want %v %v", r.Score, r.Match, tt.score, tt.match)
			}
		})
	}
}

// TestTopic_Match_termWeights: a clause's weight is scaled by the largest
// weight among the terms whose hits make it true.
func TestTopic_Match_termWeights(t *testing.T) {
	groups := append([]GroupSpec{{Name: "econ", Terms: []string{"trade", "market^0.5", `"joint venture"^0.25`, "@weak"}},
		{Name: "weak", Terms: []string{"shop^0.5"}}}, testGroups...)
	query := "4: title:(@russia AND @china)\n-4: title:@econ\n2: title:drills^1.5\n"
	tests := []struct {
		name  string
		item  Item
		score float64
		match bool
	}{
		{"unweighted term", Item{Title: "Russia and China trade"}, 0, false},
		{"weighted term", Item{Title: "Russia and China market"}, 2, true},
		{"weighted phrase", Item{Title: "Russia and China joint venture"}, 3, true},
		{"nested group", Item{Title: "Russia and China shop"}, 2, true},
		{"strongest term counts", Item{Title: "Russia, China trade market"}, 0, false},
		{"heavier term", Item{Title: "Russia and China drills"}, 7, true},
	}
	g, err := CompileGroups(groups)
	if err != nil {
		t.Fatal(err)
	}
	topic, err := g.Compile(TopicSpec{Name: "w", Query: query, Threshold: 2})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := topic.Match(NewDoc(tt.item))
			if r.Score != tt.score || r.Match != tt.match {
				t.Errorf("got score %v match %v, want %v %v\n%s", r.Score, r.Match, tt.score, tt.match, topic.Explain(NewDoc(tt.item)))
			}
			if r.Match && !NewScreen(topic).Pass(tt.item) {
				t.Errorf("matches, but the screen fails it")
			}
			if r.Match && !topic.MayMatch(NewDoc(tt.item)) {
				t.Errorf("matches, but MayMatch says it cannot")
			}
		})
	}
	if got := topic.Explain(NewDoc(Item{Title: "Russia and China market"})).String(); !strings.Contains(got, "-4×0.5 [x] title:@econ") {
		t.Errorf("explain does not show the term weight that scaled the clause:\n%s", got)
	}
}

func TestTopic_Match_result(t *testing.T) {
	topic, err := Compile(testGroups, TopicSpec{Name: "r", Query: "SENTENCE(@russia, @china) AND NOT tennis"})
	if err != nil {
		t.Fatal(err)
	}
	r := topic.Match(NewDoc(Item{Title: "Shoigu in Beijing", Summary: "Moscow says. Xi Jinping listens."}))
	if !r.Match {
		t.Fatal("no match")
	}
	if got, want := strings.Join(r.Groups, ","), "china,russia"; got != want {
		t.Errorf("groups %s, want %s", got, want)
	}
	// Only the sentence where both occur contributes terms.
	if got, want := strings.Join(r.Terms, ","), "Beijing,Shoigu"; got != want {
		t.Errorf("terms %s, want %s", got, want)
	}
}

func TestCompile_errors(t *testing.T) {
	tests := []struct {
		name   string
		groups []GroupSpec
		query  string
		group  string
		term   int
		offset int
		msg    string
	}{
		{"unclosed paren", nil, "Russia AND (China OR Beijing", "", 0, 28, "expected ')' to close '(' at column 12"},
		{"unclosed paren multiline", nil, "Russia\nAND (China", "", 0, 17, "expected ')' to close '(' at line 2, column 5"},
		{"stray paren", nil, "Russia)", "", 0, 6, "unexpected ')'"},
		{"unknown group", nil, "Russia AND @foo", "", 0, 11, "unknown group @foo"},
		{"unknown scope", nil, "headline:Russia", "", 0, 0, `unknown scope "headline:"`},
		{"unclosed phrase", nil, `Russia "security council`, "", 0, 7, `expected '"' to close the phrase`},
		{"empty query", nil, "  # nothing\n", "", 0, 0, "empty query"},
		{"dangling and", nil, "Russia AND", "", 0, 10, "expected an expression after AND"},
		{"dangling not", nil, "Russia NOT )", "", 0, 11, "expected an expression after NOT"},
		{"star inside", nil, "se*cur", "", 0, 2, "'*' is allowed only at the end"},
		{"short prefix", nil, "s*", "", 0, 0, "too short"},
		{"no letters", nil, `"..."`, "", 0, 0, "has no letters or digits"},
		{"near needs words", nil, "Russia NEAR/3 NOT China", "", 0, 14, "expected a word"},
		{"near distance", nil, "Russia NEAR/x China", "", 0, 7, "expected a distance"},
		{"start without paren", nil, "START/2 Russia", "", 0, 7, "expected '(' right after START/2"},
		{"start count", nil, "START/0(Russia)", "", 0, 0, "expected a number of words"},
		{"start empty", nil, "START()", "", 0, 6, "START at column 1 needs an argument"},
		{"start unclosed", nil, "START(Russia China", "", 0, 18, "expected ')' to close START("},
		{"start not", nil, "START(NOT Russia)", "", 0, 6, "START needs a word"},
		{"end empty", nil, "END()", "", 0, 4, "END at column 1 needs an argument"},
		{"end not", nil, "END/2(NOT Russia)", "", 0, 6, "END needs a word"},
		{"pair one arg", nil, "PAIR(Russia)", "", 0, 0, "at least two arguments"},
		{"pair three args", nil, "PAIR(a, b, c)", "", 0, 0, "PAIR at column 1 takes two arguments"},
		{"pair not", nil, "PAIR(a, NOT b)", "", 0, 8, "PAIR needs a word"},
		{"pair unclosed", nil, "PAIR(a, b", "", 0, 9, "expected ',' or ')' to close PAIR("},
		{"not near needs words", nil, "Russia NOT NEAR/3 NOT China", "", 0, 18, "after NOT NEAR"},
		{"not before", nil, "Russia NOT BEFORE/3 China", "", 0, 7, "NOT BEFORE at column 8 is not part of the language"},
		{"before distance", nil, "Russia BEFORE/x China", "", 0, 7, "expected a distance from 0 to 1000 after BEFORE/"},
		{"before needs words", nil, "Russia BEFORE/2 NOT China", "", 0, 16, "after BEFORE"},
		{"not near dangling", nil, "Russia NOT NEAR/3", "", 0, 17, "after NOT NEAR"},
		{"weight not a number", nil, "trade^x", "", 0, 5, "expected a term weight above 0"},
		{"weight zero", nil, `"joint venture"^0`, "", 0, 15, "expected a term weight above 0"},
		{"weight alone", nil, "^2", "", 0, 0, "'^' goes after a word"},
		{"exact alone", nil, "Russia = China", "", 0, 7, "has no letters or digits"},
		{"exact stem", nil, "=exercise~", "", 0, 0, "cannot be stemmed"},
		{"sentence one arg", nil, "SENTENCE(Russia)", "", 0, 0, "at least two arguments"},
		{"sentence unclosed", nil, "SENTENCE(Russia, China", "", 0, 22, "expected ',' or ')' to close SENTENCE("},
		{"weight late", nil, "Russia\n2: China", "", 0, 7, "put a weight such as 1: before the first clause"},
		{"weight mid line", nil, "1: Russia 2: China", "", 0, 10, "weight 2: must start a line"},
		{"too deep", nil, strings.Repeat("(", 100) + "a" + strings.Repeat(")", 100), "", 0, 64, "nested more than"},
		{"proximity too deep", nil, "SENTENCE(a, SENTENCE(b, c NEAR (d SAME e)))", "", 0, 0, "nest at most 3 deep"},
		{"group term error", []GroupSpec{{Name: "g", Terms: []string{"ok", "bad (term"}}}, "@g", "g", 1, 9, "expected ')' to close '('"},
		{"group unknown ref", []GroupSpec{{Name: "g", Terms: []string{"x", "@nope"}}}, "@g", "g", 1, 0, "unknown group @nope"},
		{"group cycle", []GroupSpec{{Name: "a", Terms: []string{"@b"}}, {Name: "b", Terms: []string{"x", "y OR @a"}}}, "@a", "b", 1, 5, "group cycle a -> b -> a"},
		{"group self cycle", []GroupSpec{{Name: "a", Terms: []string{"@a"}}}, "@a", "a", 0, 0, "group cycle a -> a"},
		{"group stem", []GroupSpec{{Name: "a", Stem: "klingon", Terms: []string{"x"}}}, "@a", "a", -1, 0, `unknown stem "klingon"`},
		{"group twice", []GroupSpec{{Name: "a", Terms: []string{"x"}}, {Name: "a", Terms: []string{"y"}}}, "@a", "a", -1, 0, "defined twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compile(tt.groups, TopicSpec{Name: "t", Query: tt.query})
			var fe *Error
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v, want *Error", err)
			}
			if fe.Group != tt.group || fe.Term != tt.term || fe.Offset != tt.offset || !strings.Contains(fe.Msg, tt.msg) {
				t.Errorf("got group %q term %d offset %d %q\nwant group %q term %d offset %d containing %q",
					fe.Group, fe.Term, fe.Offset, fe.Msg, tt.group, tt.term, tt.offset, tt.msg)
			}
			if tt.group == "" && fe.Topic != "t" {
				t.Errorf("topic %q, want t", fe.Topic)
			}
		})
	}
}

func TestCompile_thresholdNeedsWeights(t *testing.T) {
	if _, err := Compile(nil, TopicSpec{Name: "t", Query: "Russia", Threshold: 2}); err == nil {
		t.Error("threshold on a boolean query compiled")
	}
}

func TestBoilerplate(t *testing.T) {
	const appeal = "Support independent journalism about Russia and China security. Donate today."
	b := &Boilerplate{}
	var texts []string
	for _, s := range []string{"Farmers protest in Lyon.", "A storm hits the coast.", "Elections are near."} {
		texts = append(texts, "<p>"+s+"</p><p>"+appeal+"</p>")
	}
	b.Learn("https://example.com/feed", texts...)
	b.AddPattern("", "sign up for our newsletter")
	topic, err := Compile(testGroups, TopicSpec{Name: "t", Query: "SENTENCE(@russia, @china, @security)"})
	if err != nil {
		t.Fatal(err)
	}
	item := Item{Title: "Rain in Paris", Summary: "<p>Rain again.</p><p>" + appeal + "</p>", FeedURL: "https://example.com/feed"}
	if !topic.Match(NewDoc(item)).Match {
		t.Fatal("without boilerplate stripping the appeal should match")
	}
	d := b.NewDoc(item)
	if topic.Match(d).Match {
		t.Errorf("boilerplate matched: %s", topic.Explain(d))
	}
	if d.Stripped != 2 {
		t.Errorf("stripped %d sentences, want 2", d.Stripped)
	}
	other := item
	other.FeedURL = "https://other.example/feed"
	if !topic.Match(b.NewDoc(other)).Match {
		t.Error("another feed's boilerplate was stripped")
	}
	item.Summary = "Russia and China hold security talks. Sign up for our newsletter!"
	if got := b.Strip(item.FeedURL, item.Summary); got != "Russia and China hold security talks." {
		t.Errorf("Strip = %q", got)
	}
	item.Summary = "Moscow news. Sign up for our newsletter on Beijing military drills."
	if topic.Match(b.NewDoc(item)).Match {
		t.Error("pattern sentence matched")
	}
}

// TestNewDocs: NewDocs gives the Docs LearnItem on the last items, then
// NewDoc on each, give; LearnItem counts a sentence once per item, from
// summary and content alike.
func TestNewDocs(t *testing.T) {
	const feed = "https://example.com/feed"
	const appeal = "Support independent journalism about Russia and China security."
	var items []Item
	for i, s := range []string{"Farmers protest in Lyon.", "A storm hits the coast.", "Elections are near.", "Rain again."} {
		it := Item{Title: fmt.Sprint("Item ", i), Summary: "<p>" + s + "</p><p>" + appeal + "</p>", FeedURL: feed}
		if i%2 == 1 { // the appeal twice in one item: still one count
			it.Content = "<div>" + appeal + "</div><p>More text.</p>"
		}
		items = append(items, it)
	}
	for _, learn := range []int{0, 2, 3, 10} {
		one := &Boilerplate{}
		for _, it := range items[max(0, len(items)-learn):] {
			one.LearnItem(feed, it.Summary, it.Content)
		}
		var want []*Doc
		for _, it := range items {
			want = append(want, one.NewDoc(it))
		}
		got := (&Boilerplate{}).NewDocs(feed, items, learn, nil)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("learn %d: NewDocs differs from LearnItem then NewDoc", learn)
		}
		// Asked for some Docs, it learns from the same items.
		some := []bool{false, true, false, false}
		part := (&Boilerplate{}).NewDocs(feed, items, learn, some)
		for i, d := range part {
			if some[i] && !reflect.DeepEqual(d, want[i]) || !some[i] && d != nil {
				t.Errorf("learn %d, item %d of %v: NewDocs gives %v", learn, i, some, d)
			}
		}
		stripped := 0
		for _, d := range got {
			stripped += d.Stripped
		}
		// The appeal is boilerplate once three items have it (MinItems).
		if wantStripped := map[int]int{0: 0, 2: 0, 3: 6, 10: 6}[learn]; stripped != wantStripped {
			t.Errorf("learn %d: %d sentences stripped, want %d", learn, stripped, wantStripped)
		}
	}
}

var plainHTMLCases = []string{
	`<p>Russia and <b>China</b> hold drills.</p><p>Second &amp; last</p>`,
	`<a href="https://example.com/x?a=1&amp;b=2" title='q > r'>link</a> after`,
	`<img src=x.jpg alt=Moscow/><br/>Beijing`, `<div class=a =b c = "d>e">text</div>`,
	`a < b and c<3 <`, `<p>unclosed <a href="x`, `<!-- comment --> text`, `</> text`, `</ x> text`,
	`<script>var a = "<b>";</script> after`, `<STYLE>p{}</style>x`, `<textarea><b>x</b></textarea>`,
	"<p>line\r\nbreak</p>", "<p>nul\x00</p>", `<bloc` + "\u212a" + `quote>x</blockquote>`, `<p a=/>x`,
}

// plainHTMLText gives the tokenizer's text wherever it does not give up.
func TestPlainHTMLText(t *testing.T) {
	plain := 0
	for _, s := range plainHTMLCases {
		if got, ok := plainHTMLText(s); ok {
			plain++
			if want := tokenizerText(s); got != want {
				t.Errorf("plainHTMLText(%q) = %q, the tokenizer gives %q", s, got, want)
			}
		}
	}
	if plain < 5 {
		t.Errorf("plainHTMLText gave up on %d of %d cases", len(plainHTMLCases)-plain, len(plainHTMLCases))
	}
}

func FuzzPlainHTMLText(f *testing.F) {
	for _, s := range plainHTMLCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, ok := plainHTMLText(s); ok {
			if want := tokenizerText(s); got != want {
				t.Errorf("plainHTMLText(%q) = %q, the tokenizer gives %q", s, got, want)
			}
		}
	})
}

// On the dev corpus plainHTMLText gives the tokenizer's text, and gives
// up on few texts.
func TestPlainHTMLText_Corpus(t *testing.T) {
	items := loadCorpus(t)
	texts, plain := 0, 0
	for _, l := range items {
		for _, s := range []string{l.item.Summary, l.item.Content} {
			if !strings.Contains(s, "<") {
				continue
			}
			texts++
			got, ok := plainHTMLText(s)
			if !ok {
				continue
			}
			plain++
			if want := tokenizerText(s); got != want {
				t.Fatalf("plainHTMLText differs from the tokenizer on a corpus text (%s):\n%q\n%q", l.item.Link, got, want)
			}
		}
	}
	t.Logf("%d corpus texts with markup, %d read without the tokenizer", texts, plain)
}

// TestStemKey: every word of the dev corpus (and a few special cases)
// begins with the key of its own stem, so the look-up never skips a word
// whose stem is a term's.
func TestStemKey(t *testing.T) {
	words := []string{"dying", "lying", "tying", "skies", "news", "gently", "early", "ugly",
		"cried", "ties", "flies", "agreed", "exercises", "generously", "учениях", "ёлки", "Россией"}
	if _, err := os.Stat(corpusDir); err == nil {
		for _, l := range loadCorpus(t) {
			for _, f := range []string{l.item.Title, l.item.Summary} {
				for _, r := range appendTokens(nil, f) {
					words = append(words, f[r.start:r.end])
				}
			}
		}
	} else {
		t.Logf("corpus not found at %s: checking the listed words only", corpusDir)
	}
	checked := 0
	for _, w := range words {
		fold := foldString(w)
		sc := scriptOf(fold)
		if sc != scriptLatin && sc != scriptCyrillic {
			continue
		}
		checked++
		s := stem(fold, sc)
		if k := stemKey(s, sc); !strings.HasPrefix(fold, k) {
			t.Errorf("%q (folded %q) stems to %q, whose key %q it does not begin with", w, fold, s, k)
		}
	}
	t.Logf("%d words checked", checked)
}

// TestCompile_warnings: lower-case operators compile as words, with a
// warning at their offset; quoted, they are words without one.
func TestCompile_warnings(t *testing.T) {
	tests := []struct {
		query string
		want  []Warning
	}{
		{"semiconductors or chips", []Warning{{15, `"or" is searched as a word`}}},
		{"2: title:(Russia and China)\n-1: trade Not military", []Warning{{17, `"and"`}, {38, `"Not" is searched as a word: operators are written in capitals (NOT)`}}},
		{`semiconductors "or" chips`, nil},
		{"Russia OR China", nil},
		{"Belt and Road", []Warning{{5, `quote it ("and")`}}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			tp, err := Compile(testGroups, TopicSpec{Name: "w", Query: tt.query})
			if err != nil {
				t.Fatal(err)
			}
			got := tp.Warnings()
			if len(got) != len(tt.want) {
				t.Fatalf("warnings %v, want %d", got, len(tt.want))
			}
			for i, w := range tt.want {
				if got[i].Offset != w.Offset || !strings.Contains(got[i].Msg, w.Msg) {
					t.Errorf("warning %d = %+v, want offset %d containing %q", i, got[i], w.Offset, w.Msg)
				}
			}
		})
	}
}

// TestCompile_expansionBound: groups that each refer twice to the one
// before double at every level; past the bound, compiling says which
// group and why instead of leaving a match that never ends.
func TestCompile_expansionBound(t *testing.T) {
	chain := func(depth int) []GroupSpec {
		gs := []GroupSpec{{Name: "g0", Terms: []string{"apple", "pear"}}}
		for i := 1; i <= depth; i++ {
			prev := fmt.Sprintf("@g%d", i-1)
			gs = append(gs, GroupSpec{Name: fmt.Sprintf("g%d", i), Terms: []string{prev + " AND fruit", prev + " AND NOT kiwi"}})
		}
		return gs
	}
	if _, err := CompileGroups(chain(8)); err != nil {
		t.Fatalf("8 levels: %v", err)
	}
	_, err := CompileGroups(chain(40))
	var fe *Error
	if !errors.As(err, &fe) || fe.Group == "" || fe.Term != -1 || !strings.Contains(fe.Msg, "too big") {
		t.Fatalf("40 levels: err = %#v, want a group error saying it is too big", err)
	}
	t.Logf("%s: %s", fe.Group, fe.Msg)

	// A query that refers many times to a group within the bound.
	g, err := CompileGroups(chain(10))
	if err != nil {
		t.Fatal(err)
	}
	q := strings.Repeat("@g10 OR ", 200) + "@g10"
	if _, err := g.Compile(TopicSpec{Name: "big", Query: q}); !errors.As(err, &fe) || fe.Topic != "big" || !strings.Contains(fe.Msg, "too big") {
		t.Fatalf("query: err = %v, want a topic error saying it is too big", err)
	}
	tp, err := g.Compile(TopicSpec{Name: "ok", Query: "@g10 OR kiwi"})
	if err != nil {
		t.Fatal(err)
	}
	if tp.Size() <= 0 || tp.Size() > MaxSize {
		t.Errorf("Size() = %d", tp.Size())
	}
}

// TestFieldText: matching reads the start of a long summary or content
// (maxFieldText), cut at a word, never the rest of a megabyte article.
func TestFieldText(t *testing.T) {
	filler := strings.Repeat("Words of a long report that goes on and on. ", (1<<20)/45)
	topic, err := Compile(nil, TopicSpec{Name: "t", Query: "pangolin"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		summary string
		want    bool
	}{
		{"at the start", "<p>The pangolin story.</p><p>" + filler + "</p>", true},
		{"after the first 64 KiB", "<p>" + filler + "</p><p>The pangolin story.</p>", false},
		{"plain text, at the start", "pangolin " + filler, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := topic.Match(NewDoc(Item{Title: "x", Summary: tt.summary})).Match; got != tt.want {
				t.Errorf("match = %v, want %v", got, tt.want)
			}
			if txt := fieldText(tt.summary); len(txt) > maxFieldText || strings.HasSuffix(txt, " Word") {
				t.Errorf("fieldText is %d bytes (limit %d) or cut inside a word: …%q", len(txt), maxFieldText, txt[max(0, len(txt)-20):])
			}
		})
	}
}
