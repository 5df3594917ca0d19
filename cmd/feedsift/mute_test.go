package main

import (
	"strings"
	"testing"
)

// TestMutes: a mute in force hides what it matches from the topic's
// outputs; an expired one hides nothing; check lists both with their
// place; explain says which hides an item; mistakes are placed.
func TestMutes(t *testing.T) {
	a, b := fruit() // Apple pie, Pear tart; Green apple, Apple cider
	s := newSite(t, "", a, b)
	cfg := string(mustReadFile(t, s.config))
	cfg = strings.Replace(cfg, "max_entries = 2\n", "max_entries = 10\n", 1)
	cfg += "\n[[topics.mute]]\nquery = 'title:cider'\nuntil = 2099-12-31\n\n[[topics.mute]]\nquery = 'title:pie'\nuntil = 2020-01-01T12:00:00Z\n"
	s.write(t, "config.toml", cfg)
	code, stdout, stderr := feedsift(t, "check", "-config", s.config)
	if code != exitOK || !strings.Contains(stdout, `topic apples: mute "title:cider" in force until 2100-01-01`) ||
		!strings.Contains(stdout, `topic apples: mute "title:pie" expired 2020-01-01T12:00:00Z`) || !strings.Contains(stdout, "config.toml:") {
		t.Errorf("check: exit %d\n%s%s", code, stdout, stderr)
	}
	if code, _, stderr := feedsift(t, "run", "-config", s.config); code != exitOK {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	titles := strings.Join(atomTitles(t, s.path("out/apples.atom")), "|")
	if strings.Contains(titles, "cider") || !strings.Contains(titles, "Apple pie") || !strings.Contains(titles, "Green apple") {
		t.Errorf("published %q: want the cider muted, the pie (expired mute) and the rest kept", titles)
	}
	code, stdout, _ = feedsift(t, "explain", "-config", s.config, "-topic", "apples", "-link", "https://b.example.org/b2")
	if code != exitOK || !strings.Contains(stdout, `mute "title:cider" (until 2100-01-01`) {
		t.Errorf("explain of the muted item: exit %d\n%s", code, stdout)
	}
	code, stdout, _ = feedsift(t, "explain", "-config", s.config, "-topic", "apples", "-link", "https://a.example.org/a1")
	if code != exitOK || !strings.Contains(stdout, `mute "title:pie" expired`) {
		t.Errorf("explain of the item an expired mute matches: exit %d\n%s", code, stdout)
	}
	// Without grouping the store is asked for max_entries rows: a mute
	// must not leave the feed short of them.
	short := strings.Replace(strings.Replace(cfg, "max_entries = 10\n", "max_entries = 2\ndedup = false\n", 1), "query = 'title:pie'\nuntil = 2020-01-01T12:00:00Z", "query = 'title:pie'\nuntil = 2099-01-01T12:00:00Z", 1)
	s.write(t, "config.toml", short)
	if code, _, stderr := feedsift(t, "replay", "-config", s.config, "-topic", "apples"); code != exitOK {
		t.Fatalf("replay: exit %d: %s", code, stderr)
	}
	if got := atomTitles(t, s.path("out/apples.atom")); len(got) != 1 || got[0] != "Green apple" {
		// pie and cider muted: the one apple left is published, the cap of 2 filled from what is left
		t.Errorf("with two mutes in force and max_entries = 2: %q, want [Green apple]", got)
	}
	s.write(t, "config.toml", strings.Replace(short, "query = 'title:cider'\nuntil = 2099-12-31\n", "query = 'title:cider'\nuntil = 2000-12-31\n", 1))
	if code, _, stderr := feedsift(t, "replay", "-config", s.config, "-topic", "apples"); code != exitOK {
		t.Fatalf("replay: exit %d: %s", code, stderr)
	}
	if got := atomTitles(t, s.path("out/apples.atom")); len(got) != 2 || got[0] != "Green apple" || got[1] != "Apple cider" {
		t.Errorf("pie muted, max_entries = 2: %q, want [Green apple, Apple cider] (the newest muted one replaced)", got)
	}
	for _, tt := range []struct{ mute, want string }{
		{"query = 'title:(cider'\nuntil = 2099-12-31\n", "mute 1:"},
		{"query = 'cider'\n", `missing required key "until"`},
		{"query = 'cider'\nuntil = \"2099-12-31\"\n", "want a TOML date"},
	} {
		s.write(t, "config.toml", strings.Replace(cfg, "\n[[topics.mute]]\nquery = 'title:cider'\nuntil = 2099-12-31\n", "\n[[topics.mute]]\n"+tt.mute, 1))
		if code, _, stderr := feedsift(t, "check", "-config", s.config); code != exitUsage || !strings.Contains(stderr, tt.want) || !strings.Contains(stderr, "config.toml:") {
			t.Errorf("%q: exit %d %s, want %q at file:line", tt.mute, code, stderr, tt.want)
		}
	}
}
