// Command feedsift watches news feeds for the few stories a person cares
// about: it fetches RSS, Atom and JSON feeds into SQLite, matches every item
// against the topics written in a TOML file, and publishes each topic as an
// Atom feed.
//
// Usage:
//
//	feedsift run -config FILE      one pass: fetch, store, filter, write; exit
//	feedsift check -config FILE    validate the configuration and topics only
//	feedsift serve -config FILE [-addr 127.0.0.1:8080] [-every 30m]
//	                               serve the output directory over HTTP
//	feedsift explain -config FILE -topic NAME (-link URL | -id ID | -text TEXT)
//	                               why a topic keeps or drops an item
//	feedsift test -config FILE -topic NAME -labels FILE.tsv [-min-f1 F]
//	                               precision, recall and F1 on labelled items
//	feedsift help                  this text
//
// Exit codes:
//
//	0   the pass completed (feeds that failed are reported, not fatal)
//	1   outputs could not be written, or another error at run time
//	2   usage or configuration error (nothing was fetched)
//	3   the database cannot be used (missing directory, corrupt, newer schema)
//	75  another feedsift run holds the database's lock
//	130 interrupted (SIGINT or SIGTERM); finished feeds are kept
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// Exit codes; documented in the package comment, the README and usage.
const (
	exitOK          = 0
	exitFailure     = 1
	exitUsage       = 2
	exitDatabase    = 3
	exitLocked      = 75
	exitInterrupted = 130
)

// command is one subcommand.
type command interface {
	Run(ctx context.Context, args []string) error
}

// exitError carries a specific exit code.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is main without the process.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return runWith(ctx, args, stdout, stderr, time.Now)
}

// runWith is run with a clock: tests call it in-process.
func runWith(ctx context.Context, args []string, stdout, stderr io.Writer, now func() time.Time) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	var cmd command
	switch args[0] {
	case "run":
		cmd = &runCmd{stdout: stdout, stderr: stderr, now: now}
	case "check":
		cmd = &checkCmd{stdout: stdout, stderr: stderr}
	case "serve":
		cmd = &serveCmd{stdout: stdout, stderr: stderr}
	case "explain":
		cmd = &explainCmd{stdout: stdout, stderr: stderr}
	case "test":
		cmd = &testCmd{stdout: stdout, stderr: stderr}
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return exitOK
	default:
		fmt.Fprintf(stderr, "feedsift: unknown command %q\n\n%s", args[0], usage)
		return exitUsage
	}
	err := cmd.Run(ctx, args[1:])
	if err == nil {
		return exitOK
	}
	if errors.Is(err, errHelp) {
		return exitOK
	}
	fmt.Fprintf(stderr, "feedsift %s: %v\n", args[0], err)
	return exitCode(err)
}

// exitCode maps an error to the documented exit codes.
func exitCode(err error) int {
	var ee *exitError
	switch {
	case errors.As(err, &ee):
		return ee.code
	case errors.Is(err, context.Canceled):
		return exitInterrupted
	default:
		return exitFailure
	}
}

const usage = `feedsift watches news feeds and publishes the items that match your topics.

Usage:
  feedsift run -config FILE [-v]    one pass: fetch every feed, store, filter, write outputs, exit
  feedsift check -config FILE       validate the configuration and every topic; no network, no database
  feedsift serve -config FILE [-addr 127.0.0.1:8080] [-every 30m]
                                    serve the output directory (feeds, index.html, OPML) with
                                    ETag/Last-Modified, 304 and gzip; -every also runs the pipeline
                                    at start and then at that interval; stops cleanly on SIGTERM
  feedsift explain -config FILE -topic NAME (-link URL | -id ID | -text TEXT)
                                    show the topic's query as a tree with each clause's truth value
                                    and score for a stored item (or a text), the matched terms and
                                    a highlighted snippet
  feedsift test -config FILE -topic NAME -labels FILE.tsv [-min-f1 F]
                                    measure the topic on stored items labelled link<TAB>1|0:
                                    precision, recall, F1, false positives and negatives;
                                    exit 1 when F1 is below -min-f1
  feedsift help                     show this text

Examples:
  feedsift run -config config.toml
  feedsift check -config config.toml
  feedsift serve -config config.toml -addr 127.0.0.1:8080 -every 30m
  feedsift explain -config config.toml -topic russia-china-security -text "Shoigu arrives in Beijing"
  feedsift test -config config.toml -topic russia-china-security -labels truth.tsv -min-f1 0.82

Exit codes:
  0    the pass completed (feeds that failed are reported, not fatal)
  1    outputs could not be written, or another error at run time
  2    usage or configuration error (nothing was fetched)
  3    the database cannot be used (missing directory, corrupt, newer schema)
  75   another feedsift run holds the database's lock
  130  interrupted (SIGINT or SIGTERM); finished feeds are kept
`
