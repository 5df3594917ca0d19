// Command feedsift watches news feeds for the few stories a person cares
// about: it fetches RSS, Atom and JSON feeds into SQLite, matches every item
// against the topics written in a TOML file, and publishes each topic as an
// Atom feed.
//
// Usage:
//
//	feedsift run -config FILE [flags]      one pass: fetch, store, filter, write, prune; exit
//	feedsift check -config FILE            validate the configuration and topics only
//	feedsift status -config FILE [-json]   each feed's health: last success, last error,
//	                                       failures in a row, next allowed fetch, moved/gone
//	feedsift replay -config FILE [flags]   re-evaluate topics over stored items; -dry-run shows the diff
//	feedsift prune -config FILE [flags]    delete items older than keep_days / keep_matched_days
//	feedsift feeds add -config FILE URL    add a feed, or the feed an HTML page announces
//	feedsift feeds list -config FILE       the feeds with their stored state
//	feedsift feeds import -config FILE F   add the feeds of an OPML file not yet listed
//	feedsift feeds export -config FILE     the feeds as OPML
//	feedsift serve -config FILE [-addr 127.0.0.1:8080] [-every 30m]
//	                                       serve the output directory over HTTP
//	feedsift explain -config FILE -topic NAME (-link URL | -id ID | -text TEXT)
//	                                       why a topic keeps or drops an item
//	feedsift test -config FILE -topic NAME -labels FILE.tsv [-split DATE] [-min-f1 F]
//	                                       precision, recall and F1 on labelled items
//	feedsift explain-story -config FILE ITEM
//	                                       the story group of an item (id or link): its
//	                                       copies and the similarity that merged each
//	feedsift db copy -from FILE.db -to postgres://…
//	                                       copy a SQLite installation into an empty
//	                                       PostgreSQL database; checks counts and item keys
//	feedsift help                          this text
//
// run flags: -v (debug), -log-format text|json, -json FILE (summary),
// -strict (exit 4 if some feeds failed), -budget DURATION (no fetch starts
// after it; overrides the config's budget), -force (also fetch feeds that
// asked to wait or are gone), -lock-wait DURATION (wait for another run
// instead of exiting 75). replay flags: -topic NAME, -since
// 30d, -dry-run, -lock-wait. prune flags: -dry-run, -vacuum, -lock-wait.
// feeds add takes -title; feeds export -o FILE. feeds add and import
// edit the configuration as text, keeping every comment.
//
// With database = "postgres://…" (or postgresql://) in the config, any
// number of run processes on any number of machines share one PostgreSQL
// database: each pass's feeds are claimed in batches, so that each is
// fetched once; a killed process's claims expire after -lease (default
// 1m) and are taken over. run -worker only fetches; a run without it also
// evaluates topics and writes outputs, one process at a time.
//
// On a terminal run shows a progress line; under cron, systemd or in a
// pipe it logs only warnings, the topics written and a one-line summary.
//
// Exit codes:
//
//	0   the pass completed (feeds that failed are reported, not fatal)
//	1   outputs could not be written, or another error at run time
//	2   usage or configuration error (nothing was fetched)
//	3   the database cannot be used (missing directory, corrupt, newer schema)
//	4   with run -strict: the pass completed but some feeds failed
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
	exitFeedsFailed = 4
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
	case "replay":
		cmd = &replayCmd{stdout: stdout, stderr: stderr, now: now}
	case "feeds":
		cmd = &feedsCmd{stdout: stdout, stderr: stderr, now: now}
	case "prune":
		cmd = &pruneCmd{stdout: stdout, stderr: stderr, now: now}
	case "serve":
		cmd = &serveCmd{stdout: stdout, stderr: stderr}
	case "explain":
		cmd = &explainCmd{stdout: stdout, stderr: stderr}
	case "test":
		cmd = &testCmd{stdout: stdout, stderr: stderr}
	case "explain-story":
		cmd = &explainStoryCmd{stdout: stdout, stderr: stderr}
	case "db":
		cmd = &dbCmd{stdout: stdout, stderr: stderr}
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
  feedsift run -config FILE [flags]       one pass: fetch every feed, store, filter, write outputs, prune; exit
      -v                   log every feed (debug level)
      -log-format FORMAT   text (default) or json
      -json FILE           write the run summary as JSON to FILE
      -strict              exit 4 when some feeds failed (default: exit 0 once the pass completes)
      -budget DURATION     start no fetch after DURATION (10m); overrides the config's budget; 0 = none
      -lock-wait DURATION  wait up to DURATION for another run's lock instead of exiting 75 at once
                           (with PostgreSQL: for the outputs lock, else this run only fetches)
      -force               also fetch feeds that asked to wait (Retry-After, back-off) or are gone (410)
      -worker              with database = "postgres://…": fetch only; a run without -worker
                           evaluates topics and writes outputs from the shared database
      -lease DURATION      with PostgreSQL: a claim on a feed lasts DURATION (default 1m) unless its
                           process renews it; a killed process's feeds are taken over after that
  feedsift check -config FILE             validate the configuration and every topic; no network, no database
  feedsift status -config FILE [-json]    each feed's health: state, items stored, last success, failures
                                          in a row, next allowed fetch, learned new URL, last error
  feedsift replay -config FILE [flags]    re-evaluate topics over the stored items and rewrite their outputs
      -topic NAME          only this topic
      -since PERIOD        only items from PERIOD back (30d, 12h), by published date, else first seen
      -dry-run             print the diff (+ entries added, - removed, and why); write nothing
      -lock-wait DURATION  as for run
  feedsift prune -config FILE [flags]     delete items older than keep_days (unmatched) and
                                          keep_matched_days (matched); never what an output shows
      -dry-run             count what would be deleted
      -vacuum              compact the database file afterwards
      -lock-wait DURATION  as for run
  feedsift feeds add -config FILE [-title T] URL
                                          add a feed: URL is the feed, or a page announcing it
                                          (<link rel="alternate">); the file is edited as text
  feedsift feeds list -config FILE        the feeds, with items stored and health
  feedsift feeds import -config FILE FILE.opml
                                          add the OPML list's feeds not yet listed
  feedsift feeds export -config FILE [-o FILE]
                                          the feeds as OPML 2.0
  feedsift serve -config FILE [-addr 127.0.0.1:8080] [-every 30m]
                                          serve the output directory (feeds, index.html, OPML) with
                                          ETag/Last-Modified, 304 and gzip; -every also runs the pipeline
                                          at start and then at that interval; stops cleanly on SIGTERM
  feedsift explain -config FILE -topic NAME (-link URL | -id ID | -text TEXT)
                                          show the topic's query as a tree with each clause's truth value
                                          and score for a stored item (or a text), the matched terms and
                                          a highlighted snippet, and when a run leaves the item out
                                          unread, the words it lacks
  feedsift test -config FILE -topic NAME -labels FILE.tsv [-split DATE] [-min-f1 F]
                                          measure the topic on stored items labelled link<TAB>1|0:
                                          precision, recall, F1, false positives and negatives;
                                          -split also reports the items dated before and from DATE
                                          apart (does a topic written on older items hold on newer
                                          ones?); exit 1 when F1 is below -min-f1
  feedsift explain-story -config FILE ITEM
                                          the story group of an item (its id or link): every copy of
                                          the story and the similarity that merged it
  feedsift db copy -from FILE.db -to postgres://…
                                          copy a SQLite installation into an empty PostgreSQL
                                          database, then compare row counts and a checksum of
                                          every item key
  feedsift help                           show this text

