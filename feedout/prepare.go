package feedout

import (
	"fmt"
	"html"
	"mime"
	"regexp"
	"strings"
	"time"
)

// doc is a Feed after validation and cleaning, shared by the Atom, RSS and
// JSON Feed writers so the three publish the same content.
type doc struct {
	id, title, subtitle string
	link, self          string // link may be empty; self never is
	hub                 string // WebSub hub, or empty
	updated             time.Time
	author              string
	lang                string
	items               []item
}

type item struct {
	id, title  string
	link       string // absolute http(s) or empty
	published  time.Time
	updated    time.Time // never zero
	authors    []string
	summary    string // sanitised HTML
	content    string // sanitised HTML
	categories []string
	lang       string
	enclosures []Enclosure // http(s) URL, valid MIME type, Length >= 0
	source     *Source     // ID, Title and Updated set; Link when http(s)
	related    []Link      // absolute http(s) Href
	outlets    int         // 0: not said
}

// prepare validates f and returns a cleaned copy. It errors on what a valid
// feed cannot do without; it quietly drops untrusted data that cannot be
// published safely (non-http links, bad language tags, hostile HTML).
func prepare(f *Feed) (*doc, error) {
	if f == nil {
		return nil, &InvalidError{Feed: "<nil>", Field: "Feed", Detail: "nil"}
	}
	name := f.ID
	if name == "" {
		name = f.Self
	}
	bad := func(field, format string, args ...any) error {
		return &InvalidError{Feed: name, Field: field, Detail: fmt.Sprintf(format, args...)}
	}
	d := &doc{
		id:       cleanLine(f.ID),
		title:    cleanLine(f.Title),
		subtitle: cleanLine(f.Subtitle),
		author:   cleanLine(f.Author),
		updated:  f.Updated.Truncate(time.Second),
		lang:     langTag(f.Lang),
	}
	if d.id == "" {
		return nil, bad("ID", "empty")
	}
	if !absIRI(d.id) {
		return nil, bad("ID", "%q is not an absolute IRI (use a tag: or https: URI)", f.ID)
	}
	if d.title == "" {
		return nil, bad("Title", "empty")
	}
	if _, ok := httpURL(f.Self); !ok {
		return nil, bad("Self", "%q is not an absolute http(s) URL", f.Self)
	}
	d.self = cleanLine(f.Self)
	if f.Hub != "" {
		if _, ok := httpURL(f.Hub); !ok {
			return nil, bad("Hub", "%q is not an absolute http(s) URL", f.Hub)
		}
		d.hub = cleanLine(f.Hub)
	}
	if f.Link != "" {
		if _, ok := httpURL(f.Link); !ok {
			return nil, bad("Link", "%q is not an absolute http(s) URL", f.Link)
		}
		d.link = cleanLine(f.Link)
	}
	if f.Updated.IsZero() {
		return nil, bad("Updated", "zero time")
	}
	if f.Lang != "" && d.lang == "" {
		return nil, bad("Lang", "%q is not a language tag", f.Lang)
	}
	seen := make(map[string]bool, len(f.Entries))
	for i := range f.Entries {
		e := &f.Entries[i]
		field := func(s string) string { return fmt.Sprintf("Entries[%d].%s", i, s) }
		it := item{
			id:      cleanLine(e.ID),
			title:   cleanLine(e.Title),
			lang:    langTag(e.Lang),
			outlets: max(e.Outlets, 0),
		}
		if it.id == "" {
			return nil, bad(field("ID"), "empty")
		}
		if !absIRI(it.id) {
			return nil, bad(field("ID"), "%q is not an absolute IRI", e.ID)
		}
		if seen[it.id] {
			return nil, bad(field("ID"), "duplicate %q", e.ID)
		}
		seen[it.id] = true
		var ok bool
		if it.published, it.updated, ok = entryDates(e); !ok {
			return nil, bad(field("Updated"), "entry %s has neither Updated, Published nor FirstSeen", e.ID)
		}
		if _, ok := httpURL(e.Link); ok {
			it.link = cleanLine(e.Link)
		}
		for _, a := range e.Authors {
			if a = cleanLine(a); a != "" {
				it.authors = append(it.authors, a)
			}
		}
		if len(it.authors) == 0 && d.author == "" {
			return nil, bad(field("Authors"), "entry %s has no author and the feed has none (set Feed.Author)", e.ID)
		}
		base := it.link
		if base == "" && e.Source != nil {
			base = e.Source.Home
		}
		words := cleanWords(e.Highlight)
		it.summary = publishedHTML(e.SummaryHTML, base, it.link, words)
		it.content = publishedHTML(e.ContentHTML, base, it.link, words)
		if it.title == "" {
			it.title = fallbackTitle(it)
		}
		if it.summary == "" && it.content == "" {
			// Readers and the validator want some text; the title is it.
			it.summary = html.EscapeString(it.title)
		}
		catSeen := map[string]bool{}
		for _, c := range e.Categories {
			if c = cleanLine(c); c != "" && !catSeen[c] {
				catSeen[c] = true
				it.categories = append(it.categories, c)
			}
		}
		for _, enc := range e.Enclosures {
			if _, ok := httpURL(enc.URL); !ok {
				continue
			}
			t := mediaType(enc.Type)
			if t == "" {
				t = "application/octet-stream" // RFC 2046: unknown binary data
			}
			it.enclosures = append(it.enclosures, Enclosure{URL: cleanLine(enc.URL), Type: t, Length: max(enc.Length, 0)})
		}
		for _, l := range e.Related {
			if _, ok := httpURL(l.Href); ok {
				it.related = append(it.related, Link{Href: cleanLine(l.Href), Title: cleanLine(l.Title)})
			}
		}
		if s := e.Source; s != nil {
			src := Source{
				ID:      cleanLine(s.ID),
				Title:   cleanLine(s.Title),
				Updated: s.Updated.Truncate(time.Second),
			}
			// A local source file has no link to publish.
			if _, ok := httpURL(s.Link); ok {
				src.Link = cleanLine(s.Link)
			}
			if _, ok := httpURL(s.Home); ok {
				src.Home = cleanLine(s.Home)
			}
			if src.ID == "" || !absIRI(src.ID) {
				src.ID = src.Link
			}
			if src.ID == "" {
				return nil, bad(field("Source.ID"), "empty, and no http(s) Link to use instead")
			}
			if src.Title == "" {
				// A source's title is the feed's own, untrusted: one that
				// cleans to nothing (a lone invalid byte, a noncharacter)
				// is the title's problem, not the document's.
				src.Title = sourceFallbackTitle(src)
			}
			if src.Updated.IsZero() {
				return nil, bad(field("Source.Updated"), "zero time (pass the time the source was fetched)")
			}
			it.source = &src
		}
		d.items = append(d.items, it)
	}
	distinctDates(d.items)
	// A feed, and a source, is at least as recent as its newest entry:
	// the caller's dates may predate an entry's once entryDates has
	// replaced an implausible date, and an implausible one goes.
	newest := map[string]time.Time{} // by source ID
	for _, it := range d.items {
		if it.updated.After(d.updated) {
			d.updated = it.updated
		}
		if s := it.source; s != nil && it.updated.After(newest[s.ID]) {
			newest[s.ID] = it.updated
		}
	}
	for _, it := range d.items {
		if s := it.source; s != nil && newest[s.ID].After(s.Updated) {
			s.Updated = newest[s.ID]
		}
	}
	return d, nil
}

