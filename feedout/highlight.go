package feedout

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	nethtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// cleanWords are the words to highlight, each once, longest first (so
// "Xi Jinping" is marked before "Xi"), empty ones and markup dropped.
func cleanWords(words []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, w := range words {
		if w = cleanLine(w); w != "" && !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

// span is a run of text, marked or not.
type span struct {
	Text string
	Mark bool
}

// markSpans splits text into spans, the words (whole words, as written)
// marked.
func markSpans(text string, words []string) []span {
	var out []span
	plain := 0
	for i := 0; i < len(text); {
		w := wordAt(text, i, words)
		if w == "" {
			_, n := utf8.DecodeRuneInString(text[i:])
			i += n
			continue
		}
		if plain < i {
			out = append(out, span{Text: text[plain:i]})
		}
		out = append(out, span{Text: w, Mark: true})
		i += len(w)
		plain = i
	}
	if plain < len(text) {
		out = append(out, span{Text: text[plain:]})
	}
	return out
}

// wordAt is the longest of words that starts at text[i] as a whole word.
func wordAt(text string, i int, words []string) string {
	var before rune
	if i > 0 {
		before, _ = utf8.DecodeLastRuneInString(text[:i])
	}
	for _, w := range words {
		if !strings.HasPrefix(text[i:], w) {
			continue
		}
		first, _ := utf8.DecodeRuneInString(w)
		last, _ := utf8.DecodeLastRuneInString(w)
		if i > 0 && isWordRune(before) && !(isCJK(before) || isCJK(first)) {
			continue
		}
		if after, _ := utf8.DecodeRuneInString(text[i+len(w):]); i+len(w) < len(text) && isWordRune(after) && !(isCJK(after) || isCJK(last)) {
			continue
		}
		return w
	}
	return ""
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// isCJK: Chinese is written without spaces, so a word ends anywhere.
func isCJK(r rune) bool { return unicode.Is(unicode.Han, r) }

// markHTML wraps the words in the sanitised fragment s in <mark>, in its
// text only (never in a tag or an attribute, nor twice).
func markHTML(s string, words []string) string {
	if s == "" || len(words) == 0 {
		return s
	}
	ctx := &nethtml.Node{Type: nethtml.ElementNode, Data: "div", DataAtom: atom.Div}
	nodes, err := nethtml.ParseFragment(strings.NewReader(s), ctx)
	if err != nil {
		return s
	}
	var walk func(n *nethtml.Node)
	walk = func(n *nethtml.Node) {
		for c := n.FirstChild; c != nil; {
			next := c.NextSibling
			switch {
			case c.Type == nethtml.TextNode:
				spans := markSpans(c.Data, words)
				if len(spans) == 1 && !spans[0].Mark {
					break
				}
				for _, sp := range spans {
					t := &nethtml.Node{Type: nethtml.TextNode, Data: sp.Text}
					if sp.Mark {
						m := &nethtml.Node{Type: nethtml.ElementNode, Data: "mark", DataAtom: atom.Mark}
						m.AppendChild(t)
						t = m
					}
					n.InsertBefore(t, c)
				}
				n.RemoveChild(c)
			case c.Type == nethtml.ElementNode && c.DataAtom != atom.Mark:
				walk(c)
			}
			c = next
		}
	}
	var sb strings.Builder
	for _, n := range nodes {
		if n.Type == nethtml.TextNode {
			holder := &nethtml.Node{Type: nethtml.ElementNode, Data: "div", DataAtom: atom.Div}
			holder.AppendChild(n)
			walk(holder)
			for c := holder.FirstChild; c != nil; c = c.NextSibling {
				nethtml.Render(&sb, c)
			}
			continue
		}
		if n.Type == nethtml.ElementNode && n.DataAtom != atom.Mark {
			walk(n)
		}
		nethtml.Render(&sb, n)
	}
	return sb.String()
}
