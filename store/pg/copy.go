package pg

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"

	"github.com/feedsift/feedsift/store"
	"github.com/jackc/pgx/v5"
)

// Source is a database to import: the SQLite store.
type Source interface {
	Dump(ctx context.Context, table string, fn func(cols []string, row []any) error) error
}

// copyBatch is how many rows go to the server in one COPY.
const copyBatch = 5000

// Import copies every row of src's store.Tables into this database, in
// one transaction, keeping ids; the database must hold no feeds yet.
// Columns the source has and this schema lacks are dropped and named in
// dropped (a newer SQLite schema); columns only this schema has get their
// defaults (claims, passes: every feed is due).
func (s *Store) Import(ctx context.Context, src Source) (dropped []string, err error) {
	err = s.tx(ctx, func(tx pgx.Tx) error {
		var n int64
		if err := tx.QueryRow(ctx, `SELECT (SELECT count(*) FROM feeds) + (SELECT count(*) FROM items)`).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("import: the database already holds %d feeds and items (copy into an empty one)", n)
		}
		for _, table := range store.Tables {
			var have []string
			rows, err := tx.Query(ctx, `SELECT column_name FROM information_schema.columns
				WHERE table_schema = current_schema() AND table_name = $1`, table)
			if err != nil {
				return err
			}
			if have, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
				return err
			}
			var keep []int
			var cols []string
			var batch [][]any
			flush := func() error {
				if len(batch) == 0 {
					return nil
				}
				_, err := tx.CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromRows(batch))
				batch = batch[:0]
				return err
			}
			err = src.Dump(ctx, table, func(srcCols []string, row []any) error {
				if cols == nil {
					for i, c := range srcCols {
						if slices.Contains(have, c) {
							keep, cols = append(keep, i), append(cols, c)
						} else {
							dropped = append(dropped, table+"."+c)
						}
					}
				}
				out := make([]any, len(keep))
				for j, i := range keep {
					out[j] = row[i]
				}
				batch = append(batch, out)
				if len(batch) >= copyBatch {
					return flush()
				}
				return nil
			})
			if err != nil {
				return fmt.Errorf("import %s: %w", table, err)
			}
			if err := flush(); err != nil {
				return fmt.Errorf("import %s: %w", table, err)
			}
		}
		// Identity columns continue after the copied ids.
		for _, t := range []string{"feeds", "items"} {
			if _, err := tx.Exec(ctx, `SELECT setval(pg_get_serial_sequence('`+t+`', 'id'),
				coalesce((SELECT max(id) FROM `+t+`), 0) + 1, false)`); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return dropped, nil
}

// Summarize counts the rows of each of store.Tables and hashes the item
// keys, in the SQLite store's (bytewise) order.
func (s *Store) Summarize(ctx context.Context) (store.Summary, error) {
	sum := store.Summary{Rows: map[string]int64{}}
	for _, t := range store.Tables {
		var n int64
		if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM `+t).Scan(&n); err != nil {
			return sum, err
		}
		sum.Rows[t] = n
	}
	rows, err := s.pool.Query(ctx, `SELECT key FROM items ORDER BY key COLLATE "C"`)
	if err != nil {
		return sum, err
	}
	defer rows.Close()
	h := sha256.New()
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return sum, err
		}
		h.Write([]byte(k + "\n"))
	}
	sum.ItemKeys = hex.EncodeToString(h.Sum(nil))
	return sum, rows.Err()
}
