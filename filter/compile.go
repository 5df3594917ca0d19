package filter

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/kljensen/snowball/english"
	"github.com/kljensen/snowball/russian"
)

// wordKind says how a word of a term is compared with a token.
type wordKind uint8

const (
	wExact wordKind = iota
	wPrefix
	wStem
)

// word is one word of a term, normalised like a Doc token.
type word struct {
	text  string // folded form; without diacritics when plain; the stem for wStem
	kind  wordKind
	plain bool   // compare without diacritics
	lang  script // wStem: scriptLatin (English) or scriptCyrillic (Russian)
	raw   string // exact terms (=word): the word as written, compared with the item's text as is
}

// member is one term of a leaf: a word or a phrase of adjacent words.
type member struct {
	words   []word
	display string  // as written, for Result.Terms and explanations
	weight  float64 // its term weight (^w); 1 unless written
}

// leaf is a set of terms matched together: one term of a query, or all the
// plain terms of a group. Its hits are collected by dictionary look-ups, so
// a leaf of a thousand terms costs no more per item than a leaf of one.
type leaf struct {
	members []member
}

type nodeKind uint8

const (
	nLeaf nodeKind = iota
	nAnd
	nOr
	nNot
	nSent
	nNear
	nScope
	nGroup
	nUnless // kids[0] UNLESS kids[1]: kids[0] AND NOT kids[1]
	nStart  // kids[0] within the first n words of a sentence
	nEnd    // kids[0] within the last n words of a sentence
	nPair   // kids[0] and kids[1] coordinated: "Russia and China"
	nApart  // kids[0] NOT NEAR/n kids[1]: hits of kids[0] with no kids[1] near
	nBefore // kids[0] BEFORE/n kids[1]: a hit of kids[0], then within n words one of kids[1]
)

// node is a compiled expression. Nodes are immutable once compiled and
// shared between the topics that use the same groups.
type node struct {
	kind nodeKind
	kids []*node
	leaf int32  // nLeaf
	n    int    // nNear, nApart: distance; nStart, nEnd: number of words
	mask uint16 // nScope
	name string // nGroup
	src  string // source text, for explanations
	pos  bool   // the node has word positions (for SENTENCE and NEAR)
	prox int    // nesting depth of SENTENCE and NEAR in the node
}

// maxProx bounds the nesting of SENTENCE and NEAR: each level evaluates
// its arguments' positions again, so deep nesting would multiply work.
const maxProx = 3

func proxDepth(ns []*node) int {
	d := 0
	for _, n := range ns {
		d = max(d, n.prox)
	}
	return d
}

// Groups are named term groups compiled once, to be shared by the topics
// compiled with Groups.Compile.
type Groups struct {
	nodes  map[string]*node
	leaves []*leaf
	sizes  map[*node]int // expanded sizes, for the bound
}

// maxExpanded bounds a group's or a query's size with every group
// reference written out: a match evaluates a group each time it is
// referenced, so groups that each refer twice to the one before grow
// ×2 per level, and 40 levels would never finish.
const maxExpanded = 100_000

// expanded is n's node count with every group reference written out,
// memoised on the shared nodes, saturating just past maxExpanded.
func expanded(n *node, memo map[*node]int) int {
	if v, ok := memo[n]; ok {
		return v
	}
	size := 1
	for _, k := range n.kids {
		size = min(size+expanded(k, memo), maxExpanded+1)
	}
	memo[n] = size
	return size
}

// sizeText is a size that may have saturated.
func sizeText(n int) string {
	if n > maxExpanded {
		return fmt.Sprintf("more than %d", maxExpanded)
	}
	return strconv.Itoa(n)
}

type termOpts struct {
	stem string
	fold bool
}

type groupCompiler struct {
	g       *Groups
	specs   map[string]*GroupSpec
	state   map[string]int // 1 compiling, 2 done
	stack   []string
	current *GroupSpec
	term    int
}

