package story

import (
	"container/heap"
	"math"
	"math/bits"
	"time"
)

// MinHash and banding parameters: 64 values in 32 bands of 2. Two items
// may join by text only when one band agrees; for Jaccard similarity J
// that happens with probability 1-(1-J²)³², which is above 0.95 from
// J = 0.3. The index does not look members up by band, though: it finds
// every member that can reach the threshold exactly (prefix filtering,
// below), and the band agreement is checked only for a member that would
// win, so that decisions stay those of the banded index.
const (
	numHashes = 64
	bandRows  = 2
	numBands  = numHashes / bandRows
)

// seeds are the 64 hash functions' keys, fixed so that signatures are the
// same in every process.
var seeds = func() (s [numHashes]uint64) {
	x := uint64(0x9e3779b97f4a7c15)
	for i := range s {
		x += 0x9e3779b97f4a7c15
		s[i] = mix(x)
	}
	return
}()

// Reason says why an item joined a group.
type Reason string

const (
	ByLink  Reason = "link"  // the same canonical link
	ByTitle Reason = "title" // the same normalised title, in another feed
	ByText  Reason = "text"  // similar title and summary, in another feed
)

// Item is one item as grouping sees it.
type Item struct {
	ID   int64 // the caller's id; ids grow in the order items are placed
	Feed int64 // the feed it came from: a feed's own items join only by link
	Time time.Time
	Features
}

// Member is an item placed in a group.
type Member struct {
	Item
	Group int64 // ID of the group's first member
}

// Decision is where an item goes: a new group (Parent 0, Group = its own
// ID) or the group of Parent, the most similar earlier member.
type Decision struct {
	Group  int64
	Parent int64
	Score  float64 // similarity to Parent: 1 for a link or title match
	Reason Reason
	// With ByText, the two similarities Score is the larger of.
	TextScore, TitleScore float64
}

// Options tune grouping.
type Options struct {
	Window    time.Duration // items further apart in time never join
	Threshold float64       // least similarity (Jaccard of shingles) to join
	// Common shingles come last in the order prefixes are taken in, so
	// that prefixes hold rare ones and meet few members. Any set gives
	// the same decisions; it must not change while the index is used.
	Common map[uint64]bool
	// MaxCompared bounds the members Decide compares an item with by its
	// text and by its title shingles (each), and so the cost of placing
	// one: in a window crowded with similar text it takes the best of the
	// first it meets (those sharing its rarest shingles). 0 means
	// DefaultMaxCompared; negative, no bound.
	MaxCompared int
}

// DefaultMaxCompared is Options.MaxCompared's default: news items have a
// handful of candidates (the dev corpus: at most 12, and a bound of 8
// changes none of its decisions), synthetic feeds built from a few
// sentence templates thousands. At 10,000 bench feeds, 64 instead of 256
// took grouping from 33 to 25 s and joined 288,000 items instead of
// 316,000: in a window that crowded, an item meets the members that share
// its rarest shingles first, and the rest are not read.
const DefaultMaxCompared = 64

// Defaults: three days, and a little over half the shingles in common
// (measured on the dev news corpus: at 0.5, explainers and photo galleries
// began to join the news they explain).
const (
	DefaultWindow    = 72 * time.Hour
	DefaultThreshold = 0.55
)

// Index holds the members placed recently, keyed so that the candidates
// of an item are found without looking at the others: by canonical link,
// by title, and by the shingles of their prefixes. Its size is bounded by
// what Expire keeps, so the cost of Place does not depend on the length of
// the history.
//
// Prefix filtering: for sets x and y with Jaccard(x, y) >= t, the
// intersection has at least α = ⌈t·|x|⌉ elements, so the first |x|-α+1
// of x's elements in any fixed order (here: the shingles not in
// Options.Common, then those, each part in ascending hash) include one of
// y's first |y|-⌈t·|y|⌉+1. Each member is
// indexed under its prefix of text and of title shingles; an item looks
// up only its own prefixes, and a member met first at positions i (item)
// and j (member) has at most 1+min(|x|-1-i, |y|-1-j) elements in common,
// which rules most of them out before any set is read.
type Index struct {
	opt      Options
	byLink   map[string][]*entry
	byTitle  map[string][]*entry
	byPrefix [2]map[uint64][]posting // text, title
	ages     ageHeap
	bySlot   []*entry // the member holding each slot (nil: free)
	hot      []hot    // what a candidate is ruled out by, by slot
	free     []int32  // slots of expired entries, to give out again
	own      Scratch  // Decide's and Candidates' own
	ordered  []uint64 // Add's and Expire's buffer for kinds
	// commonBits has the bit of each common shingle's low 16 bits set:
	// most shingles are found not common without a map look-up.
	commonBits *[1 << 16 / 64]uint64
}

