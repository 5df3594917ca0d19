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
	switch args[0] {
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	cmd := newCommand(args[0], stdout, stderr, now)
	if cmd == nil {
		fmt.Fprintf(stderr, "feedsift: unknown command %q\n\n%s", args[0], usage)
		return exitUsage
	}
	err := cmd.Run(ctx, args[1:])
	if err == nil {
		return exitOK
	}
	var help *helpError
	if errors.As(err, &help) {
		writeHelp(stdout, help.fs)
		return exitOK
	}
	if errors.Is(err, errHelp) {
		return exitOK
	}
	fmt.Fprintf(stderr, "feedsift %s: %v\n", args[0], err)
	return exitCode(err)
}

// newCommand returns the command named name, nil for none.
func newCommand(name string, stdout, stderr io.Writer, now func() time.Time) command {
	switch name {
	case "run":
		return &runCmd{stdout: stdout, stderr: stderr, now: now}
	case "check":
		return &checkCmd{stdout: stdout, stderr: stderr, now: now}
	case "status":
		return &statusCmd{stdout: stdout, stderr: stderr, now: now}
	case "replay":
		return &replayCmd{stdout: stdout, stderr: stderr, now: now}
	case "feeds":
		return &feedsCmd{stdout: stdout, stderr: stderr, now: now}
	case "prune":
		return &pruneCmd{stdout: stdout, stderr: stderr, now: now}
	case "serve":
		return &serveCmd{stdout: stdout, stderr: stderr}
	case "explain":
		return &explainCmd{stdout: stdout, stderr: stderr}
	case "test":
		return &testCmd{stdout: stdout, stderr: stderr}
	case "explain-story":
		return &explainStoryCmd{stdout: stdout, stderr: stderr}
	case "db":
		return &dbCmd{stdout: stdout, stderr: stderr}
	case "items":
		return &itemsCmd{stdout: stdout, stderr: stderr, now: now}
	case "label":
		return &labelCmd{stdin: os.Stdin, stdout: stdout, stderr: stderr, now: now}
	case "completion":
		return &completionCmd{stdout: stdout}
	case "version", "-version", "--version":
		return &versionCmd{stdout: stdout}
	}
	return nil
}

// exitCode maps an error to the documented exit codes.
func exitCode(err error) int {
	var ee *exitError
	switch {
	case errors.Is(err, context.Canceled):
		// Interrupted (SIGINT, SIGTERM) in any phase, whatever code the
		// phase would give its own failure.
		return exitInterrupted
	case errors.As(err, &ee):
		return ee.code
	default:
		return exitFailure
	}
}