// CompileGroups compiles term groups. Every group is checked, used or not.
func CompileGroups(groups []GroupSpec) (*Groups, error) {
	gc := &groupCompiler{
		g:     &Groups{nodes: map[string]*node{}, sizes: map[*node]int{}},
		specs: map[string]*GroupSpec{},
		state: map[string]int{},
	}
	for i := range groups {
		s := &groups[i]
		if !validName(s.Name) {
			return nil, &Error{Group: s.Name, Term: -1, Msg: fmt.Sprintf("group name %q: use letters, digits, '_', '-' or '.'", s.Name)}
		}
		if gc.specs[s.Name] != nil {
			return nil, &Error{Group: s.Name, Term: -1, Msg: fmt.Sprintf("group %q defined twice", s.Name)}
		}
		switch s.Stem {
		case "", "english", "russian", "auto":
		default:
			return nil, &Error{Group: s.Name, Term: -1, Msg: fmt.Sprintf("group %s: unknown stem %q; use \"english\", \"russian\" or \"auto\"", s.Name, s.Stem)}
		}
		if len(s.Terms) == 0 {
			return nil, &Error{Group: s.Name, Term: -1, Msg: fmt.Sprintf("group %s has no terms", s.Name)}
		}
		gc.specs[s.Name] = s
	}
	names := make([]string, 0, len(gc.specs))
	for n := range gc.specs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if _, err := gc.group(n, -1); err != nil {
			return nil, err
		}
	}
	return gc.g, nil
}

// bareWordsPhrase makes a group term of bare words (Xi Jinping) a phrase,
// as its author means; in a query the same words are ANDed.
func bareWordsPhrase(a *ast, src string) *ast {
	if a.op != opAnd {
		return a
	}
	for i, k := range a.kids {
		if k.op != opTerm || k.phrase || k.suffix != 0 && i != len(a.kids)-1 {
			return a
		}
	}
	last := a.kids[len(a.kids)-1]
	text := src[a.off:a.end]
	if last.suffix != 0 {
		text = text[:len(text)-1]
	}
	return &ast{op: opTerm, text: text, suffix: last.suffix, phrase: true, off: a.off, end: a.end}
}

func validName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isNameByte(s[i]) {
			return false
		}
	}
	return true
}

// group compiles the named group; off is where it is referenced.
func (gc *groupCompiler) group(name string, off int) (*node, error) {
	switch gc.state[name] {
	case 2:
		return gc.g.nodes[name], nil
	case 1:
		i := 0
		for i < len(gc.stack) && gc.stack[i] != name {
			i++
		}
		cycle := append(append([]string{}, gc.stack[i:]...), name)
		return nil, gc.errAt(off, "group cycle "+strings.Join(cycle, " -> "))
	}
	spec := gc.specs[name]
	if spec == nil {
		return nil, gc.errAt(off, "unknown group @"+name)
	}
	gc.state[name] = 1
	gc.stack = append(gc.stack, name)
	prevSpec, prevTerm := gc.current, gc.term
	gc.current = spec
	opts := termOpts{stem: spec.Stem, fold: spec.FoldDiacritics}
	set := &leaf{}
	var kids []*node
	for i, t := range spec.Terms {
		gc.term = i
		a, err := parseTerm(t)
		if err != nil {
			var pe *parseError
			if errors.As(err, &pe) {
				return nil, gc.errAt(pe.off, pe.msg)
			}
			return nil, err
		}
		a = bareWordsPhrase(a, t)
		if a.op == opTerm {
			m, err := compileMember(a, t, opts)
			if err != nil {
				return nil, gc.wrap(err)
			}
			set.members = append(set.members, m)
			continue
		}
		c := &compiler{leaves: &gc.g.leaves, src: t, opts: opts, groups: gc.group}
		k, err := c.compile(a)
		if err != nil {
			return nil, gc.wrap(err)
		}
		kids = append(kids, k)
	}
	if len(set.members) > 0 {
		id := int32(len(gc.g.leaves))
		gc.g.leaves = append(gc.g.leaves, set)
		kids = append([]*node{{kind: nLeaf, leaf: id, pos: true, src: name}}, kids...)
	}
	child := kids[0]
	if len(kids) > 1 {
		child = &node{kind: nOr, kids: kids, pos: anyPos(kids), src: name, prox: proxDepth(kids)}
	}
	n := &node{kind: nGroup, name: name, kids: []*node{child}, pos: child.pos, src: "@" + name, prox: child.prox}
	if size := expanded(n, gc.g.sizes); size > maxExpanded {
		gc.term = -1
		return nil, gc.errAt(-1, fmt.Sprintf("group %s is too big when the groups it refers to are written out (%s nodes, limit %d): a group that refers to others several times, each of which does the same, doubles at every level; refer to each group once, as an OR of the terms", name, sizeText(size), maxExpanded))
	}
	gc.g.nodes[name] = n
	gc.state[name] = 2
	gc.stack = gc.stack[:len(gc.stack)-1]
	gc.current, gc.term = prevSpec, prevTerm
	return n, nil
}

