package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/feedsift/feedsift/filter"
	"github.com/feedsift/feedsift/store"
)

// itemsCmd lists stored items, for labelling and for finding the id that
// explain and explain-story take.
type itemsCmd struct {
	stdout, stderr io.Writer
	now            func() time.Time
}

// listedItem is one line of feedsift items (and one object of -json).
type listedItem struct {
	ID      int64     `json:"id"`
	Key     string    `json:"key"`
	Date    time.Time `json:"date"`
	Feed    string    `json:"feed"`
	FeedURL string    `json:"feed_url"`
	Title   string    `json:"title"`
	Link    string    `json:"link,omitempty"`
	Score   *float64  `json:"score,omitempty"`
	Matched *bool     `json:"matched,omitempty"`
	summary string    // the stored summary's text, for label
}

// listItems returns the stored items from from on (zero: all) that keep
// takes, newest first; with a topic, each evaluated as a run prepares it
// (storedDocs), with its score and verdict. items and label list through
// it.
func (p *pass) listItems(ctx context.Context, t *topic, from time.Time, keep func(listedItem) bool) ([]listedItem, error) {
	date := func(it *store.FeedItem) time.Time {
		if !it.Published.IsZero() {
			return it.Published
		}
		return it.FirstSeen
	}
	var out []listedItem
	add := func(it *store.FeedItem, r *filter.Result) {
		li := listedItem{ID: it.ID, Key: it.Key, Date: date(it).UTC(), Feed: p.feedTitle(it), FeedURL: it.FeedURL,
			Title: it.Title, Link: it.Link, summary: it.Summary}
		if r != nil {
			score, m := r.Score, r.Match
			li.Score, li.Matched = &score, &m
		}
		if keep(li) {
			out = append(out, li)
		}
	}
	inPeriod := func(it *store.FeedItem) bool { return from.IsZero() || !date(it).Before(from) }
	if t == nil {
		err := p.st.EachItem(ctx, nil, func(it *store.FeedItem) error {
			if inPeriod(it) {
				add(it, nil)
			}
			return nil
		})
		if err != nil {
			return nil, &exitError{exitDatabase, err}
		}
	} else {
		// Every item in the period is evaluated, as a run prepares it.
		err := p.storedDocs(ctx, nil, []*filter.Topic{t.match}, func(it *store.FeedItem) (bool, bool) { return !inPeriod(it), true },
			func(it *store.FeedItem, d *filter.Doc) {
				r := t.match.Match(d)
				add(it, &r)
			})
		if err != nil {
			return nil, err
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].Date.Equal(out[j].Date) {
			return out[i].Date.After(out[j].Date)
		}
		return out[i].ID > out[j].ID
	})
	return out, nil
}

func (c *itemsCmd) Run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("items", flag.ContinueOnError)
	path := fs.String("config", "", "configuration `file`")
	topicName := fs.String("topic", "", "evaluate this topic `name` on each item: its score and whether it matches")
	matched := fs.Bool("matched", false, "with -topic: only items the topic matches")
	unmatched := fs.Bool("unmatched", false, "with -topic: only items it does not match")
	near := fs.Float64("near", 0, "with -topic -unmatched: only items scoring at least `score` (those just below the threshold)")
	sinceArg := fs.String("since", "", "only items from this `period` back (30d, 12h; by published date, else first seen)")
	limit := fs.Int("n", 50, "list at most `n` items, newest first (0: all)")
	asJSON := fs.Bool("json", false, "print JSON (an array of objects) instead of a table")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if (*matched || *unmatched || *near != 0) && *topicName == "" {
		return &exitError{exitUsage, errors.New("-matched, -unmatched and -near need -topic NAME")}
	}
	if *matched && *unmatched {
		return &exitError{exitUsage, errors.New("-matched and -unmatched exclude each other")}
	}
	if *limit < 0 {
		return &exitError{exitUsage, errors.New("-n must be 0 (all) or more")}
	}
	since, err := sinceFlag(*sinceArg)
	if err != nil {
		return err
	}
	s, err := load(*path)
	if err != nil {
		return err
	}
	var t *topic
	if *topicName != "" {
		tp, err := s.topic(*topicName)
		if err != nil {
			return err
		}
		t = &tp
	}
	p, err := s.openStoredPass(ctx)
	if err != nil {
		return err
	}
	defer p.st.Close()
	var from time.Time
	if since > 0 {
		from = c.now().Add(-since)
	}
	out, err := p.listItems(ctx, t, from, func(li listedItem) bool {
		switch {
		case li.Matched == nil:
			return true
		case *matched && !*li.Matched, *unmatched && *li.Matched, *near != 0 && *li.Score < *near:
			return false
		}
		return true
	})
	if err != nil {
		return err
	}
	if *limit > 0 && len(out) > *limit {
		out = out[:*limit]
	}
	if *asJSON {
		if out == nil {
			out = []listedItem{}
		}
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	if len(out) == 0 {
		fmt.Fprintln(c.stderr, "no stored items")
		return nil
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 0, 2, ' ', 0)
	head := "ID\tDATE\tFEED\t"
	if t != nil {
		head += "SCORE\tMATCH\t"
	}
	fmt.Fprintln(tw, head+"TITLE\tLINK")
	for _, li := range out {
		line := fmt.Sprintf("%d\t%s\t%s\t", li.ID, li.Date.Format("2006-01-02 15:04"), clip(oneLine(li.Feed), 24))
		if li.Score != nil {
			m := "-"
			if *li.Matched {
				m = "yes"
			}
			line += fmt.Sprintf("%g\t%s\t", *li.Score, m)
		}
		fmt.Fprintln(tw, line+clip(oneLine(li.Title), 80)+"\t"+li.Link)
	}
	return tw.Flush()
}

// clip shortens s to n runes, marking the cut.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n-1])) + "…"
}
