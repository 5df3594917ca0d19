package filter

import (
	"os"
	"strings"
	"testing"
)

// scratch: score the example topic (or HARD_CONFIG) on HARD_TSV files (label date outlet title summary note)
func TestZZHard(t *testing.T) {
	files := os.Getenv("HARD_TSV")
	if files == "" {
		t.Skip("no HARD_TSV")
	}
	topic := mustCompileExample(t)
	var tot quality
	for _, file := range strings.Split(files, ",") {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var q quality
		for i, line := range strings.Split(string(b), "\n") {
			if i == 0 || line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "label\t") {
				continue
			}
			f := strings.Split(line, "\t")
			if len(f) < 5 {
				t.Fatalf("%s:%d: %d fields", file, i+1, len(f))
			}
			want := f[0] == "1"
			res := topic.Match(NewDoc(Item{Title: f[3], Summary: f[4]}))
			got := res.Match
			note := ""
			if len(f) > 5 {
				note = f[5]
			}
			switch {
			case got && want:
				q.tp++
			case got && !want:
				q.fp++
				if os.Getenv("HARD_LIST") != "" {
					t.Logf("FP %.1f %s || %.160s [%s]", res.Score, f[3], f[4], note)
				}
			case !got && want:
				q.fn++
				if os.Getenv("HARD_LIST") != "" {
					t.Logf("FN %.1f %s || %.160s [%s]", res.Score, f[3], f[4], note)
				}
			}
			if os.Getenv("HARD_EXPLAIN") != "" && strings.Contains(f[3], os.Getenv("HARD_EXPLAIN")) {
				t.Logf("%s", topic.Explain(NewDoc(Item{Title: f[3], Summary: f[4]})))
			}
		}
		t.Logf("%s: %s", file, q)
		tot.tp += q.tp
		tot.fp += q.fp
		tot.fn += q.fn
	}
	t.Logf("total: %s", tot)
}
