package feedout

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// OPMLFeed is one subscription in an OPML subscription list.
type OPMLFeed struct {
	Title    string
	XMLURL   string // the feed's URL (required)
	HTMLURL  string // the site's page, optional
	Category string // folder; nested folders are joined with "/"
}

type opmlDoc struct {
	XMLName xml.Name    `xml:"opml"`
	Version string      `xml:"version,attr"`
	Title   string      `xml:"head>title"`
	Body    []opmlEntry `xml:"body>outline"`
}

// opmlEntry is an outline as WriteOPML writes it.
type opmlEntry struct {
	Text     string      `xml:"text,attr"`
	Title    string      `xml:"title,attr,omitempty"`
	Type     string      `xml:"type,attr,omitempty"`
	XMLURL   string      `xml:"xmlUrl,attr,omitempty"`
	HTMLURL  string      `xml:"htmlUrl,attr,omitempty"`
	Children []opmlEntry `xml:"outline"`
}

// WriteOPML writes feeds as an OPML 2.0 subscription list. Feeds without a
// category come first, then one folder outline per category in order of
// first appearance; within each, feeds keep their order. Every outline has
// the text attribute OPML 2.0 requires.
func WriteOPML(w io.Writer, title string, feeds []OPMLFeed) error {
	doc := opmlDoc{Version: "2.0", Title: cleanLine(title)}
	var folders []opmlEntry
	index := map[string]int{}
	for i, f := range feeds {
		if strings.TrimSpace(f.XMLURL) == "" {
			return fmt.Errorf("opml %q: feed %d (%q): %w: empty XMLURL", title, i, f.Title, ErrInvalid)
		}
		o := opmlEntry{
			Text:    cleanLine(f.Title),
			Title:   cleanLine(f.Title),
			Type:    "rss", // what every reader expects, whatever the format
			XMLURL:  cleanLine(f.XMLURL),
			HTMLURL: cleanLine(f.HTMLURL),
		}
		if o.Text == "" {
			o.Text, o.Title = o.XMLURL, ""
		}
		cat := cleanLine(f.Category)
		if cat == "" {
			doc.Body = append(doc.Body, o)
			continue
		}
		j, ok := index[cat]
		if !ok {
			j = len(folders)
			index[cat] = j
			folders = append(folders, opmlEntry{Text: cat, Title: cat})
		}
		folders[j].Children = append(folders[j].Children, o)
	}
	doc.Body = append(doc.Body, folders...)
	return writeXML(w, doc)
}

// opmlOutline is an outline as ReadOPML reads it: attribute names are
// matched case-insensitively because exporters disagree (xmlUrl, xmlurl).
type opmlOutline struct {
	attrs    map[string]string
	children []opmlOutline
}

func (o *opmlOutline) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	o.attrs = make(map[string]string, len(start.Attr))
	for _, a := range start.Attr {
		if a.Name.Space == "" {
			o.attrs[strings.ToLower(a.Name.Local)] = a.Value
		}
	}
	for {
		tok, err := d.Token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != "outline" {
				if err := d.Skip(); err != nil {
					return err
				}
				continue
			}
			var c opmlOutline
			if err := c.UnmarshalXML(d, t); err != nil {
				return err
			}
			o.children = append(o.children, c)
		case xml.EndElement:
			return nil
		}
	}
}

type opmlRead struct {
	XMLName xml.Name      `xml:"opml"`
	Body    []opmlOutline `xml:"body>outline"`
}

// ErrNotOPML is returned by ReadOPML for a document that is not OPML.
var ErrNotOPML = errors.New("not an OPML document")

// ReadOPML reads the subscriptions of an OPML 1.0 or 2.0 document, such as
// those exported by newsboat (flat outlines with xmlUrl, htmlUrl and title)
// and FreshRSS (folder outlines holding feed outlines). Folders are
// flattened: a feed's Category is the path of its folders joined with "/".
// An outline without xmlUrl and without children is ignored. The document
// must be UTF-8 (or ASCII).
func ReadOPML(r io.Reader) ([]OPMLFeed, error) {
	d := xml.NewDecoder(r)
	d.Entity = xml.HTMLEntity // exporters write &nbsp; and friends
	d.CharsetReader = func(label string, in io.Reader) (io.Reader, error) {
		switch strings.ToLower(label) {
		case "utf-8", "utf8", "us-ascii", "ascii":
			return in, nil
		}
		return nil, fmt.Errorf("unsupported encoding %q", label)
	}
	var doc opmlRead
	if err := d.Decode(&doc); err != nil {
		var se xml.UnmarshalError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("opml: %w: %v", ErrNotOPML, err)
		}
		return nil, fmt.Errorf("opml: %w", err)
	}
	var feeds []OPMLFeed
	var walk func(os []opmlOutline, folder []string)
	walk = func(os []opmlOutline, folder []string) {
		for _, o := range os {
			name := cleanLine(o.attrs["title"])
			if name == "" {
				name = cleanLine(o.attrs["text"])
			}
			if u := cleanLine(o.attrs["xmlurl"]); u != "" {
				if name == u {
					name = "" // WriteOPML's placeholder text for an untitled feed
				}
				cat := strings.Join(folder, "/")
				if cat == "" {
					cat = opmlCategory(o.attrs["category"])
				}
				feeds = append(feeds, OPMLFeed{
					Title:    name,
					XMLURL:   u,
					HTMLURL:  cleanLine(o.attrs["htmlurl"]),
					Category: cat,
				})
				continue // a feed's children (rare) are not feeds of a folder
			}
			if len(o.children) > 0 {
				sub := folder[:len(folder):len(folder)]
				if name != "" {
					sub = append(sub, name)
				}
				walk(o.children, sub)
			}
		}
	}
	walk(doc.Body, nil)
	return feeds, nil
}

// opmlCategory reads OPML 2.0's category attribute ("/News/Tech,/Go"): the
// first slash-delimited path, without its leading slash.
func opmlCategory(s string) string {
	first, _, _ := strings.Cut(s, ",")
	return strings.Trim(cleanLine(first), "/")
}
