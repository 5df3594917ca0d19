package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/feedsift/feedsift/store/pg"
	"github.com/feedsift/feedsift/store/pg/pgtest"
	"github.com/jackc/pgx/v5"
)

// feedFarm serves n RSS feeds on 127.0.0.1 and counts requests per feed
// and per client (User-Agent). Feed i of generation g has items g1…gg,
// the apple ones matching the test topic.
type feedFarm struct {
	*httptest.Server
	mu     sync.Mutex
	gen    int
	hits   map[int]int
	byUA   map[string]int
	delay  time.Duration
	served int
}

func newFeedFarm(t *testing.T, delay time.Duration) *feedFarm {
	f := &feedFarm{gen: 1, hits: map[int]int{}, byUA: map[string]int{}, delay: delay}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func (f *feedFarm) serve(w http.ResponseWriter, r *http.Request) {
	i, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/f/"))
	if err != nil {
		http.NotFound(w, r)
		return
	}
	time.Sleep(f.delay)
	f.mu.Lock()
	f.hits[i]++
	f.byUA[r.UserAgent()]++
	f.served++
	gen := f.gen
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/rss+xml")
	fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Feed %d</title><link>http://example.org/%d</link>`, i, i)
	for g := 1; g <= gen; g++ {
		title := "pear"
		if i%10 == 0 {
			title = "apple"
		}
		fmt.Fprintf(w, `<item><guid>%d-%d</guid><title>%s %d of feed %d</title><link>http://example.org/%d/%d</link></item>`,
			i, g, title, g, i, i, g)
	}
	fmt.Fprint(w, `</channel></rss>`)
}

// next starts a new generation and forgets the counts.
func (f *feedFarm) next() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.gen++
	f.hits, f.byUA, f.served = map[int]int{}, map[string]int{}, 0
}

func (f *feedFarm) counts() (hits map[int]int, byUA map[string]int, served int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	hits, byUA = map[int]int{}, map[string]int{}
	for k, v := range f.hits {
		hits[k] = v
	}
	for k, v := range f.byUA {
		byUA[k] = v
	}
	return hits, byUA, f.served
}

