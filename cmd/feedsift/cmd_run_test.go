package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

var day = 24 * time.Hour

// fruit is the usual content of the test site: three apples (the topic
// shows the two newest) and a pear.
func fruit() (a, b []item) {
	a = []item{
		{"a1", "Apple pie", clock.Add(-1 * day)},
		{"a2", "Pear tart", clock.Add(-2 * day)},
	}
	b = []item{
		{"b1", "Green apple", clock.Add(-3 * day)},
		{"b2", "Apple cider", clock.Add(-4 * day)},
	}
	return a, b
}

// summaryLine is the "run finished" log line without its time.
func summaryLine(t *testing.T, stderr string) string {
	t.Helper()
	for _, l := range strings.Split(stderr, "\n") {
		if strings.Contains(l, `msg="run finished"`) {
			return regexp.MustCompile(`^time=\S+ `).ReplaceAllString(l, "") + "\n"
		}
	}
	t.Fatalf("no summary line in:\n%s", stderr)
	return ""
}

// TestRun_Summary: one line at the end and the same as JSON with -json;
// a failed feed is exit 0 by default and exit 4 with -strict.
func TestRun_Summary(t *testing.T) {
	a, b := fruit()
	s := newSite(t, "", a, b)
	s.write(t, "config.toml", string(mustReadFile(t, s.config))+"\n[[feeds]]\nurl = \"feeds/missing.xml\"\n")
	js := s.path("summary.json")

	code, _, stderr := feedsift(t, "run", "-config", s.config, "-json", js)
	if code != exitOK {
		t.Fatalf("exit %d (a failed feed is not fatal without -strict):\n%s", code, stderr)
	}
	golden(t, "summary.txt", []byte(summaryLine(t, stderr)))
	golden(t, "summary.json", []byte(strings.ReplaceAll(string(mustReadFile(t, js)), s.dir, "$DIR")))
	if got := atomTitles(t, s.path("out/apples.atom")); !slices.Equal(got, []string{"Apple pie", "Green apple"}) {
		t.Errorf("entries %q", got)
	}

	code, _, stderr = feedsift(t, "run", "-config", s.config, "-json", js, "-strict")
	if code != exitFeedsFailed {
		t.Errorf("-strict with a failed feed: exit %d, want %d\n%s", code, exitFeedsFailed, stderr)
	}
	var sum summary
	if err := json.Unmarshal(mustReadFile(t, js), &sum); err != nil {
		t.Fatal(err)
	}
	if sum.ExitCode != exitFeedsFailed || sum.Failed != 1 || sum.NotModified != 2 || sum.Outputs != 1 {
		t.Errorf("second summary: %+v", sum)
	}
}

// TestRun_Lock: a second run exits 75 at once, or waits with -lock-wait.
func TestRun_Lock(t *testing.T) {
	a, b := fruit()
	s := newSite(t, "", a, b)
	unlock, err := lockRun(context.Background(), s.path("feedsift.db"), 0)
	if err != nil {
		t.Fatal(err)
	}
	code, _, stderr := feedsift(t, "run", "-config", s.config)
	if code != exitLocked || !strings.Contains(stderr, "another feedsift run (pid ") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	if code, _, _ := feedsift(t, "run", "-config", s.config, "-lock-wait", "200ms"); code != exitLocked {
		t.Errorf("-lock-wait shorter than the other run: exit %d", code)
	}
	time.AfterFunc(300*time.Millisecond, unlock)
	start := time.Now()
	code, _, stderr = feedsift(t, "run", "-config", s.config, "-lock-wait", "10s")
	if code != exitOK {
		t.Errorf("-lock-wait: exit %d\n%s", code, stderr)
	}
	if d := time.Since(start); d < 250*time.Millisecond {
		t.Errorf("ran after %s, before the lock was released", d)
	}
}

