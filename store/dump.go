package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// Tables are the tables that hold an installation's data, in an order in
// which each one's references are already present: what feedsift db copy
// moves to another engine.
var Tables = []string{"feeds", "items", "topics", "matches", "story_members"}

// tableOrder is each table's primary key: the order Dump gives rows in.
var tableOrder = map[string]string{"feeds": "id", "items": "id", "topics": "name",
	"matches": "topic, item_id", "story_members": "item_id"}

// Dump calls fn with every row of table (one of Tables) in primary key order,
// with its column names; values are int64, float64, string or []byte. It
// stops at the first error fn returns.
func (s *Store) Dump(ctx context.Context, table string, fn func(cols []string, row []any) error) error {
	order, ok := tableOrder[table]
	if !ok {
		return fmt.Errorf("dump: unknown table %q", table)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT * FROM `+table+` ORDER BY `+order)
	if err != nil {
		return classify(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	for rows.Next() {
		row := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range row {
			ptrs[i] = &row[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return classify(err)
		}
		for i, v := range row {
			if b, ok := v.([]byte); v == nil || ok && b == nil {
				// Every column is NOT NULL: the driver's nil is an empty blob.
				row[i] = []byte{}
			}
		}
		if err := fn(cols, row); err != nil {
			return err
		}
	}
	return classify(rows.Err())
}

// Summary is what two copies of an installation must agree on: the row
// count of each of Tables and a checksum of every item key.
type Summary struct {
	Rows     map[string]int64
	ItemKeys string // hex SHA-256 of the sorted keys, each followed by "\n"
}

// Summarize counts the rows of each of Tables and hashes the item keys.
func (s *Store) Summarize(ctx context.Context) (Summary, error) {
	sum := Summary{Rows: map[string]int64{}}
	for _, t := range Tables {
		var n int64
		if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM `+t).Scan(&n); err != nil {
			return sum, classify(err)
		}
		sum.Rows[t] = n
	}
	rows, err := s.db.QueryContext(ctx, `SELECT key FROM items ORDER BY key`)
	if err != nil {
		return sum, classify(err)
	}
	defer rows.Close()
	h := sha256.New()
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return sum, classify(err)
		}
		h.Write([]byte(k + "\n"))
	}
	sum.ItemKeys = hex.EncodeToString(h.Sum(nil))
	return sum, classify(rows.Err())
}
