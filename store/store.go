package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver
)

// applicationID marks a SQLite file as feedsift's (PRAGMA application_id):
// "FSFT".
const applicationID = 0x46534654

//go:embed migrations/*.sql
var migrationFS embed.FS

// ErrCorrupt is returned by Open for a file that is not a usable SQLite
// database. The file is never deleted or "repaired".
var ErrCorrupt = errors.New("database is corrupt")

// ErrTooNew is returned by Open for a database written by a newer feedsift.
var ErrTooNew = errors.New("database schema is newer than this feedsift")

// Store is an open feedsift database.
type Store struct {
	db   *sql.DB
	path string
	// mu makes this process's writers take turns, so that SQLite never
	// has to make one of them wait (one writer, as STYLE says).
	mu sync.Mutex
	// prepared holds the writers' statements, prepared once: parsing the
	// SQL of every INSERT took a fifth of a cold pass. Guarded by mu.
	prepared map[string]*sql.Stmt
	// reads are readers' statements, prepared once (readStmt).
	readMu sync.Mutex
	reads  map[string]*sql.Stmt
}

// Open opens (creating if needed) the database at path and brings its
// schema up to date.
func Open(ctx context.Context, path string) (*Store, error) {
	switch fi, err := os.Stat(path); {
	case err == nil && fi.IsDir():
		return nil, fmt.Errorf("database %s: is a directory", path)
	case errors.Is(err, fs.ErrNotExist):
		if err := create(ctx, path); err != nil {
			return nil, fmt.Errorf("database %s: %w", path, err)
		}
	}
	q := url.Values{}
	for _, p := range []string{
		"busy_timeout(10000)",
		"journal_mode(WAL)",
		"synchronous(NORMAL)",
		"foreign_keys(ON)",
	} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("database %s: %w", path, err)
	}
	s := &Store{db: db, path: path}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("database %s: %w", path, err)
	}
	return s, nil
}

// pageSize is a new database's page size. SQLite's default is 4 KiB; with
// 16 KiB a cold pass writes a quarter as many pages (each a system call,
// twice: into the WAL and back at a checkpoint) and its B-trees are
// shallower.
const pageSize = 16384

// create makes a new, empty database file with pageSize pages, in WAL
// mode. The page size can only be set before the first page is written,
// and the driver runs its _pragma list in alphabetical order
// (journal_mode before page_size), so it is done here.
func create(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		return err
	}
	defer db.Close()
	for _, p := range []string{fmt.Sprintf("PRAGMA page_size = %d", pageSize), "PRAGMA journal_mode = WAL"} {
		if _, err := db.ExecContext(ctx, p); err != nil {
			return err
		}
	}
	return db.Close()
}

// Path is the database file's path.
func (s *Store) Path() string { return s.path }

// Close closes the database.
func (s *Store) Close() error {
	s.mu.Lock()
	for _, st := range s.prepared {
		st.Close()
	}
	s.prepared = nil
	s.mu.Unlock()
	s.readMu.Lock()
	for _, st := range s.reads {
		st.Close()
	}
	s.reads = nil
	s.readMu.Unlock()
	return s.db.Close()
}

// stmt returns query prepared once for the store, bound to tx. Only for
// writers: the caller holds mu (see write).
func (s *Store) stmt(ctx context.Context, tx *sql.Tx, query string) (*sql.Stmt, error) {
	st, ok := s.prepared[query]
	if !ok {
		var err error
		if st, err = s.db.PrepareContext(ctx, query); err != nil {
			return nil, err
		}
		if s.prepared == nil {
			s.prepared = map[string]*sql.Stmt{}
		}
		s.prepared[query] = st
	}
	// Re-uses the statement already prepared on tx's connection.
	return tx.StmtContext(ctx, st), nil
}

