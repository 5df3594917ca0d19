package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"
)

// checkCmd validates a configuration without touching network or database.
type checkCmd struct {
	stdout, stderr io.Writer
	now            func() time.Time
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
	now := c.now()
	for _, t := range s.topics {
		for _, m := range t.mutes {
			state := "in force until"
			if !m.InForce(now) {
				state = "expired"
			}
			fmt.Fprintf(c.stdout, "%s:%d: topic %s: mute %q %s %s\n", s.cfg.Path, m.Line, t.Name, oneLine(m.Query), state, m.Until.Format(time.RFC3339))
		}
	}
	return nil
}

// plural is n and noun, with an s unless n is 1.
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
