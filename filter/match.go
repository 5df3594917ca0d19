package filter

import (
	"slices"
	"sort"
	"strings"
	"unicode/utf8"
)

// Matching is in two steps, both linear in the size of the item:
//
//  1. every distinct token of the Doc is looked up in the topic's
//     dictionary (hash maps keyed by the first word of each term; prefixes
//     by the few prefix lengths in use; stems only for tokens that could
//     have them), which yields the hits of each leaf;
//  2. the expression is evaluated over the leaves' hits. Leaves without
//     hits are false at once, so a topic of a thousand terms costs about
//     what a topic of ten does.
//
// There are no regular expressions and no backtracking.

type entry struct{ leaf, member int32 }

// Dictionary map indexes: kind*2 + plain.
const (
	mExact = iota * 2
	mPrefix
	mStemEn
	mStemRu
	nMaps
)

type dict struct {
	m          [nMaps]map[string][]entry
	prefixLens map[uint16][]int      // byte lengths of prefixes by their first two bytes
	prefixBits *[1 << 16 / 64]uint64 // the keys of prefixLens, as a bitset
	stemKeys   map[string]bool       // what a word must begin with for its stem to be a term's (stemKey)
}

func reachable(roots []*node, seen map[*node]bool, leaves map[int32]bool) {
	for _, n := range roots {
		if n == nil || seen[n] {
			continue
		}
		seen[n] = true
		if n.kind == nLeaf {
			leaves[n.leaf] = true
		}
		reachable(n.kids, seen, leaves)
	}
}

func buildDict(roots []*node, leaves []*leaf) dict {
	used := map[int32]bool{}
	reachable(roots, map[*node]bool{}, used)
	var d dict
	lens := map[uint16]map[int]bool{}
	d.stemKeys = map[string]bool{}
	for id := range used {
		for mi, m := range leaves[id].members {
			w := m.words[0]
			k := int(w.kind) * 2
			switch w.kind {
			case wPrefix:
				k2 := first2(w.text)
				if lens[k2] == nil {
					lens[k2] = map[int]bool{}
				}
				lens[k2][len(w.text)] = true
			case wStem:
				if w.lang == scriptCyrillic {
					k = mStemRu
				} else {
					k = mStemEn
				}
				d.stemKeys[stemKey(w.text, w.lang)] = true
			}
			if w.plain {
				k++
			}
			if d.m[k] == nil {
				d.m[k] = map[string][]entry{}
			}
			d.m[k][w.text] = append(d.m[k][w.text], entry{id, int32(mi)})
		}
	}
	d.prefixLens = map[uint16][]int{}
	d.prefixBits = new([1 << 16 / 64]uint64)
	for k2, ls := range lens {
		d.prefixBits[k2/64] |= 1 << (k2 % 64)
		for l := range ls {
			d.prefixLens[k2] = append(d.prefixLens[k2], l)
		}
		sort.Ints(d.prefixLens[k2])
	}
	return d
}

// stemKey is what every word whose stem is s begins with, so that a
// word that does not begin with the key of any term's stem need not be
// stemmed (stemming is the costliest step of a look-up). The English
// (Porter2) stemmer changes only a word's end — it takes suffixes off
// and may turn a final y into i — except for dying, lying and tying (die,
// lie, tie): all but a stem's last rune begin the word. The Russian
// stemmer takes endings off; its key stays at the first rune, as ё and
// е may differ. TestStemKey checks this on every word of the dev corpus.
func stemKey(s string, sc script) string {
	n := 1
	if sc == scriptLatin {
		switch l := runeLen(s); {
		case s == "die" || s == "lie" || s == "tie":
		case l >= 4:
			n = 3
		case l == 3:
			n = 2
		}
	}
	return firstRunes(s, n)
}

// first2 keys prefixes by their first two bytes (prefixes have at least
// two runes, so at least two bytes).
func first2(s string) uint16 {
	if len(s) < 2 {
		return 0
	}
	return uint16(s[0])<<8 | uint16(s[1])
}

func firstRunes(s string, n int) string {
	i := 0
	for k := 0; k < n && i < len(s); k++ {
		_, sz := utf8.DecodeRuneInString(s[i:])
		i += sz
	}
	return s[:i]
}

