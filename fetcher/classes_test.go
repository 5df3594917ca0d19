package fetcher

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestClassesDocumented: every error class the fetcher defines is in the
// README's table of classes, which users read to know what a failed
// feed's line means.
func TestClassesDocumented(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	def := regexp.MustCompile(`\bClass[A-Za-z]+\s*=\s*"([a-z_]+)"`)
	n := 0
	for _, file := range []string{"error.go", "netguard.go"} {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range def.FindAllStringSubmatch(string(src), -1) {
			n++
			if !strings.Contains(string(readme), "`"+m[1]+"`") {
				t.Errorf("README.md does not list the error class %q", m[1])
			}
		}
	}
	if n < 20 {
		t.Errorf("found %d class definitions, want every one (20 or more)", n)
	}
}