// exec runs query in tx as a statement prepared once (stmt).
func (s *Store) exec(ctx context.Context, tx *sql.Tx, query string, args ...any) (sql.Result, error) {
	st, err := s.stmt(ctx, tx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

// queryRow is exec for a query of one row.
func (s *Store) queryRow(ctx context.Context, tx *sql.Tx, query string, args ...any) *sql.Row {
	st, err := s.stmt(ctx, tx, query)
	if err != nil {
		// A Row carries its error: run the query unprepared to get it.
		return tx.QueryRowContext(ctx, query, args...)
	}
	return st.QueryRowContext(ctx, args...)
}

// readStmt returns query prepared once for readers (any goroutine).
func (s *Store) readStmt(ctx context.Context, query string) (*sql.Stmt, error) {
	s.readMu.Lock()
	defer s.readMu.Unlock()
	if st, ok := s.reads[query]; ok {
		return st, nil
	}
	st, err := s.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if s.reads == nil {
		s.reads = map[string]*sql.Stmt{}
	}
	s.reads[query] = st
	return st, nil
}

// Migration is one embedded, numbered schema change.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// ReadMigrations reads the numbered .sql files in dir of fsys (NNNN_name.sql),
// in order, and checks that they are numbered 1, 2, 3… without gaps. Both
// engines keep their migrations this way.
func ReadMigrations(fsys fs.FS, dir string) ([]Migration, error) {
	ents, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	var ms []Migration
	for _, e := range ents {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: name must start with a number", e.Name())
		}
		b, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		ms = append(ms, Migration{v, e.Name(), string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	for i, m := range ms {
		if m.Version != i+1 {
			return nil, fmt.Errorf("migration %s: want number %d", m.Name, i+1)
		}
	}
	return ms, nil
}

// migrate applies the migrations the database lacks, in one immediate
// transaction, and refuses foreign or newer databases. Foreign keys are
// off while it runs, as SQLite asks for schema changes that rebuild a
// table (dropping a table others refer to would otherwise delete their
// rows), and checked before it commits.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := ReadMigrations(migrationFS, "migrations")
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return classify(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "PRAGMA foreign_keys = OFF"); err != nil {
		return classify(err)
	}
	defer func() {
		if _, err := conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA foreign_keys = ON"); err != nil {
			// Not back on: the connection must not serve anyone else.
			conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return classify(err)
	}
	defer tx.Rollback()
	var appID, version int
	if err := tx.QueryRowContext(ctx, "PRAGMA application_id").Scan(&appID); err != nil {
		return classify(err)
	}
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return classify(err)
	}
	switch {
	case appID == 0 && version == 0:
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema").Scan(&n); err != nil {
			return classify(err)
		}
		if n > 0 {
			return errors.New("not a feedsift database (it has tables but no feedsift application id)")
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA application_id = %d", applicationID)); err != nil {
			return err
		}
	case appID != applicationID:
		return fmt.Errorf("not a feedsift database (application id %#x)", appID)
	case version > len(ms):
		return fmt.Errorf("%w: version %d, this binary knows %d", ErrTooNew, version, len(ms))
	}
	for _, m := range ms[version:] {
		if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
			return fmt.Errorf("migration %s: %w", m.Name, err)
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", m.Version)); err != nil {
			return err
		}
	}
	if version < len(ms) {
		var table string
		var row int64
		err := tx.QueryRowContext(ctx, "PRAGMA foreign_key_check").Scan(&table, &row, new(any), new(any))
		switch {
		case err == nil:
			return fmt.Errorf("migrations leave row %d of %s referring to nothing", row, table)
		case !errors.Is(err, sql.ErrNoRows):
			return classify(err)
		}
	}
	return tx.Commit()
}

// classify turns SQLite's messages for damaged files into ErrCorrupt.
func classify(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if strings.Contains(msg, "not a database") || strings.Contains(msg, "malformed") || strings.Contains(msg, "SQLITE_CORRUPT") || strings.Contains(msg, "SQLITE_NOTADB") {
		return fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	return err
}

// IntegrityCheck runs PRAGMA integrity_check and returns nil when SQLite
// says "ok".
func (s *Store) IntegrityCheck(ctx context.Context) error {
	rows, err := s.db.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return classify(err)
	}
	defer rows.Close()
	var msgs []string
	for rows.Next() {
		var m string
		if err := rows.Scan(&m); err != nil {
			return err
		}
		msgs = append(msgs, m)
	}
	if err := rows.Err(); err != nil {
		return classify(err)
	}
	if len(msgs) == 1 && msgs[0] == "ok" {
		return nil
	}
	return fmt.Errorf("%w: %s", ErrCorrupt, strings.Join(msgs, "; "))
}

// ErrFull is wrapped by writes that failed because the disk (or the
// database's page limit) is full; the transaction was rolled back.
var ErrFull = errors.New("disk full")

// write runs fn in one immediate transaction, one writer at a time.
func (s *Store) write(ctx context.Context, fn func(*sql.Tx) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.full(classify(err))
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return s.full(classify(err))
	}
	return s.full(classify(tx.Commit()))
}

// full names the database file in a disk-full error, which SQLite
// reports without a path.
func (s *Store) full(err error) error {
	if err != nil && (strings.Contains(err.Error(), "database or disk is full") || strings.Contains(err.Error(), "SQLITE_FULL")) {
		return fmt.Errorf("database %s: %w: %v", s.path, ErrFull, err)
	}
	return err
}

func unix(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

func fromUnix(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(n, 0).UTC()
}
