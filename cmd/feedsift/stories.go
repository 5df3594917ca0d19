package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"html"
	"io"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/feedsift/feedsift/feedout"
	"github.com/feedsift/feedsift/store"
	"github.com/feedsift/feedsift/story"
)

// storyTime is the time the dedup window is measured on: the item's
// published date, else (or when it claims to be later than when it was
// first seen) its first-seen time.
func storyTime(it *store.FeedItem) time.Time {
	return storyTimeOf(it.Published, it.FirstSeen)
}

func storyTimeOf(published, firstSeen time.Time) time.Time {
	if published.IsZero() || published.After(firstSeen) {
		return firstSeen
	}
	return published
}

func storyItem(it *store.StoryItem) story.Item {
	t := storyTimeOf(it.Published, it.FirstSeen)
	return story.Item{ID: it.ID, Feed: it.FeedID, Time: t, Features: story.Extract(it.Link, it.Title, it.Text)}
}

// groupThreshold is the least similarity any topic merges at: groups are
// recorded with their scores, and each topic cuts them at its own
// threshold when it publishes.
func (s *setup) groupThreshold() float64 {
	t := s.cfg.Dedup.Threshold
	for _, tp := range s.topics {
		if tp.Dedup {
			t = min(t, tp.DedupThreshold)
		}
	}
	return t
}

// groupBatch is how many ungrouped items grouping reads and extracts at
// a time, and how many it saves at a time.
const groupBatch = 2000

