package config

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const minimal = `database = "feedsift.db"
output_dir = "out"

[[feeds]]
url = "https://example.org/feed.xml"

[[feeds]]
url = "feeds/local.xml"
title = "Local"

[groups.russia]
terms = ["Russia", "Moscow"]

[[topics]]
name = "russia"
title = "Russia"
query = '''
@russia
'''
`

func TestParse_Minimal(t *testing.T) {
	c, err := Parse("/etc/feedsift/config.toml", []byte(minimal))
	if err != nil {
		t.Fatal(err)
	}
	if c.Database != "/etc/feedsift/feedsift.db" || c.OutputDir != "/etc/feedsift/out" {
		t.Errorf("paths not resolved against the config's directory: %q %q", c.Database, c.OutputDir)
	}
	if c.Feeds[1].URL != "file:feeds/local.xml" || c.Feeds[1].Title != "Local" || c.Dir() != "/etc/feedsift" {
		t.Errorf("local feed = %+v", c.Feeds[1])
	}
	if c.Concurrency != DefaultConcurrency || c.Timeout != DefaultTimeout || c.Topics[0].MaxEntries != DefaultMaxEntries {
		t.Errorf("defaults: %+v", c)
	}
	if len(c.Groups) != 1 || c.Groups[0].Name != "russia" || len(c.Groups[0].Terms) != 2 {
		t.Errorf("groups = %+v", c.Groups)
	}
	if c.Budget != 0 || c.KeepDays != 0 || c.KeepMatchedDays != 0 {
		t.Errorf("budget and retention default to none: %v %d %d", c.Budget, c.KeepDays, c.KeepMatchedDays)
	}
	c, err = Parse("c.toml", []byte("budget = \"10m\"\nkeep_days = 30\nkeep_matched_days = 365\n"+minimal))
	if err != nil {
		t.Fatal(err)
	}
	if c.Budget != 10*time.Minute || c.KeepDays != 30 || c.KeepMatchedDays != 365 {
		t.Errorf("budget %v, keep_days %d, keep_matched_days %d", c.Budget, c.KeepDays, c.KeepMatchedDays)
	}
}

