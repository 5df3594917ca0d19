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
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *topicName == "" || *labelsPath == "" {
		return &exitError{exitUsage, errors.New("want -topic NAME and -labels FILE")}
	}
	s, err := load(*path)
	if err != nil {
		return err
	}
	t, err := s.topic(*topicName)
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
	bp, err := p.boilerplate(ctx, nil)
	if err != nil {
		return err
	}
	want := make(map[string]bool, len(labels))
	for _, l := range labels {
		want[l.link] = l.on
	}
	// One pass over the stored items: the labelled ones are evaluated
	// now, with the topic as it is in the file.
	got := map[string]bool{}
	titles := map[string]string{}
	err = p.st.EachItem(ctx, nil, func(it *store.FeedItem) error {
		if _, ok := want[it.Link]; !ok {
			return nil
		}
		titles[it.Link] = it.Title
		if t.match.Match(bp.NewDoc(filterItem(it, p.feedTitle(it)))).Match {
			got[it.Link] = true
		} else if _, seen := got[it.Link]; !seen {
			got[it.Link] = false
		}
		return nil
	})
	if err != nil {
		return &exitError{exitDatabase, err}
	}
	var tp, fp, fn, tn, missing int
	var fps, fns []string
	for _, l := range labels {
		m, ok := got[l.link]
		switch {
		case !ok:
			missing++
		case m && l.on:
			tp++
		case m && !l.on:
			fp++
			fps = append(fps, l.link)
		case !m && l.on:
			fn++
			fns = append(fns, l.link)
		default:
			tn++
		}
	}
	precision, recall, f1 := prf(tp, fp, fn)
	w := c.stdout
	fmt.Fprintf(w, "topic %s: %d labelled items in the database (%d labels not found)\n", t.Name, tp+fp+fn+tn, missing)
	fmt.Fprintf(w, "TP %d  FP %d  FN %d  TN %d\n", tp, fp, fn, tn)
	fmt.Fprintf(w, "precision %.3f  recall %.3f  F1 %.3f\n", precision, recall, f1)
	for _, list := range []struct {
		name  string
		links []string
	}{{"false positives", fps}, {"false negatives", fns}} {
		if len(list.links) == 0 {
			continue
		}
		sort.Strings(list.links)
		fmt.Fprintf(w, "\n%s (%d):\n", list.name, len(list.links))
		for _, l := range list.links {
			fmt.Fprintf(w, "  %s\n      %s\n", titles[l], l)
		}
	}
	if f1 < *minF1 {
		return &exitError{exitFailure, fmt.Errorf("topic %s: F1 %.3f is below -min-f1 %.3f", t.Name, f1, *minF1)}
	}
	return nil
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

// readLabels reads link<TAB>1|0 lines; blank lines and # comments are
// skipped. Errors name file:line.
func readLabels(path string) ([]label, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []label
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		link, v, ok := strings.Cut(line, "\t")
		v = strings.TrimSpace(v)
		if !ok || (v != "1" && v != "0") || link == "" {
			return nil, fmt.Errorf("%s:%d: want link<TAB>1 or link<TAB>0, got %q", path, n, line)
		}
		out = append(out, label{link: strings.TrimSpace(link), on: v == "1"})
	}
	return out, sc.Err()
}
