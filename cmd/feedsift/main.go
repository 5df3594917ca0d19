// Command feedsift watches news feeds for the few stories a person cares
// about: it fetches RSS, Atom and JSON feeds into SQLite, matches every item
// against the topics written in a TOML file, and publishes each topic as an
// Atom feed.
//
// Usage:
//
//	feedsift run -config FILE      one pass: fetch, store, filter, write; exit
//	feedsift check -config FILE    validate the configuration and topics only
//	feedsift status -config FILE   each feed's health: last success, last error, next fetch
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
	case "status":
		cmd = &statusCmd{stdout: stdout, stderr: stderr, now: now}
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
  feedsift run -config FILE [-v] [-budget D] [-force]
                                    one pass: fetch every feed, store, filter, write outputs, exit;
                                    -budget: start no fetch after D; -force: also fetch feeds that
                                    asked us to wait (Retry-After, back-off) or are gone (410)
  feedsift check -config FILE       validate the configuration and every topic; no network, no database
  feedsift status -config FILE [-json]
                                    each feed's health: last success, last error, failures in a row,
                                    next allowed fetch, moved or gone, items stored
  feedsift help                     show this text

Examples:
  feedsift run -config config.toml
  feedsift check -config config.toml
  feedsift run -config config.toml -budget 4m
  feedsift status -config config.toml -json

Exit codes:
  0    the pass completed (feeds that failed are reported, not fatal)
  1    outputs could not be written, or another error at run time
  2    usage or configuration error (nothing was fetched)
  3    the database cannot be used (missing directory, corrupt, newer schema)
  75   another feedsift run holds the database's lock
  130  interrupted (SIGINT or SIGTERM); finished feeds are kept
`
