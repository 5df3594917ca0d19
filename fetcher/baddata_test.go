package fetcher

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/feedsift/feedsift/store"
)

// refusingStore is a store whose database refuses one feed's data, as
// PostgreSQL refuses text it cannot hold.
type refusingStore struct {
	*store.Store
	refuse string
}

func (s refusingStore) SaveFeed(ctx context.Context, url string, f store.Fetched, now time.Time) (store.Saved, error) {
	if url == s.refuse {
		return store.Saved{}, fmt.Errorf("%w: ERROR: invalid byte sequence for encoding \"UTF8\" (SQLSTATE 22021)", store.ErrBadData)
	}
	return s.Store.SaveFeed(ctx, url, f, now)
}

// TestFetch_BadDataIsTheFeeds: data the database refuses is that feed's
// failure (bad_data, recorded on its row and counted), not the
// database's (store, which fails the run); the other feed is stored.
func TestFetch_BadDataIsTheFeeds(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<rss version="2.0"><channel><title>%s</title><item><guid>1</guid><title>An item</title></item></channel></rss>`, r.URL.Path)
	}))
	defer srv.Close()
	st := mustStore(t)
	bad, good := srv.URL+"/bad", srv.URL+"/good"
	f := New(refusingStore{Store: st, refuse: bad}, Options{Now: func() time.Time { return now }})
	res := f.Run(context.Background(), []Feed{{URL: bad}, {URL: good}})
	if res[0].Err == nil || res[0].Err.Class != ClassBadData {
		t.Fatalf("refused feed: %+v, want class %s", res[0].Err, ClassBadData)
	}
	if res[1].Err != nil || res[1].Status != Fetched {
		t.Errorf("the other feed: %+v", res[1])
	}
	fd, ok, err := st.Feed(context.Background(), bad)
	if err != nil || !ok || fd.ErrorClass != ClassBadData || fd.Failures != 1 || fd.Items != 0 {
		t.Errorf("the refused feed's row: %+v (ok %v, %v): want its class, one failure, no items", fd, ok, err)
	}
}
