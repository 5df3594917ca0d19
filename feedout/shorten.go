package feedout

import (
	"bytes"
	"html"
	"io"
	"sort"
	"strings"
	"unicode/utf8"

	nethtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Size bounds. A feed reader or the W3C validator refuses, or times out
// on, documents of many megabytes; a topic built from full-text feeds of
// huge items would otherwise publish them (90 entries of 1 MB each).
const (
	// MaxFileBytes bounds every document Write publishes.
	MaxFileBytes = 2_000_000
	// entryTextBytes bounds an entry's summary and its content, each, as
	// published HTML: a long article, not a book.
	entryTextBytes = 32 << 10
	// minEntryTextBytes is where shortening stops and the oldest entries
	// go instead.
	minEntryTextBytes = 1 << 10
)

// shortenedNote ends a shortened text; link is the entry's link or "".
func shortenedNote(link string) string {
	if link == "" {
		return `<p><em>… text shortened.</em></p>`
	}
	return `<p><em>… text shortened, read the rest at <a href="` + html.EscapeString(link) + `">the source</a>.</em></p>`
}

// shortenHTML returns the sanitised fragment s cut to about n bytes of
// HTML, at a word boundary, with its elements closed and a note that says
// it was shortened; s itself when it fits.
func shortenHTML(s string, n int, link string) string {
	if len(s) <= n {
		return s
	}
	ctx := &nethtml.Node{Type: nethtml.ElementNode, Data: "div", DataAtom: atom.Div}
	nodes, err := nethtml.ParseFragment(strings.NewReader(s), ctx)
	if err != nil {
		return shortenedNote(link)
	}
	budget := n - len(shortenedNote(link))
	var cut func(*nethtml.Node) bool // false once the budget is spent
	cut = func(nd *nethtml.Node) bool {
		switch nd.Type {
		case nethtml.TextNode:
			cost := len(html.EscapeString(nd.Data))
			if cost <= budget {
				budget -= cost
				return true
			}
			nd.Data = cutWords(nd.Data, budget)
			budget = 0
			return false
		case nethtml.ElementNode:
			// The start and end tags, attributes included.
			cost := 2*len(nd.Data) + 5
			for _, a := range nd.Attr {
				cost += len(a.Key) + len(html.EscapeString(a.Val)) + 4
			}
			if cost > budget {
				// It does not fit: nothing of it is kept.
				for nd.FirstChild != nil {
					nd.RemoveChild(nd.FirstChild)
				}
				budget = 0
				return false
			}
			budget -= cost
		}
		for c := nd.FirstChild; c != nil; c = c.NextSibling {
			if !cut(c) {
				for c.NextSibling != nil {
					nd.RemoveChild(c.NextSibling)
				}
				if c.Type == nethtml.ElementNode && c.FirstChild == nil && budget <= 0 {
					nd.RemoveChild(c)
				}
				return false
			}
		}
		return true
	}
	var sb strings.Builder
	for _, nd := range nodes {
		more := cut(nd)
		if nd.Type != nethtml.ElementNode || nd.FirstChild != nil || more {
			nethtml.Render(&sb, nd)
		}
		if !more {
			break
		}
	}
	sb.WriteString(shortenedNote(link))
	return sb.String()
}

// cutWords cuts text to at most n bytes (as escaped), at the last space
// when there is one, and marks the cut with an ellipsis.
func cutWords(s string, n int) string {
	for len(html.EscapeString(s)) > n && s != "" {
		s = s[:len(s)*3/4]
		for s != "" && !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
	}
	if i := strings.LastIndexAny(s, " \n\t"); i > len(s)/2 {
		s = s[:i]
	}
	s = strings.TrimRight(s, " \n\t")
	if s == "" {
		return ""
	}
	return s + " …"
}

// publishedHTML is an entry's stored HTML as published: sanitised, the
// words marked, and shortened to entryTextBytes (the note that says so is
// never marked). Stored text beyond a few times that is cut
// before sanitising, which costs time in proportion to its input (the
// fetcher keeps up to 1 MB a field).
func publishedHTML(s, base, link string, words []string) string {
	const rawCap = 2 * entryTextBytes
	cut := len(s) > rawCap
	if cut {
		n := rawCap
		for n > 0 && !utf8.RuneStart(s[n]) {
			n--
		}
		s = s[:n]
		if lt, gt := strings.LastIndexByte(s, '<'), strings.LastIndexByte(s, '>'); lt > gt {
			s = s[:lt] // not inside a tag
		}
	}
	s = markHTML(SanitizeHTMLBase(s, base), words)
	if cut && len(s) <= entryTextBytes {
		return s + shortenedNote(link)
	}
	return shortenHTML(s, entryTextBytes, link)
}

// shortenItems caps every entry's summary and content at n bytes.
func shortenItems(items []item, n int) []item {
	out := make([]item, len(items))
	for i, it := range items {
		it.summary = shortenHTML(it.summary, n, it.link)
		it.content = shortenHTML(it.content, n, it.link)
		out[i] = it
	}
	return out
}

// fit renders d with each render function and returns the documents,
// each at most MaxFileBytes: entries' texts are shortened, by halves,
// until every document fits (by the share the largest is over, at
// least halving), and only below minEntryTextBytes do the
// oldest entries go. All formats publish the same shortened entries.
func fit(d *doc, renders []func(*doc) ([]byte, error)) ([][]byte, error) {
	cur := *d
	cur.items = shortenItems(d.items, entryTextBytes)
	for n := entryTextBytes; ; {
		outs := make([][]byte, len(renders))
		over := false
		for i, r := range renders {
			b, err := r(&cur)
			if err != nil {
				return nil, err
			}
			outs[i] = b
			over = over || len(b) > MaxFileBytes
		}
		if !over || len(cur.items) == 0 {
			return outs, nil
		}
		if n > minEntryTextBytes {
			// Text is most of an oversized document: scale it to fit,
			// with a margin, at least halving at each step.
			size := 0
			for _, o := range outs {
				size = max(size, len(o))
			}
			n = max(minEntryTextBytes, min(n/2, int(float64(n)*0.9*MaxFileBytes/float64(size))))
			cur.items = shortenItems(cur.items, n)
			continue
		}
		// Drop the oldest fifth (at least one) and try again.
		items := append([]item(nil), cur.items...)
		sort.SliceStable(items, func(i, j int) bool { return items[i].updated.After(items[j].updated) })
		keep := len(items) - max(1, len(items)/5)
		kept := map[string]bool{}
		for _, it := range items[:keep] {
			kept[it.id] = true
		}
		var next []item
		for _, it := range cur.items {
			if kept[it.id] {
				next = append(next, it)
			}
		}
		cur.items = next
	}
}

// rendered returns what write writes.
func rendered(write func(*bytes.Buffer, *doc) error) func(*doc) ([]byte, error) {
	return func(d *doc) ([]byte, error) {
		var buf bytes.Buffer
		if err := write(&buf, d); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	}
}

// writeFitted prepares f and writes one document, bounded as Write's are.
func writeFitted(w io.Writer, f *Feed, write func(*bytes.Buffer, *doc) error) error {
	d, err := prepare(f)
	if err != nil {
		return err
	}
	outs, err := fit(d, []func(*doc) ([]byte, error){rendered(write)})
	if err != nil {
		return err
	}
	_, err = w.Write(outs[0])
	return err
}
