package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
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
