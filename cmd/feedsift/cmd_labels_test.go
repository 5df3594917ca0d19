package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestTest_Split: feedsift test scores a topic on labelled stored items,
// and -split scores the items dated before and from a day apart.
func TestTest_Split(t *testing.T) {
	jan := time.Date(2023, 1, 10, 12, 0, 0, 0, time.UTC)
	aug := time.Date(2023, 8, 1, 12, 0, 0, 0, time.UTC)
	s := newSite(t, "", []item{
		{"apple-pie", "Apple pie", jan},                     // on topic, kept: TP before
		{"pear-tart", "Pear tart", jan.Add(48 * time.Hour)}, // on topic, dropped: FN before
	}, []item{
		{"apple-cider", "Apple cider", aug},                    // off topic, kept: FP from
		{"apple-crumble", "Apple crumble", aug.Add(time.Hour)}, // on topic, kept: TP from
		{"plum-jam", "Plum jam", aug.Add(2 * time.Hour)},       // off topic, dropped: TN from
	})
	if code, _, stderr := feedsiftAt(t, aug.Add(24*time.Hour), "run", "-config", s.config); code != exitOK {
		t.Fatalf("run: exit %d\n%s", code, stderr)
	}
	s.write(t, "labels.tsv", strings.Join([]string{
		"# link<TAB>label",
		"https://a.example.org/apple-pie\t1",
		"https://a.example.org/pear-tart\t1",
		"https://b.example.org/apple-cider\t0",
		"https://b.example.org/apple-crumble\t1",
		"https://b.example.org/plum-jam\t0",
		"https://b.example.org/never-stored\t1",
	}, "\n")+"\n")
	labels := filepath.Join(s.dir, "labels.tsv")

	tests := []struct {
		name  string
		args  []string
		code  int
		wants []string
	}{
		{"whole", nil, exitOK, []string{
			"5 labelled items in the database (1 labels not found)",
			"TP 2  FP 1  FN 1  TN 1",
			"precision 0.667  recall 0.667  F1 0.667",
		}},
		{"split by day", []string{"-split", "2023-06-22"}, exitOK, []string{
			"split at 2023-06-22T00:00:00Z:",
			"before       2 items (2 on topic): TP 1  FP 0  FN 1  precision 1.000  recall 0.500  F1 0.667",
			"from         3 items (1 on topic): TP 1  FP 1  FN 0  precision 0.500  recall 1.000  F1 0.667",
		}},
		{"split by time", []string{"-split", "2023-08-01T12:30:00Z"}, exitOK, []string{
			"before       3 items (2 on topic): TP 1  FP 1  FN 1",
			"from         2 items (1 on topic): TP 1  FP 0  FN 0",
		}},
		{"bad split", []string{"-split", "June 2023"}, exitUsage, []string{`-split "June 2023": want a date such as 2023-06-22`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"test", "-config", s.config, "-topic", "apples", "-labels", labels}, tt.args...)
			code, stdout, stderr := feedsiftAt(t, aug.Add(24*time.Hour), args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\n%s%s", code, tt.code, stdout, stderr)
			}
			for _, w := range tt.wants {
				if !strings.Contains(stdout+stderr, w) {
					t.Errorf("output lacks %q:\n%s%s", w, stdout, stderr)
				}
			}
		})
	}
}
