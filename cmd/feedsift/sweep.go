package main

import (
	"cmp"
	"context"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/feedsift/feedsift/store"
	"github.com/feedsift/feedsift/story"
)

// sweep is one pass of groupStories through story time: the new items
// (read and extracted ahead of it, a batch at a time) and the stored
// members within the window of them, in order of time.
type sweep struct {
	p      *pass
	ctx    context.Context
	window time.Duration

	ids    []int64 // the new items, in id order
	groups []int64 // each one's final group, by position in ids; 0 = not yet

	// Stored members, a few hours at a time, in sweep order: stored[si:]
	// are still to come from the slice read; next is where the next slice
	// starts within spans[span].
	spans  [][2]time.Time
	span   int
	next   time.Time
	stored []store.StoryMember
	si     int

	x, old *story.Index // the new items placed; the stored members a new item to come can reach
	// With few new items, all of them (reach), and the best stored member
	// offered to each still to come (ahead): the stored members are then
	// offered to all new items at once instead of being indexed.
	reach *story.Index
	ahead map[int64]story.Decision

	// Placed new items not yet final, in sweep order: pending[k] is the
	// base+k-th placed, pos finds them by id.
	pending []placedItem
	base    int
	pos     map[int64]int

	out    []store.StoryMember        // final, not yet handed to the saver
	saves  chan<- []store.StoryMember // the saver's
	saved  <-chan error               // the saver's result, once saves is closed
	saving bool                       // saves is open

	joined, held, passedBy int
	// peak is the most members the indexes held at once (new items and
	// stored members, with reach: all new items): what grouping's memory
	// follows.
	peak int
}

// fewNewItems is the most new items a pass reads before its sweep, to
// offer each stored member to all of them at once (see sweep.run).
// A variable for tests.
var fewNewItems = 20000

// better reports whether a is the better place than b, as Decide
// chooses: the higher score, then the lower parent.
func better(a, b story.Decision) bool {
	return a.Score > b.Score || (a.Score == b.Score && a.Parent != 0 && (b.Parent == 0 || a.Parent < b.Parent))
}

// storedItem is a stored member as grouping compares it.
func storedItem(m *store.StoryMember) story.Item {
	return story.Item{ID: m.ItemID, Feed: m.FeedID, Time: m.Time,
		Features: story.Features{Link: m.Link, Host: hostOf(m.Link), TitleKey: m.TitleKey,
			Shingles: m.Shingles, TitleShingles: m.TitleShingles}}
}

// sweepRun is how many new items the sweep decides at once.
const sweepRun = 64

type placedItem struct {
	story.Item
	d story.Decision
}

// newSweep prepares the sweep of the new items stamps, sorted, and
// starts the goroutine that saves final members.
func newSweep(ctx context.Context, p *pass, stamps []store.StoryStamp) (*sweep, []int64) {
	s := &sweep{p: p, ctx: ctx, window: p.cfg.Dedup.Window, ahead: map[int64]story.Decision{}, pos: map[int64]int{}}
	type stamp struct {
		id int64
		t  time.Time
	}
	order := make([]stamp, len(stamps))
	s.ids = make([]int64, len(stamps))
	for i := range stamps {
		s.ids[i] = stamps[i].ID
		order[i] = stamp{stamps[i].ID, storyTimeOf(stamps[i].Published, stamps[i].FirstSeen)}
	}
	s.groups = make([]int64, len(s.ids))
	slices.SortFunc(order, func(a, b stamp) int {
		if c := a.t.Compare(b.t); c != 0 {
			return c
		}
		return cmp.Compare(a.id, b.id)
	})
	// The spans of time the stored members can join from: within the
	// window of a new item (feeds' dates can lie centuries apart).
	for _, o := range order {
		if n := len(s.spans); n > 0 && !o.t.Add(-s.window).After(s.spans[n-1][1]) {
			s.spans[n-1][1] = o.t.Add(s.window)
		} else {
			s.spans = append(s.spans, [2]time.Time{o.t.Add(-s.window), o.t.Add(s.window)})
		}
	}
	s.next = s.spans[0][0]
	sorted := make([]int64, len(order))
	for i, o := range order {
		sorted[i] = o.id
	}

	// Final members are saved on another goroutine while the sweep goes
	// on.
	saves, saved := make(chan []store.StoryMember, 2), make(chan error, 1)
	s.saves, s.saved, s.saving = saves, saved, true
	go func() {
		var err error
		for ms := range saves { // after an error, drained unsaved
			if err == nil {
				// In id order: item_id's index takes them on few pages.
				slices.SortFunc(ms, func(a, b store.StoryMember) int { return cmp.Compare(a.ItemID, b.ItemID) })
				err = p.st.SaveStoryMembers(ctx, ms)
			}
		}
		saved <- err
	}()
	return s, sorted
}

