package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
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
	budget := fs.Duration("budget", 0, "time `budget` of the run: no fetch starts after it (default: the config's budget, else none)")
	force := fs.Bool("force", false, "fetch feeds that are not due (Retry-After, back-off) or gone")
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
	now := c.now
	if now == nil {
		now = time.Now
	}
	if *budget < 0 {
		return &exitError{exitUsage, fmt.Errorf("-budget %s: want a positive duration", *budget)}
	}
	if *budget > 0 {
		s.cfg.Budget = *budget
	}
	p := &pass{setup: s, log: log, now: now, force: *force}
	return p.run(ctx)
}

// pass is one run of the pipeline over a loaded setup.
type pass struct {
	*setup
	log *slog.Logger
	now func() time.Time
	st  *store.Store

	force bool // -force: fetch feeds that are not due or gone

	titles map[string]string // configured feed titles by URL
}

// summary is what one pass did.
type summary struct {
	Feeds, Fetched, NotModified, Failed int
	Skipped                             int // not due, gone, or over the budget
	New, Updated                        int
	Matches                             map[string]int
	Outputs                             int
}

func (p *pass) run(ctx context.Context) error {
	start := time.Now()
	cfg := p.cfg
	if err := os.MkdirAll(cfg.OutputDir, 0o755); err != nil {
		return &exitError{exitFailure, fmt.Errorf("output directory: %w", err)}
	}
	if dir := filepath.Dir(cfg.Database); !isDir(dir) {
		return &exitError{exitDatabase, fmt.Errorf("database %s: directory %s does not exist", cfg.Database, dir)}
	}
	unlock, err := lockRun(cfg.Database)
	if err != nil {
		return err
	}
	defer unlock()
	st, err := store.Open(ctx, cfg.Database)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return &exitError{exitDatabase, err}
	}
	defer st.Close()
	p.st = st

	// Fetch.
	feeds := make([]fetcher.Feed, len(cfg.Feeds))
	p.titles = make(map[string]string, len(cfg.Feeds))
	for i, f := range cfg.Feeds {
		feeds[i] = fetcher.Feed{URL: f.URL, Title: f.Title, TLSInsecure: f.TLSInsecure, CAFile: f.CAFile}
		p.titles[f.URL] = f.Title
	}
	fr := fetcher.New(st, fetcher.Options{
		Concurrency:  cfg.Concurrency,
		PerHost:      cfg.PerHost,
		Timeout:      cfg.Timeout,
		MaxBodyBytes: int64(cfg.MaxBodyMB) << 20,
		UserAgent:    cfg.UserAgent,
		Logger:       p.log,
		Now:          p.now,

		AllowPrivateNetworks: cfg.AllowPrivateNetworks,
		Budget:               cfg.Budget,
		Force:                p.force,
	})
	results := fr.Run(ctx, feeds)
	sum := summary{Feeds: len(feeds), Matches: map[string]int{}}
	var changed []int64
	var storeErr error
	for _, r := range results {
		switch r.Status {
		case fetcher.Fetched:
			sum.Fetched++
		case fetcher.NotModified:
			sum.NotModified++
		case fetcher.Failed:
			sum.Failed++
			if r.Err.Class == fetcher.ClassStore && storeErr == nil {
				storeErr = r.Err // the database, not the feed: the run fails
			}
		case fetcher.Skipped:
			sum.Skipped++
		}
		sum.New += len(r.Saved.New)
		sum.Updated += len(r.Saved.Updated)
		changed = append(changed, r.Saved.New...)
		changed = append(changed, r.Saved.Updated...)
	}
	if err := ctx.Err(); err != nil {
		p.log.Warn("run interrupted: finished feeds are stored, outputs not rewritten")
		return err
	}

	// Filter, then write.
	if err := p.evaluate(ctx, changed, &sum); err != nil {
		return err
	}
	var outErrs []error
	for _, t := range p.topics {
		n, err := p.writeTopic(ctx, t)
		if err != nil {
			outErrs = append(outErrs, err)
			p.log.Error("cannot write topic", "topic", t.Name, "err", err)
			continue
		}
		sum.Matches[t.Name] = n
		sum.Outputs++
	}
	p.log.Info("run finished", summaryAttrs(sum, time.Since(start))...)
	if storeErr != nil {
		outErrs = append(outErrs, storeErr)
	}
	if len(outErrs) > 0 {
		return &exitError{exitFailure, errors.Join(outErrs...)}
	}
	return nil
}

func summaryAttrs(s summary, d time.Duration) []any {
	names := make([]string, 0, len(s.Matches))
	for n := range s.Matches {
		names = append(names, n)
	}
	sort.Strings(names)
	var m []string
	for _, n := range names {
		m = append(m, fmt.Sprintf("%s=%d", n, s.Matches[n]))
	}
	return []any{"feeds", s.Feeds, "fetched", s.Fetched, "not_modified", s.NotModified, "failed", s.Failed, "skipped", s.Skipped,
		"new_items", s.New, "updated_items", s.Updated, "entries", strings.Join(m, ","),
		"outputs", s.Outputs, "duration", d.Round(time.Millisecond)}
}

// evaluate matches topics against items: only the new and changed ones,
// or every stored item for a topic whose definition changed.
func (p *pass) evaluate(ctx context.Context, changed []int64, sum *summary) error {
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
	err := p.st.EachItem(ctx, ids, func(it *store.FeedItem) error {
		evaluated = append(evaluated, it.ID)
		doc := filter.NewDoc(filterItem(it, p.feedTitle(it)))
		for i, t := range topics {
			r := t.match.Match(doc)
			if !r.Match {
				continue
			}
			reasons := append(append([]string(nil), r.Groups...), r.Terms...)
			matches[i] = append(matches[i], store.Match{ItemID: it.ID, Score: r.Score, Reasons: reasons})
		}
		return nil
	})
	if err != nil {
		return &exitError{exitDatabase, err}
	}
	for i, t := range topics {
		if err := p.st.SetMatches(ctx, t.Name, t.hash, all, evaluated, matches[i]); err != nil {
			return &exitError{exitDatabase, err}
		}
		p.log.Debug("topic evaluated", "topic", t.Name, "items", len(evaluated), "matched", len(matches[i]), "full", all)
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
