package main

import (
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestRun_PlacedDuringFetch: grouping the new items while the feeds are
// fetched (the placer) decides exactly what grouping them after the fetch
// decides: the same groups, parents, scores and reasons for every item,
// over more than groupBatch items from feeds finishing in any order.
func TestRun_PlacedDuringFetch(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(7, 9))
	words := strings.Fields(`army navy drill border talks minister visit summit trade pact port grain oil gas
		ship coast guard missile treaty envoy rally vote court judge strike storm flood quake fire rescue`)
	sentence := func() string {
		w := make([]string, 8)
		for i := range w {
			w[i] = words[rng.IntN(len(words))]
		}
		return strings.Join(w, " ") + "."
	}
	titles := make([]string, 400) // shared among feeds: copies join by title
	for i := range titles {
		titles[i] = sentence()
	}
	sentences := make([]string, 300) // shared: copies join by text
	for i := range sentences {
		sentences[i] = sentence()
	}
	var cfg strings.Builder
	cfg.WriteString("database = \"feedsift.db\"\noutput_dir = \"out\"\nconcurrency = 8\n")
	base := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	for f := range 90 {
		var items [][4]string
		for i := range 30 {
			summary := sentences[rng.IntN(len(sentences))] + " " + sentences[rng.IntN(len(sentences))] + " " + sentence()
			items = append(items, [4]string{fmt.Sprintf("https://site%d.example/%d", f, i), titles[rng.IntN(len(titles))],
				summary, base.Add(time.Duration(rng.IntN(96)) * time.Hour).Format(time.RFC1123)})
		}
		name := fmt.Sprintf("f%02d.xml", f)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(rss(fmt.Sprintf("Site%d", f), items...)), 0o644); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&cfg, "\n[[feeds]]\nurl = %q\n", name)
	}
	cfg.WriteString("\n[[topics]]\nname = \"army\"\ntitle = \"Army\"\nquery = \"army\"\n")
	path := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(path, []byte(cfg.String()), 0o644); err != nil {
		t.Fatal(err)
	}

	run := func() string {
		t.Helper()
		code, _, stderr := feedsift(t, "run", "-config", path, "-v")
		if code != exitOK {
			t.Fatalf("exit %d:\n%s", code, stderr)
		}
		return stderr
	}
	db, err := sql.Open("sqlite", filepath.Join(dir, "feedsift.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	groups := func() (string, int, int) {
		t.Helper()
		rows, err := db.Query(`SELECT item_id, group_id, parent_id, score, reason FROM story_members ORDER BY item_id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var b strings.Builder
		n, joined := 0, 0
		for rows.Next() {
			var id, group, parent int64
			var score float64
			var reason string
			if err := rows.Scan(&id, &group, &parent, &score, &reason); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "%d %d %d %v %s\n", id, group, parent, score, reason)
			n++
			if parent != 0 {
				joined++
			}
		}
		return b.String(), n, joined
	}

	log := run()
	if strings.Contains(log, "grouping the ungrouped items again") {
		t.Fatalf("the first pass did not use what was placed during the fetch:\n%s", log)
	}
	during, n, joined := groups()
	if n != 90*30 || joined < 100 {
		t.Fatalf("%d items grouped, %d joined: want 2700, and joins to compare", n, joined)
	}
	if _, err := db.Exec(`DELETE FROM story_members`); err != nil {
		t.Fatal(err)
	}
	// Nothing new to fetch: every item is grouped after the fetch, in id order.
	if log := run(); !strings.Contains(log, "grouping the ungrouped items again") {
		t.Fatalf("the second pass did not regroup from the database:\n%s", log)
	}
	after, _, _ := groups()
	if during != after {
		t.Errorf("grouping during the fetch and after it differ (%d items, %d joined)", n, joined)
	}
	t.Logf("%d items, %d joined: the same decisions both ways", n, joined)
}