// hit is a span of tokens [start, end] that matched a member of a leaf.
type hit struct {
	start, end   int32
	leaf, member int32
}

type leafHits struct {
	gen  uint32
	hits []hit
}

// matcher holds the per-call state of a match; pooled per topic.
type matcher struct {
	t    *Topic
	d    *Doc
	gen  uint32
	lh   []leafHits
	hits int
	ints []int32
	tmp  []hit
	// relaxed answers "might the item match once some of its summary
	// and content sentences are left out?" (MayMatch) instead.
	relaxed bool
	// stems caches the stems of the words looked up, across the items
	// this matcher has seen: news repeats its words, and stemming costs
	// far more than a map look-up.
	stems map[string]string
}

// maxStems bounds a matcher's stem cache; a full cache starts again.
const maxStems = 1 << 14

// stem is the package's stem, through the matcher's cache.
func (m *matcher) stem(fold string, sc script) string {
	if s, ok := m.stems[fold]; ok {
		return s
	}
	s := stem(fold, sc)
	if m.stems == nil || len(m.stems) >= maxStems {
		m.stems = make(map[string]string, 256)
	}
	m.stems[strings.Clone(fold)] = s
	return s
}

func (t *Topic) matcher(d *Doc) *matcher {
	m, _ := t.pool.Get().(*matcher)
	if m == nil {
		m = &matcher{t: t, lh: make([]leafHits, len(t.leaves))}
	}
	m.d = d
	m.gen++
	if m.gen == 0 { // wrapped: forget everything
		for i := range m.lh {
			m.lh[i].gen = 0
		}
		m.gen = 1
	}
	m.hits = 0
	m.lookup()
	return m
}

func (t *Topic) release(m *matcher) {
	m.d = nil
	m.relaxed = false
	t.pool.Put(m)
}

func (m *matcher) add(h hit) {
	lh := &m.lh[h.leaf]
	if lh.gen != m.gen {
		lh.gen = m.gen
		lh.hits = lh.hits[:0]
	}
	lh.hits = append(lh.hits, h)
	m.hits++
}

func (m *matcher) leafHits(id int32) []hit {
	if lh := &m.lh[id]; lh.gen == m.gen {
		return lh.hits
	}
	return nil
}

// lookup fills the leaves' hits from the Doc's distinct tokens.
func (m *matcher) lookup() {
	dc := &m.t.dict
	d := m.d
	for ui := range d.uniq {
		u := &d.uniq[ui]
		fold, plain := d.fold(u), d.plain(u)
		if mp := dc.m[mExact]; mp != nil {
			if es, ok := mp[fold]; ok {
				m.addEntries(es, u)
			}
		}
		if mp := dc.m[mExact+1]; mp != nil {
			if es, ok := mp[plain]; ok {
				m.addEntries(es, u)
			}
		}
		for p := 0; p < 2 && len(dc.prefixLens) > 0; p++ {
			mp, s := dc.m[mPrefix+p], fold
			if p == 1 {
				s = plain
			}
			if mp == nil || len(s) < 2 {
				continue
			}
			k2 := first2(s)
			if dc.prefixBits[k2/64]&(1<<(k2%64)) == 0 {
				continue
			}
			for _, l := range dc.prefixLens[k2] {
				if l > len(s) || l < len(s) && !utf8.RuneStart(s[l]) {
					continue
				}
				if es, ok := mp[s[:l]]; ok {
					m.addEntries(es, u)
				}
			}
		}
		k := -1
		switch u.script {
		case scriptLatin:
			k = mStemEn
		case scriptCyrillic:
			k = mStemRu
		}
		if k >= 0 && (dc.m[k] != nil || dc.m[k+1] != nil) &&
			(dc.stemKeys[firstRunes(fold, 3)] || dc.stemKeys[firstRunes(fold, 2)] || dc.stemKeys[firstRunes(fold, 1)]) {
			s := m.stem(fold, u.script)
			if mp := dc.m[k]; mp != nil {
				if es, ok := mp[s]; ok {
					m.addEntries(es, u)
				}
			}
			if mp := dc.m[k+1]; mp != nil {
				if es, ok := mp[stripDiacritics(s)]; ok {
					m.addEntries(es, u)
				}
			}
		}
	}
}

