// Package feedout owns what people subscribe to: it renders a topic's
// matched entries as Atom (and other formats), sanitises the HTML it
// publishes and replaces output files atomically. It reads no database and
// no configuration; callers hand it literal values.
//
// Writers: WriteAtom (RFC 4287), WriteRSS (RSS 2.0 with atom:link self) and
// WriteJSONFeed (JSON Feed 1.1) take one Feed and publish the same content;
// Write does all three into a directory with per-format self URLs.
// Output depends only on the input (dates are written in UTC, nothing reads
// the clock), so the same Feed gives the same bytes. The outputs are meant
// to pass the W3C feed validator with no errors and no warnings; see
// TestWrite_Checkers.
//
// What the caller must provide (else an error matching ErrInvalid): Feed.ID
// (an absolute IRI such as tag:example.org,2025:topic/golang), Title, Self
// (the absolute http(s) URL the document is served at; for a local file the
// validator treats it as the file's location), Updated, and Author unless
// every entry has Authors. Each Entry needs a unique absolute-IRI ID and
// Updated, Published or FirstSeen. A Source needs an ID or Link, and
// Updated (its ID defaults to Link; a title that cleans to nothing becomes
// its feed's host). Untrusted data is cleaned, not refused: HTML
// goes through SanitizeHTMLBase with the entry's link as base, non-http(s)
// links and enclosures are dropped, bad language tags are dropped, an
// untitled entry is titled from its text, and an entry with no text gets
// its title as summary.
//
// Characters (text.go): published text holds no character XML cannot
// carry and none that misleads a reader. C1 controls, windows-1252 read as
// ISO-8859-1, become the windows-1252 character meant (U+0093 a curly
// quote); U+FFFD, noncharacters and the bidi embedding, override and
// isolate controls that could make a title read as something else are
// dropped.
//
// Dates (dates.go): a date before 1990 is not a publication date (a
// placeholder such as year 1, 1900-01-01 or the Unix epoch; the validator
// calls it implausible): an entry publishes the time it was first seen
// (Entry.FirstSeen) instead. An entry's dates are published to the
// microsecond: the second given plus a fraction derived from the entry's
// id alone, so that entries dated the same second (all those first seen in
// one run) have distinct atom:updated values, as the validator asks,
// while an entry's updated changes only when its own date does. A feed
// and each atom:source are at least as recent as their newest entry.
//
// Also: WriteFile (atomic replace), WriteOPML and ReadOPML (subscription
// lists), WriteIndex (the HTML page listing topics) and Handler (serves the
// output directory with ETag, Last-Modified, 304s and gzip).
//
// feedout imports none of feedsift's packages and must not: cmd turns
// stored items and matches into Feed values.
package feedout
