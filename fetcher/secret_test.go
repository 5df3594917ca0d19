package fetcher

import "testing"

func TestRedactURL(t *testing.T) {
	for _, c := range []struct {
		in, want string
		secret   bool
	}{
		{"https://example.org/feed.xml", "https://example.org/feed.xml", false},
		{"https://example.org/feed?page=2&lang=en", "https://example.org/feed?page=2&lang=en", false},
		{"https://user:hunter2@example.org/feed", "https://xxxxx@example.org/feed", true},
		{"https://user@example.org/feed", "https://xxxxx@example.org/feed", true},
		{"https://example.org/feed?token=abc123&page=2", "https://example.org/feed?token=xxxxx&page=2", true},
		{"https://example.org/rss?API_KEY=s3cret", "https://example.org/rss?API_KEY=xxxxx", true},
		{"https://example.org/rss?access_token=a&auth=b&key=c&sig=d", "https://example.org/rss?access_token=xxxxx&auth=xxxxx&key=xxxxx&sig=xxxxx", true},
		{"https://example.org/rss?x-api-key=a", "https://example.org/rss?x-api-key=xxxxx", true},
		{"file:feeds/a.xml", "file:feeds/a.xml", false},
	} {
		if got := HasSecret(c.in); got != c.secret {
			t.Errorf("HasSecret(%q) = %v", c.in, got)
		}
		if got := RedactURL(c.in); got != c.want {
			t.Errorf("RedactURL(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestRedactText(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"no url here", "no url here"},
		{`feed https://u:p@h.example/f?token=t: Get "https://u:p@h.example/f?token=t": EOF`,
			`feed https://xxxxx@h.example/f?token=xxxxx: Get "https://xxxxx@h.example/f?token=xxxxx": EOF`},
		{"moved to https://h.example/new (was https://h.example/old?key=1)", "moved to https://h.example/new (was https://h.example/old?key=xxxxx)"},
	} {
		if got := RedactText(c.in); got != c.want {
			t.Errorf("RedactText(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
	}
}
