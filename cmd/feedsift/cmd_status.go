package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/feedsift/feedsift/fetcher"
	"github.com/feedsift/feedsift/store"
)

// statusCmd shows each feed's health from the database: what the last
// runs learned, without fetching anything.
type statusCmd struct {
	stdout, stderr io.Writer
	now            func() time.Time
}

// feedStatus is one feed's line of `feedsift status` (and its JSON).
type feedStatus struct {
	URL         string     `json:"url"`
	Title       string     `json:"title,omitempty"`
	State       string     `json:"state"` // ok, failing, rate_limited, gone, never_fetched, not_configured
	Items       int        `json:"items"`
	LastSuccess *time.Time `json:"last_success,omitempty"`
	LastCheck   *time.Time `json:"last_check,omitempty"`
	Failures    int        `json:"consecutive_failures"`
	ErrorClass  string     `json:"error_class,omitempty"`
	Error       string     `json:"error,omitempty"`
	ErrorAt     *time.Time `json:"error_at,omitempty"`
	NextFetch   *time.Time `json:"next_fetch,omitempty"` // no request before it
	Gone        *time.Time `json:"gone_since,omitempty"`
	FetchURL    string     `json:"moved_to,omitempty"` // learned permanent location
}

func (c *statusCmd) Run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("status", flag.ContinueOnError)
	path := fs.String("config", "", "configuration `file`")
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	s, err := load(*path)
	if err != nil {
		return err
	}
	now := time.Now
	if c.now != nil {
		now = c.now
	}
	rows := map[string]store.Feed{}
	// status never creates a database: a missing one is an error that
	// says so (openStore).
	st, err := openStore(ctx, s.cfg.Database)
	if err != nil {
		return err
	}
	defer st.Close()
	feeds, err := st.Feeds(ctx)
	if err != nil {
		return &exitError{exitDatabase, fmt.Errorf("database %s: %w", s.cfg.Database, err)}
	}
	for _, f := range feeds {
		rows[f.URL] = f
	}
	var out []feedStatus
	for _, cf := range s.cfg.Feeds {
		f, ok := rows[cf.URL]
		delete(rows, cf.URL)
		fs := statusOf(f, ok, now())
		fs.URL, fs.Title = cf.URL, cf.Title
		out = append(out, fs)
	}
	for _, f := range rows { // stored, but no longer in the config
		fs := statusOf(f, true, now())
		fs.State = "not_configured"
		out = append(out, fs)
	}
	// A password or token in a feed's URL is not shown.
	for i := range out {
		out[i].URL, out[i].FetchURL = fetcher.RedactURL(out[i].URL), fetcher.RedactURL(out[i].FetchURL)
		out[i].Error = fetcher.RedactText(out[i].Error)
	}
	if *asJSON {
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	return writeStatusTable(c.stdout, out, now())
}

func statusOf(f store.Feed, ok bool, now time.Time) feedStatus {
	fs := feedStatus{URL: f.URL, Items: f.Items, Failures: f.Failures, ErrorClass: f.ErrorClass, Error: f.Error, FetchURL: f.FetchURL}
	tp := func(t time.Time) *time.Time {
		if t.IsZero() {
			return nil
		}
		return &t
	}
	fs.LastSuccess, fs.LastCheck, fs.ErrorAt = tp(f.SuccessAt), tp(f.CheckedAt), tp(f.ErrorAt)
	fs.Gone = tp(f.GoneAt)
	if f.NextFetchAt.After(now) {
		fs.NextFetch = tp(f.NextFetchAt)
	}
	switch {
	case !ok:
		fs.State = "never_fetched"
	case !f.GoneAt.IsZero():
		fs.State = "gone"
	case f.ErrorClass == "rate_limited" && fs.NextFetch != nil:
		fs.State = "rate_limited"
	case f.Error != "":
		fs.State = "failing"
	default:
		fs.State = "ok"
	}
	return fs
}

// writeStatusTable prints an aligned table: one feed a line, times as
// ages ("5m ago", "in 2h").
func writeStatusTable(w io.Writer, fs []feedStatus, now time.Time) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FEED\tSTATE\tITEMS\tLAST SUCCESS\tFAILURES\tNEXT FETCH\tMOVED TO\tLAST ERROR")
	for _, f := range fs {
		errText := "-"
		if f.Error != "" {
			// The row keeps the whole log line; the feed is named already.
			errText = trimTo(strings.TrimPrefix(f.Error, "feed "+f.URL+": "), 120)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%d\t%s\t%s\t%s\n", f.URL, f.State, f.Items, age(f.LastSuccess, now),
			f.Failures, age(f.NextFetch, now), dash(f.FetchURL), errText)
	}
	return tw.Flush()
}

func age(t *time.Time, now time.Time) string {
	if t == nil {
		return "-"
	}
	d := now.Sub(*t).Round(time.Second)
	if d < 0 {
		return "in " + (-d).String()
	}
	return d.String() + " ago"
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func trimTo(s string, n int) string {
	if len(s) <= n {
		return s
	}
	r := []rune(s)
	if len(r) > n {
		r = r[:n]
	}
	return string(r) + "…"
}
