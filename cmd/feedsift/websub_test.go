package main

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
)

// TestRun_WebSub: with websub_hub every topic feed names the hub, and a
// run that rewrote a topic's documents tells the hub (a stub on
// 127.0.0.1) about each; a run that changed nothing tells it nothing; a
// failing hub is a warning, not a failed run.
func TestRun_WebSub(t *testing.T) {
	var mu sync.Mutex
	var told []string
	fail := false
	hub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil || r.Method != http.MethodPost || r.Form.Get("hub.mode") != "publish" {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if fail {
			http.Error(w, "down", http.StatusInternalServerError)
			return
		}
		told = append(told, r.Form.Get("hub.url"))
		w.WriteHeader(http.StatusNoContent)
	}))
	defer hub.Close()
	a, b := fruit()
	s := newSite(t, `websub_hub = "`+hub.URL+`/hub"`+"\nbase_url = \"https://feeds.example.org/\"", a, b)
	if code, _, stderr := feedsift(t, "run", "-config", s.config); code != exitOK {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	mu.Lock()
	sort.Strings(told)
	got := strings.Join(told, " ")
	told = nil
	mu.Unlock()
	want := []string{"https://feeds.example.org/apples.atom", "https://feeds.example.org/apples.json", "https://feeds.example.org/apples.rss"}
	if got != strings.Join(want, " ") {
		t.Errorf("the hub was told %q, want %q", got, want)
	}
	atom := string(mustReadFile(t, filepath.Join(s.dir, "out", "apples.atom")))
	rss := string(mustReadFile(t, filepath.Join(s.dir, "out", "apples.rss")))
	js := string(mustReadFile(t, filepath.Join(s.dir, "out", "apples.json")))
	if !strings.Contains(atom, `<link href="`+hub.URL+`/hub" rel="hub">`) || !strings.Contains(rss, `rel="hub"`) || !strings.Contains(js, `"type": "WebSub"`) {
		t.Errorf("a feed does not name the hub")
	}
	code, _, _ := feedsift(t, "run", "-config", s.config)
	mu.Lock()
	again := told
	fail = true // for the next run: the hub is down
	mu.Unlock()
	if code != exitOK || len(again) != 0 {
		t.Errorf("a run that changed nothing told the hub %q (exit %d)", again, code)
	}
	// A new item, and the hub is down.
	s.feed(t, "a", append(a, item{"a3", "Apple crumble", clock}))
	code, _, stderr := feedsift(t, "run", "-config", s.config)
	if code != exitOK || !strings.Contains(stderr, "websub hub not told") || !strings.Contains(stderr, "500") {
		t.Errorf("a failing hub: exit %d\n%s", code, stderr)
	}
}

// TestWebSub_Unreachable: a hub that cannot be reached is tried once a
// run, not for every document, and a password in websub_hub is refused.
func TestWebSub_Unreachable(t *testing.T) {
	a, b := fruit()
	s := newSite(t, `websub_hub = "http://127.0.0.1:9/hub"`, a, b)
	code, _, stderr := feedsift(t, "run", "-config", s.config)
	if code != exitOK || strings.Count(stderr, `msg="websub hub not told"`) != 1 || !strings.Contains(stderr, "the other documents are not announced") {
		t.Errorf("unreachable hub: exit %d\n%s", code, stderr)
	}
	s = newSite(t, `websub_hub = "https://user:secret@hub.example.org/"`, a, b)
	if code, _, stderr := feedsift(t, "check", "-config", s.config); code != exitUsage || !strings.Contains(stderr, "would be published") || strings.Contains(stderr, "secret@") {
		t.Errorf("hub with a password: exit %d %s", code, stderr)
	}
}
