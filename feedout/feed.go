package feedout

import "time"

// This file is the contract between feedout and its caller (cmd). Fields may
// be added; none renamed without updating the caller.

// Feed is one topic's output document.
type Feed struct {
	ID       string // a stable IRI for the topic feed
	Title    string
	Subtitle string
	Link     string // alternate (HTML) page, optional
	Self     string // absolute URL where this document is published
	Updated  time.Time
	Author   string // feed-level author name (required by Atom when entries lack one)
	Lang     string // language of the feed (BCP 47, e.g. "en"), optional
	Hub      string // a WebSub hub (rel="hub"), optional: readers subscribe there for instant updates
	Entries  []Entry
}

// Entry is one matched item. HTML fields are as stored (untrusted): feedout
// sanitises them before publishing.
type Entry struct {
	ID          string // stable across runs
	Title       string // plain text
	Link        string
	Published   time.Time
	Updated     time.Time
	FirstSeen   time.Time // when the caller first saw it: stands in for a date before 1990
	Authors     []string
	SummaryHTML string
	ContentHTML string
	Categories  []string // why it matched: groups/terms
	Lang        string
	Enclosures  []Enclosure
	Source      *Source // the feed the item came from
	Related     []Link  // other copies of the same story (rel="related"; JSON Feed: _feedsift.related)
	// Outlets is how many outlets (feeds) carry the story, the entry's
	// own included (JSON Feed: _feedsift.outlets); 0 or 1: this one.
	Outlets int
	// Highlight are words (as the text writes them) to mark in the
	// published summary and content (<mark>); the title stays plain.
	Highlight []string
}

// Link is a link to a related page: another outlet's copy of a story.
type Link struct {
	Href  string
	Title string // plain text, e.g. the outlet's name
}

// Enclosure is an attached media file.
type Enclosure struct {
	URL    string
	Type   string
	Length int64
}

// Source is the provenance of an entry (atom:source).
type Source struct {
	ID      string
	Title   string
	Link    string // the source feed's own URL
	Home    string // the source site's HTML page
	Updated time.Time
}
