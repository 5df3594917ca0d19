package fetcher

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestFetch_PrivateNetworks: a configured feed on 127.0.0.1 works; a
// redirect from it to another local port is refused when dialling, and
// the target gets no request, unless private networks are allowed.
func TestFetch_PrivateNetworks(t *testing.T) {
	var internalHits atomic.Int32
	internal := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		internalHits.Add(1)
		w.Write(mustRead(t, "testdata/good.rss"))
	}))
	defer internal.Close()
	port := internal.URL[strings.LastIndexByte(internal.URL, ':')+1:]
	feed := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/good":
			w.Write(mustRead(t, "testdata/good.rss"))
		case "/to-internal":
			http.Redirect(w, r, internal.URL+"/secret", http.StatusFound)
		case "/to-localhost":
			http.Redirect(w, r, "http://localhost:"+port+"/secret", http.StatusFound)
		case "/to-v6mapped":
			http.Redirect(w, r, "http://[::ffff:127.0.0.1]:"+port+"/secret", http.StatusFound)
		}
	}))
	defer feed.Close()
	f, _ := newFetcher(t, mustStore(t), Options{})
	ctx := context.Background()
	if r := f.Fetch(ctx, Feed{URL: feed.URL + "/good"}); r.Err != nil {
		t.Fatalf("configured local feed: %v", r.Err)
	}
	for _, p := range []string{"/to-internal", "/to-localhost", "/to-v6mapped"} {
		r := f.Fetch(ctx, Feed{URL: feed.URL + p})
		if r.Err == nil || r.Err.Class != ClassBlocked || !strings.HasPrefix(r.Err.Error(), "feed "+feed.URL+p+": blocked_private: ") {
			t.Errorf("%s: %v, want blocked_private", p, r.Err)
		}
	}
	if n := internalHits.Load(); n != 0 {
		t.Errorf("the internal server got %d requests", n)
	}
	f, _ = newFetcher(t, mustStore(t), Options{AllowPrivateNetworks: true})
	if r := f.Fetch(ctx, Feed{URL: feed.URL + "/to-internal"}); r.Err != nil || internalHits.Load() != 1 {
		t.Errorf("allow_private_networks: %v, %d hits", r.Err, internalHits.Load())
	}
	for _, a := range []string{"10.1.2.3", "192.168.0.1", "169.254.169.254", "::1", "fe80::1", "0.0.0.0", "100.64.0.1", "::ffff:10.0.0.1", "fd00::1",
		// IPv6 forms that carry an IPv4 address are judged by it.
		"::127.0.0.1", "::10.0.0.1", "64:ff9b::7f00:1", "64:ff9b::192.168.1.1", "::"} {
		if !isPrivate(netip.MustParseAddr(a)) {
			t.Errorf("%s is not refused", a)
		}
	}
	for _, a := range []string{"93.184.216.34", "2606:4700::1111", "64:ff9b::5db8:d822", "::93.184.216.34"} {
		if isPrivate(netip.MustParseAddr(a)) {
			t.Errorf("%s is refused", a)
		}
	}
}

func TestRetryAfter(t *testing.T) {
	t0 := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"120", 2 * time.Minute},
		{t0.Add(2 * time.Hour).Format(http.TimeFormat), 2 * time.Hour},
		{"soon-ish", defaultRetryAfter},
		{"", defaultRetryAfter},
		{"999999999", maxRetryAfter},
		{t0.Add(-time.Hour).Format(http.TimeFormat), 0},
	}
	for _, tt := range tests {
		if got, _ := retryAfter(tt.in, t0); got.Sub(t0) != tt.want {
			t.Errorf("Retry-After %q: wait %s, want %s", tt.in, got.Sub(t0), tt.want)
		}
	}
}

func TestBackoff(t *testing.T) {
	t0 := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	if !backoff(1, t0).IsZero() {
		t.Errorf("the first failure is retried next run")
	}
	for n, want := range map[int]time.Duration{2: backoffBase, 3: 2 * backoffBase, 4: 4 * backoffBase, 40: maxBackoff} {
		for range 20 {
			d := backoff(n, t0).Sub(t0)
			if d < want*8/10-time.Second || d > want*12/10 {
				t.Errorf("backoff(%d) = %s, want %s ±20%%", n, d, want)
			}
		}
	}
}

// TestFetch_PermanentMove: three identical 301 answers move the feed;
// a 302 never does.
func TestFetch_PermanentMove(t *testing.T) {
	var oldHits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/old":
			oldHits.Add(1)
			http.Redirect(w, r, "/new", http.StatusMovedPermanently)
		case "/temp":
			http.Redirect(w, r, "/new", http.StatusFound)
		case "/new":
			w.Write(mustRead(t, "testdata/good.rss"))
		}
	}))
	defer srv.Close()
	st := mustStore(t)
	f, logs := newFetcher(t, st, Options{})
	ctx := context.Background()
	for i := 1; i <= 4; i++ {
		for _, p := range []string{"/old", "/temp"} {
			if r := f.Fetch(ctx, Feed{URL: srv.URL + p}); r.Err != nil {
				t.Fatal(r.Err)
			}
		}
		fd, _, _ := st.Feed(ctx, srv.URL+"/old")
		if moved := fd.FetchURL == srv.URL+"/new"; moved != (i >= 3) {
			t.Errorf("after fetch %d: fetch URL %q", i, fd.FetchURL)
		}
		if tmp, _, _ := st.Feed(ctx, srv.URL+"/temp"); tmp.FetchURL != "" {
			t.Errorf("302 learned: %q", tmp.FetchURL)
		}
	}
	if n := oldHits.Load(); n != 3 {
		t.Errorf("old URL requested %d times, want 3", n)
	}
	if strings.Count(logs.String(), "feed moved permanently") != 1 {
		t.Errorf("the move was not logged once:\n%s", logs)
	}
}
