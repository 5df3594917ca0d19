package filter

import (
	"bytes"
	"hash/maphash"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// zone is the part of an item a token comes from.
type zone uint8

const (
	zTitle zone = iota
	zSummary
	zContent
	zAuthor
	zCategory
	zFeed
	zLink
	nZones
)

var zoneNames = [nZones]string{"title", "summary", "content", "author", "category", "feed", "link"}

// Scope bits. A token carries the bits of its zone, and the first sentence
// of the summary (or of the content when there is no summary) also carries
// bLead.
const (
	bTitle uint16 = 1 << iota
	bSummary
	bLead
	bContent
	bAuthor
	bCategory
	bFeed
	bLink

	bText = bTitle | bSummary | bLead | bContent
)

var zoneBits = [nZones]uint16{bTitle, bSummary, bContent, bAuthor, bCategory, bFeed, bLink}

// token is one word (or CJK character) of a Doc, in reading order.
type token struct {
	u          int32 // index into Doc.uniq
	sent       int32 // sentence number, unique across the Doc
	start, end int32 // byte range in Doc.texts[zone]
	mask       uint16
	zone       zone
}

// utok is a distinct token form of a Doc with its positions. It holds no
// pointers (its forms are byte ranges of Doc.forms), so a Doc's tokens cost
// the garbage collector nothing to scan.
type utok struct {
	fs, fe int32 // folded form (NFKC + case folded): Doc.forms[fs:fe]
	ps, pe int32 // the folded form without diacritics (the same range when it has none)
	first  int32 // positions are Doc.post[first : first+n]
	n      int32
	script script
}

// sentence is a byte range of one zone's display text.
type sentence struct {
	zone       zone
	start, end int32
	first      int32 // index of its first token in Doc.toks
}

// Doc is an item prepared for matching: HTML reduced to text, tokens
// normalised and indexed, sentences and scopes marked. Build it once with
// NewDoc and match it against any number of topics, concurrently if need
// be: a Doc is never modified after NewDoc returns.
type Doc struct {
	texts [nZones]string // display text per zone
	toks  []token
	uniq  []utok
	forms string // the folded forms of uniq, back to back
	post  []int32
	sents []sentence

	// Stripped counts the boilerplate sentences left out of matching.
	Stripped int
	// stripped are those sentences, for explanations.
	stripped []sentence
}

// NewDoc prepares an item for matching.
func NewDoc(it Item) *Doc { return newDoc(it, nil) }

// fold is the folded form of a distinct token.
func (d *Doc) fold(u *utok) string { return d.forms[u.fs:u.fe] }

// plain is the folded form of a distinct token without diacritics.
func (d *Doc) plain(u *utok) string { return d.forms[u.ps:u.pe] }

type docScratch struct {
	tok   tokenized // NewDoc's
	src   []int32   // each Doc token's index in the tokenized item
	table []int32   // open-addressing intern table: uniq index + 1
	uniq  []utok
	forms []byte
}

var docScratches = sync.Pool{New: func() any { return &docScratch{} }}

// intern returns the index of the folded form f in s.uniq, adding it
// (with its form appended to s.forms) when new. The table is sized per
// Doc, so one huge item does not slow down the next ones.
func (s *docScratch) intern(f []byte) int32 {
	h := uint32(maphash.Bytes(internSeed, f))
	mask := uint32(len(s.table) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		v := s.table[i]
		if v == 0 {
			u := int32(len(s.uniq))
			s.table[i] = u + 1
			fs := int32(len(s.forms))
			s.forms = append(s.forms, f...)
			fe := int32(len(s.forms))
			ut := utok{fs: fs, fe: fe, ps: fs, pe: fe}
			if !isASCII(f) {
				if p := stripDiacritics(string(f)); p != string(f) {
					ut.ps = int32(len(s.forms))
					s.forms = append(s.forms, p...)
					ut.pe = int32(len(s.forms))
				}
			}
			s.uniq = append(s.uniq, ut)
			return u
		}
		if u := &s.uniq[v-1]; string(s.forms[u.fs:u.fe]) == string(f) {
			return v - 1
		}
	}
}

var internSeed = maphash.MakeSeed()

func isASCII[T string | []byte](s T) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func newDoc(it Item, bp *feedBoiler) *Doc {
	s := docScratches.Get().(*docScratch)
	defer docScratches.Put(s)
	s.tok.read(it)
	return s.finish(&s.tok, bp)
}

// tokenized is an item's text read once: each zone's display text, its
// tokens, and every token's folded form. NewDoc builds a Doc from it;
// NewDocs also learns boilerplate from it.
type tokenized struct {
	texts   [nZones]string
	raw     []rawTok
	zoneEnd [nZones]int // raw[zoneEnd[z-1]:zoneEnd[z]] are zone z's tokens
	nSents  int
	buf     []byte  // folded forms, back to back
	folds   []int32 // each token's range in buf: two per token
}

func (t *tokenized) read(it Item) {
	t.texts[zTitle] = it.Title
	t.texts[zSummary] = fieldText(it.Summary)
	t.texts[zContent] = fieldText(it.Content)
	t.texts[zAuthor] = strings.Join(it.Authors, "\n")
	t.texts[zCategory] = strings.Join(it.Categories, "\n")
	switch {
	case it.FeedTitle != "" && it.FeedURL != "":
		t.texts[zFeed] = it.FeedTitle + "\n" + it.FeedURL
	default:
		t.texts[zFeed] = it.FeedTitle + it.FeedURL
	}
	t.texts[zLink] = it.Link
	t.raw, t.buf, t.folds, t.nSents = t.raw[:0], t.buf[:0], t.folds[:0], 0
	for z := zTitle; z < nZones; z++ {
		if text := t.texts[z]; text != "" {
			n0 := len(t.raw)
			t.raw = appendTokens(t.raw, text)
			if len(t.raw) > n0 {
				t.nSents += int(t.raw[len(t.raw)-1].sentence) + 1
			}
			for _, r := range t.raw[n0:] {
				fs := len(t.buf)
				t.buf = foldAppend(t.buf, text[r.start:r.end])
				t.folds = append(t.folds, int32(fs), int32(len(t.buf)))
			}
		}
		t.zoneEnd[z] = len(t.raw)
	}
}

// sentences calls fn with the token range [i, j) of each sentence of the
// summary and the content: those boilerplate is learned from and
// stripped in.
func (t *tokenized) sentences(fn func(i, j int)) {
	for _, z := range []zone{zSummary, zContent} {
		i, end := t.zoneEnd[z-1], t.zoneEnd[z]
		for i < end {
			j := i + 1
			for j < end && t.raw[j].sentence == t.raw[i].sentence {
				j++
			}
			fn(i, j)
			i = j
		}
	}
}

// hash is the hash of the sentence of tokens [i, j), as Learn and
// isBoilerplate compute it.
func (t *tokenized) hash(i, j int) uint64 {
	base := int(t.folds[2*i])
	return hashTokens(t.buf[base:t.folds[2*j-1]], t.folds[2*i:2*j], base)
}

// finish builds the Doc of t, leaving out bp's boilerplate sentences.
func (s *docScratch) finish(t *tokenized, bp *feedBoiler) *Doc {
	d := &Doc{texts: t.texts}
	d.toks = make([]token, 0, len(t.raw))
	d.sents = make([]sentence, 0, t.nSents)
	s.src = s.src[:0] // each kept token's index in t.raw

	leadDone := false
	zoneStart := 0
	for z := zTitle; z < nZones; z++ {
		text := d.texts[z]
		raw := t.raw[zoneStart:t.zoneEnd[z]]
		base := zoneStart
		zoneStart = t.zoneEnd[z]
		strip := bp != nil && (z == zSummary || z == zContent)
		// Walk sentence by sentence.
		for i := 0; i < len(raw); {
			j := i
			for j < len(raw) && raw[j].sentence == raw[i].sentence {
				j++
			}
			if strip {
				b0 := int(t.folds[2*(base+i)])
				if bp.isBoilerplate(t.buf[b0:t.folds[2*(base+j)-1]], t.folds[2*(base+i):2*(base+j)], b0) {
					d.Stripped++
					d.stripped = append(d.stripped, sentence{zone: z, start: raw[i].start, end: closePunct(text, raw[j-1].end)})
					i = j
					continue
				}
			}
			tokStart := len(d.toks)
			sent := int32(len(d.sents))
			mask := zoneBits[z]
			lead := !leadDone && (z == zSummary || z == zContent)
			if lead {
				mask |= bLead
				leadDone = true
			}
			for k, r := range raw[i:j] {
				d.toks = append(d.toks, token{sent: sent, start: r.start, end: r.end, mask: mask, zone: z})
				s.src = append(s.src, int32(base+i+k))
			}
			d.sents = append(d.sents, sentence{zone: z, start: raw[i].start, end: closePunct(text, raw[j-1].end), first: int32(tokStart)})
			i = j
		}
	}

	// Intern the folded forms and build the position lists.
	size := 16
	for size < 2*len(d.toks) {
		size *= 2
	}
	if cap(s.table) < size {
		s.table = make([]int32, size)
	}
	s.table = s.table[:size]
	clear(s.table)
	s.uniq, s.forms = s.uniq[:0], s.forms[:0]
	for i := range d.toks {
		k := s.src[i]
		u := s.intern(t.buf[t.folds[2*k]:t.folds[2*k+1]])
		d.toks[i].u = u
		s.uniq[u].n++
	}
	d.uniq = append(make([]utok, 0, len(s.uniq)), s.uniq...)
	d.forms = string(s.forms)
	for i := range d.uniq {
		d.uniq[i].script = scriptOf(d.fold(&d.uniq[i]))
	}
	d.post = make([]int32, len(d.toks))
	var off int32
	for i := range d.uniq {
		d.uniq[i].first = off
		off += d.uniq[i].n
		d.uniq[i].n = 0
	}
	for i := range d.toks {
		u := &d.uniq[d.toks[i].u]
		d.post[u.first+u.n] = int32(i)
		u.n++
	}
	return d
}

// Boilerplate learns the sentences that repeat across the items of a feed
// (a donation appeal, "sign up for our newsletter") and leaves them out of
// matching. Feed it the summaries and contents of stored items of each
// feed with Learn, optionally add per-feed patterns, then prepare items
// with its NewDoc. It is safe for concurrent use.
type Boilerplate struct {
	// MinItems is how many distinct items of one feed must contain a
	// sentence before it counts as boilerplate; 0 means 3.
	MinItems int

	mu    sync.RWMutex
	feeds map[string]*feedBoiler
}

type feedBoiler struct {
	min      int
	counts   map[uint64]int
	patterns [][]string // folded token sequences
	global   *feedBoiler
}

// hashTokens hashes a folded token sequence (FNV-1a with separators).
func hashTokens(buf []byte, folds []int32, base int) uint64 {
	h := uint64(14695981039346656037)
	for k := 0; k+1 < len(folds); k += 2 {
		for _, c := range buf[int(folds[k])-base : int(folds[k+1])-base] {
			h ^= uint64(c)
			h *= 1099511628211
		}
		h ^= 0xff
		h *= 1099511628211
	}
	return h
}

// isBoilerplate reports whether the sentence whose folded tokens are buf
// (token ranges in folds, offset by base) is boilerplate.
func (f *feedBoiler) isBoilerplate(buf []byte, folds []int32, base int) bool {
	if len(folds) == 0 {
		return false
	}
	if f.counts != nil && f.counts[hashTokens(buf, folds, base)] >= f.min {
		return true
	}
	for _, fb := range [2]*feedBoiler{f, f.global} {
		if fb == nil {
			continue
		}
		for _, p := range fb.patterns {
			if containsSeq(buf, folds, base, p) {
				return true
			}
		}
	}
	return false
}

func containsSeq(buf []byte, folds []int32, base int, p []string) bool {
	n := len(folds) / 2
outer:
	for i := 0; i+len(p) <= n; i++ {
		for k, w := range p {
			j := i + k
			if string(buf[int(folds[2*j])-base:int(folds[2*j+1])-base]) != w {
				continue outer
			}
		}
		return true
	}
	return false
}

func (b *Boilerplate) feed(url string) *feedBoiler {
	if b.feeds == nil {
		b.feeds = map[string]*feedBoiler{}
	}
	f := b.feeds[url]
	if f == nil {
		f = &feedBoiler{}
		b.feeds[url] = f
	}
	return f
}

// Learn counts the sentences of some items of one feed. Pass each item's
// text (summary or content, HTML allowed) as one argument; a sentence
// repeated within one item counts once. Learning from the last few hundred
// stored items of the feed is plenty.
func (b *Boilerplate) Learn(feedURL string, texts ...string) {
	toks := make([]tokenized, len(texts))
	items := make([]*tokenized, len(texts))
	for i, t := range texts {
		toks[i].read(Item{Summary: t})
		items[i] = &toks[i]
	}
	b.learn(feedURL, items)
}

// LearnItem counts the sentences of one item of a feed: those of its
// summary and its content (HTML allowed) as NewDoc splits them, each
// counted once however often the item repeats it.
func (b *Boilerplate) LearnItem(feedURL, summary, content string) {
	var t tokenized
	t.read(Item{Summary: summary, Content: content})
	b.learn(feedURL, []*tokenized{&t})
}

// learn counts the distinct sentences of each tokenized item.
func (b *Boilerplate) learn(feedURL string, items []*tokenized) {
	var hs []uint64
	b.mu.Lock()
	defer b.mu.Unlock()
	f := b.feed(feedURL)
	if f.counts == nil {
		f.counts = map[uint64]int{}
	}
	for _, t := range items {
		hs = hs[:0]
		t.sentences(func(i, j int) { hs = append(hs, t.hash(i, j)) })
		slices.Sort(hs)
		for _, h := range slices.Compact(hs) {
			f.counts[h]++
		}
	}
}

// NewDocs prepares items of one feed (their FeedURL) for matching, after
// learning the sentences of the last learn of them as LearnItem would:
// the same Docs as LearnItem on those, then NewDoc on each, with each
// item's text read once. With want, only the items it marks get a Doc
// (the others' are nil).
func (b *Boilerplate) NewDocs(feedURL string, items []Item, learn int, want []bool) []*Doc {
	if b == nil {
		docs := make([]*Doc, len(items))
		for i := range items {
			if want == nil || want[i] {
				docs[i] = newDoc(items[i], nil)
			}
		}
		return docs
	}
	bt := b.Batch(feedURL, items, want)
	bt.LearnLast(learn)
	return bt.Docs()
}

// A Batch prepares some items of one feed for matching, learning from
// the feed's items only what can matter to them: boilerplate is decided
// sentence by sentence, by how many items hold the sentence, so an item
// that holds none of the batch's sentences changes nothing. Such an item
// is told apart by its words, before it is read: a sentence's two longest
// words are in every item that holds it. Make one with
// Boilerplate.Batch, feed it the items to learn from (LearnLast,
// LearnItem), then take its Docs. The Docs are those of learning from
// every item given. A Batch is for one goroutine.
type Batch struct {
	b       *Boilerplate
	feedURL string
	items   []Item
	want    []bool
	toks    []tokenized

	// keys screens for the wanted items' sentences: each sentence is one
	// of its "topics", met by the sentence's key words.
	keys *Screen

	looked, held int // items mayHold looked at, and those that may hold one
}

// Batch starts preparing items of feedURL; only those want marks (every
// one if want is nil) get Docs.
func (b *Boilerplate) Batch(feedURL string, items []Item, want []bool) *Batch {
	bt := &Batch{b: b, feedURL: feedURL, items: items, want: want, toks: make([]tokenized, len(items))}
	for i := range items {
		if bt.wanted(i) {
			bt.toks[i].read(items[i])
		}
	}
	return bt
}

// Narrow drops the wanted items whose Doc, with nothing left out, may
// not match (may returns false; Topic.MayMatch answers it for a topic):
// no boilerplate can make them match, so they get no Doc, and what only
// they would learn from is not read. It returns how many are still
// wanted. Call it before learning.
func (bt *Batch) Narrow(may func(*Doc) bool) int {
	s := docScratches.Get().(*docScratch)
	defer docScratches.Put(s)
	want := make([]bool, len(bt.items))
	n := 0
	for i := range bt.items {
		if bt.wanted(i) && may(s.finish(&bt.toks[i], nil)) {
			want[i] = true
			n++
		}
	}
	bt.want = want
	return n
}

// screenKeys makes the screen for the wanted items' sentences (keys).
func (bt *Batch) screenKeys() *Screen {
	keys := &Screen{needles: newNeedleSet()}
	bit := map[string]uint64{}
	for i := range bt.items {
		if !bt.wanted(i) {
			continue
		}
		t := &bt.toks[i]
		t.sentences(func(i, j int) {
			// The two longest words; bits are shared past 64 words,
			// which only lets more items through.
			var mask uint64
			for _, w := range longestTwo(t, i, j) {
				if bit[w] == 0 {
					bit[w] = 1 << (len(bit) % 64)
					keys.needles.add(needle{w, true}, bit[w])
				}
				mask |= bit[w]
			}
			keys.topics = append(keys.topics, mask)
		})
	}
	return keys
}

func (bt *Batch) wanted(i int) bool { return bt.want == nil || bt.want[i] }

// longestTwo returns the folded forms, without diacritics, of the two
// longest tokens of t's tokens [i, j).
func longestTwo(t *tokenized, i, j int) []string {
	word := func(k int) []byte { return t.buf[t.folds[2*k]:t.folds[2*k+1]] }
	a, b := i, -1
	for k := i + 1; k < j; k++ {
		n := len(word(k))
		switch {
		case n > len(word(a)):
			a, b = k, a
		case (b < 0 || n > len(word(b))) && !bytes.Equal(word(k), word(a)):
			b = k
		}
	}
	out := []string{stripDiacritics(string(word(a)))}
	if b >= 0 {
		out = append(out, stripDiacritics(string(word(b))))
	}
	return out
}

// mayHold reports whether an item with this summary and content may hold
// a sentence of the wanted items. Once most of the items it has looked
// at may (a feed that repeats its own words), it says yes without
// looking: they are read anyway.
func (bt *Batch) mayHold(summary, content string) bool {
	if bt.looked >= 8 && 2*bt.held > bt.looked {
		return true
	}
	bt.looked++
	if bt.hold(summary, content) {
		bt.held++
		return true
	}
	return false
}

func (bt *Batch) hold(summary, content string) bool {
	if bt.keys == nil {
		bt.keys = bt.screenKeys()
	}
	sc := screening{s: bt.keys}
	sc.html(summary)
	sc.html(content)
	return sc.done()
}

// LearnLast learns from the last n of the batch's items, as LearnItem on
// each would.
func (bt *Batch) LearnLast(n int) {
	var ptrs []*tokenized
	for i := max(0, len(bt.items)-n); i < len(bt.items); i++ {
		it := &bt.items[i]
		if !bt.wanted(i) {
			if !bt.mayHold(it.Summary, it.Content) {
				continue
			}
			bt.toks[i].read(Item{Summary: it.Summary, Content: it.Content})
		}
		ptrs = append(ptrs, &bt.toks[i])
	}
	if len(ptrs) > 0 {
		bt.b.learn(bt.feedURL, ptrs)
	}
}

// LearnItem learns from one stored item of the batch's feed, as
// Boilerplate.LearnItem would, when it may hold a sentence that matters.
func (bt *Batch) LearnItem(feedURL, summary, content string) {
	if feedURL == bt.feedURL && !bt.mayHold(summary, content) {
		return
	}
	bt.b.LearnItem(feedURL, summary, content)
}

// Docs returns the Docs of the wanted items (nil for the others).
func (bt *Batch) Docs() []*Doc {
	s := docScratches.Get().(*docScratch)
	defer docScratches.Put(s)
	docs := make([]*Doc, len(bt.items))
	bt.b.mu.RLock()
	defer bt.b.mu.RUnlock()
	for i := range bt.items {
		if bt.wanted(i) {
			docs[i] = s.finish(&bt.toks[i], bt.b.snapshot(bt.items[i].FeedURL))
		}
	}
	return docs
}

// AddPattern makes every sentence of feedURL's items that contains phrase
// (compared as folded words, like a quoted phrase) boilerplate. An empty
// feedURL applies the pattern to every feed.
func (b *Boilerplate) AddPattern(feedURL, phrase string) {
	var p []string
	for _, t := range appendTokens(nil, phrase) {
		p = append(p, foldString(phrase[t.start:t.end]))
	}
	if len(p) == 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	f := b.feed(feedURL)
	f.patterns = append(f.patterns, p)
}

// snapshot returns the feed's boilerplate, or nil when there is none.
// The caller holds b.mu for reading while it uses the result.
func (b *Boilerplate) snapshot(feedURL string) *feedBoiler {
	f, g := b.feeds[feedURL], b.feeds[""]
	if f == nil && g == nil {
		return nil
	}
	min := b.MinItems
	if min <= 0 {
		min = 3
	}
	out := &feedBoiler{min: min, global: g}
	if f != nil && feedURL != "" {
		out.counts, out.patterns = f.counts, f.patterns
	}
	return out
}

// NewDoc prepares an item for matching like the package's NewDoc, leaving
// out the summary and content sentences that are boilerplate for the
// item's feed (Item.FeedURL). A nil *Boilerplate strips nothing.
func (b *Boilerplate) NewDoc(it Item) *Doc {
	if b == nil {
		return newDoc(it, nil)
	}
	b.mu.RLock()
	defer b.mu.RUnlock()
	return newDoc(it, b.snapshot(it.FeedURL))
}

// Strip returns text (HTML allowed) without the sentences that are
// boilerplate for feedURL, as plain text with one sentence per line.
func (b *Boilerplate) Strip(feedURL, text string) string {
	d := b.NewDoc(Item{Summary: text, FeedURL: feedURL})
	var sb strings.Builder
	for _, s := range d.sents {
		if s.zone != zSummary {
			continue
		}
		if sb.Len() > 0 {
			sb.WriteByte('\n')
		}
		sb.WriteString(d.texts[zSummary][s.start:s.end])
	}
	return sb.String()
}

// closePunct extends a sentence's end over the punctuation closing it.
func closePunct(text string, end int32) int32 {
	for int(end) < len(text) {
		r, n := utf8.DecodeRuneInString(text[end:])
		if !strings.ContainsRune(".!?;:\"')]»”’。！？…；」』", r) {
			break
		}
		end += int32(n)
	}
	return end
}
