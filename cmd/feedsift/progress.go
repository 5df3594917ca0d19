package main

import (
	"fmt"
	"io"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/feedsift/feedsift/fetcher"
	"golang.org/x/term"
)

// progress is a live status line on a terminal: feeds done of total,
// failures, and the feeds that are taking long. It exists only when stderr
// is a terminal (never under cron, systemd or in a pipe). Log lines go
// through its Write, which takes the status line off the screen, writes
// the log line and puts the status line back, so the two never mix.
type progress struct {
	w     *os.File
	every time.Duration // redraw interval
	slow  time.Duration // a feed running longer is named

	mu      sync.Mutex
	total   int
	done    int
	failed  int
	skipped int
	active  map[string]time.Time // feed URL -> start
	running bool
	shown   bool // a status line is on the screen
	stopc   chan struct{}
	stopped chan struct{}
}

// newProgress returns a progress line on w, or nil when w is not a
// terminal.
func newProgress(w io.Writer) *progress {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) || os.Getenv("TERM") == "dumb" {
		return nil
	}
	return &progress{w: f, every: 200 * time.Millisecond, slow: 2 * time.Second, active: map[string]time.Time{}}
}

// start shows the line and redraws it until stop.
func (p *progress) start(total int) {
	p.mu.Lock()
	p.total, p.running = total, true
	p.stopc, p.stopped = make(chan struct{}), make(chan struct{})
	p.drawLocked()
	p.mu.Unlock()
	go func() {
		defer close(p.stopped)
		t := time.NewTicker(p.every)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				p.mu.Lock()
				p.drawLocked()
				p.mu.Unlock()
			case <-p.stopc:
				return
			}
		}
	}()
}

// stop removes the line for good.
func (p *progress) stop() {
	p.mu.Lock()
	if !p.running {
		p.mu.Unlock()
		return
	}
	p.running = false
	p.clearLocked()
	p.mu.Unlock()
	close(p.stopc)
	<-p.stopped
}

func (p *progress) begun(feed string) {
	p.mu.Lock()
	p.active[feed] = time.Now()
	p.mu.Unlock()
}

func (p *progress) finished(r fetcher.Result) {
	p.mu.Lock()
	delete(p.active, r.URL)
	p.done++
	switch r.Status {
	case fetcher.Failed:
		p.failed++
	case fetcher.Skipped:
		p.skipped++
	}
	p.drawLocked()
	p.mu.Unlock()
}

// Write writes a log line above the status line.
func (p *progress) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clearLocked()
	n, err := p.w.Write(b)
	if p.running {
		p.drawLocked()
	}
	return n, err
}

func (p *progress) clearLocked() {
	if p.shown {
		io.WriteString(p.w, "\r\033[K")
		p.shown = false
	}
}

func (p *progress) drawLocked() {
	if !p.running {
		return
	}
	width := 80
	if w, _, err := term.GetSize(int(p.w.Fd())); err == nil && w > 0 {
		width = w
	}
	line := p.lineLocked(time.Now())
	if utf8.RuneCountInString(line) > width-1 {
		line = string([]rune(line)[:width-2]) + "…"
	}
	io.WriteString(p.w, "\r\033[K"+line)
	p.shown = true
}

// lineLocked is the status text: "feeds 12/40, 1 failed; slow: host/path 12s".
func (p *progress) lineLocked(now time.Time) string {
	var b strings.Builder
	fmt.Fprintf(&b, "feeds %d/%d", p.done, p.total)
	if p.failed > 0 {
		fmt.Fprintf(&b, ", %d failed", p.failed)
	}
	if p.skipped > 0 {
		fmt.Fprintf(&b, ", %d skipped", p.skipped)
	}
	type run struct {
		feed string
		d    time.Duration
	}
	var slow []run
	for f, t := range p.active {
		if d := now.Sub(t); d >= p.slow {
			slow = append(slow, run{f, d})
		}
	}
	sort.Slice(slow, func(i, j int) bool {
		if slow[i].d != slow[j].d {
			return slow[i].d > slow[j].d
		}
		return slow[i].feed < slow[j].feed
	})
	for i, r := range slow {
		if i == 3 {
			fmt.Fprintf(&b, " +%d", len(slow)-3)
			break
		}
		sep := ", "
		if i == 0 {
			sep = "; slow: "
		}
		fmt.Fprintf(&b, "%s%s %ds", sep, shortURL(r.feed), int(r.d.Seconds()))
	}
	return b.String()
}

// shortURL is a feed URL without its scheme, for a narrow line.
func shortURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return s
	}
	return u.Host + u.EscapedPath()
}
