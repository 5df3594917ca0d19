package fetcher

import (
	"bytes"
	"compress/gzip"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/feedsift/feedsift/store"
	"golang.org/x/text/encoding/charmap"
)

var now = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

func mustStore(tb testing.TB) *store.Store {
	tb.Helper()
	s, err := store.Open(context.Background(), filepath.Join(tb.TempDir(), "f.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// logBuffer collects log output safely across goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func newFetcher(tb testing.TB, st *store.Store, opt Options) (*Fetcher, *logBuffer) {
	logs := &logBuffer{}
	opt.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	opt.Now = func() time.Time { return now }
	return New(st, opt), logs
}

func mustRead(tb testing.TB, path string) []byte {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func TestFetch_ConditionalGET(t *testing.T) {
	good := mustRead(t, "testdata/good.rss")
	var hits, conditional atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.Header.Get("If-None-Match") == `"v1"` && r.Header.Get("If-Modified-Since") == "Mon, 16 Nov 2026 09:30:00 GMT" {
			conditional.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Last-Modified", "Mon, 16 Nov 2026 09:30:00 GMT")
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write(good)
	}))
	defer srv.Close()
	st := mustStore(t)
	f, _ := newFetcher(t, st, Options{})
	ctx := context.Background()

	r1 := f.Fetch(ctx, Feed{URL: srv.URL})
	if r1.Err != nil || r1.Status != Fetched || len(r1.Saved.New) != 2 {
		t.Fatalf("first fetch: %+v %v", r1, r1.Err)
	}
	r2 := f.Fetch(ctx, Feed{URL: srv.URL})
	if r2.Status != NotModified || conditional.Load() != 1 {
		t.Fatalf("second fetch: status %v, conditional requests %d", r2.Status, conditional.Load())
	}
	fd, _, _ := st.Feed(ctx, srv.URL)
	if fd.ETag != `"v1"` || fd.LastModified == "" || fd.Title != "Good feed" || fd.Home != "https://good.example.org/" {
		t.Errorf("feed row = %+v", fd)
	}
	var links []string
	st.EachItem(ctx, nil, func(it *store.FeedItem) error { links = append(links, it.Link); return nil })
	if strings.Join(links, " ") != srv.URL+"/first https://good.example.org/second" {
		t.Errorf("links = %v (relative links resolve against the feed URL)", links)
	}
}

func TestFetch_UnchangedBodyIsNotReparsed(t *testing.T) {
	good := mustRead(t, "testdata/good.rss")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(good) }))
	defer srv.Close()
	f, _ := newFetcher(t, mustStore(t), Options{})
	f.Fetch(context.Background(), Feed{URL: srv.URL})
	if r := f.Fetch(context.Background(), Feed{URL: srv.URL}); r.Status != NotModified {
		t.Errorf("status %v, want not_modified for an identical body without validators", r.Status)
	}
}