// TestParse_Errors: every broken file names file:line:col and what is
// wrong.
func TestParse_Errors(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(string) string
		wantPos string // "line:col"
		want    string
	}{
		{"unknown key", func(s string) string {
			return strings.Replace(s, `url = "https://example.org/feed.xml"`, `urll = "https://example.org/feed.xml"`, 1)
		},
			"5:1", `unknown key "feeds.urll"`},
		{"unknown top-level key", func(s string) string { return "outptu_dir = 1\n" + s }, "1:1", `unknown key "outptu_dir"`},
		{"wrong type", func(s string) string { return strings.Replace(s, `title = "Russia"`, `title = 7`, 1) }, "16:9", `topics.title: want a string in quotes ("…"), not a TOML integer`},
		{"number as string", func(s string) string { return "concurrency = \"8\"\n" + s }, "1:15", "concurrency: want a whole number, not a TOML string"},
		{"threshold as string", func(s string) string { return s + "threshold = \"high\"\n" }, "20:13", "topics.threshold: want a number (3 or 2.5), not a TOML string"},
		{"duration as number", func(s string) string { return "timeout = 30\n" + s }, "1:11", `timeout: want a duration such as "30s"`},
		{"misspelt array table", func(s string) string { return strings.Replace(s, "[[topics]]", "[[topic]]", 1) }, "14:3", "unknown table [topic] (did you mean [[topics]]?)"},
		{"misspelt table", func(s string) string { return s + "[dedupe]\nenabled = true\n" }, "20:2", "unknown table [dedupe] (did you mean [dedup]?)"},
		{"misspelt groups", func(s string) string { return strings.Replace(s, "[groups.russia]", "[group.russia]", 1) }, "11:2", "did you mean [groups.NAME]?"},
		{"misspelt key suggested", func(s string) string { return "concurency = 3\n" + s }, "1:1", `unknown key "concurency" (did you mean concurrency?)`},
		{"duplicate key", func(s string) string {
			return strings.Replace(s, `output_dir = "out"`, "output_dir = \"out\"\noutput_dir = \"x\"", 1)
		},
			"3:1", "already defined"},
		{"missing quote", func(s string) string { return strings.Replace(s, `"feeds/local.xml"`, `"feeds/local.xml`, 1) }, "8:23", "basic strings cannot have new lines"},
		{"bad duration", func(s string) string { return "timeout = \"5 minutes\"\n" + s }, "1:11", "duration"},
		{"negative max_entries", func(s string) string { return s + "max_entries = -1\n" }, "20:15", "max_entries"},
		{"duplicate topic", func(s string) string {
			return s + "\n[[topics]]\nname = \"russia\"\ntitle = \"Again\"\nquery = \"@russia\"\n"
		}, "22:8", `duplicate topic name "russia"`},
		{"bad topic name", func(s string) string { return strings.Replace(s, `name = "russia"`, `name = "Russia News"`, 1) }, "15:8", "topic name"},
		{"topic name too long", func(s string) string {
			return strings.Replace(s, `name = "russia"`, `name = "`+strings.Repeat("r", 300)+`"`, 1)
		}, "15:8", "is 300 bytes long: at most 200"},
		{"missing query", func(s string) string { return strings.Replace(s, "query = '''\n@russia\n'''", "", 1) }, "14:3", `missing required key "query"`},
		{"bad scheme", func(s string) string {
			return strings.Replace(s, "https://example.org/feed.xml", "gopher://example.org/", 1)
		}, "5:7", "unsupported scheme"},
		{"scheme-less web address", func(s string) string {
			return strings.Replace(s, "https://example.org/feed.xml", "www.example.org/feed.xml", 1)
		}, "5:7", `looks like a web address without its scheme: write "https://www.example.org/feed.xml" (a local file is "./www.example.org/feed.xml"`},
		{"scheme-less host", func(s string) string {
			return strings.Replace(s, "https://example.org/feed.xml", "example.org/rss", 1)
		}, "5:7", "web address without its scheme"},
		{"duplicate feed", func(s string) string { return strings.Replace(s, "feeds/local.xml", "https://example.org/feed.xml", 1) }, "8:7", "already listed"},
		{"negative keep_days", func(s string) string { return "keep_days = -1\n" + s }, "1:13", "keep_days"},
		{"matched kept shorter", func(s string) string { return "keep_days = 30\nkeep_matched_days = 7\n" + s }, "2:21", "at least keep_days"},
		{"matched without unmatched", func(s string) string { return "keep_matched_days = 7\n" + s }, "1:21", "set keep_days too"},
		{"zero budget", func(s string) string { return "budget = \"0s\"\n" + s }, "1:10", "budget must be positive"},
		{"bad stem", func(s string) string {
			return strings.Replace(s, `terms = ["Russia", "Moscow"]`, "terms = [\"Russia\"]\nstem = \"german\"", 1)
		}, "13:8", "stem"},
		{"dedup threshold above 1", func(s string) string { return s + "[dedup]\nthreshold = 1.5\n" }, "21:13", "dedup.threshold must be above 0 and at most 1"},
		{"negative dedup window", func(s string) string { return s + "[dedup]\nwindow = \"-1h\"\n" }, "21:10", "dedup.window must be positive"},
		{"negative max_sources", func(s string) string { return s + "[dedup]\nmax_sources = -3\n" }, "21:15", "dedup.max_sources must be 0 (every outlet) or more"},
		{"unknown dedup key", func(s string) string { return s + "[dedup]\nthreshhold = 0.5\n" }, "21:1", `unknown key "dedup.threshhold"`},
		{"topic dedup_threshold 0", func(s string) string { return s + "dedup_threshold = 0\n" }, "20:19", "dedup_threshold must be above 0"},
		{"topic dedup on when off", func(s string) string { return s + "dedup = true\n[dedup]\nenabled = false\n" }, "20:9", "[dedup] enabled = false"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("config.toml", []byte(tt.edit(minimal)))
			if err == nil {
				t.Fatal("no error")
			}
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("%T %v is not a *config.Error", err, err)
			}
			prefix := "config.toml:" + tt.wantPos + ": "
			if !strings.HasPrefix(err.Error(), prefix) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %q, want prefix %q and %q", err, prefix, tt.want)
			}
		})
	}
}

func TestParse_Dedup(t *testing.T) {
	tests := []struct {
		name     string
		add      string
		want     Dedup
		topic    bool
		topicThr float64
	}{
		{"defaults", "", Dedup{Enabled: true, Window: DefaultDedupWindow, Threshold: DefaultDedupThreshold, MaxSources: DefaultMaxSources}, true, DefaultDedupThreshold},
		{"table", "[dedup]\nwindow = \"24h\"\nthreshold = 0.7\nmax_sources = 5\n", Dedup{Enabled: true, Window: 24 * time.Hour, Threshold: 0.7, MaxSources: 5}, true, 0.7},
		{"every source", "[dedup]\nmax_sources = 0\n", Dedup{Enabled: true, Window: DefaultDedupWindow, Threshold: DefaultDedupThreshold}, true, DefaultDedupThreshold},
		{"per topic", "dedup_threshold = 0.9\n", Dedup{Enabled: true, Window: DefaultDedupWindow, Threshold: DefaultDedupThreshold, MaxSources: DefaultMaxSources}, true, 0.9},
		{"topic off", "dedup = false\n", Dedup{Enabled: true, Window: DefaultDedupWindow, Threshold: DefaultDedupThreshold, MaxSources: DefaultMaxSources}, false, DefaultDedupThreshold},
		{"all off", "[dedup]\nenabled = false\n", Dedup{Enabled: false, Window: DefaultDedupWindow, Threshold: DefaultDedupThreshold, MaxSources: DefaultMaxSources}, false, DefaultDedupThreshold},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse("config.toml", []byte(minimal+tt.add))
			if err != nil {
				t.Fatal(err)
			}
			if c.Dedup != tt.want || c.Topics[0].Dedup != tt.topic || c.Topics[0].DedupThreshold != tt.topicThr {
				t.Errorf("Dedup = %+v, topic %v %v; want %+v, %v %v", c.Dedup, c.Topics[0].Dedup, c.Topics[0].DedupThreshold, tt.want, tt.topic, tt.topicThr)
			}
		})
	}
}

