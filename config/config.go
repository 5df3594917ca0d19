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
	_ "time/tzdata" // digest_timezone works where the system has no zone files

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
	// DefaultSiteTitle is index.html's title without site_title.
	DefaultSiteTitle = "feedsift topics"
	// Story merging ([dedup]); the same values as package story's
	// defaults (a test in cmd/feedsift keeps them in step).
	DefaultDedupWindow    = 72 * time.Hour
	DefaultDedupThreshold = 0.55
	// DefaultMaxSources is how many other outlets an entry names and
	// links at most: a story carried by hundreds of feeds would make one
	// entry megabytes long, and feed validators and readers refuse feeds
	// over a few megabytes (the W3C validator's limit is 2 MB).
	DefaultMaxSources = 20
)

// Config is a validated configuration. Paths are absolute.
type Config struct {
	Path      string // the file it was read from
	Database  string // a SQLite file's absolute path, or a postgres:// URL kept as given
	OutputDir string
	BaseURL   string // where output_dir is published, ending in "/"
	SiteTitle string // index.html's title and heading (site_title)
	WebSubHub string // a WebSub hub every topic feed names and is announced to (websub_hub), or ""

	Concurrency int
	PerHost     int
	Timeout     time.Duration
	MaxBodyMB   int
	UserAgent   string
	// AllowPrivateNetworks lets redirects and DNS answers lead to
	// loopback, private and link-local addresses; without it only a
	// configured feed's own host:port may be one.
	AllowPrivateNetworks bool

	Dedup Dedup
	// Budget is how long a run may keep starting fetches; 0 = no limit.
	Budget time.Duration
	// KeepDays is how long an item that no topic matched is kept, and
	// KeepMatchedDays one that a topic matched; 0 = forever. Items an
	// output still shows are kept regardless.
	KeepDays        int
	KeepMatchedDays int

	Feeds       []Feed
	OPML        []string // OPML files whose feeds are subscribed too (absolute paths)
	Boilerplate []string // phrases whose sentences never count for matching, in every feed
	Groups      []Group  // sorted by name
	Topics      []Topic

	index *index
}

// Feed is one subscribed feed.
type Feed struct {
	URL   string // http, https or file URL; file:rel/path is relative to Dir()
	Title string // optional; the feed's own title is used when empty
	// Boilerplate lists phrases whose sentences never count for
	// matching in this feed (besides what repeats on its own).
	Boilerplate []string
	TLSInsecure bool   // skip certificate verification for this feed only
	CAFile      string // PEM file of extra trusted CAs (absolute path)
	// FromList is the OPML file (opml = [...]) the feed comes from; ""
	// for a feed the configuration lists itself.
	FromList string
}

// Group is a named term group: [groups.NAME].
type Group struct {
	Name           string
	Terms          []string
	Stem           string
	FoldDiacritics bool
}

// Dedup is the [dedup] table: merging one story carried by several feeds
// into one entry.
type Dedup struct {
	Enabled   bool          // default true
	Window    time.Duration // copies further apart never merge
	Threshold float64       // least similarity (0 < t <= 1) to merge
	// MaxSources is how many other outlets an entry names and links at
	// most (the rest are counted); 0 = every one.
	MaxSources int
}

// Topic is one [[topics]] table.
type Topic struct {
	Name           string
	Title          string
	Query          string
	Threshold      float64
	MaxEntries     int // 0 = no cap
	FoldDiacritics bool
	Formats        []string // output formats: "atom", "rss", "json"
	// Dedup says whether the topic merges copies of one story: [dedup]
	// enabled and the topic's own dedup not false. DedupThreshold is the
	// topic's dedup_threshold, else [dedup] threshold.
	Dedup          bool
	DedupThreshold float64
	// MinOutlets publishes only stories carried by at least that many
	// outlets (feeds): 1, every story, unless min_outlets says more.
	MinOutlets int
	// IndexOrder is how index.html lists the topic's entries: "date"
	// (newest first) or "outlets" (most carried first).
	IndexOrder string
	// Highlight marks the words that matched in the published text
	// (<mark>): the topic's highlight, else the global one.
	Highlight bool
	// Mutes hide from the topic's outputs the items their queries match,
	// each until its time ([[topics.mute]]).
	Mutes []Mute
	// Digest is "daily" or "weekly" for a <name>-digest feed of one entry
	// a period, "" for none. A period ends at DigestAt (DigestTime in
	// DigestZone; weekly: on Mondays).
	Digest     string
	DigestTime time.Duration // since midnight
	DigestZone *time.Location
}

