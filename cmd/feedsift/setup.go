package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"

	"github.com/feedsift/feedsift/config"
	"github.com/feedsift/feedsift/feedout"
	"github.com/feedsift/feedsift/fetcher"
	"github.com/feedsift/feedsift/filter"
)

// errHelp is returned by a command that has printed its help itself.
var errHelp = errors.New("help shown")

// parseFlags parses args, turning -h into a helpError (runWith prints
// the command's help) and bad flags into a usage error.
func parseFlags(fs *flag.FlagSet, args []string) error {
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return &helpError{fs}
		}
		return flagError(fs, err)
	}
	if fs.NArg() > 0 {
		return flagError(fs, fmt.Errorf("unexpected argument %q", fs.Arg(0)))
	}
	return nil
}

// flagError is a usage error that points to the command's help.
func flagError(fs *flag.FlagSet, err error) error {
	return &exitError{exitUsage, fmt.Errorf("%w ('feedsift %s -h' lists its flags)", err, fs.Name())}
}

// configPath is -config's value, or where config.Find finds the file.
func configPath(path string) (string, error) {
	if path != "" {
		return path, nil
	}
	found, err := config.Find(os.Getenv)
	if err != nil {
		return "", &exitError{exitUsage, err}
	}
	return found, nil
}

// topic is a configured topic, compiled.
type topic struct {
	config.Topic
	match *filter.Topic
	hash  string // of everything that decides what it matches
	mutes []mute
}

// mute is a compiled [[topics.mute]].
type mute struct {
	config.Mute
	match *filter.Topic
}

// setup is a loaded configuration with its topics compiled: everything
// that can be checked without network or database.
type setup struct {
	cfg    *config.Config
	topics []topic
	// warnings are things that compile but are likely not what the
	// author meant, each placed at file:line:col.
	warnings []string
	// feedBoilerplate is each feed's configured boilerplate patterns, by
	// URL: looked up once a feed is saved.
	feedBoilerplate map[string][]string
}

// load reads the config and compiles every topic; any problem is a usage
// error naming file:line:col.
func load(path string) (*setup, error) {
	path, err := configPath(path)
	if err != nil {
		return nil, err
	}
	cfg, err := config.Load(path)
	if err != nil {
		return nil, &exitError{exitUsage, err}
	}
	if err := importOPML(cfg); err != nil {
		return nil, &exitError{exitUsage, err}
	}
	groups := make([]filter.GroupSpec, len(cfg.Groups))
	gh := sha256.New()
	for i, g := range cfg.Groups {
		groups[i] = filter.GroupSpec{Name: g.Name, Terms: g.Terms, Stem: g.Stem, FoldDiacritics: g.FoldDiacritics}
		fmt.Fprintf(gh, "%q %q %q %v\n", g.Name, g.Terms, g.Stem, g.FoldDiacritics)
	}
	groupsHash := hex.EncodeToString(gh.Sum(nil))
	compiled, err := filter.CompileGroups(groups)
	if err != nil {
		return nil, &exitError{exitUsage, groupError(cfg, err)}
	}
	s := &setup{cfg: cfg, feedBoilerplate: map[string][]string{}}
	for _, f := range cfg.Feeds {
		if len(f.Boilerplate) > 0 {
			s.feedBoilerplate[f.URL] = f.Boilerplate
		}
	}
	var errs []error
	for i, t := range cfg.Topics {
		m, err := compiled.Compile(filter.TopicSpec{Name: t.Name, Query: t.Query, Threshold: t.Threshold, FoldDiacritics: t.FoldDiacritics})
		if err != nil {
			errs = append(errs, topicError(cfg, i, err))
			continue
		}
		if m.Size() > filter.MaxSize/2 {
			s.warnings = append(s.warnings, cfg.TopicError(i, fmt.Sprintf("the query is %d nodes with its groups written out, of the %d allowed; each item's match costs in proportion", m.Size(), filter.MaxSize)).Error())
		}
		for _, w := range m.Warnings() {
			s.warnings = append(s.warnings, cfg.QueryError(i, w.Offset, w.Msg).Error())
		}
		h := sha256.Sum256([]byte(fmt.Sprintf("%d\n%q\n%v %v\n%s", filter.Version, t.Query, t.Threshold, t.FoldDiacritics, groupsHash)))
		tp := topic{Topic: t, match: m, hash: hex.EncodeToString(h[:16])}
		for j, mu := range t.Mutes {
			mm, err := compiled.Compile(filter.TopicSpec{Name: fmt.Sprintf("%s/mute-%d", t.Name, j+1), Query: mu.Query, FoldDiacritics: t.FoldDiacritics})
			if err != nil {
				var fe *filter.Error
				if errors.As(err, &fe) && fe.Group == "" {
					errs = append(errs, cfg.MuteError(i, j, fe.Offset, fe.Msg))
				} else {
					errs = append(errs, topicError(cfg, i, err))
				}
				continue
			}
			tp.mutes = append(tp.mutes, mute{Mute: mu, match: mm})
		}
		s.topics = append(s.topics, tp)
	}
	if len(errs) > 0 {
		return nil, &exitError{exitUsage, errors.Join(errs...)}
	}
	return s, nil
}

