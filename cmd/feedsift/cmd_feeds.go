package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/feedsift/feedsift/config"
	"github.com/feedsift/feedsift/feedout"
	"github.com/feedsift/feedsift/fetcher"
	"github.com/feedsift/feedsift/store"
)

// feedsCmd manages the [[feeds]] of the configuration file. It edits the
// file as text: new [[feeds]] blocks go after the last one, and every
// other byte (comments, order, layout) stays as the user wrote it. The
// edited file is parsed before it replaces the old one.
type feedsCmd struct {
	stdout, stderr io.Writer
	now            func() time.Time
	// transport replaces the guarded one for autodiscovery (tests).
	transport http.RoundTripper
}

func (c *feedsCmd) Run(ctx context.Context, args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
			writeFamilyHelp(c.stdout, "feeds")
			return errHelp
		}
		return &exitError{exitUsage, errors.New("want a subcommand: add, list, import or export")}
	}
	sub, args := args[0], args[1:]
	switch sub {
	case "add":
		return c.add(ctx, args)
	case "list":
		return c.list(ctx, args)
	case "import":
		return c.importOPML(args)
	case "export":
		return c.export(ctx, args)
	}
	return &exitError{exitUsage, fmt.Errorf("unknown subcommand %q: want add, list, import or export", sub)}
}

// parseArgs parses flags given before or after the n positional
// arguments it returns.
func parseArgs(fs *flag.FlagSet, args []string, n int, names string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, &helpError{fs}
			}
			return nil, flagError(fs, err)
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(pos) != n {
		return nil, &exitError{exitUsage, fmt.Errorf("want %s", names)}
	}
	return pos, nil
}

// add appends the feed at a URL, or the feed an HTML page announces.
func (c *feedsCmd) add(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("feeds add", flag.ContinueOnError)
	path := fs.String("config", "", "configuration `file`")
	title := fs.String("title", "", "the feed's `title` in the topics' outputs (default: the feed's own)")
	pos, err := parseArgs(fs, args, 1, "one URL")
	if err != nil {
		return err
	}
	cfg, data, err := loadForEdit(*path)
	if err != nil {
		return err
	}
	raw := pos[0]
	found, err := fetcher.New(nil, fetcher.Options{
		UserAgent: cfg.UserAgent, Timeout: cfg.Timeout, MaxBodyBytes: int64(cfg.MaxBodyMB) << 20,
		AllowPrivateNetworks: cfg.AllowPrivateNetworks, Transport: c.transport,
	}).Discover(ctx, raw)
	if err != nil {
		return &exitError{exitFailure, err}
	}
	feedURL, feedTitle, others := found.URL, found.Title, found.Others
	if i := cfg.FeedIndex(feedURL); i >= 0 {
		return &exitError{exitUsage, fmt.Errorf("%s is already listed as feed %d in %s", feedURL, i+1, cfg.Path)}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# %s (added by feedsift feeds add on %s)\n", oneLine(orDefault(feedTitle, feedURL)), c.now().Format("2006-01-02"))
	writeFeed(&b, feedURL, *title)
	if err := appendFeeds(cfg, data, b.String(), 1); err != nil {
		return err
	}
	if feedURL != raw {
		fmt.Fprintf(c.stdout, "found %s on %s\n", feedURL, raw)
	}
	for _, o := range others {
		fmt.Fprintf(c.stdout, "the page also announces %s\n", o)
	}
	fmt.Fprintf(c.stdout, "added %s to %s\n", feedURL, cfg.Path)
	return nil
}

// list prints the configured feeds with what the database knows of them.
func (c *feedsCmd) list(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("feeds list", flag.ContinueOnError)
	path := fs.String("config", "", "configuration `file`")
	if _, err := parseArgs(fs, args, 0, "no arguments"); err != nil {
		return err
	}
	cfg, _, err := loadForEdit(*path)
	if err != nil {
		return err
	}
	state, err := feedState(ctx, cfg)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "URL\tTITLE\tITEMS\tLAST SUCCESS\tSTATE")
	for _, f := range cfg.Feeds {
		st, ok := state[f.URL]
		title := orDefault(f.Title, st.Title)
		switch {
		case !ok:
			fmt.Fprintf(tw, "%s\t%s\t-\t-\tnever fetched\n", fetcher.RedactURL(f.URL), orDefault(title, "-"))
		default:
			health := "ok"
			if st.Failures > 0 {
				health = fmt.Sprintf("failing %d× (%s)", st.Failures, st.ErrorClass)
			}
			last := "never"
			if !st.SuccessAt.IsZero() {
				last = st.SuccessAt.UTC().Format("2006-01-02 15:04")
			}
			fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\n", fetcher.RedactURL(f.URL), orDefault(title, "-"), st.Items, last, health)
		}
	}
	return tw.Flush()
}

