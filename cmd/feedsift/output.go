package main

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"time"

	"github.com/feedsift/feedsift/feedout"
	"github.com/feedsift/feedsift/store"
	"github.com/google/uuid"
)

// idSpace is the namespace of feedsift's name-based (v5) UUIDs.
var idSpace = uuid.MustParse("5b0c5a52-7f6e-4d0a-9f43-fe3d5f0a1c2e")

// writeTopic writes one topic's Atom file and returns its entry count.
func (p *pass) writeTopic(ctx context.Context, t topic) (int, error) {
	limit := t.MaxEntries
	if t.Dedup {
		limit = 0 // copies are folded first, then the newest stories kept
	}
	ms, err := p.st.Matches(ctx, t.Name, limit)
	if err != nil {
		return 0, fmt.Errorf("topic %s: %w", t.Name, err)
	}
	var copies map[int64][]store.FeedItem
	if t.Dedup {
		if ms, copies, err = p.foldStories(ctx, t, ms); err != nil {
			return 0, fmt.Errorf("topic %s: %w", t.Name, err)
		}
		if t.MaxEntries > 0 && len(ms) > t.MaxEntries {
			ms = ms[:t.MaxEntries]
		}
	}
	path := filepath.Join(p.cfg.OutputDir, t.Name+".atom")
	f := p.topicFeed(t, ms, path)
	p.addCopies(f, ms, copies)
	if err := feedout.WriteFile(path, func(w io.Writer) error { return feedout.WriteAtom(w, f) }); err != nil {
		return 0, err
	}
	p.log.Info("topic written", "topic", t.Name, "path", path, "entries", len(ms))
	return len(ms), nil
}

// selfURL is where a topic's file is published: under base_url.
func (p *pass) selfURL(path string) string {
	return p.cfg.BaseURL + url.PathEscape(filepath.Base(path))
}

// topicFeed turns a topic's matches into the output document. It depends
// only on the stored items, so the same database gives the same bytes.
func (p *pass) topicFeed(t topic, ms []store.Matched, path string) *feedout.Feed {
	f := &feedout.Feed{
		ID:      "urn:uuid:" + uuid.NewSHA1(idSpace, []byte("topic\x00"+t.Name)).String(),
		Title:   t.Title,
		Self:    p.selfURL(path),
		Author:  "feedsift",
		Updated: time.Unix(0, 0).UTC(),
	}
	f.Link = p.cfg.BaseURL
	// A source is as recent as its newest entry here: deterministic, and
	// it changes only when one of its items does.
	sourceUpdated := map[string]time.Time{}
	for _, m := range ms {
		e := entry(m, p.feedTitle(&m.FeedItem))
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
		ID:          "urn:uuid:" + uuid.NewSHA1(idSpace, []byte("item\x00"+it.Key)).String(),
		Title:       it.Title,
		Link:        it.Link,
		Published:   published,
		Updated:     updated,
		Authors:     authors,
		SummaryHTML: it.Summary,
		ContentHTML: it.Content,
		Categories:  m.Reasons,
		Lang:        it.Lang,
	}
	if e.Title == "" {
		e.Title = "(untitled)"
	}
	for _, enc := range it.Enclosures {
		e.Enclosures = append(e.Enclosures, feedout.Enclosure{URL: enc.URL, Type: enc.Type, Length: enc.Length})
	}
	if feedTitle == "" {
		feedTitle = m.FeedURL
	}
	src := &feedout.Source{ID: m.FeedURL, Title: feedTitle, Home: m.FeedHome}
	if u, err := url.Parse(m.FeedURL); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
		src.Link = m.FeedURL
	} else {
		src.ID = "urn:uuid:" + uuid.NewSHA1(idSpace, []byte("feed\x00"+m.FeedURL)).String()
	}
	e.Source = src
	return e
}