// TestRun_Isolation runs good feeds beside broken ones: each broken feed
// fails with its own class and the good ones are stored.
func TestRun_Isolation(t *testing.T) {
	good := mustRead(t, "testdata/good.rss")
	cyr := "Шойгу прибыл в Пекин"
	win1251, err := charmap.Windows1251.NewEncoder().String(`<?xml version="1.0" encoding="windows-1251"?>
<rss version="2.0"><channel><title>Лента</title><link>https://lenta.example.org/</link><description>d</description>
<item><title>` + cyr + `</title><guid>c1</guid><link>https://lenta.example.org/1</link></item></channel></rss>`)
	if err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(good)
	zw.Close()
	block := make(chan struct{})
	defer close(block)
	mux := http.NewServeMux()
	mux.HandleFunc("/good", func(w http.ResponseWriter, r *http.Request) { w.Write(good) })
	mux.HandleFunc("/gzip", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(gz.Bytes())
	})
	mux.HandleFunc("/500", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom", 500) })
	mux.HandleFunc("/hang", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-block:
		case <-r.Context().Done():
		}
	})
	mux.HandleFunc("/1251", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(win1251)) })
	mux.HandleFunc("/1251-header", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/xml; charset=windows-1251")
		w.Write([]byte(strings.Replace(win1251, ` encoding="windows-1251"`, "", 1)))
	})
	mux.HandleFunc("/garbage", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("\x00\x01\x02 not a feed")) })
	mux.HandleFunc("/html", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("<!DOCTYPE html><html><body>hi</body></html>"))
	})
	mux.HandleFunc("/null-items", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/feed+json")
		w.Write([]byte(`{"version":"https://jsonfeed.org/version/1.1","title":"x","items":[null,{"id":"1","title":"ok"}]}`))
	})
	mux.HandleFunc("/huge", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("<rss><channel>"))
		chunk := bytes.Repeat([]byte("<!-- padding -->"), 4096)
		for range 200 {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	mux.HandleFunc("/declared-huge", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "200000000")
		w.WriteHeader(200)
	})
	mux.HandleFunc("/empty", func(w http.ResponseWriter, r *http.Request) {})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	st := mustStore(t)
	f, logs := newFetcher(t, st, Options{Timeout: 500 * time.Millisecond, MaxBodyBytes: 1 << 20})
	tests := []struct {
		path      string
		wantClass string // "" = success
		wantNew   int
	}{
		{"/good", "", 2},
		{"/gzip", "", 2},
		{"/500", ClassHTTPStatus, 0},
		{"/hang", ClassTimeout, 0},
		{"/1251", "", 1},
		{"/1251-header", "", 1},
		{"/garbage", ClassNotAFeed, 0},
		{"/html", ClassNotAFeed, 0},
		{"/null-items", ClassPanic, 0}, // gofeed v1.4.2 panics on a null item
		{"/huge", ClassTooLarge, 0},
		{"/declared-huge", ClassTooLarge, 0},
		{"/empty", ClassEmpty, 0},
		{"/missing", ClassHTTPStatus, 0},
	}
	feeds := make([]Feed, len(tests))
	for i, tt := range tests {
		feeds[i] = Feed{URL: srv.URL + tt.path}
	}
	results := f.Run(context.Background(), feeds)
	for i, tt := range tests {
		t.Run(strings.TrimPrefix(tt.path, "/"), func(t *testing.T) {
			r := results[i]
			gotClass := ""
			if r.Err != nil {
				gotClass = r.Err.Class
			}
			if gotClass != tt.wantClass || len(r.Saved.New) != tt.wantNew {
				t.Fatalf("class %q new %d (err %v), want class %q new %d", gotClass, len(r.Saved.New), r.Err, tt.wantClass, tt.wantNew)
			}
			if r.Err == nil {
				return
			}
			line := "feed " + srv.URL + tt.path + ": " + tt.wantClass + ": "
			if !strings.HasPrefix(r.Err.Error(), line) {
				t.Errorf("error %q does not start with %q", r.Err, line)
			}
			n := 0 // WARN lines naming the feed (debug lines may add detail)
			for _, l := range strings.Split(logs.String(), "\n") {
				if strings.Contains(l, "level=WARN") && strings.Contains(l, "feed="+srv.URL+tt.path+" ") {
					n++
				}
			}
			if n != 1 {
				t.Errorf("%d WARN lines for the failure, want 1", n)
			}
			fd, _, _ := st.Feed(context.Background(), srv.URL+tt.path)
			if fd.Error != r.Err.Error() || fd.ErrorClass != tt.wantClass {
				t.Errorf("feed row error %q/%q, want %q", fd.ErrorClass, fd.Error, r.Err.Error())
			}
		})
	}
	var titles []string
	st.EachItem(context.Background(), nil, func(it *store.FeedItem) error {
		if strings.HasSuffix(it.FeedURL, "1251") || strings.HasSuffix(it.FeedURL, "1251-header") {
			titles = append(titles, it.Title)
		}
		return nil
	})
	if len(titles) != 2 || titles[0] != cyr || titles[1] != cyr {
		t.Errorf("windows-1251 titles = %q, want %q twice", titles, cyr)
	}
}