func (m *matcher) addEntries(es []entry, u *utok) {
	d := m.d
	for _, e := range es {
		words := m.t.leaves[e.leaf].members[e.member].words
		for _, p := range d.post[u.first : u.first+u.n] {
			if words[0].raw != "" && !rawMatches(words[0], d, p) {
				continue
			}
			if len(words) == 1 {
				m.add(hit{p, p, e.leaf, e.member})
				continue
			}
			end := int(p) + len(words) - 1
			if end >= len(d.toks) || d.toks[end].sent != d.toks[p].sent {
				continue
			}
			ok := true
			for k, w := range words[1:] {
				q := int32(int(p) + 1 + k)
				if !wordMatches(w, d, &d.uniq[d.toks[q].u]) || w.raw != "" && !rawMatches(w, d, q) {
					ok = false
					break
				}
			}
			if ok {
				m.add(hit{p, int32(end), e.leaf, e.member})
			}
		}
	}
}

// rawMatches compares an exact word with token p as written in the item.
func rawMatches(w word, d *Doc, p int32) bool {
	t := &d.toks[p]
	s := d.texts[t.zone][t.start:t.end]
	if w.kind == wPrefix {
		return strings.HasPrefix(s, w.raw)
	}
	return s == w.raw
}

func wordMatches(w word, d *Doc, u *utok) bool {
	s := d.fold(u)
	if w.plain {
		s = d.plain(u)
	}
	switch w.kind {
	case wExact:
		return s == w.text
	case wPrefix:
		return strings.HasPrefix(s, w.text)
	}
	if u.script != w.lang {
		return false
	}
	st := stem(d.fold(u), u.script)
	if w.plain {
		st = stripDiacritics(st)
	}
	return st == w.text
}

// in reports whether token i's scope bits meet mask. Relaxed, every
// sentence of the summary and the content may be the lead: the lead is
// the first sentence left in.
func (m *matcher) in(i int32, mask uint16) bool {
	t := &m.d.toks[i]
	bits := t.mask
	if m.relaxed && (t.zone == zSummary || t.zone == zContent) {
		bits |= bLead
	}
	return bits&mask != 0
}

// truth evaluates n over the tokens whose scope bits meet mask.
func (m *matcher) truth(n *node, mask uint16) bool {
	switch n.kind {
	case nLeaf:
		for _, h := range m.leafHits(n.leaf) {
			if m.in(h.start, mask) {
				return true
			}
		}
		return false
	case nAnd:
		for _, k := range n.kids {
			if !m.truth(k, mask) {
				return false
			}
		}
		return true
	case nOr:
		for _, k := range n.kids {
			if m.truth(k, mask) {
				return true
			}
		}
		return false
	case nNot:
		// Relaxed: what it negates may be left out.
		return m.relaxed || !m.truth(n.kids[0], mask)
	case nUnless:
		return m.truth(n.kids[0], mask) && (m.relaxed || !m.truth(n.kids[1], mask))
	case nScope:
		return m.truth(n.kids[0], n.mask)
	case nGroup:
		return m.truth(n.kids[0], mask)
	case nSent:
		return len(m.sentences(n, mask)) > 0
	case nNear:
		return m.near(n, mask)
	case nPair:
		return len(m.pairs(n, mask, nil)) > 0
	case nApart:
		return len(m.apart(n, mask, nil)) > 0
	case nBefore:
		return len(m.before(n, mask, nil)) > 0
	case nStart, nEnd:
		// Borrow the scratch slice: a nested START finds it taken (nil)
		// and allocates its own.
		buf := m.tmp
		m.tmp = nil
		hs := m.positions(n, mask, buf[:0])
		m.tmp = hs[:0]
		return len(hs) > 0
	}
	return false
}

// atStart reports whether a hit begins within the first n words of its
// sentence, or of what follows the sentence's rubric.
func (m *matcher) atStart(h hit, n int) bool {
	d := m.d
	first := d.sents[d.toks[h.start].sent].first
	if h.start-first < int32(n) {
		return true
	}
	r := d.rubricEnd(first)
	return r > first && h.start >= r && h.start-r < int32(n)
}