func (gc *groupCompiler) errAt(off int, msg string) error {
	if gc.current == nil {
		return &parseError{off: off, msg: msg}
	}
	return &Error{Group: gc.current.Name, Term: gc.term, Offset: max(off, 0), Msg: msg}
}

func (gc *groupCompiler) wrap(err error) error {
	var pe *parseError
	if errors.As(err, &pe) {
		return gc.errAt(pe.off, pe.msg)
	}
	return err
}

func anyPos(ns []*node) bool {
	for _, n := range ns {
		if n.pos {
			return true
		}
	}
	return false
}

// compiler turns an AST into nodes, adding leaves as it goes.
type compiler struct {
	leaves *[]*leaf
	src    string
	opts   termOpts
	groups func(name string, off int) (*node, error)
}

func (c *compiler) addLeaf(l *leaf, src string) *node {
	id := int32(len(*c.leaves))
	*c.leaves = append(*c.leaves, l)
	return &node{kind: nLeaf, leaf: id, pos: true, src: src}
}

func (c *compiler) compile(a *ast) (*node, error) {
	src := c.src[a.off:a.end]
	switch a.op {
	case opTerm:
		m, err := compileMember(a, c.src, c.opts)
		if err != nil {
			return nil, err
		}
		return c.addLeaf(&leaf{members: []member{m}}, src), nil
	case opGroup:
		return c.groups(a.text, a.off)
	case opScope:
		k, err := c.compile(a.kids[0])
		if err != nil {
			return nil, err
		}
		return &node{kind: nScope, mask: scopes[a.text], kids: []*node{k}, pos: k.pos, src: src, prox: k.prox}, nil
	case opNot:
		k, err := c.compile(a.kids[0])
		if err != nil {
			return nil, err
		}
		return &node{kind: nNot, kids: []*node{k}, src: src, prox: k.prox}, nil
	case opOr:
		// Plain terms of one OR share a leaf: one look-up set, however many.
		set := &leaf{}
		var kids []*node
		for _, k := range a.kids {
			if k.op == opTerm {
				m, err := compileMember(k, c.src, c.opts)
				if err != nil {
					return nil, err
				}
				set.members = append(set.members, m)
				continue
			}
			n, err := c.compile(k)
			if err != nil {
				return nil, err
			}
			kids = append(kids, n)
		}
		if len(set.members) > 0 {
			l := c.addLeaf(set, src)
			if len(kids) == 0 {
				return l, nil
			}
			kids = append([]*node{l}, kids...)
		}
		return &node{kind: nOr, kids: kids, pos: anyPos(kids), src: src, prox: proxDepth(kids)}, nil
	}
	kids := make([]*node, len(a.kids))
	for i, k := range a.kids {
		n, err := c.compile(k)
		if err != nil {
			return nil, err
		}
		kids[i] = n
	}
	switch a.op {
	case opAnd:
		return &node{kind: nAnd, kids: kids, pos: anyPos(kids), src: src, prox: proxDepth(kids)}, nil
	case opStart:
		kind, name := nStart, "START"
		if a.text == "END" {
			kind, name = nEnd, "END"
		}
		if !kids[0].pos {
			return nil, &parseError{off: a.kids[0].off, msg: name + " needs a word, phrase, @group or an OR of them, not NOT"}
		}
		return &node{kind: kind, n: a.n, kids: kids, pos: true, src: src, prox: kids[0].prox}, nil
	case opUnless:
		return &node{kind: nUnless, kids: kids, pos: kids[0].pos, src: src, prox: proxDepth(kids)}, nil
	case opSent, opNear, opPair, opApart, opBefore:
		if d := proxDepth(kids) + 1; d > maxProx {
			return nil, &parseError{off: a.off, msg: fmt.Sprintf("SENTENCE, SAME, NEAR and PAIR nest at most %d deep (counting those inside groups)", maxProx)}
		}
	}
	switch a.op {
	case opSent:
		if !anyPos(kids) {
			return nil, &parseError{off: a.off, msg: "SENTENCE needs at least one word, phrase or @group argument, not only NOT"}
		}
		return &node{kind: nSent, kids: kids, pos: true, src: src, prox: proxDepth(kids) + 1}, nil
	case opNear:
		for i, k := range kids {
			if !k.pos {
				return nil, &parseError{off: a.kids[i].off, msg: "NEAR needs a word, phrase, @group or an OR of them on each side, not NOT"}
			}
		}
		return &node{kind: nNear, n: a.n, kids: kids, pos: true, src: src, prox: proxDepth(kids) + 1}, nil
	case opPair:
		for i, k := range kids {
			if !k.pos {
				return nil, &parseError{off: a.kids[i].off, msg: "PAIR needs a word, phrase, @group or an OR of them as each argument, not NOT"}
			}
		}
		return &node{kind: nPair, kids: kids, pos: true, src: src, prox: proxDepth(kids) + 1}, nil
	case opApart, opBefore:
		kind, name := nApart, "NOT NEAR"
		if a.op == opBefore {
			kind, name = nBefore, "BEFORE"
		}
		for i, k := range kids {
			if !k.pos {
				return nil, &parseError{off: a.kids[i].off, msg: name + " needs a word, phrase, @group or an OR of them on each side, not NOT"}
			}
		}
		return &node{kind: kind, n: a.n, kids: kids, pos: true, src: src, prox: proxDepth(kids) + 1}, nil
	}
	return nil, fmt.Errorf("filter: unknown AST op %d", a.op)
}