func TestQueryError_Position(t *testing.T) {
	src := "database = \"d\"\noutput_dir = \"o\"\n[[feeds]]\nurl = \"https://e.org/f\"\n" +
		"[[topics]]\nname = \"a\"\ntitle = \"A\"\nquery = \"x AND\"\n" +
		"[[topics]]\nname = \"b\"\ntitle = \"B\"\nquery = '''\n  x OR\n  (y'''\n" +
		"[[topics]]\nname = \"c\"\ntitle = \"C\"\nquery = \"\\u00e9t\\u00e9 )\"\n" +
		"[groups.g]\nterms = [\"a\", \"b AND\"]\n"
	c, err := Parse("c.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		got  *Error
		want string
	}{
		{c.QueryError(0, 4, "expected a term"), "c.toml:8:14: "}, // "x AND": offset 4 is 'N'... of AND
		{c.QueryError(1, 9, "unclosed"), "c.toml:14:3: "},        // after the newline that opens ''': "  x OR\n" is 7 bytes
		{c.QueryError(2, 5, "unexpected )"), "c.toml:18:23: "},   // two \u00e9 escapes decode to 2 bytes each
		{c.TermError("g", 1, 2, "bad"), "c.toml:20:18: "},
	}
	for _, tt := range tests {
		if !strings.HasPrefix(tt.got.Error(), tt.want) {
			t.Errorf("%q, want prefix %q", tt.got, tt.want)
		}
	}
}

func TestLoad_Example(t *testing.T) {
	for _, p := range []string{"../config.example.toml", "../example/config.toml"} {
		t.Run(filepath.Base(filepath.Dir(p))+"/"+filepath.Base(p), func(t *testing.T) {
			c, err := Load(p)
			if err != nil {
				t.Fatal(err)
			}
			if len(c.Feeds) == 0 || len(c.Topics) == 0 || c.Timeout < time.Second {
				t.Errorf("%+v", c)
			}
		})
	}
}

// TestParse_FetchSafety: the keys that loosen or bound fetching.
func TestParse_FetchSafety(t *testing.T) {
	s := "allow_private_networks = true\nbudget = \"4m\"\n" + strings.Replace(minimal,
		`url = "https://example.org/feed.xml"`,
		"url = \"https://example.org/feed.xml\"\ntls_insecure = true\nca_file = \"ca.pem\"", 1)
	c, err := Parse("/etc/feedsift/config.toml", []byte(s))
	if err != nil {
		t.Fatal(err)
	}
	if !c.AllowPrivateNetworks || c.Budget != 4*time.Minute {
		t.Errorf("allow_private_networks %v budget %v", c.AllowPrivateNetworks, c.Budget)
	}
	if f := c.Feeds[0]; !f.TLSInsecure || f.CAFile != "/etc/feedsift/ca.pem" {
		t.Errorf("feed = %+v", f)
	}
	if f := c.Feeds[1]; f.TLSInsecure || f.CAFile != "" {
		t.Errorf("TLS settings leaked to another feed: %+v", f)
	}
	c, err = Parse("config.toml", []byte(minimal))
	if err != nil || c.AllowPrivateNetworks || c.Budget != 0 {
		t.Errorf("defaults: %v %v %v", err, c.AllowPrivateNetworks, c.Budget)
	}
	for name, bad := range map[string]string{
		"negative budget":  "budget = \"-1s\"\n" + minimal,
		"tls on file feed": strings.Replace(minimal, `title = "Local"`, "title = \"Local\"\ntls_insecure = true", 1),
	} {
		if _, err := Parse("config.toml", []byte(bad)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestWebAddress: a scheme-less string that starts like a host name is a
// web address the user forgot to write a scheme for; paths are paths.
func TestWebAddress(t *testing.T) {
	for s, want := range map[string]bool{
		"www.example.org/feed.xml": true,
		"example.org/rss":          true,
		"example.com":              true,
		"//example.com/feed":       true,
		"feeds.example.org:8080/x": true,
		"www.feed.xml":             true,
		"feeds/a.xml":              false,
		"world.xml":                false,
		"world-desk.atom":          false,
		"./example.org/feed.xml":   false,
		"../example.org/feed":      false,
		"/var/feeds/example.org":   false,
		"data.v2/feed.xml":         false,
		"C:/feeds/x.xml":           false,
	} {
		if got := webAddress(s); got != want {
			t.Errorf("webAddress(%q) = %v, want %v", s, got, want)
		}
	}
}
