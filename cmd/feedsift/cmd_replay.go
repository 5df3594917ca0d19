package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/feedsift/feedsift/feedout"
	"github.com/feedsift/feedsift/filter"
	"github.com/feedsift/feedsift/store"
)

// replayCmd re-evaluates topics over the items already stored, and shows
// what that changes in each topic's output before (-dry-run) or while
// rewriting it, and the index page and OPML lists with it.
type replayCmd struct {
	stdout, stderr io.Writer
	now            func() time.Time
}

func (c *replayCmd) Run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("replay", flag.ContinueOnError)
	path := fs.String("config", "", "configuration `file`")
	only := fs.String("topic", "", "replay only the topic `name`d (default: every topic)")
	sinceArg := fs.String("since", "", "only items from this `period` back (30d, 12h; by published date, else first seen)")
	dryRun := fs.Bool("dry-run", false, "print what would change; write nothing")
	lockWait := fs.Duration("lock-wait", 0, "wait up to `duration` for a running pass to finish")
	verbose := fs.Bool("v", false, "debug logging")
	logFormat := fs.String("log-format", "text", "log format: text or json")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	since, err := sinceFlag(*sinceArg)
	if err != nil {
		return err
	}
	log, err := newLogger(c.stderr, *verbose, *logFormat)
	if err != nil {
		return err
	}
	s, err := load(*path)
	if err != nil {
		return err
	}
	topics := s.topics
	if *only != "" {
		topics = nil
		for _, t := range s.topics {
			if t.Name == *only {
				topics = append(topics, t)
			}
		}
		if topics == nil {
			return &exitError{exitUsage, fmt.Errorf("-topic %q: no such topic in %s", *only, s.cfg.Path)}
		}
	}

	// A dry run only reads: it needs no lock and may run beside a pass.
	var st db
	if *dryRun {
		st, err = openStore(ctx, s.cfg.Database)
	} else {
		var unlock func()
		st, unlock, err = openLocked(ctx, s.cfg.Database, *lockWait)
		if err == nil {
			defer unlock()
		}
	}
	if err != nil {
		return err
	}
	defer st.Close()
	p := &pass{setup: s, log: log, now: c.now, st: st, titles: map[string]string{}}
	for _, f := range s.cfg.Feeds {
		p.titles[f.URL] = f.Title
	}
	var from time.Time
	if since > 0 {
		from = p.now().Add(-since)
	}
	replayed := map[string]*feedout.Feed{}
	for _, t := range topics {
		r, err := p.replay(ctx, t, from)
		if err != nil {
			return err
		}
		r.print(c.stdout, t)
		if *dryRun {
			continue
		}
		if err := st.SetMatches(ctx, t.Name, t.hash, from.IsZero(), r.evaluated, r.matches); err != nil {
			return &exitError{exitDatabase, err}
		}
		f, err := p.writeTopic(ctx, t)
		if err != nil {
			return &exitError{exitFailure, err}
		}
		if t.Digest != "" {
			if err := p.writeDigest(ctx, t); err != nil {
				return &exitError{exitFailure, err}
			}
		}
		replayed[t.Name] = f
	}
	if *dryRun {
		return nil
	}
	// The index page and the OPML lists show every topic's latest
	// entries, as run writes them.
	var outs []written
	for _, t := range s.topics {
		f, ok := replayed[t.Name]
		if !ok {
			if f, err = p.buildTopic(ctx, t); err != nil {
				return &exitError{exitFailure, err}
			}
		}
		outs = append(outs, written{t, f})
	}
	if err := p.writeIndex(ctx, outs); err != nil {
		return &exitError{exitFailure, err}
	}
	p.announce(ctx)
	return nil
}

// sinceFlag is parseSince for a -since flag's value: a bad one is a
// usage error naming the flag.
func sinceFlag(arg string) (time.Duration, error) {
	d, err := parseSince(arg)
	if err != nil {
		return 0, &exitError{exitUsage, fmt.Errorf("-since %q: %w", arg, err)}
	}
	return d, nil
}

// parseSince reads a period: a Go duration (12h, 90m) or whole days (30d).
func parseSince(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	if n, ok := strings.CutSuffix(s, "d"); ok {
		d, err := strconv.Atoi(n)
		if err != nil || d <= 0 {
			return 0, fmt.Errorf("want a number of days such as 30d, or a duration such as 12h")
		}
		return time.Duration(d) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("want a number of days such as 30d, or a duration such as 12h")
	}
	return d, nil
}

// replayed is a topic evaluated again: what to store, and the change in
// its output.
type replayed struct {
	evaluated []int64
	matches   []store.Match

	before, after int // matched items
	added         []diffLine
	removed       []diffLine
}

// diffLine is one entry that enters or leaves a topic's output.
type diffLine struct {
	it  store.FeedItem
	why string
}

