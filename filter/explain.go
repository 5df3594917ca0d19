package filter

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Explanation says why an item did or did not match a topic: the query as
// a tree with each node's truth, the clause weights that made the score,
// the matched terms, and the sentences that matched with the terms marked
// [[like this]]. Its String form is deterministic, for golden files and
// for the explain command.
type Explanation struct {
	Topic     string
	Result    Result
	Weighted  bool
	Threshold float64
	Clauses   []*ExplainNode
	Snippets  []Snippet
	// LeftOut are the summary and content sentences left out of matching
	// as the feed's boilerplate (a donation appeal, a newsletter box).
	LeftOut []Snippet
}

// ExplainNode is one node of the query with its value for the item.
type ExplainNode struct {
	Src    string  // the node as written (whitespace collapsed)
	True   bool    // the node's value for the item
	Weight float64 // the clause weight (clauses only)
	Factor float64 // the term weight that scaled a true clause's weight (clauses only; 0 or 1: none)
	Terms  []string
	Kids   []*ExplainNode
}

// Snippet is a sentence of the item with the matched terms marked.
type Snippet struct {
	Scope string // title, lead, summary, content, author, category, feed or link
	Text  string
}

// Explain matches d against the topic and says why.
func (t *Topic) Explain(d *Doc) *Explanation {
	m := t.matcher(d)
	defer t.release(m)
	e := &Explanation{Topic: t.name, Weighted: t.weighted, Threshold: t.threshold}
	e.Result.Score, e.Result.Match = m.score()
	c := m.contributions()
	if e.Result.Match {
		e.Result.Groups, e.Result.Terms = c.groups, c.terms
	}
	for i, r := range t.roots {
		n := m.explainNode(r, bText)
		n.Weight = t.clauses[i].weight
		if n.True && t.termWeighted[i] {
			n.Factor = m.termWeight(r)
		}
		e.Clauses = append(e.Clauses, n)
	}
	e.Snippets = m.snippets(c.hits)
	for _, s := range d.stripped {
		e.LeftOut = append(e.LeftOut, Snippet{Scope: zoneNames[s.zone], Text: strings.Join(strings.Fields(d.texts[s.zone][s.start:s.end]), " ")})
	}
	return e
}

func collapse(s string) string {
	var lines []string
	for l := range strings.SplitSeq(s, "\n") {
		if i := strings.IndexByte(l, '#'); i >= 0 && !strings.Contains(l[:i], "\"") {
			l = l[:i]
		}
		lines = append(lines, l)
	}
	return strings.Join(strings.Fields(strings.Join(lines, " ")), " ")
}

func (m *matcher) explainNode(n *node, mask uint16) *ExplainNode {
	e := &ExplainNode{Src: collapse(n.src), True: m.truth(n, mask)}
	switch n.kind {
	case nLeaf, nGroup:
		var c contrib
		m.collect(n, mask, nil, &c)
		seen := map[string]bool{}
		for _, h := range c.hits {
			s := m.t.leaves[h.leaf].members[h.member].display
			if !seen[s] {
				seen[s] = true
				e.Terms = append(e.Terms, s)
			}
		}
		sort.Strings(e.Terms)
	case nScope:
		// The scope and the expression it scopes read as one line.
		k := m.explainNode(n.kids[0], n.mask)
		e.Terms, e.Kids = k.Terms, k.Kids
	default:
		for _, k := range n.kids {
			e.Kids = append(e.Kids, m.explainNode(k, mask))
		}
	}
	return e
}

