package main

import (
	"slices"
	"strings"
	"testing"
)

// TestReplay: -dry-run prints the change in the output and writes
// nothing; without it the output and the index page are rebuilt as the
// dry run said; then there is nothing left to change.
func TestReplay(t *testing.T) {
	a, b := fruit()
	s := newSite(t, "", a, b)
	if code, _, stderr := feedsift(t, "run", "-config", s.config); code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	out, index := s.path("out/apples.atom"), s.path("out/index.html")
	before, indexBefore := mustReadFile(t, out), mustReadFile(t, index)
	if !strings.Contains(string(indexBefore), "Green apple") {
		t.Fatalf("the index does not show the entry replay is to remove:\n%s", indexBefore)
	}
	s.write(t, "config.toml", strings.Replace(string(mustReadFile(t, s.config)),
		"query = 'title:apple'", "query = 'title:@fruit AND NOT title:green'", 1))

	var dry strings.Builder
	for _, args := range [][]string{
		{"-dry-run"},
		{"-dry-run", "-since", "2d"},
		{"-dry-run", "-since", "2d", "-topic", "apples"},
	} {
		code, stdout, stderr := feedsift(t, append([]string{"replay", "-config", s.config}, args...)...)
		if code != exitOK {
			t.Fatalf("replay %v: exit %d\n%s", args, code, stderr)
		}
		dry.WriteString("$ feedsift replay " + strings.Join(args, " ") + "\n" + stdout)
	}
	golden(t, "replay-dry-run.txt", []byte(strings.ReplaceAll(dry.String(), s.dir, "$DIR")))
	if after := mustReadFile(t, out); string(after) != string(before) {
		t.Errorf("replay -dry-run rewrote the output")
	}
	if after := mustReadFile(t, index); string(after) != string(indexBefore) {
		t.Errorf("replay -dry-run rewrote the index")
	}

	code, stdout, stderr := feedsift(t, "replay", "-config", s.config)
	if code != exitOK {
		t.Fatalf("replay: exit %d\n%s", code, stderr)
	}
	if !strings.Contains(dry.String(), stdout) {
		t.Errorf("replay printed\n%s\nwhich is not what the dry run said", stdout)
	}
	// The dry run's prediction, in store order.
	if got := atomTitles(t, out); !slices.Equal(got, []string{"Apple pie", "Pear tart"}) {
		t.Errorf("entries after replay %q", got)
	}
	// The index page shows the replayed output, as after run.
	if ix := string(mustReadFile(t, index)); !strings.Contains(ix, "Pear tart") || strings.Contains(ix, "Green apple") {
		t.Errorf("index after replay:\n%s", ix)
	}
	if _, stdout, _ := feedsift(t, "replay", "-config", s.config, "-dry-run"); !strings.Contains(stdout, "apples: no change to the output (3 matched before, 3 now)") {
		t.Errorf("second dry run:\n%s", stdout)
	}
	// replay recorded the definition: the next run does not evaluate again.
	if _, _, stderr := feedsift(t, "run", "-config", s.config, "-v"); strings.Contains(stderr, "full=true") {
		t.Errorf("run re-evaluated a replayed topic:\n%s", stderr)
	}
}

func TestReplay_Errors(t *testing.T) {
	a, b := fruit()
	s := newSite(t, "", a, b)
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no database", []string{"-dry-run"}, exitDatabase, "does not exist"},
		{"unknown topic", []string{"-topic", "pears"}, exitUsage, `-topic "pears": no such topic`},
		{"bad since", []string{"-since", "a month"}, exitUsage, "-since"},
		{"zero since", []string{"-since", "0d"}, exitUsage, "-since"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := feedsift(t, append([]string{"replay", "-config", s.config}, tt.args...)...)
			if code != tt.code || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr, tt.code, tt.want)
			}
		})
	}
}
