package feedout

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"strings"
	"time"
)

// Index is the HTML page listing every topic and its feeds.
type Index struct {
	Title   string
	Updated time.Time // when the outputs were written; zero omits it
	OPML    string    // file name of the OPML list of all topic feeds, optional
	Topics  []IndexTopic
}

// IndexTopic is one topic on the index page. The file names are relative
// to the page (e.g. "golang.atom"); an empty one is left out.
type IndexTopic struct {
	Name        string // short name, used as the section's anchor (required)
	Title       string // defaults to Name
	Description string
	Atom        string
	RSS         string
	JSON        string
	Entries     []IndexEntry // the latest few, newest first
}

// IndexEntry is one entry shown under its topic.
type IndexEntry struct {
	Title     string
	Link      string // only http(s) links are linked
	Date      time.Time
	FirstSeen time.Time // shown instead of a Date before 1990, as in the feeds
	Source    string    // the source feed's title
	Snippet   string    // the start of its text (HTML is reduced to text)
	Groups    []string  // why it matched: the topic's group names
	Outlets   int       // outlets carrying the story; shown when over 1
	Lang      string    // its language tag, when known
	Highlight []string  // words to mark in the snippet (<mark>)

	spans []span // Snippet with Highlight marked
}

// Spans is the snippet in runs of text, the highlighted words marked,
// for the page's template.
func (e IndexEntry) Spans() []span {
	if e.spans == nil && e.Snippet != "" {
		return []span{{Text: e.Snippet}}
	}
	return e.spans
}

