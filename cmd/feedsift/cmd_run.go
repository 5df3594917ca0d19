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
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"sync"
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
	force := fs.Bool("force", false, "also fetch feeds that asked to wait (Retry-After, back-off) or are gone (410)")
	lockWait := fs.Duration("lock-wait", 0, "wait up to `duration` for another run's lock instead of exiting 75 at once")
	// Hidden: for profiling a pass (see bench/).
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile to `file`")
	memProfile := fs.String("memprofile", "", "write a heap profile to `file` at the end")
	worker := fs.Bool("worker", false, "with a postgres:// database: fetch only, leaving topics and outputs to a run without -worker")
	lease := fs.Duration("lease", defaultLease, "with a postgres:// database: a claim on a feed lasts `duration` unless its worker renews it")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	stop, err := startProfiles(*cpuProfile, *memProfile)
	if err != nil {
		return &exitError{exitUsage, err}
	}
	defer stop()
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
		worker: *worker, lease: *lease, force: *force}
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
	log.Debug("config", "path", s.cfg.Path)
	for _, w := range s.warnings {
		log.Warn("query", "warning", w)
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
	force    bool          // -force: fetch feeds that are not due or gone
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
	p.force = opt.force
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
	force    bool          // -force: fetch feeds that are not due or gone

	titles map[string]string // configured feed titles by URL

	changed []string // self URLs of the topic documents this pass rewrote
}

// openPass opens the database for a pass (no lock: callers that write
// take it first).
func (s *setup) openPass(ctx context.Context, log *slog.Logger) (*pass, error) {
	st, err := openDB(ctx, s.cfg.Database)
	if err != nil {
		return nil, err
	}
	return s.openPassWith(st, log)
}

// openStoredPass is openPass on a database that must already exist (a
// missing one is exit 3, as openStore says), for commands that only read
// it, logging nothing.
func (s *setup) openStoredPass(ctx context.Context) (*pass, error) {
	st, err := openStore(ctx, s.cfg.Database)
	if err != nil {
		return nil, err
	}
	return s.openPassWith(st, slog.New(slog.DiscardHandler))
}

// openPassWith is openPass on a database already open.
func (s *setup) openPassWith(st db, log *slog.Logger) (*pass, error) {
	p := &pass{setup: s, log: log, now: time.Now, st: st, titles: make(map[string]string, len(s.cfg.Feeds))}
	for _, f := range s.cfg.Feeds {
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

	// Fetch; filter each feed's new items as it is stored.
	ev, err := p.newEvaluator(ctx)
	if err != nil {
		return err
	}
	feeds := make([]fetcher.Feed, len(cfg.Feeds))
	for i, f := range cfg.Feeds {
		feeds[i] = fetcher.Feed{URL: f.URL, Title: f.Title, TLSInsecure: f.TLSInsecure, CAFile: f.CAFile, FromList: f.FromList}
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
		OnSaved:      ev.saved,

		AllowPrivateNetworks: cfg.AllowPrivateNetworks,
		Force:                p.force,
	}
	if p.progress != nil {
		p.progress.start(len(feeds))
		opt.OnStart, opt.OnDone = p.progress.begun, p.progress.finished
	}
	sh, shared := p.st.(sharedDB)
	restoreGC := fetchGC()
	defer restoreGC()
	tFetch := time.Now()
	var results []fetcher.Result
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
	var ph phases
	ph.run = time.Since(tFetch)
	if p.progress != nil {
		p.progress.stop()
	}
	sum.count(results)
	for _, r := range results {
		ph.add(r.Timing)
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
		// Items other workers stored wait in a queue: evaluate them
		// from the database.
		phase(ctx, "filter")
		err = ev.stored(ctx, queued)
		pprof.SetGoroutineLabels(ctx)
		if err != nil {
			return err
		}
		evaluated = done
	}

	// Group copies of one story, record the matches, then write.
	restoreGC()
	defer pprof.SetGoroutineLabels(ctx)
	phase(ctx, "group")
	tGroup := time.Now()
	if _, err := p.groupStories(ctx); err != nil {
		return &exitError{exitDatabase, err}
	}
	ph.group = time.Since(tGroup)
	phase(ctx, "filter")
	tFilter := time.Now()
	if err := ev.finish(ctx); err != nil {
		return err
	}
	if evaluated != nil {
		if err := evaluated(ctx); err != nil {
			return &exitError{exitDatabase, err}
		}
	}
	ph.filter, ph.filterSum = time.Since(tFilter), ev.busy
	phase(ctx, "output")
	tOutput := time.Now()
	var outErrs []error
	for _, r := range results {
		if r.Err != nil && r.Err.Class == fetcher.ClassStore {
			// The database, not the feed, failed (disk full…): the run fails.
			outErrs = append(outErrs, r.Err)
			break
		}
	}
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
		if t.Digest != "" {
			if err := p.writeDigest(ctx, t); err != nil {
				outErrs = append(outErrs, err)
				p.log.Error("cannot write the digest", "topic", t.Name, "err", err)
			}
		}
	}
	if err := p.writeIndex(ctx, outs); err != nil {
		outErrs = append(outErrs, err)
		p.log.Error("cannot write the index", "err", err)
	}
	p.announce(ctx)
	ph.output = time.Since(tOutput)
	pprof.SetGoroutineLabels(ctx)
	p.log.Debug("run phases", ph.attrs()...)
	if len(outErrs) > 0 {
		return &exitError{exitFailure, errors.Join(outErrs...)}
	}
	return p.autoPrune(ctx)
}

