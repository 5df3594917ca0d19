package filter

import (
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// This file is the screen: a necessary condition of a topic that is cheap
// to test on an item as it comes, before the item is made into a Doc. Most
// items of most feeds name nothing a narrow topic needs (the example topic
// needs a word for Russia and one for China), and preparing a Doc, with
// its feed's boilerplate learned, costs far more than looking at the words.
//
// A requirement is a set of leaves S such that no item can match while
// none of S's terms hits (found by evaluating the topic with S's leaves
// false and every other leaf free, below). The screen then asks whether
// the item has a token that some term of S could hit. For each term it
// keeps a needle, the string every token the term hits is, or begins
// with, once folded without diacritics: the folded word, which the token
// must equal, for exact words; which it must begin with, the folded
// prefix for prefixes, the stem for Russian stems (the stemmer only takes
// endings off), the stem less its last three runes for English ones
// (Snowball rewrites at most the last two of them: "possibility" stems to
// "possibl"; "dying" to "die", too short to say anything). A phrase hits
// only where each of its words does, so one word's needle is enough.
// Tokens are cut as NewDoc cuts them, from the text before HTML is
// removed (tags only add tokens) and again with entities decoded when
// there are any, so a token of the Doc is always among those the screen
// looks at. The screen may pass items that cannot match; it never fails
// one that can. TestScreen_Corpus checks that over the dev corpus,
// FuzzScreen over random items.

// maxRequirements bounds the requirements of the topics of one Screen.
const maxRequirements = 64

// stemNeedleCut is how many runes of an English stem a needle leaves out.
// The Russian stemmer only takes endings off: its stems are needles.
const stemNeedleCut = 3

// requirement is a set of leaves one of whose terms must hit in any item
// a topic matches, and the needles of its terms.
type requirement struct {
	leaves  map[int32]bool
	needles []needle
	// narrowed: a requirement with leaves it can do without dropped
	// (minimal). It implies the full one, which stays for the second
	// look's places.
	narrowed bool
}

// requirements returns the leaf sets, at most max of them, one of whose
// terms must hit in any item t matches, each with the needles of its
// terms. A set with a term that has no usable needle is left out.
func (t *Topic) requirements(max int) []requirement {
	if t.hasNegation() {
		return nil
	}
	var out []requirement
	seen := map[*node]bool{}
	var visit func(n *node)
	visit = func(n *node) {
		if seen[n] || len(out) >= max {
			return
		}
		seen[n] = true
		if n.kind != nNot {
			absent := map[int32]bool{}
			positiveLeaves(n, absent)
			if !t.canMatchWithout(absent) {
				if needles, ok := t.needles(absent); ok {
					out = append(out, requirement{absent, needles, false})
				}
				// The same requirement with the leaves it can do without:
				// "Security Council" NEAR/3 (Russia OR Russian) in a group
				// of names of Russia needs a name of Russia, and the
				// phrase's "security" need not let an item through. The
				// full set stays, for the places the second look reads.
				if min := t.minimal(absent); len(min) < len(absent) && len(out) < max {
					if needles, ok := t.needles(min); ok {
						out = append(out, requirement{min, needles, true})
					}
				}
			}
		}
		for _, k := range n.kids {
			visit(k)
		}
	}
	for _, r := range t.roots {
		visit(r)
	}
	// A requirement whose needles include all of another's says nothing
	// more (an AND's, next to those of its operands), unless the other is
	// a narrowed one.
	for _, r := range out {
		slices.SortFunc(r.needles, compareNeedles)
	}
	var kept []requirement
	for i, r := range out {
		implied := false
		for j, o := range out {
			same := slices.Equal(o.needles, r.needles)
			implied = implied || same && j < i || !same && !o.narrowed && len(o.needles) < len(r.needles) && subset(o.needles, r.needles)
		}
		if !implied {
			kept = append(kept, r)
		}
	}
	return kept
}

func compareNeedles(a, b needle) int {
	if c := strings.Compare(a.s, b.s); c != 0 {
		return c
	}
	switch {
	case a.exact == b.exact:
		return 0
	case a.exact:
		return -1
	}
	return 1
}

// subset reports whether every needle of the sorted a is in the sorted b.
func subset(a, b []needle) bool {
	for _, x := range a {
		if _, ok := slices.BinarySearchFunc(b, x, compareNeedles); !ok {
			return false
		}
	}
	return true
}

// minimal returns a smallest subset of the requirement absent that is
// still one: leaves are dropped, one at a time in id order, as long as
// the topic cannot match with the remaining ones absent.
func (t *Topic) minimal(absent map[int32]bool) map[int32]bool {
	ids := make([]int32, 0, len(absent))
	for id := range absent {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	min := maps.Clone(absent)
	for _, id := range ids {
		delete(min, id)
		if t.canMatchWithout(min) {
			min[id] = true
		}
	}
	return min
}

// positiveLeaves adds the leaves under n that are not negated (under NOT
// or the right side of UNLESS): when none of them hits, n is false.
func positiveLeaves(n *node, leaves map[int32]bool) {
	switch n.kind {
	case nLeaf:
		leaves[n.leaf] = true
	case nNot:
	case nUnless, nApart:
		positiveLeaves(n.kids[0], leaves)
	default:
		for _, k := range n.kids {
			positiveLeaves(k, leaves)
		}
	}
}

// canMatchWithout reports whether the topic might match an item in which
// the absent leaves have no hits (every other leaf may or may not).
func (t *Topic) canMatchWithout(absent map[int32]bool) bool {
	if !t.weighted {
		return possible(t.roots[0], absent)
	}
	var best float64
	for i, r := range t.roots {
		if w := t.bound(i); w > 0 && possible(r, absent) {
			best += w
		}
	}
	if t.threshold > 0 {
		return best >= t.threshold
	}
	return best > 0
}

// possible reports whether n might be true when the absent leaves have no
// hits. It errs towards true: NOT anything might be true.
func possible(n *node, absent map[int32]bool) bool {
	switch n.kind {
	case nLeaf:
		return !absent[n.leaf]
	case nNot:
		return true
	case nOr:
		for _, k := range n.kids {
			if possible(k, absent) {
				return true
			}
		}
		return false
	case nUnless, nApart:
		return possible(n.kids[0], absent)
	default: // AND, SENTENCE, NEAR, PAIR, scope, group, START, END: every operand
		for _, k := range n.kids {
			if !possible(k, absent) {
				return false
			}
		}
		return true
	}
}

// needle is a string that every folded, diacritic-free token a term hits
// begins with (prefix) or is (exact).
type needle struct {
	s     string
	exact bool
}

func (n needle) String() string {
	if n.exact {
		return n.s
	}
	return n.s + "*"
}

// needles returns a needle for each term of the leaves; ok is false when
// some term has none.
//
// A phrase needs only one of its words: the longest, unless another word
// of it is already a needle of the set ("Russian Security Council" among
// the names of Russia needs no needle "security", which most items that
// say security would then meet).
func (t *Topic) needles(leaves map[int32]bool) (needles []needle, ok bool) {
	seen := map[needle]bool{}
	add := func(n needle) {
		if !seen[n] {
			seen[n] = true
			needles = append(needles, n)
		}
	}
	ids := slices.Sorted(maps.Keys(leaves))
	for _, id := range ids {
		for _, m := range t.leaves[id].members {
			if len(m.words) == 1 {
				n := needleOf(m.words[0])
				if n.s == "" {
					return nil, false
				}
				add(n)
			}
		}
	}
	for _, id := range ids {
		for _, m := range t.leaves[id].members {
			if len(m.words) == 1 {
				continue
			}
			var best needle
			have := false
			for _, w := range m.words {
				n := needleOf(w)
				if n.s != "" && seen[n] {
					have = true
					break
				}
				if len(n.s) > len(best.s) || len(n.s) == len(best.s) && n.exact && !best.exact {
					best = n
				}
			}
			if have {
				continue
			}
			if best.s == "" {
				return nil, false
			}
			add(best)
		}
	}
	return needles, true
}

// needleOf returns the needle of a word; its s is "" when nothing is
// known of the tokens it hits.
func needleOf(w word) needle {
	s := stripDiacritics(w.text)
	switch w.kind {
	case wExact:
		return needle{s, true}
	case wPrefix:
		return needle{s, false}
	}
	n := utf8.RuneCountInString(s)
	if w.lang == scriptLatin {
		n -= stemNeedleCut
	}
	if n < 2 {
		return needle{}
	}
	i := 0
	for range n {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return needle{s[:i], false}
}

// Screen tests items against the requirements of some topics at once: an
// item passes when it meets every requirement of at least one topic. It
// is safe for concurrent use.
type Screen struct {
	always  bool      // some topic has no requirement: every item passes
	topics  []uint64  // each topic's requirements, as bits
	pairs   [][]pair  // each topic's requirements that must meet in one place
	needles needleSet // needle → the requirements it meets
	scopes  uint16    // the scope bits any topic's terms are matched in
}

type needleSet struct {
	prefix   map[string]uint64
	exact    map[string]uint64
	one      [256]uint64          // one-byte prefix needles by their byte
	oneExact [256]uint64          // one-byte exact needles by their byte
	bits     [1 << 16 / 64]uint64 // the first two bytes of longer needles
	lensOf   [1 << 16]uint16      // index in lens of those two bytes' needle lengths
	lens     []needleLens         // lens[0]: none
}

func newNeedleSet() needleSet {
	return needleSet{prefix: map[string]uint64{}, exact: map[string]uint64{}, lens: []needleLens{{}}}
}

// needleLens are the byte lengths of the needles (of two bytes or more)
// that begin with the same two bytes: most tokens that begin with them
// are ruled out by their length.
type needleLens struct {
	exact     uint64 // bit l: an exact needle of l bytes (63: of 63 or more)
	prefix    []int  // those of the prefix needles
	minPrefix int    // the least of prefix; 0 when there are none
}

// lenBit is the bit of a length in needleLens.exact.
func lenBit(n int) uint64 { return 1 << min(n, 63) }

// may reports whether a token of n bytes may be or begin with one of the
// needles.
func (l *needleLens) may(n int) bool {
	return l.exact&lenBit(n) != 0 || l.minPrefix > 0 && n >= l.minPrefix
}

// NewScreen returns the screen of the topics. With no topics, no item
// passes.
func NewScreen(topics ...*Topic) *Screen {
	s := &Screen{needles: newNeedleSet()}
	next := 0
	for _, t := range topics {
		reqs := t.requirements(maxRequirements - next)
		if len(reqs) == 0 {
			s.always = true
			return s
		}
		var mask uint64
		bits := make([]uint64, len(reqs))
		for i, r := range reqs {
			bit := uint64(1) << next
			next++
			mask |= bit
			bits[i] = bit
			for _, n := range r.needles {
				s.needles.add(n, bit)
			}
		}
		s.topics = append(s.topics, mask)
		s.pairs = append(s.pairs, t.pairs(reqs, bits))
		s.scopes |= t.scopes()
	}
	return s
}

// scopes returns the scope bits the topic's terms are matched in: a
// term counts only where its scope reaches (bText unless a field's
// scope says otherwise), so the fields no term reaches cannot make the
// topic match.
func (t *Topic) scopes() uint16 {
	var bits uint16
	type at struct {
		n    *node
		mask uint16
	}
	seen := map[at]bool{}
	var visit func(n *node, mask uint16)
	visit = func(n *node, mask uint16) {
		if n == nil || seen[at{n, mask}] {
			return
		}
		seen[at{n, mask}] = true
		switch n.kind {
		case nLeaf:
			bits |= mask
		case nScope:
			mask = n.mask
		}
		for _, k := range n.kids {
			visit(k, mask)
		}
	}
	for _, r := range t.roots {
		visit(r, bText)
	}
	return bits
}

func (ns *needleSet) add(n needle, bit uint64) {
	if len(n.s) == 1 {
		if n.exact {
			ns.oneExact[n.s[0]] |= bit
		} else {
			ns.one[n.s[0]] |= bit
		}
		return
	}
	k := uint16(n.s[0])<<8 | uint16(n.s[1])
	ns.bits[k/64] |= 1 << (k % 64)
	if ns.lensOf[k] == 0 {
		ns.lensOf[k] = uint16(len(ns.lens))
		ns.lens = append(ns.lens, needleLens{})
	}
	lens := &ns.lens[ns.lensOf[k]]
	if n.exact {
		lens.exact |= lenBit(len(n.s))
		ns.exact[n.s] |= bit
		return
	}
	if !slices.Contains(lens.prefix, len(n.s)) {
		lens.prefix = append(lens.prefix, len(n.s))
		if lens.minPrefix == 0 || len(n.s) < lens.minPrefix {
			lens.minPrefix = len(n.s)
		}
	}
	ns.prefix[n.s] |= bit
}

// met returns the requirements met by a folded token.
func (ns *needleSet) met(tok []byte) uint64 {
	if len(tok) == 0 {
		return 0
	}
	got := ns.one[tok[0]]
	if len(tok) < 2 {
		return got | ns.oneExact[tok[0]]
	}
	k := uint16(tok[0])<<8 | uint16(tok[1])
	if ns.bits[k/64]&(1<<(k%64)) == 0 {
		return got
	}
	return got | ns.longer(tok, k)
}

// longer returns the requirements met by the needles of two bytes or more
// that tok is or begins with, whose first two bytes are k.
func (ns *needleSet) longer(tok []byte, k uint16) uint64 {
	lens := &ns.lens[ns.lensOf[k]]
	var got uint64
	if lens.exact&lenBit(len(tok)) != 0 {
		got = ns.exact[string(tok)]
	}
	for _, l := range lens.prefix {
		if l <= len(tok) {
			got |= ns.prefix[string(tok[:l])]
		}
	}
	return got
}

// Missing returns, for an item the screen fails, the needles of a
// requirement of its first topic that the item does not meet (exact words
// as they are, prefixes with a "*"), sorted; nil when the item passes or
// meets them all (see Apart).
// `feedsift explain` says with it why a pass leaves an item out unread.
func (s *Screen) Missing(it Item) []string {
	if s.always || len(s.topics) == 0 || s.Pass(it) {
		return nil
	}
	var sc screening
	s.scan(&sc, it)
	for bit := range maxRequirements {
		b := uint64(1) << bit
		if s.topics[0]&b != 0 && sc.found&b == 0 {
			return s.needlesOf(b)
		}
	}
	return nil
}

// Apart returns, for an item the screen fails although it meets every
// requirement of its first topic, the needles of two requirements that
// the topic needs in one place (the title, or one sentence) and that the
// item never has together; nil when there are none such.
func (s *Screen) Apart(it Item) (a, b []string) {
	if s.always || len(s.topics) == 0 || s.Pass(it) {
		return nil, nil
	}
	var sc screening
	s.scan(&sc, it)
	if sc.found&s.topics[0] != s.topics[0] {
		return nil, nil
	}
	fields, _ := sc.fields(s.pairs[0])
	var ps placeScratch
	places := s.places(it, fields, s.topics[0], &ps)
	for _, p := range s.pairs[0] {
		if !together([]pair{p}, sc.zones[zTitle], places) {
			return s.needlesOf(p.a), s.needlesOf(p.b)
		}
	}
	return nil, nil
}

// needlesOf returns the needles of the requirement bit b, sorted.
func (s *Screen) needlesOf(b uint64) []string {
	var out []string
	for n, m := range s.needles.exact {
		if m&b != 0 {
			out = append(out, needle{n, true}.String())
		}
	}
	for n, m := range s.needles.prefix {
		if m&b != 0 {
			out = append(out, needle{n, false}.String())
		}
	}
	for c := range 256 {
		if s.needles.oneExact[c]&b != 0 {
			out = append(out, needle{string(rune(c)), true}.String())
		}
		if s.needles.one[c]&b != 0 {
			out = append(out, needle{string(rune(c)), false}.String())
		}
	}
	slices.Sort(out)
	return out
}

// Pass reports whether it might match one of the screen's topics.
func (s *Screen) Pass(it Item) bool {
	if s.always {
		return true
	}
	if len(s.topics) == 0 {
		return false
	}
	var sc screening
	s.scan(&sc, it)
	return s.together(&sc, it)
}

// firstLook reports whether it meets every requirement of one of the
// screen's topics, before Pass looks at its sentences.
func (s *Screen) firstLook(it Item) bool {
	var sc screening
	s.scan(&sc, it)
	return sc.done()
}

// together is Pass after the first look (sc): whether the item meets every
// requirement of a topic, and those it needs in one place in one place.
func (s *Screen) together(sc *screening, it Item) bool {
	// A topic whose requirements are all met may still need two of them
	// in one place (see together.go): in the title, or in one sentence of
	// a field where both are met.
	var read uint16 // the fields whose places are looked at (bits by zone)
	var want uint64 // the bits looked for there
	for i, m := range s.topics {
		if sc.found&m != m {
			continue
		}
		fields, ok := sc.fields(s.pairs[i])
		if !ok {
			continue
		}
		if fields == 0 {
			return true
		}
		read |= fields
		for _, p := range s.pairs[i] {
			want |= p.a | p.b
		}
	}
	if read == 0 {
		return false
	}
	ps := placeScratches.Get().(*placeScratch)
	defer placeScratches.Put(ps)
	places := s.places(it, read, want, ps)
	for i, m := range s.topics {
		if sc.found&m == m && together(s.pairs[i], sc.zones[zTitle], places) {
			return true
		}
	}
	return false
}

// scan screens the fields of it that some topic's terms reach into sc.
func (s *Screen) scan(sc *screening, it Item) {
	sc.s = s
	field := func(z zone, scan func()) {
		before := sc.found
		sc.found = 0
		scan()
		sc.zones[z] |= sc.found
		sc.found |= before
	}
	if s.scopes&bTitle != 0 {
		field(zTitle, func() { sc.text(it.Title) })
	}
	// The lead is the summary's first sentence, or the content's.
	if s.scopes&(bSummary|bLead) != 0 {
		field(zSummary, func() { sc.html(it.Summary) })
	}
	if s.scopes&(bContent|bLead) != 0 {
		field(zContent, func() { sc.html(it.Content) })
	}
	if s.scopes&bAuthor != 0 {
		for _, a := range it.Authors {
			field(zAuthor, func() { sc.text(a) })
		}
	}
	if s.scopes&bCategory != 0 {
		for _, c := range it.Categories {
			field(zCategory, func() { sc.text(c) })
		}
	}
	if s.scopes&bFeed != 0 {
		field(zFeed, func() {
			sc.text(it.FeedTitle)
			sc.text(it.FeedURL)
		})
	}
	if s.scopes&bLink != 0 {
		field(zLink, func() { sc.text(it.Link) })
	}
}

// screening is one item's pass through a Screen.
type screening struct {
	s     *Screen
	found uint64
	zones [nZones]uint64 // found, field by field
	buf   []byte
}

func (sc *screening) done() bool {
	for _, m := range sc.s.topics {
		if sc.found&m == m {
			return true
		}
	}
	return false
}

// textDecoded screens the tokens of a text between tags as written and,
// when it has entities, decoded: a token never reaches across a tag, nor
// an entity across '<' or '>', so decoding the text between tags finds
// every token decoding the whole finds outside tags.
func (sc *screening) textDecoded(s string) {
	sc.text(s)
	if strings.IndexByte(s, '&') >= 0 {
		sc.text(html.UnescapeString(s))
	}
}

// html screens the tokens of HTML text: as written, less its tags, and,
// where it has entities, decoded (an escaped tag is text). What htmlText
// keeps of HTML is the text between tags, so a tag's inside (names, attributes,
// URLs) can be passed over: x/net/html starts a tag (or a comment or a
// declaration) at '<' followed by a letter, '/', '!' or '?', and it ends
// at a '>' — the first one or a later one — so up to the first '>' is
// passed over, never more than the tokenizer skips. After the start tag
// of an element whose contents the tokenizer reads as raw text (where
// "<b>" is text), and after a tag with no '>', the rest is screened as it
// is.
func (sc *screening) html(s string) {
	for {
		i := strings.IndexByte(s, '<')
		if i < 0 || i+1 == len(s) {
			sc.textDecoded(s)
			return
		}
		sc.textDecoded(s[:i]) // '<' ends a token: nothing is cut in two
		c := s[i+1]
		if !(c == '/' || c == '!' || c == '?' || 'a' <= c|0x20 && c|0x20 <= 'z') {
			s = s[i+1:]
			continue
		}
		end := strings.IndexByte(s[i+1:], '>')
		if end < 0 || rawTextTag(s[i+1:i+1+end]) {
			sc.textDecoded(s[i:])
			return
		}
		s = s[i+1+end+1:]
	}
}

// rawTextTag reports whether the inside of a tag (after '<', before '>')
// is the start tag of an element whose contents x/net/html reads as raw
// text or RCDATA.
func rawTextTag(tag string) bool {
	n := 0
	for n < len(tag) && ('a' <= tag[n]|0x20 && tag[n]|0x20 <= 'z' || '0' <= tag[n] && tag[n] <= '9') {
		n++
	}
	switch strings.ToLower(tag[:n]) {
	case "iframe", "noembed", "noframes", "noscript", "plaintext", "script", "style", "textarea", "title", "xmp":
		return true
	}
	return false
}

// text screens the tokens of s, cut as appendTokens cuts them.
func (sc *screening) text(s string) {
	ns := &sc.s.needles
	i := 0
	for i < len(s) {
		cl := byteClass[s[i]]
		if cl == cSpace {
			i++
			continue
		}
		start := i
		if cl == cHigh {
			r, n := utf8.DecodeRuneInString(s[i:])
			if isCJK(r) {
				sc.found |= ns.folded(s[i : i+n])
				i += n
				continue
			}
			if !isWordRune(r) {
				i += n
				continue
			}
		}
		// A token: letters, digits and marks, up to a CJK character.
		ascii := true
		for {
			for i < len(s) && byteClass[s[i]] == cWord {
				i++
			}
			if i == len(s) || byteClass[s[i]] != cHigh {
				break
			}
			r, n := utf8.DecodeRuneInString(s[i:])
			if !isWordRune(r) || isCJK(r) {
				break
			}
			ascii = false
			i += n
		}
		if ascii {
			sc.found |= ns.ascii(s[start:i], &sc.buf)
		} else {
			sc.found |= ns.folded(s[start:i])
		}
	}
}

// Byte classes for text: ASCII outside tokens, ASCII inside them, and
// the bytes of other characters.
const (
	cSpace = iota
	cWord
	cHigh
)

var byteClass = func() (t [256]uint8) {
	for c := range 256 {
		switch {
		case c >= utf8.RuneSelf:
			t[c] = cHigh
		case asciiWord[c]:
			t[c] = cWord
		}
	}
	return t
}()

// lowerByte lower-cases ASCII letters.
var lowerByte = func() (t [256]byte) {
	for c := range 256 {
		t[c] = byte(c)
		if 'A' <= c && c <= 'Z' {
			t[c] = byte(c + 'a' - 'A')
		}
	}
	return t
}()

// folded returns the requirements met by a token with non-ASCII letters,
// folded as NewDoc folds it and without diacritics.
func (ns *needleSet) folded(tok string) uint64 {
	return ns.met([]byte(stripDiacritics(foldString(tok))))
}

// ascii returns the requirements met by an ASCII token, lower-cased into
// buf when it may be or begin with a needle: most tokens are ruled out by
// their first two bytes and their length.
func (ns *needleSet) ascii(tok string, buf *[]byte) uint64 {
	c0 := lowerByte[tok[0]]
	got := ns.one[c0]
	if len(tok) < 2 {
		return got | ns.oneExact[c0]
	}
	k := uint16(c0)<<8 | uint16(lowerByte[tok[1]])
	if ns.bits[k/64]&(1<<(k%64)) == 0 || !ns.lens[ns.lensOf[k]].may(len(tok)) {
		return got
	}
	b := (*buf)[:0]
	for i := 0; i < len(tok); i++ {
		b = append(b, lowerByte[tok[i]])
	}
	*buf = b
	return got | ns.longer(b, k)
}