// buildFeedsift builds the command once for tests that run processes.
func buildFeedsift(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "feedsift")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestWorkers_Postgres: four worker processes share one PostgreSQL over
// 1,000 loopback feeds. Each pass fetches every feed exactly once
// (counted by the server) and stores no duplicate; a worker killed with
// SIGKILL mid-pass loses nothing, its claimed feeds being taken over
// once its lease expires; then one run writes the outputs from the
// shared database.
func TestWorkers_Postgres(t *testing.T) {
	dbURL := pgtest.URL(t)
	if testing.Short() {
		t.Skip("-short: builds the command and runs processes")
	}
	const nFeeds, nWorkers = 1000, 4
	farm := newFeedFarm(t, 10*time.Millisecond)
	bin := buildFeedsift(t)
	dir := t.TempDir()
	var feeds strings.Builder
	for i := range nFeeds {
		fmt.Fprintf(&feeds, "[[feeds]]\nurl = \"%s/f/%d\"\n", farm.URL, i)
	}
	configs := make([]string, nWorkers+1)
	for w := range configs {
		configs[w] = filepath.Join(dir, fmt.Sprintf("worker%d.toml", w))
		cfg := fmt.Sprintf("database = %q\noutput_dir = \"out\"\nconcurrency = 8\nper_host = 8\nuser_agent = \"worker%d\"\n%s\n"+
			"[[topics]]\nname = \"apples\"\ntitle = \"Apples\"\nquery = 'title:apple'\nmax_entries = 1000\n", dbURL, w, feeds.String())
		if err := os.WriteFile(configs[w], []byte(cfg), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	start := func(w int, args ...string) (*exec.Cmd, *strings.Builder) {
		var stderr strings.Builder
		cmd := exec.CommandContext(ctx, bin, append([]string{"run", "-config", configs[w]}, args...)...)
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd, &stderr
	}
	st, err := pg.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	check := func(pass int, wantItems int64, once bool) {
		t.Helper()
		hits, byUA, served := farm.counts()
		var missing, twice []int
		for i := range nFeeds {
			switch {
			case hits[i] == 0:
				missing = append(missing, i)
			case hits[i] > 1:
				twice = append(twice, i)
			}
		}
		t.Logf("pass %d: %d requests for %d feeds, by worker %v, %d feeds fetched twice", pass, served, nFeeds, byUA, len(twice))
		if len(missing) > 0 || once && len(twice) > 0 {
			t.Errorf("pass %d: feeds never fetched %v, fetched more than once %v", pass, missing, twice)
		}
		var items, keys, feedsLeft int64
		if err := conn.QueryRow(ctx, `SELECT count(*), count(DISTINCT (feed_id, guid)),
			(SELECT count(*) FROM feeds WHERE attempted_at IS NULL OR attempted_at < (SELECT max(started_at) FROM passes))
			FROM items`).Scan(&items, &keys, &feedsLeft); err != nil {
			t.Fatal(err)
		}
		if items != wantItems || keys != items || feedsLeft != 0 {
			t.Errorf("pass %d: %d items (%d distinct feed and guid), want %d; %d feeds not attempted", pass, items, keys, wantItems, feedsLeft)
		}
	}

	// Pass 1: four workers started together.
	var cmds []*exec.Cmd
	var logs []*strings.Builder
	for w := range nWorkers {
		c, l := start(w, "-worker", "-lease", "2s")
		cmds, logs = append(cmds, c), append(logs, l)
	}
	for w, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Fatalf("worker %d: %v\n%s", w, err, logs[w])
		}
	}
	check(1, nFeeds, true)
	_, byUA, _ := farm.counts()
	if len(byUA) != nWorkers {
		t.Errorf("work was not shared: requests by worker %v", byUA)
	}

	// Pass 2: worker 0 is killed once it has fetched some feeds.
	farm.next()
	cmds, logs = nil, nil
	for w := range nWorkers {
		c, l := start(w, "-worker", "-lease", "2s")
		cmds, logs = append(cmds, c), append(logs, l)
	}
	killed := false
	for range 3000 { // at most 30s
		if _, byUA, _ := farm.counts(); byUA["worker0"] >= 20 {
			if err := cmds[0].Process.Kill(); err != nil {
				t.Fatal(err)
			}
			killed = true
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if !killed {
		t.Fatalf("worker 0 fetched nothing in 30s\n%s", logs[0])
	}
	if err := cmds[0].Wait(); err == nil {
		t.Errorf("the killed worker exited 0")
	}
	for w, c := range cmds[1:] {
		if err := c.Wait(); err != nil {
			t.Fatalf("worker %d: %v\n%s", w+1, err, logs[w+1])
		}
	}
	check(2, nFeeds*2, false)
	var stale int64
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM feeds WHERE claimed_by <> ''`).Scan(&stale); err != nil || stale != 0 {
		t.Errorf("%d claims left after the pass (%v)", stale, err)
	}

	// One run writes the outputs from every worker's items.
	farm.next()
	out, stderr := start(nWorkers)
	if err := out.Wait(); err != nil {
		t.Fatalf("publishing run: %v\n%s", err, stderr)
	}
	check(3, nFeeds*3, true)
	atom, err := os.ReadFile(filepath.Join(dir, "out", "apples.atom"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(atom), "<entry>"); n != nFeeds/10*3 {
		t.Errorf("apples.atom has %d entries, want %d", n, nFeeds/10*3)
	}
	if ids, _, err := st.Unevaluated(ctx); err != nil || len(ids) != 0 {
		t.Errorf("%d items left unevaluated (%v)", len(ids), err)
	}

	// Items that only workers stored (pass 4) reach the outputs through
	// the queue: the publishing run's own pass (5) does not fetch them.
	farm.next()
	cmds, logs = nil, nil
	for w := range nWorkers {
		c, l := start(w, "-worker")
		cmds, logs = append(cmds, c), append(logs, l)
	}
	for w, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Fatalf("worker %d: %v\n%s", w, err, logs[w])
		}
	}
	check(4, nFeeds*4, true)
	farm.next()
	out, stderr = start(nWorkers)
	if err := out.Wait(); err != nil {
		t.Fatalf("publishing run: %v\n%s", err, stderr)
	}
	check(5, nFeeds*5, true)
	atom, err = os.ReadFile(filepath.Join(dir, "out", "apples.atom"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(atom), "<entry>"); n != nFeeds/10*5 {
		t.Errorf("apples.atom has %d entries, want %d (the workers' items of pass 4 included)", n, nFeeds/10*5)
	}
}

// TestDBCopy: a SQLite installation copied into PostgreSQL has the same
// rows and item keys, and a run on the copy fetches and publishes as
// before.
func TestDBCopy(t *testing.T) {
	dbURL := pgtest.URL(t)
	s := newSite(t, "", []item{{"a1", "An apple", clock}, {"a2", "A pear", clock}}, []item{{"b1", "Apple pie", clock}})
	if code, _, stderr := feedsift(t, "run", "-config", s.config); code != exitOK {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	code, stdout, stderr := feedsift(t, "db", "copy", "-from", s.path("feedsift.db"), "-to", dbURL)
	if code != exitOK || !strings.Contains(stdout, "items          3 rows") || !strings.Contains(stdout, "agree") {
		t.Fatalf("db copy: exit %d\n%s%s", code, stdout, stderr)
	}
	if code, _, stderr := feedsift(t, "db", "copy", "-from", s.path("feedsift.db"), "-to", dbURL); code != exitDatabase ||
		!strings.Contains(stderr, "empty") {
		t.Errorf("second copy: exit %d: %s", code, stderr)
	}
	for _, args := range [][]string{
		{"db", "copy", "-from", s.path("feedsift.db")},
		{"db", "copy", "-from", s.path("feedsift.db"), "-to", s.path("other.db")},
		{"db", "move"},
	} {
		if code, _, _ := feedsift(t, args...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}
	// The copy serves as the database: nothing is new, the output is the same.
	before := mustReadFile(t, s.path("out/apples.atom"))
	s.write(t, "config.toml", strings.Replace(string(mustReadFile(t, s.config)), `database = "feedsift.db"`, fmt.Sprintf("database = %q", dbURL), 1))
	if code, _, stderr := feedsift(t, "run", "-config", s.config); code != exitOK {
		t.Fatalf("run on the copy: exit %d: %s", code, stderr)
	}
	if after := mustReadFile(t, s.path("out/apples.atom")); string(after) != string(before) {
		t.Errorf("the output changed after moving to PostgreSQL:\n%s\nwas\n%s", after, before)
	}
}