// indexTmpl is html/template, so every string is escaped for its context.
// The page has no JavaScript and its policy forbids any.
var indexTmpl = template.Must(template.New("index").Funcs(template.FuncMap{
	"date":    func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
	"isodate": func(t time.Time) string { return rfc3339(t.Truncate(time.Second)) },
	"join":    func(s []string) string { return strings.Join(s, ", ") },
}).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src 'self'">
<meta name="generator" content="feedsift">
<title>{{.Title}}</title>
{{- range .Topics}}
{{- if .Atom}}
<link rel="alternate" type="application/atom+xml" title="{{.Title}} (Atom)" href="{{.Atom}}">
{{- end}}
{{- if .RSS}}
<link rel="alternate" type="application/rss+xml" title="{{.Title}} (RSS)" href="{{.RSS}}">
{{- end}}
{{- if .JSON}}
<link rel="alternate" type="application/feed+json" title="{{.Title}} (JSON Feed)" href="{{.JSON}}">
{{- end}}
{{- end}}
<style>
body{font:16px/1.5 system-ui,sans-serif;max-width:42rem;margin:0 auto;padding:1rem;color:#222;background:#fff}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin:2rem 0 .25rem}
a{color:#0645ad}.feeds a{display:inline-block;margin:.25rem .75rem .25rem 0;padding:.25rem .5rem;border:1px solid #ccc;border-radius:.25rem;text-decoration:none}
ul{padding-left:1.2rem}li{margin:.6rem 0;overflow-wrap:anywhere}.meta{color:#666;font-size:.875rem}.snippet{font-size:.9rem}
@media (prefers-color-scheme:dark){body{color:#ddd;background:#111}a{color:#8ab4f8}.meta{color:#aaa}}
</style>
</head>
<body>
<h1>{{.Title}}</h1>
{{- if not .Updated.IsZero}}
<p class="meta">Updated <time datetime="{{isodate .Updated}}">{{date .Updated}}</time>{{if .OPML}} · <a href="{{.OPML}}">all feeds as OPML</a>{{end}}</p>
{{- else if .OPML}}
<p class="meta"><a href="{{.OPML}}">All feeds as OPML</a></p>
{{- end}}
{{- range .Topics}}
<section id="{{.Name}}">
<h2>{{.Title}}</h2>
{{- if .Description}}
<p>{{.Description}}</p>
{{- end}}
<p class="feeds">{{if .Atom}}<a href="{{.Atom}}" type="application/atom+xml">Atom</a>{{end}}{{if .RSS}}<a href="{{.RSS}}" type="application/rss+xml">RSS</a>{{end}}{{if .JSON}}<a href="{{.JSON}}" type="application/feed+json">JSON Feed</a>{{end}}</p>
{{- if .Entries}}
<ul>
{{- range .Entries}}
<li{{if .Lang}} lang="{{.Lang}}"{{end}}>{{if .Link}}<a href="{{.Link}}">{{.Title}}</a>{{else}}{{.Title}}{{end}}<br><span class="meta">{{if not .Date.IsZero}}<time datetime="{{isodate .Date}}">{{date .Date}}</time>{{end}}{{if and .Source (not .Date.IsZero)}} · {{end}}{{.Source}}{{if gt .Outlets 1}} · carried by {{.Outlets}} outlets{{end}}{{if .Groups}} · matched {{join .Groups}}{{end}}</span>{{if .Snippet}}<br><span class="snippet">{{range .Spans}}{{if .Mark}}<mark>{{.Text}}</mark>{{else}}{{.Text}}{{end}}{{end}}</span>{{end}}</li>
{{- end}}
</ul>
{{- else}}
<p class="meta">No entries yet.</p>
{{- end}}
</section>
{{- end}}
</body>
</html>
`))

// WriteIndex writes the HTML index page: per topic its feeds (also as
// <link rel="alternate"> for auto-discovery) and its latest entries. The
// output depends only on idx.
func WriteIndex(w io.Writer, idx Index) error {
	idx.Title = cleanLine(idx.Title)
	if idx.Title == "" {
		idx.Title = "feedsift"
	}
	idx.OPML = cleanLine(idx.OPML)
	topics := make([]IndexTopic, len(idx.Topics))
	for i, t := range idx.Topics {
		t.Name = cleanLine(t.Name)
		if t.Name == "" {
			return fmt.Errorf("index: topic %d: %w: empty Name", i, ErrInvalid)
		}
		t.Title = cleanLine(t.Title)
		if t.Title == "" {
			t.Title = t.Name
		}
		t.Description = cleanLine(t.Description)
		t.Atom, t.RSS, t.JSON = cleanLine(t.Atom), cleanLine(t.RSS), cleanLine(t.JSON)
		entries := make([]IndexEntry, len(t.Entries))
		for j, e := range t.Entries {
			e.Title = cleanLine(e.Title)
			e.Source = cleanLine(e.Source)
			e.Snippet = clipText(cleanLine(e.Snippet), snippetRunes)
			if words := cleanWords(e.Highlight); len(words) > 0 {
				e.spans = markSpans(e.Snippet, words)
			}
			e.Lang = langTag(e.Lang)
			var groups []string
			for _, g := range e.Groups {
				if g = cleanLine(g); g != "" {
					groups = append(groups, g)
				}
			}
			e.Groups = groups
			if _, ok := httpURL(e.Link); ok {
				e.Link = cleanLine(e.Link)
			} else {
				e.Link = ""
			}
			if e.Title == "" {
				e.Title = e.Link
			}
			if e.Title == "" {
				e.Title = "(untitled)"
			}
			if !plausible(e.Date) {
				e.Date = time.Time{}
				if plausible(e.FirstSeen) {
					e.Date = e.FirstSeen
				}
			}
			entries[j] = e
		}
		t.Entries = entries
		topics[i] = t
	}
	idx.Topics = topics
	// Render to memory so a template error never leaves half a page.
	var buf bytes.Buffer
	if err := indexTmpl.Execute(&buf, idx); err != nil {
		return fmt.Errorf("index: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// snippetRunes is how much of an entry's text the index page shows.
const snippetRunes = 240

// clipText cuts s to at most n runes, at a word, marking the cut.
func clipText(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	cut := string(r[:n])
	if i := strings.LastIndexByte(cut, ' '); i > len(cut)/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:.") + " …"
}
