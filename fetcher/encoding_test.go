package fetcher

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/feedsift/feedsift/store"
	"golang.org/x/text/encoding/unicode"
)

// response is what a test server sends for one path.
type response struct {
	header map[string]string
	body   []byte
}

// serve starts a server on 127.0.0.1 that answers each path with its
// response, headers exactly as given.
func serve(t *testing.T, paths map[string]response) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		resp, ok := paths[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		for k, v := range resp.header {
			w.Header().Set(k, v)
		}
		w.Write(resp.body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// storedTitles are the titles of the items stored for feedURL.
func storedTitles(t *testing.T, st *store.Store, feedURL string) []string {
	t.Helper()
	var titles []string
	err := st.EachItem(context.Background(), nil, func(it *store.FeedItem) error {
		if it.FeedURL == feedURL {
			titles = append(titles, it.Title)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return titles
}

// TestFetch_UTF16WithoutBOM: UTF-16 without a byte-order mark is decoded
// as the HTTP charset says, or as its first bytes show (XML 1.0 Appendix
// F), although text in the ASCII and Cyrillic ranges is also valid UTF-8
// byte for byte.
func TestFetch_UTF16WithoutBOM(t *testing.T) {
	const title = "Шойгу прибыл в Пекин: talks"
	doc := func(decl bool) string {
		s := `<rss version="2.0"><channel><title>UTF-16</title><link>https://u16.example/</link><description>d</description>` +
			`<item><title>` + title + `</title><link>https://u16.example/1</link><guid>u-1</guid></item></channel></rss>`
		if decl {
			s = `<?xml version="1.0" encoding="UTF-16"?>` + "\n" + s
		}
		return s
	}
	enc := func(e unicode.Endianness, s string) []byte {
		b, err := unicode.UTF16(e, unicode.IgnoreBOM).NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	tests := []struct {
		name, ctype string
		body        []byte
	}{
		{"utf-16le label", "application/rss+xml; charset=utf-16le", enc(unicode.LittleEndian, doc(true))},
		{"utf-16be label", "application/rss+xml; charset=UTF-16BE", enc(unicode.BigEndian, doc(true))},
		{"utf-16 label, little-endian bytes", "application/rss+xml; charset=utf-16", enc(unicode.LittleEndian, doc(true))},
		{"utf-16 label, big-endian bytes", "application/rss+xml; charset=utf-16", enc(unicode.BigEndian, doc(true))},
		{"utf-16le label, no declaration", "text/xml; charset=utf-16le", enc(unicode.LittleEndian, doc(false))},
		{"no label, 3C 00 3F 00", "application/rss+xml", enc(unicode.LittleEndian, doc(true))},
		{"no label, 00 3C 00 3F", "", enc(unicode.BigEndian, doc(true))},
		{"utf-8 label, utf-16le bytes", "application/rss+xml; charset=utf-8", enc(unicode.LittleEndian, doc(true))},
		{"utf-16 label, UTF-8 bytes", "application/rss+xml; charset=utf-16", []byte(doc(false))},
	}
	paths := map[string]response{}
	for i, tt := range tests {
		paths["/"+string(rune('a'+i))] = response{header: map[string]string{"Content-Type": tt.ctype}, body: tt.body}
	}
	srv := serve(t, paths)
	st := mustStore(t)
	f, _ := newFetcher(t, st, Options{})
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := srv.URL + "/" + string(rune('a'+i))
			if r := f.Fetch(context.Background(), Feed{URL: u}); r.Err != nil {
				t.Fatalf("not stored: %v", r.Err)
			}
			if got := storedTitles(t, st, u); len(got) != 1 || got[0] != title {
				t.Errorf("titles %q, want %q", got, title)
			}
		})
	}
}

// TestToUTF8_UTF16Label: a label that names another encoding than the
// UTF-16 the bytes show is noted; "utf-16", which names no byte order,
// is not.
func TestToUTF8_UTF16Label(t *testing.T) {
	le, _ := unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewEncoder().String("<r>Ё</r>")
	be, _ := unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM).NewEncoder().String("\n <r>Ё</r>")
	tests := []struct {
		name, body, ctype, wantWarn string
	}{
		{"le, no label", le, "", ""},
		{"le, utf-16le", le, "text/xml; charset=utf-16le", ""},
		{"le, utf-16", le, "text/xml; charset=utf-16", ""},
		{"be after white space, utf-16", be, "text/xml; charset=UTF-16", ""},
		{"be, utf-16be", be, "text/xml; charset=utf-16be", ""},
		{"be, utf-16le", be, "text/xml; charset=utf-16le", `labelled "utf-16le"; decoded as UTF-16BE`},
		{"le, utf-8", le, "text/xml; charset=utf-8", `labelled "utf-8"; decoded as UTF-16LE`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, warn, err := toUTF8([]byte(tt.body), tt.ctype)
			if err != nil || strings.TrimSpace(string(out)) != "<r>Ё</r>" || !strings.Contains(warn, tt.wantWarn) || tt.wantWarn == "" && warn != "" {
				t.Errorf("got %q, warning %q, %v; want <r>Ё</r> and a warning with %q", out, warn, err, tt.wantWarn)
			}
		})
	}
}

func gzipped(tb testing.TB, parts ...[]byte) []byte {
	tb.Helper()
	var b bytes.Buffer
	for _, p := range parts { // one member each
		zw := gzip.NewWriter(&b)
		if _, err := zw.Write(p); err != nil {
			tb.Fatal(err)
		}
		if err := zw.Close(); err != nil {
			tb.Fatal(err)
		}
	}
	return b.Bytes()
}

func zlibbed(tb testing.TB, p []byte) []byte {
	tb.Helper()
	var b bytes.Buffer
	zw := zlib.NewWriter(&b)
	if _, err := zw.Write(p); err != nil {
		tb.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

func deflated(tb testing.TB, p []byte) []byte {
	tb.Helper()
	var b bytes.Buffer
	zw, err := flate.NewWriter(&b, flate.DefaultCompression)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := zw.Write(p); err != nil {
		tb.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// TestFetch_ContentEncoding: gzip with bytes after its member (which
// browsers and curl accept), several members, zlib-wrapped and raw
// deflate are decoded; truncated or corrupt bodies fail with class parse
// and the decoder's reason; bombs stop at the cap, which counts
// decompressed bytes.
func TestFetch_ContentEncoding(t *testing.T) {
	good := mustRead(t, "testdata/good.rss")
	gz := gzipped(t, good)
	badCRC := append([]byte(nil), gz...)
	badCRC[len(badCRC)-8] ^= 0xff // the CRC-32 in the trailer
	zeros := bytes.Repeat([]byte{0}, 8<<20)
	half := bytes.Index(good, []byte("<item>"))
	tests := []struct {
		name, encoding string
		body           []byte
		wantClass      string // "" = stored
		wantIn         string // in the error
	}{
		{"gzip", "gzip", gz, "", ""},
		{"gzip, trailing garbage", "gzip", append(gzipped(t, good), "\r\n<!-- garbage -->"...), "", ""},
		{"gzip, trailing NULs", "gzip", append(gzipped(t, good), make([]byte, 512)...), "", ""},
		{"gzip, two members", "gzip", gzipped(t, good[:half], good[half:]), "", ""},
		{"x-gzip", "x-gzip", gz, "", ""},
		{"gzip, truncated", "gzip", gz[:len(gz)/2], ClassParse, "cannot decompress the body: unexpected EOF"},
		{"gzip, corrupt header", "gzip", []byte("\x1f\x8bnot gzip at all"), ClassParse, "cannot decompress the body: gzip: invalid header"},
		{"gzip, bad checksum", "gzip", badCRC, ClassParse, "cannot decompress the body: gzip: invalid checksum"},
		{"gzip bomb", "gzip", gzipped(t, zeros), ClassTooLarge, "after decompression"},
		{"gzip, member then bomb", "gzip", gzipped(t, good, zeros), ClassTooLarge, "after decompression"},
		{"deflate, zlib", "deflate", zlibbed(t, good), "", ""},
		{"deflate, raw", "deflate", deflated(t, good), "", ""},
		{"deflate, raw, truncated", "deflate", deflated(t, good)[:40], ClassParse, "cannot decompress the body: unexpected EOF"},
		{"deflate, corrupt", "deflate", []byte("\xff\xff\xff\xff not deflate"), ClassParse, "cannot decompress the body: flate: corrupt input"},
		{"deflate, zlib bomb", "deflate", zlibbed(t, zeros), ClassTooLarge, "after decompression"},
		{"deflate, raw bomb", "deflate", deflated(t, zeros), ClassTooLarge, "after decompression"},
		{"unknown encoding", "br", gz, ClassParse, `unsupported Content-Encoding "br"`},
		{"gzip, no body", "gzip", nil, ClassEmpty, "empty body"},
		{"deflate, no body", "deflate", nil, ClassEmpty, "empty body"},
	}
	paths := map[string]response{}
	for i, tt := range tests {
		paths["/"+string(rune('a'+i))] = response{header: map[string]string{"Content-Encoding": tt.encoding, "Content-Type": "application/rss+xml"}, body: tt.body}
	}
	srv := serve(t, paths)
	st := mustStore(t)
	f, _ := newFetcher(t, st, Options{MaxBodyBytes: 1 << 20})
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := srv.URL + "/" + string(rune('a'+i))
			r := f.Fetch(context.Background(), Feed{URL: u})
			if tt.wantClass == "" {
				if r.Err != nil || len(r.Saved.New) != 2 {
					t.Fatalf("not stored: %d new, %v", len(r.Saved.New), r.Err)
				}
				return
			}
			if r.Err == nil || r.Err.Class != tt.wantClass || !strings.Contains(r.Err.Detail, tt.wantIn) {
				t.Fatalf("got %v, want class %s with %q", r.Err, tt.wantClass, tt.wantIn)
			}
		})
	}
}
