package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/feedsift/feedsift/fetcher"
)

// TestProgress_Terminal runs a pass with stderr on a pseudo-terminal: the
// status line is drawn, cleared before each log line and at the end, and
// the summary is still there.
func TestProgress_Terminal(t *testing.T) {
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	defer ptmx.Close()
	if err := pty.Setsize(ptmx, &pty.Winsize{Rows: 24, Cols: 100}); err != nil {
		t.Fatal(err)
	}
	var screen bytes.Buffer
	read := make(chan struct{})
	go func() {
		io.Copy(&screen, ptmx) // ends when the terminal closes
		close(read)
	}()
	a, b := fruit()
	s := newSite(t, "", a, b)
	var stdout bytes.Buffer
	code := runWith(context.Background(), []string{"run", "-config", s.config}, &stdout, tty, func() time.Time { return clock })
	tty.Close()
	select {
	case <-read:
	case <-time.After(5 * time.Second):
		t.Fatal("the terminal was not closed")
	}
	out := screen.String()
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, out)
	}
	for _, want := range []string{"feeds 0/2", "feeds 2/2", "\r\x1b[K", `msg="run finished"`} {
		if !strings.Contains(out, want) {
			t.Errorf("terminal output lacks %q:\n%q", want, out)
		}
	}
	// The status line is gone before the summary: nothing follows it on
	// its line.
	if i := strings.LastIndex(out, "feeds 2/2"); i > strings.Index(out, `msg="run finished"`) {
		t.Errorf("status line drawn after the summary:\n%q", out)
	}
}

// TestProgress_NotATerminal: in a pipe or a file (cron, systemd) there is
// no status line at all.
func TestProgress_NotATerminal(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if p := newProgress(w); p != nil {
		t.Errorf("progress on a pipe")
	}
	w.Close()
	if p := newProgress(&bytes.Buffer{}); p != nil {
		t.Errorf("progress on a buffer")
	}
	a, b := fruit()
	s := newSite(t, "", a, b)
	_, _, stderr := feedsift(t, "run", "-config", s.config)
	if strings.Contains(stderr, "\x1b[") || strings.Contains(stderr, "feeds 0/") {
		t.Errorf("terminal codes in a log:\n%q", stderr)
	}
}

// TestProgress_Line: counts, failures, skips and the slowest feeds.
func TestProgress_Line(t *testing.T) {
	now := time.Date(2026, 11, 20, 6, 0, 0, 0, time.UTC)
	p := &progress{slow: 2 * time.Second, total: 40, done: 12, failed: 1, skipped: 2, active: map[string]time.Time{
		"https://fast.example.org/rss":   now.Add(-time.Second),
		"https://slow.example.org/feed":  now.Add(-12 * time.Second),
		"https://slower.example.org/rss": now.Add(-30 * time.Second),
	}}
	want := "feeds 12/40, 1 failed, 2 skipped; slow: slower.example.org/rss 30s, slow.example.org/feed 12s"
	if got := p.lineLocked(now); got != want {
		t.Errorf("line\n%q, want\n%q", got, want)
	}
	p.finished(fetcher.Result{URL: "https://slow.example.org/feed", Status: fetcher.Failed})
	if got := p.lineLocked(now); !strings.HasPrefix(got, "feeds 13/40, 2 failed") || strings.Contains(got, "slow.example.org/feed") {
		t.Errorf("after one more failure: %q", got)
	}
}
