package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestItems: the stored items, newest first, with the id that explain
// and explain-story take; with -topic, each one's score and verdict.
func TestItems(t *testing.T) {
	a, b := fruit()
	s := newSite(t, "", a, b)
	if code, stdout, stderr := feedsift(t, "items", "-config", s.config); code != exitDatabase || !strings.Contains(stderr, "does not exist") {
		t.Errorf("before any run: exit %d\n%s%s", code, stdout, stderr)
	}
	if code, _, stderr := feedsift(t, "run", "-config", s.config); code != exitOK {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	code, stdout, stderr := feedsift(t, "items", "-config", s.config)
	if code != exitOK {
		t.Fatalf("items: exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 5 || !strings.HasPrefix(lines[0], "ID") {
		t.Fatalf("items: want a header and 4 items:\n%s", stdout)
	}
	for i, want := range []string{"Apple pie", "Pear tart", "Green apple", "Apple cider"} {
		if !strings.Contains(lines[i+1], want) {
			t.Errorf("line %d = %q, want %q (newest first)", i+1, lines[i+1], want)
		}
	}

	code, stdout, stderr = feedsift(t, "items", "-config", s.config, "-topic", "apples", "-matched", "-json")
	var got []listedItem
	if err := json.Unmarshal([]byte(stdout), &got); err != nil || code != exitOK {
		t.Fatalf("items -json: exit %d %v\n%s%s", code, err, stdout, stderr)
	}
	if len(got) != 3 {
		t.Fatalf("-matched: %d items, want the 3 apples: %+v", len(got), got)
	}
	for _, li := range got {
		if li.Score == nil || li.Matched == nil || !*li.Matched || !strings.Contains(strings.ToLower(li.Title), "apple") {
			t.Errorf("-matched listed %+v", li)
		}
	}
	code, stdout, _ = feedsift(t, "items", "-config", s.config, "-topic", "apples", "-unmatched")
	if code != exitOK || !strings.Contains(stdout, "Pear tart") || strings.Contains(stdout, "Apple") || !strings.Contains(stdout, "SCORE") {
		t.Errorf("-unmatched: exit %d\n%s", code, stdout)
	}
	if code, stdout, _ := feedsift(t, "items", "-config", s.config, "-n", "1"); code != exitOK || strings.Count(stdout, "\n") != 2 {
		t.Errorf("-n 1: exit %d\n%s", code, stdout)
	}
	if code, _, stderr := feedsift(t, "items", "-config", s.config, "-matched"); code != exitUsage || !strings.Contains(stderr, "need -topic") {
		t.Errorf("-matched without -topic: exit %d %s", code, stderr)
	}

	// One id everywhere: what items lists, explain and explain-story take.
	id := fmt.Sprint(got[0].ID)
	code, stdout, stderr = feedsift(t, "explain", "-config", s.config, "-topic", "apples", "-id", id)
	if code != exitOK || !strings.Contains(stdout, "item "+id+" (key ") {
		t.Errorf("explain -id %s: exit %d\n%s%s", id, code, stdout, stderr)
	}
	for _, ref := range []string{id, got[0].Key, got[0].Link} {
		code, stdout, stderr = feedsift(t, "explain-story", "-config", s.config, ref)
		if code != exitOK || !strings.Contains(stdout, got[0].Title) {
			t.Errorf("explain-story %s: exit %d\n%s%s", ref, code, stdout, stderr)
		}
	}
}

// TestLabel: label asks about the matched and near-threshold items,
// appends each answer as it is given, asks nothing twice across
// sessions, and writes a file test reads.
func TestLabel(t *testing.T) {
	a, b := fruit()
	s := newSite(t, "", a, b)
	if code, _, stderr := feedsift(t, "run", "-config", s.config); code != exitOK {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	labels := s.path("labels.tsv")
	session := func(answers string) string {
		t.Helper()
		var out, errb strings.Builder
		c := &labelCmd{stdin: strings.NewReader(answers), stdout: &out, stderr: &errb, now: time.Now}
		if err := c.Run(context.Background(), []string{"-config", s.config, "-topic", "apples", "-o", labels}); err != nil {
			t.Fatalf("label: %v\n%s%s", err, out.String(), errb.String())
		}
		return out.String()
	}
	// The three apples match (the pear does not, and scores nothing):
	// answer one, say something unknown, skip one, quit.
	out := session("y\nmaybe\ns\nq\n")
	if !strings.Contains(out, "3 items to label") || !strings.Contains(out, "labelled 1 (1 on topic), skipped 1, 1 left") {
		t.Errorf("first session:\n%s", out)
	}
	if n := strings.Count(out, "on topic? [y/n/s/q]"); n != 4 {
		t.Errorf("asked %d times, want 4 (the unknown answer asks again)", n)
	}
	// Resumed: the labelled one is not asked again; input ends early.
	out = session("n\n")
	if !strings.Contains(out, "2 items to label") || !strings.Contains(out, "labelled 1 (0 on topic)") {
		t.Errorf("second session:\n%s", out)
	}
	got := string(mustReadFile(t, labels))
	if !strings.HasPrefix(got, "# Labels for topic apples") || strings.Count(got, "\t1\t") != 1 || strings.Count(got, "\t0\t") != 1 {
		t.Errorf("labels file:\n%s", got)
	}
	code, stdout, stderr := feedsift(t, "test", "-config", s.config, "-topic", "apples", "-labels", labels)
	if code != exitOK || !strings.Contains(stdout, "precision") {
		t.Errorf("test on the labels: exit %d\n%s%s", code, stdout, stderr)
	}
	if out := session("y\ny\n"); !strings.Contains(out, "labelled 1 (1 on topic), skipped 0, 0 left") {
		t.Errorf("third session:\n%s", out)
	}
	if out := session(""); !strings.Contains(out, "nothing to label") {
		t.Errorf("fourth session:\n%s", out)
	}
}
