package feedout

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestEntryDates(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 12, 0, 0, 0, time.UTC) }
	var (
		zero   time.Time
		year1  = time.Date(1, 1, 2, 0, 0, 0, 0, time.UTC) // 0001-01-01T00:00:00Z is the zero time
		y1900  = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
		epoch  = time.Unix(0, 0).UTC()
		y1989  = time.Date(1989, 12, 31, 23, 59, 59, 0, time.UTC)
		y1990  = time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)
		pub    = day(2025, 3, 1)
		upd    = day(2025, 3, 5)
		seen   = day(2025, 6, 1)
		before = day(2025, 2, 1)
	)
	tests := []struct {
		name                       string
		published, updated, seen   time.Time
		wantPublished, wantUpdated time.Time
		wantOK                     bool
	}{
		{"plausible dates kept", pub, upd, seen, pub, upd, true},
		{"no updated: published", pub, zero, seen, pub, pub, true},
		{"no published: none", zero, upd, seen, zero, upd, true},
		{"only first seen", zero, zero, seen, zero, seen, true},
		{"no date at all", zero, zero, zero, zero, zero, false},
		{"year 1 published, no updated", year1, zero, seen, seen, seen, true},
		{"1900 published and updated", y1900, y1900, seen, seen, seen, true},
		{"epoch published", epoch, zero, seen, seen, seen, true},
		{"1989 is implausible", y1989, zero, seen, seen, seen, true},
		{"1990 is plausible", y1990, zero, seen, y1990, y1990, true},
		{"implausible published, plausible updated before first seen", year1, upd, seen, upd, upd, true},
		{"implausible published, first seen before updated", year1, upd, before, before, upd, true},
		{"implausible updated: published", pub, y1900, seen, pub, pub, true},
		{"implausible first seen ignored", year1, zero, y1900, year1, year1, true},
		{"nothing plausible: as given", year1, y1900, zero, year1, y1900, true},
		{"updated before published raised", pub, before, seen, pub, pub, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := &Entry{Published: tt.published, Updated: tt.updated, FirstSeen: tt.seen}
			p, u, ok := entryDates(e)
			if !p.Equal(tt.wantPublished) || !u.Equal(tt.wantUpdated) || ok != tt.wantOK {
				t.Errorf("entryDates(published %v, updated %v, seen %v)\n = %v, %v, %v\nwant %v, %v, %v",
					tt.published, tt.updated, tt.seen, p, u, ok, tt.wantPublished, tt.wantUpdated, tt.wantOK)
			}
			// Date is the published date shown, else the updated one.
			want := tt.wantPublished
			if want.IsZero() {
				want = tt.wantUpdated
			}
			if d, ok := e.Date(); !d.Equal(want) || ok != tt.wantOK {
				t.Errorf("Date() = %v, %v; want %v, %v", d, ok, want, tt.wantOK)
			}
		})
	}
}

// TestWrite_ImplausibleDates: an entry dated year 1 is published with the
// time it was first seen, in every format, and its source and the feed
// are not older than it.
func TestWrite_ImplausibleDates(t *testing.T) {
	seen := time.Date(2026, 11, 20, 6, 0, 0, 0, time.UTC)
	ancient := time.Date(1, 1, 2, 0, 0, 0, 0, time.UTC)
	// Three entries, two of them with a source.
	want := map[string]map[string]int{
		"atom": {"<published>2026-11-20T06:00:00": 3, "<updated>2026-11-20T06:00:00": 3 + 2 + 1},
		"rss":  {"<pubDate>Fri, 20 Nov 2026 06:00:00 +0000</pubDate>": 3},
		"json": {`"date_published": "2026-11-20T06:00:00`: 3, `"date_modified": "2026-11-20T06:00:00`: 3, `"updated": "2026-11-20T06:00:00`: 2},
	}
	for _, fm := range formats {
		t.Run(fm.name, func(t *testing.T) {
			f := testFeed(selfURL(fm.ext))
			f.Updated = time.Unix(0, 0) // what cmd passes when no entry has a date
			for i := range f.Entries {
				e := &f.Entries[i]
				e.Published, e.Updated, e.FirstSeen = ancient, time.Time{}, seen
				if e.Source != nil {
					e.Source.Updated = ancient
				}
			}
			var buf bytes.Buffer
			if err := fm.write(&buf, f); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			for _, bad := range []string{"0001-", "1970-", "Jan 0001", "Jan 1970"} {
				if strings.Contains(out, bad) {
					t.Errorf("output has %q", bad)
				}
			}
			for w, n := range want[fm.ext] {
				if got := strings.Count(out, w); got != n {
					t.Errorf("%d × %s, want %d", got, w, n)
				}
			}
		})
	}
}

