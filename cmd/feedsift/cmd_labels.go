package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/feedsift/feedsift/feedout"
	"github.com/feedsift/feedsift/filter"
	"github.com/feedsift/feedsift/store"
)

// testCmd measures a topic against labelled items in the database.
type testCmd struct {
	stdout, stderr io.Writer
}

// label is one line of a labels file.
type label struct {
	link string
	on   bool
}

func (c *testCmd) Run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	path := fs.String("config", "", "configuration `file`")
	topicName := fs.String("topic", "", "topic `name`")
	labelsPath := fs.String("labels", "", "labels `file`: link<TAB>1|0 per line, # comments")
	minF1 := fs.Float64("min-f1", 0, "exit 1 when F1 is below this")
	splitAt := fs.String("split", "", "also report the items dated before and from this `date` (YYYY-MM-DD, UTC, or RFC 3339) apart: does a topic designed on older items hold on newer ones?")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *topicName == "" || *labelsPath == "" {
		return &exitError{exitUsage, errors.New("want -topic NAME and -labels FILE")}
	}
	var split time.Time
	if *splitAt != "" {
		var err error
		if split, err = parseSplit(*splitAt); err != nil {
			return &exitError{exitUsage, err}
		}
	}
	s, t, err := loadTopic(*path, *topicName)
	if err != nil {
		return err
	}
	labels, err := readLabels(*labelsPath)
	if err != nil {
		return &exitError{exitUsage, err}
	}
	p, err := s.openPass(ctx, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	defer p.st.Close()
	want := make(map[string]bool, len(labels))
	for _, l := range labels {
		want[l.link] = l.on
	}
	// One pass over the stored items: the labelled ones are evaluated
	// now, with the topic as it is in the file, prepared as a run does.
	got := map[string]bool{}
	titles := map[string]string{}
	dates := map[string]time.Time{} // the earliest date of a labelled link's copies
	labelled := func(it *store.FeedItem) (skip, always bool) {
		_, ok := want[it.Link]
		return !ok, true
	}
	err = p.storedDocs(ctx, nil, []*filter.Topic{t.match}, labelled, func(it *store.FeedItem, d *filter.Doc) {
		titles[it.Link] = it.Title
		e := feedout.Entry{Published: it.Published, Updated: it.Updated, FirstSeen: it.FirstSeen}
		if d, ok := e.Date(); ok {
			if old, seen := dates[it.Link]; !seen || d.Before(old) {
				dates[it.Link] = d
			}
		}
		if t.match.Match(d).Match {
			got[it.Link] = true
		} else if _, seen := got[it.Link]; !seen {
			got[it.Link] = false
		}
	})
	if err != nil {
		return err
	}
	var all, before, after, undated counts
	var missing, fps, fns []string
	for _, l := range labels {
		m, ok := got[l.link]
		if !ok {
			missing = append(missing, l.link)
			continue
		}
		half := &after
		if d, dated := dates[l.link]; !dated {
			half = &undated
		} else if d.Before(split) {
			half = &before
		}
		all.add(m, l.on)
		half.add(m, l.on)
		switch {
		case m && !l.on:
			fps = append(fps, l.link)
		case !m && l.on:
			fns = append(fns, l.link)
		}
	}
	w := c.stdout
	fmt.Fprintf(w, "topic %s: %d labelled items in the database (%d labels not found)\n", t.Name, all.n(), len(missing))
	fmt.Fprintf(w, "TP %d  FP %d  FN %d  TN %d\n", all.tp, all.fp, all.fn, all.tn)
	precision, recall, f1 := prf(all.tp, all.fp, all.fn)
	fmt.Fprintf(w, "precision %.3f  recall %.3f  F1 %.3f\n", precision, recall, f1)
	if !split.IsZero() {
		day := split.Format(time.RFC3339)
		fmt.Fprintf(w, "\nsplit at %s:\n", day)
		for _, h := range []struct {
			name string
			c    counts
		}{{"before", before}, {"from", after}, {"undated", undated}} {
			if h.name == "undated" && h.c.n() == 0 {
				continue
			}
			p, r, f := prf(h.c.tp, h.c.fp, h.c.fn)
			fmt.Fprintf(w, "  %-8s %5d items (%d on topic): TP %d  FP %d  FN %d  precision %.3f  recall %.3f  F1 %.3f\n",
				h.name, h.c.n(), h.c.tp+h.c.fn, h.c.tp, h.c.fp, h.c.fn, p, r, f)
		}
	}
	for _, list := range []struct {
		name  string
		links []string
	}{{"false positives", fps}, {"false negatives", fns}, {"labelled links not in the database", missing}} {
		if len(list.links) == 0 {
			continue
		}
		sort.Strings(list.links)
		fmt.Fprintf(w, "\n%s (%d):\n", list.name, len(list.links))
		for _, l := range list.links {
			if title, ok := titles[l]; ok {
				fmt.Fprintf(w, "  %s\n      %s\n", title, l)
			} else {
				fmt.Fprintf(w, "  %s\n", l)
			}
		}
	}
	if f1 < *minF1 {
		return &exitError{exitFailure, fmt.Errorf("topic %s: F1 %.3f is below -min-f1 %.3f", t.Name, f1, *minF1)}
	}
	return nil
}

// counts are the outcomes of a topic on labelled items.
type counts struct{ tp, fp, fn, tn int }

func (c *counts) add(matched, on bool) {
	switch {
	case matched && on:
		c.tp++
	case matched:
		c.fp++
	case on:
		c.fn++
	default:
		c.tn++
	}
}

func (c counts) n() int { return c.tp + c.fp + c.fn + c.tn }

// parseSplit reads -split: a day (midnight UTC) or an RFC 3339 time.
func parseSplit(s string) (time.Time, error) {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("-split %q: want a date such as 2023-06-22 or a time such as 2023-06-22T12:00:00Z", s)
	}
	return t, nil
}

func prf(tp, fp, fn int) (precision, recall, f1 float64) {
	if tp+fp > 0 {
		precision = float64(tp) / float64(tp+fp)
	}
	if tp+fn > 0 {
		recall = float64(tp) / float64(tp+fn)
	}
	if precision+recall > 0 {
		f1 = 2 * precision * recall / (precision + recall)
	}
	return
}

// readLabels reads a labels file: one item a line, its link and 1 (on
// topic) or 0, separated by a tab, a comma or spaces, perhaps followed by
// more columns (a note); blank lines, # comments and a header line
// ("link<TAB>label") are skipped. Errors name file:line.
func readLabels(path string) ([]label, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []label
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	header := true // the first line that is not a comment may be one
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		var fields []string
		switch {
		case strings.Contains(line, "\t"):
			fields = strings.Split(line, "\t")
		case strings.Contains(line, ","):
			fields = strings.Split(line, ",")
		default:
			fields = strings.Fields(line)
		}
		for i := range fields {
			fields[i] = strings.TrimSpace(fields[i])
		}
		isHeader := header && !strings.Contains(line, "://") && (len(fields) < 2 || fields[1] != "1" && fields[1] != "0")
		header = false
		if isHeader {
			continue
		}
		if len(fields) < 2 || (fields[1] != "1" && fields[1] != "0") || fields[0] == "" {
			return nil, fmt.Errorf("%s:%d: want link<TAB>1 or link<TAB>0 (a comma or spaces also separate them), got %q", path, n, line)
		}
		out = append(out, label{link: fields[0], on: fields[1] == "1"})
	}
	return out, sc.Err()
}