// fetchGC lets the heap grow three times its live size between
// collections while feeds are fetched (unless GOGC is set): the live heap
// is small then (each feed's document, briefly), and collecting it twice
// as often cost a tenth of a cold pass's CPU. The returned function
// restores the default before grouping, whose index is most of the peak.
//
// A soft memory limit (fetchMemoryLimit, unless GOMEMLIMIT is set) bounds
// that growth when feeds are huge: six feeds of 15 items of 1 MB each,
// parsed at once, peaked at 770 MB with the heap let grow; 230 MB with the
// limit, in the same time. The live heap while fetching stays far below
// it, so normal passes never meet it.
func fetchGC() (restore func()) {
	var undo []func()
	if os.Getenv("GOGC") == "" {
		prev := debug.SetGCPercent(300)
		undo = append(undo, func() { debug.SetGCPercent(prev) })
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		prev := debug.SetMemoryLimit(fetchMemoryLimit)
		undo = append(undo, func() { debug.SetMemoryLimit(prev) })
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			for _, f := range undo {
				f()
			}
		})
	}
}

// fetchMemoryLimit is the soft memory limit while feeds are fetched.
const fetchMemoryLimit = 200 << 20

// phase labels the calling goroutine, and those it starts, with the phase
// of the pass for CPU profiles (as the fetcher labels its own: fetch,
// parse, store, filter): group, filter, output. `go run ./bench` adds up
// each phase's CPU time from these labels.
func phase(ctx context.Context, name string) {
	pprof.SetGoroutineLabels(pprof.WithLabels(ctx, pprof.Labels("phase", name)))
}

// phases is where a pass spent its time. Fetching runs feeds
// concurrently: run is its wall time, and wait, fetch, parse and store are
// sums over feeds (so they may add up to more than run).
type phases struct {
	run                       time.Duration
	wait, fetch, parse, store time.Duration
	filterSum                 time.Duration // in the fetcher's goroutines
	filter, output            time.Duration
	group                     time.Duration // grouping stories, after the fetch
}

func (ph *phases) add(t fetcher.Timing) {
	ph.wait += t.Wait
	ph.fetch += t.Fetch
	ph.parse += t.Parse
	ph.store += t.Store
}

func (ph *phases) attrs() []any {
	return []any{"fetch_wall", ph.run, "host_wait_sum", ph.wait, "fetch_sum", ph.fetch,
		"parse_sum", ph.parse, "store_sum", ph.store, "filter_sum", ph.filterSum, "filter", ph.filter, "output", ph.output, "group", ph.group}
}

// evaluator matches the topics against items as their feeds are stored,
// in the fetcher's goroutines, while the items are still in memory: a pass
// does not read its new items back, and filtering overlaps fetching. Each
// feed's boilerplate is learned from its own stored items as before.
type evaluator struct {
	p        *pass
	topics   []topic
	full     []bool          // the definition changed: evaluate every stored item
	matchers []*filter.Topic // each topic's
	screen   *filter.Screen  // rules out most items before they are prepared

	mu        sync.Mutex
	matches   [][]store.Match
	evaluated []int64 // ids evaluated during the fetch
	err       error
	busy      time.Duration // summed over goroutines
	prepared  int           // items the screen let through, made into Docs
	may       int           // those of them that a topic may match (MayMatch)
	feeds     int           // feeds with such items (whose boilerplate is learned)
}