func TestFetch_FailureKeepsStoredItems(t *testing.T) {
	good := mustRead(t, "testdata/good.rss")
	var broken atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if broken.Load() {
			w.Write([]byte("<rss><channel><item><title>cut"))
			return
		}
		w.Write(good)
	}))
	defer srv.Close()
	st := mustStore(t)
	f, _ := newFetcher(t, st, Options{})
	f.Fetch(context.Background(), Feed{URL: srv.URL})
	broken.Store(true)
	r := f.Fetch(context.Background(), Feed{URL: srv.URL})
	if r.Err == nil {
		t.Fatalf("truncated document accepted: %+v", r)
	}
	if n, _ := st.Count(context.Background()); n != 2 {
		t.Errorf("%d items stored after a failed fetch, want the 2 from before", n)
	}
}

func TestFetch_LocalFile(t *testing.T) {
	abs, _ := filepath.Abs("testdata/good.rss")
	st := mustStore(t)
	f, _ := newFetcher(t, st, Options{})
	r := f.Fetch(context.Background(), Feed{URL: "file://" + abs})
	if r.Err != nil || len(r.Saved.New) != 2 {
		t.Fatalf("%+v %v", r, r.Err)
	}
	rel, _ := newFetcher(t, mustStore(t), Options{Dir: filepath.Dir(abs)})
	if r := rel.Fetch(context.Background(), Feed{URL: "file:good.rss"}); r.Err != nil || len(r.Saved.New) != 2 {
		t.Errorf("relative file URL: %+v %v", r, r.Err)
	}
	r = f.Fetch(context.Background(), Feed{URL: "file:///nonexistent/feed.xml"})
	if r.Err == nil || r.Err.Class != ClassFile {
		t.Errorf("missing file: %v", r.Err)
	}
}

func TestRun_CanceledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	f, _ := newFetcher(t, mustStore(t), Options{})
	res := f.Run(ctx, []Feed{{URL: "http://127.0.0.1:1/feed"}})
	if res[0].Err == nil || res[0].Err.Class != ClassCanceled {
		t.Errorf("%+v", res[0])
	}
}

// TestRun_Budget: once the budget is spent no fetch starts; the feeds not
// started are Skipped and their store rows untouched.
func TestRun_Budget(t *testing.T) {
	good := mustRead(t, "testdata/good.rss")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(150 * time.Millisecond)
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write(good)
	}))
	defer srv.Close()
	st := mustStore(t)
	var started, done atomic.Int32
	f, _ := newFetcher(t, st, Options{Concurrency: 1, Budget: 50 * time.Millisecond,
		OnStart: func(string) { started.Add(1) }, OnDone: func(Result) { done.Add(1) }})
	feeds := []Feed{{URL: srv.URL + "/a"}, {URL: srv.URL + "/b"}, {URL: srv.URL + "/c"}}
	res := f.Run(context.Background(), feeds)
	if res[0].Status != Fetched {
		t.Errorf("first feed: %v %v", res[0].Status, res[0].Err)
	}
	for _, r := range res[1:] {
		if r.Status != Skipped || r.Err != nil {
			t.Errorf("%s: %v %v, want skipped", r.URL, r.Status, r.Err)
		}
		if _, known, err := st.Feed(context.Background(), r.URL); err != nil || known {
			t.Errorf("%s: a skipped feed was recorded (known=%v, err=%v)", r.URL, known, err)
		}
	}
	if started.Load() != 1 || done.Load() != 3 {
		t.Errorf("OnStart called %d times (want 1), OnDone %d (want 3)", started.Load(), done.Load())
	}
}
