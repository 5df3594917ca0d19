package feedout

import (
	"hash/fnv"
	"time"
)

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

// Distinct updated times. The W3C Feed Validator warns (DuplicateUpdated)
// when two entries of one feed have the same atom:updated: it compares the
// literal values of every entry's updated in the document, nothing else.
// In feedsift's outputs they often agree honestly: sources date items to
// the second or the minute, feeds of one publisher date a story alike,
// and every undated item first seen in one run gets that run's time.
//
// Writing the same instant differently ("Z" and "+00:00") would satisfy
// the comparison and mean nothing; nudging only the entries that collide
// would move an entry's updated time when another entry arrives or
// leaves, which readers take for an edit. Instead every entry's dates are
// published to the microsecond, with a sub-second part that depends on
// the entry's id alone: the second its source stated, plus id-derived
// microseconds. No date leaves the second it was stated in (sources give
// none finer, and feedsift stores seconds), an entry's updated changes
// only when the entry's own date does, and the same input gives the same
// bytes. Published gets the same part, so that an entry never looks
// edited a fraction of a second after it appeared. Two ids with the same
// part (about one pair in a million) in the same second: the later entry
// takes the next free microsecond of that second. RSS's dates have no
// fractions and show the stated second.

// distinctDates gives each item's updated and published times the
// sub-second part of its id, unique among items.
func distinctDates(items []item) {
	type instant struct {
		sec  int64
		nsec int
	}
	used := make(map[instant]bool, len(items))
	for i := range items {
		it := &items[i]
		off := idMicros(it.id)
		base := it.updated.Truncate(time.Second)
		for k := 0; k < 1e6; k++ {
			u := base.Add(time.Duration((off+k)%1e6) * time.Microsecond)
			if key := (instant{u.Unix(), u.Nanosecond()}); !used[key] {
				used[key] = true
				off = (off + k) % 1e6
				break
			}
		}
		it.updated = base.Add(time.Duration(off) * time.Microsecond)
		if !it.published.IsZero() {
			it.published = it.published.Truncate(time.Second).Add(time.Duration(off) * time.Microsecond)
		}
	}
}

// idMicros is the sub-second part of an entry's dates, in microseconds:
// FNV-1a of its id.
func idMicros(id string) int {
	h := fnv.New64a()
	h.Write([]byte(id))
	return int(h.Sum64() % 1e6)
}

// Date is the date an entry is published under in every output: its
// published date, or its updated date when it has none (see entryDates
// for what stands in for a missing or implausible one); ok is false when
// it has no date at all. Callers that sort or split entries by date use
// it so that they agree with what a reader sees.
func (e *Entry) Date() (t time.Time, ok bool) {
	published, updated, ok := entryDates(e)
	if !published.IsZero() {
		return published, ok
	}
	return updated, ok
}