// replay evaluates t over the stored items dated from on (all if zero)
// and works out how its output changes. It writes nothing.
func (p *pass) replay(ctx context.Context, t topic, from time.Time) (*replayed, error) {
	current, err := p.st.Matches(ctx, t.Name, 0)
	if err != nil {
		return nil, &exitError{exitDatabase, err}
	}
	r := &replayed{before: len(current)}
	// The new match set: stored matches outside the window stand, the
	// window is decided afresh.
	next := map[int64]store.Matched{}
	for _, m := range current {
		if !from.IsZero() && itemDate(&m.FeedItem).Before(from) {
			next[m.ID] = m
		}
	}
	// Documents as run prepares them, boilerplate left out, so that the
	// dry run says what run would do. Items that cannot match are not
	// prepared; those matched before are evaluated all the same, for the
	// score the diff shows.
	was := make(map[int64]bool, len(current))
	for _, m := range current {
		was[m.ID] = true
	}
	results := map[int64]filter.Result{}
	err = p.storedDocs(ctx, nil, []*filter.Topic{t.match}, func(it *store.FeedItem) (bool, bool) {
		if !from.IsZero() && itemDate(it).Before(from) {
			return true, false
		}
		r.evaluated = append(r.evaluated, it.ID)
		return false, was[it.ID]
	}, func(it *store.FeedItem, d *filter.Doc) {
		res := t.match.Match(d)
		results[it.ID] = res
		if res.Match {
			reasons := append(append([]string(nil), res.Groups...), res.Terms...)
			r.matches = append(r.matches, store.Match{ItemID: it.ID, Score: res.Score, Reasons: reasons})
			next[it.ID] = store.Matched{FeedItem: *it, Score: res.Score, Reasons: reasons}
		}
	})
	if err != nil {
		return nil, err
	}
	r.after = len(next)

	after := make([]store.Matched, 0, len(next))
	for _, m := range next {
		after = append(after, m)
	}
	sortMatched(after)
	shownBefore, _, err := p.shownOf(ctx, t, current)
	if err != nil {
		return nil, &exitError{exitDatabase, err}
	}
	shownAfter, _, err := p.shownOf(ctx, t, after)
	if err != nil {
		return nil, &exitError{exitDatabase, err}
	}
	wasShown, isShown, wasMatched := map[int64]bool{}, map[int64]bool{}, map[int64]bool{}
	for _, m := range current {
		wasMatched[m.ID] = true
	}
	for _, m := range shownBefore {
		wasShown[m.ID] = true
	}
	for _, m := range shownAfter {
		isShown[m.ID] = true
	}
	for _, m := range shownAfter {
		if wasShown[m.ID] {
			continue
		}
		why := "matches: " + reasonText(m.Reasons)
		if t.Threshold != 0 {
			why += fmt.Sprintf("; score %g", m.Score)
		}
		if wasMatched[m.ID] {
			why += fmt.Sprintf("; matched before, now among the newest %d", t.MaxEntries)
		}
		r.added = append(r.added, diffLine{m.FeedItem, why})
	}
	for _, m := range shownBefore {
		if isShown[m.ID] {
			continue
		}
		var why string
		switch res, ok := results[m.ID]; {
		case !ok || res.Match:
			why = fmt.Sprintf("still matches; no longer among the newest %d", t.MaxEntries)
		case t.Threshold != 0:
			why = fmt.Sprintf("no longer matches: score %g < threshold %g; was: %s", res.Score, t.Threshold, reasonText(m.Reasons))
		default:
			why = "no longer matches; was: " + reasonText(m.Reasons)
		}
		r.removed = append(r.removed, diffLine{m.FeedItem, why})
	}
	return r, nil
}

// print writes the change as a diff: a header per topic, then "+" for
// entries the output gains and "-" for those it loses, newest first.
func (r *replayed) print(w io.Writer, t topic) {
	if len(r.added) == 0 && len(r.removed) == 0 {
		fmt.Fprintf(w, "%s: no change to the output (%d matched before, %d now)\n", t.Name, r.before, r.after)
		return
	}
	fmt.Fprintf(w, "%s: +%d -%d entries (%d matched before, %d now)\n", t.Name, len(r.added), len(r.removed), r.before, r.after)
	for _, d := range r.added {
		fmt.Fprintf(w, "+ %s\n", d.text())
	}
	for _, d := range r.removed {
		fmt.Fprintf(w, "- %s\n", d.text())
	}
}

func (d diffLine) text() string {
	title := d.it.Title
	if title == "" {
		title = "(untitled)"
	}
	return fmt.Sprintf("%s  %s  <%s>  (%s)", itemDate(&d.it).Format("2006-01-02"), title, d.it.Link, d.why)
}

func reasonText(rs []string) string {
	if len(rs) == 0 {
		return "the query"
	}
	return strings.Join(rs, ", ")
}

// itemDate is the date an item sorts by: published, else first seen.
func itemDate(it *store.FeedItem) time.Time {
	if !it.Published.IsZero() {
		return it.Published
	}
	return it.FirstSeen
}

// sortMatched orders matches as store.Matches does: newest first, ties by
// key. TestReplay checks that the two agree.
func sortMatched(ms []store.Matched) {
	sort.Slice(ms, func(i, j int) bool {
		a, b := itemDate(&ms[i].FeedItem).Unix(), itemDate(&ms[j].FeedItem).Unix()
		if a != b {
			return a > b
		}
		return ms[i].Key < ms[j].Key
	})
}
