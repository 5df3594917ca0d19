package feedout

import "time"

// plausibleFrom is the earliest date feedout publishes as a date. No web
// feed is older (the web dates from 1991, RSS from 1999): an earlier date
// is a placeholder (year 1, 1900-01-01, the Unix epoch) or a misreading,
// not the day something was published. The W3C Feed Validator draws the
// same line (ImplausibleDate).
var plausibleFrom = time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)

// plausible reports whether t is a date worth publishing; the zero time
// is not.
func plausible(t time.Time) bool { return !t.Before(plausibleFrom) }

// entryDates returns the dates e publishes: published (zero when it has
// none) and updated (never zero); ok is false when e has no date at all.
//
// An implausible date counts as missing. A missing or implausible updated
// date becomes the published one, else the time the entry was first seen.
// An implausible published date becomes the earliest date known for the
// entry: its updated date or the time first seen, whichever is earlier
// (it existed by then). With nothing plausible to go on, the dates are
// published as given rather than invented. Updated is never before
// published.
func entryDates(e *Entry) (published, updated time.Time, ok bool) {
	seen := e.FirstSeen
	if !plausible(seen) {
		seen = time.Time{}
	}
	published, updated = e.Published, e.Updated
	if !plausible(updated) {
		updated = time.Time{}
	}
	if !published.IsZero() && !plausible(published) {
		published = earliest(seen, updated)
	}
	if updated.IsZero() {
		updated = published
	}
	if updated.IsZero() {
		updated = seen
	}
	if updated.IsZero() {
		published, updated = e.Published, e.Updated
		if updated.IsZero() {
			updated = published
		}
		if updated.IsZero() {
			return time.Time{}, time.Time{}, false
		}
	}
	if updated.Before(published) {
		updated = published
	}
	return published, updated, true
}

// earliest returns the earlier of two times, ignoring a zero one.
func earliest(a, b time.Time) time.Time {
	if a.IsZero() || !b.IsZero() && b.Before(a) {
		return b
	}
	return a
}
