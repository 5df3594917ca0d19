package feedout

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	if err := Write(dir, "https://example.org/feeds/", "golang", *testFeed("ignored")); err != nil {
		t.Fatal(err)
	}
	for _, fm := range formats {
		got, err := os.ReadFile(filepath.Join(dir, "golang."+fm.ext))
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(filepath.Join("testdata", "golden."+fm.ext))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("golang.%s differs from testdata/golden.%s", fm.ext, fm.ext)
		}
	}
	assertOnly(t, dir, "golang.atom", "golang.json", "golang.rss")
}

func TestWrite_InvalidTouchesNothing(t *testing.T) {
	dir := t.TempDir()
	bad := *testFeed("")
	bad.Entries[1].ID = ""
	tests := []struct {
		name, base, file string
		f                Feed
	}{
		{"invalid feed", "https://example.org/feeds/", "golang", bad},
		{"name with slash", "https://example.org/feeds/", "a/b", *testFeed("")},
		{"dot name", "https://example.org/feeds/", ".hidden", *testFeed("")},
		{"base without slash", "https://example.org/feeds", "golang", *testFeed("")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := Write(dir, tt.base, tt.file, tt.f); !errors.Is(err, ErrInvalid) {
				t.Errorf("err = %v, want ErrInvalid", err)
			}
		})
	}
	assertOnly(t, dir)
}
