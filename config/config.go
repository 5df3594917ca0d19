package config

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"
)

// Defaults for optional keys. They are documented in config.example.toml
// and the README; keep the three in step.
const (
	DefaultConcurrency = 16
	DefaultPerHost     = 2
	DefaultTimeout     = 30 * time.Second
	DefaultMaxBodyMB   = 16
	DefaultMaxEntries  = 100
	// DefaultBaseURL is where `feedsift serve` publishes output_dir by
	// default; feeds need an absolute rel="self" URL.
	DefaultBaseURL = "http://127.0.0.1:8080/"
)

// Config is a validated configuration. Paths are absolute.
type Config struct {
	Path      string // the file it was read from
	Database  string
	OutputDir string
	BaseURL   string // where output_dir is published, ending in "/"

	Concurrency int
	PerHost     int
	Timeout     time.Duration
	MaxBodyMB   int
	UserAgent   string
	// AllowPrivateNetworks lets redirects and DNS answers lead to
	// loopback, private and link-local addresses; without it only a
	// configured feed's own host:port may be one.
	AllowPrivateNetworks bool
	Budget               time.Duration // run time budget; 0 = none

	Feeds  []Feed
	Groups []Group // sorted by name
	Topics []Topic

	index *index
}

// Feed is one subscribed feed.
type Feed struct {
	URL         string // http, https or file URL (relative paths resolved)
	Title       string // optional; the feed's own title is used when empty
	TLSInsecure bool   // skip certificate verification for this feed only
	CAFile      string // PEM file of extra trusted CAs (absolute path)
}

// Group is a named term group: [groups.NAME].
type Group struct {
	Name           string
	Terms          []string
	Stem           string
	FoldDiacritics bool
}

// Topic is one [[topics]] table.
type Topic struct {
	Name       string
	Title      string
	Query      string
	Threshold  float64
	MaxEntries int // 0 = no cap
}

// Error is a problem at a place in the configuration file.
type Error struct {
	File      string
	Line, Col int // 0 when the problem has no single place
	Msg       string
}

func (e *Error) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}

// file mirrors the TOML document. Pointers tell "absent" from "zero".
type file struct {
	Database    *string            `toml:"database"`
	OutputDir   *string            `toml:"output_dir"`
	BaseURL     string             `toml:"base_url"`
	Concurrency *int               `toml:"concurrency"`
	PerHost     *int               `toml:"per_host"`
	Timeout     *duration          `toml:"timeout"`
	MaxBodyMB   *int               `toml:"max_body_mb"`
	UserAgent   string             `toml:"user_agent"`
	AllowPriv   bool               `toml:"allow_private_networks"`
	Budget      *duration          `toml:"budget"`
	Feeds       []fileFeed         `toml:"feeds"`
	Groups      map[string]fileGrp `toml:"groups"`
	Topics      []fileTopic        `toml:"topics"`
}

type fileFeed struct {
	URL         *string `toml:"url"`
	Title       string  `toml:"title"`
	TLSInsecure bool    `toml:"tls_insecure"`
	CAFile      string  `toml:"ca_file"`
}

type fileGrp struct {
	Terms          []string `toml:"terms"`
	Stem           string   `toml:"stem"`
	FoldDiacritics bool     `toml:"fold_diacritics"`
}

type fileTopic struct {
	Name       *string  `toml:"name"`
	Title      *string  `toml:"title"`
	Query      *string  `toml:"query"`
	Threshold  *float64 `toml:"threshold"`
	MaxEntries *int     `toml:"max_entries"`
}

type duration struct{ time.Duration }

func (d *duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("want a duration such as \"30s\" or \"2m\": %w", err)
	}
	d.Duration = v
	return nil
}

// Load reads, decodes and validates the configuration file at path.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	return Parse(path, data)
}

// Parse decodes and validates data as if read from path.
func Parse(path string, data []byte) (*Config, error) {
	var f file
	dec := toml.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, decodeError(path, err)
	}
	idx, err := newIndex(data)
	if err != nil {
		return nil, &Error{File: path, Msg: err.Error()}
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("config path: %w", err)
	}
	c := &Config{Path: path, index: idx}
	v := validator{c: c, dir: filepath.Dir(abs)}
	v.build(&f)
	if len(v.errs) > 0 {
		return nil, errors.Join(v.errs...)
	}
	return c, nil
}