// at is the position of a new item's id in ids, or -1.
func (s *sweep) at(id int64) int {
	i, ok := slices.BinarySearch(s.ids, id)
	if !ok {
		return -1
	}
	return i
}

// more reads the next slice of stored members when stored[si:] is spent,
// until there are none left.
func (s *sweep) more() error {
	const slice = 6 * time.Hour
	for len(s.stored) == s.si && s.span < len(s.spans) {
		to := minTime(s.next.Add(slice-time.Second), s.spans[s.span][1])
		ms, err := s.readStored(s.next, to)
		if err != nil {
			return err
		}
		if s.next = to.Add(time.Second); s.next.After(s.spans[s.span][1]) {
			if s.span++; s.span < len(s.spans) {
				s.next = s.spans[s.span][0]
			}
		}
		s.stored, s.si = s.stored[:0], 0
		for _, m := range ms {
			if s.at(m.ItemID) < 0 { // not one this sweep places
				s.stored = append(s.stored, m)
			}
		}
		slices.SortFunc(s.stored, func(a, b store.StoryMember) int {
			if c := a.Time.Compare(b.Time); c != 0 {
				return c
			}
			return cmp.Compare(a.ItemID, b.ItemID)
		})
		s.held += len(s.stored)
	}
	return nil
}

// readStored reads the stored members dated in [from, to]. With every new
// item in reach, it reads first only what is compared of each member and
// then, whole, those that can join a new item or be joined by one: the
// others are passed over (offerAll), and most members of a window are
// such in a pass with few new items.
func (s *sweep) readStored(from, to time.Time) ([]store.StoryMember, error) {
	if s.reach == nil {
		return s.p.st.StoryWindow(s.ctx, from, to)
	}
	keys, err := s.p.st.StoryWindowKeys(s.ctx, from, to)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for i := range keys {
		k := &keys[i]
		if s.at(k.ItemID) >= 0 {
			continue
		}
		// Its feed unknown (0, no feed's), a member is compared as one
		// of another feed, which joins on more than a feed's own.
		if s.reach.Reaches(storedItem(k)) {
			ids = append(ids, k.ItemID)
		} else {
			s.passedBy++
		}
	}
	slices.Sort(ids)
	return s.p.st.StoryMembers(s.ctx, ids)
}

// flush hands the final members to the saver (an error comes from stop).
func (s *sweep) flush() {
	if len(s.out) > 0 {
		s.saves <- s.out
		s.out = make([]store.StoryMember, 0, groupBatch)
	}
}

// stop waits for the saves handed over, and returns their error.
func (s *sweep) stop() error {
	if !s.saving {
		return nil
	}
	s.saving = false
	close(s.saves)
	return <-s.saved
}

