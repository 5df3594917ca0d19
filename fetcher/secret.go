package fetcher

import (
	"net/url"
	"regexp"
	"strings"
)

// A feed URL may carry a secret: a user name and password
// (https://user:pass@host/feed) or a credential in its query
// (?token=…, ?api_key=…). Such a URL is fetched as written but is never
// published, and is shown redacted wherever feedsift prints or logs it.

// redacted replaces a secret in a redacted URL.
const redacted = "xxxxx"

// secretParam reports whether a query parameter's name looks like a
// credential's.
func secretParam(name string) bool {
	n := strings.ToLower(name)
	switch n {
	case "key", "sig", "pass", "pwd", "code", "jwt", "sid", "hash", "nonce":
		return true
	}
	for _, part := range []string{"token", "secret", "passw", "apikey", "api_key", "api-key", "auth", "signature", "session", "credential", "private", "access_key", "accesskey"} {
		if strings.Contains(n, part) {
			return true
		}
	}
	return false
}

// HasSecret reports whether a URL carries a user name, a password or a
// credential-looking query parameter.
func HasSecret(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return strings.Contains(raw, "@") // unparseable: assume the worst
	}
	if u.User != nil {
		return true
	}
	for name := range u.Query() {
		if secretParam(name) {
			return true
		}
	}
	return false
}

// RedactURL is raw with its user information and the values of its
// credential-looking query parameters replaced by xxxxx; a URL without
// secrets comes back unchanged.
func RedactURL(raw string) string {
	if !HasSecret(raw) {
		return raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return redacted
	}
	if u.User != nil {
		u.User = url.User(redacted)
	}
	if u.RawQuery != "" {
		parts := strings.Split(u.RawQuery, "&")
		for i, p := range parts {
			name, _, hasValue := strings.Cut(p, "=")
			if dec, err := url.QueryUnescape(name); err == nil {
				name = dec
			}
			if hasValue && secretParam(name) {
				parts[i] = p[:strings.Index(p, "=")+1] + redacted
			}
		}
		u.RawQuery = strings.Join(parts, "&")
	}
	return u.String()
}

// urlInText finds URLs in free text: an error message, a log line.
var urlInText = regexp.MustCompile(`[a-zA-Z][a-zA-Z0-9+.-]*://[^\s"'<>]+`)

// RedactText is s with every URL in it redacted as RedactURL does.
func RedactText(s string) string {
	if !strings.Contains(s, "://") {
		return s
	}
	return urlInText.ReplaceAllStringFunc(s, func(u string) string {
		// Punctuation after a URL in prose is the prose's.
		trimmed := strings.TrimRight(u, ").,;:")
		return RedactURL(trimmed) + u[len(trimmed):]
	})
}
