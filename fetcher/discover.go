package fetcher

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"golang.org/x/net/html"
)

// Discovered is the feed found at a URL the user gave.
type Discovered struct {
	URL    string   // the feed
	Title  string   // its own title
	Others []string // further feeds the page announces, in page order
}

// Discover returns the feed at raw: raw itself when it is a feed, else the
// first feed its HTML page announces with <link rel="alternate"> (the
// others listed). It goes through the same guarded transport as every
// fetch: the URL the user typed may be on a private network (their choice,
// as a configured feed is), but a redirect or an announced feed that leads
// to another private address is refused (ClassBlocked), unless
// AllowPrivateNetworks.
func (f *Fetcher) Discover(ctx context.Context, raw string) (Discovered, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return Discovered{}, fmt.Errorf("%s: want an http or https URL (edit the file for local feeds)", raw)
	}
	f.allow(u.String())
	body, ctype, final, err := f.discoverGet(ctx, u.String())
	if err != nil {
		return Discovered{}, err
	}
	// Parsed as a fetch parses: charset, repairs and the shape limits.
	if fd, err := f.parse(u.String(), body, ctype, f.opt.Now()); err == nil {
		return Discovered{URL: u.String(), Title: fd.Title}, nil
	}
	if mt, _, _ := mime.ParseMediaType(ctype); mt != "text/html" && mt != "application/xhtml+xml" && !looksHTML(body) {
		if ctype == "" {
			ctype = "no Content-Type"
		}
		return Discovered{}, fmt.Errorf("%s: neither a feed nor an HTML page (%s)", raw, ctype)
	}
	links := alternates(body, final)
	if len(links) == 0 {
		return Discovered{}, fmt.Errorf("%s: the page announces no feed (no <link rel=\"alternate\"> of a feed type)", raw)
	}
	body, ctype, _, err = f.discoverGet(ctx, links[0])
	if err != nil {
		return Discovered{}, fmt.Errorf("%s, announced by %s: %w", links[0], raw, err)
	}
	fd, perr := f.parse(links[0], body, ctype, f.opt.Now())
	if perr != nil {
		return Discovered{}, fmt.Errorf("%s, announced by %s: not a feed: %s: %s", links[0], raw, perr.Class, perr.Detail)
	}
	return Discovered{URL: links[0], Title: fd.Title, Others: links[1:]}, nil
}

// discoverGet fetches one page for Discover, within the feed deadline and
// body cap.
func (f *Fetcher) discoverGet(ctx context.Context, u string) (body []byte, ctype string, final *url.URL, err error) {
	ctx, cancel := context.WithTimeout(ctx, f.opt.Timeout)
	defer cancel()
	client, err := f.client(Feed{URL: u})
	if err != nil {
		return nil, "", nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, "", nil, err
	}
	req.Header.Set("User-Agent", f.opt.UserAgent)
	resp, err := client.Do(req)
	if err != nil {
		var fe *Error
		if errors.As(err, &fe) {
			return nil, "", nil, fmt.Errorf("%s: %s: %s", u, fe.Class, fe.Detail)
		}
		return nil, "", nil, fmt.Errorf("%s: %w", u, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, "", nil, fmt.Errorf("%s: %s", u, resp.Status)
	}
	body, err = io.ReadAll(io.LimitReader(resp.Body, f.opt.MaxBodyBytes))
	if err != nil {
		return nil, "", nil, fmt.Errorf("%s: %w", u, err)
	}
	return body, resp.Header.Get("Content-Type"), resp.Request.URL, nil
}

func looksHTML(b []byte) bool {
	head := bytes.ToLower(b[:min(len(b), 512)])
	return bytes.Contains(head, []byte("<html")) || bytes.Contains(head, []byte("<!doctype html"))
}

// feedTypes are the <link type> values of feeds.
var feedTypes = map[string]bool{
	"application/rss+xml":   true,
	"application/atom+xml":  true,
	"application/feed+json": true,
	"application/json":      true,
	"application/rdf+xml":   true,
}

// alternates lists, in page order, the feeds an HTML page announces with
// <link rel="alternate" type="…feed type…" href>, resolved against the
// page's URL (or its <base href>).
func alternates(page []byte, base *url.URL) []string {
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		return nil
	}
	var links []string
	seen := map[string]bool{}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "base" {
			if b, err := base.Parse(attr(n, "href")); err == nil && attr(n, "href") != "" {
				base = b
			}
		}
		if n.Type == html.ElementNode && n.Data == "link" {
			rel := strings.Fields(strings.ToLower(attr(n, "rel")))
			typ := strings.ToLower(strings.TrimSpace(strings.Split(attr(n, "type"), ";")[0]))
			if slices.Contains(rel, "alternate") && feedTypes[typ] && attr(n, "href") != "" {
				if u, err := base.Parse(strings.TrimSpace(attr(n, "href"))); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
					if s := u.String(); !seen[s] {
						seen[s] = true
						links = append(links, s)
					}
				}
			}
		}
		for k := n.FirstChild; k != nil; k = k.NextSibling {
			walk(k)
		}
	}
	walk(doc)
	return links
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if strings.EqualFold(a.Key, key) {
			return a.Val
		}
	}
	return ""
}
