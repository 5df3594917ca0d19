package pg

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/feedsift/feedsift/store"
	"github.com/jackc/pgx/v5"
)

var errDryRun = errors.New("dry run")

// shownCTE names the items an output shows: each topic's newest matches in
// Matches' order, up to its limit. $1 is the JSON object of limits.
const shownCTE = `WITH ranked AS (
	SELECT m.item_id, m.topic, row_number() OVER (PARTITION BY m.topic
		ORDER BY CASE WHEN i.published > 0 THEN i.published ELSE i.first_seen END DESC, i.key COLLATE "C") AS n
	FROM matches m JOIN items i ON i.id = m.item_id
), shown AS (
	SELECT r.item_id FROM ranked r JOIN jsonb_each_text($1::jsonb) l ON l.key = r.topic
	WHERE l.value::bigint = 0 OR r.n <= l.value::bigint
)`

// Prune deletes old items in one transaction, as the SQLite store's Prune
// does: unmatched ones before r.UnmatchedBefore, matched ones before
// r.MatchedBefore, never one an output shows.
func (s *Store) Prune(ctx context.Context, r store.Retention) (store.Pruned, error) {
	limits, err := json.Marshal(r.Shown)
	if err != nil {
		return store.Pruned{}, err
	}
	if r.Shown == nil {
		limits = []byte("{}")
	}
	var res store.Pruned
	err = s.tx(ctx, func(tx pgx.Tx) error {
		res = store.Pruned{}
		if !r.UnmatchedBefore.IsZero() {
			tag, err := tx.Exec(ctx, `DELETE FROM items WHERE changed_at < $1
				AND NOT EXISTS (SELECT 1 FROM matches m WHERE m.item_id = items.id)`, store.Unix(r.UnmatchedBefore))
			if err != nil {
				return err
			}
			res.Unmatched = int(tag.RowsAffected())
		}
		if !r.MatchedBefore.IsZero() {
			tag, err := tx.Exec(ctx, shownCTE+` DELETE FROM items WHERE changed_at < $2
				AND EXISTS (SELECT 1 FROM matches m WHERE m.item_id = items.id)
				AND id NOT IN (SELECT item_id FROM shown)`, string(limits), store.Unix(r.MatchedBefore))
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
