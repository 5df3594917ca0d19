package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
)

// opmlList is an OPML subscription list of the given feed URLs.
func opmlList(urls ...string) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><opml version="2.0"><head><title>list</title></head><body>`)
	for i, u := range urls {
		fmt.Fprintf(&b, `<outline type="rss" text="Feed %d" xmlUrl="%s"/>`, i, u)
	}
	b.WriteString("</body></opml>\n")
	return b.String()
}

// TestFeeds_ImportSkipsPrivate: a list from elsewhere does not make a
// private address a configured feed unless -allow-private says so.
func TestFeeds_ImportSkipsPrivate(t *testing.T) {
	a, b := fruit()
	s := newSite(t, "", a, b)
	private := []string{
		"http://127.0.0.1:9/feed.xml",
		"http://10.1.2.3/feed.xml",
		"http://[::ffff:192.168.0.1]/feed.xml",
		"http://[64:ff9b::a00:1]/feed.xml",
		"http://169.254.169.254/latest/meta-data/",
		"http://localhost:8080/feed.xml",
	}
	s.write(t, "list.opml", opmlList(private...))
	before := string(mustReadFile(t, s.config))
	code, stdout, stderr := feedsift(t, "feeds", "import", "-config", s.config, s.path("list.opml"))
	if code != exitOK || !strings.Contains(stdout, "imported 0 feeds") || !strings.Contains(stdout, fmt.Sprintf("%d skipped", len(private))) {
		t.Errorf("import: exit %d\n%s%s", code, stdout, stderr)
	}
	for _, u := range private {
		if !strings.Contains(stderr, "skipped "+u+": on a private address") {
			t.Errorf("stderr does not name %s as private:\n%s", u, stderr)
		}
	}
	if after := string(mustReadFile(t, s.config)); after != before {
		t.Errorf("the config changed:\n%s", after)
	}
	code, stdout, stderr = feedsift(t, "feeds", "import", "-config", s.config, "-allow-private", s.path("list.opml"))
	if code != exitOK || !strings.Contains(stdout, fmt.Sprintf("imported %d feeds", len(private))) {
		t.Errorf("import -allow-private: exit %d\n%s%s", code, stdout, stderr)
	}
}

// TestRun_ListedFeedGetsNoPrivatePass: a feed on 127.0.0.1 that only an
// opml = [...] list names is refused (blocked_private, naming the list);
// listed under [[feeds]] it is fetched.
func TestRun_ListedFeedGetsNoPrivatePass(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, _ := fruit()
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, rssDoc("internal", a))
	}))
	defer srv.Close()
	a, b := fruit()
	s := newSite(t, `opml = ["list.opml"]`, a, b)
	s.write(t, "list.opml", opmlList(srv.URL+"/feed.xml"))
	_, _, stderr := feedsift(t, "run", "-config", s.config)
	if !strings.Contains(stderr, "blocked_private") || !strings.Contains(stderr, "listed in "+s.path("list.opml")) {
		t.Errorf("the listed private feed was not refused with its list named:\n%s", stderr)
	}
	if body := string(mustReadFile(t, s.path("out/apples.atom"))); strings.Contains(body, "internal.example.org") {
		t.Errorf("the internal feed's items were published")
	}

	cfg := string(mustReadFile(t, s.config))
	os.WriteFile(s.config, []byte(cfg+fmt.Sprintf("\n[[feeds]]\nurl = %q\n", srv.URL+"/feed.xml")), 0o644)
	code, _, stderr := feedsift(t, "run", "-config", s.config, "-force")
	if code != exitOK || strings.Contains(stderr, "blocked_private") {
		t.Errorf("configured under [[feeds]]: exit %d\n%s", code, stderr)
	}
}
