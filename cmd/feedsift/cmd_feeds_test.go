package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/feedsift/feedsift/config"
	"github.com/feedsift/feedsift/feedout"
)

// feedSite serves a blog whose home page announces two feeds, the RSS one
// first, and a page that announces none.
func feedSite(t *testing.T) *httptest.Server {
	a, _ := fruit()
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><html><head><title>Orchard</title>
<link rel="stylesheet" href="/style.css">
<link rel="alternate" type="application/rss+xml" title="Orchard (RSS)" href="feed.xml">
<link rel="Alternate" type="application/atom+xml" href="/atom.xml">
</head><body>Hi</body></html>`))
	})
	mux.HandleFunc("/plain", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte(`<html><head><title>No feed</title></head></html>`))
	})
	mux.HandleFunc("/feed.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write([]byte(strings.Replace(rssDoc("a", a), "<title>a</title>", "<title>Orchard news</title>", 1)))
	})
	mux.HandleFunc("/atom.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/atom+xml")
		w.Write([]byte(`<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Orchard (Atom)</title><id>urn:x:orchard</id>
<updated>2026-11-19T00:00:00Z</updated></feed>`))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// TestFeeds_Add: autodiscovery, a direct feed URL, and the file edited as
// text: everything that was there stays byte for byte.
func TestFeeds_Add(t *testing.T) {
	srv := feedSite(t)
	s := newSite(t, "", nil, nil)
	orig := string(mustReadFile(t, s.config))
	if err := os.Chmod(s.config, 0o640); err != nil {
		t.Fatal(err)
	}

	code, stdout, stderr := feedsift(t, "feeds", "add", "-config", s.config, srv.URL+"/")
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stdout, "found "+srv.URL+"/feed.xml") || !strings.Contains(stdout, "also announces "+srv.URL+"/atom.xml") {
		t.Errorf("stdout:\n%s", stdout)
	}
	// Flags after the URL work too.
	code, _, stderr = feedsift(t, "feeds", "add", srv.URL+"/atom.xml", "-config", s.config, "-title", `The "Atom" one`)
	if code != exitOK {
		t.Fatalf("second add: exit %d\n%s", code, stderr)
	}
	edited := string(mustReadFile(t, s.config))
	golden(t, "feeds-add.toml", []byte(strings.ReplaceAll(edited, srv.URL, "$SERVER")))
	// Every original line is still there, in order: only lines were added.
	rest := edited
	for _, l := range strings.SplitAfter(orig, "\n") {
		i := strings.Index(rest, l)
		if i < 0 {
			t.Fatalf("line %q lost or moved", l)
		}
		rest = rest[i+len(l):]
	}
	cfg, err := config.Load(s.config)
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Feeds) != 4 || cfg.Feeds[3].Title != `The "Atom" one` {
		t.Errorf("feeds %+v", cfg.Feeds)
	}
	if fi, _ := os.Stat(s.config); fi.Mode().Perm() != 0o640 {
		t.Errorf("mode %v, want 0640 kept", fi.Mode().Perm())
	}

	tests := []struct {
		name string
		url  string
		code int
		want string
	}{
		{"already listed", srv.URL + "/feed.xml", exitUsage, "already listed as feed 3"},
		{"already listed via its page", srv.URL + "/", exitUsage, "already listed"},
		{"no feed announced", srv.URL + "/plain", exitFailure, "announces no feed"},
		{"not found", srv.URL + "/nothing.xml", exitFailure, "404"},
		{"not http", "feeds/c.xml", exitFailure, "want an http or https URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := feedsift(t, "feeds", "add", "-config", s.config, tt.url)
			if code != tt.code || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr, tt.code, tt.want)
			}
			if now := string(mustReadFile(t, s.config)); now != edited {
				t.Errorf("a failed add changed the file")
			}
		})
	}
}

// TestFeeds_ImportExportList: an OPML list in, listed with the database's
// state, and out again as OPML.
func TestFeeds_ImportExportList(t *testing.T) {
	a, b := fruit()
	s := newSite(t, "", a, b)
	opml := "../../feedout/testdata/newsboat.opml"
	code, stdout, stderr := feedsift(t, "feeds", "import", "-config", s.config, opml)
	if code != exitOK || !strings.Contains(stdout, "imported 3 feeds") {
		t.Fatalf("import: exit %d\n%s%s", code, stdout, stderr)
	}
	golden(t, "feeds-import.toml", mustReadFile(t, s.config))
	if _, stdout, _ := feedsift(t, "feeds", "import", "-config", s.config, opml); !strings.Contains(stdout, "imported 0 feeds") || !strings.Contains(stdout, "3 already listed") {
		t.Errorf("second import: %s", stdout)
	}

	// Fetch the local feeds only: drop the imported (network) ones from a copy.
	code, stdout, stderr = feedsift(t, "feeds", "list", "-config", s.config)
	if code != exitOK || !strings.Contains(stdout, "never fetched") {
		t.Errorf("list before any run: exit %d\n%s%s", code, stdout, stderr)
	}
	if _, err := os.Stat(s.path("feedsift.db")); err == nil {
		t.Errorf("feeds list created a database")
	}
	s.write(t, "config.toml", strings.SplitN(string(mustReadFile(t, s.config)), "# Imported from", 2)[0]+
		"[[topics]]\nname = \"x\"\ntitle = \"X\"\nquery = \"x\"\n")
	if code, _, stderr := feedsift(t, "run", "-config", s.config); code != exitOK {
		t.Fatalf("run: exit %d\n%s", code, stderr)
	}
	_, stdout, _ = feedsift(t, "feeds", "list", "-config", s.config)
	if !strings.Contains(stdout, "Feed A") || !strings.Contains(stdout, "  2  ") || !strings.Contains(stdout, "2026-11-20 06:00  ok") {
		t.Errorf("list after a run:\n%s", stdout)
	}

	code, stdout, stderr = feedsift(t, "feeds", "export", "-config", s.config)
	if code != exitOK {
		t.Fatalf("export: exit %d\n%s", code, stderr)
	}
	subs, err := feedout.ReadOPML(bytes.NewReader([]byte(stdout)))
	if err != nil || len(subs) != 2 || subs[0].Title != "Feed A" || subs[1].Title != "b" || subs[1].HTMLURL != "https://b.example.org/" {
		t.Errorf("export: %v %+v", err, subs)
	}
}

// TestFeeds_AddRefusesAnnouncedPrivateFeed: a page (here on 127.0.0.1,
// which the user typed) that announces a feed on another private address
// does not get it written into the config: discovery goes through the
// fetcher's guard.
func TestFeeds_AddRefusesAnnouncedPrivateFeed(t *testing.T) {
	internal := feedSite(t)
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte(`<html><head><link rel="alternate" type="application/rss+xml" href="` + internal.URL + `/feed.xml"></head></html>`))
	}))
	defer page.Close()
	s := newSite(t, "", nil, nil)
	orig := string(mustReadFile(t, s.config))
	code, _, stderr := feedsift(t, "feeds", "add", "-config", s.config, page.URL+"/")
	if code != exitFailure || !strings.Contains(stderr, "blocked_private") {
		t.Errorf("exit %d, stderr %q; want 1 and blocked_private", code, stderr)
	}
	if got := string(mustReadFile(t, s.config)); got != orig {
		t.Errorf("the config was edited:\n%s", got)
	}
}
