package pg

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// BeginPass registers the feeds at urls and returns when the current pass
// started, by the server's clock. A pass is open while one of the feeds
// has not been attempted since it started: a process that begins then
// joins it, and shares its remaining feeds with the processes already in
// it. Otherwise a new pass starts now. So N processes started together
// fetch each feed once, and a process started after a pass finished
// fetches every feed again, as a SQLite run does.
func (s *Store) BeginPass(ctx context.Context, urls []string) (time.Time, error) {
	var start time.Time
	err := s.tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(lockPass)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO feeds(url) SELECT unnest($1::text[]) ON CONFLICT(url) DO NOTHING`, urls); err != nil {
			return err
		}
		var open bool
		err := tx.QueryRow(ctx, `SELECT p.started_at, EXISTS (SELECT 1 FROM feeds f WHERE f.url = ANY($1)
			AND (f.attempted_at IS NULL OR f.attempted_at < p.started_at))
			FROM passes p ORDER BY p.id DESC LIMIT 1`, urls).Scan(&start, &open)
		if err != nil && err != pgx.ErrNoRows {
			return err
		}
		if open {
			return nil
		}
		return tx.QueryRow(ctx, `INSERT INTO passes DEFAULT VALUES RETURNING started_at`).Scan(&start)
	})
	return start, err
}

// Claim gives worker up to n of the feeds at urls that the pass started
// at start has not attempted and no live claim holds, most overdue first,
// for lease. Rows another transaction is claiming are skipped, not waited
// for (FOR UPDATE SKIP LOCKED), so that workers never block each other
// and never get the same feed. Recording the fetch's outcome (SaveFeed,
// NotModified, Failed) releases the claim.
func (s *Store) Claim(ctx context.Context, worker string, urls []string, start time.Time, n int, lease time.Duration) ([]string, error) {
	rows, err := s.pool.Query(ctx, `UPDATE feeds SET claimed_by = $1, claimed_until = now() + $2::interval
		WHERE id IN (SELECT id FROM feeds WHERE url = ANY($3)
			AND (attempted_at IS NULL OR attempted_at < $4)
			AND (claimed_until IS NULL OR claimed_until < now())
			ORDER BY attempted_at NULLS FIRST, id LIMIT $5 FOR UPDATE SKIP LOCKED)
		RETURNING url`, worker, lease, urls, start, n)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// Claimed counts the feeds at urls that the pass started at start has
// not attempted and that other workers hold, live or expired: what is
// left for them to do, or for this worker to take over when their leases
// expire. Zero once Claim finds nothing means the pass is done.
func (s *Store) Claimed(ctx context.Context, worker string, urls []string, start time.Time) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM feeds WHERE url = ANY($1)
		AND (attempted_at IS NULL OR attempted_at < $2) AND claimed_by NOT IN ('', $3)`,
		urls, start, worker).Scan(&n)
	return n, err
}

// Renew extends every claim worker holds to lease from now: a live
// worker keeps its feeds however slow they are.
func (s *Store) Renew(ctx context.Context, worker string, lease time.Duration) error {
	_, err := s.pool.Exec(ctx, `UPDATE feeds SET claimed_until = now() + $2::interval WHERE claimed_by = $1`, worker, lease)
	return err
}

// Release gives up every claim worker still holds (feeds it did not get
// to: interrupted, or over its time budget); their state is untouched.
func (s *Store) Release(ctx context.Context, worker string) error {
	_, err := s.pool.Exec(ctx, `UPDATE feeds SET claimed_by = '', claimed_until = NULL WHERE claimed_by = $1`, worker)
	return err
}

// queue adds items to the unevaluated queue, with a new version each time.
func queue(ctx context.Context, tx pgx.Tx, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := tx.Exec(ctx, `INSERT INTO unevaluated(item_id, version)
		SELECT id, nextval('unevaluated_version') FROM unnest($1::bigint[]) AS id
		ON CONFLICT(item_id) DO UPDATE SET version = excluded.version`, ids)
	return err
}

// Unevaluated returns the items stored or changed since topics last
// evaluated them (by any process), with the version of each that
// Evaluated takes back.
func (s *Store) Unevaluated(ctx context.Context) (ids, versions []int64, err error) {
	rows, err := s.pool.Query(ctx, `SELECT item_id, version FROM unevaluated ORDER BY item_id`)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, v int64
		if err := rows.Scan(&id, &v); err != nil {
			return nil, nil, err
		}
		ids, versions = append(ids, id), append(versions, v)
	}
	return ids, versions, rows.Err()
}

// Evaluated takes items off the queue, each only if it has not changed
// again since Unevaluated returned that version.
func (s *Store) Evaluated(ctx context.Context, ids, versions []int64) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := s.pool.Exec(ctx, `DELETE FROM unevaluated u USING unnest($1::bigint[], $2::bigint[]) AS d(id, version)
		WHERE u.item_id = d.id AND u.version = d.version`, ids, versions)
	return err
}

// TryLockOutputs takes the database-wide lock on writing outputs, if no
// other process holds it (pg_try_advisory_lock). It is held by one
// connection, so it is freed when unlock is called or the process dies.
func (s *Store) TryLockOutputs(ctx context.Context) (unlock func(), ok bool, err error) {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, false, err
	}
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, int64(lockOutputs)).Scan(&ok); err != nil || !ok {
		conn.Release()
		return nil, false, err
	}
	return func() {
		if _, err := conn.Exec(context.Background(), `SELECT pg_advisory_unlock($1)`, int64(lockOutputs)); err != nil {
			// The session may still hold the lock: close it rather than
			// return it to the pool.
			conn.Conn().Close(context.Background())
		}
		conn.Release()
	}, true, nil
}