// Mute is one [[topics.mute]] table: while in force (before Until), the
// items Query matches are not published.
type Mute struct {
	Query string
	Until time.Time // a date means through that day: the next midnight, local time
	Line  int       // where the table is written
}

// InForce reports whether the mute hides items at now.
func (m Mute) InForce(now time.Time) bool { return now.Before(m.Until) }

// Dir is the directory of the configuration file: relative paths and
// file: URLs in it are relative to this.
func (c *Config) Dir() string {
	abs, err := filepath.Abs(c.Path)
	if err != nil {
		return filepath.Dir(c.Path)
	}
	return filepath.Dir(abs)
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
	SiteTitle   *string            `toml:"site_title"`
	WebSubHub   string             `toml:"websub_hub"`
	Concurrency *int               `toml:"concurrency"`
	PerHost     *int               `toml:"per_host"`
	Timeout     *duration          `toml:"timeout"`
	MaxBodyMB   *int               `toml:"max_body_mb"`
	UserAgent   string             `toml:"user_agent"`
	AllowPriv   bool               `toml:"allow_private_networks"`
	Highlight   bool               `toml:"highlight"`
	Budget      *duration          `toml:"budget"`
	KeepDays    *int               `toml:"keep_days"`
	KeepMatched *int               `toml:"keep_matched_days"`
	Boilerplate []string           `toml:"boilerplate"`
	Formats     []string           `toml:"formats"`
	OPML        []string           `toml:"opml"`
	Dedup       fileDedup          `toml:"dedup"`
	Feeds       []fileFeed         `toml:"feeds"`
	Groups      map[string]fileGrp `toml:"groups"`
	Topics      []fileTopic        `toml:"topics"`
}

type fileDedup struct {
	Enabled   *bool     `toml:"enabled"`
	Window    *duration `toml:"window"`
	Threshold *float64  `toml:"threshold"`
	MaxSrc    *int      `toml:"max_sources"`
}

type fileFeed struct {
	URL         *string  `toml:"url"`
	Title       string   `toml:"title"`
	Boilerplate []string `toml:"boilerplate"`
	TLSInsecure bool     `toml:"tls_insecure"`
	CAFile      string   `toml:"ca_file"`
}

type fileGrp struct {
	Terms          []string `toml:"terms"`
	Stem           string   `toml:"stem"`
	FoldDiacritics bool     `toml:"fold_diacritics"`
}

type fileTopic struct {
	Name           *string    `toml:"name"`
	Title          *string    `toml:"title"`
	Query          *string    `toml:"query"`
	Threshold      *float64   `toml:"threshold"`
	MaxEntries     *int       `toml:"max_entries"`
	FoldDiacritics bool       `toml:"fold_diacritics"`
	Formats        []string   `toml:"formats"`
	Dedup          *bool      `toml:"dedup"`
	DedupThr       *float64   `toml:"dedup_threshold"`
	MinOutlets     *int       `toml:"min_outlets"`
	Highlight      *bool      `toml:"highlight"`
	Mute           []fileMute `toml:"mute"`
	Digest         *string    `toml:"digest"`
	DigestTime     *string    `toml:"digest_time"`
	DigestZone     *string    `toml:"digest_timezone"`
	IndexOrder     *string    `toml:"index_order"`
}

