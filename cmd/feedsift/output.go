package main

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"slices"
	"sort"
	"time"

	"github.com/feedsift/feedsift/feedout"
	"github.com/feedsift/feedsift/fetcher"
	"github.com/feedsift/feedsift/filter"
	"github.com/feedsift/feedsift/store"
	"github.com/google/uuid"
)

// idSpace is the namespace of feedsift's name-based (v5) UUIDs.
var idSpace = uuid.MustParse("5b0c5a52-7f6e-4d0a-9f43-fe3d5f0a1c2e")

// Files in output_dir besides the topics' feeds.
const (
	indexFile   = "index.html"
	topicsOPML  = "topics.opml"  // every topic's feed: subscribe to all at once
	sourcesOPML = "sources.opml" // the subscribed source feeds (http and https)
	indexLatest = 10             // entries per topic on the index page
)

// written is one topic's output, for the index page.
type written struct {
	t    topic
	feed *feedout.Feed
}

// writeTopic writes one topic's feeds (Atom, and RSS and JSON Feed unless
// formats says otherwise) and returns its document.
func (p *pass) writeTopic(ctx context.Context, t topic) (*feedout.Feed, error) {
	f, err := p.buildTopic(ctx, t)
	if err != nil {
		return nil, err
	}
	if err := p.publish(t, t.Name, f); err != nil {
		return nil, err
	}
	p.log.Info("topic written", "topic", t.Name, "path", filepath.Join(p.cfg.OutputDir, t.Name+"."+t.Formats[0]),
		"formats", fmt.Sprint(t.Formats), "entries", len(f.Entries))
	return f, nil
}

// publish writes f as name in t's formats, keeping what changed for the
// WebSub hub: a topic's feeds and its digest are written alike.
func (p *pass) publish(t topic, name string, f *feedout.Feed) error {
	formats := make([]feedout.Format, len(t.Formats))
	for i, s := range t.Formats {
		formats[i] = feedout.Format(s)
	}
	changed, err := feedout.Publish(p.cfg.OutputDir, p.cfg.BaseURL, name, *f, formats...)
	p.changed = append(p.changed, changed...)
	return err
}

// datedEmpty dates a document with no entries: as old as the collection
// (stable, and a real date instead of the Unix epoch).
func (p *pass) datedEmpty(ctx context.Context, f *feedout.Feed) error {
	if len(f.Entries) > 0 {
		return nil
	}
	since, err := p.st.Since(ctx)
	if err != nil {
		return err
	}
	if !since.IsZero() {
		f.Updated = since
	}
	return nil
}

// shownOf is what a topic's output shows of its matches ms (newest
// first, as store.Matches orders them): with story grouping, one entry a
// story, made of its copy seen first, with the other copies it lists;
// then the newest max_entries. It is the one definition that the outputs,
// replay's diff and retention share.
func (p *pass) shownOf(ctx context.Context, t topic, ms []store.Matched) ([]store.Matched, map[int64][]store.FeedItem, error) {
	ms, copies, err := p.storiesOf(ctx, t, ms)
	if err != nil {
		return nil, nil, err
	}
	if t.MaxEntries > 0 && len(ms) > t.MaxEntries {
		ms = ms[:t.MaxEntries]
	}
	return ms, copies, nil
}

// storiesOf is shownOf before max_entries: every story the topic
// publishes, which the digest lists by period.
func (p *pass) storiesOf(ctx context.Context, t topic, ms []store.Matched) ([]store.Matched, map[int64][]store.FeedItem, error) {
	var copies map[int64][]store.FeedItem
	if t.Dedup {
		var err error
		if ms, copies, err = p.foldStories(ctx, t, ms); err != nil {
			return nil, nil, err
		}
	}
	if len(t.mutes) > 0 {
		var err error
		if ms, err = p.unmuted(ctx, t, ms); err != nil {
			return nil, nil, err
		}
	}
	if t.MinOutlets > 1 {
		kept := ms[:0:0]
		for _, m := range ms {
			if outletsOf(m, copies[m.ID]) >= t.MinOutlets {
				kept = append(kept, m)
			}
		}
		ms = kept
	}
	return ms, copies, nil
}

// unmuted is ms without the items a mute of t in force hides, as a run
// prepares items for matching (storedDocs).
func (p *pass) unmuted(ctx context.Context, t topic, ms []store.Matched) ([]store.Matched, error) {
	now := p.now()
	var live []*filter.Topic
	for _, m := range t.mutes {
		if m.InForce(now) {
			live = append(live, m.match)
		}
	}
	if len(live) == 0 || len(ms) == 0 {
		return ms, nil
	}
	ids := make([]int64, len(ms))
	for i, m := range ms {
		ids[i] = m.ID
	}
	hidden := map[int64]bool{}
	err := p.storedDocs(ctx, ids, live, func(*store.FeedItem) (bool, bool) { return false, false }, func(it *store.FeedItem, d *filter.Doc) {
		for _, m := range live {
			if m.Match(d).Match {
				hidden[it.ID] = true
				return
			}
		}
	})
	if err != nil {
		return nil, err
	}
	kept := ms[:0:0]
	for _, m := range ms {
		if !hidden[m.ID] {
			kept = append(kept, m)
		}
	}
	return kept, nil
}