// feedState reads what the database knows of the feeds, if there is a
// database; it never creates one.
func feedState(ctx context.Context, cfg *config.Config) (map[string]store.Feed, error) {
	state := map[string]store.Feed{}
	if !isServer(cfg.Database) && !isFile(cfg.Database) {
		return state, nil
	}
	st, err := openStore(ctx, cfg.Database)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	fs, err := st.Feeds(ctx)
	if err != nil {
		return nil, &exitError{exitDatabase, err}
	}
	for _, f := range fs {
		state[f.URL] = f
	}
	return state, nil
}

// importOPML appends the feeds of an OPML subscription list that the
// configuration does not list yet.
func (c *feedsCmd) importOPML(args []string) error {
	fs := flag.NewFlagSet("feeds import", flag.ContinueOnError)
	path := fs.String("config", "", "configuration `file`")
	allowPrivate := fs.Bool("allow-private", false, "also import feeds on private, loopback or link-local addresses")
	pos, err := parseArgs(fs, args, 1, "one OPML file")
	if err != nil {
		return err
	}
	cfg, data, err := loadForEdit(*path)
	if err != nil {
		return err
	}
	fh, err := os.Open(pos[0])
	if err != nil {
		return &exitError{exitUsage, err}
	}
	defer fh.Close()
	subs, err := feedout.ReadOPML(fh)
	if err != nil {
		return &exitError{exitUsage, fmt.Errorf("%s: %w", pos[0], err)}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# Imported from %s on %s by feedsift feeds import.\n", oneLine(filepath.Base(pos[0])), c.now().Format("2006-01-02"))
	added, listed, bad := 0, 0, 0
	seen := map[string]bool{}
	var fresh []feedout.OPMLFeed
	for _, f := range subs {
		u, err := url.Parse(strings.TrimSpace(f.XMLURL))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			fmt.Fprintf(c.stderr, "skipped %q: not an http or https URL\n", f.XMLURL)
			bad++
			continue
		}
		s := u.String()
		if cfg.FeedIndex(s) >= 0 || seen[s] {
			listed++
			continue
		}
		seen[s] = true
		f.XMLURL = s
		fresh = append(fresh, f)
	}
	// An imported feed becomes a configured one, which may use a private
	// address: a list from elsewhere must not point feedsift inside the
	// network unless the user says so.
	private := map[string]string{}
	if !*allowPrivate {
		private = privateFeeds(context.Background(), fresh)
	}
	for _, f := range fresh {
		s := f.XMLURL
		if ip, ok := private[s]; ok {
			fmt.Fprintf(c.stderr, "skipped %s: on a private address (%s); import with -allow-private, or add it with feeds add, if you mean it\n", fetcher.RedactURL(s), ip)
			bad++
			continue
		}
		if added > 0 {
			b.WriteString("\n")
		}
		if f.Category != "" {
			fmt.Fprintf(&b, "# %s\n", oneLine(f.Category))
		}
		writeFeed(&b, s, f.Title)
		added++
	}
	if added > 0 {
		if err := appendFeeds(cfg, data, b.String(), added); err != nil {
			return err
		}
	}
	fmt.Fprintf(c.stdout, "imported %d feeds into %s; %d already listed, %d skipped\n", added, cfg.Path, listed, bad)
	return nil
}

