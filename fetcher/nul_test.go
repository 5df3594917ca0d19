package fetcher

import (
	"strings"
	"testing"
	"time"
)

// TestNormalise_NUL: a JSON Feed's "\u0000" in any field is stored as
// nothing, so that PostgreSQL takes what SQLite takes.
func TestNormalise_NUL(t *testing.T) {
	body := []byte(`{"version": "https://jsonfeed.org/version/1.1", "title": "T\u0000", "language": "en\u0000",
		"items": [{"id": "a\u0000b", "url": "https://e.example/1", "title": "x\u0000y",
		"content_html": "<p>c\u0000d</p>", "summary": "s\u0000", "authors": [{"name": "n\u0000"}], "tags": ["t\u0000"]}]}`)
	doc, err := parseFeed(body)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := normalise("https://e.example/feed.json", doc, time.Now())
	if len(out.Items) != 1 {
		t.Fatalf("%d items", len(out.Items))
	}
	it := out.Items[0]
	fields := []string{out.Title, it.Title, it.Summary, it.Content, it.GUID, it.Lang, it.Link}
	fields = append(append(fields, it.Authors...), it.Categories...)
	for _, s := range fields {
		if strings.IndexByte(s, 0) >= 0 {
			t.Errorf("NUL stored: %q", s)
		}
	}
	if it.GUID != "ab" || it.Content != "<p>cd</p>" {
		t.Errorf("guid %q content %q", it.GUID, it.Content)
	}
}

// TestNormalise_LongLink: a link too long for PostgreSQL's index (4,000
// bytes) is dropped; the item is kept, known by its GUID.
func TestNormalise_LongLink(t *testing.T) {
	long := "https://e.example/" + strings.Repeat("a", 4000)
	body := []byte(`{"version": "https://jsonfeed.org/version/1.1", "title": "T",
		"items": [{"id": "one", "url": "` + long + `", "title": "Long"}, {"id": "two", "url": "https://e.example/2", "title": "Short"}]}`)
	doc, err := parseFeed(body)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := normalise("https://e.example/feed.json", doc, time.Now())
	if len(out.Items) != 2 || out.Items[0].Link != "" || out.Items[0].GUID != "one" || out.Items[1].Link != "https://e.example/2" {
		t.Errorf("items %+v", out.Items)
	}
}