// outletsOf is how many outlets (feeds) carry the story of m: its own
// feed and those of its copies, each once. Entries say it, min_outlets
// and index_order = "outlets" go by it.
func outletsOf(m store.Matched, copies []store.FeedItem) int {
	feeds := map[string]bool{m.FeedURL: true}
	for _, c := range copies {
		feeds[c.FeedURL] = true
	}
	return len(feeds)
}

// shown is what a topic's output shows now, from its stored matches.
func (p *pass) shown(ctx context.Context, t topic) ([]store.Matched, map[int64][]store.FeedItem, error) {
	limit := t.MaxEntries
	if t.Dedup || len(t.mutes) > 0 {
		limit = 0 // copies are folded and mutes applied first, then the newest stories kept
	}
	ms, err := p.st.Matches(ctx, t.Name, limit)
	if err != nil {
		return nil, nil, err
	}
	return p.shownOf(ctx, t, ms)
}

// buildTopic returns one topic's document from its stored matches.
func (p *pass) buildTopic(ctx context.Context, t topic) (*feedout.Feed, error) {
	ms, copies, err := p.shown(ctx, t)
	if err != nil {
		return nil, fmt.Errorf("topic %s: %w", t.Name, err)
	}
	f := p.topicFeed(t, ms)
	p.addCopies(f, ms, copies)
	if err := p.datedEmpty(ctx, f); err != nil { // nothing matched yet
		return nil, fmt.Errorf("topic %s: %w", t.Name, err)
	}
	return f, nil
}

// writeIndex writes the HTML index page and the two OPML lists.
func (p *pass) writeIndex(ctx context.Context, outs []written) error {
	// Updated is when this pass wrote the page, not its newest entry's.
	idx := feedout.Index{Title: p.cfg.SiteTitle, OPML: topicsOPML, Updated: p.now().UTC().Truncate(time.Second)}
	var topicFeeds []feedout.OPMLFeed
	for _, o := range outs {
		it := feedout.IndexTopic{Name: o.t.Name, Title: o.t.Title}
		for _, f := range o.t.Formats {
			name := o.t.Name + "." + f
			switch f {
			case "atom":
				it.Atom = name
			case "rss":
				it.RSS = name
			case "json":
				it.JSON = name
			}
		}
		topicFeeds = append(topicFeeds, feedout.OPMLFeed{Title: o.t.Title, XMLURL: p.cfg.BaseURL + o.t.Name + "." + o.t.Formats[0], HTMLURL: p.cfg.BaseURL})
		entries := o.feed.Entries
		if o.t.IndexOrder == "outlets" {
			entries = slices.Clone(entries)
			sort.SliceStable(entries, func(i, j int) bool { return entries[i].Outlets > entries[j].Outlets })
		}
		for i, e := range entries {
			if i == indexLatest {
				break
			}
			src := ""
			if e.Source != nil {
				src = e.Source.Title
			}
			text := e.SummaryHTML
			if text == "" {
				text = e.ContentHTML
			}
			it.Entries = append(it.Entries, feedout.IndexEntry{Title: e.Title, Link: e.Link, Date: e.Published, FirstSeen: e.FirstSeen,
				Source: src, Snippet: feedout.PlainText(text), Groups: e.Categories[:min(len(e.Categories), 8)], Outlets: e.Outlets, Lang: e.Lang,
				Highlight: e.Highlight})
		}
		idx.Topics = append(idx.Topics, it)
	}
	dir := p.cfg.OutputDir
	if err := feedout.WriteFile(filepath.Join(dir, indexFile), func(w io.Writer) error { return feedout.WriteIndex(w, idx) }); err != nil {
		return err
	}
	if err := feedout.WriteFile(filepath.Join(dir, topicsOPML), func(w io.Writer) error {
		return feedout.WriteOPML(w, "feedsift topics", topicFeeds)
	}); err != nil {
		return err
	}
	stored, err := p.st.Feeds(ctx)
	if err != nil {
		return err
	}
	home := map[string]store.Feed{}
	for _, f := range stored {
		home[f.URL] = f
	}
	var sources []feedout.OPMLFeed
	for _, f := range p.cfg.Feeds {
		if u, err := url.Parse(f.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") {
			continue // local files are not published
		}
		if fetcher.HasSecret(f.URL) {
			continue // nor a URL with a password or a token in it
		}
		title := f.Title
		if title == "" {
			title = home[f.URL].Title
		}
		if title == "" {
			title = f.URL
		}
		sources = append(sources, feedout.OPMLFeed{Title: title, XMLURL: f.URL, HTMLURL: home[f.URL].Home})
	}
	if len(sources) == 0 {
		return nil // only local files: nothing to publish
	}
	return feedout.WriteFile(filepath.Join(dir, sourcesOPML), func(w io.Writer) error {
		return feedout.WriteOPML(w, "feedsift sources", sources)
	})
}

