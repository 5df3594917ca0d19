package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestRun_SecretsNotPublished: a password or token in a feed's URL is
// used to fetch it but appears in no output (Atom, RSS, JSON Feed, HTML,
// OPML), log line, summary, status or feeds list.
func TestRun_SecretsNotPublished(t *testing.T) {
	a, b := fruit()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		switch {
		case r.URL.Path == "/a":
			if u, p, ok := r.BasicAuth(); !ok || u != "reader" || p != "hunter2" {
				http.Error(w, "who are you", http.StatusUnauthorized)
				return
			}
			w.Write([]byte(rssDoc("a", a)))
		case r.URL.Path == "/b" && r.URL.Query().Get("token") == "tok-s3cret":
			w.Write([]byte(rssDoc("b", b)))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	s := newSite(t, "formats = [\"atom\", \"rss\", \"json\"]\n", nil, nil)
	cfg := string(mustReadFile(t, s.config))
	cfg = strings.Replace(cfg, `"feeds/a.xml"`, `"http://reader:hunter2@`+host+`/a"`, 1)
	cfg = strings.Replace(cfg, `"feeds/b.xml"`, `"`+srv.URL+`/b?token=tok-s3cret"`, 1)
	cfg += "\n[[feeds]]\nurl = \"" + srv.URL + "/gone?api_key=k3y-value\"\n"
	s.write(t, "config.toml", cfg)

	code, _, stderr := feedsift(t, "run", "-config", s.config, "-v", "-json", s.path("summary.json"))
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if got := atomTitles(t, s.path("out/apples.atom")); len(got) == 0 {
		t.Fatalf("the feeds were not fetched: no entries\n%s", stderr)
	}
	if !strings.Contains(stderr, "/gone?api_key=xxxxx") {
		t.Errorf("the failing feed is not logged, redacted:\n%s", stderr)
	}
	texts := map[string]string{"run log": stderr, "summary": string(mustReadFile(t, s.path("summary.json")))}
	files, err := os.ReadDir(s.path("out"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		texts[f.Name()] = string(mustReadFile(t, filepath.Join(s.path("out"), f.Name())))
	}
	for _, want := range []string{"apples.atom", "apples.rss", "apples.json", "index.html"} {
		if _, ok := texts[want]; !ok {
			t.Errorf("no %s written", want)
		}
	}
	for _, args := range [][]string{{"status", "-config", s.config}, {"status", "-json", "-config", s.config}, {"feeds", "list", "-config", s.config}} {
		_, stdout, stderr := feedsift(t, args...)
		texts[strings.Join(args[:2], " ")] = stdout + stderr
	}
	for name, text := range texts {
		for _, secret := range []string{"hunter2", "tok-s3cret", "k3y-value"} {
			if strings.Contains(text, secret) {
				t.Errorf("%s shows the secret %q:\n%s", name, secret, text)
			}
		}
	}
	if src, ok := texts["sources.opml"]; ok && strings.Contains(src, host) {
		t.Errorf("sources.opml lists a feed whose URL has a secret:\n%s", src)
	}
	if got := atomTitles(t, s.path("out/apples.atom")); !slices.Contains(got, "Apple pie") {
		t.Errorf("entries %q", got)
	}
}
