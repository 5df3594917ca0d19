package story

import (
	"html"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Features is what grouping compares of an item.
type Features struct {
	Link     string   // Canonical link; "" when it cannot identify a story
	Host     string   // the site of Link, without subdomains that do not matter
	TitleKey string   // normalised title; "" when too short to identify a story
	Shingles []uint64 // hashed word bigrams of title and summary, sorted, unique
	// TitleShingles are the title's own bigrams, when it has at least
	// minTitleShingleWords words: outlets that carry one wire story
	// often keep its headline and rewrite or cut its summary.
	TitleShingles []uint64
}

// minTitleShingleWords is the shortest title compared on its own: three
// words in common say little.
const minTitleShingleWords = 4

// minTitleWords is how many content words a title needs before an
// identical title alone is taken as the same story: "Live updates" or
// "World news" are formats, not stories.
const minTitleWords = 5

// Extract computes the features of an item from its link, title and
// summary (HTML or text).
func Extract(link, title, summary string) Features {
	tt := tokens(clean(title))
	st := tokens(clean(summary))
	// Feeds that repeat the title as the summary (or start it with the
	// title) must not weigh the title twice.
	if hasPrefix(st, tt) {
		st = st[len(tt):]
	}
	f := Features{Link: Canonical(link)}
	f.Host, _, _ = strings.Cut(f.Link, "/")
	if len(tt) >= minTitleWords {
		f.TitleKey = strings.Join(tt, " ")
	}
	f.Shingles = shingles(append(append([]string(nil), tt...), st...))
	if len(tt) >= minTitleShingleWords {
		f.TitleShingles = shingles(tt)
	}
	return f
}

func hasPrefix(s, pre []string) bool {
	if len(pre) == 0 || len(pre) > len(s) {
		return false
	}
	for i := range pre {
		if s[i] != pre[i] {
			return false
		}
	}
	return true
}

// boilerplate is text feeds add around every item: syndication footers,
// "read more" links and agency datelines. Each pattern runs only on text
// that holds all of its need strings (lower-cased, free of the letters s
// and k, which case-insensitive matching also finds as ſ and K): most
// items hold none of them, and a pattern that cannot match costs a full
// scan of the text.
var boilerplate = []struct {
	re    *regexp.Regexp
	need  [][]string // one of each list, in the lower-cased text
	cased [][]string // the same, in the text as it is
	tail  bool       // the match and all text after it go
}{
	{re: regexp.MustCompile(`(?is)the post .{0,300}? appeared first on `), need: [][]string{{"appeared fir"}}, tail: true},
	{re: regexp.MustCompile(`(?is)\b(continue reading|read more|read the full (story|article)|click here|full story)\b`),
		need: [][]string{{"continue reading", "read more", "read the full", "clic", "full "}}, tail: true},
	{re: regexp.MustCompile(`(?is)\b(this (article|story) (was|is) (originally )?(published|produced|republished))\b`),
		need: [][]string{{"article", "tory"}, {"publi", "produced"}}, tail: true},
	{re: regexp.MustCompile(`(?i)\[\s*(…|\.\.\.|&hellip;)\s*\]`), cased: [][]string{{"["}}},
	// "WASHINGTON (AP) — ", "Moscow (Reuters) - ", "(AFP) - "
	{re: regexp.MustCompile(`^\s*([\p{Lu}][\p{L} .,'/-]{0,40})?\s*\((` + agencies + `)\)\s*[-—–:]+\s*`),
		cased: [][]string{agencyTags}},
}

const agencies = `AP|Reuters|AFP|Bloomberg|CNN|dpa|DPA|Xinhua|TASS|UPI|Kyodo|Yonhap|ANI|PTI`

var agencyTags = func() (tags []string) {
	for _, a := range strings.Split(agencies, "|") {
		tags = append(tags, "("+a+")")
	}
	return tags
}()

// holds reports whether s contains one string of each list.
func holds(s string, lists [][]string) bool {
	for _, alts := range lists {
		found := false
		for _, sub := range alts {
			if strings.Contains(s, sub) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// clean turns HTML into text and removes boilerplate.
func clean(s string) string {
	s = html.UnescapeString(stripTags(s))
	s = html.UnescapeString(s) // feeds that escape twice
	lower := strings.ToLower(s)
	for _, b := range boilerplate {
		if !holds(lower, b.need) || !holds(s, b.cased) {
			continue
		}
		if b.tail {
			// The first match, to the end: the regexp stops there
			// instead of matching the rest of the text as ".*$".
			loc := b.re.FindStringIndex(s)
			if loc == nil {
				continue
			}
			s = s[:loc[0]] + " "
		} else {
			s = b.re.ReplaceAllString(s, " ")
		}
		lower = strings.ToLower(s)
	}
	return s
}

// stripTags removes tags, comments and the contents of script and style
// elements. It is not a parser: it only has to keep markup out of the
// words.
func stripTags(s string) string {
	if !strings.Contains(s, "<") {
		return s
	}
	var b strings.Builder
	for len(s) > 0 {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		s = s[i:]
		lower := strings.ToLower(s[:min(len(s), 8)])
		switch {
		case strings.HasPrefix(s, "<!--"):
			if j := strings.Index(s, "-->"); j >= 0 {
				s = s[j+3:]
			} else {
				s = ""
			}
			continue
		case strings.HasPrefix(lower, "<script"), strings.HasPrefix(lower, "<style"):
			end := "</script"
			if strings.HasPrefix(lower, "<style") {
				end = "</style"
			}
			if j := strings.Index(strings.ToLower(s), end); j >= 0 {
				s = s[j:]
			} else {
				s = ""
				continue
			}
		}
		if len(s) > 1 && !(s[1] == '/' || s[1] == '!' || unicode.IsLetter(rune(s[1]))) {
			b.WriteByte('<') // a bare "<" in text
			s = s[1:]
			continue
		}
		j := strings.IndexByte(s, '>')
		if j < 0 {
			break
		}
		b.WriteByte(' ')
		s = s[j+1:]
	}
	return b.String()
}

// stopwords carry no story: they are dropped before shingling, so that
// two texts share shingles only through what they say.
var stopwords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`a an the and or but nor of in on at to for from by with without
		as is are was were be been being has have had do does did will would shall should can could
		may might must it its its it's this that these those there here he she they them his her their
		we our you your i me my not no so if than then also into over after before about up down out
		off via says said say new more most very just amid while who whom which what when where why how saying
		all any some such one two s t`) {
		stopwords[w] = true
	}
}

// tokens splits text into lower-case words without stop words, with an
// English plural "s" removed (so "drill" and "drills" agree), and Chinese
// and Japanese runs as overlapping character pairs.
func tokens(s string) []string {
	var out []string
	var word []rune
	var cjk []rune
	flushWord := func() {
		if len(word) == 0 {
			return
		}
		w := string(word)
		word = word[:0]
		if stopwords[w] {
			return
		}
		if n := len(w); n > 3 && w[n-1] == 's' && w[n-2] != 's' && w[n-2] != 'u' && w[n-2] != 'i' {
			w = w[:n-1]
		}
		out = append(out, w)
	}
	flushCJK := func() {
		switch len(cjk) {
		case 0:
		case 1:
			out = append(out, string(cjk))
		default:
			for i := 0; i+1 < len(cjk); i++ {
				out = append(out, string(cjk[i:i+2]))
			}
		}
		cjk = cjk[:0]
	}
	for _, r := range s {
		if r < utf8.RuneSelf { // ASCII: no CJK, no marks
			switch {
			case 'a' <= r && r <= 'z' || '0' <= r && r <= '9':
				flushCJK()
				word = append(word, r)
			case 'A' <= r && r <= 'Z':
				flushCJK()
				word = append(word, r+'a'-'A')
			default:
				flushWord()
				flushCJK()
			}
			continue
		}
		switch {
		case isCJK(r):
			flushWord()
			cjk = append(cjk, r)
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			flushCJK()
			word = append(word, unicode.ToLower(r))
		case unicode.Is(unicode.Mn, r):
			// combining marks stay with their letter
		default:
			flushWord()
			flushCJK()
		}
	}
	flushWord()
	flushCJK()
	return out
}

func isCJK(r rune) bool {
	return unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) ||
		unicode.Is(unicode.Katakana, r) || unicode.Is(unicode.Hangul, r)
}

// shingles hashes the word bigrams of toks (a single word when that is
// all there is) into a sorted set.
func shingles(toks []string) []uint64 {
	if len(toks) == 0 {
		return nil
	}
	var hs []uint64
	if len(toks) == 1 {
		hs = []uint64{hashString(toks[0])}
	} else {
		hs = make([]uint64, 0, len(toks)-1)
		for i := 0; i+1 < len(toks); i++ {
			hs = append(hs, mix(hashString(toks[i])^rotl(hashString(toks[i+1]), 17)))
		}
	}
	sort.Slice(hs, func(i, j int) bool { return hs[i] < hs[j] })
	out := hs[:1]
	for _, h := range hs[1:] {
		if h != out[len(out)-1] {
			out = append(out, h)
		}
	}
	return out
}

// hashString is 64-bit FNV-1a: fixed, so stored shingles stay comparable
// across runs and versions of Go.
func hashString(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

func rotl(x uint64, k uint) uint64 { return x<<k | x>>(64-k) }

// mix is the splitmix64 finaliser: a cheap bijection that spreads bits.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// Jaccard returns |a∩b| / |a∪b| of two sorted sets (0 when both are empty).
func Jaccard(a, b []uint64) float64 {
	if len(a) == 0 && len(b) == 0 {
		return 0
	}
	inter := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] == b[j]:
			inter++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}
