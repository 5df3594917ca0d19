package filter

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// This file turns text into tokens. The same tokeniser serves items (NewDoc)
// and terms (Compile), so a term written in a topic always has the shape of
// the words it is meant to find.
//
// A token is a run of letters, digits and combining marks, except that each
// Han, Hiragana or Katakana character is a token of its own: those scripts
// write no spaces, and a multi-character CJK term is matched as a sequence
// of adjacent characters anywhere inside a longer run.

// script classifies a token for stemming.
type script uint8

const (
	scriptOther script = iota
	scriptLatin
	scriptCyrillic
	scriptCJK
)

// isCJK reports whether r is written without spaces between words.
func isCJK(r rune) bool {
	if r < 0x2E80 {
		return false
	}
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana)
}

// isWordRune reports whether r belongs inside a (non-CJK) token.
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r)
}

func scriptOf(s string) script {
	r, _ := utf8.DecodeRuneInString(s)
	switch {
	case r < utf8.RuneSelf:
		if 'a' <= r && r <= 'z' {
			return scriptLatin
		}
		return scriptOther
	case unicode.Is(unicode.Cyrillic, r):
		return scriptCyrillic
	case unicode.Is(unicode.Latin, r):
		return scriptLatin
	case isCJK(r):
		return scriptCJK
	}
	return scriptOther
}

// Casers are stateful and must not be shared between goroutines.
var casers = sync.Pool{New: func() any { c := cases.Fold(); return &c }}

// foldAppend appends the NFKC-normalised, case-folded form of the token s.
func foldAppend(dst []byte, s string) []byte {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		for i := 0; i < len(s); i++ {
			c := s[i]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
		}
		return dst
	}
	c := casers.Get().(*cases.Caser)
	f := c.String(norm.NFKC.String(s))
	casers.Put(c)
	// Folding can denormalise (e.g. a capital with a combining mark).
	return append(dst, norm.NFC.String(f)...)
}

// foldString is foldAppend for a whole string.
func foldString(s string) string { return string(foldAppend(nil, s)) }

// stripDiacritics removes combining marks after canonical decomposition:
// "café" -> "cafe", "ё" -> "е". ASCII is returned unchanged.
func stripDiacritics(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	d := norm.NFD.String(s)
	var b strings.Builder
	b.Grow(len(d))
	changed := false
	for _, r := range d {
		if unicode.Is(unicode.Mn, r) {
			changed = true
			continue
		}
		b.WriteRune(r)
	}
	if !changed {
		return s
	}
	return norm.NFC.String(b.String())
}

// abbreviations do not end a sentence when followed by a period.
var abbreviations = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "st": true, "gen": true,
	"lt": true, "col": true, "sen": true, "rep": true, "gov": true, "no": true,
	"vs": true, "jr": true, "sr": true, "prof": true, "capt": true, "adm": true,
	"sgt": true, "maj": true, "pres": true, "inc": true, "co": true, "corp": true,
	"г": true, "гг": true, "им": true, "т": true, "д": true,
}

// rawTok is a token found in a field's display text.
type rawTok struct {
	start, end int32 // byte range in the display text
	sentence   int32 // sentence number within the field
}

