package fetcher

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
)

// Repairs applied to a decoded (UTF-8) document before parsing. Each
// returns a note for the one "feed repaired" warning, "" when it changed
// nothing.

// feedStart finds where the XML of a feed begins.
var feedStart = regexp.MustCompile(`<\?xml|<rss[\s>]|<feed[\s>]|<rdf:RDF[\s>]`)

// skipLeadingJunk drops what comes before the XML: blank lines (a common
// PHP/WordPress bug) silently, and text such as a PHP warning printed
// before the declaration, when the feed's start is found within the first
// 4 KiB.
func skipLeadingJunk(b []byte) ([]byte, string) {
	t := bytes.TrimLeft(b, " \t\r\n")
	if len(t) == 0 || bytes.HasPrefix(t, []byte("<?xml")) || t[0] == '{' {
		return t, ""
	}
	loc := feedStart.FindIndex(t[:min(len(t), 4096)])
	if loc == nil || loc[0] == 0 {
		return t, ""
	}
	// Only junk that is not itself the start of the document: an HTML
	// page with an <rss> example in it stays HTML.
	head := bytes.ToLower(t[:loc[0]])
	if bytes.Contains(head, []byte("<html")) || bytes.Contains(head, []byte("<!doctype")) || bytes.Contains(head, []byte("<?xml")) {
		return t, ""
	}
	return t[loc[0]:], fmt.Sprintf("skipped %d bytes before the XML", loc[0])
}

var (
	doctypeStart = regexp.MustCompile(`(?i)<!DOCTYPE\s`)
	entityDecl   = regexp.MustCompile(`<!ENTITY\s+(%\s+)?([A-Za-z_:][-A-Za-z0-9._:]*)\s+(?:"([^"]*)"|'([^']*)'|(SYSTEM|PUBLIC)\b[^>]*)\s*>`)
	simpleValue  = regexp.MustCompile(`^(?:&#[0-9]{1,7};|&#x[0-9A-Fa-f]{1,6};|[^&<%]{0,16})$`)
)

// stripDoctype removes the document type declaration so that no entity is
// ever expanded from it and no external DTD or entity is fetched
// (billion laughs, quadratic blowup, XXE). References to the entities it
// declared are replaced by their value when that is one character
// reference or a short plain string (the &nbsp; of old feeds), else
// removed: they are never published as "&name;".
func stripDoctype(b []byte) ([]byte, string) {
	loc := doctypeStart.FindIndex(b[:min(len(b), 4096)])
	if loc == nil || rootStart.Match(b[:loc[0]]) {
		return b, "" // none, or not in the prolog (text inside an item)
	}
	if bytes.HasPrefix(bytes.ToLower(bytes.TrimLeft(b[loc[1]:], " \t\r\n")), []byte("html")) {
		return b, "" // an HTML page: reported as such, not repaired
	}
	end := doctypeEnd(b, loc[1])
	if end < 0 {
		return b, "" // unterminated: the parser reports it
	}
	subset := b[loc[0]:end]
	out := append(append([]byte{}, b[:loc[0]]...), b[end:]...)
	repl := map[string]string{}
	for _, m := range entityDecl.FindAllSubmatch(subset, -1) {
		if len(m[1]) > 0 {
			continue // parameter entities appear only inside the DTD
		}
		val := string(m[3]) + string(m[4])
		if len(m[5]) > 0 || !simpleValue.MatchString(val) {
			val = ""
		}
		repl[string(m[2])] = val
	}
	if len(repl) > 0 {
		out = entityRef.ReplaceAllFunc(out, func(ref []byte) []byte {
			v, ok := repl[string(ref[1:len(ref)-1])]
			if !ok {
				return ref
			}
			return []byte(v)
		})
	}
	if len(repl) == 0 {
		return out, "" // an external DTD only: nothing to warn about
	}
	return out, fmt.Sprintf("removed a DOCTYPE declaring %d entities (never expanded)", len(repl))
}

// rootStart matches an element's start tag (the prolog has none).
var rootStart = regexp.MustCompile(`<[A-Za-z_]`)

var entityRef = regexp.MustCompile(`&[A-Za-z_:][-A-Za-z0-9._:]*;`)

// doctypeEnd returns the index just past the DOCTYPE that starts before
// from, skipping an internal subset in brackets and quoted strings; -1 if
// it does not end.
func doctypeEnd(b []byte, from int) int {
	depth := 0
	var quote byte
	for i := from; i < len(b); i++ {
		c := b[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '[':
			depth++
		case c == ']':
			depth--
		case c == '>' && depth <= 0:
			return i + 1
		}
	}
	return -1
}

// capHTML cuts HTML to at most n bytes, at a rune boundary and never
// inside a tag: the sanitiser closes what is left open.
func capHTML(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = capText(s, n)
	if lt, gt := strings.LastIndexByte(s, '<'), strings.LastIndexByte(s, '>'); lt > gt {
		s = s[:lt]
	}
	return s
}

// stripBidi removes explicit bidirectional formatting characters from
// one-line text (titles, names): U+202A–U+202E and U+2066–U+2069 let a
// title display as something else ("Invoice ‮exe.fdp").
func stripBidi(s string) string {
	if !strings.ContainsFunc(s, isBidiControl) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isBidiControl(r) {
			return -1
		}
		return r
	}, s)
}

func isBidiControl(r rune) bool {
	return r >= 0x202A && r <= 0x202E || r >= 0x2066 && r <= 0x2069
}
