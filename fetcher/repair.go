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
	// A start tag named in a comment of the prolog is no feed's start.
	if p := scanProlog(t); p.root >= 0 && loc[0] < p.root {
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

// prolog is what comes before an XML document's root element, as
// scanProlog found it.
type prolog struct {
	root     int      // offset of the root element's start tag; -1 if not reached
	doctypes [][2]int // each DOCTYPE declaration's start and end offsets
}

// scanProlog reads the prolog of b (XML 1.0 §2.8): an XML declaration,
// then white space, comments, processing instructions and DOCTYPE
// declarations in any order, up to the root element's start tag. It reads
// as far as the prolog goes, however long, and stops (root -1) at
// anything else: text, an unterminated construct, an XML declaration out
// of place.
func scanProlog(b []byte) prolog {
	p := prolog{root: -1}
	i := 0
	for first := true; ; first = false {
		for i < len(b) && isSpace(b[i]) {
			i++
		}
		if i+1 >= len(b) || b[i] != '<' {
			return p // the end, or text
		}
		rest := b[i+1:]
		switch {
		case bytes.HasPrefix(rest, []byte("!--")):
			end := bytes.Index(rest[3:], []byte("-->"))
			if end < 0 {
				return p
			}
			i += len("<!--") + end + len("-->")
		case rest[0] == '?':
			if !first && isXMLDecl(rest) {
				return p // a declaration after something else: skipLeadingJunk's case
			}
			end := bytes.Index(rest[1:], []byte("?>"))
			if end < 0 {
				return p
			}
			i += len("<?") + end + len("?>")
		case len(rest) >= 8 && bytes.EqualFold(rest[:8], []byte("!DOCTYPE")):
			end := doctypeEnd(b, i+len("<!DOCTYPE"))
			if end < 0 {
				return p
			}
			p.doctypes = append(p.doctypes, [2]int{i, end})
			i = end
		case isNameStart(rest[0]):
			p.root = i
			return p
		default:
			return p
		}
	}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// isXMLDecl reports whether b, just after a "<", is an XML declaration
// ("?xml" then white space or "?>"), not a processing instruction such as
// <?xml-stylesheet?>.
func isXMLDecl(b []byte) bool {
	if !bytes.HasPrefix(b, []byte("?xml")) || len(b) < 5 {
		return false
	}
	switch b[4] {
	case ' ', '\t', '\r', '\n', '?':
		return true
	}
	return false
}

// isNameStart reports whether c can begin an XML name: an ASCII letter,
// '_' or ':', or any byte of a multi-byte UTF-8 rune.
func isNameStart(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' || c == ':' || c >= 0x80
}

// tagName is the name of the start tag at b[at] ("<name ..."), cut to 100
// bytes for messages.
func tagName(b []byte, at int) string {
	end := at + 1
	for end < len(b) && !isTagNameEnd(b[end]) {
		end++
	}
	if end-at-1 > 100 {
		return capText(string(b[at+1:at+1+104]), 100) + "…"
	}
	return string(b[at+1 : end])
}

func isTagNameEnd(c byte) bool {
	switch c {
	case ' ', '\t', '\r', '\n', '/', '>':
		return true
	}
	return false
}

var (
	entityDecl  = regexp.MustCompile(`<!ENTITY\s+(%\s+)?([A-Za-z_:][-A-Za-z0-9._:]*)\s+(?:"([^"]*)"|'([^']*)'|(SYSTEM|PUBLIC)\b[^>]*)\s*>`)
	simpleValue = regexp.MustCompile(`^(?:&#[0-9]{1,7};|&#x[0-9A-Fa-f]{1,6};|[^&<%]{0,16})$`)
)

// stripDoctype removes the document type declaration so that no entity is
// ever expanded from it and no external DTD or entity is fetched
// (billion laughs, quadratic blowup, XXE). References to the entities it
// declared are replaced by their value when that is one character
// reference or a short plain string (the &nbsp; of old feeds), else
// removed: they are never published as "&name;". Only a DOCTYPE of the
// prolog is one (text inside an item is not), however long the comments
// before it.
func stripDoctype(b []byte) ([]byte, string) {
	p := scanProlog(b)
	if len(p.doctypes) == 0 {
		return b, "" // none, or unterminated: the parser reports it
	}
	if bytes.HasPrefix(bytes.ToLower(bytes.TrimLeft(b[p.doctypes[0][0]+len("<!DOCTYPE"):], " \t\r\n")), []byte("html")) {
		return b, "" // an HTML page: reported as such, not repaired
	}
	out := make([]byte, 0, len(b))
	repl := map[string]string{}
	last := 0
	for _, dt := range p.doctypes {
		out = append(out, b[last:dt[0]]...)
		last = dt[1]
		for _, m := range entityDecl.FindAllSubmatch(b[dt[0]:dt[1]], -1) {
			if len(m[1]) > 0 {
				continue // parameter entities appear only inside the DTD
			}
			val := string(m[3]) + string(m[4])
			if len(m[5]) > 0 || !simpleValue.MatchString(val) {
				val = ""
			}
			repl[string(m[2])] = val
		}
	}
	out = append(out, b[last:]...)
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

var entityRef = regexp.MustCompile(`&[A-Za-z_:][-A-Za-z0-9._:]*;`)

// doctypeEnd returns the index just past the DOCTYPE that starts before
// from, skipping an internal subset in brackets, and the quoted strings,
// comments and processing instructions in it; -1 if it does not end.
func doctypeEnd(b []byte, from int) int {
	depth := 0
	for i := from; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"' || c == '\'':
			end := bytes.IndexByte(b[i+1:], c)
			if end < 0 {
				return -1
			}
			i += 1 + end
		case depth > 0 && bytes.HasPrefix(b[i:], []byte("<!--")):
			end := bytes.Index(b[i+4:], []byte("-->"))
			if end < 0 {
				return -1
			}
			i += 4 + end + 2
		case depth > 0 && bytes.HasPrefix(b[i:], []byte("<?")):
			end := bytes.Index(b[i+2:], []byte("?>"))
			if end < 0 {
				return -1
			}
			i += 2 + end + 1
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