// appendTokens splits text into tokens and sentences, appending the tokens
// to dst. A sentence ends at . ! ? … and
// their CJK forms, at a newline, or at a semicolon; a period after a single
// letter (U.S.) or a known abbreviation does not end one.
func appendTokens(dst []rawTok, text string) []rawTok {
	var sent int32
	open := false // the current sentence has tokens
	i := 0
	lastStart, lastEnd := -1, -1
	for i < len(text) {
		if asciiWord[text[i]] {
			// ASCII fast path for the common case.
			j := i + 1
			for j < len(text) {
				c := text[j]
				if c >= utf8.RuneSelf {
					r2, n2 := utf8.DecodeRuneInString(text[j:])
					if !isWordRune(r2) || isCJK(r2) {
						break
					}
					j += n2
					continue
				}
				if !asciiWord[c] {
					break
				}
				j++
			}
			dst = append(dst, rawTok{int32(i), int32(j), sent})
			open = true
			lastStart, lastEnd = i, j
			i = j
			continue
		}
		if c := text[i]; c < utf8.RuneSelf && c != '.' && c != '\n' && c != ';' && c != '!' && c != '?' {
			i++ // ASCII space or punctuation that ends no sentence
			continue
		}
		r, n := utf8.DecodeRuneInString(text[i:])
		switch {
		case isCJK(r):
			dst = append(dst, rawTok{int32(i), int32(i + n), sent})
			open = true
			lastStart, lastEnd = -1, -1
			i += n
			continue
		case isWordRune(r):
			j := i + n
			for j < len(text) {
				r2, n2 := utf8.DecodeRuneInString(text[j:])
				if !isWordRune(r2) || isCJK(r2) {
					break
				}
				j += n2
			}
			dst = append(dst, rawTok{int32(i), int32(j), sent})
			open = true
			lastStart, lastEnd = i, j
			i = j
			continue
		}
		end := false
		switch r {
		case '\n', ';', '!', '?', '。', '！', '？', '…', '；':
			end = true
		case '.':
			next := i + n
			// A period ends a sentence only before space or the end.
			if next >= len(text) || text[next] == ' ' || text[next] == '\n' || text[next] == '\t' || text[next] == '"' || text[next] == '\'' || text[next] == ')' || text[next] >= utf8.RuneSelf {
				end = true
				if lastEnd == i && lastStart >= 0 {
					w := text[lastStart:lastEnd]
					r0, n0 := utf8.DecodeRuneInString(w)
					if n0 == len(w) && !unicode.IsDigit(r0) || abbreviations[strings.ToLower(w)] {
						end = false
					}
				}
			}
		}
		if end && open {
			sent++
			open = false
		}
		i += n
	}
	return dst
}

// asciiWord marks the ASCII bytes that belong inside a token.
var asciiWord = func() (t [256]bool) {
	for c := range 128 {
		t[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
	}
	return t
}()

// blockTags break sentences when an item's HTML is reduced to text.
var blockTags = map[string]bool{
	"p": true, "br": true, "div": true, "li": true, "ul": true, "ol": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"tr": true, "td": true, "th": true, "blockquote": true, "figcaption": true,
	"section": true, "article": true, "header": true, "footer": true, "hr": true,
	"table": true, "pre": true, "dd": true, "dt": true,
}

// maxFieldText bounds how much of a summary's or a content's text is
// matched: the start of a long article, where what it is about is said.
// A megabyte of text cost the matcher 80 MB of allocations, and a feed of
// such items a gigabyte.
const maxFieldText = 64 << 10

// fieldText is the text of a summary or content as matching reads it:
// htmlText of at most four times maxFieldText bytes of HTML, cut to
// maxFieldText at a word. NewDoc and the screen's second look read
// fields through it.
func fieldText(s string) string {
	if len(s) > 4*maxFieldText {
		n := 4 * maxFieldText
		for n > 0 && !utf8.RuneStart(s[n]) {
			n--
		}
		s = s[:n]
		if lt, gt := strings.LastIndexByte(s, '<'), strings.LastIndexByte(s, '>'); lt > gt {
			s = s[:lt] // not inside a tag
		}
	}
	t := htmlText(s)
	if len(t) <= maxFieldText {
		return t
	}
	n := maxFieldText
	for n > 0 && !utf8.RuneStart(t[n]) {
		n--
	}
	t = t[:n]
	if i := strings.LastIndexAny(t, " \n\t"); i > n/2 {
		t = t[:i]
	}
	return t
}

// htmlText reduces HTML to text: tags removed, entities decoded, block
// elements ending sentences, script and style dropped. Text without '<' or
// '&' is returned as it is.
func htmlText(s string) string {
	if strings.IndexByte(s, '<') < 0 {
		if strings.IndexByte(s, '&') < 0 {
			return s
		}
		return html.UnescapeString(s)
	}
	if t, ok := plainHTMLText(s); ok {
		return t
	}
	return tokenizerText(s)
}

// tokenizerText is htmlText by x/net/html's tokenizer.
func tokenizerText(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	z := html.NewTokenizer(strings.NewReader(s))
	skip := 0
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return b.String()
		case html.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			tag := string(name)
			if tag == "script" || tag == "style" {
				if tt == html.StartTagToken {
					skip++
				} else if tt == html.EndTagToken && skip > 0 {
					skip--
				}
				continue
			}
			if blockTags[tag] {
				b.WriteByte('\n')
			} else {
				b.WriteByte(' ')
			}
		}
	}
}