// TestRun_Budget: past the budget no fetch starts, the run still writes
// its outputs and counts the skipped feeds; -budget overrides the config.
func TestRun_Budget(t *testing.T) {
	a, b := fruit()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(300 * time.Millisecond)
		w.Header().Set("Content-Type", "application/rss+xml")
		if strings.HasSuffix(r.URL.Path, "/a") {
			w.Write([]byte(rssDoc("a", a)))
		} else {
			w.Write([]byte(rssDoc("b", b)))
		}
	}))
	defer srv.Close()
	s := newSite(t, "concurrency = 1\nbudget = \"100ms\"\n", nil, nil)
	cfg := string(mustReadFile(t, s.config))
	cfg = strings.Replace(cfg, `"feeds/a.xml"`, `"`+srv.URL+`/a"`, 1)
	cfg = strings.Replace(cfg, `"feeds/b.xml"`, `"`+srv.URL+`/b"`, 1)
	s.write(t, "config.toml", cfg)
	js := s.path("summary.json")

	code, _, stderr := feedsift(t, "run", "-config", s.config, "-json", js)
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "fetched=1 not_modified=0 failed=0 skipped=1") || !strings.Contains(stderr, "time budget spent") {
		t.Errorf("want one fetched and one skipped:\n%s", stderr)
	}
	if got := atomTitles(t, s.path("out/apples.atom")); !slices.Equal(got, []string{"Apple pie"}) {
		t.Errorf("entries %q", got)
	}
	code, _, stderr = feedsift(t, "run", "-config", s.config, "-budget", "0")
	if code != exitOK || !strings.Contains(stderr, "skipped=0") {
		t.Errorf("-budget 0 (none) did not override the config: exit %d\n%s", code, stderr)
	}
}

// TestRun_TopicChangeReevaluates: a changed topic is matched again over
// every stored item on the next run, without any feed changing.
func TestRun_TopicChangeReevaluates(t *testing.T) {
	a, b := fruit()
	s := newSite(t, "", a, b)
	js := s.path("summary.json")
	if code, _, stderr := feedsift(t, "run", "-config", s.config); code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	s.write(t, "config.toml", strings.Replace(string(mustReadFile(t, s.config)), "query = 'title:apple'", "query = 'title:pear'", 1))
	code, _, stderr := feedsift(t, "run", "-config", s.config, "-v", "-json", js)
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "not_modified=2") || !strings.Contains(stderr, "full=true") {
		t.Errorf("want no feed re-read and a full evaluation:\n%s", stderr)
	}
	if got := atomTitles(t, s.path("out/apples.atom")); !slices.Equal(got, []string{"Pear tart"}) {
		t.Errorf("entries after the change %q", got)
	}
	var sum summary
	if err := json.Unmarshal(mustReadFile(t, js), &sum); err != nil {
		t.Fatal(err)
	}
	if len(sum.Topics) != 1 || !sum.Topics[0].Reevaluated || sum.Topics[0].Matched != 1 {
		t.Errorf("summary topics %+v", sum.Topics)
	}
	// The new definition is recorded: the next run does not redo it.
	if _, _, stderr := feedsift(t, "run", "-config", s.config, "-v"); strings.Contains(stderr, "full=true") {
		t.Errorf("an unchanged topic was evaluated again:\n%s", stderr)
	}
}

// TestRun_Prune: with keep_days, the end of a run deletes old items, never
// one an output shows.
func TestRun_Prune(t *testing.T) {
	then := clock.Add(-100 * day)
	a := []item{
		{"a1", "Apple one", then.Add(-1 * day)},
		{"a2", "Apple two", then.Add(-2 * day)},
		{"a3", "Apple three", then.Add(-3 * day)}, // matched, not shown: pruned after 60 days
		{"a4", "Pear", then.Add(-1 * day)},        // unmatched: pruned after 30 days
	}
	s := newSite(t, "keep_days = 30\nkeep_matched_days = 60\n", a, nil)
	if code, _, stderr := feedsiftAt(t, then, "run", "-config", s.config); code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	before := mustReadFile(t, s.path("out/apples.atom"))

	code, stdout, stderr := feedsiftAt(t, clock, "prune", "-config", s.config, "-dry-run")
	if code != exitOK || !strings.Contains(stdout, "would delete 1 unmatched items (keep_days = 30) and 1 matched items (keep_matched_days = 60)") {
		t.Errorf("prune -dry-run: exit %d\n%s%s", code, stdout, stderr)
	}
	code, _, stderr = feedsiftAt(t, clock, "run", "-config", s.config)
	if code != exitOK || !strings.Contains(stderr, "pruned=2") || !strings.Contains(stderr, "unmatched=1 matched=1") {
		t.Errorf("run: exit %d\n%s", code, stderr)
	}
	if after := mustReadFile(t, s.path("out/apples.atom")); string(after) != string(before) {
		t.Errorf("pruning changed the output")
	}
	code, stdout, _ = feedsiftAt(t, clock, "prune", "-config", s.config, "-vacuum")
	if code != exitOK || !strings.Contains(stdout, "deleted 0 unmatched items") || !strings.Contains(stdout, "compacted") {
		t.Errorf("prune again: exit %d\n%s", code, stdout)
	}

	t.Run("retention off", func(t *testing.T) {
		s := newSite(t, "", a, nil)
		if code, _, stderr := feedsift(t, "prune", "-config", s.config); code != exitUsage || !strings.Contains(stderr, "no keep_days") {
			t.Errorf("exit %d, stderr %q", code, stderr)
		}
		// A dry run answers the question: nothing would be deleted.
		if code, stdout, stderr := feedsift(t, "prune", "-config", s.config, "-dry-run"); code != exitOK || !strings.Contains(stdout, "would delete nothing") {
			t.Errorf("-dry-run: exit %d, %q %q", code, stdout, stderr)
		}
	})
	t.Run("no database", func(t *testing.T) {
		s := newSite(t, "keep_days = 1\n", a, nil)
		code, _, stderr := feedsift(t, "prune", "-config", s.config)
		if code != exitDatabase || !strings.Contains(stderr, "does not exist") {
			t.Errorf("exit %d, stderr %q", code, stderr)
		}
		if _, err := os.Stat(filepath.Join(s.dir, "feedsift.db")); err == nil {
			t.Errorf("prune created a database")
		}
	})
}