// Scratch is what one call of DecideWith keeps of the members it has
// seen: a mark per member slot. Calls with different scratches may run
// at once (without Add or Expire meanwhile).
type Scratch struct {
	epoch   uint32
	seen    []uint32 // by slot: the epoch of the call that last saw it
	ordered []uint64 // the item's shingles in the index's order (kinds)
}

// begin starts a call over an index of n slots.
func (s *Scratch) begin(n int32) {
	if int(n) > len(s.seen) {
		s.seen = append(s.seen, make([]uint32, int(n)-len(s.seen))...)
	}
	if s.epoch++; s.epoch == 0 { // wrapped: clear the old marks
		clear(s.seen)
		s.epoch = 1
	}
}

// first reports whether e is met for the first time in this call, and
// marks it.
func (s *Scratch) first(e *entry) bool { return s.firstSlot(e.slot) }

// firstSlot is first by the member's slot.
func (s *Scratch) firstSlot(slot int32) bool {
	if s.seen[slot] == s.epoch {
		return false
	}
	s.seen[slot] = s.epoch
	return true
}

// CommonShingles returns the shingles (of text or title) found in at
// least 1% of the sample's items, and in two of them at least: for
// Options.Common. A small vocabulary makes a few bigrams very common;
// taken last, they leave the prefixes to rarer ones.
func CommonShingles(sample []Features) map[uint64]bool {
	df := map[uint64]int{}
	for i := range sample {
		for _, h := range sample[i].Shingles {
			df[h]++
		}
		for _, h := range sample[i].TitleShingles {
			df[h]++
		}
	}
	least := max(2, len(sample)/100)
	common := map[uint64]bool{}
	for h, n := range df {
		if n >= least {
			common[h] = true
		}
	}
	return common
}

// posting is a member (by slot) under one shingle of its prefix: where
// the shingle stands in the member's set and how large the set is. No
// pointer: the garbage collector need not scan the postings, and the
// filters below read them without touching the member.
type posting struct {
	slot, pos, n int32
}

type entry struct {
	Member
	slot int32 // its mark's place in a Scratch; reused after it expires
}

// hot is what rules out nearly every member an item meets, held by slot
// in one array: an item's prefixes meet thousands of members in a
// crowded window, and reading each one's entry from wherever it sits in
// memory was most of the cost. The keys are hashes: equal hashes send the
// member on to the exact comparison.
type hot struct {
	id, feed      int64
	nanos         int64  // Time as Unix nanoseconds; noTime when out of range
	link, host    uint64 // hashes of Link and Host; 0 when empty
	title         uint64 // hash of TitleKey; 0 when empty
	nText, nTitle int32  // sizes of the shingle sets
	sk            sketch
}

// noTime marks a time UnixNano cannot hold: such members are not ruled
// out by time.
const noTime = math.MinInt64

func hotOf(it *Item, sk sketch) hot {
	return hot{id: it.ID, feed: it.Feed, nanos: nanosOf(it.Time),
		link: keyHash(it.Link), host: keyHash(it.Host), title: keyHash(it.TitleKey),
		nText: int32(len(it.Shingles)), nTitle: int32(len(it.TitleShingles)), sk: sk}
}

func nanosOf(t time.Time) int64 {
	if y := t.Year(); y < 1700 || y > 2200 {
		return noTime
	}
	return t.UnixNano()
}

// keyHash is hashString of a key, 0 for "" (and never 0 otherwise).
func keyHash(s string) uint64 {
	if s == "" {
		return 0
	}
	return hashString(s) | 1
}

