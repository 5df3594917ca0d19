package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/feedsift/feedsift/feedout"
)

// serveCmd serves the output directory over HTTP, optionally running the
// pipeline itself every so often.
type serveCmd struct {
	stdout, stderr io.Writer
	ready          func(addr string) // tests learn the bound address
}

func (c *serveCmd) Run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	path := fs.String("config", "", "configuration `file`")
	addr := fs.String("addr", "127.0.0.1:8080", "listen `address`")
	every := fs.Duration("every", 0, "run the pipeline at start and then every `interval` (0 = never; use cron instead)")
	verbose := fs.Bool("v", false, "debug logging")
	logFormat := fs.String("log-format", "text", "log format: text or json")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	log, err := newLogger(c.stderr, *verbose, *logFormat)
	if err != nil {
		return err
	}
	s, err := load(*path)
	if err != nil {
		return err
	}
	if *every < 0 || (*every > 0 && *every < time.Minute) {
		return &exitError{exitUsage, fmt.Errorf("-every %s: want 0 or at least 1m", *every)}
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return &exitError{exitFailure, fmt.Errorf("listen: %w", err)}
	}
	if !isDir(s.cfg.OutputDir) && *every == 0 {
		log.Warn("the output directory does not exist yet: requests get 503 until feedsift run writes it (or use -every)", "dir", s.cfg.OutputDir)
	}
	if u, err := url.Parse(s.cfg.BaseURL); err == nil && u.Host != ln.Addr().String() && *addr == ln.Addr().String() && isLoopbackHost(u.Hostname()) {
		// base_url names where readers fetch the feeds: the feeds' self
		// links and ids point there, not here.
		log.Warn("base_url and -addr disagree: the feeds' links point to base_url", "base_url", s.cfg.BaseURL, "addr", ln.Addr().String())
	}
	srv := &http.Server{
		Handler:           logRequests(log, feedout.HandlerFor(s.cfg.OutputDir, s.outputNames())),
		ReadHeaderTimeout: 10 * time.Second,
		// A client that never reads its response cannot hold a
		// connection (and a file) for long.
		WriteTimeout: 60 * time.Second,
		IdleTimeout:  60 * time.Second,
		ErrorLog:     slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	log.Info("serving", "dir", s.cfg.OutputDir, "url", "http://"+ln.Addr().String()+"/")
	if c.ready != nil {
		c.ready(ln.Addr().String())
	}
	if *every > 0 {
		go c.loop(ctx, s, log, *every)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return &exitError{exitFailure, err}
	case <-ctx.Done():
	}
	// Graceful: finish the requests in flight, then stop.
	shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return &exitError{exitFailure, err}
	}
	log.Info("stopped")
	return nil
}

// loop runs one pass now and then every interval until ctx ends. A pass
// that cannot take the lock (a cron run is going on) is skipped.
func (c *serveCmd) loop(ctx context.Context, s *setup, log *slog.Logger, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if err := runPass(ctx, s, log, time.Now, runOptions{budget: s.cfg.Budget}); err != nil && ctx.Err() == nil {
			log.Warn("pass failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// isLoopbackHost reports whether a base_url host is this machine, where a
// mismatch with -addr is surely a mistake (a public base_url may front
// serve through a proxy).
func isLoopbackHost(h string) bool {
	return h == "localhost" || h == "127.0.0.1" || h == "::1"
}

// logRequests logs one line per request at info level: method, path,
// status, bytes and time.
func logRequests(log *slog.Logger, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(rec, r)
		log.Info("request", "method", r.Method, "path", r.URL.Path, "status", rec.status, "bytes", rec.bytes,
			"ms", time.Since(start).Milliseconds())
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}