// privateFeeds returns, by URL, the private address each feed on one is
// on, resolving names at most 3 s in all, several at a time.
func privateFeeds(ctx context.Context, feeds []feedout.OPMLFeed) map[string]string {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	var mu sync.Mutex
	var wg sync.WaitGroup
	out := map[string]string{}
	sem := make(chan struct{}, 8)
	for _, f := range feeds {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			if ip, ok := fetcher.PrivateAddress(ctx, f.XMLURL); ok {
				mu.Lock()
				out[f.XMLURL] = ip.String()
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return out
}

// export writes the configured feeds as OPML 2.0.
func (c *feedsCmd) export(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("feeds export", flag.ContinueOnError)
	path := fs.String("config", "", "configuration `file`")
	out := fs.String("o", "", "write to `file` instead of standard output")
	if _, err := parseArgs(fs, args, 0, "no arguments"); err != nil {
		return err
	}
	cfg, _, err := loadForEdit(*path)
	if err != nil {
		return err
	}
	state, err := feedState(ctx, cfg)
	if err != nil {
		return err
	}
	var subs []feedout.OPMLFeed
	for _, f := range cfg.Feeds {
		st := state[f.URL]
		subs = append(subs, feedout.OPMLFeed{Title: orDefault(f.Title, st.Title), XMLURL: f.URL, HTMLURL: st.Home})
	}
	write := func(w io.Writer) error { return feedout.WriteOPML(w, "feedsift subscriptions", subs) }
	if *out == "" {
		return write(c.stdout)
	}
	if err := feedout.WriteFile(*out, write); err != nil {
		return &exitError{exitFailure, err}
	}
	return nil
}

// loadForEdit reads the configuration and its bytes. Only the file's own
// syntax and keys must be right: feeds can be managed while a topic is
// being fixed.
func loadForEdit(path string) (*config.Config, []byte, error) {
	path, err := configPath(path)
	if err != nil {
		return nil, nil, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, &exitError{exitUsage, fmt.Errorf("read config: %w", err)}
	}
	cfg, err := config.Parse(path, data)
	if err != nil {
		return nil, nil, &exitError{exitUsage, err}
	}
	return cfg, data, nil
}

// feedsHeader is a [[feeds]] table header line; tableHeader any header.
var (
	feedsHeader = regexp.MustCompile(`^\s*\[\[\s*feeds\s*\]\]\s*(#.*)?$`)
	tableHeader = regexp.MustCompile(`^\s*\[`)
)

// appendFeeds inserts block (one or more [[feeds]] tables) after the last
// [[feeds]] table of data, before any comments that introduce what
// follows it, and replaces the file once the result parses with n more
// feeds.
func appendFeeds(cfg *config.Config, data []byte, block string, n int) error {
	nl := "\n"
	if bytes.Contains(data, []byte("\r\n")) {
		nl = "\r\n"
		block = strings.ReplaceAll(block, "\n", "\r\n")
	}
	lines := strings.SplitAfter(string(data), "\n")
	last := -1
	for i, l := range lines {
		if feedsHeader.MatchString(strings.TrimRight(l, "\r\n")) {
			last = i
		}
	}
	var out string
	if last < 0 {
		s := string(data)
		if s != "" && !strings.HasSuffix(s, "\n") {
			s += nl
		}
		out = s + nl + block
	} else {
		end := last + 1
		for end < len(lines) && !tableHeader.MatchString(lines[end]) {
			end++
		}
		for end-1 > last && isBlankOrComment(lines[end-1]) {
			end--
		}
		before := strings.Join(lines[:end], "")
		if !strings.HasSuffix(before, "\n") {
			before += nl
		}
		out = before + nl + block + strings.Join(lines[end:], "")
	}
	ncfg, err := config.Parse(cfg.Path, []byte(out))
	if err != nil || len(ncfg.Feeds) != len(cfg.Feeds)+n {
		return &exitError{exitFailure, fmt.Errorf("%s: the edited file would not parse as expected (%v); left unchanged", cfg.Path, err)}
	}
	if err := replaceFile(cfg.Path, []byte(out)); err != nil {
		return &exitError{exitFailure, err}
	}
	return nil
}

func isBlankOrComment(l string) bool {
	l = strings.TrimSpace(l)
	return l == "" || strings.HasPrefix(l, "#")
}

// writeFeed writes one [[feeds]] table.
func writeFeed(b *strings.Builder, u, title string) {
	fmt.Fprintf(b, "[[feeds]]\nurl = %s\n", tomlString(u))
	if title = strings.TrimSpace(title); title != "" {
		fmt.Fprintf(b, "title = %s\n", tomlString(title))
	}
}

// tomlString quotes s as a TOML basic string.
func tomlString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// oneLine makes s safe in a comment.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func orDefault(s, def string) string {
	if s != "" {
		return s
	}
	return def
}

// replaceFile replaces path (through symlinks) with data, atomically and
// keeping its permissions.
func replaceFile(path string, data []byte) error {
	if p, err := filepath.EvalSymlinks(path); err == nil {
		path = p
	}
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(fi.Mode().Perm()); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
