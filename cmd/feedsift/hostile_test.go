package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/feedsift/feedsift/store"
	"github.com/mmcdole/gofeed"
)

// The hostile feed server (../shared/hostile beside the checkout) serves
// one endpoint per bad input; its /cases.json says what each must do.
// TestHostile_Catalogue runs feedsift over all of them at once, five
// times, and checks each case's expectation and the catalogue's
// invariants after every run (I1–I5 in ../shared/hostile/CATALOGUE.md).

// hostileServer is a running hostile command.
type hostileServer struct {
	URL   string
	cases []hostileCase
}

type hostileCase struct {
	Path   string   `json:"path"`
	Group  string   `json:"group"`
	Expect string   `json:"expect"`
	URLs   []string `json:"urls"`
}

type hostileStats struct {
	Hits        map[string]int                 `json:"hits"`
	LastHeaders map[string]map[string][]string `json:"last_headers"`
}

// moduleRoot is the directory of go.mod above the test's directory.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test directory")
		}
		dir = parent
	}
}

// startHostile builds and starts ../shared/hostile/cmd/hostile, or skips
// the test when the shared folder is absent.
//
// maxSlow is above the feeds' 5 s deadline on purpose: with -max-slow 2s
// the slow cases (drip, headers, stall, tarpit) would give up before the
// deadline and end as ordinary successes or EOFs, so their "timeout"
// expectation could not be tested; they still cost no more than the
// deadline, which feedsift enforces.
func startHostile(t *testing.T) *hostileServer {
	t.Helper()
	src := filepath.Join(moduleRoot(t), "..", "shared", "hostile")
	if _, err := os.Stat(filepath.Join(src, "cmd", "hostile")); err != nil {
		t.Skipf("hostile feed server not found at %s (it sits beside the checkout as ../shared/hostile): %v", src, err)
	}
	bin := filepath.Join(t.TempDir(), "hostile")
	build := exec.Command("go", "build", "-o", bin, "./cmd/hostile")
	build.Dir = src
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build hostile: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "-addr", "127.0.0.1:0", "-max-slow", "8s", "-lifetime", "10m")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "READY "); ok {
				ready <- strings.TrimSpace(u)
			}
		}
		io.Copy(io.Discard, stdout)
	}()
	s := &hostileServer{}
	select {
	case s.URL = <-ready:
	case <-time.After(30 * time.Second):
		t.Fatal("hostile server did not print READY within 30 s")
	}
	if err := json.Unmarshal(s.get(t, "/cases.json"), &s.cases); err != nil {
		t.Fatal(err)
	}
	return s
}

