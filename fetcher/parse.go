package fetcher

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"runtime/debug"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/feedsift/feedsift/store"
	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/atom"
	"github.com/mmcdole/gofeed/rss"
)

// xmlRoot returns the qualified name of the document's root element
// ("" if there is none), read after the prolog however long that is.
func xmlRoot(b []byte) string {
	if p := scanProlog(b); p.root >= 0 {
		return tagName(b, p.root)
	}
	// A prolog scanProlog does not follow (text in it, say): the lenient
	// decoder's first start tag, read as far as the document goes.
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = false
	d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	for {
		tok, err := d.RawToken()
		if err != nil {
			return ""
		}
		if se, ok := tok.(xml.StartElement); ok {
			name := se.Name.Local
			if se.Name.Space != "" {
				name = se.Name.Space + ":" + name
			}
			return capText(name, 100)
		}
	}
}

// rootType is the feed type gofeed gives a document whose root element
// has this name: its local name, in any case, rss or rdf (RSS) or feed
// (Atom).
func rootType(name string) gofeed.FeedType {
	if i := strings.LastIndexByte(name, ':'); i >= 0 {
		name = name[i+1:]
	}
	switch strings.ToLower(name) {
	case "rss", "rdf":
		return gofeed.FeedTypeRSS
	case "feed":
		return gofeed.FeedTypeAtom
	}
	return gofeed.FeedTypeUnknown
}

// detectWindow is how much of a document gofeed reads to detect its
// type (detectionPeekSize in gofeed's parser.go): the root element's
// start tag must end within it.
const detectWindow = 4096

// parseFeed parses a UTF-8 document with gofeed. A panic inside the
// parser becomes an error of class panic. An XML document must pass
// scanShape first (depth and namespaces within defaultShape). One whose
// root element's start tag ends beyond gofeed's detection window (a long
// prolog, a long start tag) goes to the parser its root names, not to
// notAFeed.
func parseFeed(b []byte) (doc *gofeed.Feed, err error) {
	b = cleanXML(b)
	defer func() {
		if p := recover(); p != nil {
			doc, err = nil, &Error{Class: ClassPanic, Detail: fmt.Sprintf("parser panicked: %v", p), stack: debug.Stack()}
		}
	}()
	kind := gofeed.DetectFeedType(bytes.NewReader(b[:min(len(b), detectWindow)]))
	undetected := kind == gofeed.FeedTypeUnknown
	if undetected {
		if kind = rootType(xmlRoot(b)); kind == gofeed.FeedTypeUnknown {
			return nil, notAFeed(b)
		}
	}
	if kind != gofeed.FeedTypeJSON {
		if _, e := scanShape(b, defaultShape); e != nil {
			return nil, e
		}
	}
	// feedsift never uses an item's image: without this, gofeed parses
	// every RSS item's HTML to look for one (a seventh of parsing).
	rssTrans := &gofeed.DefaultRSSTranslator{DisableContentImageScan: true}
	switch {
	case undetected && kind == gofeed.FeedTypeRSS:
		var rf *rss.Feed
		if rf, err = (&rss.Parser{}).Parse(bytes.NewReader(b)); err == nil {
			doc, err = rssTrans.Translate(rf)
		}
	case undetected && kind == gofeed.FeedTypeAtom:
		var af *atom.Feed
		if af, err = (&atom.Parser{}).Parse(bytes.NewReader(b)); err == nil {
			doc, err = (&gofeed.DefaultAtomTranslator{}).Translate(af)
		}
	default:
		p := gofeed.NewParser()
		p.RSSTranslator = rssTrans
		doc, err = p.Parse(bytes.NewReader(b))
	}
	if err == nil {
		return doc, nil
	}
	if errors.Is(err, gofeed.ErrFeedTypeNotDetected) {
		return nil, notAFeed(b)
	}
	return nil, &Error{Class: ClassParse, Detail: trimDetail(err.Error()), Err: err}
}

