package store_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/feedsift/feedsift/store"
	"github.com/feedsift/feedsift/store/storetest"
)

// TestConformance runs the engine-independent suite on SQLite; store/pg
// runs the same suite on PostgreSQL.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Store {
		s, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "feedsift.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}
