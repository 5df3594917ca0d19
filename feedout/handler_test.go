package feedout

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// serveDir writes every output format into a fresh directory, plus a
// secret beside it that must stay unreachable.
func serveDir(t *testing.T) (dir string, h http.Handler) {
	t.Helper()
	parent := t.TempDir()
	dir = filepath.Join(parent, "out")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name string, fn func(io.Writer) error) {
		if err := WriteFile(filepath.Join(dir, name), fn); err != nil {
			t.Fatal(err)
		}
	}
	for _, fm := range formats {
		write("golang."+fm.ext, func(w io.Writer) error { return fm.write(w, testFeed(selfURL(fm.ext))) })
	}
	write("feeds.opml", func(w io.Writer) error {
		return WriteOPML(w, "t", []OPMLFeed{{Title: "golang", XMLURL: selfURL("atom")}})
	})
	write("index.html", func(w io.Writer) error { return WriteIndex(w, testIndex()) })
	write(".golang.atom.tmp-1", func(w io.Writer) error { _, err := io.WriteString(w, "partial"); return err })
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(parent, "secret"), []byte("secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(parent, "secret"), filepath.Join(dir, "link.txt")); err != nil {
		t.Fatal(err)
	}
	return dir, Handler(dir)
}

func do(h http.Handler, method, path string, hdr ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, "/", nil)
	r.URL.Path = path // raw, so traversal attempts reach the handler as typed
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestHandler_ContentTypes(t *testing.T) {
	dir, h := serveDir(t)
	tests := []struct{ path, file, ctype string }{
		{"/golang.atom", "golang.atom", "application/atom+xml; charset=utf-8"},
		{"/golang.rss", "golang.rss", "application/rss+xml; charset=utf-8"},
		{"/golang.json", "golang.json", "application/feed+json; charset=utf-8"},
		{"/feeds.opml", "feeds.opml", "text/x-opml; charset=utf-8"},
		{"/index.html", "index.html", "text/html; charset=utf-8"},
		{"/", "index.html", "text/html; charset=utf-8"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			w := do(h, "GET", tt.path)
			if w.Code != http.StatusOK {
				t.Fatalf("status %d", w.Code)
			}
			if got := w.Header().Get("Content-Type"); got != tt.ctype {
				t.Errorf("Content-Type = %q, want %q", got, tt.ctype)
			}
			want, err := os.ReadFile(filepath.Join(dir, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(w.Body.Bytes(), want) {
				t.Error("body differs from the file")
			}
			if w.Header().Get("ETag") == "" || w.Header().Get("Last-Modified") == "" {
				t.Errorf("missing validators: %v", w.Header())
			}
		})
	}
}

func TestHandler_Conditional(t *testing.T) {
	dir, h := serveDir(t)
	first := do(h, "GET", "/golang.atom")
	etag, lm := first.Header().Get("ETag"), first.Header().Get("Last-Modified")
	tests := []struct {
		name string
		hdr  []string
		want int
	}{
		{"etag", []string{"If-None-Match", etag}, http.StatusNotModified},
		{"weak etag in list", []string{"If-None-Match", `"x", W/` + etag}, http.StatusNotModified},
		{"other etag", []string{"If-None-Match", `"other"`}, http.StatusOK},
		{"other etag beats date", []string{"If-None-Match", `"other"`, "If-Modified-Since", lm}, http.StatusOK},
		{"last-modified", []string{"If-Modified-Since", lm}, http.StatusNotModified},
		{"later", []string{"If-Modified-Since", time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)}, http.StatusNotModified},
		{"earlier", []string{"If-Modified-Since", "Mon, 02 Jan 2006 15:04:05 GMT"}, http.StatusOK},
		{"bad date", []string{"If-Modified-Since", "yesterday"}, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := do(h, "GET", "/golang.atom", tt.hdr...)
			if w.Code != tt.want {
				t.Fatalf("status %d, want %d", w.Code, tt.want)
			}
			if tt.want == http.StatusNotModified && w.Body.Len() != 0 {
				t.Error("304 with a body")
			}
		})
	}

	// A replaced file gets a new ETag.
	time.Sleep(10 * time.Millisecond)
	if err := WriteFile(filepath.Join(dir, "golang.atom"), func(w io.Writer) error {
		_, err := io.WriteString(w, "<feed/>")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if w := do(h, "GET", "/golang.atom", "If-None-Match", etag); w.Code != http.StatusOK || w.Body.String() != "<feed/>" {
		t.Errorf("after replace: status %d body %q", w.Code, w.Body)
	}
}

func TestHandler_Gzip(t *testing.T) {
	dir, h := serveDir(t)
	want, err := os.ReadFile(filepath.Join(dir, "golang.rss"))
	if err != nil {
		t.Fatal(err)
	}
	plain := do(h, "GET", "/golang.rss")
	w := do(h, "GET", "/golang.rss", "Accept-Encoding", "br, gzip;q=0.8")
	if w.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("Content-Encoding = %q", w.Header().Get("Content-Encoding"))
	}
	if w.Header().Get("Vary") != "Accept-Encoding" {
		t.Errorf("Vary = %q", w.Header().Get("Vary"))
	}
	if w.Header().Get("ETag") == plain.Header().Get("ETag") {
		t.Error("gzip and identity responses share an ETag")
	}
	zr, err := gzip.NewReader(w.Body)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("gunzipped body differs from the file")
	}
	if w := do(h, "GET", "/golang.rss", "Accept-Encoding", "gzip", "If-None-Match", w.Header().Get("ETag")); w.Code != http.StatusNotModified {
		t.Errorf("gzip ETag: status %d, want 304", w.Code)
	}
	for _, ae := range []string{"", "identity", "gzip;q=0", "gzip;q=0, *", "br"} {
		if w := do(h, "GET", "/golang.rss", "Accept-Encoding", ae); w.Header().Get("Content-Encoding") != "" {
			t.Errorf("Accept-Encoding %q: got Content-Encoding %q", ae, w.Header().Get("Content-Encoding"))
		}
	}
	if w := do(h, "HEAD", "/golang.rss", "Accept-Encoding", "gzip"); w.Code != http.StatusOK || w.Body.Len() != 0 {
		t.Errorf("HEAD: status %d, %d body bytes", w.Code, w.Body.Len())
	}
}