var (
	linkTag  = regexp.MustCompile(`(?is)<link\s[^>]*>`)
	attrHref = regexp.MustCompile(`(?is)\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))`)
	feedType = regexp.MustCompile(`(?is)\btype\s*=\s*["']?application/(?:rss|atom|feed)\+(?:xml|json)`)
)

// feedLink is the href of the first <link rel="alternate"> of a feed type
// in the head of an HTML page (feed auto-discovery), as written.
func feedLink(b []byte) string {
	for _, tag := range linkTag.FindAll(b[:min(len(b), 64<<10)], 20) {
		if !feedType.Match(tag) || !bytes.Contains(bytes.ToLower(tag), []byte("alternate")) {
			continue
		}
		if m := attrHref.FindSubmatch(tag); m != nil {
			return string(bytes.TrimSpace(append(append(m[1], m[2]...), m[3]...)))
		}
	}
	return ""
}

// notAFeed says what the document is instead.
func notAFeed(b []byte) *Error {
	head := bytes.TrimSpace(b[:min(len(b), 4096)])
	lower := bytes.ToLower(head)
	switch {
	case bytes.HasPrefix(lower, []byte("<!doctype html")) || bytes.Contains(lower, []byte("<html")):
		if link := feedLink(b); link != "" {
			return &Error{Class: ClassNotAFeed, Detail: "got HTML, not a feed; the page links to a feed at " + link, link: link}
		}
		return &Error{Class: ClassNotAFeed, Detail: "got HTML, not a feed"}
	case len(head) > 0 && head[0] != '<' && head[0] != '{':
		if !utf8.Valid(head) || bytes.ContainsRune(head, utf8.RuneError) {
			return &Error{Class: ClassNotAFeed, Detail: "not a feed: binary data"}
		}
		return &Error{Class: ClassNotAFeed, Detail: "not a feed: content before any XML or JSON"}
	}
	if name := xmlRoot(b); name != "" {
		if rootType(name) != gofeed.FeedTypeUnknown {
			// parseFeed does not get here; said plainly should it ever.
			return &Error{Class: ClassParse, Detail: fmt.Sprintf("XML root element <%s> is a feed's, but the parser did not detect the feed type (it reads the first %d bytes)", name, detectWindow)}
		}
		return &Error{Class: ClassNotAFeed, Detail: fmt.Sprintf("XML root element <%s> is not rss, feed or rdf:RDF", name)}
	}
	return &Error{Class: ClassNotAFeed, Detail: "feed type not recognised"}
}