// finalize saves the new items placed before the sweep reached before
// (all of them: before zero): nothing can change them any more.
func (s *sweep) finalize(before time.Time) {
	n := 0
	for ; n < len(s.pending) && (before.IsZero() || s.pending[n].Time.Before(before)); n++ {
		it := &s.pending[n]
		d := &it.d
		switch j := s.at(d.Parent); {
		case d.Parent == 0:
			d.Group = it.ID
		case j >= 0:
			d.Group = s.groups[j] // a new item earlier in the sweep: final
		}
		s.groups[s.at(it.ID)] = d.Group
		delete(s.pos, it.ID)
		if d.Parent != 0 {
			s.joined++
		}
		s.out = append(s.out, store.StoryMember{ItemID: it.ID, GroupID: d.Group, ParentID: d.Parent, Score: d.Score,
			Reason: string(d.Reason), TextScore: d.TextScore, TitleScore: d.TitleScore, Time: it.Time,
			Link: it.Link, TitleKey: it.TitleKey, Shingles: it.Shingles, TitleShingles: it.TitleShingles})
		if len(s.out) == groupBatch {
			s.flush()
		}
	}
	s.pending, s.base = s.pending[n:], s.base+n
}

// advance moves the sweep to t: members out of the window leave the
// indexes, new items out of it are saved.
func (s *sweep) advance(t time.Time) {
	s.x.Expire(t.Add(-s.window))
	s.old.Expire(t.Add(-s.window))
	s.finalize(t.Add(-s.window))
}

// offer makes a stored member the parent of the new items placed before
// it that it suits better (as Decide prefers), and adds it to the stored
// members' index when a new item still to come (the next at next; none:
// zero) is within reach.
func (s *sweep) offer(m *store.StoryMember, next time.Time) {
	s.advance(m.Time)
	it := storedItem(m)
	s.x.Candidates(it, func(e *story.Member, d story.Decision) {
		d.Group, d.Parent = m.GroupID, m.ItemID
		if cur := &s.pending[s.pos[e.ID]-s.base].d; better(d, *cur) {
			*cur = d
		}
	})
	if !next.IsZero() && next.Sub(m.Time) <= s.window {
		s.old.Add(story.Member{Item: it, Group: m.GroupID})
		s.peak = max(s.peak, s.indexed())
	}
}

// offerAll is offer when every new item is in reach: the stored member is
// offered to those placed and, for those still to come, kept in ahead for
// when they are decided, so it need not be indexed; one that none of them
// can join is passed over.
func (s *sweep) offerAll(m *store.StoryMember) {
	s.advance(m.Time)
	found := false
	s.reach.Candidates(storedItem(m), func(e *story.Member, d story.Decision) {
		found = true
		d.Group, d.Parent = m.GroupID, m.ItemID
		if k, ok := s.pos[e.ID]; ok {
			if cur := &s.pending[k-s.base].d; better(d, *cur) {
				*cur = d
			}
		} else if s.groups[s.at(e.ID)] == 0 { // still to come (a saved one is out of the window)
			if cur, ok := s.ahead[e.ID]; !ok || better(d, cur) {
				s.ahead[e.ID] = d
			}
		}
	})
	if !found {
		s.passedBy++
	}
}

// offerUpTo offers the stored members dated up to t, the next new item's
// time (all: zero).
func (s *sweep) offerUpTo(t time.Time) error {
	for {
		if err := s.more(); err != nil {
			return err
		}
		if s.si == len(s.stored) || (!t.IsZero() && s.stored[s.si].Time.After(t)) {
			return nil
		}
		m := &s.stored[s.si]
		s.si++
		if s.reach != nil {
			s.offerAll(m)
		} else {
			s.offer(m, t)
		}
	}
}