// compileMember turns a term as written into words. src is the string
// the term's offsets refer to.
func compileMember(a *ast, src string, o termOpts) (member, error) {
	text := a.text
	m := member{display: src[a.off:a.end], weight: 1}
	if a.weight > 0 {
		m.weight = a.weight
	}
	var raws []rawTok
	raws = appendTokens(raws, text)
	if len(raws) == 0 {
		return m, &parseError{off: a.off, msg: fmt.Sprintf("term %s has no letters or digits", m.display)}
	}
	if len(raws) > 64 {
		return m, &parseError{off: a.off, msg: "phrase longer than 64 words"}
	}
	for i, r := range raws {
		f := foldString(text[r.start:r.end])
		w := word{text: f, plain: o.fold && !a.exact}
		if a.exact {
			w.raw = text[r.start:r.end]
		}
		sc := scriptOf(f)
		switch {
		case a.suffix == '*' && i == len(raws)-1:
			w.kind = wPrefix
			if runeLen(f) < 2 && sc != scriptCJK {
				return m, &parseError{off: a.off, msg: fmt.Sprintf("prefix %s is too short: give at least two letters", m.display)}
			}
		case a.exact:
		case a.suffix == '~' || stemFor(o.stem, sc):
			if sc == scriptLatin || sc == scriptCyrillic {
				w.kind, w.lang = wStem, sc
				w.text = stem(f, sc)
			} else if a.suffix == '~' && len(raws) == 1 {
				return m, &parseError{off: a.off, msg: fmt.Sprintf("term %s: '~' stems only Latin (English) and Cyrillic (Russian) words", m.display)}
			}
		}
		if w.plain {
			w.text = stripDiacritics(w.text)
		}
		m.words = append(m.words, w)
	}
	return m, nil
}

// stemFor reports whether a group stem option applies to a word's script.
func stemFor(opt string, sc script) bool {
	switch opt {
	case "english":
		return sc == scriptLatin
	case "russian":
		return sc == scriptCyrillic
	case "auto":
		return sc == scriptLatin || sc == scriptCyrillic
	}
	return false
}

// stem applies the Snowball stemmer of a script to a folded word.
func stem(w string, sc script) string {
	switch sc {
	case scriptLatin:
		return english.Stem(w, true)
	case scriptCyrillic:
		return russian.Stem(w, true)
	}
	return w
}

// Topic is a compiled topic, safe for concurrent use.
type Topic struct {
	name      string
	clauses   []clause
	roots     []*node
	weighted  bool
	threshold float64
	leaves    []*leaf
	dict      dict
	pool      sync.Pool // of *matcher
	warnings  []Warning
	size      int // nodes, with every group reference written out
	// scale is, per clause, the largest term weight it reaches (at
	// least 1); termWeighted, whether it reaches a term weighted but 1.
	scale        []float64
	termWeighted []bool
}

// Name is the topic's name.
func (t *Topic) Name() string { return t.name }

// Compile compiles a topic with its groups. To compile many topics that
// share groups, compile the groups once with CompileGroups and call
// Groups.Compile for each topic.
func Compile(groups []GroupSpec, topic TopicSpec) (*Topic, error) {
	g, err := CompileGroups(groups)
	if err != nil {
		return nil, err
	}
	return g.Compile(topic)
}

