package main

import (
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

// groupBatch is how many ungrouped items grouping reads, places and saves
// at a time.
const groupBatch = 2000

// groupStories places every item not yet in a story group (this run's new
// items; after an upgrade, all older ones) in order of arrival, comparing
// it only with the members stored within the window of it. It reads the
// new items in batches, only what grouping needs of them, and places them
// in an index of their own; then it reads the stored members a few hours
// at a time and offers each to the new items it could join (joining is
// symmetric), so that the window's members are never all in memory.
func (p *pass) groupStories(ctx context.Context) (joined int, err error) {
	if !p.cfg.Dedup.Enabled {
		return 0, nil
	}
	var placed *placer
	placed, p.placed = p.placed, nil
	if placed != nil {
		placed.finish() // before any return
	}
	stamps, err := p.st.UngroupedStamps(ctx)
	if err != nil || len(stamps) == 0 {
		return 0, err
	}
	window := p.cfg.Dedup.Window
	ids := make([]int64, len(stamps))
	times := make([]time.Time, len(stamps))
	for i := range stamps {
		ids[i] = stamps[i].ID
		times[i] = storyTimeOf(stamps[i].Published, stamps[i].FirstSeen)
	}
	stamps = nil
	// The spans of time the stored members can join from: within the
	// window of a new item (feeds' dates can lie centuries apart).
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	var spans [][2]time.Time
	for _, t := range times {
		if n := len(spans); n > 0 && !t.Add(-window).After(spans[n-1][1]) {
			spans[n-1][1] = t.Add(window)
		} else {
			spans = append(spans, [2]time.Time{t.Add(-window), t.Add(window)})
		}
	}
	times = nil
	// The new items among themselves, in id order: placed during the
	// fetch when the placer saw exactly these, else read back now.
	var (
		x     *story.Index
		items []story.Item
		best  []story.Decision
	)
	if placed != nil {
		var ok bool
		x, items, best, ok = placed.finish()
		if !ok || !placedIDs(items, ids) {
			p.log.Debug("stories: grouping the ungrouped items again", "placed", len(items), "ungrouped", len(ids))
			x, items, best = nil, nil, nil
		}
	}
	if x == nil {
		items = make([]story.Item, 0, len(ids))
		best = make([]story.Decision, len(ids))
		for b := 0; b < len(ids); b += groupBatch {
			batch, err := p.st.StoryItems(ctx, ids[b:min(len(ids), b+groupBatch)])
			if err != nil {
				return 0, err
			}
			for i := range batch {
				items = append(items, storyItem(&batch[i]))
			}
			if x == nil {
				// The shingles common in the first batch are looked up
				// last: the same decisions, far fewer candidates.
				x = newStoryIndex(items, window, p.groupThreshold())
			}
			for i := b; i < len(items); i++ {
				best[i] = x.Place(items[i])
			}
		}
	}
	// An item deleted meanwhile (retention) is simply not read.
	ids, best = ids[:len(items)], best[:len(items)]
	for i := range items {
		ids[i] = items[i].ID
	}
	at := func(id int64) int {
		i, ok := slices.BinarySearch(ids, id)
		if !ok {
			return -1
		}
		return i
	}
	// The stored members, a few hours at a time: each may be a better
	// parent for the new items it could join (the same score with a lower
	// id, as Decide prefers).
	held := 0
	const slice = 6 * time.Hour
	for _, span := range spans {
		for a := span[0]; !a.After(span[1]); a = a.Add(slice) {
			known, err := p.st.StoryWindow(ctx, a, minTime(a.Add(slice-time.Second), span[1]))
			if err != nil {
				return 0, err
			}
			held += len(known)
			for k := range known {
				m := &known[k]
				if at(m.ItemID) >= 0 {
					continue // placed by this pass already (an item cannot be both)
				}
				it := story.Item{ID: m.ItemID, Feed: m.FeedID, Time: m.Time,
					Features: story.Features{Link: m.Link, Host: hostOf(m.Link), TitleKey: m.TitleKey,
						Shingles: m.Shingles, TitleShingles: m.TitleShingles}}
				x.Candidates(it, func(e *story.Member, d story.Decision) {
					i := at(e.ID)
					if cur := &best[i]; d.Score > cur.Score || (d.Score == cur.Score && m.ItemID < cur.Parent) {
						d.Group, d.Parent = m.GroupID, m.ItemID
						*cur = d
					}
				})
			}
		}
	}
	if peakProfile != nil {
		peakProfile()
		runtime.KeepAlive(x)
	}
	// Groups follow parents, which come first in id order.
	for i := range best {
		d := &best[i]
		switch j := at(d.Parent); {
		case d.Parent == 0:
			d.Group = ids[i]
		case j >= 0:
			d.Group = best[j].Group
		}
		if d.Parent != 0 {
			joined++
		}
	}
	for b := 0; b < len(items); b += groupBatch {
		out := make([]store.StoryMember, 0, groupBatch)
		for i := b; i < min(len(items), b+groupBatch); i++ {
			it, d := &items[i], &best[i]
			out = append(out, store.StoryMember{ItemID: it.ID, GroupID: d.Group, ParentID: d.Parent, Score: d.Score,
				Reason: string(d.Reason), TextScore: d.TextScore, TitleScore: d.TitleScore, Time: it.Time,
				Link: it.Link, TitleKey: it.TitleKey, Shingles: it.Shingles, TitleShingles: it.TitleShingles})
		}
		if err := p.st.SaveStoryMembers(ctx, out); err != nil {
			return 0, err
		}
	}
	p.log.Debug("stories grouped", "items", len(items), "joined", joined, "window_members", held)
	return joined, nil
}

// newStoryIndex returns an index whose common shingles are those of
// first (a pass's first groupBatch new items).
func newStoryIndex(first []story.Item, window time.Duration, threshold float64) *story.Index {
	sample := make([]story.Features, len(first))
	for i := range first {
		sample[i] = first[i].Features
	}
	return story.NewIndex(story.Options{Window: window, Threshold: threshold, Common: story.CommonShingles(sample)})
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
