package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"syscall"
	"time"
)

// lockRun takes an exclusive kernel lock on <database>.lock so that two
// runs (overlapping cron jobs) never work on one database at once. The
// kernel frees it when the process ends, even after kill -9. With wait
// above zero it retries for that long (-lock-wait) before giving up.
func lockRun(ctx context.Context, database string, wait time.Duration) (unlock func(), err error) {
	path := database + ".lock"
	// Never through a symbolic link: the lock file is truncated and
	// written, and a link there would have its target overwritten.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|syscall.O_NOFOLLOW, 0o644)
	if errors.Is(err, syscall.ELOOP) {
		return nil, &exitError{exitDatabase, fmt.Errorf("lock: %s is a symbolic link: feedsift does not follow it (remove it; the lock file is feedsift's own)", path)}
	}
	if err != nil {
		return nil, &exitError{exitDatabase, fmt.Errorf("lock: %w", err)}
	}
	if fi, err := f.Stat(); err == nil && !fi.Mode().IsRegular() {
		f.Close()
		return nil, &exitError{exitDatabase, fmt.Errorf("lock: %s is not a regular file (%s): remove it; the lock file is feedsift's own", path, fi.Mode().Type())}
	}
	deadline := time.Now().Add(wait)
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if !errors.Is(err, syscall.EWOULDBLOCK) || !time.Now().Before(deadline) {
			break
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(min(250*time.Millisecond, time.Until(deadline))):
		}
	}
	if err != nil {
		pid := "?"
		if b, rerr := os.ReadFile(path); rerr == nil && len(bytes.TrimSpace(b)) > 0 {
			pid = string(bytes.TrimSpace(b))
		}
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			msg := fmt.Sprintf("another feedsift run (pid %s) holds %s", pid, path)
			if wait > 0 {
				msg += fmt.Sprintf(" (waited %s)", wait)
			} else {
				msg += "; -lock-wait 5m waits for it instead"
			}
			return nil, &exitError{exitLocked, errors.New(msg)}
		}
		return nil, &exitError{exitDatabase, fmt.Errorf("lock %s: %w", path, err)}
	}
	if err := f.Truncate(0); err == nil {
		f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