// maxRubric is how many words a rubric may have: the few words and a
// colon that open many headlines ("Ukraine war: …", "Analysis: …", "Xi
// Jinping: …"), after which the sentence starts again.
const maxRubric = 5

// rubricEnd is the index of the first token after the rubric of the
// sentence whose first token is first, or first when it has none.
func (d *Doc) rubricEnd(first int32) int32 {
	sent := d.toks[first].sent
	for k := first; k < first+maxRubric && int(k+1) < len(d.toks); k++ {
		a, b := &d.toks[k], &d.toks[k+1]
		if b.sent != sent || a.zone != b.zone {
			break
		}
		if strings.ContainsAny(d.texts[a.zone][a.end:b.start], ":：") {
			return k + 1
		}
	}
	return first
}

// atEnd reports whether a hit ends within the last n words of its
// sentence.
func (m *matcher) atEnd(h hit, n int) bool {
	d := m.d
	last := int32(len(d.toks)) - 1
	if s := d.toks[h.end].sent + 1; int(s) < len(d.sents) {
		last = d.sents[s].first - 1
	}
	return last-h.end < int32(n)
}

// at reports whether a hit is where a START or END node wants it.
func (m *matcher) at(n *node, h hit) bool {
	if n.kind == nEnd {
		return m.atEnd(h, n.n)
	}
	return m.atStart(h, n.n)
}

// coordinators are the words that may stand between the two sides of a
// PAIR: the coordinating conjunctions of the languages feedsift stems
// and of Chinese (whose characters are words of their own). Punctuation
// (commas, hyphens, slashes, "&") is not a word and needs none.
var coordinators = map[string]bool{
	"and": true, "or": true, "nor": true, "и": true, "или": true,
	"和": true, "与": true, "及": true, "同": true, "跟": true, "或": true,
}

// pairs appends the hits of n's two sides that stand coordinated in one
// sentence: next to each other in either order, with at most a
// possessive "s" and one coordinating conjunction between them
// ("Russia and China", "China, Russia", "Russia's and China's",
// "Sino-Russian", "俄中"). Only those hits are n's positions, so that
// START(PAIR(a, b)) asks where the pair stands, not where a or b does.
func (m *matcher) pairs(n *node, mask uint16, out []hit) []hit {
	if !m.truth(n.kids[0], mask) || !m.truth(n.kids[1], mask) {
		return out
	}
	a := m.positions(n.kids[0], mask, nil)
	b := m.positions(n.kids[1], mask, nil)
	d := m.d
	for _, x := range a {
		for _, y := range b {
			l, r := x, y
			if y.start < x.start {
				l, r = y, x
			}
			if l.end >= r.start || d.toks[l.end].sent != d.toks[r.start].sent || !m.coordinated(l.end, r.start) {
				continue
			}
			out = append(out, x, y)
		}
	}
	return out
}

// coordinated reports whether the tokens strictly between i and j are
// none, one coordinator, or the "s" of a possessive and a coordinator
// ("Russia's and China's"; "Xi's Russia visit" is no pair), the
// coordinator perhaps followed by an article or a number ("two Chinese
// and two Russian vessels", "a Russian and a Chinese warship").
func (m *matcher) coordinated(i, j int32) bool {
	d := m.d
	word := func(k int32) string { return d.fold(&d.uniq[d.toks[k].u]) }
	n := j - i - 1
	if n > 1 && determiner(word(j-1)) {
		n-- // the article or number before the second side
	}
	switch n {
	case 0:
		return true
	case 1:
		return coordinators[word(i+1)]
	case 2:
		return word(i+1) == "s" && coordinators[word(i+2)]
	}
	return false
}

// determiners are the words that may open the second side of a pair.
var determiners = map[string]bool{
	"a": true, "an": true, "the": true, "two": true, "three": true, "four": true, "five": true,
	"six": true, "several": true, "some": true,
}

func determiner(w string) bool {
	if determiners[w] {
		return true
	}
	for _, r := range w {
		if r < '0' || r > '9' {
			return false
		}
	}
	return w != ""
}