// groupStories places every item not yet in a story group (this run's new
// items; after an upgrade, all older ones) in a sweep through time: items
// and the stored members within the window of them, in order of story
// time (ties: stored members first, then by id). A new item joins the
// most similar member placed before it (ties: the lower id, so a stored,
// already published copy wins); a stored member is added as it is and
// offered to the new items placed before it that it could join (joining
// is symmetric), so that a later-dated copy already published keeps its
// entry. Members more than the window behind the sweep leave the index,
// and new items that far behind are final and saved: memory and the cost
// of each placement follow the items within one window, not the pass.
func (p *pass) groupStories(ctx context.Context) (joined int, err error) {
	if !p.cfg.Dedup.Enabled {
		return 0, nil
	}
	stamps, err := p.st.UngroupedStamps(ctx)
	if err != nil || len(stamps) == 0 {
		return 0, err
	}
	window := p.cfg.Dedup.Window
	// The new items in sweep order, and their ids in id order (with
	// each one's final group, once known) to look parents up in.
	type stamp struct {
		id int64
		t  time.Time
	}
	order := make([]stamp, len(stamps))
	ids := make([]int64, len(stamps))
	for i := range stamps {
		ids[i] = stamps[i].ID
		order[i] = stamp{stamps[i].ID, storyTimeOf(stamps[i].Published, stamps[i].FirstSeen)}
	}
	stamps = nil
	slices.SortFunc(order, func(a, b stamp) int {
		if c := a.t.Compare(b.t); c != 0 {
			return c
		}
		return cmp.Compare(a.id, b.id)
	})
	groups := make([]int64, len(ids)) // final group by position in ids; 0 = not yet
	at := func(id int64) int {
		i, ok := slices.BinarySearch(ids, id)
		if !ok {
			return -1
		}
		return i
	}
	// The spans of time the stored members can join from: within the
	// window of a new item (feeds' dates can lie centuries apart).
	var spans [][2]time.Time
	for _, o := range order {
		if n := len(spans); n > 0 && !o.t.Add(-window).After(spans[n-1][1]) {
			spans[n-1][1] = o.t.Add(window)
		} else {
			spans = append(spans, [2]time.Time{o.t.Add(-window), o.t.Add(window)})
		}
	}

	// New items come read and extracted ahead of the sweep, a batch at a
	// time, in sweep order.
	batchIDs := make([][]int64, 0, len(order)/groupBatch+1)
	for b := 0; b < len(order); b += groupBatch {
		part := make([]int64, 0, groupBatch)
		for _, o := range order[b:min(len(order), b+groupBatch)] {
			part = append(part, o.id)
		}
		batchIDs = append(batchIDs, part)
	}
	order = nil
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches, readErr := p.readStoryBatches(ctx, batchIDs)

	// Stored members, a few hours at a time, in sweep order.
	const slice = 6 * time.Hour
	var stored []store.StoryMember
	si, span := 0, 0
	next := spans[0][0]
	held, passedBy := 0, 0
	var reach *story.Index              // with few new items: all of them (see below)
	ahead := map[int64]story.Decision{} // the best stored member for new items still to come
	more := func() error {              // the next slice of stored members, if any
		for len(stored) == si && span < len(spans) {
			to := minTime(next.Add(slice-time.Second), spans[span][1])
			ms, err := p.st.StoryWindow(ctx, next, to)
			if err != nil {
				return err
			}
			if next = to.Add(time.Second); next.After(spans[span][1]) {
				if span++; span < len(spans) {
					next = spans[span][0]
				}
			}
			stored, si = stored[:0], 0
			for _, m := range ms {
				if at(m.ItemID) < 0 { // not one this sweep places
					stored = append(stored, m)
				}
			}
			slices.SortFunc(stored, func(a, b store.StoryMember) int {
				if c := a.Time.Compare(b.Time); c != 0 {
					return c
				}
				return cmp.Compare(a.ItemID, b.ItemID)
			})
			held += len(stored)
		}
		return nil
	}

	// Placed new items not yet final, in sweep order: pending[k] is the
	// base+k-th placed, pos finds them by id.
	type placedItem struct {
		story.Item
		d story.Decision
	}
	var (
		pending []placedItem
		base    int
		pos     = map[int64]int{}
		out     []store.StoryMember
		x, old  *story.Index // the new items, the stored members
	)
	// Final members are saved on another goroutine while the sweep goes
	// on; flush hands it what is ready.
	saves := make(chan []store.StoryMember, 2)
	saved := make(chan error, 1)
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
	saving := true
	// stopSaving waits for the saves handed over, and returns their error.
	stopSaving := func() error {
		if !saving {
			return nil
		}
		saving = false
		close(saves)
		return <-saved
	}
	defer stopSaving()
	flush := func() error { // an error comes from stopSaving
		if len(out) > 0 {
			saves <- out
			out = make([]store.StoryMember, 0, groupBatch)
		}
		return nil
	}
	// finalize saves the new items placed before the sweep reached
	// before (all of them: before zero): nothing can change them any more.
	finalize := func(before time.Time) error {
		n := 0
		for ; n < len(pending) && (before.IsZero() || pending[n].Time.Before(before)); n++ {
			it := &pending[n]
			d := &it.d
			switch j := at(d.Parent); {
			case d.Parent == 0:
				d.Group = it.ID
			case j >= 0:
				d.Group = groups[j] // a new item earlier in the sweep: final
			}
			groups[at(it.ID)] = d.Group
			delete(pos, it.ID)
			if d.Parent != 0 {
				joined++
			}
			out = append(out, store.StoryMember{ItemID: it.ID, GroupID: d.Group, ParentID: d.Parent, Score: d.Score,
				Reason: string(d.Reason), TextScore: d.TextScore, TitleScore: d.TitleScore, Time: it.Time,
				Link: it.Link, TitleKey: it.TitleKey, Shingles: it.Shingles, TitleShingles: it.TitleShingles})
			if len(out) == groupBatch {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		pending, base = pending[n:], base+n
		return nil
	}
	// advance moves the sweep to t: members out of the window leave the
	// index, new items out of it are saved.
	advance := func(t time.Time) error {
		x.Expire(t.Add(-window))
		old.Expire(t.Add(-window))
		return finalize(t.Add(-window))
	}
	// offer makes a stored member the parent of the new items placed
	// before it that it suits better (the same score with a lower id, as
	// Decide prefers), and adds it to the stored members' index when a new
	// item still to come (the next at next; none: zero) is within reach.
	offer := func(m *store.StoryMember, next time.Time) error {
		if err := advance(m.Time); err != nil {
			return err
		}
		it := storedItem(m)
		x.Candidates(it, nil, func(e *story.Member, d story.Decision) {
			if cur := &pending[pos[e.ID]-base].d; d.Score > cur.Score || (d.Score == cur.Score && m.ItemID < cur.Parent) {
				d.Group, d.Parent = m.GroupID, m.ItemID
				*cur = d
			}
		})
		if !next.IsZero() && next.Sub(m.Time) <= window {
			old.Add(story.Member{Item: it, Group: m.GroupID})
		}
		return nil
	}
	// offerAll is offer when every new item is in reach: the stored
	// member is offered to those placed and, for those still to come,
	// kept in ahead for when they are decided, so it need not be indexed;
	// one that none of them can join is passed over.
	offerAll := func(m *store.StoryMember) error {
		if err := advance(m.Time); err != nil {
			return err
		}
		found := false
		reach.Candidates(storedItem(m), nil, func(e *story.Member, d story.Decision) {
			found = true
			d.Group, d.Parent = m.GroupID, m.ItemID
			if k, ok := pos[e.ID]; ok {
				if cur := &pending[k-base].d; better(d, *cur) {
					*cur = d
				}
			} else if groups[at(e.ID)] == 0 { // still to come (a saved one is out of the window)
				if cur, ok := ahead[e.ID]; !ok || better(d, cur) {
					ahead[e.ID] = d
				}
			}
		})
		if !found {
			passedBy++
		}
		return nil
	}
	// offerUpTo offers the stored members dated up to t, the next new
	// item's time (all: zero).
	offerUpTo := func(t time.Time) error {
		for {
			if err := more(); err != nil {
				return err
			}
			if si == len(stored) || (!t.IsZero() && stored[si].Time.After(t)) {
				return nil
			}
			si++
			m := &stored[si-1]
			if reach != nil {
				if err := offerAll(m); err != nil {
					return err
				}
				continue
			}
			if err := offer(m, t); err != nil {
				return err
			}
		}
	}
	decisions := make([]story.Decision, sweepRun)
	scratches := make([][2]story.Scratch, runtime.GOMAXPROCS(0))
	// A pass with few new items (a run after a quiet hour) reads them all
	// first and indexes them once more (reach), so that each stored member
	// is offered to all of them at once instead of being indexed for
	// those to come, and one none of them can join is passed over: the
	// window's stored members are most of such a pass.
	var (
		few       [][]story.Item
		nextBatch func() ([]story.Item, bool)
	)
	if len(ids) <= fewNewItems {
		for batch := range batches {
			few = append(few, batch)
		}
		nextBatch = func() ([]story.Item, bool) {
			if len(few) == 0 {
				return nil, false
			}
			b := few[0]
			few = few[1:]
			return b, true
		}
		if len(few) > 0 {
			reach = story.NewIndex(storyOptions(few[0], window, p.groupThreshold()))
			for _, b := range few {
				for _, it := range b {
					reach.Add(story.Member{Item: it, Group: it.ID})
				}
			}
		}
	} else {
		nextBatch = func() ([]story.Item, bool) {
			b, ok := <-batches
			return b, ok
		}
	}
	for {
		batch, ok := nextBatch()
		if !ok {
			break
		}
		if x == nil {
			// The shingles common in the first batch are looked up
			// last: the same decisions, far fewer candidates.
			opt := storyOptions(batch, window, p.groupThreshold())
			x, old = story.NewIndex(opt), story.NewIndex(opt)
		}
		for i := 0; i < len(batch); {
			if err := offerUpTo(batch[i].Time); err != nil {
				return 0, err
			}
			if err := advance(batch[i].Time); err != nil {
				return 0, err
			}
			// A run of items with no stored member dated among them is
			// decided at once against the indexes (on every core), then
			// each also against the run's items before it.
			j := i + 1
			for j < len(batch) && j-i < sweepRun && (si == len(stored) || batch[j].Time.Before(stored[si].Time)) {
				j++
			}
			run, ds := batch[i:j], decisions[:j-i]
			decideRun(x, old, run, ds, scratches)
			for k := range run {
				if a, ok := ahead[run[k].ID]; ok {
					if better(a, ds[k]) {
						ds[k] = a
					}
					delete(ahead, run[k].ID)
				}
			}
			for k := range run {
				for m := range k {
					ds[k] = x.Consider(run[k], story.Member{Item: run[m], Group: ds[m].Group}, ds[k])
				}
				x.Add(story.Member{Item: run[k], Group: ds[k].Group})
				pos[run[k].ID] = base + len(pending)
				pending = append(pending, placedItem{run[k], ds[k]})
			}
			i = j
		}
	}
	if err := readErr(); err != nil {
		return 0, err
	}
	if x != nil {
		if err := offerUpTo(time.Time{}); err != nil {
			return 0, err
		}
	}
	if err := finalize(time.Time{}); err != nil {
		return 0, err
	}
	if err := flush(); err != nil {
		return 0, err
	}
	if err := stopSaving(); err != nil {
		return 0, err
	}
	if peakProfile != nil {
		peakProfile()
		runtime.KeepAlive(x)
		runtime.KeepAlive(old)
	}
	p.log.Debug("stories grouped", "items", len(ids), "joined", joined, "window_members", held, "passed_by", passedBy)
	return joined, nil
}

// fewNewItems is the most new items a pass reads before its sweep, to
// pass over the stored members none of them can join (see groupStories).
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

// readStoryBatches reads the new items of each batch of ids and extracts
// their features, on other goroutines, a batch or two ahead of the
// caller: each batch comes in the order of its ids. The channel closes
// after the last batch or at the first error, which err returns once the
// channel is drained.
func (p *pass) readStoryBatches(ctx context.Context, batches [][]int64) (<-chan []story.Item, func() error) {
	ch := make(chan []story.Item, 1)
	var readErr error
	go func() {
		defer close(ch)
		for _, ids := range batches {
			rows, err := p.st.StoryItems(ctx, ids)
			if err != nil {
				readErr = err
				return
			}
			byID := make(map[int64]*store.StoryItem, len(rows))
			for i := range rows {
				byID[rows[i].ID] = &rows[i]
			}
			items := make([]story.Item, 0, len(ids))
			for _, id := range ids {
				if r := byID[id]; r != nil { // deleted meanwhile (retention): not read
					items = append(items, story.Item{ID: id})
				}
			}
			// Extract on every core.
			var wg sync.WaitGroup
			workers := runtime.GOMAXPROCS(0)
			for w := range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := w; i < len(items); i += workers {
						items[i] = storyItem(byID[items[i].ID])
					}
				}()
			}
			wg.Wait()
			select {
			case ch <- items:
			case <-ctx.Done():
				readErr = ctx.Err()
				return
			}
		}
	}()
	return ch, func() error { return readErr }
}