// Compile compiles a topic against g's groups.
func (g *Groups) Compile(spec TopicSpec) (*Topic, error) {
	topicErr := func(err error) error {
		var pe *parseError
		if errors.As(err, &pe) {
			return &Error{Topic: spec.Name, Offset: pe.off, Msg: pe.msg}
		}
		var fe *Error
		if errors.As(err, &fe) {
			fe.Topic = spec.Name
		}
		return err
	}
	clauses, weighted, err := parseQuery(spec.Query)
	if err != nil {
		return nil, topicErr(err)
	}
	leaves := append([]*leaf{}, g.leaves...)
	c := &compiler{
		leaves: &leaves,
		src:    spec.Query,
		opts:   termOpts{fold: spec.FoldDiacritics},
		groups: func(name string, off int) (*node, error) {
			n := g.nodes[name]
			if n == nil {
				return nil, &parseError{off: off, msg: "unknown group @" + name}
			}
			return n, nil
		},
	}
	t := &Topic{name: spec.Name, clauses: clauses, weighted: weighted, threshold: spec.Threshold}
	for _, cl := range clauses {
		t.warnings = appendOperatorWords(t.warnings, cl.expr)
	}
	for _, cl := range clauses {
		n, err := c.compile(cl.expr)
		if err != nil {
			return nil, topicErr(err)
		}
		t.roots = append(t.roots, n)
	}
	size, memo := 0, map[*node]int{}
	for k, v := range g.sizes {
		memo[k] = v
	}
	for _, r := range t.roots {
		size = min(size+expanded(r, memo), maxExpanded+1)
	}
	t.size = size
	if size > maxExpanded {
		return nil, &Error{Topic: spec.Name, Msg: fmt.Sprintf("query is too big when its groups are written out (%s nodes, limit %d): refer to a group that refers to others fewer times", sizeText(size), maxExpanded)}
	}
	if !weighted && spec.Threshold != 0 {
		return nil, &Error{Topic: spec.Name, Msg: fmt.Sprintf("threshold %g needs a weighted query (clauses written as \"weight: expression\")", spec.Threshold)}
	}
	if weighted {
		pos := false
		for _, cl := range clauses {
			pos = pos || cl.weight > 0
		}
		if !pos {
			return nil, &Error{Topic: spec.Name, Msg: "a weighted query needs at least one clause with a positive weight"}
		}
	}
	t.leaves = leaves
	t.dict = buildDict(t.roots, leaves)
	t.scale = make([]float64, len(t.roots))
	t.termWeighted = make([]bool, len(t.roots))
	for i, r := range t.roots {
		used := map[int32]bool{}
		reachable([]*node{r}, map[*node]bool{}, used)
		t.scale[i] = 1
		for id := range used {
			for _, m := range leaves[id].members {
				if m.weight != 1 {
					t.termWeighted[i] = true
				}
				t.scale[i] = max(t.scale[i], m.weight)
			}
		}
	}
	return t, nil
}

// Warning is something in a query that compiles but is likely not what
// its author meant, at a byte offset of the query.
type Warning struct {
	Offset int
	Msg    string
}

// Size is the topic's node count with every group reference written out,
// which a match evaluates: at most MaxSize.
func (t *Topic) Size() int { return t.size }

// Threshold is the score a weighted topic's items need (0 for a topic
// whose query is not weighted: it matches or not).
func (t *Topic) Threshold() float64 {
	if !t.weighted {
		return 0
	}
	return t.threshold
}

// MaxSize is the largest Size a topic may have.
const MaxSize = maxExpanded

// Warnings are the topic's query's warnings, in order.
func (t *Topic) Warnings() []Warning { return t.warnings }

// operatorWords are the operators, which are written in capitals.
var operatorWords = map[string]bool{"AND": true, "OR": true, "NOT": true, "UNLESS": true, "NEAR": true, "SAME": true, "BEFORE": true}

// appendOperatorWords warns of unquoted words that are operators in any
// other case ("semiconductors or chips" searches for the word "or").
func appendOperatorWords(ws []Warning, a *ast) []Warning {
	if a == nil {
		return ws
	}
	if a.op == opTerm && !a.phrase && !a.exact && a.suffix == 0 {
		if up := strings.ToUpper(a.text); operatorWords[up] && a.text != up {
			ws = append(ws, Warning{Offset: a.off, Msg: fmt.Sprintf("%q is searched as a word: operators are written in capitals (%s); quote it (\"%s\") to search the word", a.text, up, a.text)})
		}
	}
	for _, k := range a.kids {
		ws = appendOperatorWords(ws, k)
	}
	return ws
}

// bound is the most clause i can add to a score: its weight times the
// largest term weight it can reach (clause weights scale by term weights).
func (t *Topic) bound(i int) float64 { return t.clauses[i].weight * t.scale[i] }
