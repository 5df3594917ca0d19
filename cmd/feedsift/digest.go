package main

import (
	"context"
	"fmt"
	"html"
	"sort"
	"strings"
	"time"

	"github.com/feedsift/feedsift/feedout"
	"github.com/feedsift/feedsift/store"
	"github.com/google/uuid"
)

// digestPeriods is how many of the latest periods a digest feed keeps.
const digestPeriods = 14

// digestName is the file name (without extension) of t's digest.
func digestName(t topic) string { return t.Name + "-digest" }

// periodEnd is the end of the digest period that holds at: the first
// digest time (weekly: on a Monday) after it, in the digest's zone.
func periodEnd(t topic, at time.Time) time.Time {
	at = at.In(t.DigestZone)
	// The clock time on each day, not a duration after midnight: on a
	// day the clocks change, 07:00 is still 07:00.
	h, m := int(t.DigestTime/time.Hour), int(t.DigestTime%time.Hour/time.Minute)
	on := func(days int) time.Time {
		return time.Date(at.Year(), at.Month(), at.Day()+days, h, m, 0, 0, t.DigestZone)
	}
	d := 0
	end := on(d)
	for !end.After(at) || t.Digest == "weekly" && end.Weekday() != time.Monday {
		d++
		end = on(d)
	}
	return end
}

// writeDigest writes <name>-digest in t's formats: one entry for each of
// the latest ended periods that had stories, listing them most carried
// first, each with its outlets. Stories are what the topic publishes
// (storiesOf: folded, muted, min_outlets), by the time of their first
// copy.
func (p *pass) writeDigest(ctx context.Context, t topic) error {
	ms, err := p.st.Matches(ctx, t.Name, 0)
	if err != nil {
		return fmt.Errorf("topic %s digest: %w", t.Name, err)
	}
	ms, copies, err := p.storiesOf(ctx, t, ms)
	if err != nil {
		return fmt.Errorf("topic %s digest: %w", t.Name, err)
	}
	now := p.now()
	byEnd := map[time.Time][]store.Matched{}
	for _, m := range ms {
		end := periodEnd(t, storyTime(&m.FeedItem))
		if end.After(now) {
			continue // the period has not ended: it is in the next digest
		}
		byEnd[end] = append(byEnd[end], m)
	}
	var ends []time.Time
	for e := range byEnd {
		ends = append(ends, e)
	}
	sort.Slice(ends, func(i, j int) bool { return ends[i].After(ends[j]) })
	if len(ends) > digestPeriods {
		ends = ends[:digestPeriods]
	}
	period := "day"
	if t.Digest == "weekly" {
		period = "week"
	}
	f := &feedout.Feed{
		ID:      "urn:uuid:" + uuid.NewSHA1(idSpace, []byte("digest\x00"+t.Name)).String(),
		Title:   t.Title + " (" + t.Digest + " digest)",
		Link:    p.cfg.BaseURL,
		Author:  "feedsift",
		Updated: time.Unix(0, 0).UTC(),
		Hub:     p.cfg.WebSubHub,
	}
	for _, end := range ends {
		stories := byEnd[end]
		outlets := func(m store.Matched) int { return outletsOf(m, copies[m.ID]) }
		sort.SliceStable(stories, func(i, j int) bool { return outlets(stories[i]) > outlets(stories[j]) })
		var b strings.Builder
		fmt.Fprintf(&b, "<p>%d %s in the %s to %s:</p><ol>", len(stories), plural1(len(stories), "story", "stories"), period, html.EscapeString(end.Format("Mon 2 Jan 2006 15:04 MST")))
		for _, m := range stories {
			names := []string{p.feedTitle(&m.FeedItem)}
			seen := map[string]bool{m.FeedURL: true}
			for _, c := range copies[m.ID] {
				if !seen[c.FeedURL] {
					seen[c.FeedURL] = true
					names = append(names, p.feedTitle(&c))
				}
			}
			title := html.EscapeString(m.Title)
			if m.Link != "" {
				title = `<a href="` + html.EscapeString(m.Link) + `">` + title + `</a>`
			}
			fmt.Fprintf(&b, "<li>%s — %s", title, html.EscapeString(strings.Join(names, ", ")))
			if n := len(names); n > 1 {
				fmt.Fprintf(&b, " (%d outlets)", n)
			}
			b.WriteString("</li>")
		}
		b.WriteString("</ol>")
		f.Entries = append(f.Entries, feedout.Entry{
			ID:          "urn:uuid:" + uuid.NewSHA1(idSpace, []byte("digest\x00"+t.Name+"\x00"+end.UTC().Format(time.RFC3339))).String(),
			Title:       fmt.Sprintf("%s: the %s to %s", t.Title, period, end.Format("2 January 2006")),
			Link:        p.cfg.BaseURL + t.Name + ".atom",
			Published:   end,
			Updated:     end,
			Authors:     []string{"feedsift"},
			ContentHTML: b.String(),
			Outlets:     0,
		})
		if end.After(f.Updated) {
			f.Updated = end
		}
	}
	if err := p.datedEmpty(ctx, f); err != nil {
		return fmt.Errorf("topic %s digest: %w", t.Name, err)
	}
	return p.publish(t, digestName(t), f)
}

// plural1 is one or many, by n.
func plural1(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
