// Package filter owns the topic language: it parses topic queries and named
// term groups, compiles them once, matches them against the text of an item
// and explains why an item matched. It is pure: it does no I/O, knows nothing
// of feeds, HTTP, SQL or configuration files, and is tested on labelled text.
package filter