func (s *hostileServer) get(t *testing.T, path string) []byte {
	t.Helper()
	c := &http.Client{Timeout: 10 * time.Second}
	resp, err := c.Get(s.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (s *hostileServer) stats(t *testing.T) hostileStats {
	t.Helper()
	var st hostileStats
	if err := json.Unmarshal(s.get(t, "/stats"), &st); err != nil {
		t.Fatal(err)
	}
	return st
}

// logLine is one line of `-log-format json`.
type logLine struct {
	Level string `json:"level"`
	Msg   string `json:"msg"`
	Feed  string `json:"feed"`
	Class string `json:"class"`
	Err   string `json:"err"`
	// Duration of a failed feed's fetch, nanoseconds.
	Duration time.Duration `json:"duration"`
}

// runState is what one run left behind.
type runState struct {
	code    int
	elapsed time.Duration
	logs    []logLine
	feeds   map[string]store.Feed
	items   map[string][]store.FeedItem // by feed URL
	atom    []byte
	entries []atomEntryT
}

type atomEntryT struct {
	ID    string `xml:"id"`
	Title struct {
		Type string `xml:"type,attr"`
		Text string `xml:",chardata"`
	} `xml:"title"`
	Links []struct {
		Href string `xml:"href,attr"`
		Rel  string `xml:"rel,attr"`
	} `xml:"link"`
	Updated string `xml:"updated"`
	Summary struct {
		Type string `xml:"type,attr"`
		Text string `xml:",chardata"`
	} `xml:"summary"`
	Content struct {
		Type string `xml:"type,attr"`
		Text string `xml:",chardata"`
	} `xml:"content"`
	Source struct {
		ID string `xml:"id"`
	} `xml:"source"`
}

// activeNeedles must never reach a feed reader in published HTML
// (CATALOGUE 2.5); activeContent also finds on…= handlers and style=.
var activeNeedles = []string{"<script", "javascript:", "vbscript:", "data:text/html", "srcdoc", "<iframe", "<object",
	"<embed", "<applet", "<form", "<meta", "<base", "<link", "<style", "expression(", "<svg", "<math", "<frame"}

var (
	handlerEquals = regexp.MustCompile(`^[a-z]+\s*=`) // after "on"
	styleEquals   = regexp.MustCompile(`^\s*=`)       // after "style"
)

// activeContent returns the first active thing in html, "" if none. (A
// plain scan: a case-insensitive regexp over megabytes is slow under
// -race.)
func activeContent(html string) string {
	lower := strings.ToLower(html)
	for _, n := range activeNeedles {
		if strings.Contains(lower, n) {
			return n
		}
	}
	for _, attr := range []string{"on", "style"} {
		for i := 0; ; {
			j := strings.Index(lower[i:], attr)
			if j < 0 {
				break
			}
			k := i + j
			i = k + len(attr)
			if k == 0 || !strings.ContainsRune(" \t\n\r\f/\"'", rune(lower[k-1])) {
				continue
			}
			re := handlerEquals
			if attr == "style" {
				re = styleEquals
			}
			if m := re.FindString(lower[i:min(len(lower), i+64)]); m != "" {
				return attr + m
			}
		}
	}
	return ""
}

// TestHostile_Catalogue is the whole catalogue as one test.
func TestHostile_Catalogue(t *testing.T) {
	srv := startHostile(t)
	dir := t.TempDir()
	B := srv.URL
	ca := srv.get(t, "/tls/ca.pem")
	if err := os.WriteFile(filepath.Join(dir, "ca.pem"), ca, 0o644); err != nil {
		t.Fatal(err)
	}

	var cfg strings.Builder
	cfg.WriteString(`database = "feedsift.db"
output_dir = "out"
timeout = "5s"
concurrency = 64
per_host = 64
budget = "60s"
`)
	// Under -race, smaller instances of the heaviest cases, each still
	// over the cap it tests (1,000 items, 16 MiB, 1 MiB per item).
	shrink := map[string]string{}
	if raceDetector {
		shrink = map[string]string{"/huge/items": "?n=5000", "/huge/body": "?mb=24", "/huge/item": "?mb=2",
			"/xml/deep-nesting": "?depth=10000", "/xss/deep-nesting": "?depth=2000"}
	}
	byURL := map[string]hostileCase{}
	var tlsGood, tlsSelfSigned string
	for _, c := range srv.cases {
		for _, u := range c.URLs {
			if q, ok := shrink[c.Path]; ok && u == B+c.Path {
				u += q
			}
			byURL[u] = c
			fmt.Fprintf(&cfg, "[[feeds]]\nurl = %q\n", u)
			switch c.Path {
			case "/tls/good":
				tlsGood = u
			case "/tls/self-signed":
				tlsSelfSigned = u
			}
		}
	}
	// The same TLS endpoints once more with the settings that make them
	// work: the test CA as ca_file, and tls_insecure for the self-signed
	// leaf (query strings keep the URLs distinct).
	withCA, insecure := tlsGood+"?with-ca", tlsSelfSigned+"?insecure"
	fmt.Fprintf(&cfg, "[[feeds]]\nurl = %q\nca_file = \"ca.pem\"\n[[feeds]]\nurl = %q\ntls_insecure = true\n", withCA, insecure)
	cfg.WriteString(`[[topics]]
name = "all"
title = "Every item of the hostile feeds"
max_entries = 0
query = 'feed:127'
`)
	cfgPath := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(cfgPath, []byte(cfg.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	var allURLs []string
	for u := range byURL {
		allURLs = append(allURLs, u)
	}
	sort.Strings(allURLs)
	t.Logf("%d cases, %d feed URLs (+2 TLS variants)", len(srv.cases), len(allURLs))

	firstRun := time.Now()
	goroutinesBefore := runtime.NumGoroutine()
	srv.get(t, "/stats/reset")
	var offset time.Duration // the clock of later runs moves forward
	run := func(extra ...string) *runState {
		t.Helper()
		var stdout, stderr bytes.Buffer
		start := time.Now()
		args := append([]string{"run", "-config", cfgPath, "-log-format", "json"}, extra...)
		code := runWith(context.Background(), args, &stdout, &stderr, func() time.Time { return time.Now().Add(offset) })
		rs := &runState{code: code, elapsed: time.Since(start)}
		defer func() {
			t.Logf("run %v: %s + %s reading the results", extra, rs.elapsed.Round(time.Millisecond), (time.Since(start) - rs.elapsed).Round(time.Millisecond))
		}()
		for _, l := range strings.Split(strings.TrimSpace(stderr.String()), "\n") {
			var ll logLine
			if err := json.Unmarshal([]byte(l), &ll); err != nil {
				t.Fatalf("log line is not JSON: %q: %v", l, err)
			}
			rs.logs = append(rs.logs, ll)
		}
		st, err := store.Open(context.Background(), filepath.Join(dir, "feedsift.db"))
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		if err := st.IntegrityCheck(context.Background()); err != nil {
			t.Fatal(err)
		}
		fs, err := st.Feeds(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		rs.feeds = map[string]store.Feed{}
		for _, f := range fs {
			rs.feeds[f.URL] = f
		}
		rs.items = map[string][]store.FeedItem{}
		if err := st.EachItem(context.Background(), nil, func(it *store.FeedItem) error {
			rs.items[it.FeedURL] = append(rs.items[it.FeedURL], *it)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		rs.atom, err = os.ReadFile(filepath.Join(dir, "out", "all.atom"))
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Entries []atomEntryT `xml:"entry"`
		}
		if err := xml.Unmarshal(rs.atom, &doc); err != nil {
			t.Fatalf("output is not XML: %v", err)
		}
		rs.entries = doc.Entries
		if code != exitOK {
			t.Fatalf("run exit %d:\n%s", code, stderr.String())
		}
		return rs
	}

	var runs []*runState
	for i := range 5 {
		rs := run()
		runs = append(runs, rs)
		t.Logf("run %d: %s, %d feeds stored, %d entries", i+1, rs.elapsed.Round(time.Millisecond), len(rs.feeds), len(rs.entries))
		ct := time.Now()
		checkInvariants(t, i+1, srv, rs, runs, byURL)
		t.Logf("run %d: invariants checked in %s", i+1, time.Since(ct).Round(time.Millisecond))
	}
	r1, r2, r5 := runs[0], runs[1], runs[4]
	hits := srv.stats(t)

	// Row-specific expectations, by the server's own classification.
	for _, u := range allURLs {
		c := byURL[u]
		f := r1.feeds[u]
		n := len(r1.items[u])
		name := strings.TrimPrefix(u, B)
		t.Run(strings.TrimPrefix(name, "/"), func(t *testing.T) {
			expect := c.Expect
			if strings.HasPrefix(c.Path, "/state/") {
				expect = "ok" // the first answer is good; later runs are checked in "states"
			}
			switch expect {
			case "ok", "ok-repaired", "ok-sanitized", "ok-capped", "not-modified", "moved", "keep-stored":
				if f.Error != "" || (n == 0 && c.Path != "/empty/zero-items") {
					t.Errorf("want items and no error: %d items, error %q", n, f.Error)
				}
			case "fail", "fail-limit", "fail-timeout", "gone", "backoff":
				if f.Error == "" || n != 0 {
					t.Errorf("want a failure and nothing stored: %d items, error %q", n, f.Error)
				}
			case "blocked":
				if strings.HasPrefix(c.Path, "/redirect/") && f.ErrorClass != "blocked_private" {
					t.Errorf("class %q (%s), want blocked_private", f.ErrorClass, f.Error)
				}
			case "survive":
				if f.Error == "" && n == 0 {
					t.Errorf("neither items nor an error")
				}
			default:
				t.Errorf("unknown expectation %q", c.Expect)
			}
			want := map[string]string{"fail-limit": "too_large", "fail-timeout": "timeout", "gone": "gone", "backoff": "rate_limited"}[expect]
			switch {
			case strings.HasPrefix(c.Path, "/redirect/loop"), strings.HasPrefix(c.Path, "/redirect/pingpong"), strings.Contains(u, "chain?n=20"):
				want = "redirect_loop"
			case c.Path == "/redirect/to-file":
				want = "bad_scheme"
			case c.Group == "tls" && c.Path != "/tls/good":
				want = "tls"
			case c.Path == "/tls/good":
				want = "tls"
			case c.Group == "empty" && c.Path != "/empty/zero-items":
				want = "empty"
			case c.Group == "html" && c.Path != "/html/challenge":
				want = "not_a_feed"
			case strings.HasPrefix(c.Path, "/status/") && c.Expect == "fail":
				want = "http_status"
			}
			if want != "" && f.ErrorClass != want {
				t.Errorf("class %q (%s), want %q", f.ErrorClass, f.Error, want)
			}
		})
	}

	t.Run("details", func(t *testing.T) {
		cyr := "Шойгу прибыл в Пекин: переговоры о безопасности"
		title := func(rs *runState, path string, i int) string {
			its := rs.items[B+path]
			if i >= len(its) {
				return fmt.Sprintf("<no item %d of %d>", i, len(its))
			}
			return its[i].Title
		}
		for _, p := range []string{"/chars/utf16le", "/charset/windows-1251", "/charset/windows-1251-header-only",
			"/charset/koi8-r", "/charset/koi8-r-header-only", "/charset/header-lies", "/charset/decl-lies",
			"/charset/windows-1251-undeclared"} {
			if got := title(r1, p, 0); got != cyr {
				t.Errorf("%s: title %q, want %q", p, got, cyr)
			}
		}
		if got := title(r1, "/charset/latin1-smart-quotes", 0); got != "“Quoted” – naïve café" {
			t.Errorf("latin1-smart-quotes: %q", got)
		}
		if e := r1.feeds[B+"/html/with-feed-link"].Error; !strings.Contains(e, "links to a feed at "+B+"/good/rss") {
			t.Errorf("with-feed-link: %q does not name the feed the page links to", e)
		}
		if got := title(r1, "/chars/control", 0); got != "Ctlchars" { // DEL removed too
			t.Errorf("control: %q", got)
		}
		if got := title(r1, "/chars/illegal-charrefs", 0); !strings.HasPrefix(got, "refs") || !strings.HasSuffix(got, "end") {
			t.Errorf("illegal-charrefs: %q", got)
		}
		if got := title(r1, "/chars/invalid-utf8", 0); !strings.ContainsRune(got, '\uFFFD') || len(r1.items[B+"/chars/invalid-utf8"]) != 2 {
			t.Errorf("invalid-utf8: %q, %d items", got, len(r1.items[B+"/chars/invalid-utf8"]))
		}
		if got := title(r1, "/xml/unescaped-amp", 0); !strings.Contains(got, "&") || !strings.Contains(got, "Café") {
			t.Errorf("unescaped-amp: %q", got)
		}
		if its := r1.items[B+"/xml/undeclared-prefix"]; len(its) == 0 || len(its[0].Authors) == 0 {
			t.Errorf("undeclared-prefix: dc:creator not used as author: %+v", its)
		}
		// Sizes.
		if n := len(r1.items[B+"/huge/items"+shrink["/huge/items"]]); n != 1000 {
			t.Errorf("huge/items: %d stored, want the newest 1000", n)
		}
		if its := r1.items[B+"/huge/title"]; len(its) != 1 || len(its[0].Title) > 1024 {
			t.Errorf("huge/title: %d items", len(its))
		}
		if its := r1.items[B+"/huge/guid"]; len(its) != 1 || len(its[0].GUID) > 512 || len(r5.items[B+"/huge/guid"]) != 1 {
			t.Errorf("huge/guid: %d items, then %d", len(its), len(r5.items[B+"/huge/guid"]))
		}
		if its := r1.items[B+"/huge/item"+shrink["/huge/item"]]; len(its) != 2 || len(its[0].Content) > 1<<20 {
			t.Errorf("huge/item: %d items", len(its))
		}
		// Entities are never expanded and never published.
		for _, p := range []string{"/xml/billion-laughs", "/xml/quadratic-blowup", "/xml/xxe-file", "/xml/xxe-internal"} {
			for _, it := range r1.items[B+p] {
				if strings.Contains(it.Title+it.Summary, "&") || strings.Contains(it.Summary, "AAAA") {
					t.Errorf("%s: entity residue %q", p, trimTo(it.Title+it.Summary, 80))
				}
			}
		}
		if bytes.Contains(r5.atom, []byte("lollol")) || bytes.Contains(r5.atom, []byte("&amp;lol")) || bytes.Contains(r5.atom, []byte("root:")) {
			t.Errorf("output has entity expansion or the XXE file")
		}
		// Identity.
		if n := len(r5.items[B+"/guid/missing"]); n != len(r1.items[B+"/guid/missing"]) || n < 2 {
			t.Errorf("guid/missing: %d then %d items", len(r1.items[B+"/guid/missing"]), n)
		}
		// Duplicate GUIDs in one document: the first of the two stories is
		// kept, the second is skipped (its key would be the same GUID).
		dup := map[string]bool{}
		for _, it := range r1.items[B+"/guid/duplicate"] {
			dup[it.GUID] = true
		}
		if !dup["dup"] || !dup["dup-unique"] {
			t.Errorf("guid/duplicate: %v", dup)
		}
		if n := len(r5.items[B+"/guid/changing"]); n != 1 {
			t.Errorf("guid/changing: %d items after 5 runs, want 1", n)
		}
		if len(r1.items[B+"/guid/shared-a"]) != 1 || len(r1.items[B+"/guid/shared-b"]) != 1 {
			t.Errorf("guid/shared: same GUID in two feeds must give two items")
		}
		if n := len(r5.items[B+"/dates/odd"]); n != 12 {
			t.Errorf("dates/odd: %d items, want 12", n)
		}
		// Undated items keep their first-seen date across runs.
		upd := func(rs *runState, path string) []string {
			var ups []string
			for _, e := range rs.entries {
				if e.Source.ID == B+path {
					ups = append(ups, e.Updated)
				}
			}
			sort.Strings(ups)
			return ups
		}
		if a, b := upd(r1, "/dates/missing"), upd(r5, "/dates/missing"); len(a) != 2 || strings.Join(a, " ") != strings.Join(b, " ") {
			t.Errorf("dates/missing: updated %v, then %v", a, b)
		}
		for _, e := range r5.entries {
			if !regexp.MustCompile(`^\d{4}-`).MatchString(e.Updated) {
				t.Errorf("entry %s: updated %q is not RFC 3339 with a 4-digit year", e.ID, e.Updated)
			}
		}
		// Multiscript text survives byte for byte.
		ms := map[string]bool{}
		for _, e := range r1.entries {
			if e.Source.ID == B+"/good/multiscript" {
				ms[e.Title.Text] = true
			}
		}
		for _, want := range []string{"中俄海军在西太平洋举行联合巡航", "اجتماع أمني روسي صيني في بكين", "Emoji and astral plane: 🚢⚓ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢"} {
			if !ms[want] {
				t.Errorf("multiscript title %q not published as is: %v", want, ms)
			}
		}
		// Titles are text; a breakout attempt stays one entry.
		for _, e := range r5.entries {
			if e.Title.Type != "" && e.Title.Type != "text" {
				t.Errorf("entry %s: title type %q", e.ID, e.Title.Type)
			}
		}
		n := 0
		for _, e := range r5.entries {
			if e.Source.ID == B+"/xss/cdata-breakout" {
				n++
			}
		}
		if n != len(r5.items[B+"/xss/cdata-breakout"]) || bytes.Contains(r5.atom, []byte("<id>injected</id>")) {
			t.Errorf("cdata-breakout: %d entries for %d items", n, len(r5.items[B+"/xss/cdata-breakout"]))
		}
		// Relative links are absolute in the output.
		for _, e := range r1.entries {
			if e.Source.ID != B+"/good/relative-links" {
				continue
			}
			for _, m := range regexp.MustCompile(`(?:href|src)="([^"]*)"`).FindAllStringSubmatch(e.Summary.Text+e.Content.Text, -1) {
				if !strings.HasPrefix(m[1], "http://") && !strings.HasPrefix(m[1], "https://") {
					t.Errorf("relative-links: %q not made absolute", m[1])
				}
			}
		}
	})

	t.Run("politeness", func(t *testing.T) {
		// Conditional GET: the second run sends the validators and gets 304.
		h := hits.LastHeaders["/cond/etag"]
		if strings.Join(h["If-None-Match"], "") != `"v1"` {
			t.Errorf("cond/etag: last request headers %v", h)
		}
		if h := hits.LastHeaders["/cond/last-modified"]; len(h["If-Modified-Since"]) == 0 {
			t.Errorf("cond/last-modified: no If-Modified-Since: %v", h)
		}
		if h := hits.LastHeaders["/cond/weak-etag"]; strings.Join(h["If-None-Match"], "") != `W/"w1"` {
			t.Errorf("cond/weak-etag: %v", h)
		}
		if h := hits.LastHeaders["/cond/etag-changes-lm-same"]; len(h["If-None-Match"]) == 0 || len(h["If-Modified-Since"]) == 0 {
			t.Errorf("cond/etag-changes-lm-same: both validators must be sent: %v", h)
		}
		if a, b := len(r1.items[B+"/cond/etag-changes-lm-same"]), len(r5.items[B+"/cond/etag-changes-lm-same"]); b != a+4 {
			t.Errorf("cond/etag-changes-lm-same: %d items, then %d after 4 more runs (want one new per run)", a, b)
		}
		for _, p := range []string{"/cond/etag", "/cond/last-modified", "/cond/weak-etag"} {
			if a, b := r1.feeds[B+p], r2.feeds[B+p]; !b.CheckedAt.After(a.CheckedAt) && !b.CheckedAt.Equal(a.CheckedAt) || len(r2.items[B+p]) != len(r1.items[B+p]) {
				t.Errorf("%s: 304 changed more than the check time", p)
			}
		}
		if len(r5.items[B+"/cond/bogus-304"]) != 5 || len(r5.items[B+"/cond/no-validators"]) != 5 {
			t.Errorf("bogus-304 / no-validators: %d, %d items", len(r5.items[B+"/cond/bogus-304"]), len(r5.items[B+"/cond/no-validators"]))
		}
		// Retry-After: one request in five runs; next_fetch_at stored.
		for _, p := range []string{"/status/429", "/status/429-date", "/status/429-garbage", "/status/503"} {
			f := r5.feeds[B+p]
			if hits.Hits[p] != 1 || f.Failures != 0 || !f.NextFetchAt.After(firstRun.Add(119*time.Second)) {
				t.Errorf("%s: %d requests, failures %d, next fetch %v", p, hits.Hits[p], f.Failures, f.NextFetchAt)
			}
		}
		if d := r5.feeds[B+"/status/429-date"].NextFetchAt.Sub(firstRun); d < 110*time.Minute || d > 121*time.Minute {
			t.Errorf("429-date: next fetch in %s, want the HTTP date two hours ahead", d)
		}
		if d := r5.feeds[B+"/status/429"].NextFetchAt.Sub(firstRun); d > 121*time.Second+time.Minute {
			t.Errorf("429: next fetch in %s, want Retry-After: 120", d)
		}
		// 410: one request, marked gone, items of the stateful one kept
		// and still published.
		for _, p := range []string{"/status/410", "/state/gone-after-first"} {
			if hits.Hits[p] > 2 || r5.feeds[B+p].GoneAt.IsZero() {
				t.Errorf("%s: %d requests, gone %v", p, hits.Hits[p], r5.feeds[B+p].GoneAt)
			}
		}
		if hits.Hits["/status/410"] != 1 {
			t.Errorf("status/410: %d requests", hits.Hits["/status/410"])
		}
		if n := len(r5.items[B+"/state/gone-after-first"]); n == 0 || countEntries(r5, B+"/state/gone-after-first") != n {
			t.Errorf("gone-after-first: %d items, %d published", n, countEntries(r5, B+"/state/gone-after-first"))
		}
		// Permanent moves learned on the third identical answer; hits
		// on the old path stop; temporary ones never.
		for p, target := range map[string]string{"/redirect/301": "/good/rss", "/redirect/308": "/good/atom"} {
			if runs[1].feeds[B+p].FetchURL != "" || runs[2].feeds[B+p].FetchURL != B+target {
				t.Errorf("%s: fetch URL after run 2 %q, after run 3 %q", p, runs[1].feeds[B+p].FetchURL, runs[2].feeds[B+p].FetchURL)
			}
			if hits.Hits[p] != 3 {
				t.Errorf("%s: %d requests in 5 runs, want 3 (then the new URL)", p, hits.Hits[p])
			}
		}
		for _, p := range []string{"/redirect/302", "/redirect/307", "/redirect/relative"} {
			if r5.feeds[B+p].FetchURL != "" || hits.Hits[p] != 5 {
				t.Errorf("%s: fetch URL %q, %d requests", p, r5.feeds[B+p].FetchURL, hits.Hits[p])
			}
		}
		// Redirect loops: at most 11 requests per run.
		for _, p := range []string{"/redirect/loop"} {
			if hits.Hits[p] > 11*2 {
				t.Errorf("%s: %d requests in the 2 runs before back-off", p, hits.Hits[p])
			}
		}
		// Failing feeds back off from the second failure: no request on
		// runs 3–5.
		// (/net/reset is not counted: Go's transport retries a GET whose
		// reused keep-alive connection is reset, once per idle connection.)
		for _, p := range []string{"/status/500", "/status/404", "/html/page", "/net/reset"} {
			f := r5.feeds[B+p]
			if hits.Hits[p] != 2 && p != "/net/reset" || f.Failures != 2 || !f.NextFetchAt.After(time.Now()) {
				t.Errorf("%s: %d requests, %d failures, next %v", p, hits.Hits[p], f.Failures, f.NextFetchAt)
			}
		}
		// -force fetches them anyway (and a later clock makes them due).
		offset = 25 * time.Hour
		srv.get(t, "/stats/reset")
		rs := run("-budget", "30s")
		h2 := srv.stats(t)
		if h2.Hits["/status/500"] != 1 || h2.Hits["/status/429"] != 1 || h2.Hits["/status/410"] != 0 {
			t.Errorf("a day later: /status/500 %d, /status/429 %d, /status/410 %d requests (gone stays gone)",
				h2.Hits["/status/500"], h2.Hits["/status/429"], h2.Hits["/status/410"])
		}
		checkInvariants(t, 6, srv, rs, append(runs, rs), byURL)
		srv.get(t, "/stats/reset")
		rs = run("-force")
		if h3 := srv.stats(t); h3.Hits["/status/410"] != 1 || h3.Hits["/status/500"] != 1 {
			t.Errorf("-force: /status/410 %d, /status/500 %d requests", h3.Hits["/status/410"], h3.Hits["/status/500"])
		}
		checkInvariants(t, 7, srv, rs, append(runs, rs), byURL)
		// The User-Agent names feedsift and a URL.
		if ua := strings.Join(hits.LastHeaders["/good/rss"]["User-Agent"], ""); !strings.Contains(ua, "feedsift") || !strings.Contains(ua, "https://") {
			t.Errorf("User-Agent %q", ua)
		}
	})

	t.Run("tls settings", func(t *testing.T) {
		if f := r1.feeds[withCA]; f.Error != "" || len(r1.items[withCA]) == 0 {
			t.Errorf("ca_file: %s", f.Error)
		}
		if f := r1.feeds[insecure]; f.Error != "" || len(r1.items[insecure]) == 0 {
			t.Errorf("tls_insecure: %s", f.Error)
		}
		for path, want := range map[string]string{"/tls/expired": "expired", "/tls/wrong-host": "127.0.0.1", "/tls/self-signed": "unknown authority", "/tls/good": "unknown authority", "/tls/http-on-https": "HTTP response to HTTPS"} {
			for _, c := range srv.cases {
				if c.Path == path && !strings.Contains(r1.feeds[c.URLs[0]].Error, want) {
					t.Errorf("%s: error %q does not say %q", path, r1.feeds[c.URLs[0]].Error, want)
				}
			}
		}
	})

	t.Run("states", func(t *testing.T) {
		if n := len(r5.items[B+"/state/flip"]); n != 5 {
			t.Errorf("state/flip: %d items after 5 runs, want 5", n)
		}
		if n := len(r5.items[B+"/state/rotate"]); n != 9 {
			t.Errorf("state/rotate: %d items after 5 runs, want 9", n)
		}
		if f := r2.feeds[B+"/state/broken-after-first"]; f.ErrorClass != "parse" || len(r2.items[B+"/state/broken-after-first"]) != 5 {
			t.Errorf("broken-after-first: run 2 class %q, %d items", f.ErrorClass, len(r2.items[B+"/state/broken-after-first"]))
		}
	})

	// I3 by the W3C Feed Validator and real readers: 0 errors, every
	// reader sees every entry. Warnings are logged, not failed: they come
	// from the hostile data itself, the XSS cases' titles and author names
	// whose text is markup (published as text, escaped: ContainsHTML,
	// ContainsUndeclaredHTML). TestHostile_GoodFeedsValidate holds the
	// good and repaired feeds' outputs to 0 warnings.
	t.Run("validator", func(t *testing.T) {
		last := runs[len(runs)-1]
		p := filepath.Join(t.TempDir(), "hostile.atom")
		if err := os.WriteFile(p, last.atom, 0o644); err != nil {
			t.Fatal(err)
		}
		runChecker(t, p, false)
	})

	// I5: no goroutine outlives the runs (bounded wait for exits).
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > goroutinesBefore+2 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > goroutinesBefore+2 {
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines after the runs, %d before:\n%s", n, goroutinesBefore, buf[:runtime.Stack(buf, true)])
	}
}

func countEntries(rs *runState, feedURL string) int {
	n := 0
	for _, e := range rs.entries {
		if e.Source.ID == feedURL {
			n++
		}
	}
	return n
}

// checkInvariants asserts I1–I5 after run number n.
func checkInvariants(t *testing.T, n int, srv *hostileServer, rs *runState, runs []*runState, byURL map[string]hostileCase) {
	t.Helper()
	B := srv.URL
	// I1: controls stored, the run within its budget.
	for _, p := range []string{"/good/rss", "/good/atom"} {
		if len(rs.items[B+p]) != 5 {
			t.Errorf("run %d: control %s has %d items, want 5", n, p, len(rs.items[B+p]))
		}
	}
	if rs.elapsed > 60*time.Second {
		t.Errorf("run %d took %s, over its 60 s budget", n, rs.elapsed)
	}
	// I2: nothing lost; the stored items of a feed that failed this run
	// are identical to before.
	if n > 1 {
		prev := runs[len(runs)-2]
		for u, its := range prev.items {
			now := rs.items[u]
			if len(now) < len(its) {
				t.Errorf("run %d: %s went from %d to %d items", n, u, len(its), len(now))
				continue
			}
			if rs.feeds[u].Error == "" {
				continue
			}
			byID := map[int64]store.FeedItem{}
			for _, it := range now {
				byID[it.ID] = it
			}
			for _, it := range its {
				if got := byID[it.ID]; !equalJSONQuiet(got, it) {
					t.Errorf("run %d: failing feed %s changed stored item %d", n, u, it.ID)
				}
			}
		}
	}
	// I3: the output parses (encoding/xml above, gofeed and xmllint
	// here), no duplicate ids, no active content, item links http(s).
	if _, err := gofeed.NewParser().Parse(bytes.NewReader(rs.atom)); err != nil {
		t.Errorf("run %d: gofeed cannot parse the output: %v", n, err)
	}
	if xmllint, err := exec.LookPath("xmllint"); err == nil {
		cmd := exec.Command(xmllint, "--noout", "--nonet", "-")
		cmd.Stdin = bytes.NewReader(rs.atom)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("run %d: xmllint: %v\n%s", n, err, trimTo(string(out), 2000))
		}
	} else if n == 1 {
		t.Logf("xmllint not installed: output checked with encoding/xml and gofeed only")
	}
	ids := map[string]bool{}
	for _, e := range rs.entries {
		if ids[e.ID] {
			t.Errorf("run %d: duplicate entry id %s", n, e.ID)
		}
		ids[e.ID] = true
		for _, html := range []string{e.Summary.Text, e.Content.Text} {
			if m := activeContent(html); m != "" {
				t.Errorf("run %d: entry %s from %s publishes %q: %s", n, e.ID, e.Source.ID, m, trimTo(html, 300))
			}
		}
		for _, l := range e.Links {
			if u, err := url.Parse(l.Href); err != nil || (u.Scheme != "http" && u.Scheme != "https") {
				t.Errorf("run %d: entry %s links to %q", n, e.ID, l.Href)
			}
		}
	}
	// I4: each failure is one WARN line naming the feed, and the row
	// keeps the same text.
	warns := map[string][]logLine{}
	for _, l := range rs.logs {
		if l.Level == "WARN" && l.Class != "" {
			warns[l.Feed] = append(warns[l.Feed], l)
		}
	}
	for u, ls := range warns {
		if len(ls) != 1 {
			t.Errorf("run %d: %s: %d WARN lines for one failure", n, u, len(ls))
			continue
		}
		l := ls[0]
		// I5: a failed feed took at most about its deadline (5 s; the
		// server's slow cases run 8 s). The bound allows half as much
		// again: under -race on a loaded machine a 24 MB body took 5.6 s
		// to be cut off with a 3 s deadline, while a fetch that ignored the
		// deadline would run to the slow cases' end.
		if l.Duration > 7500*time.Millisecond {
			t.Errorf("run %d: %s failed after %s, over 1.5 times the 5 s deadline", n, u, l.Duration)
		}
		want := "feed " + u + ": " + l.Class + ": " + l.Err
		if l.Msg != want || rs.feeds[u].Error != want {
			t.Errorf("run %d: log %q, row %q, want both %q", n, l.Msg, rs.feeds[u].Error, want)
		}
	}
	for u, f := range rs.feeds {
		if f.Error != "" && f.ErrorAt.Equal(f.CheckedAt) && len(warns[u]) == 0 && n == 1 {
			t.Errorf("run %d: %s failed (%s) without a WARN line", n, u, f.Error)
		}
	}
	// I5: the private listener is never reached.
	if h := srv.stats(t).Hits["internal"]; h != 0 {
		t.Errorf("run %d: %d requests reached the internal listener", n, h)
	}
}

func equalJSONQuiet(a, b any) bool {
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(ja, jb)
}

func TestActiveContent(t *testing.T) {
	for in, want := range map[string]bool{
		`<p>fine</p>`: false, `<img src="x" onerror="a()">`: true, `<img src=x ONLOAD =a()>`: true,
		`<p>one pound on = scale</p>`: false, `<p style="color:red">`: true, `<a href="JavaScript:x">`: true,
		`<p>lesson plans</p>`: false, `<b>Don't</b>`: false, `<p>a "onion=1" b</p>`: true,
	} {
		if got := activeContent(in) != ""; got != want {
			t.Errorf("activeContent(%q) = %q, want active %v", in, activeContent(in), want)
		}
	}
}

// TestHostile_GoodFeedsValidate: the outputs built from the catalogue's
// good and repaired feeds (expect ok or ok-repaired) pass the W3C Feed
// Validator with 0 errors and 0 warnings in Atom and RSS, the JSON Feed
// passes the checkers' JSON Feed 1.1 check likewise, and the readers agree
// on the entries (issue 6): topic "good" folds the copies of a story (the
// catalogue serves the same items from several endpoints) into one entry
// with related links; "every" lists every stored item. The catalogue's
// data would give warnings as stored (U+FFFD in repaired titles, 1900
// dates, many items dated one second); feedout's publishing rules
// (feedout/text.go, dates.go) are what this holds to account.
func TestHostile_GoodFeedsValidate(t *testing.T) {
	srv := startHostile(t)
	dir := t.TempDir()
	var cfg strings.Builder
	cfg.WriteString("database = \"feedsift.db\"\noutput_dir = \"out\"\ntimeout = \"5s\"\nper_host = 16\n")
	n := 0
	for _, c := range srv.cases {
		if c.Expect != "ok" && c.Expect != "ok-repaired" {
			continue
		}
		for _, u := range c.URLs {
			if strings.HasPrefix(u, "https:") {
				continue // the test CA is not configured here
			}
			fmt.Fprintf(&cfg, "[[feeds]]\nurl = %q\n", u)
			n++
		}
	}
	cfg.WriteString("[[topics]]\nname = \"good\"\ntitle = \"The good and repaired hostile feeds\"\nmax_entries = 0\nquery = 'feed:127'\n")
	cfg.WriteString("[[topics]]\nname = \"every\"\ntitle = \"Every copy\"\nmax_entries = 0\ndedup = false\nquery = 'feed:127'\n")
	cfgPath := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(cfgPath, []byte(cfg.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d good or repaired feed URLs", n)
	if code, _, stderr := feedsift(t, "run", "-config", cfgPath); code != exitOK {
		t.Fatalf("exit %d:\n%s", code, trimTo(stderr, 3000))
	}
	st, err := store.Open(context.Background(), filepath.Join(dir, "feedsift.db"))
	if err != nil {
		t.Fatal(err)
	}
	items := 0
	err = st.EachItem(context.Background(), nil, func(*store.FeedItem) error { items++; return nil })
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"good", "every"} {
		for _, ext := range []string{".atom", ".rss", ".json"} {
			t.Run(name+ext, func(t *testing.T) {
				got := checkWithReaders(t, filepath.Join(dir, "out", name+ext))
				if name == "every" && got != items {
					t.Errorf("readers see %d entries, %d items are stored", got, items)
				}
			})
		}
	}
}
