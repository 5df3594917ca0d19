package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/feedsift/feedsift/fetcher"
	"github.com/feedsift/feedsift/filter"
	"github.com/feedsift/feedsift/store"
)

// runCmd is one pass: fetch, store, filter, write outputs.
type runCmd struct {
	stdout, stderr io.Writer
	now            func() time.Time // tests inject a clock
}

func (c *runCmd) Run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	path := fs.String("config", "", "configuration `file`")
	verbose := fs.Bool("v", false, "log every feed (debug level)")
	logFormat := fs.String("log-format", "text", "log format: text or json")
	jsonPath := fs.String("json", "", "write the run summary as JSON to `file`")
	strict := fs.Bool("strict", false, "exit 4 when some feeds failed (default: 0 if the pass completed)")
	budget := fs.Duration("budget", 0, "start no fetch after this `duration` (overrides the config's budget; 0 = none)")
	lockWait := fs.Duration("lock-wait", 0, "wait up to `duration` for another run's lock instead of exiting 75 at once")
	worker := fs.Bool("worker", false, "with a postgres:// database: fetch only, leaving topics and outputs to a run without -worker")
	lease := fs.Duration("lease", defaultLease, "with a postgres:// database: a claim on a feed lasts `duration` unless its worker renews it")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	// On a terminal, log lines and the progress line share stderr.
	prog := newProgress(c.stderr)
	var logw io.Writer = c.stderr
	if prog != nil {
		logw = prog
	}
	log, err := newLogger(logw, *verbose, *logFormat)
	if err != nil {
		return err
	}
	now := c.now
	if now == nil {
		now = time.Now
	}
	opt := runOptions{sum: &summary{Started: now().UTC()}, budget: *budget, lockWait: *lockWait, progress: prog,
		worker: *worker, lease: *lease}
	err = c.run(ctx, fs, *path, log, now, opt, *strict)
	if *jsonPath != "" {
		sum := opt.sum
		sum.ExitCode = exitOK
		if err != nil {
			sum.ExitCode, sum.Error = exitCode(err), err.Error()
		}
		if jerr := sum.writeJSON(*jsonPath); jerr != nil {
			log.Error("cannot write the summary", "path", *jsonPath, "err", jerr)
			if err == nil {
				err = &exitError{exitFailure, fmt.Errorf("-json: %w", jerr)}
			}
		}
	}
	return err
}

func (c *runCmd) run(ctx context.Context, fs *flag.FlagSet, path string, log *slog.Logger, now func() time.Time,
	opt runOptions, strict bool) error {
	s, err := load(path)
	if err != nil {
		return err
	}
	if !flagSet(fs, "budget") {
		opt.budget = s.cfg.Budget
	} else if opt.budget < 0 {
		return &exitError{exitUsage, fmt.Errorf("-budget %s: want a positive duration, or 0 for none", opt.budget)}
	}
	if opt.worker && !isServer(s.cfg.Database) {
		return &exitError{exitUsage, fmt.Errorf("-worker: database %s is a SQLite file, which one run at a time uses; workers share a postgres:// database", s.cfg.Database)}
	}
	if opt.lease <= 0 {
		return &exitError{exitUsage, fmt.Errorf("-lease %s: want a positive duration", opt.lease)}
	}
	if err := runPass(ctx, s, log, now, opt); err != nil {
		return err
	}
	if strict && opt.sum.Failed > 0 {
		return &exitError{exitFeedsFailed, fmt.Errorf("%d of %d feeds failed (-strict)", opt.sum.Failed, opt.sum.Feeds)}
	}
	return nil
}

// flagSet reports whether the flag was given on the command line.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// runOptions are what a pass takes besides the setup: run's flags.
type runOptions struct {
	sum      *summary      // filled as the pass goes; nil = a fresh one
	budget   time.Duration // no fetch starts after it; 0 = none
	lockWait time.Duration
	progress *progress     // nil unless stderr is a terminal
	worker   bool          // fetch only (shared database)
	lease    time.Duration // of a claim on a feed (shared database)
}

// runPass takes the run lock and does one pass; the summary is logged at
// its end once the database was opened.
func runPass(ctx context.Context, s *setup, log *slog.Logger, now func() time.Time, opt runOptions) error {
	if opt.sum == nil {
		opt.sum = &summary{Started: time.Now().UTC()}
	}
	if dir := filepath.Dir(s.cfg.Database); !isServer(s.cfg.Database) && !isDir(dir) {
		return &exitError{exitDatabase, fmt.Errorf("database %s: directory %s does not exist", s.cfg.Database, dir)}
	}
	unlock, err := lockDB(ctx, s.cfg.Database, opt.lockWait)
	if err != nil {
		return err
	}
	defer unlock()
	p, err := s.openPass(ctx, log)
	if err != nil {
		return err
	}
	defer p.st.Close()
	if now != nil {
		p.now = now
	}
	p.sum, p.budget, p.progress = opt.sum, opt.budget, opt.progress
	p.worker, p.lease, p.lockWait = opt.worker, opt.lease, opt.lockWait
	start := p.now()
	defer func() {
		p.sum.Duration = p.now().Sub(start).Seconds()
		p.sum.log(p.log)
	}()
	return p.run(ctx)
}

