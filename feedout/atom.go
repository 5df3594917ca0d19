package feedout

import (
	"bytes"
	"encoding/xml"
	"io"
	"strconv"

	"github.com/gorilla/feeds"
)

// gorilla/feeds' AtomFeed and AtomEntry cannot express a valid feed for
// feedsift (one link per feed, one category and author per entry, no
// generator, atom:source or xml:lang; links without a title), so feedout
// has its own document types and reuses gorilla's for the other leaves:
// people, summary and content.

const (
	atomNS        = "http://www.w3.org/2005/Atom"
	generatorName = "feedsift"
	generatorURI  = "https://github.com/feedsift/feedsift"
)

type atomFeed struct {
	XMLName   xml.Name          `xml:"feed"`
	Xmlns     string            `xml:"xmlns,attr"`
	Lang      string            `xml:"xml:lang,attr,omitempty"`
	Title     atomText          `xml:"title"`
	Subtitle  *atomText         `xml:"subtitle,omitempty"`
	Links     []atomLink        `xml:"link"`
	ID        string            `xml:"id"`
	Updated   string            `xml:"updated"`
	Author    *feeds.AtomAuthor `xml:"author,omitempty"`
	Generator atomGenerator     `xml:"generator"`
	Entries   []atomEntry       `xml:"entry"`
}

// atomLink is gorilla's AtomLink with a title, which names the outlet of
// a related link.
type atomLink struct {
	Href   string `xml:"href,attr"`
	Rel    string `xml:"rel,attr,omitempty"`
	Type   string `xml:"type,attr,omitempty"`
	Length string `xml:"length,attr,omitempty"`
	Title  string `xml:"title,attr,omitempty"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Text string `xml:",chardata"`
}

type atomGenerator struct {
	URI  string `xml:"uri,attr"`
	Name string `xml:",chardata"`
}

type atomCategory struct {
	Term string `xml:"term,attr"`
}

type atomEntry struct {
	Lang       string             `xml:"xml:lang,attr,omitempty"`
	Title      atomText           `xml:"title"`
	Links      []atomLink         `xml:"link"`
	ID         string             `xml:"id"`
	Published  string             `xml:"published,omitempty"`
	Updated    string             `xml:"updated"`
	Authors    []feeds.AtomAuthor `xml:"author"`
	Categories []atomCategory     `xml:"category"`
	Summary    *feeds.AtomSummary `xml:"summary,omitempty"`
	Content    *feeds.AtomContent `xml:"content,omitempty"`
	Source     *atomSource        `xml:"source,omitempty"`
}

type atomSource struct {
	ID      string     `xml:"id"`
	Title   atomText   `xml:"title"`
	Links   []atomLink `xml:"link"`
	Updated string     `xml:"updated"`
}

// WriteAtom writes f as an Atom 1.0 (RFC 4287) document. The output depends
// only on f: writing the same Feed twice gives identical bytes. It returns
// an error matching ErrInvalid when f lacks what Atom requires.
func WriteAtom(w io.Writer, f *Feed) error {
	return writeFitted(w, f, func(w *bytes.Buffer, d *doc) error { return writeXML(w, atomDoc(d)) })
}

func atomDoc(d *doc) *atomFeed {
	af := &atomFeed{
		Xmlns:     atomNS,
		Lang:      d.lang,
		Title:     atomText{Type: "text", Text: d.title},
		ID:        d.id,
		Updated:   rfc3339(d.updated),
		Generator: atomGenerator{URI: generatorURI, Name: generatorName},
		Links:     []atomLink{{Rel: "self", Type: "application/atom+xml", Href: d.self}},
	}
	if d.hub != "" {
		af.Links = append(af.Links, atomLink{Rel: "hub", Href: d.hub})
	}
	if d.subtitle != "" {
		af.Subtitle = &atomText{Type: "text", Text: d.subtitle}
	}
	if d.link != "" {
		af.Links = append(af.Links, atomLink{Rel: "alternate", Type: "text/html", Href: d.link})
	}
	if d.author != "" {
		af.Author = &feeds.AtomAuthor{AtomPerson: feeds.AtomPerson{Name: d.author}}
	}
	for _, it := range d.items {
		ae := atomEntry{
			Lang:    it.lang,
			Title:   atomText{Type: "text", Text: it.title},
			ID:      it.id,
			Updated: rfc3339(it.updated),
		}
		if !it.published.IsZero() {
			ae.Published = rfc3339(it.published)
		}
		if it.link != "" {
			ae.Links = append(ae.Links, atomLink{Rel: "alternate", Href: it.link})
		}
		for _, r := range it.related {
			ae.Links = append(ae.Links, atomLink{Rel: "related", Type: "text/html", Href: r.Href, Title: r.Title})
		}
		for _, e := range it.enclosures {
			l := atomLink{Rel: "enclosure", Type: e.Type, Href: e.URL}
			if e.Length > 0 {
				l.Length = strconv.FormatInt(e.Length, 10)
			}
			ae.Links = append(ae.Links, l)
		}
		for _, a := range it.authors {
			ae.Authors = append(ae.Authors, feeds.AtomAuthor{AtomPerson: feeds.AtomPerson{Name: a}})
		}
		for _, c := range it.categories {
			ae.Categories = append(ae.Categories, atomCategory{Term: c})
		}
		summary, content := it.summary, it.content
		if content == "" && it.link == "" {
			// RFC 4287 4.1.1: an entry without an alternate link must
			// have content.
			summary, content = "", summary
		}
		if summary != "" {
			ae.Summary = &feeds.AtomSummary{Type: "html", Content: summary}
		}
		if content != "" {
			ae.Content = &feeds.AtomContent{Type: "html", Content: content}
		}
		if s := it.source; s != nil {
			as := &atomSource{
				ID:      s.ID,
				Title:   atomText{Type: "text", Text: s.Title},
				Updated: rfc3339(s.Updated),
			}
			if s.Link != "" {
				as.Links = append(as.Links, atomLink{Rel: "self", Href: s.Link})
			}
			if s.Home != "" {
				as.Links = append(as.Links, atomLink{Rel: "alternate", Type: "text/html", Href: s.Home})
			}
			ae.Source = as
		}
		af.Entries = append(af.Entries, ae)
	}
	return af
}

// writeXML writes the XML declaration and v indented by two spaces.
func writeXML(w io.Writer, v any) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
