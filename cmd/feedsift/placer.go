package main

import (
	"slices"
	"sync"
	"time"

	"github.com/feedsift/feedsift/store"
	"github.com/feedsift/feedsift/story"
)

// placer groups a pass's new items while the pass is still fetching: the
// fetcher tells it of each save in order (stored, under the fetcher's
// save lock, so in the order of the new items' ids), the feed's goroutine
// then extracts the items' features (extract, in parallel), and one
// goroutine places them in id order, exactly as groupStories would place
// them after the fetch: the first groupBatch items choose the common
// shingles, then every item is placed in turn. groupStories takes the
// result when the items it finds ungrouped are exactly these.
type placer struct {
	window    time.Duration
	threshold float64

	mu      sync.Mutex
	queue   []*placing          // saves in order, not yet placed
	pending map[string]*placing // saves whose features are coming, by feed URL
	closed  bool
	wake    chan struct{}
	done    chan struct{}

	// Set by the placing goroutine; read after done.
	x     *story.Index
	items []story.Item
	best  []story.Decision
}

// placing is one save's new items.
type placing struct {
	ids   []int64
	now   time.Time // first seen
	items []story.Item
	ready bool
}

func newPlacer(window time.Duration, threshold float64) *placer {
	pl := &placer{window: window, threshold: threshold, pending: map[string]*placing{},
		wake: make(chan struct{}, 1), done: make(chan struct{})}
	go pl.run()
	return pl
}

// stored is the fetcher's Stored: it holds the save's place in line.
func (pl *placer) stored(feedURL string, saved store.Saved, now time.Time) {
	if len(saved.New) == 0 {
		return
	}
	p := &placing{ids: saved.New, now: now}
	pl.mu.Lock()
	pl.queue = append(pl.queue, p)
	pl.pending[feedURL] = p
	pl.mu.Unlock()
}

// saved extracts the features of a save's new items, in the feed's
// goroutine, and lets the placing goroutine have them.
func (pl *placer) saved(feedURL string, doc *store.Fetched, saved store.Saved) {
	if len(saved.New) == 0 {
		return
	}
	byID := make(map[int64]*store.Item, len(saved.New))
	for i := range doc.Items {
		if it := &doc.Items[i]; it.ID != 0 {
			byID[it.ID] = it
		}
	}
	pl.mu.Lock()
	p := pl.pending[feedURL]
	delete(pl.pending, feedURL)
	pl.mu.Unlock()
	if p == nil {
		return
	}
	// As groupStories would read them back: times in whole seconds.
	first := time.Unix(p.now.Unix(), 0).UTC()
	items := make([]story.Item, 0, len(saved.New))
	for _, id := range saved.New {
		it := byID[id]
		if it == nil {
			continue // SaveFeed sets the ID of what it inserts; finish will see it missing
		}
		var pub time.Time
		if !it.Published.IsZero() {
			pub = time.Unix(it.Published.Unix(), 0).UTC()
		}
		items = append(items, storyItem(&store.StoryItem{ID: id, FeedID: saved.FeedID, Link: it.Link,
			Title: it.Title, Text: store.StoryText(it.Summary, it.Content), Published: pub, FirstSeen: first}))
	}
	pl.mu.Lock()
	p.items, p.ready = items, true
	pl.mu.Unlock()
	pl.signal()
}

func (pl *placer) signal() {
	select {
	case pl.wake <- struct{}{}:
	default:
	}
}

// finish waits until every save told of is placed, and returns what was
// placed in id order: ok is false when a save's items never came. It
// may be called again, and returns the same.
func (pl *placer) finish() (x *story.Index, items []story.Item, best []story.Decision, ok bool) {
	pl.mu.Lock()
	pl.closed = true
	pl.mu.Unlock()
	pl.signal()
	<-pl.done
	pl.mu.Lock()
	defer pl.mu.Unlock()
	pl.flush()
	return pl.x, pl.items, pl.best, len(pl.queue) == 0
}

func (pl *placer) run() {
	defer close(pl.done)
	for {
		pl.mu.Lock()
		var ready []*placing
		for len(pl.queue) > 0 && pl.queue[0].ready {
			ready = append(ready, pl.queue[0])
			pl.queue = pl.queue[1:]
		}
		stop := pl.closed && len(ready) == 0
		pl.mu.Unlock()
		for _, p := range ready {
			pl.place(p.items)
		}
		if stop {
			return
		}
		if len(ready) == 0 {
			<-pl.wake
		}
	}
}

// place adds items to the index; the first groupBatch wait for the
// index to be made from them.
func (pl *placer) place(items []story.Item) {
	from := len(pl.items)
	pl.items = append(pl.items, items...)
	pl.best = append(pl.best, make([]story.Decision, len(items))...)
	if pl.x == nil {
		if len(pl.items) < groupBatch {
			return
		}
		pl.x, from = newStoryIndex(pl.items[:groupBatch], pl.window, pl.threshold), 0
	}
	for i := from; i < len(pl.items); i++ {
		pl.best[i] = pl.x.Place(pl.items[i])
	}
}

// flush places what waits for the index when fewer than groupBatch
// items came.
func (pl *placer) flush() {
	if pl.x == nil && len(pl.items) > 0 {
		pl.x = newStoryIndex(pl.items, pl.window, pl.threshold)
		for i := range pl.items {
			pl.best[i] = pl.x.Place(pl.items[i])
		}
	}
}

// placedIDs reports whether items are exactly ids (both in id order).
func placedIDs(items []story.Item, ids []int64) bool {
	return len(items) == len(ids) && slices.EqualFunc(items, ids, func(it story.Item, id int64) bool { return it.ID == id })
}
