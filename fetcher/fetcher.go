package fetcher

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/feedsift/feedsift/store"
	"golang.org/x/sync/errgroup"
)

// DefaultUserAgent names feedsift and where to read about it, so that
// feed owners know who is polling them.
const DefaultUserAgent = "feedsift/0.1 (+https://github.com/feedsift/feedsift)"

// Options configure a Fetcher. Zero values mean the documented defaults.
type Options struct {
	Concurrency  int           // feeds fetched at once; default 16
	PerHost      int           // feeds fetched at once from one host; default 2
	Timeout      time.Duration // whole-feed deadline; default 30s
	MaxBodyBytes int64         // cap on the decompressed body; default 16 MiB
	UserAgent    string
	Logger       *slog.Logger
	Now          func() time.Time
	// Dir is where relative file: URLs ("file:feeds/x.xml") are read.
	Dir string
	// Transport replaces the HTTP transport (tests); nil = a tuned one.
	Transport http.RoundTripper
	// Budget, when positive, is how long Run may keep starting fetches:
	// a feed not started within it gets a Skipped result and is left
	// untouched in the store (so it is the most overdue next time).
	Budget time.Duration
	// OnStart and OnDone, when set, are called as each feed's fetch
	// starts and ends (progress display); from several goroutines.
	OnStart func(url string)
	OnDone  func(Result)
	// OnSaved, when set, is called from the feed's goroutine after a new
	// document is stored: doc.Items that were inserted or changed have
	// their ID set, so the caller can filter them while they are in
	// memory instead of reading them back.
	OnSaved func(ctx context.Context, feedURL string, doc *store.Fetched, saved store.Saved)
}

// Limits on what one feed may put in the database.
const (
	maxItems      = 1000    // per fetch; the newest are kept
	maxTitleBytes = 1024    // cut at a rune boundary
	maxGUIDBytes  = 512     // longer GUIDs are hashed
	maxHTMLBytes  = 1 << 20 // summary and content each
	maxFieldBytes = 4096    // authors, categories, links
)

// Store is where a Fetcher keeps what it learns: the SQLite store, or the
// PostgreSQL one (store/pg) that several processes share.
type Store interface {
	Feed(ctx context.Context, url string) (f store.Feed, ok bool, err error)
	SaveFeed(ctx context.Context, url string, f store.Fetched, now time.Time) (store.Saved, error)
	NotModified(ctx context.Context, url string, now time.Time) error
	Failed(ctx context.Context, url, class, msg string, now time.Time) error
}

// Fetcher fetches feeds into a store.
type Fetcher struct {
	st     Store
	opt    Options
	client *http.Client
	log    *slog.Logger

	mu    sync.Mutex
	hosts map[string]chan struct{}
}

// Feed is a feed to fetch.
type Feed struct {
	URL   string
	Title string // the configured title, if any
}

// Status is the outcome of one feed's fetch.
type Status int

const (
	Fetched     Status = iota // new document stored
	NotModified               // 304 or an unchanged body
	Failed
	Skipped // not started: the run's time budget was spent
)

func (s Status) String() string {
	return [...]string{"fetched", "not_modified", "failed", "skipped"}[s]
}

// Result is one feed's outcome.
type Result struct {
	URL      string
	Status   Status
	Saved    store.Saved
	Err      *Error
	Duration time.Duration
	Timing   Timing
}

// Timing is where one feed's Duration went (the phases of a pass).
type Timing struct {
	Wait  time.Duration // for a slot on the feed's host
	Fetch time.Duration // request to last body byte
	Parse time.Duration // hash, charset, parser, normalising
	Store time.Duration // database reads and writes, with waits for the writer
}

// New returns a Fetcher that stores into st.
func New(st Store, opt Options) *Fetcher {
	if opt.Concurrency <= 0 {
		opt.Concurrency = 16
	}
	if opt.PerHost <= 0 {
		opt.PerHost = 2
	}
	if opt.Timeout <= 0 {
		opt.Timeout = 30 * time.Second
	}
	if opt.MaxBodyBytes <= 0 {
		opt.MaxBodyBytes = 16 << 20
	}
	if opt.UserAgent == "" {
		opt.UserAgent = DefaultUserAgent
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	tr := opt.Transport
	if tr == nil {
		tr = &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			TLSHandshakeTimeout:   10 * time.Second,
			ResponseHeaderTimeout: 15 * time.Second,
			MaxIdleConnsPerHost:   opt.PerHost,
			IdleConnTimeout:       30 * time.Second,
			ForceAttemptHTTP2:     true,
		}
	}
	f := &Fetcher{st: st, opt: opt, log: opt.Logger, hosts: map[string]chan struct{}{}}
	f.client = &http.Client{
		Transport: tr,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 10 {
				return &Error{URL: via[0].URL.String(), Class: ClassRedirect, Detail: fmt.Sprintf("stopped after %d redirects", len(via))}
			}
			if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
				return &Error{URL: via[0].URL.String(), Class: ClassBadScheme, Detail: fmt.Sprintf("redirect to %s: URL", req.URL.Scheme)}
			}
			return nil
		},
	}
	return f
}