// mayMatch reports whether a topic may match the item of d (a Doc with
// nothing left out) once its feed's boilerplate is left out: when none
// may, the boilerplate need not be learned.
func (e *evaluator) mayMatch(d *filter.Doc) bool { return anyMayMatch(e.matchers, d) }

// anyMayMatch reports whether one of topics may match the item of d (a
// Doc with nothing left out) once some of its sentences are left out.
func anyMayMatch(topics []*filter.Topic, d *filter.Doc) bool {
	for _, t := range topics {
		if t.MayMatch(d) {
			return true
		}
	}
	return false
}

func (p *pass) newEvaluator(ctx context.Context) (*evaluator, error) {
	e := &evaluator{p: p, topics: p.topics, full: make([]bool, len(p.topics)),
		matches: make([][]store.Match, len(p.topics))}
	e.matchers = make([]*filter.Topic, len(p.topics))
	for i, t := range p.topics {
		e.matchers[i] = t.match
	}
	e.screen = filter.NewScreen(e.matchers...)
	for i, t := range p.topics {
		h, err := p.st.TopicHash(ctx, t.Name)
		if err != nil {
			return nil, &exitError{exitDatabase, err}
		}
		e.full[i] = h != t.hash
	}
	return e, nil
}

// saved is the fetcher's OnSaved: it evaluates a feed's new and changed
// items.
func (e *evaluator) saved(ctx context.Context, feedURL string, doc *store.Fetched, saved store.Saved) {
	if len(e.topics) == 0 || len(saved.New)+len(saved.Updated) == 0 {
		return
	}
	start := time.Now()
	// Several items may have written one row: the last one is stored.
	byID := map[int64]*store.Item{}
	var ids []int64
	for i := len(doc.Items) - 1; i >= 0; i-- {
		if it := &doc.Items[i]; it.ID != 0 && byID[it.ID] == nil {
			byID[it.ID] = it
			ids = append(ids, it.ID)
		}
	}
	slices.Sort(ids)
	fi := store.FeedItem{FeedURL: feedURL, FeedTitle: doc.Title, FeedHome: doc.Home}
	items := make([]filter.Item, len(ids))
	want := make([]bool, len(ids))
	wanted := 0
	for k, id := range ids {
		fi.Item = *byID[id]
		items[k] = filterItem(&fi, e.p.feedTitle(&fi))
		if want[k] = e.screen.Pass(items[k]); want[k] {
			wanted++
		}
	}
	type hit struct {
		topic int
		m     store.Match
	}
	var hits []hit
	var err error
	may := 0
	// Items the screen rules out match no topic, nor do those that no
	// topic may match whatever boilerplate is left out: a feed with none
	// left needs neither its boilerplate learned nor Docs.
	if wanted > 0 {
		bt := e.p.boilerplatePatterns(feedURL).Batch(feedURL, items, want)
		may = bt.Narrow(e.mayMatch)
		// The batch learns only from the items that may hold a sentence
		// of the wanted ones.
		switch {
		case may == 0: // nothing to learn for
		case saved.First:
			// All of the feed's rows are in ids: learn from the newest, as
			// FeedTexts would, without reading them back.
			bt.LearnLast(boilerplateItems)
		default:
			err = e.p.st.FeedTexts(ctx, []int64{saved.FeedID}, boilerplateItems, bt.LearnItem)
		}
		if err == nil && may > 0 {
			docs := bt.Docs()
			for k, id := range ids {
				d := docs[k]
				if d == nil {
					continue
				}
				for i, t := range e.topics {
					if r := t.match.Match(d); r.Match {
						hits = append(hits, hit{i, store.Match{ItemID: id, Score: r.Score, Reasons: reasons(r)}})
					}
				}
			}
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if err != nil {
		e.err = cmp.Or(e.err, err)
		return
	}
	e.evaluated = append(e.evaluated, ids...)
	e.prepared += wanted
	e.may += may
	if may > 0 {
		e.feeds++
	}
	for _, h := range hits {
		e.matches[h.topic] = append(e.matches[h.topic], h.m)
	}
	e.busy += time.Since(start)
}

// stored evaluates items already in the database (stored by other
// workers) for the topics evaluated incrementally; topics whose
// definition changed see every item in finish anyway.
func (e *evaluator) stored(ctx context.Context, ids []int64) error {
	// This process's own items were evaluated as they were stored.
	e.mu.Lock()
	done := make(map[int64]bool, len(e.evaluated))
	for _, id := range e.evaluated {
		done[id] = true
	}
	e.mu.Unlock()
	ids = slices.DeleteFunc(slices.Clone(ids), func(id int64) bool { return done[id] })
	if len(ids) == 0 {
		return nil
	}
	start := time.Now()
	// Every item is evaluated; those a topic may match are prepared, with
	// the boilerplate of their feeds only.
	var all []int64
	matches := make([][]store.Match, len(e.topics))
	err := e.p.storedDocs(ctx, ids, e.matchers, func(it *store.FeedItem) (bool, bool) {
		all = append(all, it.ID)
		return false, false
	}, func(it *store.FeedItem, d *filter.Doc) {
		for i, t := range e.topics {
			if r := t.match.Match(d); r.Match {
				matches[i] = append(matches[i], store.Match{ItemID: it.ID, Score: r.Score, Reasons: reasons(r)})
			}
		}
	})
	if err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.evaluated = append(e.evaluated, all...)
	for i := range matches {
		e.matches[i] = append(e.matches[i], matches[i]...)
	}
	e.busy += time.Since(start)
	return nil
}

func reasons(r filter.Result) []string {
	return append(append([]string(nil), r.Groups...), r.Terms...)
}

// finish evaluates the topics whose definition changed over the items
// stored before this pass, and records every topic's matches.
func (e *evaluator) finish(ctx context.Context) error {
	if e.err != nil {
		return &exitError{exitDatabase, e.err}
	}
	if slices.Contains(e.full, true) {
		n, err := e.p.st.Count(ctx)
		if err != nil {
			return &exitError{exitDatabase, err}
		}
		// The items evaluated during the fetch, sorted to look up: a map
		// of a cold pass's items was a tenth of its live heap.
		seen := slices.Clone(e.evaluated)
		slices.Sort(seen)
		seen = slices.Compact(seen)
		if n > len(seen) {
			var full []*filter.Topic
			for i, t := range e.topics {
				if e.full[i] {
					full = append(full, t.match)
				}
			}
			err := e.p.storedDocs(ctx, nil, full, func(it *store.FeedItem) (bool, bool) {
				_, done := slices.BinarySearch(seen, it.ID)
				return done, false
			}, func(it *store.FeedItem, d *filter.Doc) {
				for i, t := range e.topics {
					if !e.full[i] {
						continue
					}
					if r := t.match.Match(d); r.Match {
						e.matches[i] = append(e.matches[i], store.Match{ItemID: it.ID, Score: r.Score, Reasons: reasons(r)})
					}
				}
			})
			if err != nil {
				return err
			}
		}
	}
	for i, t := range e.topics {
		if !e.full[i] && len(e.evaluated) == 0 {
			continue
		}
		if err := e.p.st.SetMatches(ctx, t.Name, t.hash, e.full[i], e.evaluated, e.matches[i]); err != nil {
			return &exitError{exitDatabase, err}
		}
		if e.p.sum != nil {
			ts := e.p.sum.topic(t.Name)
			ts.Matched += len(e.matches[i])
			ts.Reevaluated = ts.Reevaluated || e.full[i]
		}
		e.p.log.Debug("topic evaluated", "topic", t.Name, "items", len(e.evaluated), "prepared", e.prepared, "may_match", e.may, "prepared_feeds", e.feeds,
			"matched", len(e.matches[i]), "full", e.full[i])
	}
	return nil
}

// boilerplateItems is how many of a feed's newest items teach what
// repeats in it.
const boilerplateItems = 200

// boilerplatePatterns is a Boilerplate that knows the configured
// patterns: the global ones and those of the feeds named (none: every
// feed's). What it learns from stored items comes on top.
func (p *pass) boilerplatePatterns(feedURLs ...string) *filter.Boilerplate {
	bp := &filter.Boilerplate{}
	for _, phrase := range p.cfg.Boilerplate {
		bp.AddPattern("", phrase)
	}
	if len(feedURLs) == 0 {
		for _, f := range p.cfg.Feeds {
			feedURLs = append(feedURLs, f.URL)
		}
	}
	for _, u := range feedURLs {
		for _, phrase := range p.feedBoilerplate[u] {
			bp.AddPattern(u, phrase)
		}
	}
	return bp
}

// boilerplate learns the repeated sentences of the given feeds (nil =
// all) from their stored items, plus the configured patterns.
func (p *pass) boilerplate(ctx context.Context, feedIDs []int64) (*filter.Boilerplate, error) {
	bp := p.boilerplatePatterns()
	err := p.st.FeedTexts(ctx, feedIDs, boilerplateItems, bp.LearnItem)
	if err != nil {
		return nil, &exitError{exitDatabase, err}
	}
	return bp, nil
}

// storedDocs calls fn with the Doc (boilerplate left out, as a run
// prepares it: the one way a stored item becomes a filter document, for
// replay, re-evaluation, explain and test) of each stored item (of ids; nil: every one) that consider
// neither skips nor lets the topics' screen rule out, and that one of the
// topics may match whatever boilerplate is left out
// (filter.Topic.MayMatch), or that it wants evaluated always. Only the
// feeds of those items have their boilerplate learned: re-evaluating a
// topic used to learn every feed's.
func (p *pass) storedDocs(ctx context.Context, ids []int64, topics []*filter.Topic,
	consider func(it *store.FeedItem) (skip, always bool), fn func(it *store.FeedItem, d *filter.Doc)) error {
	screen := filter.NewScreen(topics...)
	var kept []store.FeedItem
	feeds := map[int64]bool{}
	var feedIDs []int64
	err := p.st.EachItem(ctx, ids, func(it *store.FeedItem) error {
		skip, always := consider(it)
		if skip {
			return nil
		}
		if fi := filterItem(it, p.feedTitle(it)); !always && (!screen.Pass(fi) || !anyMayMatch(topics, filter.NewDoc(fi))) {
			return nil
		}
		kept = append(kept, *it)
		if !feeds[it.FeedID] {
			feeds[it.FeedID] = true
			feedIDs = append(feedIDs, it.FeedID)
		}
		return nil
	})
	if err != nil {
		return &exitError{exitDatabase, err}
	}
	if feedIDs == nil {
		feedIDs = []int64{} // none: nil would be every feed
	} else if len(feedIDs) > 10000 {
		feedIDs = nil // every feed, rather than that long a list
	}
	bp, err := p.boilerplate(ctx, feedIDs)
	if err != nil {
		return err
	}
	for i := range kept {
		fn(&kept[i], bp.NewDoc(filterItem(&kept[i], p.feedTitle(&kept[i]))))
	}
	return nil
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

// startProfiles starts a CPU profile and returns a function that stops it
// and writes a heap profile; either file may be "".
// peakProfile, when -memprofile is given, writes the heap in use to
// <file>.peak when grouping has placed the pass's new items, with the
// story index still held: about the most memory a pass holds.
var peakProfile func()

func startProfiles(cpu, mem string) (stop func(), err error) {
	var cf *os.File
	if cpu != "" {
		if cf, err = os.Create(cpu); err != nil {
			return nil, fmt.Errorf("-cpuprofile: %w", err)
		}
		if err := pprof.StartCPUProfile(cf); err != nil {
			cf.Close()
			return nil, fmt.Errorf("-cpuprofile: %w", err)
		}
	}
	if mem != "" {
		peakProfile = func() {
			runtime.GC()
			if mf, err := os.Create(mem + ".peak"); err == nil {
				pprof.Lookup("heap").WriteTo(mf, 0)
				mf.Close()
			}
		}
	}
	return func() {
		if cf != nil {
			pprof.StopCPUProfile()
			cf.Close()
		}
		if mem == "" {
			return
		}
		runtime.GC() // up-to-date statistics
		if mf, err := os.Create(mem); err == nil {
			pprof.Lookup("allocs").WriteTo(mf, 0)
			mf.Close()
		}
	}, nil
}
