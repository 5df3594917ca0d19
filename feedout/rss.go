package feedout

import (
	"bytes"
	"encoding/xml"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/gorilla/feeds"
)

// gorilla/feeds' RssFeed has no atom:link, its RssItem one category and an
// author that must be an e-mail address, so feedout has its own channel and
// item types and reuses gorilla's guid and enclosure.

type rssDoc struct {
	XMLName xml.Name   `xml:"rss"`
	Version string     `xml:"version,attr"`
	AtomNS  string     `xml:"xmlns:atom,attr"`
	ContNS  string     `xml:"xmlns:content,attr"`
	DCNS    string     `xml:"xmlns:dc,attr"`
	Channel rssChannel `xml:"channel"`
}

type rssChannel struct {
	Title         rssText     `xml:"title"`
	Link          string      `xml:"link"`
	Description   rssText     `xml:"description"`
	Language      string      `xml:"language,omitempty"`
	AtomLinks     []rssAtomLn `xml:"atom:link"` // rel="self", then rel="hub" if any
	LastBuildDate string      `xml:"lastBuildDate"`
	Generator     string      `xml:"generator"`
	Items         []rssItem   `xml:"item"`
}

// rssText is plain text escaped the way the W3C validator asks for it:
// "&" and "<" as hexadecimal character references, which no reader takes
// for HTML markup.
type rssText struct {
	Inner string `xml:",innerxml"`
}

var rssEscaper = strings.NewReplacer("&", "&#x26;", "<", "&#x3C;", ">", "&#x3E;")

func plain(s string) rssText { return rssText{Inner: rssEscaper.Replace(defuseTags(s))} }

// tagStart is what an HTML parser takes for the start of markup.
var tagStart = regexp.MustCompile(`<([A-Za-z/!?])`)

// defuseTags makes plain text harmless where RSS is read as HTML: many
// readers render an RSS title as markup (RSS never said which it is), so
// a title "<img src=x onerror=…>" would run there however it is escaped.
// A "<" that would open a tag becomes "‹" (U+2039); "a < b" stays.
func defuseTags(s string) string {
	if !strings.Contains(s, "<") {
		return s
	}
	return tagStart.ReplaceAllString(s, "‹$1")
}

type rssAtomLn struct {
	Href  string `xml:"href,attr"`
	Rel   string `xml:"rel,attr"`
	Type  string `xml:"type,attr,omitempty"`
	Title string `xml:"title,attr,omitempty"`
}

type rssItem struct {
	Title       rssText             `xml:"title"`
	Link        string              `xml:"link,omitempty"`
	Related     []rssAtomLn         `xml:"atom:link"`
	Description string              `xml:"description"`
	Content     string              `xml:"content:encoded,omitempty"`
	Creators    []rssText           `xml:"dc:creator"`
	Categories  []rssText           `xml:"category"`
	Enclosure   *feeds.RssEnclosure `xml:"enclosure,omitempty"`
	GUID        feeds.RssGuid       `xml:"guid"`
	PubDate     string              `xml:"pubDate"`
	Source      *rssSource          `xml:"source,omitempty"`
}

type rssSource struct {
	URL   string `xml:"url,attr"`
	Title string `xml:",innerxml"`
}

// WriteRSS writes f as RSS 2.0 with an atom:link rel="self". Entry ids
// become guid isPermaLink="false"; authors become dc:creator (RSS's author
// element must be an e-mail address); the summary is the description and
// the full content goes in content:encoded. RSS allows one enclosure per
// item: the first is kept. Other copies of the story are atom:link
// rel="related" elements, as in Atom (RSS 2.0 has no element for them;
// its namespaced extensions are how RSS carries one).
func WriteRSS(w io.Writer, f *Feed) error {
	return writeFitted(w, f, func(w *bytes.Buffer, d *doc) error { return writeXML(w, rssDocument(d)) })
}

func rssDocument(d *doc) *rssDoc {
	ch := rssChannel{
		Title:         plain(d.title),
		Link:          d.link,
		Description:   plain(d.subtitle),
		Language:      d.lang,
		AtomLinks:     []rssAtomLn{{Href: d.self, Rel: "self", Type: "application/rss+xml"}},
		LastBuildDate: rfc822(d.updated),
		Generator:     generatorName,
	}
	if ch.Link == "" {
		ch.Link = d.self // required; the document itself is the best we have
	}
	if d.hub != "" {
		ch.AtomLinks = append(ch.AtomLinks, rssAtomLn{Href: d.hub, Rel: "hub"})
	}
	if d.subtitle == "" {
		ch.Description = plain(d.title) // required
	}
	for _, it := range d.items {
		ri := rssItem{
			Title: plain(it.title),
			Link:  it.link,
			GUID:  feeds.RssGuid{Id: it.id, IsPermaLink: "false"},
		}
		switch {
		case it.summary != "":
			ri.Description = it.summary
			if it.content != it.summary {
				ri.Content = it.content
			}
		default:
			ri.Description = it.content
		}
		for _, r := range it.related {
			ri.Related = append(ri.Related, rssAtomLn{Href: r.Href, Rel: "related", Type: "text/html", Title: r.Title})
		}
		for _, a := range it.authors {
			ri.Creators = append(ri.Creators, plain(a))
		}
		for _, c := range it.categories {
			ri.Categories = append(ri.Categories, plain(c))
		}
		pub := it.published
		if pub.IsZero() {
			pub = it.updated
		}
		ri.PubDate = rfc822(pub)
		if len(it.enclosures) > 0 {
			e := it.enclosures[0]
			ri.Enclosure = &feeds.RssEnclosure{Url: e.URL, Type: e.Type, Length: strconv.FormatInt(e.Length, 10)}
		}
		// RSS's <source> needs the feed's URL; a local source has none.
		if s := it.source; s != nil && s.Link != "" {
			ri.Source = &rssSource{URL: s.Link, Title: rssEscaper.Replace(defuseTags(s.Title))}
		}
		ch.Items = append(ch.Items, ri)
	}
	return &rssDoc{
		Version: "2.0",
		AtomNS:  atomNS,
		ContNS:  "http://purl.org/rss/1.0/modules/content/",
		DCNS:    "http://purl.org/dc/elements/1.1/",
		Channel: ch,
	}
}
