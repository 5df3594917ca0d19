package main

import (
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
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, stderr := feedsift(t, "explain", "-config", "../../example/config.toml",
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
