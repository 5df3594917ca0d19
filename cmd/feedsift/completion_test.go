package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestManCurrent keeps contrib/feedsift.1 equal to what the command
// table and the commands' flags give; -update rewrites it.
func TestManCurrent(t *testing.T) {
	want := manPage()
	path := filepath.Join("..", "..", "contrib", "feedsift.1")
	if *update {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if got := string(mustReadFile(t, path)); got != want {
		t.Errorf("contrib/feedsift.1 is stale: go test ./cmd/feedsift -run TestManCurrent -update")
	}
	for _, c := range commands {
		if !strings.Contains(want, ".B "+roff(strings.TrimSpace("feedsift "+c.name+" "+c.synopsis))+"\n") {
			t.Errorf("the man page lacks %s", c.name)
		}
	}
	if !strings.Contains(want, ".B \\-lock\\-wait \\fIduration\\fR") {
		t.Errorf("the man page lacks run's flags")
	}
	// man renders it without warnings, when man is here.
	if _, err := exec.LookPath("groff"); err != nil {
		t.Logf("groff not installed: the page is not rendered (%v)", err)
		return
	}
	out, err := exec.Command("groff", "-man", "-Tutf8", "-ww", "-z", path).CombinedOutput()
	if err != nil || len(out) > 0 {
		t.Errorf("groff: %v\n%s", err, out)
	}
}

// TestCompletion_Bash sources the bash script in a real bash and asks it
// to complete a command, a subcommand, a flag and a flag's file.
func TestCompletion_Bash(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skipf("no bash: %v", err)
	}
	code, script, stderr := feedsift(t, "completion", "bash")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "feedsift.bash"), []byte(script), 0o644)
	os.WriteFile(filepath.Join(dir, "config.toml"), nil, 0o644)
	tests := []struct {
		words string
		want  []string
	}{
		{"feedsift ru", []string{"run"}},
		{"feedsift ex", []string{"explain", "explain-story"}},
		{"feedsift feeds im", []string{"import"}},
		{"feedsift run -lock", []string{"-lock-wait"}},
		{"feedsift feeds import -allow", []string{"-allow-private"}},
		{"feedsift test -config conf", []string{"config.toml"}},
	}
	for _, tt := range tests {
		words := strings.Fields(tt.words)
		var quoted []string
		for _, w := range words {
			quoted = append(quoted, "'"+w+"'")
		}
		prog := "source feedsift.bash; COMP_WORDS=(" + strings.Join(quoted, " ") + "); COMP_CWORD=" +
			itoa(len(words)-1) + "; _feedsift; printf '%s\\n' \"${COMPREPLY[@]}\""
		cmd := exec.Command(bash, "--norc", "-c", prog)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", tt.words, err, out)
		}
		got := strings.Fields(string(out))
		if strings.Join(got, " ") != strings.Join(tt.want, " ") {
			t.Errorf("%q completes to %q, want %q", tt.words, got, tt.want)
		}
	}
	for _, sh := range []string{"zsh", "fish"} {
		if code, out, stderr := feedsift(t, "completion", sh); code != exitOK || !strings.Contains(out, "feedsift") {
			t.Errorf("completion %s: exit %d %s", sh, code, stderr)
		}
	}
	if code, _, stderr := feedsift(t, "completion", "tcsh"); code != exitUsage || !strings.Contains(stderr, "want bash, zsh or fish") {
		t.Errorf("completion tcsh: exit %d %s", code, stderr)
	}
}