// ruledOut reports whether joining the member in slot cannot change best
// for it (whose hot part is h): join would return best. It reads only
// the member's hot part, and says no whenever it cannot tell.
func (x *Index) ruledOut(slot int32, it *Item, h *hot, best *Decision) bool {
	m := &x.hot[slot]
	if m.id == it.ID {
		return true
	}
	if m.nanos != noTime && h.nanos != noTime {
		if d := m.nanos - h.nanos; d > int64(x.opt.Window) || -d > int64(x.opt.Window) {
			return true
		}
	}
	if best.Score >= 1 && m.id > best.Parent {
		return true
	}
	// compare, up to reading the shingle sets.
	if h.link != 0 && m.link == h.link {
		return false // perhaps the same link
	}
	if m.feed == h.feed {
		return true
	}
	if h.host != 0 && m.host == h.host {
		return false // perhaps the same site: let compare tell
	}
	if h.title != 0 && m.title == h.title {
		return false
	}
	floor := max(x.opt.Threshold, best.Score)
	if floor <= 0 {
		return false
	}
	return !mayReach(int(h.nText), int(m.nText), floor, h.sk.textShared(&m.sk)) &&
		!mayReach(int(h.nTitle), int(m.nTitle), floor, h.sk.titleShared(&m.sk))
}

// NewIndex returns an empty index.
func NewIndex(opt Options) *Index {
	if opt.Window <= 0 {
		opt.Window = DefaultWindow
	}
	x := &Index{
		opt:      opt,
		byLink:   map[string][]*entry{},
		byTitle:  map[string][]*entry{},
		byPrefix: [2]map[uint64][]posting{{}, {}},
	}
	if len(opt.Common) > 0 {
		x.commonBits = new([1 << 16 / 64]uint64)
		for h := range opt.Common {
			x.commonBits[h&0xffff/64] |= 1 << (h & 63)
		}
	}
	return x
}

// common reports whether h is one of Options.Common.
func (x *Index) common(h uint64) bool {
	return x.commonBits[h&0xffff/64]&(1<<(h&63)) != 0 && x.opt.Common[h]
}

// Len is the number of members held.
func (x *Index) Len() int { return len(x.ages) }

// kinds returns the text and title shingles of f, in byPrefix's order,
// each in the index's order; buf holds them when they are reordered, and
// is reused by the next call.
func (x *Index) kinds(f *Features, buf *[]uint64) [2][]uint64 {
	*buf = (*buf)[:0]
	text := x.order(f.Shingles, buf)
	return [2][]uint64{text, x.order(f.TitleShingles, buf)}
}

// order returns sh with the common shingles moved last, keeping hash
// order within each part: sh itself when none is common, else a part of
// *buf, appended to it.
func (x *Index) order(sh []uint64, buf *[]uint64) []uint64 {
	if len(x.opt.Common) == 0 {
		return sh
	}
	first := -1
	for i, h := range sh {
		if x.common(h) {
			first = i
			break
		}
	}
	if first < 0 {
		return sh
	}
	start := len(*buf)
	out := append(*buf, sh[:first]...)
	for _, h := range sh[first:] {
		if !x.common(h) {
			out = append(out, h)
		}
	}
	for _, h := range sh[first:] {
		if x.common(h) {
			out = append(out, h)
		}
	}
	*buf = out
	return out[start:len(out):len(out)]
}

// prefixLen is how many of a set's n smallest shingles are indexed and
// looked up: n-α+1 with α the least intersection at threshold t, taken a
// little low so that rounding never loses a pair.
func prefixLen(n int, t float64) int {
	if n == 0 {
		return 0
	}
	alpha := 1
	if t > 0 {
		alpha = max(1, int(math.Ceil(t*float64(n)*(1-1e-9))))
	}
	return max(0, min(n, n-alpha+1))
}

// minOverlap is a lower bound of the intersection two sets of nx and ny
// elements need for a Jaccard of at least t (and above 0).
func minOverlap(nx, ny int, t float64) int {
	if t <= 0 {
		return 1
	}
	return max(1, int(math.Ceil(t*float64(nx+ny)/(1+t)*(1-1e-9))))
}

