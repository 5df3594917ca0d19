package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// feedsiftFile makes a feedsift database at path holding n items, closed
// cleanly: everything is in the file and no -wal is left.
func feedsiftFile(t *testing.T, path string, n int) {
	t.Helper()
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	mustSave(t, s, "https://a.org/feed", bulkItems(0, n), t0)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path + "-wal"); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a clean close left %s-wal (%v)", path, err)
	}
}

// bulkItems are items from..to-1, of 2 KB each so that the file spans
// many pages.
func bulkItems(from, to int) []Item {
	var items []Item
	for i := from; i < to; i++ {
		items = append(items, Item{GUID: fmt.Sprint("g", i), Link: fmt.Sprint("https://a.org/", i),
			Title: fmt.Sprint("item ", i), Content: strings.Repeat("x", 2000)})
	}
	return items
}

// otherWAL returns the write-ahead log of another database in WAL mode,
// taken while that database is open: its pages are page bytes, its
// application id is app, and with pageOne false its last transactions
// leave page 1 (the header) alone.
func otherWAL(t *testing.T, page, app int, pageOne bool) []byte {
	t.Helper()
	p := filepath.Join(t.TempDir(), "other.db")
	db, err := sql.Open("sqlite", "file:"+p)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1) // wal_autocheckpoint is the connection's
	qs := []string{fmt.Sprintf("PRAGMA page_size = %d", page), "PRAGMA journal_mode = WAL", "PRAGMA wal_autocheckpoint = 0",
		fmt.Sprintf("PRAGMA application_id = %d", app), "CREATE TABLE t(x)", "INSERT INTO t VALUES ('a'), ('b')"}
	if !pageOne {
		qs = append(qs, "PRAGMA wal_checkpoint(TRUNCATE)", "UPDATE t SET x = 'c'")
	}
	for _, q := range qs {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	b, err := os.ReadFile(p + "-wal")
	if err != nil || len(b) == 0 {
		t.Fatalf("other database's WAL: %d bytes, %v", len(b), err)
	}
	return b
}

// fileSum is the SHA-256 of the file at path, or nil when there is none.
func fileSum(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256(b)
	return h[:]
}

// copyFiles copies the files named by names from dir to to.
func copyFiles(t *testing.T, dir, to string, names ...string) {
	t.Helper()
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(to, n), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// A -wal beside a feedsift database that came from another database is
// refused before SQLite can checkpoint it into the file: the file keeps
// every byte, and without the log it opens with all its items.
func TestOpen_ForeignWAL(t *testing.T) {
	const n = 100
	tests := []struct {
		name    string
		page    int
		app     int
		pageOne bool
	}{
		{"another application's database", 4096, 42, true},
		{"another application's database with feedsift's page size", pageSize, 42, true},
		{"a database without an application id", pageSize, 0, true},
		{"a change that leaves page 1 alone", pageSize, 42, false},
		{"4 KiB pages, page 1 left alone", 4096, 42, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "feedsift.db")
			wal := path + "-wal"
			feedsiftFile(t, path, n)
			if err := os.WriteFile(wal, otherWAL(t, tt.page, tt.app, tt.pageOne), 0o644); err != nil {
				t.Fatal(err)
			}
			dbSum, walSum := fileSum(t, path), fileSum(t, wal)

			s, err := Open(context.Background(), path)
			if err == nil {
				s.Close()
				t.Fatal("Open accepted a foreign write-ahead log")
			}
			t.Logf("refused: %v", err)
			for _, want := range []string{wal, "does not belong to this database", "nothing was changed"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("Open = %v\nwant it to say %q", err, want)
				}
			}
			if !errors.Is(err, ErrForeignWAL) {
				t.Errorf("Open = %v, want ErrForeignWAL", err)
			}
			if got := fileSum(t, path); string(got) != string(dbSum) {
				t.Errorf("the database file changed while it was refused (sha256 %x, was %x)", got, dbSum)
			}
			if got := fileSum(t, wal); string(got) != string(walSum) {
				t.Errorf("the write-ahead log changed while it was refused (sha256 %x, was %x)", got, walSum)
			}

			if err := os.Rename(wal, filepath.Join(t.TempDir(), "moved-away-wal")); err != nil {
				t.Fatal(err)
			}
			s, err = Open(context.Background(), path)
			if err != nil {
				t.Fatalf("with the log moved away: %v", err)
			}
			defer s.Close()
			if got := mustCount(t, s); got != n {
				t.Errorf("%d items, want %d", got, n)
			}
			if err := s.IntegrityCheck(context.Background()); err != nil {
				t.Error(err)
			}
		})
	}
}