// apart appends the hits of n.kids[0] that have no hit of n.kids[1]
// within n.n words in the same zone (a NOT NEAR/n b): the hits of a
// that are not in the context b names.
func (m *matcher) apart(n *node, mask uint16, out []hit) []hit {
	k := len(out)
	out = m.positions(n.kids[0], mask, out)
	if len(out) == k {
		return out
	}
	var b []hit
	// Relaxed (MayMatch), what excludes a hit may be left out.
	if !m.relaxed {
		b = m.positions(n.kids[1], mask, nil)
	}
	toks := m.d.toks
	keep := out[:k]
	for _, h := range out[k:] {
		near := false
		for _, o := range b {
			if toks[o.start].zone != toks[h.start].zone {
				continue
			}
			gap := o.start - h.end - 1
			if o.start < h.start {
				gap = h.start - o.end - 1
			}
			if gap <= int32(n.n) {
				near = true
				break
			}
		}
		if !near {
			keep = append(keep, h)
		}
	}
	return keep
}

// before appends the pairs of hits of n's two sides in which the first
// side's hit ends and, with at most n.n words between, the second's
// begins, in the same zone (a BEFORE/n b: NEAR in reading order).
// Relaxed, as for NEAR, sentences between two hits of the summary or
// the content may be left out.
func (m *matcher) before(n *node, mask uint16, out []hit) []hit {
	if !m.truth(n.kids[0], mask) || !m.truth(n.kids[1], mask) {
		return out
	}
	a := m.positions(n.kids[0], mask, nil)
	b := m.positions(n.kids[1], mask, nil)
	toks := m.d.toks
	for _, x := range a {
		for _, y := range b {
			z := toks[x.start].zone
			if y.start <= x.end || toks[y.start].zone != z {
				continue
			}
			if y.start-x.end-1 <= int32(n.n) || m.relaxed && (z == zSummary || z == zContent) {
				out = append(out, x, y)
			}
		}
	}
	return out
}

// positions appends the hits that make n true (nothing when it is false).
func (m *matcher) positions(n *node, mask uint16, out []hit) []hit {
	switch n.kind {
	case nLeaf:
		for _, h := range m.leafHits(n.leaf) {
			if m.in(h.start, mask) {
				out = append(out, h)
			}
		}
	case nOr:
		for _, k := range n.kids {
			out = m.positions(k, mask, out)
		}
	case nAnd:
		if m.truth(n, mask) {
			for _, k := range n.kids {
				out = m.positions(k, mask, out)
			}
		}
	case nUnless:
		if m.truth(n, mask) {
			out = m.positions(n.kids[0], mask, out)
		}
	case nScope:
		out = m.positions(n.kids[0], n.mask, out)
	case nGroup:
		out = m.positions(n.kids[0], mask, out)
	case nSent:
		sents := m.sentences(n, mask)
		if len(sents) == 0 {
			break
		}
		for _, k := range n.kids {
			for _, h := range m.positions(k, mask, nil) {
				if _, ok := slices.BinarySearch(sents, m.d.toks[h.start].sent); ok {
					out = append(out, h)
				}
			}
		}
	case nNear:
		if m.near(n, mask) {
			out = m.positions(n.kids[0], mask, out)
			out = m.positions(n.kids[1], mask, out)
		}
	case nPair:
		out = m.pairs(n, mask, out)
	case nApart:
		out = m.apart(n, mask, out)
	case nBefore:
		out = m.before(n, mask, out)
	case nStart, nEnd:
		k := len(out)
		out = m.positions(n.kids[0], mask, out)
		keep := out[:k]
		for _, h := range out[k:] {
			if m.at(n, h) {
				keep = append(keep, h)
			}
		}
		out = keep
	}
	return out
}

// sentences returns the sorted sentences in which every argument of a
// SENTENCE node has a hit; arguments without positions (NOT) must be true.
func (m *matcher) sentences(n *node, mask uint16) []int32 {
	for _, k := range n.kids {
		if !m.truth(k, mask) {
			return nil
		}
	}
	var cur []int32
	first := true
	for _, k := range n.kids {
		if !k.pos {
			continue
		}
		hs := m.positions(k, mask, nil)
		ss := make([]int32, len(hs))
		for i, h := range hs {
			ss[i] = m.d.toks[h.start].sent
		}
		slices.Sort(ss)
		ss = slices.Compact(ss)
		if first {
			cur, first = ss, false
		} else {
			cur = intersect(cur, ss)
		}
		if len(cur) == 0 {
			return nil
		}
	}
	return cur
}

