// Package feedout owns what people subscribe to: it renders a topic's
// matched entries as Atom (and other formats), sanitises the HTML it
// publishes and replaces output files atomically. It reads no database and
// no configuration; callers hand it literal values.
package feedout
