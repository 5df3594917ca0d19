package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
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

// ErrBadData is returned by SaveFeed when the database refuses what a
// feed delivered (text PostgreSQL cannot hold, a value over a limit):
// that feed's problem, not the database's; nothing of it is stored and
// every other feed carries on.
var ErrBadData = errors.New("the database refused the feed's data")

// ErrTooNew is returned by Open for a database written by a newer feedsift.
var ErrTooNew = errors.New("database schema is newer than this feedsift")

// ErrNotFeedsift is returned by Open for another application's database.
var ErrNotFeedsift = errors.New("not a feedsift database")

// ErrForeignWAL is returned by Open for a database whose -wal file holds
// another database's pages (copied or restored beside it). Neither file
// is changed: SQLite would have checkpointed those pages into the database.
var ErrForeignWAL = errors.New("write-ahead log does not belong to this database")

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
	case err == nil:
		if err := check(ctx, path); err != nil {
			return nil, fmt.Errorf("database %s: %w", path, err)
		}
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

// check refuses an existing file that is not feedsift's, or whose -wal
// is not its own, before the driver opens it for writing: a connection
// that can write checkpoints the log into the file when it closes, even
// after migrate refused what it saw (it would replace the database's
// pages with the other database's). It reads the header itself and looks
// through the log only on a read-only connection.
func check(ctx context.Context, path string) error {
	h, err := readHeader(path)
	if err != nil || h.empty {
		// SQLite deletes a log beside an empty file, even on a read-only
		// connection: there is nothing in the file to protect.
		return err
	}
	if h.appID != 0 && h.appID != applicationID {
		return fmt.Errorf("%w (application id %#x)", ErrNotFeedsift, h.appID)
	}
	wal := path + "-wal"
	switch fi, err := os.Stat(wal); {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return err
	case fi.Size() == 0:
		return nil
	}
	foreign := func(why string, args ...any) error {
		return fmt.Errorf("%s: %w (%s); nothing was changed; move %s away and run again", wal, ErrForeignWAL, fmt.Sprintf(why, args...), wal)
	}
	// A database in WAL mode cannot change its page size, so a log of
	// another size is another database's, whichever pages it holds.
	ps, ok, err := walPageSize(wal)
	if err != nil {
		return err
	}
	if ok && h.pageSize != 0 && ps != h.pageSize {
		return foreign("its pages are %d bytes, the database's %d", ps, h.pageSize)
	}
	id, tables, err := walView(ctx, path)
	switch {
	case err != nil && ctx.Err() != nil:
		return ctx.Err()
	case errors.Is(classify(err), ErrCorrupt):
		return foreign("through it the database reads as corrupt: %v", err)
	case err != nil:
		return fmt.Errorf("reading it through its write-ahead log %s: %w", wal, err)
	case h.appID == applicationID && id != applicationID:
		return foreign("it holds another database's pages, with application id %#x", id)
	case id != 0 && id != applicationID:
		return fmt.Errorf("%w (application id %#x in its write-ahead log %s)", ErrNotFeedsift, id, wal)
	case id == 0 && tables > 0:
		return fmt.Errorf("%w (it has tables but no feedsift application id, in its write-ahead log %s)", ErrNotFeedsift, wal)
	}
	return nil
}

// header is what check needs of a database file's first 100 bytes
// (https://www.sqlite.org/fileformat.html#the_database_header).
type header struct {
	empty    bool   // a zero-length file, which SQLite makes a new database
	pageSize int    // 0 when the field is not a valid page size
	appID    uint32 // PRAGMA application_id as the file has it
}

// readHeader reads path's header without SQLite. A file that does not
// start like a SQLite database is ErrCorrupt; SQLite would say so too,
// but only after reading page 1 from whatever -wal lies beside it.
func readHeader(path string) (header, error) {
	f, err := os.Open(path)
	if err != nil {
		return header{}, err
	}
	defer f.Close()
	b := make([]byte, 100)
	switch n, err := io.ReadFull(f, b); {
	case n == 0 && errors.Is(err, io.EOF):
		return header{empty: true}, nil
	case errors.Is(err, io.ErrUnexpectedEOF), err == nil && string(b[:16]) != "SQLite format 3\x00":
		return header{}, fmt.Errorf("%w: it does not start with the SQLite header", ErrCorrupt)
	case err != nil:
		return header{}, err
	}
	h := header{appID: binary.BigEndian.Uint32(b[68:72])}
	if ps := int(binary.BigEndian.Uint16(b[16:18])); ps == 1 {
		h.pageSize = 65536
	} else if ps >= 512 && ps&(ps-1) == 0 {
		h.pageSize = ps
	}
	return h, nil
}

// walPageSize returns the page size in the header of the -wal file at
// path, and false when SQLite would not use the header (and so ignore the
// log): wrong magic or version, bad page size or checksum, or too short
// (https://www.sqlite.org/fileformat.html#the_write_ahead_log).
func walPageSize(path string) (int, bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, false, err
	}
	defer f.Close()
	var b [32]byte
	switch _, err := io.ReadFull(f, b[:]); {
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return 0, false, nil
	case err != nil:
		return 0, false, err
	}
	be := binary.BigEndian
	// The magic's low bit says in which byte order the checksums add up
	// the header's words; the header itself is big-endian.
	var order binary.ByteOrder
	switch be.Uint32(b[0:]) {
	case 0x377f0682:
		order = binary.LittleEndian
	case 0x377f0683:
		order = binary.BigEndian
	default:
		return 0, false, nil
	}
	var s0, s1 uint32
	for i := 0; i < 24; i += 8 {
		s0 += order.Uint32(b[i:]) + s1
		s1 += order.Uint32(b[i+4:]) + s0
	}
	ps := be.Uint32(b[8:])
	if be.Uint32(b[4:]) != 3007000 || s0 != be.Uint32(b[24:]) || s1 != be.Uint32(b[28:]) || ps < 512 || ps > 65536 || ps&(ps-1) != 0 {
		return 0, false, nil
	}
	return int(ps), true, nil
}

// walView returns the application id and the number of schema entries of
// the database at path as SQLite sees them through its -wal. The
// connection is read-only (mode=ro): the driver opens the database file
// O_RDONLY, so nothing can write it, and the checkpoint SQLite tries on
// closing a log fails to take the write lock it needs.
func walView(ctx context.Context, path string) (appID uint32, tables int, err error) {
	q := url.Values{}
	q.Set("mode", "ro")
	q.Add("_pragma", "busy_timeout(10000)")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return 0, 0, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	var id int64
	if err := db.QueryRowContext(ctx, "PRAGMA application_id").Scan(&id); err != nil {
		return 0, 0, err
	}
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema").Scan(&tables); err != nil {
		return 0, 0, err
	}
	// PRAGMA application_id is signed; the header's field is not.
	return uint32(id), tables, db.Close()
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
			return fmt.Errorf("%w (it has tables but no feedsift application id)", ErrNotFeedsift)
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA application_id = %d", applicationID)); err != nil {
			return err
		}
	case appID != applicationID:
		return fmt.Errorf("%w (application id %#x)", ErrNotFeedsift, appID)
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
