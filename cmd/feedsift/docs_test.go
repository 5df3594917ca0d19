package main

import (
	"fmt"
	"os"
	"path/filepath"
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

// TestCheck_ExponentialGroups: groups that each refer twice to the one
// before are refused by check, naming the group's place in the file,
// instead of passing and then never finishing a run.
func TestCheck_ExponentialGroups(t *testing.T) {
	var b strings.Builder
	b.WriteString("database = \"f.db\"\noutput_dir = \"out\"\n\n[[feeds]]\nurl = \"http://127.0.0.1:1/f\"\n\n[groups.g0]\nterms = [\"apple\", \"pear\"]\n")
	for i := 1; i <= 40; i++ {
		fmt.Fprintf(&b, "\n[groups.g%d]\nterms = [\"@g%d AND fruit\", \"@g%d AND NOT kiwi\"]\n", i, i-1, i-1)
	}
	b.WriteString("\n[[topics]]\nname = \"deep\"\ntitle = \"Deep\"\nquery = \"@g40\"\n")
	dir := t.TempDir()
	path := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := feedsift(t, "check", "-config", path)
	if code != exitUsage || !strings.Contains(stderr, path+":") || !strings.Contains(stderr, "too big") {
		t.Errorf("exit %d, stderr %q; want exit %d naming the group's line and saying it is too big", code, stderr, exitUsage)
	}
}
