package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/feedsift/feedsift/config"
	"github.com/mmcdole/gofeed"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

var clock = time.Date(2026, 11, 20, 6, 0, 0, 0, time.UTC)

// copyExample copies the bundled offline example into a temporary
// directory and returns its config path.
func copyExample(t *testing.T) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "example")
	if err := os.CopyFS(dst, os.DirFS("../../example")); err != nil {
		t.Fatal(err)
	}
	os.RemoveAll(filepath.Join(dst, "out"))
	for _, p := range []string{"feedsift.db", "feedsift.db-wal", "feedsift.db-shm", "feedsift.db.lock"} {
		os.Remove(filepath.Join(dst, p))
	}
	return filepath.Join(dst, "config.toml")
}

// feedsift runs the command in-process with a fixed clock.
func feedsift(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = runWith(context.Background(), args, &out, &errb, func() time.Time { return clock })
	return code, out.String(), errb.String()
}

func mustReadFile(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestRun_Example is the README's first command, in-process: config to
// Atom, parsed back with gofeed.
func TestRun_Example(t *testing.T) {
	cfg := copyExample(t)
	code, _, stderr := feedsift(t, "run", "-config", cfg)
	if code != exitOK {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	out := filepath.Join(filepath.Dir(cfg), "out", "russia-china-security.atom")
	if !strings.Contains(stderr, "path="+out) {
		t.Errorf("the log does not say where the Atom file is:\n%s", stderr)
	}
	first := mustReadFile(t, out)
	feed, err := gofeed.NewParser().Parse(bytes.NewReader(first))
	if err != nil {
		t.Fatalf("output does not parse: %v", err)
	}
	var links []string
	for _, it := range feed.Items {
		links = append(links, it.Link)
	}
	sort.Strings(links)
	want := []string{ // the three on-topic stories of the example feeds
		"https://asia-desk.example.org/2026/11/joint-naval-drill",
		"https://lenta.example.org/2026/11/shoigu-pekin",
		"https://world-desk.example.org/2026/11/shoigu-beijing",
	}
	if strings.Join(links, "\n") != strings.Join(want, "\n") {
		t.Errorf("entries:\n%s\nwant:\n%s", strings.Join(links, "\n"), strings.Join(want, "\n"))
	}
	// Categories are the words as the text writes them, never the query's
	// prefixes or stems.
	for _, it := range feed.Items {
		for _, c := range it.Categories {
			if strings.ContainsAny(c, "*~^") {
				t.Errorf("%s: category %q shows query syntax", it.Link, c)
			}
		}
	}

	golden := filepath.Join("testdata", "example.atom")
	if *update {
		if err := os.WriteFile(golden, first, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if want := mustReadFile(t, golden); !bytes.Equal(first, want) {
		t.Errorf("output differs from %s (go test ./cmd/feedsift -update to accept):\n%s", golden, first)
	}

	// A second run: nothing new, byte-identical output.
	code, _, stderr = feedsift(t, "run", "-config", cfg)
	if code != exitOK {
		t.Fatalf("second run: exit %d:\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "not_modified=3") {
		t.Errorf("second run re-read feeds that did not change:\n%s", stderr)
	}
	if second := mustReadFile(t, out); !bytes.Equal(first, second) {
		t.Errorf("second run changed the output")
	}
}

// TestRun_ConfigErrors: a broken config exits 2 with file:line:col and
// fetches nothing.
func TestRun_ConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		edit func(string) string
		want string // substring of stderr; the line:col part is checked too
	}{
		{"unknown key", func(s string) string {
			return strings.Replace(s, `output_dir = "out"`, `output_dir = "out"`+"\noutput_dri = \"x\"", 1)
		},
			`:17:1: unknown key "output_dri"`},
		{"bad query", func(s string) string { return strings.Replace(s, "query = '''\n", "query = '''\n(@russia AND\n", 1) }, "expected"},
		{"unknown group", func(s string) string { return strings.Replace(s, "@russia AND @china", "@russia AND @nosuchgroup", 1) }, "nosuchgroup"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := copyExample(t)
			os.WriteFile(cfg, []byte(tt.edit(string(mustReadFile(t, cfg)))), 0o644)
			code, _, stderr := feedsift(t, "run", "-config", cfg)
			if code != exitUsage {
				t.Errorf("exit %d, want %d", code, exitUsage)
			}
			if !strings.Contains(stderr, cfg+":") || !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr %q does not name %s:line:col and %q", stderr, cfg, tt.want)
			}
			if _, err := os.Stat(filepath.Join(filepath.Dir(cfg), "feedsift.db")); err == nil {
				t.Errorf("a database was created for a bad config")
			}
		})
	}
}

func TestRun_ExitCodes(t *testing.T) {
	t.Run("missing config", func(t *testing.T) {
		if code, _, _ := feedsift(t, "run", "-config", "/nonexistent/feedsift.toml"); code != exitUsage {
			t.Errorf("exit %d", code)
		}
	})
	t.Run("unknown command", func(t *testing.T) {
		if code, _, _ := feedsift(t, "frobnicate"); code != exitUsage {
			t.Errorf("exit %d", code)
		}
	})
	t.Run("corrupt database", func(t *testing.T) {
		cfg := copyExample(t)
		db := filepath.Join(filepath.Dir(cfg), "feedsift.db")
		os.WriteFile(db, bytes.Repeat([]byte("not sqlite "), 500), 0o644)
		code, _, stderr := feedsift(t, "run", "-config", cfg)
		if code != exitDatabase || !strings.Contains(stderr, db) {
			t.Errorf("exit %d, stderr %q", code, stderr)
		}
		if b := mustReadFile(t, db); !bytes.HasPrefix(b, []byte("not sqlite")) {
			t.Errorf("the corrupt file was modified")
		}
	})
	t.Run("output path is a file", func(t *testing.T) {
		cfg := copyExample(t)
		os.WriteFile(filepath.Join(filepath.Dir(cfg), "out"), []byte("x"), 0o644)
		if code, _, stderr := feedsift(t, "run", "-config", cfg); code != exitFailure || !strings.Contains(stderr, "out") {
			t.Errorf("exit %d, stderr %q", code, stderr)
		}
	})
	t.Run("a feed fails", func(t *testing.T) {
		cfg := copyExample(t)
		s := string(mustReadFile(t, cfg))
		s = strings.Replace(s, `url = "feeds/russia-wire.xml"`, `url = "feeds/missing.xml"`, 1)
		os.WriteFile(cfg, []byte(s), 0o644)
		code, _, stderr := feedsift(t, "run", "-config", cfg)
		if code != exitOK || !strings.Contains(stderr, "feeds/missing.xml: file: ") {
			t.Errorf("exit %d (a failed feed is reported, not fatal), stderr %q", code, stderr)
		}
	})
}

func TestCheck(t *testing.T) {
	code, stdout, stderr := feedsift(t, "check", "-config", "../../config.example.toml")
	if code != exitOK || !strings.Contains(stdout, "ok") {
		t.Errorf("exit %d: %s %s", code, stdout, stderr)
	}
}

// TestExampleConfigsAgree keeps the topic of the offline example and of
// config.example.toml the same.
func TestExampleConfigsAgree(t *testing.T) {
	a, err := config.Load("../../config.example.toml")
	if err != nil {
		t.Fatal(err)
	}
	b, err := config.Load("../../example/config.toml")
	if err != nil {
		t.Fatal(err)
	}
	if !equalJSON(t, a.Groups, b.Groups) || !equalJSON(t, a.Topics, b.Topics) {
		t.Errorf("groups or topics differ between config.example.toml and example/config.toml")
	}
}

// TestUsageDocumented keeps the package comment, the usage text and the
// README in step on exit codes.
func TestUsageDocumented(t *testing.T) {
	readme := string(mustReadFile(t, "../../README.md"))
	doc := string(mustReadFile(t, "doc.go"))
	for _, code := range []string{"0", "1", "2", "3", "4", "75", "130"} {
		for name, text := range map[string]string{"usage": usage, "README.md": readme, "package comment": doc} {
			if !strings.Contains(text, "\n  "+code+" ") && !strings.Contains(text, "\n//\t"+code+" ") && !strings.Contains(text, "| "+code+" |") {
				t.Errorf("%s does not document exit code %s", name, code)
			}
		}
	}
}

// TestImportDirection: config, store, filter, feedout and story import none of
// feedsift's packages; fetcher and store/pg import only store.
func TestImportDirection(t *testing.T) {
	allowed := map[string][]string{
		"config":  nil,
		"store":   nil,
		"filter":  nil,
		"feedout": nil,
		"story":   nil,
		"fetcher": {"store"},
		// The PostgreSQL store shares the SQLite store's types.
		"store/pg":        {"store"},
		"store/pg/pgtest": nil,
		"store/storetest": {"store"},
	}
	const mod = "github.com/feedsift/feedsift/"
	for pkg, ok := range allowed {
		out, err := exec.Command("go", "list", "-f", `{{join .Imports "\n"}}`, mod+pkg).Output()
		if err != nil {
			t.Fatalf("go list %s: %v", pkg, err)
		}
		for _, imp := range strings.Fields(string(out)) {
			if !strings.HasPrefix(imp, mod) {
				continue
			}
			dep := strings.TrimPrefix(imp, mod)
			if !contains(ok, dep) {
				t.Errorf("%s imports %s; allowed: %v", pkg, dep, ok)
			}
		}
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// TestExitCode: the one switch from errors to exit codes; an interrupt
// is 130 in any phase, even where the phase wraps it in its own code.
func TestExitCode(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want int
	}{
		{errors.New("x"), exitFailure},
		{&exitError{exitUsage, errors.New("bad flag")}, exitUsage},
		{&exitError{exitDatabase, errors.New("corrupt")}, exitDatabase},
		{context.Canceled, exitInterrupted},
		{&exitError{exitDatabase, fmt.Errorf("query: %w", context.Canceled)}, exitInterrupted},
		{fmt.Errorf("writing: %w", &exitError{exitFailure, context.Canceled}), exitInterrupted},
	} {
		if got := exitCode(tt.err); got != tt.want {
			t.Errorf("exitCode(%v) = %d, want %d", tt.err, got, tt.want)
		}
	}
}