// fallbackTitle names an untitled entry (Atom and the validator want a
// non-blank title; readers show something anyway): the start of its text,
// else its link, else "(untitled)".
func fallbackTitle(it item) string {
	text := htmlText(it.summary)
	if text == "" {
		text = htmlText(it.content)
	}
	if text != "" {
		const n = 80
		if r := []rune(text); len(r) > n {
			text = strings.TrimSpace(string(r[:n])) + "…"
		}
		return text
	}
	if it.link != "" {
		return it.link
	}
	return "(untitled)"
}

// absIRI reports whether s looks like an absolute IRI: a scheme, a colon
// and no spaces.
func absIRI(s string) bool {
	return schemeRE.MatchString(s) && !strings.ContainsAny(s, " <>\"{}|\\^`")
}

var schemeRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*:.`)

// langRE is the shape of a BCP 47 tag: a 2-3 letter primary language, then
// subtags of 1-8 letters or digits.
var langRE = regexp.MustCompile(`^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$`)

// langTag returns s as a language tag ("en_US" becomes "en-US"), or "" when
// it is not one.
func langTag(s string) string {
	s = strings.ReplaceAll(strings.TrimSpace(s), "_", "-")
	if !langRE.MatchString(s) {
		return ""
	}
	p, rest, _ := strings.Cut(s, "-")
	if rest != "" {
		return strings.ToLower(p) + "-" + rest
	}
	return strings.ToLower(p)
}

// mediaType returns t as a bare "type/subtype" in lower case, or "" when it
// is not a MIME type.
func mediaType(t string) string {
	mt, _, err := mime.ParseMediaType(t)
	if err != nil || !strings.Contains(mt, "/") {
		return ""
	}
	return mt
}

// rfc3339 formats t for Atom and JSON Feed, in UTC so that output does not
// depend on the time zone of the caller's time.Time values. Fractions of
// a second (see distinctDates) have six digits, which every RFC 3339
// parser reads (Python's datetime.fromisoformat before 3.11 wants three
// or six); a whole second has none.
func rfc3339(t time.Time) string {
	t = t.UTC()
	if t.Nanosecond() == 0 {
		return t.Format(time.RFC3339)
	}
	return t.Format("2006-01-02T15:04:05.000000Z07:00")
}

// rfc822 formats t for RSS 2.0.
func rfc822(t time.Time) string { return t.UTC().Format(time.RFC1123Z) }

// sourceFallbackTitle names a source whose title is empty: the host of
// its feed or home page, else its id.
func sourceFallbackTitle(s Source) string {
	for _, l := range []string{s.Link, s.Home} {
		if u, ok := httpURL(l); ok && u.Host != "" {
			return cleanLine(u.Host)
		}
	}
	return s.ID
}
