package feedout

import (
	"bytes"
	"encoding/json"
	"io"

	"github.com/gorilla/feeds"
)

const jsonFeedVersion = "https://jsonfeed.org/version/1.1"

// gorilla/feeds' JSONItem has no item language, makes content_html
// optional (JSON Feed requires it or content_text) and caps attachment
// sizes at int32, so feedout has its own item type and reuses JSONAuthor.

type jsonFeed struct {
	Version     string              `json:"version"`
	Title       string              `json:"title"`
	HomePageURL string              `json:"home_page_url,omitempty"`
	FeedURL     string              `json:"feed_url"`
	Description string              `json:"description,omitempty"`
	Authors     []*feeds.JSONAuthor `json:"authors,omitempty"`
	Language    string              `json:"language,omitempty"`
	Hubs        []jsonHub           `json:"hubs,omitempty"`
	Items       []jsonItem          `json:"items"`
}

// jsonHub is a JSON Feed hub: a WebSub endpoint readers may subscribe to.
type jsonHub struct {
	Type string `json:"type"`
	URL  string `json:"url"`
}

type jsonItem struct {
	ID            string              `json:"id"`
	URL           string              `json:"url,omitempty"`
	Title         string              `json:"title,omitempty"`
	ContentHTML   string              `json:"content_html"`
	Summary       string              `json:"summary,omitempty"`
	DatePublished string              `json:"date_published,omitempty"`
	DateModified  string              `json:"date_modified"`
	Authors       []*feeds.JSONAuthor `json:"authors,omitempty"`
	Tags          []string            `json:"tags,omitempty"`
	Language      string              `json:"language,omitempty"`
	Attachments   []jsonAttachment    `json:"attachments,omitempty"`
	Extension     *jsonExtension      `json:"_feedsift,omitempty"`
}

type jsonAttachment struct {
	URL      string `json:"url"`
	MIMEType string `json:"mime_type"`
	Size     int64  `json:"size_in_bytes,omitempty"`
}

// jsonExtension carries what atom:source and Atom's rel="related" links
// say; JSON Feed has no place for them (external_url is one link, for
// link blogs), so they are an extension object as the spec describes them.
type jsonExtension struct {
	About   string        `json:"about"`
	Source  *jsonSource   `json:"source,omitempty"`
	Related []jsonRelated `json:"related,omitempty"`
	Outlets int           `json:"outlets,omitempty"` // how many outlets carry the story, when more than one
}

// jsonRelated is another outlet's copy of the story.
type jsonRelated struct {
	URL   string `json:"url"`
	Title string `json:"title,omitempty"`
}

type jsonSource struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	FeedURL     string `json:"feed_url"`
	HomePageURL string `json:"home_page_url,omitempty"`
	Updated     string `json:"updated"`
}

// WriteJSONFeed writes f as JSON Feed 1.1. content_html is the content (or
// the summary when there is none); summary is the plain text of the
// summary; an entry's source and related links (other copies of the story:
// "related": [{"url", "title"}]) go in a "_feedsift" extension object.
func WriteJSONFeed(w io.Writer, f *Feed) error {
	return writeFitted(w, f, func(w *bytes.Buffer, d *doc) error { return writeJSON(w, d) })
}

func writeJSON(w io.Writer, d *doc) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(jsonDoc(d))
}

func jsonDoc(d *doc) *jsonFeed {
	jf := &jsonFeed{
		Version:     jsonFeedVersion,
		Title:       d.title,
		HomePageURL: d.link,
		FeedURL:     d.self,
		Hubs:        hubs(d.hub),
		Description: d.subtitle,
		Language:    d.lang,
		Items:       []jsonItem{},
	}
	if d.author != "" {
		jf.Authors = []*feeds.JSONAuthor{{Name: d.author}}
	}
	for _, it := range d.items {
		ji := jsonItem{
			ID:           it.id,
			URL:          it.link,
			Title:        it.title,
			ContentHTML:  it.content,
			Summary:      htmlText(it.summary),
			DateModified: rfc3339(it.updated),
			Tags:         it.categories,
			Language:     it.lang,
		}
		if ji.ContentHTML == "" {
			ji.ContentHTML = it.summary
		}
		if !it.published.IsZero() {
			ji.DatePublished = rfc3339(it.published)
		}
		for _, a := range it.authors {
			ji.Authors = append(ji.Authors, &feeds.JSONAuthor{Name: a})
		}
		for _, e := range it.enclosures {
			ji.Attachments = append(ji.Attachments, jsonAttachment{URL: e.URL, MIMEType: e.Type, Size: e.Length})
		}
		ext := &jsonExtension{About: generatorURI}
		if s := it.source; s != nil {
			ext.Source = &jsonSource{
				ID:          s.ID,
				Title:       s.Title,
				FeedURL:     s.Link,
				HomePageURL: s.Home,
				Updated:     rfc3339(s.Updated),
			}
		}
		for _, r := range it.related {
			ext.Related = append(ext.Related, jsonRelated{URL: r.Href, Title: r.Title})
		}
		if it.outlets > 1 {
			ext.Outlets = it.outlets
		}
		if ext.Source != nil || ext.Related != nil || ext.Outlets > 0 {
			ji.Extension = ext
		}
		jf.Items = append(jf.Items, ji)
	}
	return jf
}

func hubs(hub string) []jsonHub {
	if hub == "" {
		return nil
	}
	return []jsonHub{{Type: "WebSub", URL: hub}}
}
