package feedout

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "golang.atom")
	if err := WriteFile(path, func(w io.Writer) error {
		return WriteAtom(w, testFeed(selfURL("atom")))
	}); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o644 {
		t.Errorf("mode = %v, want 0644", fi.Mode().Perm())
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join("testdata", "golden.atom"))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Error("written file differs from testdata/golden.atom")
	}
	assertOnly(t, dir, "golang.atom")
}

func TestWriteFile_Replace(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f.txt")
	for _, s := range []string{"first", "second"} {
		if err := WriteFile(path, func(w io.Writer) error {
			_, err := io.WriteString(w, s)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	assertContent(t, path, "second")
	assertOnly(t, dir, "f.txt")
}

// Writing what the file already holds leaves it alone, so its
// modification time (Handler's ETag and Last-Modified) stays; other content
// replaces it.
func TestWriteFile_Unchanged(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f.txt")
	put := func(s string) {
		t.Helper()
		if err := WriteFile(path, func(w io.Writer) error {
			_, err := io.WriteString(w, s)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	mtime := func() time.Time {
		t.Helper()
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		return fi.ModTime()
	}
	put("same")
	past := time.Now().Add(-time.Hour).Truncate(time.Second)
	if err := os.Chtimes(path, past, past); err != nil {
		t.Fatal(err)
	}
	put("same")
	if got := mtime(); !got.Equal(past) {
		t.Errorf("rewriting the same content changed the modification time to %v", got)
	}
	put("other")
	if got := mtime(); got.Equal(past) {
		t.Error("new content kept the old modification time")
	}
	assertContent(t, path, "other")
	assertOnly(t, dir, "f.txt")
}

func TestWriteFile_FailureKeepsOld(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f.txt")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := WriteFile(path, func(w io.Writer) error {
		// Much written before the failure: none of it may reach path.
		if _, err := io.WriteString(w, strings.Repeat("new", 10000)); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), path) {
		t.Fatalf("err = %v, want boom naming %s", err, path)
	}
	assertContent(t, path, "old")
	assertOnly(t, dir, "f.txt")
}

func TestWriteFile_Unwritable(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, path string
	}{
		{"missing dir", filepath.Join(dir, "nope", "f.txt")},
		{"path is a dir", dir},
		{"parent is a file", filepath.Join(dir, "file", "f.txt")},
	}
	if err := os.WriteFile(filepath.Join(dir, "file"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() != 0 {
		ro := filepath.Join(dir, "ro")
		if err := os.Mkdir(ro, 0o555); err != nil {
			t.Fatal(err)
		}
		tests = append(tests, struct{ name, path string }{"read-only dir", filepath.Join(ro, "f.txt")})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := WriteFile(tt.path, func(w io.Writer) error {
				_, err := io.WriteString(w, "x")
				return err
			})
			if err == nil || !strings.Contains(err.Error(), tt.path) {
				t.Fatalf("err = %v, want an error naming %s", err, tt.path)
			}
		})
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("temp file left behind: %s", e.Name())
		}
	}
}

func assertContent(t *testing.T, path, want string) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("%s = %q, want %q", path, got, want)
	}
}

// assertOnly fails unless dir holds exactly the named files.
func assertOnly(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if strings.Join(got, ",") != strings.Join(names, ",") {
		t.Errorf("%s holds %v, want %v", dir, got, names)
	}
}

// TestWriteFile_NotRegular: a FIFO, a directory or a link to one at the
// output path is refused with the path named, at once (reading a FIFO to
// compare would wait for a writer that never comes).
func TestWriteFile_NotRegular(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "topic.atom")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("no FIFO here: %v", err)
	}
	sub := filepath.Join(dir, "topic.rss")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "topic.json")
	if err := os.Symlink(fifo, link); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{fifo, sub, link} {
		done := make(chan error, 1)
		go func() { done <- WriteFile(p, func(w io.Writer) error { _, err := io.WriteString(w, "x"); return err }) }()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), "not a regular file") {
				t.Errorf("%s: %v", p, err)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: WriteFile blocked", p)
		}
	}
}