// topicFeed turns a topic's matches into the output document. It depends
// only on the stored items, so the same database gives the same bytes.
func (p *pass) topicFeed(t topic, ms []store.Matched) *feedout.Feed {
	f := &feedout.Feed{
		ID:      "urn:uuid:" + uuid.NewSHA1(idSpace, []byte("topic\x00"+t.Name)).String(),
		Title:   t.Title,
		Link:    p.cfg.BaseURL,
		Author:  "feedsift",
		Updated: time.Unix(0, 0).UTC(),
		Hub:     p.cfg.WebSubHub,
	}
	// A source is as recent as its newest entry here: deterministic, and
	// it changes only when one of its items does.
	sourceUpdated := map[string]time.Time{}
	groups := map[string]bool{}
	if t.Highlight {
		for _, g := range p.cfg.Groups {
			groups[g.Name] = true
		}
	}
	for _, m := range ms {
		e := entry(m, p.feedTitle(&m.FeedItem))
		if t.Highlight {
			// The reasons are the groups that matched, then the words
			// as the item writes them: those are marked.
			for _, r := range m.Reasons {
				if !groups[r] {
					e.Highlight = append(e.Highlight, r)
				}
			}
		}
		if e.Updated.After(f.Updated) {
			f.Updated = e.Updated
		}
		if e.Updated.After(sourceUpdated[m.FeedURL]) {
			sourceUpdated[m.FeedURL] = e.Updated
		}
		f.Entries = append(f.Entries, e)
	}
	for i := range f.Entries {
		f.Entries[i].Source.Updated = sourceUpdated[ms[i].FeedURL]
	}
	return f
}

// entryID is the Atom id of the item with the given key: stable across
// runs and re-evaluations.
func entryID(key string) string {
	return "urn:uuid:" + uuid.NewSHA1(idSpace, []byte("item\x00"+key)).String()
}

func entry(m store.Matched, feedTitle string) feedout.Entry {
	it := m.Item
	published := it.Published
	if published.IsZero() {
		published = it.FirstSeen
	}
	updated := it.Updated
	if updated.IsZero() {
		updated = published
	}
	// A change the feed did not date still changes the entry's updated.
	if it.ChangedAt.After(it.FirstSeen) && it.ChangedAt.After(updated) {
		updated = it.ChangedAt
	}
	if updated.Before(published) {
		updated = published
	}
	authors := it.Authors
	if len(authors) == 0 && feedTitle != "" {
		authors = []string{feedTitle}
	}
	e := feedout.Entry{
		ID:          entryID(it.Key),
		Title:       it.Title,
		Link:        it.Link,
		Published:   published,
		Updated:     updated,
		FirstSeen:   it.FirstSeen,
		Authors:     authors,
		SummaryHTML: it.Summary,
		ContentHTML: it.Content,
		Categories:  m.Reasons,
		Lang:        it.Lang,
	}
	for _, enc := range it.Enclosures {
		e.Enclosures = append(e.Enclosures, feedout.Enclosure{URL: enc.URL, Type: enc.Type, Length: enc.Length})
	}
	if feedTitle == "" {
		feedTitle = fetcher.RedactURL(m.FeedURL)
	}
	src := &feedout.Source{ID: m.FeedURL, Title: feedTitle, Home: m.FeedHome}
	if u, err := url.Parse(m.FeedURL); err == nil && (u.Scheme == "http" || u.Scheme == "https") && !fetcher.HasSecret(m.FeedURL) {
		src.Link = m.FeedURL
	} else {
		// A local file has no URL to publish; its (relative) file: URL
		// names it. A URL with a password or a token in it is never
		// published: an id made from it stands for it.
		src.ID = "urn:uuid:" + uuid.NewSHA1(idSpace, []byte("feed\x00"+m.FeedURL)).String()
	}
	e.Source = src
	return e
}

// outputNames are the files a pass writes in the output directory: each
// topic's feeds in its formats, the index page and the two OPML lists.
// serve serves these and nothing else.
func (s *setup) outputNames() []string {
	names := []string{"index.html", topicsOPML, sourcesOPML}
	for _, t := range s.topics {
		for _, f := range t.Formats {
			names = append(names, t.Name+"."+f)
			if t.Digest != "" {
				names = append(names, digestName(t)+"."+f)
			}
		}
	}
	return names
}
