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
	for _, w := range s.warnings {
		fmt.Fprintf(c.stderr, "warning: %s\n", w)
	}
	fmt.Fprintf(c.stdout, "%s: ok: %s, %s, %s\n", s.cfg.Path, plural(len(s.cfg.Feeds), "feed"), plural(len(s.cfg.Groups), "group"), plural(len(s.topics), "topic"))
	return nil
}

// plural is n and noun, with an s unless n is 1.
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
