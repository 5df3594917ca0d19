package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/feedsift/feedsift/fetcher"
)

// defaultLease is how long a claim on a feed lasts unless renewed: a
// crashed worker's feeds are taken over after at most this long.
const defaultLease = time.Minute

// workerID names this process in claims: host, pid and a random suffix
// (pids repeat across machines and restarts).
func workerID() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	rand.Read(b)
	return fmt.Sprintf("%s:%d:%s", host, os.Getpid(), hex.EncodeToString(b))
}

// fetchShared does this process's share of a pass over a shared database.
// It joins the open pass (or starts one), then claims feeds in batches
// while fetching with concurrency goroutines: each feed of the pass is
// fetched by one process, and the claims of a process that dies expire
// after the lease and are taken over. It returns when no feed of the pass
// is left unattempted and unclaimed, having waited for other processes'
// claims (taking them over if they expire), when the budget is spent, or
// when ctx ends.
func (p *pass) fetchShared(ctx context.Context, sh sharedDB, f *fetcher.Fetcher, feeds []fetcher.Feed, concurrency int,
	onStart func(string), onDone func(fetcher.Result)) ([]fetcher.Result, error) {
	urls := make([]string, len(feeds))
	byURL := make(map[string]fetcher.Feed, len(feeds))
	for i, fd := range feeds {
		urls[i], byURL[fd.URL] = fd.URL, fd
	}
	start, err := sh.BeginPass(ctx, urls)
	if err != nil {
		return nil, &exitError{exitDatabase, fmt.Errorf("begin pass: %w", err)}
	}
	lease := p.lease
	if lease <= 0 {
		lease = defaultLease
	}
	worker := workerID()
	log := p.log.With("worker", worker)
	log.Debug("pass joined", "pass_started", start)

	// Renew this worker's claims while it lives.
	hbCtx, stopHB := context.WithCancel(ctx)
	var hb sync.WaitGroup
	hb.Go(func() {
		t := time.NewTicker(lease / 3)
		defer t.Stop()
		for {
			select {
			case <-hbCtx.Done():
				return
			case <-t.C:
				if err := sh.Renew(hbCtx, worker, lease); err != nil && hbCtx.Err() == nil {
					log.Warn("cannot renew claims", "err", err)
				}
			}
		}
	})
	defer func() {
		stopHB()
		hb.Wait()
		if err := sh.Release(context.WithoutCancel(ctx), worker); err != nil {
			log.Warn("cannot release claims", "err", err)
		}
	}()

	began := time.Now()
	overBudget := func() bool { return p.budget > 0 && time.Since(began) >= p.budget }
	var (
		mu      sync.Mutex
		results []fetcher.Result
		fetch   sync.WaitGroup
	)
	todo := make(chan fetcher.Feed, concurrency)
	for range concurrency {
		fetch.Go(func() {
			for fd := range todo {
				var r fetcher.Result
				if overBudget() || ctx.Err() != nil {
					// Released when the pass ends: someone else's next.
					r = fetcher.Result{URL: fd.URL, Status: fetcher.Skipped}
				} else {
					if onStart != nil {
						onStart(fd.URL)
					}
					r = f.Fetch(ctx, fd)
				}
				if onDone != nil {
					onDone(r)
				}
				mu.Lock()
				results = append(results, r)
				mu.Unlock()
			}
		})
	}
	err = p.claimLoop(ctx, sh, worker, urls, start, concurrency, lease, overBudget, func(u string) {
		select {
		case todo <- byURL[u]:
		case <-ctx.Done():
		}
	})
	close(todo)
	fetch.Wait()
	return results, err
}

// claimLoop claims batches of feeds and hands them to do until the pass
// has none left for this worker.
func (p *pass) claimLoop(ctx context.Context, sh sharedDB, worker string, urls []string, start time.Time, n int,
	lease time.Duration, overBudget func() bool, do func(url string)) error {
	wait := min(lease/4, time.Second)
	for ctx.Err() == nil && !overBudget() {
		batch, err := sh.Claim(ctx, worker, urls, start, n, lease)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return &exitError{exitDatabase, fmt.Errorf("claim feeds: %w", err)}
		}
		for _, u := range batch {
			do(u)
		}
		if len(batch) > 0 {
			continue
		}
		left, err := sh.Claimed(ctx, worker, urls, start)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return &exitError{exitDatabase, fmt.Errorf("claimed feeds: %w", err)}
		}
		if left == 0 {
			return nil
		}
		// Others hold the rest: wait for them to finish, or for their
		// leases to expire.
		select {
		case <-ctx.Done():
		case <-time.After(wait):
		}
	}
	return nil
}

// takeOutputs makes this process the one that evaluates topics and writes
// outputs from a shared database, if no other holds that role now
// (waiting up to p.lockWait for it). It returns the items stored by any
// process and not yet evaluated, and done, to call once they have been.
func (p *pass) takeOutputs(ctx context.Context, sh sharedDB) (ids []int64, done func(context.Context) error, unlock func(), ok bool, err error) {
	deadline := time.Now().Add(p.lockWait)
	for {
		unlock, ok, err = sh.TryLockOutputs(ctx)
		if err != nil {
			return nil, nil, nil, false, &exitError{exitDatabase, fmt.Errorf("outputs lock: %w", err)}
		}
		if ok || !time.Now().Before(deadline) {
			break
		}
		select {
		case <-ctx.Done():
			return nil, nil, nil, false, ctx.Err()
		case <-time.After(min(250*time.Millisecond, time.Until(deadline))):
		}
	}
	if !ok {
		return nil, nil, nil, false, nil
	}
	ids, versions, err := sh.Unevaluated(ctx)
	if err != nil {
		unlock()
		return nil, nil, nil, false, &exitError{exitDatabase, err}
	}
	done = func(ctx context.Context) error { return sh.Evaluated(ctx, ids, versions) }
	return ids, done, unlock, true, nil
}