func intersect(a, b []int32) []int32 {
	out := a[:0]
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			out = append(out, a[i])
			i++
			j++
		}
	}
	return out
}

// near reports whether a hit of one side lies within n.n words of a hit of
// the other, in either order, in the same zone. Linear after sorting.
func (m *matcher) near(n *node, mask uint16) bool {
	if !m.truth(n.kids[0], mask) || !m.truth(n.kids[1], mask) {
		return false
	}
	a := m.positions(n.kids[0], mask, nil)
	b := m.positions(n.kids[1], mask, nil)
	type tagged struct {
		hit
		side int
	}
	all := make([]tagged, 0, len(a)+len(b))
	for _, h := range a {
		all = append(all, tagged{h, 0})
	}
	for _, h := range b {
		all = append(all, tagged{h, 1})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].start < all[j].start })
	lastEnd := [2]int32{-1 << 30, -1 << 30}
	lastZone := [2]zone{nZones, nZones}
	toks := m.d.toks
	for _, h := range all {
		o := 1 - h.side
		z := toks[h.start].zone
		// Relaxed, the sentences between two hits of the summary or
		// the content may be left out: the same zone is near enough.
		if lastZone[o] == z && (h.start-lastEnd[o]-1 <= int32(n.n) ||
			m.relaxed && (z == zSummary || z == zContent)) {
			return true
		}
		if lastZone[h.side] != z || h.end > lastEnd[h.side] {
			lastEnd[h.side], lastZone[h.side] = h.end, z
		}
	}
	return false
}

// Result is the outcome of matching one item against one topic.
type Result struct {
	Match  bool
	Score  float64
	Groups []string // named groups that contributed to the match, sorted
	Terms  []string // terms that contributed, as written, sorted
}

// score evaluates the clauses.
func (m *matcher) score() (float64, bool) {
	t := m.t
	if m.hits == 0 && !t.hasNegation() {
		return 0, false
	}
	if !t.weighted {
		if m.truth(t.roots[0], bText) {
			return 1, true
		}
		return 0, false
	}
	var s float64
	for i, r := range t.roots {
		// Relaxed: a clause that lowers the score may be false, and one
		// that raises it may have its strongest terms.
		w := t.clauses[i].weight
		if m.relaxed && w > 0 {
			w = t.bound(i)
		}
		if (!m.relaxed || w > 0) && m.truth(r, bText) {
			if !m.relaxed && t.termWeighted[i] {
				w *= m.termWeight(r)
			}
			s += w
		}
	}
	if t.threshold > 0 {
		return s, s >= t.threshold
	}
	return s, s > 0
}

// termWeight is the factor by which a true clause's weight is scaled:
// the largest term weight among the hits that make it true (1 when no
// term has a weight, or when none of its hits does).
func (m *matcher) termWeight(r *node) float64 {
	var c contrib
	m.collect(r, bText, nil, &c)
	if len(c.hits) == 0 {
		return 1
	}
	f := 0.0
	for _, h := range c.hits {
		f = max(f, m.t.leaves[h.leaf].members[h.member].weight)
	}
	return f
}

// hasNegation reports whether the topic could match an item with no hits
// (a query such as NOT x, or a clause that is true without any term). A
// clause of negative weight cannot make an item match, however true: it
// does not count ("-4: NOT title:x" leaves the screen its work).
func (t *Topic) hasNegation() bool {
	for i, r := range t.roots {
		if t.weighted && t.bound(i) <= 0 {
			continue
		}
		if canBeTrueEmpty(r) {
			return true
		}
	}
	return false
}

func canBeTrueEmpty(n *node) bool {
	switch n.kind {
	case nNot:
		return true
	case nAnd:
		for _, k := range n.kids {
			if !canBeTrueEmpty(k) {
				return false
			}
		}
		return true
	case nOr:
		for _, k := range n.kids {
			if canBeTrueEmpty(k) {
				return true
			}
		}
	case nScope, nGroup, nUnless, nApart:
		return canBeTrueEmpty(n.kids[0])
	}
	return false
}

