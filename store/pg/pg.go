// Package pg is feedsift's PostgreSQL store: the same method set and the
// same types (package store) as the SQLite store, over a database that
// several feedsift processes on several machines share. It owns its
// embedded numbered migrations (versioned in the feedsift_schema table),
// every SQL statement it runs, and the work-sharing primitives: passes,
// feed claims with an expiring lease (SELECT … FOR UPDATE SKIP LOCKED),
// the queue of items no topic has evaluated, and the advisory lock that
// lets one process at a time write outputs. It imports only store.
package pg

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/feedsift/feedsift/store"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Advisory lock keys (pg_advisory_lock's bigint space is shared by every
// client of the database): "FSFT" in the high half, a purpose below.
const (
	lockMigrate = 0x46534654_00000001
	lockPass    = 0x46534654_00000002
	lockOutputs = 0x46534654_00000003
)

// IsURL reports whether database names a PostgreSQL server
// (postgres:// or postgresql://) rather than a SQLite file.
func IsURL(database string) bool {
	return strings.HasPrefix(database, "postgres://") || strings.HasPrefix(database, "postgresql://")
}

// Store is an open feedsift PostgreSQL database.
type Store struct {
	pool *pgxpool.Pool
	name string // the URL without password, for messages
}

// Open connects to the database at rawURL (postgres://…) and brings its
// schema up to date. Several processes may open it at once: migrations
// take an advisory lock.
func Open(ctx context.Context, rawURL string) (*Store, error) {
	name := Redact(rawURL)
	cfg, err := pgxpool.ParseConfig(rawURL)
	if err != nil {
		return nil, fmt.Errorf("database %s: %w", name, err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("database %s: %w", name, err)
	}
	s := &Store{pool: pool, name: name}
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("database %s: %w", name, err)
	}
	return s, nil
}

// Redact is rawURL without its password.
func Redact(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "postgres://…"
	}
	return u.Redacted()
}

// Path names the database (its URL without password).
func (s *Store) Path() string { return s.name }

// Close closes every connection.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// migrate applies the migrations the database lacks in one transaction,
// holding an advisory lock so that workers starting together take turns,
// and refuses a schema that is not feedsift's or is newer than this binary.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := store.ReadMigrations(migrationFS, "migrations")
	if err != nil {
		return err
	}
	return s.tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(lockMigrate)); err != nil {
			return err
		}
		var hasVersion, hasFeeds bool
		if err := tx.QueryRow(ctx, `SELECT to_regclass('feedsift_schema') IS NOT NULL,
			to_regclass('feeds') IS NOT NULL`).Scan(&hasVersion, &hasFeeds); err != nil {
			return err
		}
		version := 0
		switch {
		case !hasVersion && hasFeeds:
			return errors.New("not a feedsift database (it has a feeds table but no feedsift_schema)")
		case !hasVersion:
			if _, err := tx.Exec(ctx, `CREATE TABLE feedsift_schema (version integer NOT NULL);
				INSERT INTO feedsift_schema VALUES (0)`); err != nil {
				return err
			}
		default:
			if err := tx.QueryRow(ctx, `SELECT version FROM feedsift_schema`).Scan(&version); err != nil {
				return err
			}
		}
		if version > len(ms) {
			return fmt.Errorf("%w: version %d, this binary knows %d", store.ErrTooNew, version, len(ms))
		}
		for _, m := range ms[version:] {
			if _, err := tx.Exec(ctx, m.SQL); err != nil {
				return fmt.Errorf("migration %s: %w", m.Name, err)
			}
			if _, err := tx.Exec(ctx, `UPDATE feedsift_schema SET version = $1`, m.Version); err != nil {
				return err
			}
		}
		return nil
	})
}

// tx runs fn in one transaction: committed when fn returns nil.
func (s *Store) tx(ctx context.Context, fn func(pgx.Tx) error) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// IntegrityCheck asks the server for the schema version; PostgreSQL
// checks its own pages.
func (s *Store) IntegrityCheck(ctx context.Context) error {
	var v int
	return s.pool.QueryRow(ctx, `SELECT version FROM feedsift_schema`).Scan(&v)
}

// Vacuum does nothing and reports false: PostgreSQL's autovacuum returns
// space as it goes.
func (s *Store) Vacuum(ctx context.Context, force bool) (bool, error) { return false, nil }

// isBadData reports an error in what was sent, not in the server: a data
// exception (SQLSTATE class 22: an invalid byte sequence, a value out of
// range) or a value over a limit (54000: an index row too large).
func isBadData(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (strings.HasPrefix(pe.Code, "22") || pe.Code == "54000")
}

// isUnique reports a unique-constraint violation.
func isUnique(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}