// normalise maps gofeed's document to stored items: links resolved
// against the feed, lengths capped, dates cleaned. It returns how many
// items it dropped over the per-feed cap.
func normalise(feedURL string, doc *gofeed.Feed, now time.Time) (*store.Fetched, int) {
	feedBase, _ := url.Parse(feedURL)
	home := absLink(feedBase, doc.Link)
	out := &store.Fetched{Title: capText(oneLine(doc.Title), maxTitleBytes), Home: home}
	items := doc.Items
	dropped := 0
	if len(items) > maxItems {
		// Keep the newest: sort by date, newest first, stable on document order.
		sort.SliceStable(items, func(i, j int) bool { return itemTime(items[i]).After(itemTime(items[j])) })
		dropped = len(items) - maxItems
		items = items[:maxItems]
	}
	for _, gi := range items {
		if gi == nil {
			continue
		}
		it := store.Item{
			Title:   capText(oneLine(gi.Title), maxTitleBytes),
			Summary: capHTML(dropNUL(gi.Description), maxHTMLBytes),
			Content: capHTML(dropNUL(gi.Content), maxHTMLBytes),
			Lang:    capText(oneLine(doc.Language), 35),
		}
		it.Link = absLink(feedBase, gi.Link)
		if it.Link == "" {
			for _, l := range gi.Links {
				if it.Link = absLink(feedBase, l); it.Link != "" {
					break
				}
			}
		}
		it.GUID = strings.TrimSpace(dropNUL(gi.GUID))
		if len(it.GUID) > maxGUIDBytes {
			h := sha256.Sum256([]byte(it.GUID))
			it.GUID = "sha256:" + hex.EncodeToString(h[:])
		}
		for _, p := range gi.Authors {
			if p == nil {
				continue
			}
			if name := capText(oneLine(p.Name), maxFieldBytes); name != "" {
				it.Authors = append(it.Authors, name)
			} else if email := capText(oneLine(p.Email), maxFieldBytes); email != "" {
				it.Authors = append(it.Authors, email)
			}
		}
		if len(it.Authors) == 0 && gi.DublinCoreExt != nil {
			for _, c := range gi.DublinCoreExt.Creator {
				if c = capText(oneLine(c), maxFieldBytes); c != "" {
					it.Authors = append(it.Authors, c)
				}
			}
		}
		for _, c := range gi.Categories {
			if c = capText(oneLine(c), maxFieldBytes); c != "" {
				it.Categories = append(it.Categories, c)
			}
		}
		for _, e := range gi.Enclosures {
			if e == nil {
				continue
			}
			u := absLink(feedBase, e.URL)
			if u == "" {
				continue
			}
			var n int64
			fmt.Sscan(e.Length, &n)
			it.Enclosures = append(it.Enclosures, store.Enclosure{URL: u, Type: capText(oneLine(e.Type), 255), Length: max(n, 0)})
		}
		it.Published = cleanTime(gi.PublishedParsed, now)
		it.Updated = cleanTime(gi.UpdatedParsed, now)
		if it.Published.IsZero() {
			it.Published = it.Updated
		}
		if it.Title == "" && it.Summary == "" && it.Content == "" && it.Link == "" {
			continue // nothing a reader could show
		}
		out.Items = append(out.Items, it)
	}
	return out, dropped
}

func itemTime(it *gofeed.Item) time.Time {
	if it == nil {
		return time.Time{}
	}
	if it.PublishedParsed != nil {
		return *it.PublishedParsed
	}
	if it.UpdatedParsed != nil {
		return *it.UpdatedParsed
	}
	return time.Time{}
}

// cleanTime drops dates Atom cannot express and clamps dates in the
// future to now, so that they do not sort above today's news.
func cleanTime(t *time.Time, now time.Time) time.Time {
	if t == nil || t.IsZero() || t.Year() < 1 || t.Year() > 9999 {
		return time.Time{}
	}
	if t.After(now) {
		return now.UTC().Truncate(time.Second)
	}
	return t.UTC().Truncate(time.Second)
}

// absLink resolves s against base and keeps only http and https links.
func absLink(base *url.URL, s string) string {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > maxFieldBytes {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil {
		return ""
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return ""
	}
	if l := u.String(); len(l) <= maxLinkBytes {
		return l
	}
	return "" // a link no index holds (PostgreSQL's btree rows stop near 2,700 bytes)
}

// maxLinkBytes bounds a stored link: longer ones are dropped, and the item
// is known by its GUID or content. Browsers and servers stop near 2,000
// too.
const maxLinkBytes = 2000

// oneLine makes s one line of plain text: runs of white space become one
// space; control characters (C0, DEL, C1) and bidi overrides go.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(stripBidi(s)), " ")
	if strings.ContainsFunc(s, unicode.IsControl) {
		s = strings.Map(func(r rune) rune {
			if unicode.IsControl(r) {
				return -1
			}
			return r
		}, s)
	}
	return s
}

// dropNUL removes NUL characters, which no output may carry and
// PostgreSQL's text refuses ("invalid byte sequence … 0x00"): a JSON
// Feed's "\u0000" is stored as nothing, on either engine.
func dropNUL(s string) string {
	if strings.IndexByte(s, 0) < 0 {
		return s
	}
	return strings.ReplaceAll(s, "\x00", "")
}

// capText cuts s to at most n bytes at a rune boundary.
func capText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
