package feedout

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func readOPMLFile(t *testing.T, name string) []OPMLFeed {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	feeds, err := ReadOPML(f)
	if err != nil {
		t.Fatalf("ReadOPML(%s): %v", name, err)
	}
	return feeds
}

func TestReadOPML(t *testing.T) {
	tests := []struct {
		file string
		want []OPMLFeed
	}{
		{"newsboat.opml", []OPMLFeed{
			{Title: "The Go Blog", XMLURL: "https://go.example.com/blog/feed.atom", HTMLURL: "https://go.example.com/blog/"},
			{Title: "Hacker News: Go & friends", XMLURL: "https://news.example.net/rss?q=go&points=50", HTMLURL: "https://news.example.net/"},
			{XMLURL: "https://example.org/no-title.xml"},
		}},
		{"freshrss.opml", []OPMLFeed{
			{Title: "The Go Blog", XMLURL: "https://go.example.com/blog/feed.atom", HTMLURL: "https://go.example.com/blog/", Category: "Go"},
			{Title: "Gophers Weekly", XMLURL: "https://weekly.example.com/rss", HTMLURL: "https://weekly.example.com/", Category: "Go"},
			{Title: "Café & Crème", XMLURL: "https://cafe.example.fr/feed.json", HTMLURL: "https://cafe.example.fr/", Category: "Misc"},
			{Title: "Nested", XMLURL: "https://deep.example.com/atom.xml", Category: "Misc/Deep"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got := readOPMLFile(t, tt.file)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

// TestOPML_RoundTrip reads each export, writes it and reads it back: the
// feeds must survive unchanged, and writing is deterministic.
func TestOPML_RoundTrip(t *testing.T) {
	for _, file := range []string{"newsboat.opml", "freshrss.opml"} {
		t.Run(file, func(t *testing.T) {
			feeds := readOPMLFile(t, file)
			var a, b bytes.Buffer
			if err := WriteOPML(&a, "feedsift subscriptions", feeds); err != nil {
				t.Fatal(err)
			}
			if err := WriteOPML(&b, "feedsift subscriptions", feeds); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(a.Bytes(), b.Bytes()) {
				t.Fatal("two writes differ")
			}
			again, err := ReadOPML(bytes.NewReader(a.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(again, feeds) {
				t.Errorf("round trip changed the feeds:\n got %+v\nwant %+v\n%s", again, feeds, a.Bytes())
			}
		})
	}
}

func TestWriteOPML_Golden(t *testing.T) {
	feeds := []OPMLFeed{
		{Title: "golang (Atom)", XMLURL: "https://example.org/feeds/golang.atom", HTMLURL: "https://example.org/feeds/", Category: "feedsift"},
		{Title: "Uncategorised <&>", XMLURL: "https://example.org/u.rss"},
		{Title: "rust", XMLURL: "https://example.org/feeds/rust.atom", Category: "feedsift"},
		{XMLURL: "https://example.org/untitled.json", Category: "other"},
	}
	var buf bytes.Buffer
	if err := WriteOPML(&buf, "feedsift topics", feeds); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, filepath.Join("testdata", "golden.opml"), buf.Bytes())
}

func TestWriteOPML_Invalid(t *testing.T) {
	err := WriteOPML(&bytes.Buffer{}, "t", []OPMLFeed{{Title: "no url"}})
	if !errors.Is(err, ErrInvalid) {
		t.Errorf("err = %v, want ErrInvalid", err)
	}
}

func TestReadOPML_Bad(t *testing.T) {
	tests := []struct {
		name, in string
		notOPML  bool
	}{
		{"html", `<html><body>hi</body></html>`, true},
		{"truncated", `<opml version="2.0"><body><outline xmlUrl="x"`, false},
		{"latin1", `<?xml version="1.0" encoding="ISO-8859-1"?><opml version="1.0"><body/></opml>`, false},
		{"empty", ``, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadOPML(strings.NewReader(tt.in))
			if err == nil {
				t.Fatal("no error")
			}
			if errors.Is(err, ErrNotOPML) != tt.notOPML {
				t.Errorf("err = %v; ErrNotOPML want %v", err, tt.notOPML)
			}
		})
	}
}

// FuzzReadOPML checks that ReadOPML never panics and that whatever it
// reads survives WriteOPML and ReadOPML unchanged.
func FuzzReadOPML(f *testing.F) {
	for _, name := range []string{"newsboat.opml", "freshrss.opml", "golden.opml"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`<opml><body><outline text="a"><outline xmlurl="u" category="/x/y,/z"/></outline></body></opml>`))
	f.Fuzz(func(t *testing.T, in []byte) {
		feeds, err := ReadOPML(bytes.NewReader(in))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := WriteOPML(&buf, "fuzz", feeds); err != nil {
			t.Fatalf("WriteOPML of what ReadOPML returned: %v", err)
		}
		again, err := ReadOPML(&buf)
		if err != nil {
			t.Fatalf("ReadOPML of WriteOPML output: %v\n%s", err, buf.Bytes())
		}
		if len(feeds) == 0 && len(again) == 0 {
			return
		}
		if !reflect.DeepEqual(again, feeds) {
			t.Fatalf("round trip changed the feeds:\n got %q\nwant %q", again, feeds)
		}
	})
}
