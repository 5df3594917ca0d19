package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"

	"github.com/feedsift/feedsift/store"
	"github.com/feedsift/feedsift/store/pg"
)

// dbCmd moves an installation between engines: db copy.
type dbCmd struct {
	stdout, stderr io.Writer
}

func (c *dbCmd) Run(ctx context.Context, args []string) error {
	if len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
		writeFamilyHelp(c.stdout, "db")
		return errHelp
	}
	if len(args) == 0 || args[0] != "copy" {
		return &exitError{exitUsage, errors.New("want: db copy -from FILE.db -to postgres://…")}
	}
	fs := flag.NewFlagSet("db copy", flag.ContinueOnError)
	from := fs.String("from", "", "the SQLite database `file` to copy")
	to := fs.String("to", "", "the PostgreSQL database `url` (postgres://…) to copy into; it must hold no feeds")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if *from == "" || *to == "" {
		return &exitError{exitUsage, errors.New("db copy: -from FILE.db and -to postgres://… are required")}
	}
	if !pg.IsURL(*to) {
		return &exitError{exitUsage, fmt.Errorf("db copy: -to %q: want a postgres:// or postgresql:// URL", *to)}
	}
	if !isFile(*from) {
		return &exitError{exitDatabase, fmt.Errorf("database %s does not exist", *from)}
	}
	// The source is locked as a run would lock it, so that no pass
	// changes it during the copy.
	unlock, err := lockRun(ctx, *from, 0)
	if err != nil {
		return err
	}
	defer unlock()
	src, err := store.Open(ctx, *from)
	if err != nil {
		return &exitError{exitDatabase, err}
	}
	defer src.Close()
	dst, err := pg.Open(ctx, *to)
	if err != nil {
		return &exitError{exitDatabase, err}
	}
	defer dst.Close()
	dropped, err := dst.Import(ctx, src)
	if err != nil {
		return &exitError{exitDatabase, err}
	}
	for _, col := range dropped {
		fmt.Fprintf(c.stderr, "feedsift db copy: column %s is not in the PostgreSQL schema: not copied\n", col)
	}
	want, err := src.Summarize(ctx)
	if err != nil {
		return &exitError{exitDatabase, err}
	}
	got, err := dst.Summarize(ctx)
	if err != nil {
		return &exitError{exitDatabase, err}
	}
	for _, t := range store.Tables {
		fmt.Fprintf(c.stdout, "%-14s %d rows\n", t, got.Rows[t])
	}
	fmt.Fprintf(c.stdout, "item keys      sha256 %s\n", got.ItemKeys)
	if !maps.Equal(got.Rows, want.Rows) || got.ItemKeys != want.ItemKeys {
		return &exitError{exitDatabase, fmt.Errorf("db copy: %s and %s differ after the copy: rows %v vs %v, item keys %s vs %s",
			*from, dst.Path(), want.Rows, got.Rows, want.ItemKeys, got.ItemKeys)}
	}
	fmt.Fprintf(c.stdout, "copied %s to %s: row counts and item-key checksum agree\n", *from, dst.Path())
	return nil
}