// Add puts an already placed member into the index (loading it from
// storage).
func (x *Index) Add(m Member) {
	e := &entry{Member: m}
	h := hotOf(&m.Item, sketchOf(&m.Features))
	if n := len(x.free); n > 0 {
		e.slot, x.free = x.free[n-1], x.free[:n-1]
		x.bySlot[e.slot] = e
		x.hot[e.slot] = h
	} else {
		e.slot = int32(len(x.bySlot))
		x.bySlot = append(x.bySlot, e)
		x.hot = append(x.hot, h)
	}
	for k, sh := range x.kinds(&e.Features, &x.ordered) {
		for i := range prefixLen(len(sh), x.opt.Threshold) {
			x.byPrefix[k][sh[i]] = append(x.byPrefix[k][sh[i]], posting{slot: e.slot, pos: int32(i), n: int32(len(sh))})
		}
	}
	if m.Link != "" {
		x.byLink[m.Link] = append(x.byLink[m.Link], e)
	}
	if m.TitleKey != "" {
		x.byTitle[m.TitleKey] = append(x.byTitle[m.TitleKey], e)
	}
	heap.Push(&x.ages, e)
}

// Decide returns where it goes, without adding it.
func (x *Index) Decide(it Item) Decision {
	return x.DecideWith(it, &x.own)
}

// DecideWith is Decide with the caller's scratch: calls with different
// scratches may run at once, as long as nothing is added or expired
// meanwhile.
func (x *Index) DecideWith(it Item, s *Scratch) Decision {
	best := Decision{Group: it.ID}
	b := bands{f: &it.Features}
	h := hotOf(&it, sketchOf(&it.Features))
	consider := func(e *entry, banded bool) {
		best = x.join(it, &e.Member, best, banded, &b, &h.sk, &x.hot[e.slot].sk)
	}
	if it.Link != "" {
		for _, e := range x.byLink[it.Link] {
			consider(e, false)
		}
	}
	if it.TitleKey != "" {
		for _, e := range x.byTitle[it.TitleKey] {
			consider(e, false)
		}
	}
	// Each member once, however many prefix shingles it shares: a mark
	// by slot instead of a set (a common shingle has thousands of
	// members).
	s.begin(int32(len(x.bySlot)))
	// A member that can win scores at least the best so far (ties go to
	// the lower id), so once one is found the item's prefixes and the
	// overlaps are those of that higher threshold: the members indexed
	// at the index's threshold are still all found.
	limit := x.opt.MaxCompared
	if limit == 0 {
		limit = DefaultMaxCompared
	}
kinds:
	for k, sh := range x.kinds(&it.Features, &s.ordered) {
		n := len(sh)
		compared, scanned := 0, 0
		for i := 0; ; i++ {
			t := max(x.opt.Threshold, best.Score)
			if i >= prefixLen(n, t) {
				break
			}
			for _, p := range x.byPrefix[k][sh[i]] {
				if limit > 0 && (compared >= limit || scanned >= 16*limit) {
					continue kinds
				}
				scanned++
				// First met here, so at most this many in common.
				if 1+min(n-1-i, int(p.n-1-p.pos)) < minOverlap(n, int(p.n), t) {
					continue
				}
				if s.firstSlot(p.slot) {
					compared++
					if !x.ruledOut(p.slot, &it, &h, &best) {
						consider(x.bySlot[p.slot], true)
					}
				}
			}
		}
	}
	return best
}

// Candidates calls fn with each member that it could join, and how: the
// members Decide chooses from (Group is the member's). Joining is
// symmetric, so a caller can also find the items of the index that a
// member held elsewhere could join.
func (x *Index) Candidates(it Item, fn func(e *Member, d Decision)) {
	x.candidates(it, true, func(e *Member, d Decision) bool {
		fn(e, d)
		return true
	})
}

// Reaches reports whether it might join a member, as a cheap first look
// before Candidates: it stops at the first member whose similarity
// reaches the threshold and skips the LSH band condition, so it may say
// yes where Candidates finds none, never no where it finds one.
func (x *Index) Reaches(it Item) bool {
	found := false
	x.candidates(it, false, func(*Member, Decision) bool {
		found = true
		return false
	})
	return found
}