// storyOptions returns index options whose common shingles are those of
// first (a pass's first groupBatch new items).
func storyOptions(first []story.Item, window time.Duration, threshold float64) story.Options {
	sample := make([]story.Features, len(first))
	for i := range first {
		sample[i] = first[i].Features
	}
	return story.Options{Window: window, Threshold: threshold, Common: story.CommonShingles(sample)}
}

func hostOf(canon string) string {
	h, _, _ := strings.Cut(canon, "/")
	return h
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// foldStories keeps, of each story among a topic's matches, the copy seen
// first, and returns the other copies of each kept one (matched by the
// topic or not: they are the same story), first seen first.
func (p *pass) foldStories(ctx context.Context, t topic, ms []store.Matched) ([]store.Matched, map[int64][]store.FeedItem, error) {
	if len(ms) == 0 {
		return ms, nil, nil
	}
	ids := make([]int64, len(ms))
	for i, m := range ms {
		ids[i] = m.ID
	}
	members, err := p.st.StoryGroups(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	edges := make([]story.Edge, len(members))
	for i, m := range members {
		edges[i] = story.Edge{ID: m.ItemID, Parent: m.ParentID, Score: m.Score}
	}
	root := story.Components(edges, t.DedupThreshold)
	rootOf := func(id int64) int64 {
		if r, ok := root[id]; ok {
			return r
		}
		return id
	}
	// The representative of a story is its matched copy seen first.
	rep := map[int64]int64{}
	for _, m := range ms {
		r := rootOf(m.ID)
		if cur, ok := rep[r]; !ok || m.ID < cur {
			rep[r] = m.ID
		}
	}
	var kept []store.Matched
	for _, m := range ms {
		if rep[rootOf(m.ID)] == m.ID {
			kept = append(kept, m)
		}
	}
	var copyIDs []int64
	for _, m := range members {
		if r, ok := rep[rootOf(m.ItemID)]; ok && r != m.ItemID {
			copyIDs = append(copyIDs, m.ItemID)
		}
	}
	copies := map[int64][]store.FeedItem{}
	if len(copyIDs) > 0 {
		err := p.st.EachItem(ctx, copyIDs, func(it *store.FeedItem) error {
			r := rep[rootOf(it.ID)]
			copies[r] = append(copies[r], *it)
			return nil
		})
		if err != nil {
			return nil, nil, err
		}
	}
	return kept, copies, nil
}

// addCopies lists the other outlets that carried each entry's story: in
// its text and as related links. The entry's id stays its first copy's;
// its updated time moves to the latest copy.
func (p *pass) addCopies(f *feedout.Feed, ms []store.Matched, copies map[int64][]store.FeedItem) {
	for i := range f.Entries {
		cs := copies[ms[i].ID]
		if len(cs) == 0 {
			continue
		}
		e := &f.Entries[i]
		var b strings.Builder
		b.WriteString(`<p>Also reported by: `)
		for j := range cs {
			c := &cs[j]
			name := p.feedTitle(c)
			if name == "" {
				name = c.FeedURL
			}
			if j > 0 {
				b.WriteString(", ")
			}
			title := c.Title
			if title == "" {
				title = name
			}
			if c.Link != "" {
				fmt.Fprintf(&b, `<a href="%s">%s</a> (%s)`, html.EscapeString(c.Link), html.EscapeString(name), html.EscapeString(title))
				e.Related = append(e.Related, feedout.Link{Href: c.Link, Title: name})
			} else {
				fmt.Fprintf(&b, `%s (%s)`, html.EscapeString(name), html.EscapeString(title))
			}
			if u := maxTime(storyTime(c), c.ChangedAt); u.After(e.Updated) {
				e.Updated = u
			}
		}
		b.WriteString(`</p>`)
		if e.ContentHTML != "" {
			e.ContentHTML += b.String()
		} else {
			e.SummaryHTML += b.String()
		}
		if e.Updated.After(f.Updated) {
			f.Updated = e.Updated
		}
	}
}

// explainStoryCmd prints the story group of one item.
type explainStoryCmd struct {
	stdout, stderr io.Writer
}

func (c *explainStoryCmd) Run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("explain-story", flag.ContinueOnError)
	path := fs.String("config", "", "configuration `file`")
	// ITEM may come before or after the flags.
	var item string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		item, args = args[0], args[1:]
	}
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errHelp
		}
		return &exitError{exitUsage, err}
	}
	if item == "" && fs.NArg() > 0 {
		item = fs.Arg(0)
	} else if fs.NArg() > 0 {
		return &exitError{exitUsage, fmt.Errorf("unexpected argument %q", fs.Arg(0))}
	}
	if item == "" || fs.NArg() > 1 {
		return &exitError{exitUsage, errors.New("want one ITEM: an item's id or link")}
	}
	s, err := load(*path)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, s.cfg.Database)
	if err != nil {
		return err
	}
	defer st.Close()
	id, err := strconv.ParseInt(item, 10, 64)
	if err != nil {
		if id, err = st.ItemByLink(ctx, item); err != nil {
			return &exitError{exitDatabase, err}
		}
	}
	if id == 0 {
		return fmt.Errorf("item %q: not stored", item)
	}
	titles := map[string]string{}
	for _, f := range s.cfg.Feeds {
		titles[f.URL] = f.Title
	}
	return explainStory(ctx, c.stdout, st, id, titles)
}

