package story

import (
	"html"
	"regexp"
	"slices"
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
	// The title's tokens, then the summary's, by their hashes.
	hs := make([]uint64, len(tt), len(tt)+len(summary)/6)
	for i, w := range tt {
		hs[i] = hashString(w)
	}
	hs = tokenHashes(hs, clean(summary))
	// Feeds that repeat the title as the summary (or start it with the
	// title) must not weigh the title twice.
	if st := hs[len(tt):]; hasPrefix(st, hs[:len(tt)]) {
		hs = slices.Delete(hs, len(tt), 2*len(tt))
	}
	f := Features{Link: Canonical(link)}
	f.Host, _, _ = strings.Cut(f.Link, "/")
	if len(tt) >= minTitleWords {
		f.TitleKey = strings.Join(tt, " ")
	}
	f.Shingles = shingleSet(hs)
	if len(tt) >= minTitleShingleWords {
		f.TitleShingles = shingleSet(hs[:len(tt)])
	}
	return f
}

func hasPrefix[T comparable](s, pre []T) bool {
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
// "read more" links and agency datelines. A pattern that cannot match
// costs a full scan of the text, and most items hold none of them, so
// each runs only where it can: a tail pattern from the first place one
// of its start strings is (every match begins with one) in the text with
// its ASCII letters lower-cased, and only when that holds one of each of
// its need lists; another only on text that holds its cased strings.
// Case-insensitive matching also finds "s" as "ſ" and "k" as "K" (the
// Kelvin sign): text with either goes to every pattern whole.
var boilerplate = []struct {
	re    *regexp.Regexp
	start []string   // lower-case: a match begins with one (tail patterns)
	need  [][]string // lower-case: one of each list is in the text
	cased [][]string // the same, as written
	tail  bool       // the match and all text after it go
}{
	{re: regexp.MustCompile(`(?is)the post .{0,300}? appeared first on `),
		start: []string{"the post "}, need: [][]string{{"appeared first on "}}, tail: true},
	{re: regexp.MustCompile(`(?is)\b(continue reading|read more|read the full (story|article)|click here|full story)\b`),
		start: []string{"continue reading", "read more", "read the full ", "click here", "full story"}, tail: true},
	{re: regexp.MustCompile(`(?is)\b(this (article|story) (was|is) (originally )?(published|produced|republished))\b`),
		start: []string{"this article ", "this story "}, need: [][]string{{"published", "produced"}}, tail: true},
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

// holds reports whether s contains one string of each list, as index
// finds them.
func holds(s string, lists [][]string, index func(s, sub string) int) bool {
	for _, alts := range lists {
		if first(s, alts, index) < 0 {
			return false
		}
	}
	return true
}

// first is the least index in s of one of subs, or -1.
func first(s string, subs []string, index func(s, sub string) int) int {
	at := -1
	for _, sub := range subs {
		if i := index(s, sub); i >= 0 && (at < 0 || i < at) {
			at = i
		}
	}
	return at
}

// lowerASCII is s with its ASCII letters in lower case and every other
// byte as it is: the same length, so an index in one is one in the other.
func lowerASCII(s string) string {
	b := make([]byte, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b[i] = c
	}
	return string(b)
}

// clean turns HTML into text and removes boilerplate.
func clean(s string) string {
	s = html.UnescapeString(stripTags(s))
	s = html.UnescapeString(s) // feeds that escape twice
	// Case-insensitive matching finds these as "s" and "k".
	odd := strings.Contains(s, "ſ") || strings.Contains(s, "\u212a")
	lower := lowerASCII(s)
	for _, b := range boilerplate {
		if !holds(s, b.cased, strings.Index) || !odd && !holds(lower, b.need, strings.Index) {
			continue
		}
		if !b.tail {
			s = b.re.ReplaceAllString(s, " ")
			lower = lowerASCII(s)
			continue
		}
		from := 0
		if !odd {
			if from = first(lower, b.start, strings.Index); from < 0 {
				continue
			}
			// One byte before, for \b to see what precedes.
			from = max(0, from-1)
		}
		// The first match, to the end: the regexp stops there instead
		// of matching the rest of the text as ".*$".
		if loc := b.re.FindStringIndex(s[from:]); loc != nil {
			end := from + loc[0]
			s, lower = s[:end]+" ", lower[:end]+" "
		}
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
	var tz tokenizer
	tz.each(s, func(w []byte) { out = append(out, string(w)) })
	return out
}

// tokenHashes appends the hashes (hashString) of s's tokens to dst.
func tokenHashes(dst []uint64, s string) []uint64 {
	var tz tokenizer
	tz.each(s, func(w []byte) { dst = append(dst, hashBytes(w)) })
	return dst
}

// tokenizer cuts text into the tokens of tokens, reusing its buffers.
type tokenizer struct {
	word []byte // the current word, lower-cased, in UTF-8
	cjk  []rune // the current run of CJK characters
	pair []byte
}

// each calls fn with each token of s; fn must not keep w.
func (tz *tokenizer) each(s string, fn func(w []byte)) {
	flushWord := func() {
		w := tz.word
		if len(w) == 0 {
			return
		}
		tz.word = tz.word[:0]
		if stopwords[string(w)] {
			return
		}
		if n := len(w); n > 3 && w[n-1] == 's' && w[n-2] != 's' && w[n-2] != 'u' && w[n-2] != 'i' {
			w = w[:n-1]
		}
		fn(w)
	}
	flushCJK := func() {
		switch len(tz.cjk) {
		case 0:
		case 1:
			fn(utf8.AppendRune(tz.pair[:0], tz.cjk[0]))
		default:
			for i := 0; i+1 < len(tz.cjk); i++ {
				tz.pair = utf8.AppendRune(utf8.AppendRune(tz.pair[:0], tz.cjk[i]), tz.cjk[i+1])
				fn(tz.pair)
			}
		}
		tz.cjk = tz.cjk[:0]
	}
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf { // ASCII: no CJK, no marks
			i++
			switch {
			case 'a' <= c && c <= 'z' || '0' <= c && c <= '9':
				if len(tz.cjk) > 0 {
					flushCJK()
				}
				tz.word = append(tz.word, c)
			case 'A' <= c && c <= 'Z':
				if len(tz.cjk) > 0 {
					flushCJK()
				}
				tz.word = append(tz.word, c+'a'-'A')
			default:
				flushWord()
				flushCJK()
			}
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		switch {
		case isCJK(r):
			flushWord()
			tz.cjk = append(tz.cjk, r)
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			flushCJK()
			tz.word = utf8.AppendRune(tz.word, unicode.ToLower(r))
		case unicode.Is(unicode.Mn, r):
			// combining marks stay with their letter
		default:
			flushWord()
			flushCJK()
		}
	}
	flushWord()
	flushCJK()
}

func isCJK(r rune) bool {
	return unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) ||
		unicode.Is(unicode.Katakana, r) || unicode.Is(unicode.Hangul, r)
}

// shingleSet hashes the word bigrams of the tokens whose hashes
// (hashString) are toks — a single word when that is all there is — into
// a sorted set.
func shingleSet(toks []uint64) []uint64 {
	if len(toks) == 0 {
		return nil
	}
	var hs []uint64
	if len(toks) == 1 {
		hs = []uint64{toks[0]}
	} else {
		hs = make([]uint64, 0, len(toks)-1)
		for i := 0; i+1 < len(toks); i++ {
			hs = append(hs, mix(toks[i]^rotl(toks[i+1], 17)))
		}
	}
	slices.Sort(hs)
	return slices.Compact(hs)
}

// hashString is 64-bit FNV-1a: fixed, so stored shingles stay comparable
// across runs and versions of Go.
func hashString(s string) uint64 { return hashBytes([]byte(s)) }

// hashBytes is hashString of b.
func hashBytes(b []byte) uint64 {
	h := uint64(14695981039346656037)
	for _, c := range b {
		h ^= uint64(c)
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