// TestRun_ExitCodePerOutcome: one documented code per outcome of run.
func TestRun_ExitCodePerOutcome(t *testing.T) {
	a, b := fruit()
	tests := []struct {
		name  string
		setup func(s *site) context.Context
		args  []string
		code  int
	}{
		{"ok", nil, nil, exitOK},
		{"a feed failed", func(s *site) context.Context { os.Remove(s.path("feeds/b.xml")); return nil }, nil, exitOK},
		{"a feed failed, -strict", func(s *site) context.Context { os.Remove(s.path("feeds/b.xml")); return nil }, []string{"-strict"}, exitFeedsFailed},
		{"outputs not written", func(s *site) context.Context { s.write(t, "out", "a file"); return nil }, nil, exitFailure},
		{"config error", func(s *site) context.Context { s.write(t, "config.toml", "database = 1\n"); return nil }, nil, exitUsage},
		{"bad flag", nil, []string{"-budget", "-1s"}, exitUsage},
		{"database error", func(s *site) context.Context {
			s.write(t, "feedsift.db", strings.Repeat("not sqlite ", 500))
			return nil
		}, nil, exitDatabase},
		{"locked", func(s *site) context.Context {
			unlock, err := lockRun(context.Background(), s.path("feedsift.db"), 0)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(unlock)
			return nil
		}, nil, exitLocked},
		{"interrupted", func(s *site) context.Context {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx
		}, nil, exitInterrupted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSite(t, "", a, b)
			ctx := context.Background()
			if tt.setup != nil {
				if c := tt.setup(s); c != nil {
					ctx = c
				}
			}
			js := s.path("summary.json")
			args := append([]string{"run", "-config", s.config, "-json", js}, tt.args...)
			var out, errb strings.Builder
			code := runWith(ctx, args, &out, &errb, func() time.Time { return clock })
			if code != tt.code {
				t.Errorf("exit %d, want %d\n%s", code, tt.code, errb.String())
			}
			var sum summary
			if err := json.Unmarshal(mustReadFile(t, js), &sum); err != nil || sum.ExitCode != code {
				t.Errorf("summary file: exit_code %d, err %v", sum.ExitCode, err)
			}
			if tt.code == exitLocked && strings.Contains(errb.String(), "run finished") {
				t.Errorf("a run that never started logged a summary:\n%s", errb.String())
			}
		})
	}
}

// TestRun_LockIsNoLink: a symbolic link where the lock file goes is not
// followed (its target would be truncated): the run exits 3 saying so,
// and the target is untouched.
func TestRun_LockIsNoLink(t *testing.T) {
	a, b := fruit()
	s := newSite(t, "", a, b)
	victim := s.path("precious.txt")
	s.write(t, "precious.txt", "keep me\n")
	if err := os.Symlink(victim, s.path("feedsift.db.lock")); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := feedsift(t, "run", "-config", s.config)
	if code != exitDatabase || !strings.Contains(stderr, "is a symbolic link") {
		t.Errorf("exit %d, %q; want 3 naming the link", code, stderr)
	}
	if got := string(mustReadFile(t, victim)); got != "keep me\n" {
		t.Errorf("the link's target was written: %q", got)
	}
}
