package store

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestVacuum(t *testing.T) {
	ctx := context.Background()
	defer func(n int) { vacuumMinFree = n }(vacuumMinFree)
	vacuumMinFree = 16
	s := mustOpen(t)
	if ran, err := s.Vacuum(ctx, false); err != nil || ran {
		t.Errorf("vacuum of a fresh database: ran=%v err=%v", ran, err)
	}
	big := strings.Repeat("x", 8000)
	var items []Item
	for i := range 40 {
		items = append(items, Item{GUID: fmt.Sprint(i), Content: big})
	}
	mustSave(t, s, "https://e.org/f", items, t0.Add(-400*24*time.Hour))
	if _, err := s.Prune(ctx, Retention{UnmatchedBefore: t0}); err != nil {
		t.Fatal(err)
	}
	if ran, err := s.Vacuum(ctx, false); err != nil || !ran {
		t.Errorf("vacuum after deleting most of the file: ran=%v err=%v", ran, err)
	}
	if ran, err := s.Vacuum(ctx, false); err != nil || ran {
		t.Errorf("second vacuum: ran=%v err=%v", ran, err)
	}
}
