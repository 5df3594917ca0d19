package fetcher

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
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
	"runtime/pprof"
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
	// Phase timeouts within the deadline: connecting (default 10s),
	// the TLS handshake (10s) and waiting for response headers (15s);
	// each is at most Timeout.
	ConnectTimeout, TLSTimeout, HeaderTimeout time.Duration
	// AllowPrivateNetworks lets redirects and DNS answers reach
	// loopback, private and link-local addresses. Without it only the
	// exact host:port of a configured feed may.
	AllowPrivateNetworks bool
	// Budget, when positive, is how long Run may keep starting fetches:
	// a feed not started within it gets a Skipped result and is left
	// untouched in the store (so it is the most overdue next time).
	// Fetches in flight finish within their own deadline.
	Budget time.Duration
	// Force fetches feeds that are not due (Retry-After, back-off) or
	// gone.
	Force     bool
	UserAgent string
	Logger    *slog.Logger
	Now       func() time.Time
	// Dir is where relative file: URLs ("file:feeds/x.xml") are read.
	Dir string
	// Transport replaces the HTTP transport (tests); nil = a tuned one
	// per TLS setting, with the private-network guard.
	Transport http.RoundTripper
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

// Store is where a Fetcher keeps what it learns: the SQLite store, or the
// PostgreSQL one (store/pg) that several processes share.
type Store interface {
	Feed(ctx context.Context, url string) (f store.Feed, ok bool, err error)
	SaveFeed(ctx context.Context, url string, f store.Fetched, now time.Time) (store.Saved, error)
	// NotModifiedAt records a check that found nothing new, where the
	// feed was fetched and the permanent moves seen; the schedule is
	// reset.
	NotModifiedAt(ctx context.Context, url string, loc store.Location, now time.Time) error
	// FailedState records a failure with what it means for the schedule
	// (Retry-After, back-off, 410 Gone). Stored items are not touched.
	FailedState(ctx context.Context, url string, f store.Failure, now time.Time) error
	// Waited records that the feed was not fetched because it is not due
	// (or gone): nothing about it changes but that this pass is done
	// with it (several workers share a pass on PostgreSQL).
	Waited(ctx context.Context, url string, now time.Time) error
}

// Limits on what one feed may put in the database.
const (
	maxItems      = 1000    // per fetch; the newest are kept
	maxTitleBytes = 1024    // cut at a rune boundary
	maxGUIDBytes  = 512     // longer GUIDs are hashed
	maxHTMLBytes  = 1 << 20 // summary and content each
	maxFieldBytes = 4096    // authors, categories, links
)

// Fetcher fetches feeds into a store.
type Fetcher struct {
	st      Store
	opt     Options
	log     *slog.Logger
	allowed sync.Map // host:port of configured feeds

	mu      sync.Mutex
	hosts   map[string]chan struct{}
	clients map[tlsKey]*http.Client
}

// Feed is a feed to fetch.
type Feed struct {
	URL         string
	Title       string // the configured title, if any
	TLSInsecure bool   // skip certificate verification (tls_insecure)
	CAFile      string // extra trusted CA certificates, PEM (ca_file)
	// FromList names the OPML file the feed was listed in, when it was not
	// configured by the user: such a feed gets no private-address pass.
	FromList string
}

// Status is the outcome of one feed's fetch.
type Status int

const (
	Fetched     Status = iota // new document stored
	NotModified               // 304 or an unchanged body
	Failed
	Skipped // not started: the run's time budget was spent
	// Waiting: not fetched because the feed is not due (Retry-After,
	// back-off) or gone (410); no request made, nothing recorded.
	Waiting
)

func (s Status) String() string {
	return [...]string{"fetched", "not_modified", "failed", "skipped", "waiting"}[s]
}

