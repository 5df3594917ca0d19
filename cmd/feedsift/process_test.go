package main

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/feedsift/feedsift/store"
)

// Tests that run the built binary as a process: the local faults of
// CATALOGUE 2.7 that need a second process or a signal.

// growingFeeds serves /feed/N (one new item per request, the last 20
// shown) and /slow (a feed after ?ms= milliseconds, or when the client
// goes away).
func growingFeeds(t *testing.T, maxDelay time.Duration) *httptest.Server {
	t.Helper()
	var requests atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("/feed/", func(w http.ResponseWriter, r *http.Request) {
		n := int(requests.Add(1))
		if maxDelay > 0 {
			select {
			case <-time.After(rand.N(maxDelay)):
			case <-r.Context().Done():
				return
			}
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>feed %s</title><link>http://example.org/</link><description>d</description>`, r.URL.Path)
		for i := max(0, n-20); i < n; i++ {
			fmt.Fprintf(w, `<item><title>story %d of %s</title><link>http://example.org%s/%d</link><guid>%s-%d</guid><description>&lt;p&gt;text %d&lt;/p&gt;</description></item>`,
				i, r.URL.Path, r.URL.Path, i, r.URL.Path, i, i)
		}
		fmt.Fprint(w, `</channel></rss>`)
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		ms, _ := strconv.Atoi(r.URL.Query().Get("ms"))
		select {
		case <-time.After(time.Duration(ms) * time.Millisecond):
		case <-r.Context().Done():
			return
		}
		fmt.Fprint(w, `<rss version="2.0"><channel><title>slow</title><item><title>slow story</title><guid>slow-1</guid></item></channel></rss>`)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// writeConfig writes a config over the given feed URLs with one topic
// that keeps everything.
func writeConfig(t *testing.T, dir string, extra string, urls ...string) string {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "database = \"feedsift.db\"\noutput_dir = \"out\"\ntimeout = \"30s\"\nconcurrency = 4\nformats = [\"atom\"]\n%s\n", extra)
	for _, u := range urls {
		fmt.Fprintf(&b, "[[feeds]]\nurl = %q\n", u)
	}
	b.WriteString("[[topics]]\nname = \"all\"\ntitle = \"All\"\nmax_entries = 200\nquery = 'story'\n")
	p := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// waitLocked waits (bounded) until a run has taken the database lock and
// returns the pid written in it.
func waitLocked(t *testing.T, dir string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(filepath.Join(dir, "feedsift.db.lock")); err == nil && len(bytes.TrimSpace(b)) > 0 {
			return string(bytes.TrimSpace(b))
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("no run took the lock within 10 s")
	return ""
}

func exitCodeOf(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return 128 + int(ws.Signal())
		}
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

// TestRun_OverlappingProcesses: a second run while the first holds the
// lock exits at once with 75 and names the holder; the first completes.
func TestRun_OverlappingProcesses(t *testing.T) {
	bin := buildFeedsift(t)
	srv := growingFeeds(t, 0)
	dir := t.TempDir()
	cfg := writeConfig(t, dir, "", srv.URL+"/slow?ms=2500", srv.URL+"/feed/a")
	a := exec.Command(bin, "run", "-config", cfg)
	var aErr bytes.Buffer
	a.Stderr = &aErr
	if err := a.Start(); err != nil {
		t.Fatal(err)
	}
	pid := waitLocked(t, dir)
	if pid != strconv.Itoa(a.Process.Pid) {
		t.Errorf("lock file says pid %s, run A is %d", pid, a.Process.Pid)
	}
	start := time.Now()
	out, err := exec.Command(bin, "run", "-config", cfg).CombinedOutput()
	elapsed := time.Since(start)
	if code := exitCodeOf(err); code != exitLocked || elapsed > time.Second {
		t.Errorf("second run: exit %d after %s, want %d within 1 s", code, elapsed, exitLocked)
	}
	want := fmt.Sprintf("another feedsift run (pid %d) holds %s", a.Process.Pid, filepath.Join(dir, "feedsift.db.lock"))
	if !strings.Contains(string(out), want) {
		t.Errorf("second run said %q, want %q", out, want)
	}
	if err := a.Wait(); err != nil {
		t.Errorf("first run: %v\n%s", err, aErr.String())
	}
	mustIntegrity(t, filepath.Join(dir, "feedsift.db"))
}

// TestRun_SIGTERM: an interrupted run stops within 2 s with exit 130,
// keeps the feeds that finished and leaves the previous output alone.
func TestRun_SIGTERM(t *testing.T) {
	bin := buildFeedsift(t)
	srv := growingFeeds(t, 0)
	dir := t.TempDir()
	// A first run writes an output.
	first := writeConfig(t, dir, "", srv.URL+"/feed/a")
	if out, err := exec.Command(bin, "run", "-config", first).CombinedOutput(); err != nil {
		t.Fatalf("first run: %v\n%s", err, out)
	}
	outPath := filepath.Join(dir, "out", "all.atom")
	before, err := os.ReadFile(outPath)
	if err != nil {
		t.Fatal(err)
	}
	cfg := writeConfig(t, dir, "", srv.URL+"/slow?ms=20000", srv.URL+"/feed/a")
	run := exec.Command(bin, "run", "-config", cfg)
	var stderr bytes.Buffer
	run.Stderr = &stderr
	if err := run.Start(); err != nil {
		t.Fatal(err)
	}
	waitLocked(t, dir)
	time.Sleep(500 * time.Millisecond) // /feed/a finishes; /slow hangs
	if err := run.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	done := make(chan error, 1)
	go func() { done <- run.Wait() }()
	select {
	case err := <-done:
		if code := exitCodeOf(err); code != exitInterrupted {
			t.Errorf("exit %d, want %d\n%s", code, exitInterrupted, stderr.String())
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("exited %s after SIGTERM, want within 2 s", d)
		}
	case <-time.After(10 * time.Second):
		run.Process.Kill()
		t.Fatalf("still running 10 s after SIGTERM\n%s", stderr.String())
	}
	db := filepath.Join(dir, "feedsift.db")
	mustIntegrity(t, db)
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if f, _, _ := st.Feed(context.Background(), srv.URL+"/feed/a"); f.Error != "" || f.SuccessAt.IsZero() {
		t.Errorf("the feed that finished before SIGTERM was not committed: %+v", f)
	}
	if f, _, _ := st.Feed(context.Background(), srv.URL+"/slow?ms=20000"); f.Error != "" || f.Failures != 0 {
		t.Errorf("the interrupted feed was recorded as failing: %+v", f)
	}
	if after, _ := os.ReadFile(outPath); !bytes.Equal(before, after) {
		t.Errorf("an interrupted run rewrote the output")
	}
}

func mustIntegrity(t *testing.T, db string) {
	t.Helper()
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatalf("open after the run: %v", err)
	}
	defer st.Close()
	if err := st.IntegrityCheck(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// TestRun_CrashSafety kills `feedsift run` with SIGKILL at random moments
// (crashTrials times) over 20 feeds on 127.0.0.1 that grow by an item per
// request. After every kill: PRAGMA integrity_check is ok, the item count
// never decreases, the output (if any) parses, and the next run succeeds
// with no manual step.
func TestRun_CrashSafety(t *testing.T) {
	const crashTrials = 20
	bin := buildFeedsift(t)
	srv := growingFeeds(t, 60*time.Millisecond)
	dir := t.TempDir()
	var urls []string
	for i := range 20 {
		urls = append(urls, fmt.Sprintf("%s/feed/%d", srv.URL, i))
	}
	cfg := writeConfig(t, dir, "", urls...)
	db := filepath.Join(dir, "feedsift.db")
	outPath := filepath.Join(dir, "out", "all.atom")
	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 0))
	// count opens the database, runs PRAGMA integrity_check when asked
	// (after every kill; it is slow under -race) and counts the items.
	count := func(check bool) int {
		st, err := store.Open(context.Background(), db)
		if err != nil {
			t.Fatalf("open after a kill: %v", err)
		}
		defer st.Close()
		if check {
			if err := st.IntegrityCheck(context.Background()); err != nil {
				t.Fatalf("integrity_check after a kill: %v", err)
			}
		}
		n, err := st.Count(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	outputParses := func(when string) {
		b, err := os.ReadFile(outPath)
		if errors.Is(err, os.ErrNotExist) {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := xml.Unmarshal(b, new(struct{})); err != nil {
			t.Errorf("%s: output does not parse: %v", when, err)
		}
	}
	// A complete run first: its duration spreads the kills over every
	// phase (open, fetch, commit, filter, write).
	start := time.Now()
	if out, err := exec.Command(bin, "run", "-config", cfg).CombinedOutput(); err != nil {
		t.Fatalf("first run: %v\n%s", err, out)
	}
	full := time.Since(start)
	prev, killedMidRun, failures := count(false), 0, 0
	for trial := 1; trial <= crashTrials; trial++ {
		run := exec.Command(bin, "run", "-config", cfg)
		if err := run.Start(); err != nil {
			t.Fatal(err)
		}
		delay := time.Duration(rng.Int64N(int64(full)))
		time.Sleep(delay)
		run.Process.Kill() // SIGKILL
		if exitCodeOf(run.Wait()) == 128+int(syscall.SIGKILL) {
			killedMidRun++
		}
		failed := t.Failed()
		if _, err := os.Stat(db); err == nil {
			n := count(true)
			if n < prev {
				t.Errorf("trial %d (kill after %s): %d items, %d before", trial, delay, n, prev)
			}
			prev = n
		}
		outputParses(fmt.Sprintf("trial %d after the kill", trial))
		if out, err := exec.Command(bin, "run", "-config", cfg).CombinedOutput(); err != nil {
			t.Errorf("trial %d: the run after the kill failed: %v\n%s", trial, err, out)
		}
		n := count(false)
		if n < prev {
			t.Errorf("trial %d: %d items after the next run, %d before", trial, n, prev)
		}
		prev = n
		outputParses(fmt.Sprintf("trial %d after the next run", trial))
		if t.Failed() && !failed {
			failures++
		}
	}
	t.Logf("crash safety: %d trials (seed %d, kills spread over a %s run), %d killed mid-run, %d failed; %d items stored at the end",
		crashTrials, seed, full.Round(time.Millisecond), killedMidRun, failures, prev)
}