func decodeError(path string, err error) error {
	var de *toml.DecodeError
	if errors.As(err, &de) {
		line, col := de.Position()
		msg := strings.TrimPrefix(de.Error(), "toml: ")
		if msg == "unknown field" {
			msg = fmt.Sprintf("unknown key %q", strings.Join(de.Key(), "."))
		}
		return &Error{File: path, Line: line, Col: col, Msg: msg}
	}
	var se *toml.StrictMissingError
	if errors.As(err, &se) && len(se.Errors) > 0 {
		errs := make([]error, len(se.Errors))
		for i := range se.Errors {
			line, col := se.Errors[i].Position()
			errs[i] = &Error{File: path, Line: line, Col: col,
				Msg: fmt.Sprintf("unknown key %q", strings.Join(se.Errors[i].Key(), "."))}
		}
		return errors.Join(errs...)
	}
	return &Error{File: path, Msg: err.Error()}
}

type validator struct {
	c    *Config
	dir  string
	errs []error
}

// errAt records an error at the value of key (a dotted path such as
// "topics.2.name"); if the key is absent from the file, at its table.
func (v *validator) errAt(key, format string, args ...any) {
	p := v.c.index.lookup(key)
	v.errs = append(v.errs, &Error{File: v.c.Path, Line: p.Line, Col: p.Column, Msg: fmt.Sprintf(format, args...)})
}

var topicName = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)

