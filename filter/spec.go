package filter

// This file is the contract between filter and its callers (cmd and config).
// Fields may be added; none renamed without updating the callers.

// GroupSpec is a named term group as written in the configuration:
// [groups.NAME] with terms = [...]. Each term is an expression of the topic
// language (a word, prefix*, "quoted phrase", @othergroup, or a small
// qualified expression). Groups may refer to other groups; cycles are errors.
type GroupSpec struct {
	Name           string
	Terms          []string
	Stem           string // "", "english" or "russian": stemming for this group's words
	FoldDiacritics bool
}

// TopicSpec is one [[topics]] table's matching part.
type TopicSpec struct {
	Name      string
	Query     string  // the rule, in the topic language
	Threshold float64 // score an item needs when the query uses weights; 0 = boolean

	// FoldDiacritics compares the query's own terms without diacritics
	// (groups have their own GroupSpec.FoldDiacritics).
	FoldDiacritics bool
}

// Item is what a topic is matched against. Summary and Content may hold
// HTML; filter reduces them to text itself.
type Item struct {
	Title      string
	Summary    string
	Content    string
	Authors    []string
	Categories []string
	FeedTitle  string
	FeedURL    string
	Link       string
}

// Error is a problem in a query or group term. Offset is the byte offset
// into the offending string (TopicSpec.Query when Group is empty, else
// GroupSpec.Terms[Term]) so that the caller can turn it into file:line:col.
type Error struct {
	Topic  string
	Group  string
	Term   int
	Offset int
	Msg    string
}

func (e *Error) Error() string { return e.Msg }
