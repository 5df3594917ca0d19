package fetcher

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"syscall"
	"time"
)

// Error classes: the <class> of "feed <url>: <class>: <detail>".
const (
	ClassTimeout    = "timeout"
	ClassNetwork    = "network"
	ClassReset      = "reset"
	ClassTLS        = "tls"
	ClassHTTPStatus = "http_status"
	ClassRedirect   = "redirect_loop"
	ClassBadScheme  = "bad_scheme"
	ClassTooLarge   = "too_large"
	ClassEmpty      = "empty"
	ClassNotAFeed   = "not_a_feed"
	ClassParse      = "parse"
	ClassCharset    = "charset"
	ClassPanic      = "panic"
	ClassFile       = "file"
	ClassStore      = "store"
	ClassCanceled   = "canceled"
	// ClassGone: HTTP 410; the feed is not fetched again.
	ClassGone = "gone"
	// ClassRateLimited: 429, or 503 with Retry-After; no request
	// before the time the server gave. Not counted as a failure.
	ClassRateLimited = "rate_limited"
	// ClassTooDeep: XML elements nested deeper than the parser is
	// given (256); refused before parsing, as its memory grows with
	// the depth.
	ClassTooDeep = "too_deep"
	// ClassBadData: the database refused what the feed delivered
	// (store.ErrBadData); the feed's error, not the database's.
	ClassBadData = "bad_data"
)

// Error is one feed's failure.
type Error struct {
	URL    string
	Class  string
	Detail string
	Err    error // the underlying error, if any

	next  time.Time // rate_limited: no request before it
	link  string    // not_a_feed: the feed an HTML page links to, as written
	stack []byte    // panic: where, for the debug log
}

func (e *Error) Error() string { return fmt.Sprintf("feed %s: %s: %s", e.URL, e.Class, e.Detail) }

func (e *Error) Unwrap() error { return e.Err }

func newError(url, class string, err error) *Error {
	return &Error{URL: url, Class: class, Detail: err.Error(), Err: err}
}

// classifyNet names the class of a transport error.
func classifyNet(url string, err error) *Error {
	var fe *Error
	if errors.As(err, &fe) {
		return fe
	}
	var (
		cert  *tls.CertificateVerificationError
		unk   x509.UnknownAuthorityError
		host  x509.HostnameError
		inval x509.CertificateInvalidError
		rec   tls.RecordHeaderError
		ne    net.Error
	)
	detail := strings.TrimPrefix(unwrapURL(err).Error(), "net/http: ")
	switch {
	case errors.Is(err, context.Canceled):
		return &Error{URL: url, Class: ClassCanceled, Detail: "run interrupted", Err: err}
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded):
		return &Error{URL: url, Class: ClassTimeout, Detail: detail, Err: err}
	case errors.As(err, &cert), errors.As(err, &unk), errors.As(err, &host), errors.As(err, &inval), errors.As(err, &rec):
		return &Error{URL: url, Class: ClassTLS, Detail: detail, Err: err}
	case strings.Contains(detail, "tls:") || strings.Contains(detail, "TLS handshake") || strings.Contains(detail, "HTTP response to HTTPS client"):
		if strings.Contains(detail, "timeout") {
			return &Error{URL: url, Class: ClassTimeout, Detail: detail, Err: err}
		}
		return &Error{URL: url, Class: ClassTLS, Detail: detail, Err: err}
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE), strings.Contains(detail, "unexpected EOF"):
		return &Error{URL: url, Class: ClassReset, Detail: detail, Err: err}
	case errors.As(err, &ne) && ne.Timeout():
		return &Error{URL: url, Class: ClassTimeout, Detail: detail, Err: err}
	case strings.Contains(detail, "malformed HTTP"):
		return &Error{URL: url, Class: ClassHTTPStatus, Detail: detail, Err: err}
	}
	return &Error{URL: url, Class: ClassNetwork, Detail: detail, Err: err}
}

// unwrapURL drops the *url.Error wrapper, whose text repeats the URL that
// the feed error already names.
func unwrapURL(err error) error {
	type wrapper interface{ Unwrap() error }
	if w, ok := err.(wrapper); ok && strings.HasPrefix(err.Error(), "Get ") {
		if inner := w.Unwrap(); inner != nil {
			return inner
		}
	}
	return err
}
