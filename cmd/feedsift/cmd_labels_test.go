package main

import (
	"os"
	"path/filepath"
	"slices"
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
			"labelled links not in the database (1):\n  https://b.example.org/never-stored\n",
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

// TestReadLabels: a header line, a note column, commas or spaces are
// accepted; a bad line is named by file:line.
func TestReadLabels(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name, text string
		want       []label
		err        string
	}{
		{"tabs with header and note", "link\tlabel\tnote\nhttps://a.example/1\t1\tjoint drill\nhttps://a.example/2\t0\n", []label{{"https://a.example/1", true}, {"https://a.example/2", false}}, ""},
		{"commas", "# mine\nlink,label\nhttps://a.example/1,1\n", []label{{"https://a.example/1", true}}, ""},
		{"spaces", "https://a.example/1  0\n", []label{{"https://a.example/1", false}}, ""},
		{"bad value", "https://a.example/1\t1\nhttps://a.example/2\tyes\n", nil, "labels.tsv:2: want link<TAB>1"},
		{"no header after data", "https://a.example/1\t1\nlink\tlabel\n", nil, "labels.tsv:2:"},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(dir, "labels.tsv")
			if err := os.WriteFile(path, []byte(c.text), 0o644); err != nil {
				t.Fatal(err)
			}
			got, err := readLabels(path)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Errorf("err %v, want %q", err, c.err)
				}
				return
			}
			if err != nil || !slices.Equal(got, c.want) {
				t.Errorf("got %v, %v; want %v", got, err, c.want)
			}
		})
	}
}
