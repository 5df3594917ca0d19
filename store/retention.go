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
	// Shown maps each published topic to how many of its newest matches
	// its output shows (0 = all of them, as Matches' limit). Those items
	// are never deleted, however old.
	Shown map[string]int
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

// shownCTE names the items an output shows: each topic's newest matches in
// Matches' order, up to its limit. ?1 is the JSON object of limits.
const shownCTE = `WITH ranked AS (
	SELECT m.item_id, m.topic, row_number() OVER (PARTITION BY m.topic
		ORDER BY CASE WHEN i.published > 0 THEN i.published ELSE i.first_seen END DESC, i.key) AS n
	FROM matches m JOIN items i ON i.id = m.item_id
), shown AS (
	SELECT r.item_id FROM ranked r JOIN json_each(?1) l ON l.key = r.topic
	WHERE l.value = 0 OR r.n <= l.value
)`

// Prune deletes old items in one transaction: those no topic matched
// before r.UnmatchedBefore, those some topic matched before
// r.MatchedBefore, never one in r.Shown. Their matches go with them; feeds
// are kept.
func (s *Store) Prune(ctx context.Context, r Retention) (Pruned, error) {
	limits, err := json.Marshal(r.Shown)
	if err != nil {
		return Pruned{}, err
	}
	if r.Shown == nil {
		limits = []byte("{}")
	}
	var res Pruned
	err = s.write(ctx, func(tx *sql.Tx) error {
		res = Pruned{}
		if !r.UnmatchedBefore.IsZero() {
			n, err := execCount(ctx, tx, `DELETE FROM items WHERE changed_at < ?
				AND NOT EXISTS (SELECT 1 FROM matches m WHERE m.item_id = items.id)`, unix(r.UnmatchedBefore))
			if err != nil {
				return err
			}
			res.Unmatched = n
		}
		if !r.MatchedBefore.IsZero() {
			n, err := execCount(ctx, tx, shownCTE+` DELETE FROM items WHERE changed_at < ?2
				AND EXISTS (SELECT 1 FROM matches m WHERE m.item_id = items.id)
				AND id NOT IN (SELECT item_id FROM shown)`, string(limits), unix(r.MatchedBefore))
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
