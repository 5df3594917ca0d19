package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDocCurrent keeps doc.go, the package comment, equal to what the
// command table gives; -update rewrites it.
func TestDocCurrent(t *testing.T) {
	want := packageDoc()
	if *update {
		if err := os.WriteFile("doc.go", []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if got := string(mustReadFile(t, "doc.go")); got != want {
		t.Errorf("doc.go is stale: go test ./cmd/feedsift -run TestDocCurrent -update")
	}
}

// TestHelp: every command's -h prints its own synopsis, text and flags
// on standard output and exits 0; a family prints its subcommands.
func TestHelp(t *testing.T) {
	for _, c := range commands {
		if c.name == "help" {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			args := append(strings.Fields(c.name), "-h")
			code, stdout, stderr := feedsift(t, args...)
			if code != exitOK || stderr != "" {
				t.Fatalf("exit %d, stderr %q", code, stderr)
			}
			if !strings.HasPrefix(stdout, strings.TrimSpace("Usage: feedsift "+c.name+" "+c.synopsis)+"\n") {
				t.Errorf("-h does not start with the command's synopsis:\n%s", stdout)
			}
			if !strings.Contains(stdout, strings.Split(c.text, "\n")[0]) {
				t.Errorf("-h lacks the command's text:\n%s", stdout)
			}
			if c.name != "db copy" && c.name != "version" && c.name != "completion" && !strings.Contains(stdout, "\n  -config file\n") {
				t.Errorf("-h lacks the flags:\n%s", stdout)
			}
		})
	}
	for _, family := range []string{"feeds", "db"} {
		code, stdout, _ := feedsift(t, family, "-h")
		if code != exitOK || !strings.Contains(stdout, "feedsift "+family+" ") || strings.Contains(stdout, "Exit codes") {
			t.Errorf("%s -h: exit %d\n%s", family, code, stdout)
		}
	}
	code, stdout, _ := feedsift(t, "help")
	if code != exitOK || stdout != usage {
		t.Errorf("help: exit %d", code)
	}
	for _, v := range []string{"version", "-version"} {
		if code, stdout, _ := feedsift(t, v); code != exitOK || !strings.HasPrefix(stdout, "feedsift ") || !strings.Contains(stdout, " go1.") {
			t.Errorf("%s: exit %d, %q", v, code, stdout)
		}
	}
	// A mistyped flag points to the command's help.
	if code, _, stderr := feedsift(t, "run", "-nope"); code != exitUsage || !strings.Contains(stderr, "'feedsift run -h' lists its flags") {
		t.Errorf("unknown flag: exit %d, %q", code, stderr)
	}
}

// TestCommandsDocumented keeps usage, the package comment and the README
// in step with the commands and their flags.
func TestCommandsDocumented(t *testing.T) {
	readme := string(mustReadFile(t, "../../README.md"))
	doc := string(mustReadFile(t, "doc.go"))
	for _, c := range commands {
		for name, text := range map[string]string{"usage": usage, "README.md": readme, "package comment": doc} {
			if !strings.Contains(text, "feedsift "+c.name) {
				t.Errorf("%s does not mention %q", name, "feedsift "+c.name)
			}
		}
	}
	// The flags: in each command's -h (from its FlagSet) and the README.
	for cmd, flags := range map[string][]string{
		"run":          {"-config", "-json", "-strict", "-budget", "-lock-wait", "-log-format", "-force", "-worker", "-lease", "-v"},
		"replay":       {"-topic", "-since", "-dry-run", "-lock-wait"},
		"prune":        {"-dry-run", "-vacuum", "-lock-wait"},
		"feeds add":    {"-title"},
		"feeds export": {"-o"},
		"test":         {"-split", "-min-f1", "-labels"},
		"db copy":      {"-from", "-to"},
	} {
		args := append(strings.Fields(cmd), "-h")
		code, stdout, stderr := feedsift(t, args...)
		for _, f := range flags {
			if !strings.Contains(stdout, "\n  "+f+" ") && !strings.Contains(stdout, "\n  "+f+"\n") && !strings.Contains(stdout, "\n  "+f+"\t") {
				t.Errorf("feedsift %s -h: exit %d, no flag %s in\n%s%s", cmd, code, f, stdout, stderr)
			}
			if !strings.Contains(readme, f) {
				t.Errorf("README.md does not mention %s", f)
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

// TestCheck_FindsConfig: without -config a command takes
// $FEEDSIFT_CONFIG (then the XDG and /etc places) and check names the
// file it used; with none it says where it looked.
func TestCheck_FindsConfig(t *testing.T) {
	s := newSite(t, "", nil, nil)
	t.Setenv("FEEDSIFT_CONFIG", s.config)
	code, stdout, stderr := feedsift(t, "check")
	if code != exitOK || !strings.HasPrefix(stdout, s.config+": ok: ") {
		t.Errorf("FEEDSIFT_CONFIG: exit %d, %q %q", code, stdout, stderr)
	}
	t.Setenv("FEEDSIFT_CONFIG", "")
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	if _, err := os.Stat("/etc/feedsift/config.toml"); err == nil {
		t.Skip("/etc/feedsift/config.toml exists here")
	}
	if code, _, stderr := feedsift(t, "check"); code != exitUsage || !strings.Contains(stderr, "no configuration: give -config FILE") {
		t.Errorf("none: exit %d, %q", code, stderr)
	}
}
