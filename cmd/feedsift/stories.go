package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"html"
	"io"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/feedsift/feedsift/config"
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
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s, sorted := newSweep(ctx, p, stamps)
	defer s.stop()
	// New items come read and extracted ahead of the sweep, a batch at a
	// time, in sweep order.
	var batchIDs [][]int64
	for b := 0; b < len(sorted); b += groupBatch {
		batchIDs = append(batchIDs, sorted[b:min(len(sorted), b+groupBatch)])
	}
	batches, readErr := p.readStoryBatches(ctx, batchIDs)
	if err := s.run(batches, readErr); err != nil {
		return 0, err
	}
	p.log.Debug("stories grouped", "items", len(s.ids), "joined", s.joined, "window_members", s.held, "passed_by", s.passedBy, "index_peak", s.peak)
	return s.joined, nil
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
// its text and as related links, each outlet (feed) other than the
// entry's own once, by its copy seen first, at most [dedup] max_sources
// of them, the rest counted. The entry's id stays its first copy's; its
// updated time moves to the latest copy.
func (p *pass) addCopies(f *feedout.Feed, ms []store.Matched, copies map[int64][]store.FeedItem) {
	for i := range f.Entries {
		cs := copies[ms[i].ID]
		if len(cs) == 0 {
			continue
		}
		e := &f.Entries[i]
		e.Outlets = outletsOf(ms[i], cs)
		var b strings.Builder
		if e.Outlets > 1 {
			fmt.Fprintf(&b, `<p>Carried by %d outlets. Also reported by: `, e.Outlets)
		} else {
			b.WriteString(`<p>Also reported by: `)
		}
		outlets := map[string]bool{ms[i].FeedURL: true} // the entry's own is not another
		listed := 0
		for j := range cs {
			c := &cs[j]
			if u := maxTime(storyTime(c), c.ChangedAt); u.After(e.Updated) {
				e.Updated = u
			}
			if outlets[c.FeedURL] {
				continue
			}
			outlets[c.FeedURL] = true
			if limit := p.cfg.Dedup.MaxSources; limit > 0 && listed == limit {
				continue // counted below
			}
			name := p.feedTitle(c)
			if name == "" {
				name = c.FeedURL
			}
			if listed > 0 {
				b.WriteString(", ")
			}
			listed++
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
		}
		if e.Updated.After(f.Updated) {
			f.Updated = e.Updated
		}
		if listed == 0 {
			continue // copies from the entry's own feed only (joined by link)
		}
		if more := len(outlets) - 1 - listed; more == 1 {
			b.WriteString(` and 1 more outlet`)
		} else if more > 1 {
			fmt.Fprintf(&b, ` and %d more outlets`, more)
		}
		b.WriteString(`</p>`)
		if e.ContentHTML != "" {
			e.ContentHTML += b.String()
		} else {
			e.SummaryHTML += b.String()
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
			return &helpError{fs}
		}
		return flagError(fs, err)
	}
	if item == "" && fs.NArg() > 0 {
		item = fs.Arg(0)
	} else if fs.NArg() > 0 {
		return &exitError{exitUsage, fmt.Errorf("unexpected argument %q", fs.Arg(0))}
	}
	if item == "" || fs.NArg() > 1 {
		return &exitError{exitUsage, errors.New("want one ITEM: an item's id (as feedsift items lists it), key, Atom entry id or link")}
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
	found, err := findItems(ctx, st, item)
	if err != nil {
		return &exitError{exitDatabase, err}
	}
	if len(found) == 0 {
		return fmt.Errorf("item %q: not stored (feedsift items lists the stored ones)", item)
	}
	id := found[0].ID
	titles := map[string]string{}
	for _, f := range s.cfg.Feeds {
		titles[f.URL] = f.Title
	}
	return explainStory(ctx, c.stdout, st, id, titles, s.cfg.Dedup)
}

// explainStory writes the story group item belongs to: every member, the
// member it joined through and the similarity that joined it.
func explainStory(ctx context.Context, w io.Writer, st db, itemID int64, titles map[string]string, dedup config.Dedup) error {
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
	return nearestCandidates(ctx, w, st, m, members, items, titles, dedup)
}

// nearCandidates is how many of the closest items outside its group
// explain-story shows.
const nearCandidates = 3

// nearestCandidates writes the items within the window, outside the
// item's group, that came closest to joining it, with each signal's score
// against the threshold, so that a user can see why a copy stayed apart
// and tune threshold.
func nearestCandidates(ctx context.Context, w io.Writer, st db, m store.StoryMember, members []store.StoryMember,
	items map[int64]store.FeedItem, titles map[string]string, dedup config.Dedup) error {
	window, err := st.StoryWindow(ctx, m.Time.Add(-dedup.Window), m.Time.Add(dedup.Window))
	if err != nil {
		return &exitError{exitDatabase, err}
	}
	inGroup := map[int64]bool{}
	for _, mm := range members {
		inGroup[mm.ItemID] = true
	}
	self := storedItem(&m)
	type near struct {
		m    store.StoryMember
		d    story.Decision
		why  string
		best float64
	}
	var ns []near
	for i := range window {
		c := &window[i]
		if inGroup[c.ItemID] {
			continue
		}
		other := storedItem(c)
		d := story.Compare(self, other, 0)
		n := near{m: *c, d: d, best: max(story.Jaccard(self.Shingles, other.Shingles), story.Jaccard(self.TitleShingles, other.TitleShingles))}
		switch {
		case c.FeedID == m.FeedID:
			n.why = "the same feed: its items join only by link"
		case self.Host != "" && self.Host == other.Host:
			n.why = "the same site: its items join only by link"
		}
		if n.best == 0 && n.why == "" {
			continue
		}
		ns = append(ns, n)
	}
	sort.SliceStable(ns, func(i, j int) bool { return ns[i].best > ns[j].best })
	if len(ns) == 0 {
		fmt.Fprintf(w, "no other item within %s shares a word pair with it\n", dedup.Window)
		return nil
	}
	ns = ns[:min(len(ns), nearCandidates)]
	ids := make([]int64, 0, len(ns))
	for _, n := range ns {
		if _, ok := items[n.m.ItemID]; !ok {
			ids = append(ids, n.m.ItemID)
		}
	}
	if err := st.EachItem(ctx, ids, func(it *store.FeedItem) error { items[it.ID] = *it; return nil }); err != nil {
		return &exitError{exitDatabase, err}
	}
	fmt.Fprintf(w, "nearest items that did not join (threshold %.2f, window %s):\n", dedup.Threshold, dedup.Window)
	for _, n := range ns {
		it := items[n.m.ItemID]
		feed := titles[it.FeedURL]
		if feed == "" {
			feed = it.FeedTitle
		}
		if feed == "" {
			feed = it.FeedURL
		}
		fmt.Fprintf(w, "  %d  %s  %s\n    %s\n", n.m.ItemID, n.m.Time.UTC().Format(time.RFC3339), feed, it.Title)
		text, title := n.d.TextScore, n.d.TitleScore
		if n.d.Reason == "" {
			text, title = story.Jaccard(self.Shingles, n.m.Shingles), story.Jaccard(self.TitleShingles, n.m.TitleShingles)
		}
		verdict := fmt.Sprintf("below the threshold %.2f", dedup.Threshold)
		switch {
		case n.why != "":
			verdict = n.why
		case max(text, title) >= dedup.Threshold:
			verdict = "at the threshold, but in another group: it joined one more similar"
		}
		fmt.Fprintf(w, "    title and summary %.2f, title %.2f: %s\n", text, title, verdict)
	}
	return nil
}
