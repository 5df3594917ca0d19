package pg

import (
	"context"
	"errors"

	"github.com/feedsift/feedsift/store"
	"github.com/jackc/pgx/v5"
)

var errDryRun = errors.New("dry run")

// Prune deletes old items in one transaction, as the SQLite store's Prune
// does: unmatched ones before r.UnmatchedBefore, matched ones before
// r.MatchedBefore, never one in r.Keep.
func (s *Store) Prune(ctx context.Context, r store.Retention) (store.Pruned, error) {
	keep := r.Keep
	if keep == nil {
		keep = []int64{}
	}
	var res store.Pruned
	err := s.tx(ctx, func(tx pgx.Tx) error {
		res = store.Pruned{}
		if !r.UnmatchedBefore.IsZero() {
			tag, err := tx.Exec(ctx, `DELETE FROM items WHERE changed_at < $1
				AND NOT EXISTS (SELECT 1 FROM matches m WHERE m.item_id = items.id)
				AND id <> ALL($2::bigint[])`, store.Unix(r.UnmatchedBefore), keep)
			if err != nil {
				return err
			}
			res.Unmatched = int(tag.RowsAffected())
		}
		if !r.MatchedBefore.IsZero() {
			tag, err := tx.Exec(ctx, `DELETE FROM items WHERE changed_at < $1
				AND EXISTS (SELECT 1 FROM matches m WHERE m.item_id = items.id)
				AND id <> ALL($2::bigint[])`, store.Unix(r.MatchedBefore), keep)
			if err != nil {
				return err
			}
			res.Matched = int(tag.RowsAffected())
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
		return store.Pruned{}, err
	}
	return res, nil
}