On a terminal run shows a progress line; under cron, systemd or in a pipe it logs only
warnings, the topics written and a one-line summary.

Examples:
  feedsift check -config config.toml
  feedsift status -config config.toml -json
  feedsift run -config config.toml -budget 10m -json /var/lib/feedsift/last-run.json
  feedsift replay -config config.toml -topic russia-china-security -since 30d -dry-run
  feedsift prune -config config.toml -dry-run
  feedsift feeds add -config config.toml https://www.example.org/
  feedsift serve -config config.toml -addr 127.0.0.1:8080 -every 30m
  feedsift explain -config config.toml -topic russia-china-security -text "Shoigu arrives in Beijing"
  feedsift test -config config.toml -topic russia-china-security -labels truth.tsv -min-f1 0.82
  feedsift db copy -from /var/lib/feedsift/feedsift.db -to postgres://feedsift@db.example.org/feedsift
  feedsift run -config shared.toml -worker     # on each fetching machine; shared.toml: database = "postgres://…"

Exit codes:
  0    the pass completed (feeds that failed are reported, not fatal)
  1    outputs could not be written, or another error at run time
  2    usage or configuration error (nothing was fetched)
  3    the database cannot be used (missing directory, corrupt, newer schema)
  4    with run -strict: the pass completed but some feeds failed
  75   another feedsift run holds the database's lock
  130  interrupted (SIGINT or SIGTERM); finished feeds are kept
`