// TestPrepare_NewestEntry: the feed's and each source's updated time are
// at least their newest entry's.
func TestPrepare_NewestEntry(t *testing.T) {
	t0 := time.Date(2025, 1, 15, 10, 0, 0, 0, time.UTC)
	src := func(updated time.Time) *Source {
		return &Source{ID: "tag:example.org,2025:src", Title: "S", Updated: updated}
	}
	f := &Feed{ID: "tag:example.org,2025:f", Title: "f", Self: selfURL("atom"), Author: "a", Updated: t0.Add(-time.Hour),
		Entries: []Entry{
			{ID: "tag:example.org,2025:1", Updated: t0, Source: src(t0.Add(-2 * time.Hour))},
			{ID: "tag:example.org,2025:2", Updated: t0.Add(-30 * time.Minute), Source: src(t0.Add(-2 * time.Hour))},
			{ID: "tag:example.org,2025:3", Updated: t0.Add(-3 * time.Hour), Source: &Source{ID: "tag:example.org,2025:other", Title: "O", Updated: t0.Add(-time.Minute)}},
		}}
	d, err := prepare(f)
	if err != nil {
		t.Fatal(err)
	}
	newest := d.items[0].updated // t0 and a fraction of a second
	if !d.updated.Equal(newest) {
		t.Errorf("feed updated %v, want the newest entry's %v", d.updated, newest)
	}
	for i, want := range []time.Time{newest, newest, t0.Add(-time.Minute)} {
		if got := d.items[i].source.Updated; !got.Equal(want) {
			t.Errorf("entry %d: source updated %v, want %v", i, got, want)
		}
	}
	if !f.Entries[0].Source.Updated.Equal(t0.Add(-2 * time.Hour)) {
		t.Errorf("the caller's Source was changed")
	}
}

func TestDistinctDates(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	// Two ids whose sub-second parts agree, found by search.
	var clashA, clashB string
	byPart := map[int]string{}
	for i := 0; clashB == ""; i++ {
		id := fmt.Sprintf("tag:example.org,2026:clash/%d", i)
		if other, ok := byPart[idMicros(id)]; ok {
			clashA, clashB = other, id
		}
		byPart[idMicros(id)] = id
	}
	mk := func(id string, published, updated time.Time) item {
		return item{id: id, published: published, updated: updated}
	}
	tests := []struct {
		name  string
		items []item
	}{
		{"one entry", []item{mk("tag:a", t0, t0)}},
		{"same second", []item{mk("tag:a", t0, t0), mk("tag:b", t0, t0), mk("tag:c", time.Time{}, t0)}},
		{"updated after published", []item{mk("tag:a", t0.Add(-time.Hour), t0), mk("tag:b", t0, t0.Add(time.Minute))}},
		{"sub-second input", []item{mk("tag:a", t0.Add(300*time.Millisecond), t0.Add(700*time.Millisecond))}},
		{"clashing ids", []item{mk(clashA, t0, t0), mk(clashB, t0, t0)}},
		{"many in one second", func() []item {
			var its []item
			for i := range 500 {
				its = append(its, mk(fmt.Sprintf("urn:uuid:%d", i), t0, t0))
			}
			return its
		}()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := append([]item(nil), tt.items...)
			distinctDates(tt.items)
			seen := map[string]string{}
			for i, it := range tt.items {
				was := in[i]
				u := rfc3339(it.updated)
				if other, dup := seen[u]; dup {
					t.Errorf("%s and %s both updated %s", other, it.id, u)
				}
				seen[u] = it.id
				if got, want := it.updated.Truncate(time.Second), was.updated.Truncate(time.Second); !got.Equal(want) {
					t.Errorf("%s: updated %s left the second %s", it.id, u, want)
				}
				if it.updated.Nanosecond()%1000 != 0 {
					t.Errorf("%s: updated %v is finer than a microsecond", it.id, it.updated)
				}
				if was.published.IsZero() != it.published.IsZero() {
					t.Errorf("%s: published %v, was %v", it.id, it.published, was.published)
				}
				if !was.published.IsZero() {
					if it.published.Nanosecond() != it.updated.Nanosecond() {
						t.Errorf("%s: published %v and updated %v differ in their fractions", it.id, it.published, it.updated)
					}
					if got, want := it.published.Truncate(time.Second), was.published.Truncate(time.Second); !got.Equal(want) {
						t.Errorf("%s: published %v left the second %v", it.id, it.published, want)
					}
				}
				// Alone, an entry gets the same dates: they depend on it
				// only, unless its id clashes with an earlier entry's.
				alone := []item{was}
				distinctDates(alone)
				moved := it.updated.Nanosecond()/1000 != idMicros(it.id)
				if moved != (it.id == clashB) {
					t.Errorf("%s: updated %v, its id's part is %d µs", it.id, it.updated, idMicros(it.id))
				}
				if !moved && !alone[0].updated.Equal(it.updated) {
					t.Errorf("%s: updated %v among others, %v alone", it.id, it.updated, alone[0].updated)
				}
			}
		})
	}
}

// TestWrite_DistinctUpdated: entries dated the same second have distinct
// atom:updated values; RSS shows the second as stated.
func TestWrite_DistinctUpdated(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	f := &Feed{ID: "tag:example.org,2026:f", Title: "f", Self: selfURL("atom"), Author: "a", Updated: t0}
	for i := range 40 {
		f.Entries = append(f.Entries, Entry{ID: fmt.Sprintf("tag:example.org,2026:e%d", i), Title: "t", Published: t0})
	}
	var b bytes.Buffer
	if err := WriteAtom(&b, f); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Entries []struct {
			Updated string `xml:"updated"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, e := range doc.Entries {
		if seen[e.Updated] {
			t.Errorf("two entries updated %s", e.Updated)
		}
		seen[e.Updated] = true
		if !strings.HasPrefix(e.Updated, "2026-03-02T09:30:00.") || len(e.Updated) != len("2026-03-02T09:30:00.000000Z") {
			t.Errorf("updated %s, want 2026-03-02T09:30:00 and six digits", e.Updated)
		}
	}
	b.Reset()
	f.Self = selfURL("rss")
	if err := WriteRSS(&b, f); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(b.String(), "<pubDate>Mon, 02 Mar 2026 09:30:00 +0000</pubDate>"); n != 40 {
		t.Errorf("%d RSS items dated the stated second, want 40", n)
	}
}