type fileMute struct {
	Query *string `toml:"query"`
	Until any     `toml:"until"`
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
		return nil, decodeError(path, data, err)
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

// maxTopicName bounds a topic's name: with ".atom" and a writer's
// temporary prefix and suffix the file name stays within 255 bytes.
const maxTopicName = 200

func (v *validator) build(f *file) {
	c := v.c
	if f.Database == nil || *f.Database == "" {
		v.errAt("", "missing required key \"database\" (path of the SQLite file, relative to this file, or a postgres:// URL)")
	} else if db := *f.Database; strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://") {
		// A PostgreSQL server shared by several processes: kept as given.
		c.Database = db
	} else if strings.Contains(db, "://") {
		v.errAt("database", "database %q: want a file path or a postgres:// URL", db)
	} else {
		c.Database = v.path(db)
	}
	if f.OutputDir == nil || *f.OutputDir == "" {
		v.errAt("", "missing required key \"output_dir\" (directory for the topic feeds, relative to this file)")
	} else {
		c.OutputDir = v.path(*f.OutputDir)
		// What is in output_dir is published: never the database (with
		// its -wal and lock beside it) or this file.
		abs := func(p string) string {
			if a, err := filepath.Abs(p); err == nil {
				return a
			}
			return p
		}
		out := abs(c.OutputDir)
		inside := func(p string) bool {
			rel, err := filepath.Rel(out, abs(p))
			return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
		}
		if c.Database != "" && !strings.Contains(c.Database, "://") && inside(c.Database) {
			v.errAt("output_dir", "output_dir %q holds the database %s: what is there is published; put them apart (for example output_dir = \"out\")", *f.OutputDir, c.Database)
		} else if c.Path != "" && inside(c.Path) {
			v.errAt("output_dir", "output_dir %q holds this configuration file: what is there is published; put them apart (for example output_dir = \"out\")", *f.OutputDir)
		}
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
	if f.WebSubHub != "" {
		if u, err := url.Parse(f.WebSubHub); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			v.errAt("websub_hub", "websub_hub %q: want an absolute http or https URL", f.WebSubHub)
		} else if u.User != nil {
			// Every topic feed names the hub: a password in it would be published.
			v.errAt("websub_hub", "websub_hub: a user name or password in the URL would be published in every feed (rel=\"hub\"); use a hub that needs none")
		} else {
			c.WebSubHub = f.WebSubHub
		}
	}
	c.SiteTitle = DefaultSiteTitle
	if f.SiteTitle != nil {
		if c.SiteTitle = strings.Join(strings.Fields(*f.SiteTitle), " "); c.SiteTitle == "" {
			v.errAt("site_title", "site_title is empty: leave it out for %q", DefaultSiteTitle)
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
		if f.Budget.Duration <= 0 {
			v.errAt("budget", "budget must be positive, got %s (leave it out for no limit)", f.Budget.Duration)
		}
		c.Budget = f.Budget.Duration
	}
	c.KeepDays = v.days("keep_days", f.KeepDays)
	c.KeepMatchedDays = v.days("keep_matched_days", f.KeepMatched)
	switch {
	case c.KeepMatchedDays > 0 && c.KeepDays == 0:
		v.errAt("keep_matched_days", "keep_matched_days = %d without keep_days would delete matched items and keep the others forever; set keep_days too", c.KeepMatchedDays)
	case c.KeepMatchedDays > 0 && c.KeepMatchedDays < c.KeepDays:
		v.errAt("keep_matched_days", "keep_matched_days (%d) must be at least keep_days (%d): matched items are in people's feeds", c.KeepMatchedDays, c.KeepDays)
	}
	for i, p := range f.OPML {
		if strings.TrimSpace(p) == "" {
			v.errAt(fmt.Sprintf("opml.%d", i), "empty OPML path")
			continue
		}
		c.OPML = append(c.OPML, v.path(p))
	}
	formats := v.formats("formats", f.Formats, AllFormats)
	c.Boilerplate = f.Boilerplate
	c.Dedup = Dedup{Enabled: true, Window: DefaultDedupWindow, Threshold: DefaultDedupThreshold, MaxSources: DefaultMaxSources}
	if f.Dedup.Enabled != nil {
		c.Dedup.Enabled = *f.Dedup.Enabled
	}
	if w := f.Dedup.Window; w != nil {
		if w.Duration <= 0 {
			v.errAt("dedup.window", "dedup.window must be positive, got %s", w.Duration)
		}
		c.Dedup.Window = w.Duration
	}
	if p := f.Dedup.Threshold; p != nil {
		v.similarity("dedup.threshold", *p)
		c.Dedup.Threshold = *p
	}
	if n := f.Dedup.MaxSrc; n != nil {
		if *n < 0 {
			v.errAt("dedup.max_sources", "dedup.max_sources must be 0 (every outlet) or more, got %d", *n)
		}
		c.Dedup.MaxSources = *n
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
		fd := Feed{URL: u, Title: ff.Title, Boilerplate: ff.Boilerplate, TLSInsecure: ff.TLSInsecure}
		if ff.CAFile != "" {
			fd.CAFile = v.path(ff.CAFile)
		}
		if (fd.TLSInsecure || fd.CAFile != "") && !strings.HasPrefix(u, "https:") {
			v.errAt(key+".url", "feed url %q: tls_insecure and ca_file apply to https feeds only", *ff.URL)
		}
		c.Feeds = append(c.Feeds, fd)
	}
	if len(f.Feeds) == 0 && len(f.OPML) == 0 {
		v.errAt("", "no [[feeds]] and no opml files: subscribe to at least one feed")
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
		case len(*ft.Name) > maxTopicName:
			v.errAt(key+".name", "topic name %q is %d bytes long: at most %d (it names the output files, and file names stop at 255 bytes)", *ft.Name, len(*ft.Name), maxTopicName)
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
		t.FoldDiacritics = ft.FoldDiacritics
		t.Formats = v.formats(key+".formats", ft.Formats, formats)
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
		t.Dedup = c.Dedup.Enabled
		if ft.Dedup != nil {
			if *ft.Dedup && !c.Dedup.Enabled {
				v.errAt(key+".dedup", "topic dedup = true, but [dedup] enabled = false turns merging off for every topic")
			}
			t.Dedup = t.Dedup && *ft.Dedup
		}
		t.DedupThreshold = c.Dedup.Threshold
		if ft.DedupThr != nil {
			v.similarity(key+".dedup_threshold", *ft.DedupThr)
			t.DedupThreshold = *ft.DedupThr
		}
		t.MinOutlets = 1
		if ft.MinOutlets != nil {
			switch n := *ft.MinOutlets; {
			case n < 1:
				v.errAt(key+".min_outlets", "min_outlets must be 1 (every story) or more, got %d", n)
			case n > 1 && !t.Dedup:
				v.errAt(key+".min_outlets", "min_outlets = %d counts the outlets of a story, which needs story grouping: it is off for this topic ([dedup] enabled or the topic's dedup)", n)
			}
			t.MinOutlets = max(1, *ft.MinOutlets)
		}
		for j, fm := range ft.Mute {
			mk := fmt.Sprintf("%s.mute.%d", key, j)
			m := Mute{Line: v.c.index.lookup(mk).Line}
			if fm.Query == nil || strings.TrimSpace(*fm.Query) == "" {
				v.errAt(mk, "mute %d: missing required key \"query\" (the items to hide, in the topic language)", j+1)
			} else {
				m.Query = *fm.Query
			}
			switch u := fm.Until.(type) {
			case toml.LocalDate:
				m.Until = time.Date(u.Year, time.Month(u.Month), u.Day+1, 0, 0, 0, 0, time.Local)
			case toml.LocalDateTime:
				m.Until = u.AsTime(time.Local)
			case time.Time:
				m.Until = u
			case nil:
				v.errAt(mk, "mute %d: missing required key \"until\" (a TOML date such as 2026-12-31, or a date-time)", j+1)
			default:
				v.errAt(mk+".until", "until: want a TOML date such as 2026-12-31 (no quotes) or a date-time, not %T", fm.Until)
			}
			t.Mutes = append(t.Mutes, m)
		}
		t.DigestTime, t.DigestZone = 7*time.Hour, time.UTC
		if ft.Digest != nil {
			switch *ft.Digest {
			case "daily", "weekly":
				t.Digest = *ft.Digest
			default:
				v.errAt(key+".digest", "digest %q: want \"daily\" or \"weekly\"", *ft.Digest)
			}
		}
		if ft.DigestTime != nil {
			hm, err := time.Parse("15:04", *ft.DigestTime)
			if err != nil {
				v.errAt(key+".digest_time", "digest_time %q: want a time of day such as \"07:00\"", *ft.DigestTime)
			}
			t.DigestTime = time.Duration(hm.Hour())*time.Hour + time.Duration(hm.Minute())*time.Minute
		}
		if ft.DigestZone != nil {
			z, err := time.LoadLocation(*ft.DigestZone)
			if err != nil {
				v.errAt(key+".digest_timezone", "digest_timezone %q: want an IANA time zone such as \"Europe/Berlin\" or \"UTC\"", *ft.DigestZone)
			} else {
				t.DigestZone = z
			}
		}
		if (ft.DigestTime != nil || ft.DigestZone != nil) && t.Digest == "" {
			v.errAt(key, "digest_time and digest_timezone need digest = \"daily\" or \"weekly\"")
		}
		t.Highlight = f.Highlight
		if ft.Highlight != nil {
			t.Highlight = *ft.Highlight
		}
		t.IndexOrder = "date"
		if ft.IndexOrder != nil {
			switch o := *ft.IndexOrder; o {
			case "date", "outlets":
				t.IndexOrder = o
			default:
				v.errAt(key+".index_order", "index_order %q: want \"date\" (newest first) or \"outlets\" (most carried first)", o)
			}
		}
		c.Topics = append(c.Topics, t)
	}
	if len(f.Topics) == 0 {
		v.errAt("", "no [[topics]]: define at least one topic")
	}
}

// AllFormats are the output formats, the default for formats = [...].
var AllFormats = []string{"atom", "rss", "json"}

// formats checks a formats list; absent means def.
func (v *validator) formats(key string, fs, def []string) []string {
	if fs == nil {
		return def
	}
	if len(fs) == 0 {
		v.errAt(key, "formats is empty: list at least one of %q", AllFormats)
	}
	seen := map[string]bool{}
	for i, f := range fs {
		ok := false
		for _, a := range AllFormats {
			ok = ok || f == a
		}
		if !ok {
			v.errAt(fmt.Sprintf("%s.%d", key, i), "format %q: want one of %q", f, AllFormats)
		}
		if seen[f] {
			v.errAt(fmt.Sprintf("%s.%d", key, i), "format %q listed twice", f)
		}
		seen[f] = true
	}
	return fs
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

// similarity checks a dedup threshold: a Jaccard similarity.
func (v *validator) similarity(key string, t float64) {
	if !(t > 0 && t <= 1) {
		v.errAt(key, "%s must be above 0 and at most 1, got %v", key, t)
	}
}

// days reads a retention period: 0 (forever) or a number of days.
func (v *validator) days(key string, p *int) int {
	if p == nil {
		return 0
	}
	if *p < 0 || *p > 100*365 {
		v.errAt(key, "%s must be 0 (keep forever) or a number of days up to 36500, got %d", key, *p)
		return 0
	}
	return *p
}

func (v *validator) path(p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(v.dir, p)
}

// feedURL accepts http and https URLs, file: URLs and paths. A relative
// path stays relative to the config file's directory ("file:feeds/x.xml"),
// so that moving the whole directory keeps every feed's identity.
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
			return fileURL(p), nil
		default:
			return "", fmt.Errorf("unsupported scheme %q (want http, https or file)", u.Scheme)
		}
	}
	if webAddress(s) {
		if _, err := os.Stat(v.path(s)); err != nil {
			return "", fmt.Errorf("looks like a web address without its scheme: write \"https://%s\" (a local file is \"./%s\" or \"file:%s\")", strings.TrimPrefix(s, "//"), s, s)
		}
	}
	return fileURL(s), nil
}