func TestHandler_Refused(t *testing.T) {
	_, h := serveDir(t)
	tests := []struct {
		path string
		want int
	}{
		{"/../secret", http.StatusNotFound},
		{"/sub/../../secret", http.StatusNotFound},
		{"/./golang.atom", http.StatusNotFound},
		{"//etc/passwd", http.StatusNotFound},
		{"/..\\secret", http.StatusNotFound},
		{"/link.txt", http.StatusNotFound}, // symlink out of dir
		{"/.golang.atom.tmp-1", http.StatusNotFound},
		{"/sub", http.StatusNotFound}, // no listing
		{"/sub/", http.StatusNotFound},
		{"/missing.atom", http.StatusNotFound},
		{"/golang.atom\x00.html", http.StatusNotFound},
		{"golang.atom", http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			w := do(h, "GET", tt.path)
			if w.Code != tt.want {
				t.Errorf("status %d, want %d", w.Code, tt.want)
			}
			if bytes.Contains(w.Body.Bytes(), []byte("secret")) || bytes.Contains(w.Body.Bytes(), []byte("partial")) {
				t.Error("leaked content")
			}
		})
	}
	if w := do(h, "POST", "/golang.atom"); w.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST: status %d", w.Code)
	}
}

// TestHandler_Server goes through a real server and client, which decode
// gzip transparently.
func TestHandler_Server(t *testing.T) {
	_, h := serveDir(t)
	srv := httptest.NewServer(h)
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/golang.atom")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || !resp.Uncompressed || !bytes.HasPrefix(body, []byte("<?xml")) {
		t.Errorf("status %d, uncompressed %v, body starts %q", resp.StatusCode, resp.Uncompressed, body[:min(len(body), 20)])
	}
}
