package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"syscall"
)

// lockRun takes an exclusive kernel lock on <database>.lock so that two
// runs (overlapping cron jobs) never work on one database at once. The
// kernel frees it when the process ends, even after kill -9.
func lockRun(database string) (unlock func(), err error) {
	path := database + ".lock"
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, &exitError{exitDatabase, fmt.Errorf("lock: %w", err)}
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		pid := "?"
		if b, rerr := os.ReadFile(path); rerr == nil && len(bytes.TrimSpace(b)) > 0 {
			pid = string(bytes.TrimSpace(b))
		}
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, &exitError{exitLocked, fmt.Errorf("another feedsift run (pid %s) holds %s", pid, path)}
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