// plainHTMLText is htmlText for the HTML most feeds carry, without the
// tokenizer's per-byte reading: text between start and end tags, whose
// ends it finds as x/net/html's tokenizer does. It gives up (false) on
// whatever it does not follow exactly — comments, declarations, "</>",
// the elements whose contents the tokenizer reads as raw text, script and
// style, carriage returns, NULs, and a tag cut off by the end — and
// htmlText then runs the tokenizer. FuzzPlainHTMLText holds it to the
// tokenizer's text.
func plainHTMLText(s string) (string, bool) {
	var b strings.Builder
	b.Grow(len(s))
	text := func(t string) bool {
		if strings.ContainsAny(t, "\r\x00") {
			return false
		}
		if strings.IndexByte(t, '&') >= 0 {
			t = html.UnescapeString(t)
		}
		b.WriteString(t)
		return true
	}
	start, i := 0, 0 // the text not yet written; where to look for '<'
	for {
		k := strings.IndexByte(s[i:], '<')
		if k < 0 {
			break
		}
		k += i
		if k+1 == len(s) {
			break // a '<' at the end is text
		}
		name := k + 1
		switch c := s[k+1]; {
		case isASCIILetter(c):
		case c == '/':
			if k+2 == len(s) || !isASCIILetter(s[k+2]) {
				return "", false
			}
			name = k + 2
		case c == '!' || c == '?':
			return "", false
		default:
			i = k + 1 // '<' and what follows are text
			continue
		}
		tag, end, ok := readTag(s, name)
		if !ok || rawTextTag(tag) || !text(s[start:k]) {
			return "", false
		}
		if blockTags[lowerASCII(tag)] {
			b.WriteByte('\n')
		} else {
			b.WriteByte(' ')
		}
		start, i = end, end
	}
	if !text(s[start:]) {
		return "", false
	}
	return b.String(), true
}

// lowerASCII lower-cases the ASCII letters of s, as the tokenizer does
// tag names.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

func isASCIILetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

func isHTMLSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' }

func skipHTMLSpace(s string, i int) int {
	for i < len(s) && isHTMLSpace(s[i]) {
		i++
	}
	return i
}

// readTag follows x/net/html's Tokenizer.readTag over the tag whose name
// begins at s[p] (after "<" or "</"): it returns the name and the index
// after the '>' that ends the tag, and false when s ends first.
func readTag(s string, p int) (name string, end int, ok bool) {
	i := p + 1
	for ; ; i++ {
		if i == len(s) {
			return "", 0, false
		}
		if c := s[i]; isHTMLSpace(c) {
			name, i = s[p:i], i+1
			break
		} else if c == '/' || c == '>' {
			name = s[p:i]
			break
		}
	}
	for i = skipHTMLSpace(s, i); ; i = skipHTMLSpace(s, i) {
		if i == len(s) {
			return "", 0, false
		}
		if s[i] == '>' {
			return name, i + 1, true
		}
		// The attribute's key: an '=' only as its first byte.
		for key := i; ; i++ {
			if i == len(s) {
				return "", 0, false
			}
			if c := s[i]; c == '=' && i > key || isHTMLSpace(c) || c == '/' || c == '>' {
				break
			}
		}
		// Its value.
		if i = skipHTMLSpace(s, i); i == len(s) {
			return "", 0, false
		}
		switch s[i] {
		case '/':
			i++
			continue
		case '=':
		default:
			continue
		}
		if i = skipHTMLSpace(s, i+1); i == len(s) {
			return "", 0, false
		}
		switch q := s[i]; q {
		case '>':
		case '\'', '"':
			j := strings.IndexByte(s[i+1:], q)
			if j < 0 {
				return "", 0, false
			}
			i += 1 + j + 1
		default:
			for i++; ; i++ {
				if i == len(s) {
					return "", 0, false
				}
				if c := s[i]; isHTMLSpace(c) {
					i++
					break
				} else if c == '>' {
					break
				}
			}
		}
	}
}