// pass is one run of the pipeline over a loaded setup.
type pass struct {
	*setup
	log *slog.Logger
	now func() time.Time
	st  db

	sum      *summary      // what the pass did (nil outside run)
	budget   time.Duration // no fetch starts after it; 0 = none
	progress *progress     // nil unless stderr is a terminal
	worker   bool          // fetch only: another run writes outputs (shared database)
	lease    time.Duration // of a claim on a feed (shared database); 0 = defaultLease
	lockWait time.Duration // for the outputs lock (shared database)

	titles map[string]string // configured feed titles by URL
}

// openPass opens the database for a pass (no lock: callers that write
// take it first).
func (s *setup) openPass(ctx context.Context, log *slog.Logger) (*pass, error) {
	cfg := s.cfg
	st, err := openDB(ctx, cfg.Database)
	if err != nil {
		return nil, err
	}
	p := &pass{setup: s, log: log, now: time.Now, st: st, titles: make(map[string]string, len(cfg.Feeds))}
	for _, f := range cfg.Feeds {
		p.titles[f.URL] = f.Title
	}
	return p, nil
}

func (p *pass) run(ctx context.Context) error {
	cfg := p.cfg
	sum := p.sum
	if err := os.MkdirAll(cfg.OutputDir, 0o755); err != nil {
		return &exitError{exitFailure, fmt.Errorf("output directory: %w", err)}
	}

	// Fetch.
	feeds := make([]fetcher.Feed, len(cfg.Feeds))
	for i, f := range cfg.Feeds {
		feeds[i] = fetcher.Feed{URL: f.URL, Title: f.Title}
	}
	opt := fetcher.Options{
		Concurrency:  cfg.Concurrency,
		PerHost:      cfg.PerHost,
		Timeout:      cfg.Timeout,
		MaxBodyBytes: int64(cfg.MaxBodyMB) << 20,
		UserAgent:    cfg.UserAgent,
		Dir:          cfg.Dir(),
		Logger:       p.log,
		Now:          p.now,
		Budget:       p.budget,
	}
	if p.progress != nil {
		p.progress.start(len(feeds))
		opt.OnStart, opt.OnDone = p.progress.begun, p.progress.finished
	}
	var results []fetcher.Result
	sh, shared := p.st.(sharedDB)
	if shared {
		conc := cmp.Or(cfg.Concurrency, 16)
		var err error
		results, err = p.fetchShared(ctx, sh, fetcher.New(p.st, opt), feeds, conc, opt.OnStart, opt.OnDone)
		if err != nil {
			return err
		}
	} else {
		results = fetcher.New(p.st, opt).Run(ctx, feeds)
	}
	if p.progress != nil {
		p.progress.stop()
	}
	sum.count(results)
	var changed []int64
	for _, r := range results {
		changed = append(changed, r.Saved.New...)
		changed = append(changed, r.Saved.Updated...)
	}
	if sum.Skipped > 0 {
		p.log.Warn("time budget spent: feeds skipped until the next run", "skipped", sum.Skipped, "budget", p.budget)
	}
	if err := ctx.Err(); err != nil {
		p.log.Warn("run interrupted: finished feeds are stored, outputs not rewritten")
		return err
	}
	if p.worker {
		return nil
	}
	var evaluated func(context.Context) error
	if shared {
		// One process at a time evaluates and writes, over every
		// process's new items.
		queued, done, unlock, ok, err := p.takeOutputs(ctx, sh)
		if err != nil {
			return err
		}
		if !ok {
			p.log.Info("another run is writing the outputs: this one only fetched")
			return nil
		}
		defer unlock()
		changed, evaluated = append(changed, queued...), done
	}

	// Group copies of one story, filter, then write.
	if _, err := p.groupStories(ctx); err != nil {
		return &exitError{exitDatabase, err}
	}
	if err := p.evaluate(ctx, changed); err != nil {
		return err
	}
	if evaluated != nil {
		if err := evaluated(ctx); err != nil {
			return &exitError{exitDatabase, err}
		}
	}
	var outErrs []error
	var outs []written
	for _, t := range p.topics {
		f, err := p.writeTopic(ctx, t)
		ts := sum.topic(t.Name)
		if err != nil {
			outErrs = append(outErrs, err)
			p.log.Error("cannot write topic", "topic", t.Name, "err", err)
			continue
		}
		outs = append(outs, written{t, f})
		ts.Entries, ts.Written = len(f.Entries), true
		sum.Outputs++
	}
	if err := p.writeIndex(ctx, outs); err != nil {
		outErrs = append(outErrs, err)
		p.log.Error("cannot write the index", "err", err)
	}
	if len(outErrs) > 0 {
		return &exitError{exitFailure, errors.Join(outErrs...)}
	}
	return p.autoPrune(ctx)
}