// Match matches a prepared item against the topic.
func (t *Topic) Match(d *Doc) Result {
	m := t.matcher(d)
	defer t.release(m)
	var r Result
	r.Score, r.Match = m.score()
	if r.Match {
		c := m.contributions()
		r.Groups, r.Terms = c.groups, c.terms
	}
	return r
}

// MayMatch reports whether the item might match once some sentences of
// its summary and content are left out, as boilerplate is (Boilerplate,
// patterns): d is the item's Doc with nothing left out. Leaving sentences
// out only takes hits away, except that it can make a later sentence the
// lead, bring the hits around it closer, and take away what a NOT, an
// UNLESS or a clause of negative weight needs; MayMatch counts every
// summary and content sentence as a possible lead, words of one zone of
// them as near, and those as false. So false means that no boilerplate
// makes it match, and the boilerplate of its feed need not be learned.
func (t *Topic) MayMatch(d *Doc) bool {
	m := t.matcher(d)
	defer t.release(m)
	m.relaxed = true
	_, ok := m.score()
	return ok
}

// contrib is what made a match: groups, terms and the hits to highlight.
type contrib struct {
	groups []string
	terms  []string
	hits   []hit
}

func (m *matcher) contributions() contrib {
	var c contrib
	for i, r := range m.t.roots {
		if m.t.weighted && m.t.clauses[i].weight <= 0 {
			continue
		}
		m.collect(r, bText, nil, &c)
	}
	sort.Strings(c.groups)
	c.groups = slices.Compact(c.groups)
	for _, h := range c.hits {
		c.terms = append(c.terms, m.written(h))
	}
	sort.Strings(c.terms)
	c.terms = slices.Compact(c.terms)
	return c
}

// written is a hit's words as the item writes them (not the term that
// found them, which may be a prefix or a stem: readers see these as the
// entry's categories), with runs of space made one.
func (m *matcher) written(h hit) string {
	d := m.d
	first, last := d.toks[h.start], d.toks[h.end]
	return strings.Join(strings.Fields(d.texts[first.zone][first.start:last.end]), " ")
}

// collect gathers the groups and hits of the true, positive parts of n;
// inside SENTENCE only hits in the qualifying sentences count.
func (m *matcher) collect(n *node, mask uint16, sents []int32, c *contrib) {
	if !m.truth(n, mask) {
		return
	}
	switch n.kind {
	case nLeaf:
		for _, h := range m.leafHits(n.leaf) {
			if m.d.toks[h.start].mask&mask == 0 {
				continue
			}
			if sents != nil {
				if _, ok := slices.BinarySearch(sents, m.d.toks[h.start].sent); !ok {
					continue
				}
			}
			c.hits = append(c.hits, h)
		}
	case nAnd, nOr, nNear:
		for _, k := range n.kids {
			m.collect(k, mask, sents, c)
		}
	case nUnless:
		m.collect(n.kids[0], mask, sents, c)
	case nStart, nEnd:
		var k contrib
		m.collect(n.kids[0], mask, sents, &k)
		c.groups = append(c.groups, k.groups...)
		for _, h := range k.hits {
			if m.at(n, h) {
				c.hits = append(c.hits, h)
			}
		}
	case nPair, nApart, nBefore:
		// The groups of the sides, and only the hits that qualify.
		var k contrib
		m.collect(n.kids[0], mask, sents, &k)
		if n.kind != nApart {
			m.collect(n.kids[1], mask, sents, &k)
		}
		c.groups = append(c.groups, k.groups...)
		for _, h := range m.positions(n, mask, nil) {
			if sents != nil {
				if _, ok := slices.BinarySearch(sents, m.d.toks[h.start].sent); !ok {
					continue
				}
			}
			c.hits = append(c.hits, h)
		}
	case nScope:
		m.collect(n.kids[0], n.mask, sents, c)
	case nGroup:
		c.groups = append(c.groups, n.name)
		m.collect(n.kids[0], mask, sents, c)
	case nSent:
		s := m.sentences(n, mask)
		for _, k := range n.kids {
			m.collect(k, mask, s, c)
		}
	}
}
