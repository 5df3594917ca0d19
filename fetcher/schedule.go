package fetcher

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/feedsift/feedsift/store"
)

// Politeness across runs: what the server said about when and where to
// come back.
const (
	defaultRetryAfter = time.Hour      // a 429 without a usable Retry-After
	maxRetryAfter     = 24 * time.Hour // a longer Retry-After is cut to this
	backoffBase       = 15 * time.Minute
	maxBackoff        = 24 * time.Hour
	movesToLearn      = 3 // identical permanent redirects before the new URL is used
	maxRedirects      = 10
)

// retryAfter reads a Retry-After header, seconds or HTTP date, and says
// when the next request may go. An absent or unparseable value gets the
// default; the wait is capped.
func retryAfter(v string, now time.Time) (time.Time, string) {
	v = strings.TrimSpace(v)
	wait, note := defaultRetryAfter, ""
	if s, err := strconv.ParseInt(v, 10, 64); err == nil && s >= 0 {
		wait = time.Duration(min(s, int64(maxRetryAfter/time.Second))) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		wait = max(t.Sub(now), 0)
	} else if v == "" {
		note = " (no Retry-After: waiting " + defaultRetryAfter.String() + ")"
	} else {
		note = fmt.Sprintf(" (unparseable Retry-After %q: waiting %s)", trimDetail(v), defaultRetryAfter)
	}
	wait = min(wait, maxRetryAfter)
	return now.Add(wait).Truncate(time.Second), note
}

// backoff is when a feed that has failed n times in a row may be tried
// again. The first failure is retried on the next run (a blip); after
// that the wait doubles from backoffBase up to a day, with ±20% jitter so
// that feeds which failed together do not come back together.
func backoff(n int, now time.Time) time.Time {
	if n < 2 {
		return time.Time{}
	}
	d := backoffBase << min(n-2, 10)
	d = min(d, maxBackoff)
	jitter := 0.8 + 0.4*rand.Float64()
	return now.Add(time.Duration(float64(d) * jitter)).Truncate(time.Second)
}

// hops records the redirects of one request.
type hops struct {
	codes []int
	final string
}

type hopsKey struct{}

// checkRedirect is the clients' redirect policy: at most maxRedirects,
// http and https only; each hop is recorded for learning moves.
func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= maxRedirects {
		return &Error{Class: ClassRedirect, Detail: fmt.Sprintf("stopped after %d redirects (last to %s)", len(via), req.URL.Redacted())}
	}
	if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
		return &Error{Class: ClassBadScheme, Detail: fmt.Sprintf("redirect to a %s: URL refused", req.URL.Scheme)}
	}
	if h, ok := req.Context().Value(hopsKey{}).(*hops); ok && req.Response != nil {
		h.codes = append(h.codes, req.Response.StatusCode)
		h.final = req.URL.String()
	}
	return nil
}

// permanent is where a chain made only of permanent redirects (301, 308)
// ended; "" if there was none or any hop was temporary.
func (h *hops) permanent() string {
	if len(h.codes) == 0 {
		return ""
	}
	for _, c := range h.codes {
		if c != http.StatusMovedPermanently && c != http.StatusPermanentRedirect {
			return ""
		}
	}
	return h.final
}

// learn updates a feed's location after a successful check: the same
// permanent target movesToLearn times in a row moves the feed; anything
// else starts the count again. Temporary redirects teach nothing.
func (f *Fetcher) learn(ctx context.Context, feedURL string, prev store.Location, h *hops) store.Location {
	loc := prev
	target := h.permanent()
	switch {
	case target == "":
		loc.MovedTo, loc.MovedCount = "", 0
	case target == loc.MovedTo:
		loc.MovedCount++
	default:
		loc.MovedTo, loc.MovedCount = target, 1
	}
	if target != "" && loc.MovedCount >= movesToLearn && loc.FetchURL != target {
		loc.FetchURL = target
		f.log.InfoContext(ctx, "feed moved permanently: fetching the new URL from now on (update the config)",
			"feed", feedURL, "new_url", target, "redirects_seen", loc.MovedCount)
	}
	return loc
}