// place places a batch of new items (in sweep order), the stored members
// dated among them offered in turn.
func (s *sweep) place(batch []story.Item, decisions []story.Decision, scratches [][2]story.Scratch) error {
	for i := 0; i < len(batch); {
		if err := s.offerUpTo(batch[i].Time); err != nil {
			return err
		}
		s.advance(batch[i].Time)
		// A run of items with no stored member dated among them is
		// decided at once against the indexes (on every core), then each
		// also against the run's items before it.
		j := i + 1
		for j < len(batch) && j-i < sweepRun && (s.si == len(s.stored) || batch[j].Time.Before(s.stored[s.si].Time)) {
			j++
		}
		run, ds := batch[i:j], decisions[:j-i]
		decideRun(s.x, s.old, run, ds, scratches)
		for k := range run {
			if a, ok := s.ahead[run[k].ID]; ok {
				if better(a, ds[k]) {
					ds[k] = a
				}
				delete(s.ahead, run[k].ID)
			}
		}
		for k := range run {
			for m := range k {
				ds[k] = s.x.Consider(run[k], story.Member{Item: run[m], Group: ds[m].Group}, ds[k])
			}
			s.x.Add(story.Member{Item: run[k], Group: ds[k].Group})
			s.pos[run[k].ID] = s.base + len(s.pending)
			s.pending = append(s.pending, placedItem{run[k], ds[k]})
		}
		s.peak = max(s.peak, s.indexed())
		i = j
	}
	return nil
}

// indexed is how many members the indexes hold.
func (s *sweep) indexed() int {
	n := s.x.Len() + s.old.Len()
	if s.reach != nil {
		n += s.reach.Len()
	}
	return n
}

// run places every new item, given the batches in sweep order, and saves
// the members.
func (s *sweep) run(batches <-chan []story.Item, readErr func() error) error {
	// A pass with few new items (a run after a quiet hour) reads them all
	// first and indexes them once more (reach), so that each stored member
	// is offered to all of them at once instead of being indexed for those
	// to come, and one none of them can join is passed over: the window's
	// stored members are most of such a pass.
	var (
		few [][]story.Item
		opt *story.Options // made from the first batch
	)
	options := func(first []story.Item) story.Options {
		if opt == nil {
			// The shingles common in the first batch are looked up last:
			// the same decisions, far fewer candidates.
			o := storyOptions(first, s.window, s.p.groupThreshold())
			opt = &o
		}
		return *opt
	}
	if len(s.ids) <= fewNewItems {
		for batch := range batches {
			few = append(few, batch)
		}
		if len(few) > 0 {
			s.reach = story.NewIndex(options(few[0]))
			for _, b := range few {
				for _, it := range b {
					s.reach.Add(story.Member{Item: it, Group: it.ID})
				}
			}
		}
	}
	nextBatch := func() ([]story.Item, bool) {
		if s.reach == nil {
			b, ok := <-batches
			return b, ok
		}
		if len(few) == 0 {
			return nil, false
		}
		b := few[0]
		few = few[1:]
		return b, true
	}
	decisions := make([]story.Decision, sweepRun)
	scratches := make([][2]story.Scratch, runtime.GOMAXPROCS(0))
	for {
		batch, ok := nextBatch()
		if !ok {
			break
		}
		if s.x == nil {
			s.x, s.old = story.NewIndex(options(batch)), story.NewIndex(options(batch))
		}
		if err := s.place(batch, decisions, scratches); err != nil {
			return err
		}
	}
	if err := readErr(); err != nil {
		return err
	}
	if s.x != nil {
		if err := s.offerUpTo(time.Time{}); err != nil {
			return err
		}
	}
	s.finalize(time.Time{})
	s.flush()
	if err := s.stop(); err != nil {
		return err
	}
	if peakProfile != nil {
		peakProfile()
		runtime.KeepAlive(s)
	}
	return nil
}

// decideRun sets ds[k] to where run[k] goes among the members of x and
// old (the better: the higher score, then the lower id), one goroutine
// per scratch pair, each index's own scratch.
func decideRun(x, old *story.Index, run []story.Item, ds []story.Decision, scratches [][2]story.Scratch) {
	decide := func(k int, s *[2]story.Scratch) {
		d := x.DecideWith(run[k], &s[0])
		if o := old.DecideWith(run[k], &s[1]); better(o, d) {
			d = o
		}
		ds[k] = d
	}
	workers := len(scratches)
	if len(run) < 8 || workers == 1 {
		for k := range run {
			decide(k, &scratches[0])
		}
		return
	}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := w; k < len(run); k += workers {
				decide(k, &scratches[w])
			}
		}()
	}
	wg.Wait()
}