// importOPML adds the feeds of the configured OPML files (newsboat's and
// FreshRSS's exports, among others) to cfg.Feeds, skipping ones already
// listed.
func importOPML(cfg *config.Config) error {
	seen := map[string]bool{}
	for _, f := range cfg.Feeds {
		seen[f.URL] = true
	}
	for _, path := range cfg.OPML {
		f, err := os.Open(path)
		if err != nil {
			return fmt.Errorf("%s: opml: %w", cfg.Path, err)
		}
		feeds, err := feedout.ReadOPML(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("opml %s: %w", path, err)
		}
		for _, o := range feeds {
			u, err := url.Parse(o.XMLURL)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				return fmt.Errorf("opml %s: feed %q: want an absolute http or https URL", path, o.XMLURL)
			}
			if seen[u.String()] {
				continue
			}
			seen[u.String()] = true
			cfg.Feeds = append(cfg.Feeds, config.Feed{URL: u.String(), Title: o.Title, FromList: path})
		}
	}
	return nil
}

// groupError places an error in a group definition in the config file.
func groupError(cfg *config.Config, err error) error {
	var fe *filter.Error
	if errors.As(err, &fe) && fe.Group != "" {
		if fe.Term < 0 {
			return cfg.GroupError(fe.Group, fe.Msg)
		}
		return cfg.TermError(fe.Group, fe.Term, fe.Offset, fe.Msg)
	}
	return &config.Error{File: cfg.Path, Msg: err.Error()}
}

// queryPlace is how the filter names a place in a query.
var queryPlace = regexp.MustCompile(`(?:line (\d+), )?column (\d+)`)

// offsetOf turns a 1-based line and rune column of src into a byte offset.
func offsetOf(src string, line, col int) (int, bool) {
	l, c := 1, 1
	for i, r := range src {
		if l == line && c == col {
			return i, true
		}
		if r == '\n' {
			l, c = l+1, 1
		} else {
			c++
		}
	}
	return len(src), l == line && c == col
}

// topicError places a filter error in the config file.
func topicError(cfg *config.Config, i int, err error) error {
	var fe *filter.Error
	if !errors.As(err, &fe) {
		return cfg.TopicError(i, err.Error())
	}
	if fe.Group != "" {
		return groupError(cfg, err)
	}
	// The filter says "at line 2, column 10" of the query; say where that
	// is in the file.
	msg := queryPlace.ReplaceAllStringFunc(fe.Msg, func(m string) string {
		sub := queryPlace.FindStringSubmatch(m)
		line, col := 1, 0
		if sub[1] != "" {
			line, _ = strconv.Atoi(sub[1])
		}
		col, _ = strconv.Atoi(sub[2])
		off, ok := offsetOf(cfg.Topics[i].Query, line, col)
		if !ok {
			return m
		}
		e := cfg.QueryError(i, off, "")
		return fmt.Sprintf("%d:%d", e.Line, e.Col)
	})
	return cfg.QueryError(i, fe.Offset, msg)
}

// newLogger returns the logger for a command: text on stderr, debug with
// -v, JSON with -log-format json.
func newLogger(w io.Writer, verbose bool, format string) (*slog.Logger, error) {
	level := slog.LevelInfo
	if verbose {
		level = slog.LevelDebug
	}
	opts := &slog.HandlerOptions{Level: level, ReplaceAttr: redactAttr}
	switch strings.ToLower(format) {
	case "", "text":
		return slog.New(redactHandler{slog.NewTextHandler(w, opts)}), nil
	case "json":
		return slog.New(redactHandler{slog.NewJSONHandler(w, opts)}), nil
	}
	return nil, &exitError{exitUsage, fmt.Errorf("-log-format %q: want text or json", format)}
}

// redactAttr hides the secrets of URLs in a log attribute's value (a
// feed's URL, an error's text).
func redactAttr(_ []string, a slog.Attr) slog.Attr {
	switch v := a.Value.Resolve(); v.Kind() {
	case slog.KindString:
		a.Value = slog.StringValue(fetcher.RedactText(v.String()))
	case slog.KindAny:
		if err, ok := v.Any().(error); ok {
			a.Value = slog.StringValue(fetcher.RedactText(err.Error()))
		}
	}
	return a
}

// redactHandler hides the secrets of URLs in a log line's message, which
// ReplaceAttr does not see (a fetch error's text is the message of its
// warning).
type redactHandler struct{ slog.Handler }

func (h redactHandler) Handle(ctx context.Context, r slog.Record) error {
	if msg := fetcher.RedactText(r.Message); msg != r.Message {
		nr := slog.NewRecord(r.Time, r.Level, msg, r.PC)
		r.Attrs(func(a slog.Attr) bool { nr.AddAttrs(a); return true })
		r = nr
	}
	return h.Handler.Handle(ctx, r)
}

func (h redactHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return redactHandler{h.Handler.WithAttrs(as)}
}

func (h redactHandler) WithGroup(name string) slog.Handler {
	return redactHandler{h.Handler.WithGroup(name)}
}
