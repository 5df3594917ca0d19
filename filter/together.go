package filter

import "sync"

// This file is the screen's second look, for the items that meet every
// requirement of a topic somewhere: many topics need two of their
// requirements in one place. The example topic scores only when a word
// for Russia and one for China are in the title together or in one
// sentence, and most items that name both name them apart ("… Moscow
// said. In Beijing, …"). Such an item is ruled out from its tokens and
// sentences, cut as NewDoc cuts them, without making a Doc or learning
// its feed's boilerplate.
//
// A place is the title (all of it), or one sentence of another field. A
// pair of requirements A and B must meet in one place when the topic
// cannot match an item in which both hit, but never in one place; that is
// decided on the query (canMatchApart) from two facts of the matcher:
//
//   - inside title:( … ) a term counts only where it hits in the title, so
//     a part that cannot be true without a hit of A nor without one of B
//     needs both in the title;
//   - SENTENCE( … ) is true in a sentence holding a position of each of its
//     arguments with positions, so two arguments whose every position is
//     a hit of A, and of B, need both in one sentence. A phrase hits within
//     one sentence, so the token of its needle is in the sentence where
//     the hit starts.
//
// Leaving boilerplate sentences out never joins two sentences, and the
// title is never left out, so what holds of the item's full text holds of
// every Doc made of it. Everything else is taken as possible: NEAR, for
// instance, reaches across sentences.

// pair is two requirements (as the screen's bits) that must meet in one
// place.
type pair struct{ a, b uint64 }

// pairs returns the pairs among reqs (whose screen bits are bits) that
// must meet in one place for t to match.
func (t *Topic) pairs(reqs []requirement, bits []uint64) []pair {
	if t.hasNegation() {
		return nil
	}
	var out []pair
	for i := range reqs {
		for j := i + 1; j < len(reqs); j++ {
			if !t.canMatchApart(reqs[i].leaves, reqs[j].leaves) {
				out = append(out, pair{bits[i], bits[j]})
			}
		}
	}
	return out
}

// canMatchApart reports whether t might match an item in which leaves of
// a and of b hit, but never in one place.
func (t *Topic) canMatchApart(a, b map[int32]bool) bool {
	if !t.weighted {
		return possibleApart(t.roots[0], a, b)
	}
	var best float64
	for i, r := range t.roots {
		if w := t.bound(i); w > 0 && possibleApart(r, a, b) {
			best += w
		}
	}
	if t.threshold > 0 {
		return best >= t.threshold
	}
	return best > 0
}

// possibleApart reports whether n might be true when leaves of a and of b
// hit, but never in one place. It errs towards true.
func possibleApart(n *node, a, b map[int32]bool) bool {
	switch n.kind {
	case nLeaf, nNot:
		return true
	case nOr:
		for _, k := range n.kids {
			if possibleApart(k, a, b) {
				return true
			}
		}
		return false
	case nUnless:
		return possibleApart(n.kids[0], a, b)
	case nScope:
		// Both needed inside the title: never apart.
		if n.mask == bTitle && !hasScope(n.kids[0]) &&
			!possible(n.kids[0], a) && !possible(n.kids[0], b) {
			return false
		}
	case nApart:
		return possibleApart(n.kids[0], a, b)
	case nSent, nPair:
		for i, x := range n.kids {
			for j, y := range n.kids {
				if i != j && x.pos && y.pos && onlyHits(x, a) && onlyHits(y, b) {
					return false
				}
			}
		}
	}
	// AND, SENTENCE, NEAR, START, END, scope, group: every operand.
	for _, k := range n.kids {
		if !possibleApart(k, a, b) {
			return false
		}
	}
	return true
}

// onlyHits reports whether every position n can have is the start of a
// hit of one of leaves (see matcher.positions).
func onlyHits(n *node, leaves map[int32]bool) bool {
	switch n.kind {
	case nLeaf:
		return leaves[n.leaf]
	case nNot:
		return true // no positions
	case nUnless, nScope, nGroup, nStart, nEnd, nApart:
		return onlyHits(n.kids[0], leaves)
	}
	// OR, AND, NEAR, SENTENCE, PAIR: the positions of their operands.
	for _, k := range n.kids {
		if !onlyHits(k, leaves) {
			return false
		}
	}
	return true
}

// hasScope reports whether a scope is set anywhere under n (its terms
// are then counted elsewhere than the scope around n says).
func hasScope(n *node) bool {
	if n.kind == nScope {
		return true
	}
	for _, k := range n.kids {
		if hasScope(k) {
			return true
		}
	}
	return false
}

// placeScratch is what Screen.Pass keeps between items for places.
type placeScratch struct {
	toks   []rawTok
	buf    []byte
	places []uint64
}

// fields returns the fields (bits by zone) in whose sentences the pairs
// not met in the title may meet, as far as the first look saw; ok is false
// when some pair can meet nowhere.
func (sc *screening) fields(ps []pair) (fields uint16, ok bool) {
	for _, p := range ps {
		both := p.a | p.b
		if sc.zones[zTitle]&both == both {
			continue
		}
		var in uint16
		for z := zSummary; z < nZones; z++ {
			if sc.zones[z]&both == both {
				in |= 1 << z
			}
		}
		if in == 0 {
			return 0, false
		}
		fields |= in
	}
	return fields, true
}

// places returns the requirement bits, as far as those of want go, met in
// each sentence of the fields read (bits by zone; not the title) of it:
// its tokens and sentences are those of NewDoc (read, appendTokens), each
// token looked up as the first look looks it up (needleSet.ascii, folded).
func (s *Screen) places(it Item, read uint16, want uint64, ps *placeScratch) []uint64 {
	ps.places = ps.places[:0]
	var texts [nZones]string
	if read&(1<<zSummary) != 0 {
		texts[zSummary] = fieldText(it.Summary)
	}
	if read&(1<<zContent) != 0 {
		texts[zContent] = fieldText(it.Content)
	}
	if read&^(1<<zSummary|1<<zContent) != 0 {
		var t tokenized
		t.read(it)
		for z := zAuthor; z < nZones; z++ {
			if read&(1<<z) != 0 {
				texts[z] = t.texts[z]
			}
		}
	}
	ns := &s.needles
	for _, text := range texts {
		if text == "" {
			continue
		}
		ps.toks = appendTokens(ps.toks[:0], text)
		var cur uint64
		for k, r := range ps.toks {
			if k > 0 && r.sentence != ps.toks[k-1].sentence {
				ps.places = append(ps.places, cur)
				cur = 0
			}
			if tok := text[r.start:r.end]; isASCII(tok) {
				cur |= ns.ascii(tok, &ps.buf) & want
			} else {
				cur |= ns.folded(tok) & want
			}
		}
		ps.places = append(ps.places, cur)
	}
	return ps.places
}

// together reports whether every pair of ps meets in the title (whose
// bits are title) or in one of places.
func together(ps []pair, title uint64, places []uint64) bool {
next:
	for _, p := range ps {
		both := p.a | p.b
		if title&both == both {
			continue
		}
		for _, m := range places {
			if m&both == both {
				continue next
			}
		}
		return false
	}
	return true
}

var placeScratches = sync.Pool{New: func() any { return new(placeScratch) }}