// evaluate matches topics against items: only the new and changed ones,
// or every stored item for a topic whose definition changed.
func (p *pass) evaluate(ctx context.Context, changed []int64) error {
	var full, incremental []topic
	for _, t := range p.topics {
		h, err := p.st.TopicHash(ctx, t.Name)
		if err != nil {
			return &exitError{exitDatabase, err}
		}
		if h != t.hash {
			full = append(full, t)
		} else {
			incremental = append(incremental, t)
		}
	}
	if len(full) > 0 {
		if err := p.match(ctx, full, nil, true); err != nil {
			return err
		}
	}
	if len(incremental) > 0 && len(changed) > 0 {
		if err := p.match(ctx, incremental, changed, false); err != nil {
			return err
		}
	}
	return nil
}

// match evaluates topics over the items with the given ids (nil = all).
func (p *pass) match(ctx context.Context, topics []topic, ids []int64, all bool) error {
	matches := make([][]store.Match, len(topics))
	var evaluated []int64
	eval := func(bp *filter.Boilerplate, it *store.FeedItem) {
		evaluated = append(evaluated, it.ID)
		doc := bp.NewDoc(filterItem(it, p.feedTitle(it)))
		for i, t := range topics {
			r := t.match.Match(doc)
			if !r.Match {
				continue
			}
			reasons := append(append([]string(nil), r.Groups...), r.Terms...)
			matches[i] = append(matches[i], store.Match{ItemID: it.ID, Score: r.Score, Reasons: reasons})
		}
	}
	if all {
		bp, err := p.boilerplate(ctx, nil)
		if err != nil {
			return err
		}
		if err := p.st.EachItem(ctx, nil, func(it *store.FeedItem) error { eval(bp, it); return nil }); err != nil {
			return &exitError{exitDatabase, err}
		}
	} else {
		// Few items: read them first, to learn only their feeds' boilerplate.
		var items []*store.FeedItem
		feeds := map[int64]bool{}
		var feedIDs []int64
		err := p.st.EachItem(ctx, ids, func(it *store.FeedItem) error {
			items = append(items, it)
			if !feeds[it.FeedID] {
				feeds[it.FeedID] = true
				feedIDs = append(feedIDs, it.FeedID)
			}
			return nil
		})
		if err != nil {
			return &exitError{exitDatabase, err}
		}
		bp, err := p.boilerplate(ctx, feedIDs)
		if err != nil {
			return err
		}
		for _, it := range items {
			eval(bp, it)
		}
	}
	for i, t := range topics {
		if err := p.st.SetMatches(ctx, t.Name, t.hash, all, evaluated, matches[i]); err != nil {
			return &exitError{exitDatabase, err}
		}
		if p.sum != nil {
			ts := p.sum.topic(t.Name)
			ts.Matched += len(matches[i])
			ts.Reevaluated = ts.Reevaluated || all
		}
		p.log.Debug("topic evaluated", "topic", t.Name, "items", len(evaluated), "matched", len(matches[i]), "full", all)
	}
	return nil
}

// boilerplateItems is how many of a feed's newest items teach what
// repeats in it.
const boilerplateItems = 200

// boilerplate learns the repeated sentences of the given feeds (nil =
// all) from their stored items, plus the configured patterns.
func (p *pass) boilerplate(ctx context.Context, feedIDs []int64) (*filter.Boilerplate, error) {
	bp := &filter.Boilerplate{}
	for _, phrase := range p.cfg.Boilerplate {
		bp.AddPattern("", phrase)
	}
	for _, f := range p.cfg.Feeds {
		for _, phrase := range f.Boilerplate {
			bp.AddPattern(f.URL, phrase)
		}
	}
	err := p.st.FeedTexts(ctx, feedIDs, boilerplateItems, func(url, summary, content string) {
		bp.Learn(url, summary+"\n"+content)
	})
	if err != nil {
		return nil, &exitError{exitDatabase, err}
	}
	return bp, nil
}

// feedTitle is the configured title of the item's feed, else its own.
func (p *pass) feedTitle(it *store.FeedItem) string {
	if t := p.titles[it.FeedURL]; t != "" {
		return t
	}
	return it.FeedTitle
}

func filterItem(it *store.FeedItem, feedTitle string) filter.Item {
	return filter.Item{
		Title:      it.Title,
		Summary:    it.Summary,
		Content:    it.Content,
		Authors:    it.Authors,
		Categories: it.Categories,
		FeedTitle:  feedTitle,
		FeedURL:    it.FeedURL,
		Link:       it.Link,
	}
}

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

func isFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}
