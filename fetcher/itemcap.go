package fetcher

import (
	"bytes"
	"encoding/xml"
	"io"
	"sort"
	"strings"
	"time"
)

// capItems keeps a huge XML feed's newest maxItems items before the
// document reaches gofeed, whose memory grows with every item (100,000
// items cost it over a gigabyte). One streaming pass with encoding/xml
// finds the item (or entry) elements that are children of the channel or
// feed and their dates; the document is rebuilt with the newest ones in
// document order, so gofeed parses at most maxItems. It returns b
// unchanged when there are not more than max items or the document cannot
// be scanned (gofeed then reports the error), and the count dropped.
func capItems(b []byte, max int) ([]byte, int) {
	// Cheap test first: most feeds are far under the cap.
	if bytes.Count(b, []byte("<item"))+bytes.Count(b, []byte("<entry")) <= max {
		return b, 0
	}
	type span struct {
		start, end int64
		date       time.Time
		order      int
	}
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = false
	d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	var (
		spans     []span
		depth     int
		itemDepth = -1 // depth of the open item, -1 = none
		cur       span
		dateField bool
		dateText  strings.Builder
	)
	for {
		off := d.InputOffset()
		tok, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return b, 0
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			switch {
			case itemDepth < 0 && depth <= 3 && (t.Name.Local == "item" || t.Name.Local == "entry"):
				itemDepth, cur = depth, span{start: off, order: len(spans)}
			case itemDepth >= 0 && depth == itemDepth+1 && isDateElement(t.Name.Local):
				dateField = true
				dateText.Reset()
			}
		case xml.CharData:
			if dateField && dateText.Len() < 128 {
				dateText.Write(t)
			}
		case xml.EndElement:
			if dateField && depth == itemDepth+1 {
				dateField = false
				if dt := quickDate(strings.TrimSpace(dateText.String())); dt.After(cur.date) {
					cur.date = dt
				}
			}
			if depth == itemDepth {
				cur.end = d.InputOffset()
				spans = append(spans, cur)
				itemDepth = -1
			}
			depth--
		}
	}
	if len(spans) <= max {
		return b, 0
	}
	keep := append([]span(nil), spans...)
	sort.SliceStable(keep, func(i, j int) bool { return keep[i].date.After(keep[j].date) })
	keep = keep[:max]
	sort.Slice(keep, func(i, j int) bool { return keep[i].order < keep[j].order })
	var out bytes.Buffer
	out.Grow(len(b) / (len(spans) / max))
	out.Write(b[:spans[0].start])
	for _, s := range keep {
		out.Write(b[s.start:s.end])
		out.WriteByte('\n')
	}
	out.Write(b[spans[len(spans)-1].end:])
	return out.Bytes(), len(spans) - max
}

func isDateElement(local string) bool {
	switch local {
	case "pubDate", "published", "updated", "date", "issued", "modified":
		return true
	}
	return false
}

// quickDate parses the common feed date forms; zero when it cannot.
func quickDate(s string) time.Time {
	for _, layout := range []string{time.RFC1123Z, time.RFC1123, time.RFC3339, "Mon, 2 Jan 2006 15:04:05 -0700", "Mon, 2 Jan 2006 15:04:05 MST", "2006-01-02T15:04:05Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	return time.Time{}
}