// snippets renders the sentences holding hits, in reading order.
func (m *matcher) snippets(hits []hit) []Snippet {
	const maxSnippets = 6
	d := m.d
	bySent := map[int32][][2]int32{}
	for _, h := range hits {
		s := d.toks[h.start].sent
		bySent[s] = append(bySent[s], [2]int32{d.toks[h.start].start, d.toks[h.end].end})
	}
	sents := make([]int32, 0, len(bySent))
	for s := range bySent {
		sents = append(sents, s)
	}
	slices.Sort(sents)
	var out []Snippet
	for _, s := range sents {
		if len(out) == maxSnippets {
			break
		}
		info := d.sents[s]
		text := d.texts[info.zone]
		spans := bySent[s]
		sort.Slice(spans, func(i, j int) bool { return spans[i][0] < spans[j][0] })
		merged := spans[:1]
		for _, sp := range spans[1:] {
			if last := &merged[len(merged)-1]; sp[0] <= last[1] {
				last[1] = max(last[1], sp[1])
			} else {
				merged = append(merged, sp)
			}
		}
		var b strings.Builder
		pos := info.start
		for _, sp := range merged {
			b.WriteString(text[pos:sp[0]])
			b.WriteString("[[")
			b.WriteString(text[sp[0]:sp[1]])
			b.WriteString("]]")
			pos = sp[1]
		}
		b.WriteString(text[pos:info.end])
		scope := zoneNames[info.zone]
		if first := m.firstTok(s); first >= 0 && d.toks[first].mask&bLead != 0 {
			scope = "lead"
		}
		out = append(out, Snippet{Scope: scope, Text: strings.Join(strings.Fields(b.String()), " ")})
	}
	return out
}

func (m *matcher) firstTok(sent int32) int {
	toks := m.d.toks
	i := sort.Search(len(toks), func(i int) bool { return toks[i].sent >= sent })
	if i < len(toks) && toks[i].sent == sent {
		return i
	}
	return -1
}

func formatNum(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// WriteTo writes the explanation as text.
func (e *Explanation) WriteTo(w io.Writer) (int64, error) {
	var b strings.Builder
	verdict := "no match"
	if e.Result.Match {
		verdict = "match"
	}
	fmt.Fprintf(&b, "topic %s: %s, score %s", e.Topic, verdict, formatNum(e.Result.Score))
	if e.Weighted {
		if e.Threshold > 0 {
			fmt.Fprintf(&b, " (threshold %s)", formatNum(e.Threshold))
		} else {
			b.WriteString(" (needs more than 0)")
		}
	}
	b.WriteString("\n")
	for _, c := range e.Clauses {
		prefix := ""
		if e.Weighted {
			prefix = fmt.Sprintf("%+g ", c.Weight)
			if c.Factor != 0 && c.Factor != 1 {
				prefix = fmt.Sprintf("%+g×%g ", c.Weight, c.Factor)
			}
		}
		writeNode(&b, c, 1, prefix)
	}
	if len(e.Result.Groups) > 0 {
		fmt.Fprintf(&b, "groups: %s\n", strings.Join(e.Result.Groups, ", "))
	}
	if len(e.Result.Terms) > 0 {
		fmt.Fprintf(&b, "terms: %s\n", strings.Join(e.Result.Terms, ", "))
	}
	for _, s := range e.Snippets {
		fmt.Fprintf(&b, "%s: %s\n", s.Scope, s.Text)
	}
	if len(e.LeftOut) > 0 {
		const shown = 8
		fmt.Fprintf(&b, "left out as the feed's boilerplate (never matched): %d sentences\n", len(e.LeftOut))
		for _, s := range e.LeftOut[:min(len(e.LeftOut), shown)] {
			fmt.Fprintf(&b, "  %s: %s\n", s.Scope, s.Text)
		}
		if len(e.LeftOut) > shown {
			fmt.Fprintf(&b, "  … and %d more\n", len(e.LeftOut)-shown)
		}
	}
	n, err := io.WriteString(w, b.String())
	return int64(n), err
}

func (e *Explanation) String() string {
	var b strings.Builder
	e.WriteTo(&b)
	return b.String()
}

func writeNode(b *strings.Builder, n *ExplainNode, depth int, prefix string) {
	mark := "[ ]"
	if n.True {
		mark = "[x]"
	}
	b.WriteString(strings.Repeat("  ", depth))
	b.WriteString(prefix)
	b.WriteString(mark)
	b.WriteString(" ")
	b.WriteString(n.Src)
	if len(n.Terms) > 0 {
		b.WriteString("  <- ")
		b.WriteString(strings.Join(n.Terms, ", "))
	}
	b.WriteString("\n")
	for _, k := range n.Kids {
		writeNode(b, k, depth+1, "")
	}
}
