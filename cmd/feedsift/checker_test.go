package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/feedsift/feedsift/store"
	"github.com/mmcdole/gofeed"
)

const checkFeed = "../../../shared/checkers/check_feed.sh"

// checkWithReaders runs the shared checkers (W3C validator, xmllint,
// feedparser, newsboat, sfeed, gofeed; for JSON Feed a check of the spec
// and gofeed) on one output file in strict mode: 0 errors, 0 warnings,
// every reader sees the same entries. It returns that number of entries,
// -1 after a failure. It skips with the reason when the checkers are
// absent or not set up.
func checkWithReaders(t *testing.T, path string) int {
	t.Helper()
	return runChecker(t, path, true)
}

// entriesRE finds each checker's entry count in check_feed.sh's summary.
var entriesRE = regexp.MustCompile(`\bentries=(\d+)`)

// runChecker is checkWithReaders; strict = false allows validator
// warnings (logged) but no errors.
func runChecker(t *testing.T, path string, strict bool) int {
	t.Helper()
	if _, err := os.Stat(checkFeed); err != nil {
		t.Skipf("feed checkers not found at %s (they sit beside the checkout as ../shared/checkers): %v", checkFeed, err)
	}
	cmd := exec.Command("bash", checkFeed, path)
	cmd.Env = os.Environ()
	if strict {
		cmd.Env = append(cmd.Env, "CHECK_FEED_STRICT=1")
	}
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	switch {
	case err == nil:
		t.Logf("%s: %s", filepath.Base(path), lastLine(out))
		for _, l := range strings.Split(string(out), "\n") {
			if strings.Contains(l, "w3c by type") {
				t.Log(strings.TrimSpace(l))
			}
		}
	case errors.As(err, &ee) && ee.ExitCode() == 2:
		t.Skipf("feed checkers not set up (run ../shared/checkers/setup.sh as root): %s", lastLine(out))
	default:
		t.Errorf("check_feed.sh %s: %v\n%s", path, err, out)
		return -1
	}
	// check_feed.sh fails when the counts disagree; this also catches a
	// summary it no longer prints.
	n := -1
	for _, m := range entriesRE.FindAllStringSubmatch(lastLine(out), -1) {
		c, _ := strconv.Atoi(m[1])
		if n >= 0 && c != n {
			t.Errorf("%s: readers disagree on the entry count: %s", filepath.Base(path), lastLine(out))
			return -1
		}
		n = c
	}
	if n < 0 {
		t.Errorf("%s: no entry count in the checkers' summary: %s", filepath.Base(path), lastLine(out))
	}
	return n
}

func lastLine(b []byte) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return lines[len(lines)-1]
}

func TestRun_ExampleValidates(t *testing.T) {
	cfg := copyExample(t)
	if code, _, stderr := feedsift(t, "run", "-config", cfg); code != exitOK {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	for _, ext := range []string{".atom", ".rss", ".json"} {
		t.Run(ext[1:], func(t *testing.T) {
			checkWithReaders(t, filepath.Join(filepath.Dir(cfg), "out", "russia-china-security"+ext))
		})
	}
}

// TestRun_EmptyTopicValidates: a topic nothing has matched yet publishes
// valid, empty feeds dated when the database began collecting, not the
// Unix epoch (which the validator calls implausible).
func TestRun_EmptyTopicValidates(t *testing.T) {
	cfg := copyExample(t)
	f, err := os.OpenFile(cfg, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("\n[[topics]]\nname = \"nothing-yet\"\ntitle = \"Nothing yet\"\nquery = \"zqxjkv\"\n"); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if code, _, stderr := feedsift(t, "run", "-config", cfg); code != exitOK {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	atom := filepath.Join(filepath.Dir(cfg), "out", "nothing-yet.atom")
	doc, err := gofeed.NewParser().Parse(bytes.NewReader(mustReadFile(t, atom)))
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(t.Context(), filepath.Join(filepath.Dir(cfg), "feedsift.db"))
	if err != nil {
		t.Fatal(err)
	}
	since, err := st.Since(t.Context())
	st.Close()
	if err != nil || since.Year() < 2000 {
		t.Fatalf("Since = %v, %v", since, err)
	}
	if len(doc.Items) != 0 || doc.UpdatedParsed == nil || !doc.UpdatedParsed.Equal(since) {
		t.Errorf("empty topic: %d entries, updated %v; want none, updated when the first item was stored", len(doc.Items), doc.UpdatedParsed)
	}
	for _, ext := range []string{".atom", ".rss", ".json"} {
		t.Run(ext[1:], func(t *testing.T) {
			if n := checkWithReaders(t, filepath.Join(filepath.Dir(cfg), "out", "nothing-yet"+ext)); n > 0 {
				t.Errorf("%d entries, want 0", n)
			}
		})
	}
}

// TestRun_DigestValidates: the example's daily digest, in every format,
// passes every checker.
func TestRun_DigestValidates(t *testing.T) {
	cfg := copyExample(t)
	os.WriteFile(cfg, append(mustReadFile(t, cfg), "\ndigest = \"daily\"\ndigest_timezone = \"Europe/Berlin\"\n"...), 0o644)
	if code, _, stderr := feedsift(t, "run", "-config", cfg); code != exitOK {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	for _, ext := range []string{".atom", ".rss", ".json"} {
		t.Run(ext[1:], func(t *testing.T) {
			if n := checkWithReaders(t, filepath.Join(filepath.Dir(cfg), "out", "russia-china-security-digest"+ext)); n == 0 {
				t.Errorf("the digest has no entries")
			}
		})
	}
}
