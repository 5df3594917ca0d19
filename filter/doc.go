// Package filter owns the topic language: it parses topic queries and named
// term groups, compiles them once, matches them against the text of an item
// and explains why an item matched. It also says cheaply which items cannot
// match (Screen) and learns a feed's boilerplate only from the items that
// matter to those that can (Batch). It is pure: it does no I/O, knows
// nothing of feeds, HTTP, SQL or configuration files, and is tested on
// labelled text.
package filter
