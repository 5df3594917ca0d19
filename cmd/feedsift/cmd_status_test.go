package main

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestStatus: after a run, status shows each feed's health, as a table
// and as JSON, without creating or changing anything.
func TestStatus(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`<rss version="2.0"><channel><title>ok</title><item><title>story one</title><guid>1</guid></item></channel></rss>`))
	})
	mux.HandleFunc("/broken", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom", 500) })
	mux.HandleFunc("/busy", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "600")
		w.WriteHeader(429)
	})
	mux.HandleFunc("/gone", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(410) })
	srv := httptest.NewServer(mux)
	defer srv.Close()
	dir := t.TempDir()
	cfg := writeConfig(t, dir, "", srv.URL+"/ok", srv.URL+"/broken", srv.URL+"/busy", srv.URL+"/gone", srv.URL+"/never")

	// Before any run: an error naming the missing database, which status
	// does not create.
	code, out, stderr := feedsift(t, "status", "-config", cfg, "-json")
	if code != exitDatabase || !strings.Contains(stderr, "feedsift.db does not exist") || out != "" {
		t.Fatalf("exit %d: %s %s", code, out, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "feedsift.db")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("status created a database: %v", err)
	}

	if code, _, stderr := feedsift(t, "run", "-config", cfg); code != exitOK {
		t.Fatalf("run: exit %d\n%s", code, stderr)
	}
	code, out, stderr = feedsift(t, "status", "-config", cfg, "-json")
	if code != exitOK {
		t.Fatalf("status: exit %d %s", code, stderr)
	}
	var got []feedStatus
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	byPath := map[string]feedStatus{}
	for _, f := range got {
		byPath[strings.TrimPrefix(f.URL, srv.URL)] = f
	}
	if f := byPath["/ok"]; f.State != "ok" || f.Items != 1 || f.LastSuccess == nil || f.Error != "" {
		t.Errorf("/ok: %+v", f)
	}
	if f := byPath["/broken"]; f.State != "failing" || f.Failures != 1 || f.ErrorClass != "http_status" || !strings.HasPrefix(f.Error, "feed "+srv.URL+"/broken: http_status: 500") {
		t.Errorf("/broken: %+v", f)
	}
	if f := byPath["/busy"]; f.State != "rate_limited" || f.NextFetch == nil || f.Failures != 0 {
		t.Errorf("/busy: %+v", f)
	}
	if f := byPath["/gone"]; f.State != "gone" || f.Gone == nil {
		t.Errorf("/gone: %+v", f)
	}

	code, out, _ = feedsift(t, "status", "-config", cfg)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != exitOK || len(lines) != 6 || !strings.HasPrefix(lines[0], "FEED") {
		t.Fatalf("table:\n%s", out)
	}
	// Aligned: every row's STATE column starts where the header's does.
	col := strings.Index(lines[0], "STATE")
	for _, l := range lines[1:] {
		if len(l) <= col || l[col-1] != ' ' || l[col] == ' ' {
			t.Errorf("row not aligned with the header:\n%s\n%s", lines[0], l)
		}
	}
}
