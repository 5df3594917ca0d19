package feedout

import (
	"compress/gzip"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"os"
	"path"
	"strconv"
	"strings"
	"time"
)

// contentTypes maps output file extensions to what Handler sends.
var contentTypes = map[string]string{
	".atom": "application/atom+xml; charset=utf-8",
	".rss":  "application/rss+xml; charset=utf-8",
	".json": "application/feed+json; charset=utf-8",
	".opml": "text/x-opml; charset=utf-8",
	".html": "text/html; charset=utf-8",
	".xml":  "application/xml; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".txt":  "text/plain; charset=utf-8",
}

// Handler serves the output directory dir read-only: "/" is index.html,
// other paths name files in dir. It sends the feed content types, ETag and
// Last-Modified (answering If-None-Match and If-Modified-Since with 304),
// gzip when the client accepts it, and opens the file afresh per request
// (files are replaced by rename, so a response is never half-written).
// Directories are not listed, dot-files (WriteFile's temporary files) are
// not served, and nothing outside dir is reachable, symlinks included.
func Handler(dir string) http.Handler {
	return &handler{dir: dir}
}

// HandlerFor is Handler serving only the files named in names (paths
// relative to dir, such as "golang.atom" and "index.html"): what the
// caller writes there, never anything else the directory holds (a
// database, a configuration file, a lock).
func HandlerFor(dir string, names []string) http.Handler {
	only := make(map[string]bool, len(names))
	for _, n := range names {
		only[n] = true
	}
	return &handler{dir: dir, only: only}
}

type handler struct {
	dir  string
	only map[string]bool // nil: every file
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	name, ok := fileName(r.URL.Path)
	if !ok || h.only != nil && !h.only[name] {
		http.NotFound(w, r)
		return
	}
	root, err := os.OpenRoot(h.dir)
	if err != nil {
		http.Error(w, "output directory unavailable", http.StatusServiceUnavailable)
		return
	}
	defer root.Close()
	f, err := root.Open(name) // os.Root refuses to leave dir, via ".." or symlinks
	if err != nil {
		// Missing, unreadable or outside dir: all look the same from outside.
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		http.Error(w, "cannot read file", http.StatusInternalServerError)
		return
	}
	if !fi.Mode().IsRegular() {
		http.NotFound(w, r)
		return
	}

	ctype, ok := contentTypes[path.Ext(name)]
	if !ok {
		if ctype = mime.TypeByExtension(path.Ext(name)); ctype == "" {
			ctype = "application/octet-stream"
		}
	}
	compress := acceptsGzip(r.Header.Get("Accept-Encoding")) && compressible(ctype)
	mtime := fi.ModTime()
	etag := `"` + strconv.FormatInt(fi.Size(), 16) + "-" + strconv.FormatInt(mtime.UnixNano(), 16)
	if compress {
		etag += `-gz"` // a different representation needs a different tag
	} else {
		etag += `"`
	}
	hd := w.Header()
	hd.Set("Content-Type", ctype)
	hd.Set("ETag", etag)
	hd.Set("Last-Modified", mtime.UTC().Format(http.TimeFormat))
	hd.Set("Vary", "Accept-Encoding")
	hd.Set("X-Content-Type-Options", "nosniff")
	if ctype == contentTypes[".html"] {
		hd.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'")
	}

	if notModified(r, etag, mtime) {
		hd.Del("Content-Type")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if !compress {
		// Handles Range, HEAD and Content-Length; its own conditional
		// checks agree with ours since the ETag header is set.
		http.ServeContent(w, r, name, mtime, f)
		return
	}
	hd.Set("Content-Encoding", "gzip")
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return
	}
	zw := gzip.NewWriter(w)
	if _, err := io.Copy(zw, f); err != nil {
		return // the client went away or the disk failed; headers are out
	}
	zw.Close()
}

// fileName maps a URL path to a file name inside the output directory,
// refusing anything that could leave it or reach a hidden file.
func fileName(p string) (string, bool) {
	if !strings.HasPrefix(p, "/") || strings.ContainsAny(p, "\\\x00") {
		return "", false
	}
	name := p[1:]
	if name == "" || strings.HasSuffix(name, "/") {
		name += "index.html"
	}
	if !fs.ValidPath(name) {
		return "", false // "..", ".", empty segments
	}
	for _, seg := range strings.Split(name, "/") {
		if strings.HasPrefix(seg, ".") {
			return "", false
		}
	}
	return name, true
}

// notModified applies If-None-Match, or when absent If-Modified-Since
// (RFC 9110 13.2.2).
func notModified(r *http.Request, etag string, mtime time.Time) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		for _, t := range strings.Split(inm, ",") {
			t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
			if t == "*" || t == etag {
				return true
			}
		}
		return false
	}
	if ims := r.Header.Get("If-Modified-Since"); ims != "" {
		t, err := http.ParseTime(ims)
		if err != nil {
			return false
		}
		return !mtime.Truncate(time.Second).After(t)
	}
	return false
}

// acceptsGzip reports whether an Accept-Encoding value allows gzip: an
// explicit gzip (or x-gzip) coding decides, else "*" does.
func acceptsGzip(ae string) bool {
	star := false
	for _, part := range strings.Split(ae, ",") {
		coding, params, _ := strings.Cut(part, ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		q := 1.0
		if k, v, ok := strings.Cut(strings.TrimSpace(params), "="); ok && strings.TrimSpace(k) == "q" {
			if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
				q = f
			}
		}
		switch coding {
		case "gzip", "x-gzip":
			return q > 0
		case "*":
			star = q > 0
		}
	}
	return star
}

// compressible reports whether a content type is text worth gzipping.
func compressible(ctype string) bool {
	return strings.HasPrefix(ctype, "text/") || strings.Contains(ctype, "xml") || strings.Contains(ctype, "json")
}
