package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/feedsift/feedsift/feedout"
)

// labelCmd walks a topic's matched and near-threshold items in the
// terminal and appends the user's verdicts to a labels file, which
// feedsift test reads.
type labelCmd struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	now            func() time.Time
}

func (c *labelCmd) Run(ctx context.Context, args []string) error {
	flags := flag.NewFlagSet("label", flag.ContinueOnError)
	path := flags.String("config", "", "configuration `file`")
	topicName := flags.String("topic", "", "topic `name`")
	out := flags.String("o", "", "labels `file.tsv` to append to (created if missing; items already in it are not asked again)")
	near := flags.Float64("near", -1, "also ask about unmatched items scoring at least `score` (default: half the threshold)")
	sinceArg := flags.String("since", "", "only items from this `period` back (30d, 12h)")
	if err := parseFlags(flags, args); err != nil {
		return err
	}
	if *topicName == "" || *out == "" {
		return &exitError{exitUsage, errors.New("want -topic NAME and -o FILE.tsv")}
	}
	since, err := sinceFlag(*sinceArg)
	if err != nil {
		return err
	}
	s, t, err := loadTopic(*path, *topicName)
	if err != nil {
		return err
	}
	done := map[string]bool{}
	switch labels, err := readLabels(*out); {
	case err == nil:
		for _, l := range labels {
			done[l.link] = true
		}
	case !errors.Is(err, fs.ErrNotExist):
		return &exitError{exitUsage, err}
	}
	p, err := s.openStoredPass(ctx)
	if err != nil {
		return err
	}
	defer p.st.Close()
	if *near < 0 {
		*near = t.match.Threshold() / 2
		if t.match.Threshold() == 0 {
			*near = 1 // an unweighted topic: its matches only
		}
	}
	var from time.Time
	if since > 0 {
		from = c.now().Add(-since)
	}
	items, err := p.listItems(ctx, &t, from, func(li listedItem) bool {
		return li.Link != "" && !done[li.Link] && (*li.Matched || *li.Score >= *near)
	})
	if err != nil {
		return err
	}
	if len(items) == 0 {
		fmt.Fprintf(c.stdout, "nothing to label: every matched or near-threshold item of %s is in %s\n", t.Name, *out)
		return nil
	}
	f, err := os.OpenFile(*out, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return &exitError{exitFailure, err}
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Size() == 0 {
		fmt.Fprintf(f, "# Labels for topic %s, written by feedsift label: 1 on topic, 0 not.\nlink\tlabel\ttitle\n", t.Name)
	}
	in := bufio.NewScanner(c.stdin)
	labelled, on, skipped := 0, 0, 0
	fmt.Fprintf(c.stdout, "%d items to label (matched, or scoring at least %g): y on topic, n not, s skip, q quit\n", len(items), *near)
walk:
	for i, li := range items {
		verdict := "no match"
		if *li.Matched {
			verdict = "match"
		}
		fmt.Fprintf(c.stdout, "\n[%d/%d] %s  %s  score %g (%s)\n%s\n", i+1, len(items), li.Date.Format("2006-01-02"), li.Feed, *li.Score, verdict, oneLine(li.Title))
		if text := clip(oneLine(feedout.PlainText(li.summary)), 400); text != "" {
			fmt.Fprintf(c.stdout, "%s\n", text)
		}
		fmt.Fprintf(c.stdout, "%s\n", li.Link)
		for {
			fmt.Fprint(c.stdout, "on topic? [y/n/s/q] ")
			if !in.Scan() {
				fmt.Fprintln(c.stdout)
				break walk
			}
			switch strings.ToLower(strings.TrimSpace(in.Text())) {
			case "y", "yes", "1":
				if err := appendLabel(f, li, true); err != nil {
					return &exitError{exitFailure, err}
				}
				labelled++
				on++
			case "n", "no", "0":
				if err := appendLabel(f, li, false); err != nil {
					return &exitError{exitFailure, err}
				}
				labelled++
			case "s", "skip", "":
				skipped++
			case "q", "quit":
				break walk
			default:
				continue
			}
			break
		}
	}
	left := len(items) - labelled - skipped
	fmt.Fprintf(c.stdout, "labelled %d (%d on topic), skipped %d, %d left; %s holds them. Score the topic with:\n  feedsift test -config %s -topic %s -labels %s\n",
		labelled, on, skipped, left, *out, s.cfg.Path, t.Name, *out)
	return in.Err()
}

// appendLabel writes one line of a labels file and syncs it, so that a
// session stopped at any point keeps every answer given.
func appendLabel(f *os.File, li listedItem, on bool) error {
	v := "0"
	if on {
		v = "1"
	}
	if _, err := fmt.Fprintf(f, "%s\t%s\t%s\n", li.Link, v, strings.ReplaceAll(oneLine(li.Title), "\t", " ")); err != nil {
		return err
	}
	return f.Sync()
}
