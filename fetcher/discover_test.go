package fetcher

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

const discoverFeed = `<?xml version="1.0"?><rss version="2.0"><channel><title>Internal news</title><item><title>x</title></item></channel></rss>`

// TestDiscover_Guarded: the page the user names may be on 127.0.0.1 (their
// choice), and so may the feeds it announces on the same host:port; a
// feed it announces elsewhere on a private network, or a redirect there,
// is refused without a request reaching it, unless AllowPrivateNetworks.
func TestDiscover_Guarded(t *testing.T) {
	var internalHits atomic.Int32
	internal := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		internalHits.Add(1)
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write([]byte(discoverFeed))
	}))
	defer internal.Close()
	page := func(href string) string {
		return `<!doctype html><html><head><link rel="alternate" type="application/rss+xml" href="` + href + `"></head></html>`
	}
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/":
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte(page("/feed.xml")))
		case "/feed.xml":
			w.Header().Set("Content-Type", "application/rss+xml")
			w.Write([]byte(discoverFeed))
		case "/elsewhere":
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte(page(internal.URL + "/feed.xml")))
		case "/redirect":
			http.Redirect(w, r, internal.URL+"/feed.xml", http.StatusFound)
		}
	}))
	defer site.Close()
	ctx := context.Background()

	d, err := New(nil, Options{}).Discover(ctx, site.URL+"/")
	if err != nil || d.URL != site.URL+"/feed.xml" || d.Title != "Internal news" {
		t.Fatalf("same host: %+v, %v", d, err)
	}
	for _, path := range []string{"/elsewhere", "/redirect"} {
		_, err := New(nil, Options{}).Discover(ctx, site.URL+path)
		if err == nil || !strings.Contains(err.Error(), ClassBlocked) {
			t.Errorf("%s: %v, want %s", path, err, ClassBlocked)
		}
	}
	if n := internalHits.Load(); n != 0 {
		t.Errorf("the internal server got %d requests", n)
	}
	if d, err := New(nil, Options{AllowPrivateNetworks: true}).Discover(ctx, site.URL+"/elsewhere"); err != nil || d.URL != internal.URL+"/feed.xml" {
		t.Errorf("allow_private_networks: %+v, %v", d, err)
	}
	if _, err := New(nil, Options{}).Discover(ctx, "file:feeds/a.xml"); err == nil || !strings.Contains(err.Error(), "want an http or https URL") {
		t.Errorf("file URL: %v", err)
	}
}