// feedFileExt are the extensions of a feed file, which a bare file name
// ("world.xml") has and a host name does not.
var feedFileExt = map[string]bool{"xml": true, "rss": true, "atom": true, "json": true, "rdf": true, "txt": true, "feed": true, "html": true, "htm": true, "opml": true}

// webAddress reports whether the scheme-less s starts like a host name
// ("www.example.com/feed", "example.org/rss.xml", "//example.org/x"):
// such a string silently read as a local path would never be fetched.
func webAddress(s string) bool {
	if strings.HasPrefix(s, "./") || strings.HasPrefix(s, "../") || strings.HasPrefix(s, "/") && !strings.HasPrefix(s, "//") || strings.HasPrefix(s, "~") {
		return false
	}
	first, rest, _ := strings.Cut(strings.TrimPrefix(s, "//"), "/")
	host := first
	if h, _, ok := strings.Cut(first, ":"); ok {
		host = h
	}
	labels := strings.Split(host, ".")
	if len(labels) < 2 {
		return false
	}
	tld := strings.ToLower(labels[len(labels)-1])
	if len(tld) < 2 || strings.IndexFunc(tld, func(r rune) bool { return r < 'a' || r > 'z' }) >= 0 {
		return false
	}
	if feedFileExt[tld] && rest == "" && !strings.HasPrefix(strings.ToLower(host), "www.") {
		return false // "world.xml": a file beside the config
	}
	return true
}

// fileURL is an absolute file:///path URL, or for a relative path an
// opaque file:path URL (relative to the config file's directory).
func fileURL(p string) string {
	p = filepath.ToSlash(filepath.Clean(p))
	if filepath.IsAbs(p) || strings.HasPrefix(p, "/") {
		return (&url.URL{Scheme: "file", Path: p}).String()
	}
	return (&url.URL{Scheme: "file", Opaque: p}).String()
}

// FeedIndex returns the index in Feeds of the feed at rawURL, resolved as
// a url in the file would be, or -1 when it is not listed.
func (c *Config) FeedIndex(rawURL string) int {
	abs, err := filepath.Abs(c.Path)
	if err != nil {
		return -1
	}
	v := validator{c: c, dir: filepath.Dir(abs)}
	u, err := v.feedURL(strings.TrimSpace(rawURL))
	if err != nil {
		return -1
	}
	for i, f := range c.Feeds {
		if f.URL == u {
			return i
		}
	}
	return -1
}