// A feedsift database's own log, left by a run that did not close it
// (the files are copied while the store is open, as a crash leaves them),
// is recovered with everything committed.
func TestOpen_OwnWAL(t *testing.T) {
	tests := []struct {
		name    string
		before  int // items stored and checkpointed by a clean close first
		after   int // items stored while open, only in the log
		withSHM bool
	}{
		{"everything in the log", 0, 60, true},
		{"everything in the log, no -shm", 0, 60, false},
		{"later writes in the log", 40, 60, true},
		{"later writes in the log, no -shm", 40, 60, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "feedsift.db")
			if tt.before > 0 {
				feedsiftFile(t, path, tt.before)
			}
			s, err := Open(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			mustSave(t, s, "https://a.org/feed", bulkItems(tt.before, tt.after), t0)
			crashed := t.TempDir()
			names := []string{"feedsift.db", "feedsift.db-wal"}
			if tt.withSHM {
				names = append(names, "feedsift.db-shm")
			}
			copyFiles(t, dir, crashed, names...)
			s.Close()
			copied := filepath.Join(crashed, "feedsift.db")
			if fi, err := os.Stat(copied + "-wal"); err != nil || fi.Size() == 0 {
				t.Fatalf("no log to recover: %v", err)
			}

			s, err = Open(context.Background(), copied)
			if err != nil {
				t.Fatalf("Open after an unclean shutdown: %v", err)
			}
			defer s.Close()
			if got := mustCount(t, s); got != tt.after {
				t.Errorf("%d items, want %d", got, tt.after)
			}
			if err := s.IntegrityCheck(context.Background()); err != nil {
				t.Error(err)
			}
		})
	}
}

// A file whose header names another application is refused before the
// driver opens it for writing: not a byte of it, or of its log, changes.
func TestOpen_RefusesForeignHeader(t *testing.T) {
	tests := []struct {
		name string
		wal  bool // the other database is in WAL mode and its log is left
	}{
		{"rollback journal", false},
		{"WAL mode with its own log", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "other.db")
			db, err := sql.Open("sqlite", "file:"+path)
			if err != nil {
				t.Fatal(err)
			}
			db.SetMaxOpenConns(1)
			qs := []string{"PRAGMA application_id = 42", "CREATE TABLE t(x)", "INSERT INTO t VALUES ('a')"}
			if tt.wal {
				// The header is written before WAL mode and stays in the
				// file; the rest goes to the log.
				qs = append(qs, "PRAGMA journal_mode = WAL", "PRAGMA wal_autocheckpoint = 0", "INSERT INTO t VALUES ('b')")
			}
			for _, q := range qs {
				if _, err := db.Exec(q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			check := dir
			if tt.wal {
				check = t.TempDir() // copied while open: the log stays
				copyFiles(t, dir, check, "other.db", "other.db-wal")
				path = filepath.Join(check, "other.db")
			}
			db.Close()
			dbSum, walSum := fileSum(t, path), fileSum(t, path+"-wal")

			_, err = Open(context.Background(), path)
			if err == nil || !errors.Is(err, ErrNotFeedsift) || !strings.Contains(err.Error(), "not a feedsift database (application id 0x2a)") || !strings.Contains(err.Error(), path) {
				t.Errorf("Open = %v, want ErrNotFeedsift naming %s and its application id", err, path)
			}
			if string(fileSum(t, path)) != string(dbSum) {
				t.Error("the refused file changed")
			}
			if string(fileSum(t, path+"-wal")) != string(walSum) {
				t.Error("the refused file's log changed")
			}
			for _, f := range []string{"-wal", "-shm"} {
				if _, err := os.Stat(path + f); !tt.wal && err == nil {
					t.Errorf("refusing left a %s file", f)
				}
			}
		})
	}
}

// walPageSize reads a real log's header, and no longer trusts it once a
// byte covered by its checksum changes (SQLite would ignore such a log).
func TestWALPageSize(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x.db-wal")
	b := otherWAL(t, 4096, 42, true)
	os.WriteFile(p, b, 0o644)
	if ps, ok, err := walPageSize(p); ps != 4096 || !ok || err != nil {
		t.Errorf("walPageSize = %d, %v, %v; want 4096, true", ps, ok, err)
	}
	b[20] ^= 1 // salt-2
	os.WriteFile(p, b, 0o644)
	if _, ok, err := walPageSize(p); ok || err != nil {
		t.Errorf("walPageSize trusted a header whose checksum fails (%v)", err)
	}
	os.WriteFile(p, b[:20], 0o644)
	if _, ok, err := walPageSize(p); ok || err != nil {
		t.Errorf("walPageSize trusted a short header (%v)", err)
	}
}