// explainStory writes the story group item belongs to: every member, the
// member it joined through and the similarity that joined it.
func explainStory(ctx context.Context, w io.Writer, st db, itemID int64, titles map[string]string) error {
	m, ok, err := st.StoryMember(ctx, itemID)
	if err != nil {
		return &exitError{exitDatabase, err}
	}
	if !ok {
		return fmt.Errorf("item %d: not grouped (not stored, or [dedup] is off)", itemID)
	}
	members, err := st.StoryGroups(ctx, []int64{itemID})
	if err != nil {
		return &exitError{exitDatabase, err}
	}
	ids := make([]int64, len(members))
	for i, mm := range members {
		ids[i] = mm.ItemID
	}
	items := map[int64]store.FeedItem{}
	if err := st.EachItem(ctx, ids, func(it *store.FeedItem) error { items[it.ID] = *it; return nil }); err != nil {
		return &exitError{exitDatabase, err}
	}
	noun := "copies"
	if len(members) == 1 {
		noun = "copy: no other feed carried it"
	}
	fmt.Fprintf(w, "item %d is in story group %d (%d %s)\n", itemID, m.GroupID, len(members), noun)
	sort.SliceStable(members, func(i, j int) bool { return members[i].ItemID < members[j].ItemID })
	for _, mm := range members {
		it := items[mm.ItemID]
		feed := titles[it.FeedURL]
		if feed == "" {
			feed = it.FeedTitle
		}
		if feed == "" {
			feed = it.FeedURL
		}
		mark := " "
		if mm.ItemID == itemID {
			mark = "*"
		}
		fmt.Fprintf(w, "%s %d  %s  %s\n    %s\n    %s\n", mark, mm.ItemID, mm.Time.UTC().Format(time.RFC3339), feed, it.Title, it.Link)
		switch {
		case mm.ParentID == 0:
			fmt.Fprintf(w, "    first copy: the group's id\n")
		case mm.Reason == string(story.ByText):
			fmt.Fprintf(w, "    joined %d: similarity %.2f (title and summary %.2f, title %.2f)\n", mm.ParentID, mm.Score, mm.TextScore, mm.TitleScore)
		case mm.Reason == string(story.ByLink):
			fmt.Fprintf(w, "    joined %d: same canonical link %s\n", mm.ParentID, mm.Link)
		case mm.Reason == string(story.ByTitle):
			fmt.Fprintf(w, "    joined %d: same title %q\n", mm.ParentID, mm.TitleKey)
		default:
			fmt.Fprintf(w, "    joined %d: %s %.2f\n", mm.ParentID, mm.Reason, mm.Score)
		}
	}
	return nil
}