// candidates calls fn with the members it could join (with banded, those
// that also agree on an LSH band when joining by text) until fn returns
// false.
func (x *Index) candidates(it Item, banded bool, fn func(e *Member, d Decision) bool) {
	b := bands{f: &it.Features}
	h := hotOf(&it, sketchOf(&it.Features))
	floor := Decision{Score: x.opt.Threshold, Parent: math.MaxInt64}
	s := &x.own
	s.begin(int32(len(x.bySlot)))
	consider := func(e *entry, byPrefix bool) bool {
		if !s.first(e) || e.ID == it.ID || absDur(e.Time.Sub(it.Time)) > x.opt.Window {
			return true
		}
		d := compare(it, e.Item, x.opt.Threshold, x.opt.Threshold, &h.sk, &x.hot[e.slot].sk)
		if d.Reason == "" || banded && byPrefix && d.Reason == ByText && !b.shares(&e.Features) {
			return true
		}
		d.Group, d.Parent = e.Group, e.ID
		return fn(&e.Member, d)
	}
	if it.Link != "" {
		for _, e := range x.byLink[it.Link] {
			if !consider(e, false) {
				return
			}
		}
	}
	if it.TitleKey != "" {
		for _, e := range x.byTitle[it.TitleKey] {
			if !consider(e, false) {
				return
			}
		}
	}
	t := x.opt.Threshold
	for k, sh := range x.kinds(&it.Features, &s.ordered) {
		n := len(sh)
		for i := range prefixLen(n, t) {
			for _, p := range x.byPrefix[k][sh[i]] {
				if 1+min(n-1-i, int(p.n-1-p.pos)) < minOverlap(n, int(p.n), t) {
					continue
				}
				if x.ruledOut(p.slot, &it, &h, &floor) {
					continue
				}
				if !consider(x.bySlot[p.slot], true) {
					return
				}
			}
		}
	}
}

// Compare decides whether b joins a's story at threshold: the same
// canonical link; else, when they come from different feeds and sites,
// the same title or title and summary (or the title alone) similar
// enough. Reason "" means they do not join.
func Compare(it, e Item, threshold float64) Decision {
	return compare(it, e, threshold, threshold, nil, nil)
}

// compare is Compare, but a pair joining by text whose similarity is
// below floor is not scored (Reason ""): Decide's best so far. With their
// sketches (or nil), a pair that cannot share enough shingles is ruled out
// before their sets are read.
func compare(it, e Item, threshold, floor float64, si, se *sketch) Decision {
	if it.Link != "" && it.Link == e.Link {
		return Decision{Score: 1, Reason: ByLink}
	}
	if it.Feed == e.Feed || (it.Host != "" && it.Host == e.Host) {
		// One outlet's own items are distinct stories unless their
		// links agree: "day 401" and "day 402" of a running format are
		// near-identical text, and one site may have several feeds.
		return Decision{}
	}
	if it.TitleKey != "" && it.TitleKey == e.TitleKey {
		return Decision{Score: 1, Reason: ByTitle}
	}
	// Most candidates share a band but little else: rule them out by
	// counting only as much of the intersection as can still reach the
	// threshold, then score the few that can join exactly.
	if floor = max(threshold, floor); floor > 0 &&
		!reaches(it.Shingles, e.Shingles, floor, si.textShared(se)) &&
		!reaches(it.TitleShingles, e.TitleShingles, floor, si.titleShared(se)) {
		return Decision{}
	}
	text := Jaccard(it.Shingles, e.Shingles)
	title := Jaccard(it.TitleShingles, e.TitleShingles)
	if s := max(text, title); s >= threshold && s > 0 {
		return Decision{Score: s, Reason: ByText, TextScore: text, TitleScore: title}
	}
	return Decision{}
}

