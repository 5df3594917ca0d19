package fetcher

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const conformanceDir = "../../shared/corpus/conformance"

// conformanceDoc is a document that its suite says is well-formed.
type conformanceDoc struct {
	path    string            // relative to conformanceDir
	headers map[string]string // HTTP headers the suite serves it with
}

// wellFormedDocs lists the documents of the feedparser suite marked "not
// bozo" (parses cleanly) and the W3C validator's "!Error" documents.
func wellFormedDocs(t *testing.T) []conformanceDoc {
	t.Helper()
	if _, err := os.Stat(conformanceDir); err != nil {
		t.Skipf("conformance corpus not found at %s (it sits beside the checkout as ../shared/corpus): %v", conformanceDir, err)
	}
	var docs []conformanceDoc
	read := func(suite string, keep func(map[string]any) bool) {
		f, err := os.Open(filepath.Join(conformanceDir, suite, "expectations.jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			var m map[string]any
			if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
				t.Fatal(err)
			}
			if !keep(m) {
				continue
			}
			d := conformanceDoc{path: filepath.Join(suite, m["path"].(string)), headers: map[string]string{}}
			if h, ok := m["http_headers"].(map[string]any); ok {
				for k, v := range h {
					d.headers[k] = v.(string)
				}
			}
			docs = append(docs, d)
		}
		if err := sc.Err(); err != nil {
			t.Fatal(err)
		}
	}
	read("feedparser", func(m map[string]any) bool {
		bozo, ok := m["bozo"].(bool)
		skip, _ := m["skip_unless"].(string)
		return ok && !bozo && skip == "" && (m["suite"] == "wellformed" || m["suite"] == "encoding")
	})
	read("w3c-feedvalidator", func(m map[string]any) bool { return m["expect"] == "!Error" })
	return docs
}

// TestConformance_WellFormedStored fetches every well-formed document of
// the suites over HTTP (with the headers the suite asks for) and requires
// it to be stored without error.
func TestConformance_WellFormedStored(t *testing.T) {
	docs := wellFormedDocs(t)
	byPath := map[string]conformanceDoc{}
	for _, d := range docs {
		byPath["/"+filepath.ToSlash(d.path)] = d
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d, ok := byPath[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		for k, v := range d.headers {
			w.Header().Set(k, v)
		}
		http.ServeFile(w, r, filepath.Join(conformanceDir, d.path))
	}))
	defer srv.Close()
	st := mustStore(t)
	f, _ := newFetcher(t, st, Options{})
	feeds := make([]Feed, 0, len(docs))
	for p := range byPath {
		feeds = append(feeds, Feed{URL: srv.URL + p})
	}
	var failed []string
	other := 0
	for i, r := range f.Run(context.Background(), feeds) {
		root := rootName(t, filepath.Join(conformanceDir, strings.TrimPrefix(feeds[i].URL, srv.URL+"/")))
		if isFeedRoot(root) {
			if r.Err != nil {
				failed = append(failed, r.Err.Error())
			}
			continue
		}
		// Well-formed XML of another format (OPML, CDF, RSS 1.1,
		// OpenSearch, AtomPub service documents): refused, naming it.
		other++
		if r.Err == nil || r.Err.Class != ClassNotAFeed || !strings.Contains(r.Err.Detail, root) {
			failed = append(failed, fmt.Sprintf("%s (root <%s>): want a not_a_feed error naming the root, got %v", feeds[i].URL, root, r.Err))
		}
	}
	t.Logf("%d well-formed documents: %d feeds, %d of other formats; %d wrong", len(feeds), len(feeds)-other, other, len(failed))
	if len(failed) > 0 {
		t.Errorf("%d of %d well-formed documents were handled wrongly:\n%s", len(failed), len(feeds), strings.Join(failed, "\n"))
	}
}

// rootName is the qualified name of a document's root element ("" for
// JSON and for what encoding/xml cannot read).
func rootName(t *testing.T, path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = false
	d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	for {
		tok, err := d.Token()
		if err != nil {
			return ""
		}
		if se, ok := tok.(xml.StartElement); ok {
			if se.Name.Space != "" && !strings.Contains(se.Name.Space, "/") {
				return se.Name.Space + ":" + se.Name.Local
			}
			return se.Name.Local
		}
	}
}

func isFeedRoot(name string) bool {
	switch strings.ToLower(name) {
	case "", "rss", "feed", "rdf", "rdf:rdf":
		return true
	}
	return false
}