// Run fetches feeds concurrently and returns one Result per feed, in the
// order given. A feed's failure is in its Result, never returned: only the
// caller's context ends the run early.
func (f *Fetcher) Run(ctx context.Context, feeds []Feed) []Result {
	results := make([]Result, len(feeds))
	start := time.Now()
	overBudget := func() bool { return f.opt.Budget > 0 && time.Since(start) >= f.opt.Budget }
	done := func(r Result) {
		if f.opt.OnDone != nil {
			f.opt.OnDone(r)
		}
	}
	var g errgroup.Group
	g.SetLimit(f.opt.Concurrency)
	for i, fd := range feeds {
		if ctx.Err() != nil {
			results[i] = Result{URL: fd.URL, Status: Failed, Err: &Error{URL: fd.URL, Class: ClassCanceled, Detail: "run interrupted before this feed started"}}
			done(results[i])
			continue
		}
		g.Go(func() error {
			// Checked here, not in the loop: g.Go may wait for a slot.
			if overBudget() {
				results[i] = Result{URL: fd.URL, Status: Skipped}
			} else {
				if f.opt.OnStart != nil {
					f.opt.OnStart(fd.URL)
				}
				results[i] = f.Fetch(ctx, fd)
			}
			done(results[i])
			return nil
		})
	}
	g.Wait()
	return results
}

// Fetch fetches one feed and stores what it got.
func (f *Fetcher) Fetch(ctx context.Context, fd Feed) (res Result) {
	start := time.Now()
	res = Result{URL: fd.URL}
	defer func() {
		if p := recover(); p != nil {
			f.log.Debug("panic while fetching", "feed", fd.URL, "stack", string(debug.Stack()))
			res.Status, res.Err = Failed, &Error{URL: fd.URL, Class: ClassPanic, Detail: fmt.Sprint(p)}
		}
		res.Duration = time.Since(start)
		if res.Err != nil {
			res.Status = Failed
			f.log.Warn(res.Err.Error(), "feed", fd.URL, "class", res.Err.Class, "err", res.Err.Detail)
			if res.Err.Class != ClassCanceled {
				// The failure is kept on the feed's row; its items are untouched.
				if err := f.st.Failed(context.WithoutCancel(ctx), fd.URL, res.Err.Class, res.Err.Error(), f.opt.Now()); err != nil {
					f.log.Error("cannot record feed failure", "feed", fd.URL, "err", err)
				}
			}
		}
	}()
	t := time.Now()
	prev, known, err := f.st.Feed(ctx, fd.URL)
	res.Timing.Store += time.Since(t)
	if err != nil {
		res.Err = newError(fd.URL, ClassStore, err)
		return res
	}
	ctx, cancel := context.WithTimeout(ctx, f.opt.Timeout)
	defer cancel()

	t = time.Now()
	body, hdr, notModified, ferr := f.get(ctx, fd.URL, prev, known, &res.Timing)
	res.Timing.Fetch += time.Since(t) - res.Timing.Wait
	if ferr != nil {
		res.Err = ferr
		return res
	}
	now := f.opt.Now()
	if notModified {
		return f.notModified(ctx, fd.URL, now, res)
	}
	t = time.Now()
	sum := sha256.Sum256(body)
	bodyHash := hex.EncodeToString(sum[:16])
	if known && bodyHash == prev.BodyHash {
		res.Timing.Parse += time.Since(t)
		return f.notModified(ctx, fd.URL, now, res)
	}
	fetched, perr := f.parse(fd.URL, body, hdr.Get("Content-Type"), now)
	res.Timing.Parse += time.Since(t)
	if perr != nil {
		res.Err = perr
		return res
	}
	fetched.ETag, fetched.LastModified, fetched.BodyHash = hdr.Get("ETag"), hdr.Get("Last-Modified"), bodyHash
	t = time.Now()
	saved, err := f.st.SaveFeed(context.WithoutCancel(ctx), fd.URL, *fetched, now)
	res.Timing.Store += time.Since(t)
	if err != nil {
		res.Err = newError(fd.URL, ClassStore, err)
		return res
	}
	res.Status, res.Saved = Fetched, saved
	if f.opt.OnSaved != nil {
		f.opt.OnSaved(ctx, fd.URL, fetched, saved)
	}
	f.log.Debug("feed fetched", "feed", fd.URL, "new", len(saved.New), "updated", len(saved.Updated),
		"unchanged", saved.Unchanged, "duration", time.Since(start).Round(time.Millisecond))
	return res
}

func (f *Fetcher) notModified(ctx context.Context, url string, now time.Time, res Result) Result {
	t := time.Now()
	err := f.st.NotModified(context.WithoutCancel(ctx), url, now)
	res.Timing.Store += time.Since(t)
	if err != nil {
		res.Err = newError(url, ClassStore, err)
		return res
	}
	res.Status = NotModified
	f.log.Debug("feed not modified", "feed", url)
	return res
}