// Result is one feed's outcome.
type Result struct {
	URL      string
	Status   Status
	Saved    store.Saved
	Err      *Error
	Skip     string // why a Skipped or Waiting feed was not fetched
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

// errBudget is the cause of the context that says the budget is spent.
var errBudget = errors.New("run budget spent")

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
	phase := func(d *time.Duration, def time.Duration) {
		if *d <= 0 {
			*d = def
		}
		*d = min(*d, opt.Timeout)
	}
	phase(&opt.ConnectTimeout, 10*time.Second)
	phase(&opt.TLSTimeout, 10*time.Second)
	phase(&opt.HeaderTimeout, 15*time.Second)
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
	return &Fetcher{st: st, opt: opt, log: opt.Logger, hosts: map[string]chan struct{}{}, clients: map[tlsKey]*http.Client{}}
}

// Run fetches feeds concurrently and returns one Result per feed, in the
// order given. A feed's failure is in its Result, never returned: only the
// caller's context ends the run early. Once the budget is spent no fetch
// starts; the rest are Skipped.
func (f *Fetcher) Run(ctx context.Context, feeds []Feed) []Result {
	for _, fd := range feeds {
		if fd.FromList == "" {
			f.allow(fd.URL)
		}
	}
	bctx := ctx
	if f.opt.Budget > 0 {
		var cancel context.CancelFunc
		bctx, cancel = context.WithTimeoutCause(ctx, f.opt.Budget, errBudget)
		defer cancel()
	}
	results := make([]Result, len(feeds))
	var g errgroup.Group
	g.SetLimit(f.opt.Concurrency)
	budgetSkip := func(i int) {
		results[i] = Result{URL: feeds[i].URL, Status: Skipped, Skip: "run budget spent before it started"}
	}
	done := func(r Result) {
		if f.opt.OnDone != nil {
			f.opt.OnDone(r)
		}
	}
	for i, fd := range feeds {
		if ctx.Err() != nil {
			results[i] = Result{URL: fd.URL, Status: Failed, Err: &Error{URL: fd.URL, Class: ClassCanceled, Detail: "run interrupted before this feed started"}}
			done(results[i])
			continue
		}
		if bctx.Err() != nil {
			budgetSkip(i)
			done(results[i])
			continue
		}
		g.Go(func() error {
			// Checked here too: g.Go may have waited for a slot.
			if ctx.Err() == nil && bctx.Err() != nil {
				budgetSkip(i)
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
	// A run is one pass: keep no idle connections (and their goroutines)
	// once it is over.
	f.mu.Lock()
	for _, c := range f.clients {
		c.CloseIdleConnections()
	}
	f.mu.Unlock()
	return results
}

// Fetch fetches one feed and stores what it got.
func (f *Fetcher) Fetch(ctx context.Context, fd Feed) (res Result) {
	start := time.Now()
	res = Result{URL: fd.URL}
	if fd.FromList == "" {
		f.allow(fd.URL)
	}
	// Profiles tell the phases apart by the goroutine's "phase" label.
	defer pprof.SetGoroutineLabels(ctx)
	phase(ctx, "store")
	var fail store.Failure
	defer func() {
		if p := recover(); p != nil {
			f.log.Debug("panic while fetching", "feed", fd.URL, "stack", string(debug.Stack()))
			res.Status, res.Err = Failed, &Error{URL: fd.URL, Class: ClassPanic, Detail: fmt.Sprint(p)}
		}
		res.Duration = time.Since(start)
		if res.Err == nil {
			return
		}
		res.Status = Failed
		res.Err.URL = fd.URL // the configured URL names the feed, whatever was dialled
		f.log.Warn(res.Err.Error(), "feed", fd.URL, "class", res.Err.Class, "err", res.Err.Detail,
			"duration", res.Duration.Round(time.Millisecond))
		if res.Err.Class == ClassCanceled {
			return // the run was interrupted: not the feed's doing
		}
		fail.Class, fail.Msg = res.Err.Class, res.Err.Error()
		// The failure is kept on the feed's row; its items are untouched.
		if err := f.failed(context.WithoutCancel(ctx), fd.URL, fail, f.opt.Now()); err != nil {
			f.log.Error("cannot record feed failure", "feed", fd.URL, "err", err)
		}
	}()
	t := time.Now()
	prev, known, err := f.st.Feed(ctx, fd.URL)
	res.Timing.Store += time.Since(t)
	if err != nil {
		res.Err = newError(fd.URL, ClassStore, err)
		return res
	}
	now := f.opt.Now()
	if !f.opt.Force {
		switch {
		case !prev.GoneAt.IsZero():
			res.Status, res.Skip = Waiting, "gone (HTTP 410) since "+prev.GoneAt.Format(time.RFC3339)
		case prev.NextFetchAt.After(now):
			res.Status, res.Skip = Waiting, "not due before "+prev.NextFetchAt.Format(time.RFC3339)
		}
		if res.Status == Waiting {
			f.log.Debug("feed skipped", "feed", fd.URL, "reason", res.Skip)
			if err := f.st.Waited(context.WithoutCancel(ctx), fd.URL, now); err != nil {
				// Not the feed's failure: recording one would wipe the
				// schedule it is waiting on.
				f.log.Error("cannot record a waiting feed", "feed", fd.URL, "err", err)
			}
			return res
		}
	}
	fctx, cancel := context.WithTimeout(ctx, f.opt.Timeout)
	defer cancel()

	target := fd.URL
	if prev.FetchURL != "" {
		target = prev.FetchURL
	}
	h := &hops{}
	t = time.Now()
	phase(ctx, "fetch")
	body, hdr, notModified, ferr := f.get(context.WithValue(fctx, hopsKey{}, h), fd, target, prev, &res.Timing)
	res.Timing.Fetch += time.Since(t) - res.Timing.Wait
	if ferr != nil {
		if ferr.Class == ClassBlocked && fd.FromList != "" {
			ferr.Detail += fmt.Sprintf("; the feed is listed in %s, not configured: add it under [[feeds]] to allow its address", fd.FromList)
		}
		res.Err = f.cut(ctx, fctx, ferr, &fail)
		if !fail.NotCounted && !fail.Gone && fail.Next.IsZero() {
			fail.Next = backoff(prev.Failures+1, now)
		}
		return res
	}
	now = f.opt.Now()
	phase(ctx, "store")
	loc := f.learn(ctx, fd.URL, prev.Location, h)
	if notModified {
		return f.notModified(ctx, fd.URL, loc, now, res)
	}
	t = time.Now()
	phase(ctx, "parse")
	sum := sha256.Sum256(body)
	bodyHash := hex.EncodeToString(sum[:16])
	if known && bodyHash == prev.BodyHash {
		res.Timing.Parse += time.Since(t)
		phase(ctx, "store")
		return f.notModified(ctx, fd.URL, loc, now, res)
	}
	fetched, perr := f.parse(fd.URL, body, hdr.Get("Content-Type"), now)
	res.Timing.Parse += time.Since(t)
	if perr != nil {
		res.Err = perr
		fail.Next = backoff(prev.Failures+1, now)
		return res
	}
	fetched.ETag, fetched.LastModified, fetched.BodyHash = hdr.Get("ETag"), hdr.Get("Last-Modified"), bodyHash
	fetched.Location = loc
	t = time.Now()
	phase(ctx, "store")
	saved, err := f.st.SaveFeed(context.WithoutCancel(ctx), fd.URL, *fetched, now)
	res.Timing.Store += time.Since(t)
	if errors.Is(err, store.ErrBadData) {
		// What the feed sent, not the database, failed: that feed's
		// error, counted and backed off like a parse error.
		res.Err = &Error{URL: fd.URL, Class: ClassBadData, Detail: trimDetail(err.Error()), Err: err}
		fail.Next = backoff(prev.Failures+1, now)
		return res
	}
	if err != nil {
		res.Err = newError(fd.URL, ClassStore, err)
		return res
	}
	res.Status, res.Saved = Fetched, saved
	if f.opt.OnSaved != nil {
		phase(ctx, "filter")
		f.opt.OnSaved(ctx, fd.URL, fetched, saved)
	}
	f.log.Debug("feed fetched", "feed", fd.URL, "new", len(saved.New), "updated", len(saved.Updated),
		"unchanged", saved.Unchanged, "duration", time.Since(start).Round(time.Millisecond))
	return res
}

// phase labels the calling goroutine (and those it starts) with the
// phase of the pass it is in, for CPU profiles: fetch (the request and
// the body), parse, store, and filter (Options.OnSaved, which evaluates
// topics). The bench adds up a profile's samples by this label.
func phase(ctx context.Context, name string) {
	pprof.SetGoroutineLabels(pprof.WithLabels(ctx, pprof.Labels("phase", name)))
}

// cut names errors that ended because a context did: the run was
// interrupted (canceled) or the feed's own deadline passed (timeout);
// and notes what rate limits and 410 mean for the schedule.
func (f *Fetcher) cut(ctx, fctx context.Context, e *Error, fail *store.Failure) *Error {
	switch {
	case ctx.Err() != nil:
		return &Error{URL: e.URL, Class: ClassCanceled, Detail: "run interrupted", Err: e}
	case fctx.Err() != nil && !verdictOnContent(e.Class):
		detail := fmt.Sprintf("no complete response within the %s deadline", f.opt.Timeout)
		if !strings.Contains(e.Detail, "context deadline exceeded") {
			detail += " (" + e.Detail + ")"
		}
		return &Error{URL: e.URL, Class: ClassTimeout, Detail: detail, Err: e}
	case e.Class == ClassRateLimited:
		fail.NotCounted, fail.Next = true, e.next
	case e.Class == ClassGone:
		fail.Gone = true
	}
	return e
}

// verdictOnContent reports whether class was decided from what the
// server sent (a body over the cap, a document that is not a feed), which
// stays the verdict even when the deadline passed meanwhile, as it may on
// a loaded machine while a gzip bomb inflates to the cap.
func verdictOnContent(class string) bool {
	switch class {
	case ClassTooLarge, ClassTooDeep, ClassNotAFeed, ClassParse, ClassCharset, ClassEmpty, ClassPanic:
		return true
	}
	return false
}

func (f *Fetcher) notModified(ctx context.Context, url string, loc store.Location, now time.Time, res Result) Result {
	t := time.Now()
	var err error
	err = f.st.NotModifiedAt(context.WithoutCancel(ctx), url, loc, now)
	res.Timing.Store += time.Since(t)
	if err != nil {
		res.Err = newError(url, ClassStore, err)
		return res
	}
	res.Status = NotModified
	f.log.Debug("feed not modified", "feed", url)
	return res
}

// failed records a failure with what it means for the feed's schedule.
func (f *Fetcher) failed(ctx context.Context, url string, fail store.Failure, now time.Time) error {
	return f.st.FailedState(ctx, url, fail, now)
}

// get reads the feed's body, from a file or over HTTP.
func (f *Fetcher) get(ctx context.Context, fd Feed, rawURL string, prev store.Feed, tm *Timing) (body []byte, hdr http.Header, notModified bool, ferr *Error) {
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
		return nil, nil, false, &Error{URL: rawURL, Class: ClassBadScheme, Detail: fmt.Sprintf("unsupported scheme %q (http and https only)", u.Scheme)}
	}
	client, err := f.client(fd)
	if err != nil {
		return nil, nil, false, newError(rawURL, ClassTLS, err)
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
	// Asked for here, so that the transport leaves the body to
	// decodeBody, which accepts what browsers and curl do (bytes after
	// the gzip member).
	req.Header.Set("Accept-Encoding", "gzip")
	// Both validators, stored independently (RFC 9110 §13.1.3: the
	// server prefers If-None-Match).
	if prev.ETag != "" {
		req.Header.Set("If-None-Match", prev.ETag)
	}
	if prev.LastModified != "" {
		req.Header.Set("If-Modified-Since", prev.LastModified)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, nil, false, classifyNet(rawURL, err)
	}
	defer resp.Body.Close()
	if e := f.status(rawURL, resp, prev); e != nil {
		return nil, nil, false, e
	}
	if resp.StatusCode == http.StatusNotModified {
		return nil, resp.Header, true, nil
	}
	if resp.ContentLength > f.opt.MaxBodyBytes {
		return nil, nil, false, &Error{URL: rawURL, Class: ClassTooLarge,
			Detail: fmt.Sprintf("Content-Length %d is over the %d-byte cap (not read)", resp.ContentLength, f.opt.MaxBodyBytes)}
	}
	r, decoded, e := decodeBody(rawURL, resp)
	if e != nil {
		return nil, nil, false, e
	}
	// The cap counts decompressed bytes.
	body, err = io.ReadAll(io.LimitReader(r, f.opt.MaxBodyBytes+1))
	if err != nil {
		if decoded && !isNetErr(err) {
			return nil, nil, false, &Error{URL: rawURL, Class: ClassParse, Detail: "cannot decompress the body: " + err.Error(), Err: err}
		}
		return nil, nil, false, classifyNet(rawURL, err)
	}
	if int64(len(body)) > f.opt.MaxBodyBytes {
		return nil, nil, false, &Error{URL: rawURL, Class: ClassTooLarge,
			Detail: fmt.Sprintf("body is over the %d-byte cap (after decompression)", f.opt.MaxBodyBytes)}
	}
	return body, resp.Header, false, nil
}

// status turns a response status that carries no feed into an error.
// 2xx codes other than 204 and 206 are accepted with their body (299
// included: a body that parses is a feed); 304 only for a feed that has
// been fetched before.
func (f *Fetcher) status(rawURL string, resp *http.Response, prev store.Feed) *Error {
	code := resp.StatusCode
	text := fmt.Sprintf("%d %s", code, http.StatusText(code))
	if http.StatusText(code) == "" {
		text = fmt.Sprintf("%d (not a known status code)", code)
	}
	switch {
	case code == http.StatusNotModified:
		if prev.SuccessAt.IsZero() {
			return &Error{URL: rawURL, Class: ClassHTTPStatus, Detail: text + " for a feed never fetched before"}
		}
		return nil
	case code == http.StatusNoContent || code == http.StatusPartialContent:
		return &Error{URL: rawURL, Class: ClassHTTPStatus, Detail: text}
	case code >= 200 && code <= 299:
		return nil
	case code == http.StatusGone:
		return &Error{URL: rawURL, Class: ClassGone, Detail: text + ": not fetched again (stored items are kept); run with -force to try again"}
	case code == http.StatusTooManyRequests || code == http.StatusServiceUnavailable && resp.Header.Get("Retry-After") != "":
		next, note := retryAfter(resp.Header.Get("Retry-After"), f.opt.Now())
		return &Error{URL: rawURL, Class: ClassRateLimited, Detail: fmt.Sprintf("%s: no request before %s%s", text, next.UTC().Format(time.RFC3339), note), next: next}
	case code >= 300 && code <= 399 && resp.Header.Get("Location") == "":
		return &Error{URL: rawURL, Class: ClassHTTPStatus, Detail: text + " without a Location header"}
	case code == http.StatusForbidden && strings.EqualFold(resp.Header.Get("Cf-Mitigated"), "challenge"):
		return &Error{URL: rawURL, Class: ClassHTTPStatus, Detail: text + ": blocked by a bot challenge"}
	}
	return &Error{URL: rawURL, Class: ClassHTTPStatus, Detail: text}
}

// decodeBody undoes the Content-Encoding: gzip (what the request asks
// for) and deflate, zlib-wrapped as RFC 9110 says or raw as some servers
// send it. Compressed bytes are never parsed as text: an unknown encoding
// fails. A transport that undid the encoding itself (Options.Transport)
// is trusted.
func decodeBody(rawURL string, resp *http.Response) (io.Reader, bool, *Error) {
	if resp.Uncompressed {
		return resp.Body, true, nil
	}
	fail := func(err error) (io.Reader, bool, *Error) {
		if isNetErr(err) {
			return nil, true, classifyNet(rawURL, err)
		}
		return nil, true, &Error{URL: rawURL, Class: ClassParse, Detail: "cannot decompress the body: " + err.Error(), Err: err}
	}
	enc := strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding")))
	switch enc {
	case "", "identity":
		return resp.Body, false, nil
	case "gzip", "x-gzip", "deflate":
	default:
		return nil, false, &Error{URL: rawURL, Class: ClassParse, Detail: fmt.Sprintf("unsupported Content-Encoding %q", trimDetail(enc))}
	}
	br := bufio.NewReader(resp.Body)
	if _, err := br.Peek(1); err == io.EOF {
		return br, false, nil // nothing to decode: reported as empty
	} else if err != nil {
		return nil, false, classifyNet(rawURL, err)
	}
	if enc == "deflate" {
		if h, err := br.Peek(2); err == nil && isZlibHeader(h[0], h[1]) {
			zr, err := zlib.NewReader(br)
			if err != nil {
				return fail(err)
			}
			return zr, true, nil
		}
		return flate.NewReader(br), true, nil
	}
	zr, err := gzip.NewReader(br)
	if err != nil {
		return fail(err)
	}
	zr.Multistream(false)
	return &gzipMembers{zr: zr, br: br}, true, nil
}

// isZlibHeader reports whether cmf and flg open a zlib stream (RFC 1950
// §2.2): method 8 (deflate), a window of at most 32 KiB, and a check
// that makes the two bytes a multiple of 31. Raw deflate seldom starts
// so (a non-final stored block whose next bits pass the check).
func isZlibHeader(cmf, flg byte) bool {
	return cmf&0x0F == 8 && cmf>>4 <= 7 && (uint16(cmf)<<8|uint16(flg))%31 == 0
}

// gzipMembers reads a gzip body member by member (RFC 1952 allows
// several) and ignores what follows the last one when it is not another
// member: padding or garbage that browsers and curl ignore too, and that
// a multistream reader fails on ("gzip: invalid header").
type gzipMembers struct {
	zr *gzip.Reader
	br *bufio.Reader // under zr, left just after each member
}

func (g *gzipMembers) Read(p []byte) (int, error) {
	if g.zr == nil {
		return 0, io.EOF
	}
	n, err := g.zr.Read(p)
	if err != io.EOF {
		return n, err
	}
	if next, perr := g.br.Peek(3); perr == nil && next[0] == 0x1f && next[1] == 0x8b && next[2] == 8 {
		if err := g.zr.Reset(g.br); err != nil {
			return n, err
		}
		g.zr.Multistream(false)
		return n, nil
	}
	g.zr = nil // the end, or bytes after the last member
	return n, io.EOF
}

// isNetErr tells transport failures from decoder failures while reading
// a compressed body.
func isNetErr(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)
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
	notes := []string{}
	for _, repair := range []func([]byte) ([]byte, string){skipLeadingJunk, stripDoctype} {
		var note string
		if utf, note = repair(utf); note != "" {
			notes = append(notes, note)
		}
	}
	if warn != "" {
		notes = append([]string{warn}, notes...)
	}
	utf, capped := capItems(utf, maxItems)
	doc, err := parseFeed(utf)
	if err != nil {
		var fe *Error
		if errors.As(err, &fe) {
			fe.URL = feedURL
			if fe.stack != nil {
				f.log.Debug("parser panic", "feed", feedURL, "stack", string(fe.stack))
			}
			if fe.link != "" {
				// Resolved, so that the message can be pasted into the config.
				if base, err := url.Parse(feedURL); err == nil {
					if abs := absLink(base, fe.link); abs != "" {
						fe.Detail = strings.Replace(fe.Detail, fe.link, abs, 1)
					}
				}
			}
			return nil, fe
		}
		return nil, newError(feedURL, ClassParse, err)
	}
	// Logged only for a feed that parsed: a failed feed gets one line.
	if len(notes) > 0 {
		f.log.Warn("feed repaired", "feed", feedURL, "detail", strings.Join(notes, "; "))
	}
	fetched, dropped := normalise(feedURL, doc, now)
	if dropped += capped; dropped > 0 {
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

// Parse turns a feed document into what a fetch stores: decoded, repaired,
// checked against the limits and normalised exactly as Fetch does, with
// nothing logged. For tools and tests that start from a document.
func Parse(feedURL string, body []byte, contentType string, now time.Time) (*store.Fetched, error) {
	f := &Fetcher{log: slog.New(slog.DiscardHandler)}
	fetched, err := f.parse(feedURL, body, contentType, now)
	if err != nil {
		return nil, err
	}
	return fetched, nil
}
