package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"
	"time"

	"github.com/feedsift/feedsift/feedout"
	"github.com/feedsift/feedsift/fetcher"
)

// summary is what one pass did: logged as one line at its end ("run
// finished") and, with -json FILE, written as JSON for monitoring. Field
// names are a contract with whoever reads the file: add, never rename.
type summary struct {
	Started  time.Time `json:"started"`
	Duration float64   `json:"duration_seconds"`
	ExitCode int       `json:"exit_code"`
	Error    string    `json:"error,omitempty"`

	Feeds       int `json:"feeds"`
	Fetched     int `json:"fetched"`
	NotModified int `json:"not_modified"`
	Failed      int `json:"failed"`
	Skipped     int `json:"skipped"` // not started: the time budget was spent

	New     int `json:"new_items"`
	Updated int `json:"updated_items"`

	Topics  []topicSummary `json:"topics"`
	Outputs int            `json:"outputs"` // topic files written
	Pruned  int            `json:"pruned_items"`

	FailedFeeds []feedFailure `json:"failed_feeds"`
}

// topicSummary is one topic's part of a run.
type topicSummary struct {
	Name        string `json:"name"`
	Reevaluated bool   `json:"reevaluated"` // its definition changed: every stored item was matched again
	Matched     int    `json:"matched"`     // items it matched among those evaluated in this run
	Entries     int    `json:"entries"`     // entries in its output
	Written     bool   `json:"written"`
}

// feedFailure is one failed feed, as the warning logged it.
type feedFailure struct {
	URL   string `json:"url"`
	Class string `json:"class"`
	Error string `json:"error"`
}

// count adds the fetcher's results.
func (s *summary) count(results []fetcher.Result) {
	s.Feeds = len(results)
	for _, r := range results {
		switch r.Status {
		case fetcher.Fetched:
			s.Fetched++
		case fetcher.NotModified:
			s.NotModified++
		case fetcher.Failed:
			s.Failed++
			if r.Err != nil {
				s.FailedFeeds = append(s.FailedFeeds, feedFailure{URL: fetcher.RedactURL(r.URL), Class: r.Err.Class, Error: fetcher.RedactText(r.Err.Error())})
			}
		case fetcher.Skipped:
			s.Skipped++
		}
		s.New += len(r.Saved.New)
		s.Updated += len(r.Saved.Updated)
	}
}

// topic returns the topic's entry, adding it if needed.
func (s *summary) topic(name string) *topicSummary {
	for i := range s.Topics {
		if s.Topics[i].Name == name {
			return &s.Topics[i]
		}
	}
	s.Topics = append(s.Topics, topicSummary{Name: name})
	return &s.Topics[len(s.Topics)-1]
}

// attrs is the summary as the attributes of the "run finished" line:
// constant keys, in a fixed order.
func (s *summary) attrs() []any {
	ts := append([]topicSummary(nil), s.Topics...)
	sort.Slice(ts, func(i, j int) bool { return ts[i].Name < ts[j].Name })
	var entries []string
	for _, t := range ts {
		entries = append(entries, fmt.Sprintf("%s=%d", t.Name, t.Entries))
	}
	return []any{"feeds", s.Feeds, "fetched", s.Fetched, "not_modified", s.NotModified,
		"failed", s.Failed, "skipped", s.Skipped,
		"new_items", s.New, "updated_items", s.Updated, "entries", strings.Join(entries, ","),
		"outputs", s.Outputs, "pruned", s.Pruned,
		"duration", (time.Duration(s.Duration * float64(time.Second))).Round(time.Millisecond)}
}

// log writes the one-line summary: a warning when something failed, so
// that it shows even where only warnings are read.
func (s *summary) log(log *slog.Logger) {
	level := slog.LevelInfo
	if s.Failed > 0 || s.ExitCode != exitOK {
		level = slog.LevelWarn
	}
	log.Log(context.Background(), level, "run finished", s.attrs()...)
}

// writeJSON writes the summary to path, replacing it atomically so that a
// monitor never reads half a file.
func (s *summary) writeJSON(path string) error {
	if s.Topics == nil {
		s.Topics = []topicSummary{}
	}
	if s.FailedFeeds == nil {
		s.FailedFeeds = []feedFailure{}
	}
	return feedout.WriteFile(path, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(s)
	})
}