// get reads the feed's body, from a file or over HTTP.
func (f *Fetcher) get(ctx context.Context, rawURL string, prev store.Feed, known bool, tm *Timing) (body []byte, hdr http.Header, notModified bool, ferr *Error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, nil, false, newError(rawURL, ClassBadScheme, err)
	}
	switch u.Scheme {
	case "file":
		p := filepath.FromSlash(u.Path)
		if u.Opaque != "" {
			p = filepath.Join(f.opt.Dir, filepath.FromSlash(u.Opaque))
		}
		b, ferr := f.readFile(rawURL, p)
		return b, http.Header{}, false, ferr
	case "http", "https":
	default:
		return nil, nil, false, &Error{URL: rawURL, Class: ClassBadScheme, Detail: fmt.Sprintf("unsupported scheme %q", u.Scheme)}
	}

	t := time.Now()
	release, err := f.acquireHost(ctx, u.Host)
	tm.Wait += time.Since(t)
	if err != nil {
		return nil, nil, false, classifyNet(rawURL, err)
	}
	defer release()

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, nil, false, newError(rawURL, ClassBadScheme, err)
	}
	req.Header.Set("User-Agent", f.opt.UserAgent)
	req.Header.Set("Accept", "application/atom+xml, application/rss+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8")
	if known {
		// Both validators, stored independently (RFC 9110 §13.1.3: the
		// server prefers If-None-Match).
		if prev.ETag != "" {
			req.Header.Set("If-None-Match", prev.ETag)
		}
		if prev.LastModified != "" {
			req.Header.Set("If-Modified-Since", prev.LastModified)
		}
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, nil, false, classifyNet(rawURL, err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotModified:
		if !known {
			return nil, nil, false, &Error{URL: rawURL, Class: ClassHTTPStatus, Detail: "304 Not Modified for a request without validators"}
		}
		return nil, resp.Header, true, nil
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		return nil, nil, false, &Error{URL: rawURL, Class: ClassHTTPStatus, Detail: fmt.Sprintf("%d %s", resp.StatusCode, http.StatusText(resp.StatusCode))}
	}
	if resp.ContentLength > f.opt.MaxBodyBytes {
		return nil, nil, false, &Error{URL: rawURL, Class: ClassTooLarge,
			Detail: fmt.Sprintf("Content-Length %d is over the %d-byte cap", resp.ContentLength, f.opt.MaxBodyBytes)}
	}
	// The transport has already undone gzip, so the cap counts
	// decompressed bytes.
	body, err = io.ReadAll(io.LimitReader(resp.Body, f.opt.MaxBodyBytes+1))
	if err != nil {
		return nil, nil, false, classifyNet(rawURL, err)
	}
	if int64(len(body)) > f.opt.MaxBodyBytes {
		return nil, nil, false, &Error{URL: rawURL, Class: ClassTooLarge,
			Detail: fmt.Sprintf("body is over the %d-byte cap", f.opt.MaxBodyBytes)}
	}
	return body, resp.Header, false, nil
}

func (f *Fetcher) readFile(rawURL, path string) ([]byte, *Error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, newError(rawURL, ClassFile, err)
	}
	defer fh.Close()
	b, err := io.ReadAll(io.LimitReader(fh, f.opt.MaxBodyBytes+1))
	if err != nil {
		return nil, newError(rawURL, ClassFile, err)
	}
	if int64(len(b)) > f.opt.MaxBodyBytes {
		return nil, &Error{URL: rawURL, Class: ClassTooLarge, Detail: fmt.Sprintf("file is over the %d-byte cap", f.opt.MaxBodyBytes)}
	}
	return b, nil
}

// acquireHost waits for one of the host's PerHost slots.
func (f *Fetcher) acquireHost(ctx context.Context, host string) (release func(), err error) {
	f.mu.Lock()
	sem, ok := f.hosts[host]
	if !ok {
		sem = make(chan struct{}, f.opt.PerHost)
		f.hosts[host] = sem
	}
	f.mu.Unlock()
	select {
	case sem <- struct{}{}:
		return func() { <-sem }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// parse decodes body and turns it into items ready to store.
func (f *Fetcher) parse(feedURL string, body []byte, contentType string, now time.Time) (*store.Fetched, *Error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, &Error{URL: feedURL, Class: ClassEmpty, Detail: "empty body"}
	}
	utf, warn, err := toUTF8(body, contentType)
	if err != nil {
		return nil, newError(feedURL, ClassCharset, err)
	}
	if warn != "" {
		f.log.Warn("feed repaired", "feed", feedURL, "detail", warn)
	}
	doc, err := parseFeed(utf)
	if err != nil {
		var fe *Error
		if errors.As(err, &fe) {
			fe.URL = feedURL
			return nil, fe
		}
		return nil, newError(feedURL, ClassParse, err)
	}
	fetched, dropped := normalise(feedURL, doc, now)
	if dropped > 0 {
		f.log.Warn("feed capped", "feed", feedURL, "items_dropped", dropped, "max_items", maxItems)
	}
	return fetched, nil
}

func trimDetail(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
