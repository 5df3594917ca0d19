package main

import (
	"context"
	"flag"
	"fmt"
	"io"
)

// checkCmd validates a configuration without touching network or database.
type checkCmd struct {
	stdout, stderr io.Writer
}

func (c *checkCmd) Run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	path := fs.String("config", "", "configuration `file`")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	s, err := load(*path)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "%s: ok: %d feeds, %d groups, %d topics\n", *path, len(s.cfg.Feeds), len(s.cfg.Groups), len(s.topics))
	return nil
}
