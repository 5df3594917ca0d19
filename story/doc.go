// Package story owns the decision that two feed items are one story: it
// canonicalises links (tracking parameters, AMP and redirect wrappers),
// reduces a title and summary to comparable shingles, indexes the
// recent ones by exact prefix filtering (joining by text also needs a
// shared MinHash/LSH band) so that placing an item costs the same however
// long the history is, and decides which group an item joins and with what
// similarity. It is pure: no I/O, no SQL, no configuration files, and it
// imports none of feedsift's packages; callers hand it literal values and
// persist what it decides.
package story