// reaches reports whether Jaccard(a, b) >= threshold and > 0, with the
// same floating-point arithmetic as Jaccard, stopping as soon as the
// answer is known; without reading the sets when bound (an upper bound on
// the intersection from sketches, or -1) is below what it needs.
func reaches(a, b []uint64, threshold float64, bound int) bool {
	need := reachNeed(len(a), len(b), threshold)
	if need > min(len(a), len(b)) || bound >= 0 && bound < need {
		return false
	}
	inter := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		if inter+min(len(a)-i, len(b)-j) < need {
			return false
		}
		switch {
		case a[i] == b[j]:
			inter++
			if inter >= need {
				return true
			}
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return inter >= need
}

// reachNeed is the least intersection two sets of na and nb elements
// need for a Jaccard of at least threshold (and above 0); more than the
// smaller set holds when they cannot.
func reachNeed(na, nb int, threshold float64) int {
	m := min(na, nb)
	if m == 0 {
		return 1
	}
	n := na + nb
	// k/(n-k) grows with k, so start from the real-valued answer and
	// settle it with Jaccard's own division.
	ok := func(k int) bool { return float64(k)/float64(n-k) >= threshold }
	need := int(math.Ceil(threshold * float64(n) / (1 + threshold)))
	need = max(1, min(need, m+1))
	for need > 1 && ok(need-1) {
		need--
	}
	for need <= m && !ok(need) {
		need++
	}
	return need
}

// mayReach is reaches before it reads the sets: false when sets of na and
// nb elements, sharing at most bound (-1: unknown), cannot reach the
// threshold.
func mayReach(na, nb int, threshold float64, bound int) bool {
	need := reachNeed(na, nb, threshold)
	return need <= min(na, nb) && (bound < 0 || bound >= need)
}

// Place decides where it goes and adds it.
func (x *Index) Place(it Item) Decision {
	d := x.Decide(it)
	x.Add(Member{Item: it, Group: d.Group})
	return d
}

// Expire drops the members older than before: they can no longer join
// anything placed from then on.
func (x *Index) Expire(before time.Time) {
	for len(x.ages) > 0 && x.ages[0].Time.Before(before) {
		// It leaves every list here: no lookup meets an expired member.
		e := heap.Pop(&x.ages).(*entry)
		x.free = append(x.free, e.slot)
		x.bySlot[e.slot] = nil
		x.hot[e.slot] = hot{}
		if e.Link != "" {
			x.byLink[e.Link] = remove(x.byLink[e.Link], is(e))
			if len(x.byLink[e.Link]) == 0 {
				delete(x.byLink, e.Link)
			}
		}
		if e.TitleKey != "" {
			x.byTitle[e.TitleKey] = remove(x.byTitle[e.TitleKey], is(e))
			if len(x.byTitle[e.TitleKey]) == 0 {
				delete(x.byTitle, e.TitleKey)
			}
		}
		for k, sh := range x.kinds(&e.Features, &x.ordered) {
			for _, h := range sh[:prefixLen(len(sh), x.opt.Threshold)] {
				ps := remove(x.byPrefix[k][h], func(p posting) bool { return p.slot == e.slot })
				if len(ps) == 0 {
					delete(x.byPrefix[k], h)
				} else {
					x.byPrefix[k][h] = ps
				}
			}
		}
	}
}

// remove drops the first element of list that match is true of. Members
// are added and expire in order of time, as a sweep places them, so it is
// usually the head: the list is resliced, the head cleared so that the
// array does not keep the member alive.
func remove[T any](list []T, match func(T) bool) []T {
	if len(list) > 0 && match(list[0]) {
		var zero T
		list[0] = zero
		return list[1:]
	}
	for i, v := range list {
		if match(v) {
			return append(list[:i], list[i+1:]...)
		}
	}
	return list
}

func is(e *entry) func(*entry) bool { return func(o *entry) bool { return o == e } }

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

type ageHeap []*entry

func (h ageHeap) Len() int { return len(h) }
func (h ageHeap) Less(i, j int) bool {
	if !h[i].Time.Equal(h[j].Time) {
		return h[i].Time.Before(h[j].Time)
	}
	return h[i].ID < h[j].ID
}
func (h ageHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *ageHeap) Push(x any)   { *h = append(*h, x.(*entry)) }
func (h *ageHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	*h = old[:len(old)-1]
	return e
}

// Consider returns the better of best and joining m, as Decide chooses
// between the members of an index: m is a member placed before it (as if
// in the index), best what Decide or Consider returned so far.
func (x *Index) Consider(it Item, m Member, best Decision) Decision {
	best = x.join(it, &m, best, true, &bands{f: &it.Features}, nil, nil)
	return best
}

// join returns the better of best and joining m: the higher score, ties
// to the lower id; a text join found by
// prefix (banded) also needs a shared band (link and title joins are
// found by their keys, not by band).
func (x *Index) join(it Item, m *Member, best Decision, banded bool, b *bands, si, sm *sketch) Decision {
	if m.ID == it.ID || absDur(m.Time.Sub(it.Time)) > x.opt.Window {
		return best
	}
	if best.Score >= 1 && m.ID > best.Parent {
		return best // no score exceeds 1, and ties go to the lower id
	}
	// Only a member scoring at least the best so far can win.
	d := compare(it, m.Item, x.opt.Threshold, best.Score, si, sm)
	if d.Reason == "" || !(d.Score > best.Score || (d.Score == best.Score && m.ID < best.Parent)) {
		return best
	}
	if banded && d.Reason == ByText && !b.shares(&m.Features) {
		return best
	}
	d.Group, d.Parent = m.Group, m.ID
	return d
}

// bands are an item's MinHash signatures (of text and title shingles),
// each value computed when first needed.
type bands struct {
	f    *Features
	sig  *[2][numHashes]uint64 // allocated when first needed
	have [2]uint64             // bit i: sig[k][i] is computed
}

// value is the item's MinHash value i of kind k (text, title).
func (b *bands) value(k, i int, sh []uint64) uint64 {
	if b.sig == nil {
		b.sig = new([2][numHashes]uint64)
	}
	if b.have[k]&(1<<i) == 0 {
		b.sig[k][i] = leastHash(sh, i)
		b.have[k] |= 1 << i
	}
	return b.sig[k][i]
}

// leastHash is MinHash value i of a shingle set.
func leastHash(sh []uint64, i int) uint64 {
	least := ^uint64(0)
	for _, h := range sh {
		least = min(least, mix(h^seeds[i]))
	}
	return least
}

// shares reports whether the item and f agree on an LSH band of text or
// of title shingles: the condition for joining by text. Both signatures
// are computed a band at a time and only until one agrees (a member that
// reaches the threshold almost always agrees on one of the first few),
// each band's second row only when its first agrees; the item's values
// are kept for the next member.
func (b *bands) shares(f *Features) bool {
	mine := [2][]uint64{b.f.Shingles, b.f.TitleShingles}
	for k, sh := range [2][]uint64{f.Shingles, f.TitleShingles} {
		if len(sh) == 0 || len(mine[k]) == 0 {
			continue
		}
	bands:
		for band := range numBands {
			for r := range bandRows {
				i := band*bandRows + r
				if leastHash(sh, i) != b.value(k, i, mine[k]) {
					continue bands
				}
			}
			return true
		}
	}
	return false
}

// sketch bounds how many shingles two sets share without reading them:
// each shingle sets one bit of 256 (text) or 64 (title) by its hash, and
// extra counts those whose bit was already set. Shared shingles set bits
// both sketches have, and only shingles sharing a bit with another of
// the same set can make more of them than there are such bits, so
// |A∩B| <= popcount(a&b) + min(extra(a), extra(b)). Two items that share
// a rare shingle but little else (nearly every candidate Decide meets)
// are ruled out from their sketches.
type sketch struct {
	text              [4]uint64
	title             uint64
	textExtra, tExtra int32
}

func sketchOf(f *Features) (s sketch) {
	for _, h := range f.Shingles {
		w, bit := h>>62, uint64(1)<<(h&63)
		if s.text[w]&bit != 0 {
			s.textExtra++
		}
		s.text[w] |= bit
	}
	for _, h := range f.TitleShingles {
		bit := uint64(1) << (h & 63)
		if s.title&bit != 0 {
			s.tExtra++
		}
		s.title |= bit
	}
	return s
}

// textShared is the bound on the text shingles s and o share; -1 without
// sketches.
func (s *sketch) textShared(o *sketch) int {
	if s == nil || o == nil {
		return -1
	}
	n := 0
	for w := range s.text {
		n += bits.OnesCount64(s.text[w] & o.text[w])
	}
	return n + int(min(s.textExtra, o.textExtra))
}

// titleShared is textShared for title shingles.
func (s *sketch) titleShared(o *sketch) int {
	if s == nil || o == nil {
		return -1
	}
	return bits.OnesCount64(s.title&o.title) + int(min(s.tExtra, o.tExtra))
}
