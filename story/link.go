package story

import (
	"net/url"
	"sort"
	"strings"
)

// trackingParams are query parameters that say how a reader arrived, not
// which page they asked for. Keys are lower case; prefixes end in "*".
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "dclid": true, "gclsrc": true, "msclkid": true,
	"yclid": true, "igshid": true, "mc_cid": true, "mc_eid": true, "mkt_tok": true,
	"_ga": true, "_gl": true, "_hsenc": true, "_hsmi": true, "ref": true, "ref_src": true,
	"ref_url": true, "referrer": true, "cmpid": true, "cmp": true, "smid": true, "smtyp": true,
	"ocid": true, "partner": true, "emc": true, "ito": true, "taid": true, "s_cid": true,
	"sr_share": true, "src": true, "source": true, "feed": true, "rss": true, "amp": true,
	"outputtype": true, "__twitter_impression": true, "at_medium": true, "at_campaign": true,
	"at_custom1": true, "at_custom2": true, "at_custom3": true, "at_custom4": true,
	"wt.mc_id": true, "wt_mc_id": true, "ns_mchannel": true, "ns_source": true,
	"ns_campaign": true, "ns_linkname": true, "ns_fee": true, "guccounter": true,
	"guce_referrer": true, "guce_referrer_sig": true, "fromrss": true, "dicbo": true,
}

var trackingPrefixes = []string{"utm_", "pk_", "mtm_", "itm_", "at_", "hmb_", "vero_"}

func isTracking(key string) bool {
	k := strings.ToLower(key)
	if trackingParams[k] {
		return true
	}
	for _, p := range trackingPrefixes {
		if strings.HasPrefix(k, p) {
			return true
		}
	}
	return false
}

// redirectors are hosts that wrap the real link in a query parameter.
// Opaque shorteners (t.co, bit.ly) would need a request to resolve and are
// left as they are.
var redirectors = map[string][]string{
	"news.google.com":      {"url"},
	"google.com":           {"url", "q"},
	"l.facebook.com":       {"u"},
	"lm.facebook.com":      {"u"},
	"facebook.com":         {"u"},
	"bing.com":             {"url"},
	"duckduckgo.com":       {"uddg"},
	"out.reddit.com":       {"url"},
	"l.messenger.com":      {"u"},
	"href.li":              nil, // href.li/?https://…: the whole query
	"slack-redir.net":      {"url"},
	"t.umblr.com":          {"z"},
	"away.vk.com":          {"to"},
	"vk.com":               {"to"},
	"steamcommunity.com":   {"url"},
	"link.zhihu.com":       {"target"},
	"exit.sc":              {"url"},
	"linkedin.com":         {"url"},
	"news.yahoo.com":       {"url"},
	"feeds.feedburner.com": {"url"},
}

// Canonical returns the form of link that two copies of the same page
// share: no scheme, host in lower case without "www.", "m." or "amp."
// prefixes and without default ports, no fragment, no tracking
// parameters (the others sorted), no AMP variant, no trailing slash, and
// with redirect wrappers that carry their target in the URL unwrapped.
// It returns "" for links that are not http(s) or name only a site's home
// page: they cannot identify a story.
func Canonical(link string) string {
	u, ok := parseHTTP(link)
	if !ok {
		return ""
	}
	for range 3 { // a wrapper may wrap a wrapper
		t, ok := unwrap(u)
		if !ok {
			break
		}
		u = t
	}
	host := strings.ToLower(u.Hostname())
	host = strings.TrimSuffix(host, ".")
	// The AMP cache: www-example-com.cdn.ampproject.org/c/s/www.example.com/path
	if strings.HasSuffix(host, ".cdn.ampproject.org") || host == "cdn.ampproject.org" {
		p := strings.TrimPrefix(u.EscapedPath(), "/")
		for _, pre := range []string{"c/s/", "v/s/", "i/s/", "c/", "v/", "i/"} {
			if rest, ok := strings.CutPrefix(p, pre); ok {
				scheme := "http://"
				if strings.HasSuffix(pre, "s/") {
					scheme = "https://"
				}
				if t, ok := parseHTTP(scheme + rest); ok {
					t.RawQuery = u.RawQuery
					return Canonical(t.String())
				}
			}
		}
	}
	for _, pre := range []string{"www.", "m.", "mobile.", "amp."} {
		if h, ok := strings.CutPrefix(host, pre); ok && strings.Contains(h, ".") {
			host = h
			break
		}
	}
	p := u.EscapedPath()
	p = strings.ReplaceAll(p, "//", "/")
	// AMP paths: /amp/…, …/amp, ….amp, ….amp.html
	segs := strings.Split(strings.Trim(p, "/"), "/")
	kept := segs[:0]
	for _, s := range segs {
		if strings.EqualFold(s, "amp") {
			continue
		}
		kept = append(kept, s)
	}
	if n := len(kept); n > 0 {
		last := kept[n-1]
		for _, suf := range []string{".amp.html", ".amp"} {
			if b, ok := strings.CutSuffix(strings.ToLower(last), suf); ok && b != "" {
				kept[n-1] = last[:len(b)]
				if suf == ".amp.html" {
					kept[n-1] += ".html"
				}
			}
		}
		for _, idx := range []string{"index.html", "index.htm", "index.php"} {
			if strings.EqualFold(kept[n-1], idx) {
				kept = kept[:n-1]
				break
			}
		}
	}
	p = strings.Join(kept, "/")
	if p != "" {
		p = "/" + p
	}
	if p == "" && host == "news.google.com" {
		return ""
	}
	if q := cleanQuery(u.RawQuery); q != "" {
		p += "?" + q
	}
	if p == "" {
		return "" // a home page is not a story
	}
	if port := u.Port(); port != "" && port != "80" && port != "443" {
		host += ":" + port
	}
	return host + p
}

func parseHTTP(s string) (*url.URL, bool) {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || u.Host == "" {
		return nil, false
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		return u, true
	}
	return nil, false
}

// unwrap returns the target of a redirect wrapper.
func unwrap(u *url.URL) (*url.URL, bool) {
	host := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	params, known := redirectors[host]
	if !known {
		return nil, false
	}
	if params == nil {
		if t, err := url.QueryUnescape(u.RawQuery); err == nil {
			return parseHTTP(t)
		}
		return nil, false
	}
	// Google's /url and /amp/s/ forms.
	if host == "google.com" {
		if rest, ok := strings.CutPrefix(u.EscapedPath(), "/amp/s/"); ok {
			return parseHTTP("https://" + rest)
		}
		if u.Path != "/url" {
			return nil, false
		}
	}
	q := u.Query()
	for _, p := range params {
		if t, ok := parseHTTP(q.Get(p)); ok {
			return t, true
		}
	}
	return nil, false
}

// cleanQuery drops tracking parameters and sorts the rest, so that two
// orders of the same parameters compare equal.
func cleanQuery(raw string) string {
	if raw == "" {
		return ""
	}
	var kept []string
	for _, kv := range strings.Split(raw, "&") {
		if kv == "" {
			continue
		}
		k, _, _ := strings.Cut(kv, "=")
		if uk, err := url.QueryUnescape(k); err == nil {
			k = uk
		}
		if isTracking(k) {
			continue
		}
		kept = append(kept, kv)
	}
	sort.Strings(kept)
	return strings.Join(kept, "&")
}
