package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExplain_Text: explain -text shows the topic's verdict, and says when
// a run would leave the item out before matching it (the screen), naming
// words of the set the item lacks, or of the two it has only apart.
func TestExplain_Text(t *testing.T) {
	tests := []struct {
		name, text string
		match      bool
		screened   string // a word the screen line names; "" = no screen line
	}{
		{"on topic", "Russia's Security Council secretary Shoigu arrives in Beijing to meet Xi Jinping and Wang Yi on security cooperation", true, ""},
		{"both countries, no security", "Russia and China sign a gas deal\nTrade hit a record.", false, ""},
		{"Russia only", "Russia holds military drills in the Baltic", false, "beijing"},
		{"China only", "China's navy holds drills near Taiwan", false, "kremlin"},
		{"both, apart", "Moscow holds drills in the Baltic\nChina's navy sails near Taiwan.", false, "only apart"},
	}
	// The example topic reads some stories with the two sides apart
	// (sanctions on Chinese firms, Russia's war in the lead), so its screen
	// has no second look: a topic that needs them in one sentence shows it.
	together := filepath.Join(t.TempDir(), "together.toml")
	if err := os.WriteFile(together, []byte(`database = "feedsift.db"
output_dir = "out"
[[feeds]]
url = "a.xml"
[groups.russia]
terms = ["Russia", "Moscow", "Kremlin"]
[groups.china]
terms = ["China", "Chinese", "Beijing"]
[[topics]]
name = "russia-china-security"
title = "Together"
query = "SENTENCE(@russia, @china)"
`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			config := "../../example/config.toml"
			if tt.name == "both, apart" {
				config = together
			}
			code, out, stderr := feedsift(t, "explain", "-config", config,
				"-topic", "russia-china-security", "-text", tt.text)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			first, _, _ := strings.Cut(out, "\n")
			if got := !strings.Contains(first, "no match"); got != tt.match {
				t.Errorf("verdict %q, want match %v", first, tt.match)
			}
			_, screen, found := strings.Cut(out, "\nscreen: ")
			switch {
			case tt.screened == "" && found:
				t.Errorf("a screen line for an item the screen lets through:\n%s", out)
			case tt.screened != "" && !found:
				t.Errorf("no screen line:\n%s", out)
			case tt.screened != "" && !strings.Contains(screen, tt.screened):
				t.Errorf("screen line %q does not name %q", screen, tt.screened)
			}
		})
	}
}
