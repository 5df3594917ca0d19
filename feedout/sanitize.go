package feedout

import (
	"net/url"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// policy is the allow-list applied to every piece of HTML feedout
// publishes. It starts from bluemonday's UGC policy (no script, style,
// iframe, object, embed or form; no event handlers; only http, https and
// mailto URLs, so no javascript:, data: or vbscript:) and drops
// rel="nofollow", which feed readers ignore. A *bluemonday.Policy is safe
// for concurrent use once built.
var policy = func() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.RequireNoFollowOnLinks(false)
	p.AllowURLSchemes("http", "https", "mailto")
	return p
}()

// SanitizeHTML returns s reduced to an allow-list of harmless HTML with
// balanced tags. Relative URLs are kept; use SanitizeHTMLBase to resolve
// them.
func SanitizeHTML(s string) string {
	return SanitizeHTMLBase(s, "")
}

// SanitizeHTMLBase is SanitizeHTML after AbsURLs(s, base): relative links
// and image sources are resolved against base (the entry's link) first, so
// a feed reader showing the HTML out of context still finds them.
func SanitizeHTMLBase(s, base string) string {
	s = cleanText(s)
	if strings.TrimSpace(s) == "" {
		return ""
	}
	// Parse and re-render before sanitising: the sanitiser then sees one
	// canonical, balanced tree, and nothing is rewritten after it has run.
	s = rewriteHTML(s, base)
	return strings.TrimSpace(cleanText(policy.Sanitize(s)))
}

// AbsURLs resolves the relative URLs in the HTML fragment s (href, src,
// srcset, cite, poster, action) against base. When base is not an absolute
// http or https URL, s is returned re-rendered but otherwise unchanged. The
// result is not sanitised.
func AbsURLs(s, base string) string {
	return rewriteHTML(cleanText(s), base)
}

// rewriteHTML parses s as a fragment of a <div>, resolves URL attributes
// against base when it is an absolute http(s) URL, and renders it again.
func rewriteHTML(s, base string) string {
	var b *url.URL
	if u, ok := httpURL(base); ok {
		b = u
	}
	ctx := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	nodes, err := html.ParseFragment(strings.NewReader(s), ctx)
	if err != nil {
		// ParseFragment fails only on reader errors; a strings.Reader has
		// none. Escape rather than pass anything through unparsed.
		return html.EscapeString(s)
	}
	var sb strings.Builder
	for _, n := range nodes {
		if b != nil {
			resolveTree(n, b)
		}
		if err := html.Render(&sb, n); err != nil {
			return html.EscapeString(s)
		}
	}
	return sb.String()
}

// urlAttrs are the attributes holding one URL.
var urlAttrs = map[string]bool{
	"href": true, "src": true, "cite": true, "poster": true, "action": true,
	"longdesc": true, "usemap": true,
}

func resolveTree(n *html.Node, base *url.URL) {
	if n.Type == html.ElementNode && n.Namespace == "" {
		for i, a := range n.Attr {
			if a.Namespace != "" {
				continue
			}
			switch {
			case urlAttrs[a.Key]:
				n.Attr[i].Val = resolveRef(a.Val, base)
			case a.Key == "srcset":
				n.Attr[i].Val = resolveSrcset(a.Val, base)
			}
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		resolveTree(c, base)
	}
}

// resolveRef resolves a relative reference; absolute and unparseable ones
// are returned unchanged for the sanitiser to judge.
func resolveRef(ref string, base *url.URL) string {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return ref
	}
	u, err := url.Parse(ref)
	if err != nil || u.Scheme != "" {
		return ref
	}
	return base.ResolveReference(u).String()
}

// resolveSrcset resolves each candidate of a srcset ("url 2x, url 640w").
func resolveSrcset(v string, base *url.URL) string {
	parts := strings.Split(v, ",")
	for i, p := range parts {
		f := strings.Fields(p)
		if len(f) == 0 {
			continue
		}
		f[0] = resolveRef(f[0], base)
		parts[i] = strings.Join(f, " ")
	}
	return strings.Join(parts, ", ")
}

// httpURL reports whether s is an absolute http or https URL with a host.
func httpURL(s string) (*url.URL, bool) {
	if s == "" {
		return nil, false
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, false
	}
	return u, true
}

// PlainText is the text of an HTML fragment, whitespace collapsed: what
// the index page and JSON Feed's summary show of it.
func PlainText(s string) string { return htmlText(s) }

// htmlText returns the text of an HTML fragment with whitespace collapsed,
// for fields that are plain text (JSON Feed's summary, the index page).
func htmlText(s string) string {
	ctx := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	nodes, err := html.ParseFragment(strings.NewReader(s), ctx)
	if err != nil {
		return ""
	}
	var sb strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			sb.WriteString(n.Data)
		case html.ElementNode:
			switch n.DataAtom {
			case atom.Script, atom.Style, atom.Template:
				return
			case atom.Br, atom.P, atom.Div, atom.Li, atom.Tr, atom.H1, atom.H2,
				atom.H3, atom.H4, atom.H5, atom.H6, atom.Blockquote, atom.Pre:
				sb.WriteByte(' ')
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	return strings.Join(strings.Fields(sb.String()), " ")
}
