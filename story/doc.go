// Package story owns the decision that two feed items are one story: it
// canonicalises links (tracking parameters, AMP and redirect wrappers),
// reduces a title and summary to comparable shingles, indexes the
// recent ones by exact prefix filtering (joining by text also needs a
// shared MinHash/LSH band) so that placing an item costs the same however
// long the history is, and decides which group an item joins and with what
// similarity. Callers place items in order of time and expire what falls
// out of the window, so the index holds one window's items; an item is
// compared with at most Options.MaxCompared of them per kind of shingles,
// so a window crowded with similar text bounds the cost of each placement
// too. Decisions for a run of items can be made on several goroutines
// (DecideWith, each with its own Scratch) and completed with Consider. It is pure: no I/O, no SQL, no configuration files, and it
// imports none of feedsift's packages; callers hand it literal values and
// persist what it decides.
package story