func (v *validator) build(f *file) {
	c := v.c
	if f.Database == nil || *f.Database == "" {
		v.errAt("", "missing required key \"database\" (path of the SQLite file, relative to this file)")
	} else {
		c.Database = v.path(*f.Database)
	}
	if f.OutputDir == nil || *f.OutputDir == "" {
		v.errAt("", "missing required key \"output_dir\" (directory for the topic feeds, relative to this file)")
	} else {
		c.OutputDir = v.path(*f.OutputDir)
	}
	c.BaseURL = DefaultBaseURL
	if f.BaseURL != "" {
		u, err := url.Parse(f.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			v.errAt("base_url", "base_url %q: want an absolute http or https URL", f.BaseURL)
		} else {
			c.BaseURL = strings.TrimSuffix(f.BaseURL, "/") + "/"
		}
	}
	c.Concurrency = v.positive("concurrency", f.Concurrency, DefaultConcurrency, 1000)
	c.PerHost = v.positive("per_host", f.PerHost, DefaultPerHost, 100)
	c.MaxBodyMB = v.positive("max_body_mb", f.MaxBodyMB, DefaultMaxBodyMB, 1024)
	c.Timeout = DefaultTimeout
	if f.Timeout != nil {
		if f.Timeout.Duration <= 0 {
			v.errAt("timeout", "timeout must be positive, got %s", f.Timeout.Duration)
		}
		c.Timeout = f.Timeout.Duration
	}
	c.UserAgent = f.UserAgent
	c.AllowPrivateNetworks = f.AllowPriv
	if f.Budget != nil {
		if f.Budget.Duration < 0 {
			v.errAt("budget", "budget must be 0 (none) or positive, got %s", f.Budget.Duration)
		}
		c.Budget = f.Budget.Duration
	}

	seen := map[string]int{}
	for i, ff := range f.Feeds {
		key := fmt.Sprintf("feeds.%d", i)
		if ff.URL == nil || strings.TrimSpace(*ff.URL) == "" {
			v.errAt(key, "feed %d: missing required key \"url\"", i+1)
			continue
		}
		u, err := v.feedURL(strings.TrimSpace(*ff.URL))
		if err != nil {
			v.errAt(key+".url", "feed url %q: %v", *ff.URL, err)
			continue
		}
		if j, dup := seen[u]; dup {
			v.errAt(key+".url", "feed url %q is already listed as feed %d", *ff.URL, j+1)
			continue
		}
		seen[u] = i
		fd := Feed{URL: u, Title: ff.Title, TLSInsecure: ff.TLSInsecure}
		if ff.CAFile != "" {
			fd.CAFile = v.path(ff.CAFile)
		}
		if (fd.TLSInsecure || fd.CAFile != "") && !strings.HasPrefix(u, "https:") {
			v.errAt(key+".url", "feed url %q: tls_insecure and ca_file apply to https feeds only", *ff.URL)
		}
		c.Feeds = append(c.Feeds, fd)
	}
	if len(f.Feeds) == 0 {
		v.errAt("", "no [[feeds]]: list at least one feed")
	}

	names := make([]string, 0, len(f.Groups))
	for n := range f.Groups {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		g := f.Groups[n]
		key := "groups." + n
		if !topicName.MatchString(strings.ToLower(n)) || strings.ContainsAny(n, ".") {
			v.errAt(key, "group name %q: use letters, digits, '-' and '_'", n)
		}
		if len(g.Terms) == 0 {
			v.errAt(key, "group %q has no terms", n)
		}
		switch g.Stem {
		case "", "english", "russian":
		default:
			v.errAt(key+".stem", "group %q: stem = %q: want \"english\", \"russian\" or \"\"", n, g.Stem)
		}
		c.Groups = append(c.Groups, Group{Name: n, Terms: g.Terms, Stem: g.Stem, FoldDiacritics: g.FoldDiacritics})
	}

	tnames := map[string]int{}
	for i, ft := range f.Topics {
		key := fmt.Sprintf("topics.%d", i)
		var t Topic
		switch {
		case ft.Name == nil || *ft.Name == "":
			v.errAt(key, "topic %d: missing required key \"name\"", i+1)
		case !topicName.MatchString(*ft.Name):
			v.errAt(key+".name", "topic name %q: use lower-case letters, digits, '.', '-' and '_' (it names the output file)", *ft.Name)
		default:
			t.Name = *ft.Name
			if j, dup := tnames[t.Name]; dup {
				v.errAt(key+".name", "duplicate topic name %q (first used by topic %d)", t.Name, j+1)
			}
			tnames[t.Name] = i
		}
		if ft.Title == nil || *ft.Title == "" {
			v.errAt(key, "topic %d: missing required key \"title\"", i+1)
		} else {
			t.Title = *ft.Title
		}
		if ft.Query == nil || strings.TrimSpace(*ft.Query) == "" {
			v.errAt(key, "topic %d: missing required key \"query\"", i+1)
		} else {
			t.Query = *ft.Query
		}
		if ft.Threshold != nil {
			t.Threshold = *ft.Threshold
		}
		t.MaxEntries = DefaultMaxEntries
		if ft.MaxEntries != nil {
			if *ft.MaxEntries < 0 {
				v.errAt(key+".max_entries", "max_entries must be 0 (no cap) or more, got %d", *ft.MaxEntries)
			}
			t.MaxEntries = *ft.MaxEntries
		}
		c.Topics = append(c.Topics, t)
	}
	if len(f.Topics) == 0 {
		v.errAt("", "no [[topics]]: define at least one topic")
	}
}

func (v *validator) positive(key string, p *int, def, max int) int {
	if p == nil {
		return def
	}
	if *p < 1 || *p > max {
		v.errAt(key, "%s must be between 1 and %d, got %d", key, max, *p)
	}
	return *p
}

func (v *validator) path(p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(v.dir, p)
}

// feedURL accepts http and https URLs, file: URLs and paths; a relative
// path is taken relative to the config file.
func (v *validator) feedURL(s string) (string, error) {
	u, err := url.Parse(s)
	if err == nil && u.Scheme != "" && len(u.Scheme) > 1 { // "C:" is a drive, not a scheme
		switch u.Scheme {
		case "http", "https":
			if u.Host == "" {
				return "", errors.New("no host")
			}
			return u.String(), nil
		case "file":
			p := u.Path
			if u.Opaque != "" { // file:relative/path
				p = u.Opaque
			}
			return fileURL(v.path(p)), nil
		default:
			return "", fmt.Errorf("unsupported scheme %q (want http, https or file)", u.Scheme)
		}
	}
	return fileURL(v.path(s)), nil
}

func fileURL(abs string) string {
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String()
}
