package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/feedsift/feedsift/store"
)

// pruneCmd deletes old items as keep_days and keep_matched_days say. Every
// run does the same at its end; this is for doing it now, or seeing what
// it would do (-dry-run), or compacting the file (-vacuum).
type pruneCmd struct {
	stdout, stderr io.Writer
	now            func() time.Time
}

func (c *pruneCmd) Run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("prune", flag.ContinueOnError)
	path := fs.String("config", "", "configuration `file`")
	dryRun := fs.Bool("dry-run", false, "count what would be deleted; delete nothing")
	vacuum := fs.Bool("vacuum", false, "compact the database file afterwards (VACUUM), however little was freed")
	lockWait := fs.Duration("lock-wait", 0, "wait up to `duration` for a running pass to finish")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	s, err := load(*path)
	if err != nil {
		return err
	}
	if s.cfg.KeepDays == 0 && !*vacuum {
		if *dryRun {
			fmt.Fprintf(c.stdout, "would delete nothing: %s sets no keep_days, so retention is off and every item is kept\n", s.cfg.Path)
			return nil
		}
		return &exitError{exitUsage, fmt.Errorf("%s: no keep_days: retention is off, every item is kept", s.cfg.Path)}
	}
	st, unlock, err := openLocked(ctx, s.cfg.Database, *lockWait)
	if err != nil {
		return err
	}
	defer unlock()
	defer st.Close()
	p := &pass{setup: s, log: slog.New(slog.DiscardHandler), now: c.now, st: st}
	r, err := p.retention(ctx, c.now())
	if err != nil {
		return &exitError{exitDatabase, err}
	}
	r.DryRun = *dryRun
	pr, err := st.Prune(ctx, r)
	if err != nil {
		return &exitError{exitDatabase, err}
	}
	verb := "deleted"
	if *dryRun {
		verb = "would delete"
	}
	fmt.Fprintf(c.stdout, "%s %d unmatched items (keep_days = %d) and %d matched items (keep_matched_days = %d)\n",
		verb, pr.Unmatched, s.cfg.KeepDays, pr.Matched, s.cfg.KeepMatchedDays)
	if *vacuum && !*dryRun {
		if _, err := st.Vacuum(ctx, true); err != nil {
			return &exitError{exitDatabase, err}
		}
		fmt.Fprintln(c.stdout, "database compacted")
	}
	return nil
}

// retention is the configured retention at now: what prune and the end of
// every run delete. Every item a topic's output shows, and every copy of
// a story an entry lists, is kept (shownOf decides what that is).
func (p *pass) retention(ctx context.Context, now time.Time) (store.Retention, error) {
	var r store.Retention
	for _, t := range p.topics {
		ms, copies, err := p.shown(ctx, t)
		if err != nil {
			return r, fmt.Errorf("topic %s: %w", t.Name, err)
		}
		for _, m := range ms {
			r.Keep = append(r.Keep, m.ID)
			for _, c := range copies[m.ID] {
				r.Keep = append(r.Keep, c.ID)
			}
		}
	}
	day := 24 * time.Hour
	if p.cfg.KeepDays > 0 {
		r.UnmatchedBefore = now.Add(-time.Duration(p.cfg.KeepDays) * day)
	}
	if p.cfg.KeepMatchedDays > 0 {
		r.MatchedBefore = now.Add(-time.Duration(p.cfg.KeepMatchedDays) * day)
	}
	return r, nil
}

// autoPrune applies the retention at the end of a run, once the outputs
// are written, and compacts the file when much of it is free (rarely).
func (p *pass) autoPrune(ctx context.Context) error {
	if p.cfg.KeepDays == 0 {
		return nil
	}
	r, err := p.retention(ctx, p.now())
	if err != nil {
		return &exitError{exitDatabase, fmt.Errorf("prune: %w", err)}
	}
	pr, err := p.st.Prune(ctx, r)
	if err != nil {
		return &exitError{exitDatabase, fmt.Errorf("prune: %w", err)}
	}
	p.sum.Pruned = pr.Unmatched + pr.Matched
	if p.sum.Pruned > 0 {
		p.log.Info("items pruned", "unmatched", pr.Unmatched, "matched", pr.Matched)
	}
	ran, err := p.st.Vacuum(ctx, false)
	if err != nil {
		return &exitError{exitDatabase, fmt.Errorf("vacuum: %w", err)}
	}
	if ran {
		p.log.Info("database compacted")
	}
	return nil
}

// openLocked takes the run lock and opens the database, for commands that
// write to it outside a run.
func openLocked(ctx context.Context, database string, wait time.Duration) (db, func(), error) {
	unlock, err := lockDB(ctx, database, wait)
	if err != nil {
		return nil, nil, err
	}
	st, err := openStore(ctx, database)
	if err != nil {
		unlock()
		return nil, nil, err
	}
	return st, unlock, nil
}

// openStore opens an existing database; a missing one is an error rather
// than a new empty file.
func openStore(ctx context.Context, database string) (db, error) {
	if !isServer(database) && !isFile(database) {
		return nil, &exitError{exitDatabase, fmt.Errorf("database %s does not exist (run feedsift run first)", database)}
	}
	return openDB(ctx, database)
}
