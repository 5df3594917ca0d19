package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// startServe runs `feedsift serve` in-process on a free loopback port and
// returns its base URL; the server stops when the test ends.
func startServe(t *testing.T, cfg string, extra ...string) (base string, logs *lockedBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan string, 1)
	done := make(chan error, 1)
	stderr := &lockedBuffer{}
	c := &serveCmd{stdout: io.Discard, stderr: stderr, ready: func(a string) { addrc <- a }}
	go func() { done <- c.Run(ctx, append([]string{"-config", cfg, "-addr", "127.0.0.1:0"}, extra...)) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve stopped with %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Errorf("serve did not stop within 15 s of cancellation")
		}
	})
	select {
	case a := <-addrc:
		return "http://" + a + "/", stderr
	case err := <-done:
		t.Fatalf("serve: %v\n%s", err, stderr.String())
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not start")
	}
	return "", stderr
}

func get(t *testing.T, url string, hdr map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	tr := &http.Transport{DisableCompression: true}
	resp, err := (&http.Client{Transport: tr, Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

func TestServe(t *testing.T) {
	cfg := copyExample(t)
	if code, _, stderr := feedsift(t, "run", "-config", cfg); code != exitOK {
		t.Fatalf("run: %d %s", code, stderr)
	}
	base, _ := startServe(t, cfg)
	tests := []struct{ path, ctype string }{
		{"russia-china-security.atom", "application/atom+xml"},
		{"russia-china-security.rss", "application/rss+xml"},
		{"russia-china-security.json", "application/feed+json"},
		{"topics.opml", "opml"},
		{"", "text/html"},
	}
	for _, tt := range tests {
		t.Run("/"+tt.path, func(t *testing.T) {
			resp, body := get(t, base+tt.path, nil)
			if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Type"), tt.ctype) {
				t.Fatalf("%d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			etag := resp.Header.Get("ETag")
			if r2, _ := get(t, base+tt.path, map[string]string{"If-None-Match": etag}); etag == "" || r2.StatusCode != 304 {
				t.Errorf("If-None-Match %q: %d, want 304", etag, r2.StatusCode)
			}
			if r3, _ := get(t, base+tt.path, map[string]string{"If-Modified-Since": resp.Header.Get("Last-Modified")}); r3.StatusCode != 304 {
				t.Errorf("If-Modified-Since: %d, want 304", r3.StatusCode)
			}
			r4, zipped := get(t, base+tt.path, map[string]string{"Accept-Encoding": "gzip"})
			if r4.Header.Get("Content-Encoding") != "gzip" {
				t.Fatalf("no gzip")
			}
			zr, err := gzip.NewReader(bytes.NewReader(zipped))
			if err != nil {
				t.Fatal(err)
			}
			if plain, _ := io.ReadAll(zr); !bytes.Equal(plain, body) {
				t.Errorf("gzip body differs")
			}
		})
	}
	if resp, _ := get(t, base+"../config.toml", nil); resp.StatusCode == 200 {
		t.Errorf("path traversal served the config")
	}
	// Only what a pass writes is served: not a file someone left there.
	out := filepath.Join(filepath.Dir(cfg), "out")
	for _, name := range []string{"notes.txt", "feedsift.db", "config.toml", "other-topic.atom"} {
		if err := os.WriteFile(filepath.Join(out, name), []byte("private"), 0o644); err != nil {
			t.Fatal(err)
		}
		if resp, _ := get(t, base+name, nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("/%s: %d, want 404: serve hands out a file it did not write", name, resp.StatusCode)
		}
	}
}

// TestCheck_OutputDirHoldsPrivateFiles: output_dir is published, so check
// refuses one that holds the database or the configuration, at the key.
func TestCheck_OutputDirHoldsPrivateFiles(t *testing.T) {
	for _, c := range []struct{ outputDir, database, want string }{
		{".", "feedsift.db", "holds the database"},
		{"data", "data/feedsift.db", "holds the database"},
		{".", "/var/lib/feedsift/feedsift.db", "holds this configuration file"},
	} {
		s := newSite(t, "", nil, nil)
		b := strings.Replace(string(mustReadFile(t, s.config)), `output_dir = "out"`, `output_dir = "`+c.outputDir+`"`, 1)
		b = strings.Replace(b, `database = "feedsift.db"`, `database = "`+c.database+`"`, 1)
		s.write(t, "config.toml", b)
		code, _, stderr := feedsift(t, "check", "-config", s.config)
		if code != exitUsage || !strings.Contains(stderr, c.want) || !strings.Contains(stderr, s.config+":3:") {
			t.Errorf("output_dir %q, database %q: exit %d, %q; want exit 2 at line 3: %s", c.outputDir, c.database, code, stderr, c.want)
		}
	}
}

// TestServe_Readers subscribes real readers (Python feedparser, newsboat)
// to the served feeds: they see every entry once, and nothing new after a
// run that fetched nothing new.
func TestServe_Readers(t *testing.T) {
	cfg := copyExample(t)
	if code, _, stderr := feedsift(t, "run", "-config", cfg); code != exitOK {
		t.Fatalf("run: %d %s", code, stderr)
	}
	base, _ := startServe(t, cfg)
	url := base + "russia-china-security.atom"
	_, body := get(t, url, nil)
	want := bytes.Count(body, []byte("<entry"))

	t.Run("feedparser", func(t *testing.T) {
		// Debian's python3 has python3-feedparser (the checkers' setup
		// installs it); another python3 on PATH may not.
		py := "/usr/bin/python3"
		if err := exec.Command(py, "-c", "import feedparser").Run(); err != nil {
			t.Skipf("%s with feedparser not installed (../shared/checkers/setup.sh installs it): %v", py, err)
		}
		script := `import sys, feedparser
d = feedparser.parse(sys.argv[1])
ids = [e.id for e in d.entries]
assert len(ids) == len(set(ids)), "duplicate ids"
d2 = feedparser.parse(sys.argv[1], etag=d.get("etag"), modified=d.get("modified"))
print(len(ids), d2.status, len(d2.entries))`
		out, err := exec.Command(py, "-c", script, url).CombinedOutput()
		if err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		if got := strings.TrimSpace(string(out)); got != strings.Join([]string{itoa(want), "304", "0"}, " ") {
			t.Errorf("feedparser: entries, second status, second entries = %q; want %d 304 0", got, want)
		}
	})
	t.Run("newsboat", func(t *testing.T) {
		if _, err := exec.LookPath("newsboat"); err != nil {
			t.Skipf("newsboat not installed (../shared/checkers/setup.sh installs it): %v", err)
		}
		dir := t.TempDir()
		urls := filepath.Join(dir, "urls")
		os.WriteFile(urls, []byte(url+"\n"), 0o644)
		os.WriteFile(filepath.Join(dir, "config"), nil, 0o644)
		count := func() int {
			cmd := exec.Command("newsboat", "-x", "reload", "print-unread", "-u", urls, "-c", filepath.Join(dir, "cache.db"), "-C", filepath.Join(dir, "config"))
			cmd.Env = append(os.Environ(), "HOME="+dir)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("newsboat: %v\n%s", err, out)
			}
			f := strings.Fields(string(out))
			if len(f) == 0 {
				t.Fatalf("newsboat printed nothing")
			}
			return atoi(t, f[0])
		}
		if n := count(); n != want {
			t.Errorf("newsboat sees %d unread, want %d", n, want)
		}
		if code, _, stderr := feedsift(t, "run", "-config", cfg); code != exitOK {
			t.Fatalf("second run: %d %s", code, stderr)
		}
		if n := count(); n != want {
			t.Errorf("after a run that fetched nothing new, newsboat sees %d unread, want still %d", n, want)
		}
	})
}

// lockedBuffer is a bytes.Buffer safe for the server's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestServe_Logs: serve warns at start when the output directory does
// not exist yet (requests get 503 until a run writes it), and logs one
// line per request.
func TestServe_Logs(t *testing.T) {
	cfg := copyExample(t) // no run: out/ is missing
	base, logs := startServe(t, cfg)
	if resp, _ := get(t, base+"russia-china-security.atom", nil); resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("status %d before any run, want 503", resp.StatusCode)
	}
	// The request's line is written once its handler returns.
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(logs.String(), "msg=request") && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	log := logs.String()
	if !strings.Contains(log, "the output directory does not exist yet") {
		t.Errorf("no warning about the missing output directory:\n%s", log)
	}
	if !strings.Contains(log, "msg=request method=GET path=/russia-china-security.atom status=503") {
		t.Errorf("no request line:\n%s", log)
	}
}
