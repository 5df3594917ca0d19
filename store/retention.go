package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"
)

// Retention says which items Prune deletes. An item's age counts from the
// last time its content changed (changed_at).
type Retention struct {
	// UnmatchedBefore: items no topic matched that last changed before it
	// are deleted. Zero deletes none.
	UnmatchedBefore time.Time
	// MatchedBefore: likewise for items some topic matched. Zero deletes
	// none.
	MatchedBefore time.Time
	// Keep are the items that are never deleted, however old: what the
	// outputs show (each entry's item and the copies of its story it
	// lists), as the caller decides it.
	Keep []int64
	// DryRun counts what would be deleted and deletes nothing.
	DryRun bool
}

// Pruned reports what Prune deleted (or, for a dry run, would delete).
type Pruned struct {
	Unmatched int
	Matched   int
}

// errDryRun rolls back a dry run's transaction.
var errDryRun = errors.New("dry run")

// Prune deletes old items in one transaction: those no topic matched
// before r.UnmatchedBefore, those some topic matched before
// r.MatchedBefore, never one in r.Keep. Their matches go with them; feeds
// are kept.
func (s *Store) Prune(ctx context.Context, r Retention) (Pruned, error) {
	keep, err := json.Marshal(r.Keep)
	if err != nil {
		return Pruned{}, err
	}
	if r.Keep == nil {
		keep = []byte("[]")
	}
	var res Pruned
	err = s.write(ctx, func(tx *sql.Tx) error {
		res = Pruned{}
		if !r.UnmatchedBefore.IsZero() {
			n, err := execCount(ctx, tx, `DELETE FROM items WHERE changed_at < ?1
				AND NOT EXISTS (SELECT 1 FROM matches m WHERE m.item_id = items.id)
				AND id NOT IN (SELECT value FROM json_each(?2))`, unix(r.UnmatchedBefore), string(keep))
			if err != nil {
				return err
			}
			res.Unmatched = n
		}
		if !r.MatchedBefore.IsZero() {
			n, err := execCount(ctx, tx, `DELETE FROM items WHERE changed_at < ?1
				AND EXISTS (SELECT 1 FROM matches m WHERE m.item_id = items.id)
				AND id NOT IN (SELECT value FROM json_each(?2))`, unix(r.MatchedBefore), string(keep))
			if err != nil {
				return err
			}
			res.Matched = n
		}
		if r.DryRun {
			return errDryRun
		}
		return nil
	})
	if errors.Is(err, errDryRun) {
		err = nil
	}
	if err != nil {
		return Pruned{}, err
	}
	return res, nil
}

func execCount(ctx context.Context, tx *sql.Tx, q string, args ...any) (int, error) {
	res, err := tx.ExecContext(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// vacuumMinFree is how much free space (in pages) makes VACUUM worth its
// cost: it rewrites the whole file, so it is done rarely, never routinely.
// A variable so that tests need not write 10 MiB.
var vacuumMinFree = 2560 // 10 MiB of 4 KiB pages

// Vacuum rebuilds the database file to return free pages to the file
// system, when at least a quarter of the file and 10 MiB are free, or
// always with force. It reports whether it ran.
func (s *Store) Vacuum(ctx context.Context, force bool) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var free, pages int
	if err := s.db.QueryRowContext(ctx, `PRAGMA freelist_count`).Scan(&free); err != nil {
		return false, classify(err)
	}
	if err := s.db.QueryRowContext(ctx, `PRAGMA page_count`).Scan(&pages); err != nil {
		return false, classify(err)
	}
	if !force && (free < vacuumMinFree || free*4 < pages) {
		return false, nil
	}
	if _, err := s.db.ExecContext(ctx, `VACUUM`); err != nil {
		return false, classify(err)
	}
	return true, nil
}
