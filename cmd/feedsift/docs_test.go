package main

import (
	"strings"
	"testing"
)

// TestCommandsDocumented keeps usage, the package comment and the README
// in step with the commands and their flags.
func TestCommandsDocumented(t *testing.T) {
	readme := string(mustReadFile(t, "../../README.md"))
	doc := string(mustReadFile(t, "main.go"))
	doc = doc[:strings.Index(doc, "package main")]
	words := []string{
		"run", "check", "replay", "prune", "feeds add", "feeds list", "feeds import", "feeds export",
		"-json", "-strict", "-budget", "-lock-wait", "-log-format", "-topic", "-since", "-dry-run", "-vacuum", "-title",
		"-worker", "-lease", "db copy", "postgres://",
	}
	for _, w := range words {
		for name, text := range map[string]string{"usage": usage, "README.md": readme, "package comment": doc} {
			if !strings.Contains(text, w) {
				t.Errorf("%s does not mention %q", name, w)
			}
		}
	}
	// Every command named in usage is one runWith knows.
	for _, cmd := range []string{"run", "check", "replay", "prune", "feeds", "db"} {
		if code, _, stderr := feedsift(t, cmd, "-no-such-flag"); code != exitUsage || strings.Contains(stderr, "unknown command") {
			t.Errorf("%s: exit %d %q", cmd, code, stderr)
		}
	}
}

// TestCheck_TouchesNothing: check reads the file and the topics only: no
// database is created and the (unreachable) feeds are not fetched.
func TestCheck_TouchesNothing(t *testing.T) {
	s := newSite(t, "", nil, nil)
	s.write(t, "config.toml", strings.Replace(string(mustReadFile(t, s.config)), `"feeds/a.xml"`, `"http://127.0.0.1:1/never"`, 1))
	code, stdout, stderr := feedsift(t, "check", "-config", s.config)
	if code != exitOK || !strings.Contains(stdout, "ok: 2 feeds, 1 group, 1 topic") {
		t.Errorf("exit %d: %s%s", code, stdout, stderr)
	}
	if isFile(s.path("feedsift.db")) || isFile(s.path("feedsift.db.lock")) || isDir(s.path("out")) {
		t.Errorf("check created a database, lock or output directory")
	}
	if stderr != "" {
		t.Errorf("check of a clean config warned: %s", stderr)
	}
	s.write(t, "config.toml", strings.Replace(string(mustReadFile(t, s.config)), "title:apple", "title:(apple", 1))
	code, _, stderr = feedsift(t, "check", "-config", s.config)
	if code != exitUsage || !strings.Contains(stderr, s.config+":20:22: ") {
		t.Errorf("bad query: exit %d, stderr %q", code, stderr)
	}
}

// TestCheck_OperatorWarning: a lower-case operator between terms is
// searched as a word; check says where, and still succeeds.
func TestCheck_OperatorWarning(t *testing.T) {
	s := newSite(t, "", nil, nil)
	s.write(t, "config.toml", strings.Replace(string(mustReadFile(t, s.config)), "title:apple", "title:apple or pear", 1))
	code, stdout, stderr := feedsift(t, "check", "-config", s.config)
	want := "warning: " + s.config + ":20:22: topic \"apples\": \"or\" is searched as a word"
	if code != exitOK || !strings.Contains(stdout, "ok:") || !strings.Contains(stderr, want) {
		t.Errorf("exit %d, stdout %q, stderr %q; want a warning %q", code, stdout, stderr, want)
	}
}
