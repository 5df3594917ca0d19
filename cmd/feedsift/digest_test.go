package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/feedsift/feedsift/config"
	"github.com/mmcdole/gofeed"
)

// TestPeriodEnd: a period ends at the digest time (weekly: on a
// Monday), in the digest's zone.
func TestPeriodEnd(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	daily := topic{}
	daily.Digest, daily.DigestTime, daily.DigestZone = "daily", 7*time.Hour, berlin
	weekly := daily
	weekly.Digest = "weekly"
	for _, tt := range []struct {
		t    topic
		at   string
		want string
	}{
		{daily, "2026-12-08T05:00:00Z", "2026-12-08T07:00:00+01:00"},
		{daily, "2026-12-08T06:00:00Z", "2026-12-09T07:00:00+01:00"}, // 07:00 in Berlin has passed
		{weekly, "2026-12-08T06:00:00Z", "2026-12-14T07:00:00+01:00"},
		{weekly, "2026-12-14T05:59:00Z", "2026-12-14T07:00:00+01:00"},
	} {
		at, _ := time.Parse(time.RFC3339, tt.at)
		if got := periodEnd(tt.t, at).Format(time.RFC3339); got != tt.want {
			t.Errorf("%s %s: %s, want %s", tt.t.Digest, tt.at, got, tt.want)
		}
	}
}

// TestRun_Digest: digest = "daily" writes <name>-digest in the topic's
// formats, one entry per ended day listing that day's stories, the most
// carried first, each with its outlets; the day not yet ended is left
// for later. The files are served.
func TestRun_Digest(t *testing.T) {
	a, b := fruit() // clock-1d … clock-4d, one outlet each
	// The same story in both feeds three days ago: carried by two.
	b = append(b, item{"b3", "Apple harvest begins", clock.Add(-3*day + time.Hour)})
	a = append(a, item{"a3", "Apple harvest begins", clock.Add(-3*day + 2*time.Hour)})
	s := newSite(t, "", a, b)
	cfg := string(mustReadFile(t, s.config)) + "digest = \"daily\"\ndigest_time = \"00:00\"\n"
	s.write(t, "config.toml", cfg)
	if code, _, stderr := feedsiftAt(t, clock, "run", "-config", s.config); code != exitOK {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	body := mustReadFile(t, s.path("out/apples-digest.atom"))
	f, err := gofeed.NewParser().Parse(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Items) < 2 {
		t.Fatalf("%d digest entries: %+v", len(f.Items), f.Items)
	}
	var harvest string
	for _, it := range f.Items {
		if strings.Contains(it.Content+it.Description, "Apple harvest begins") {
			harvest = it.Content + it.Description
		}
	}
	if !strings.Contains(harvest, "(2 outlets)") || strings.Index(harvest, "Apple harvest") > strings.Index(harvest, "Green apple") && strings.Contains(harvest, "Green apple") {
		t.Errorf("the day's digest should list the story of two outlets first, with both:\n%s", harvest)
	}
	for _, ext := range []string{"rss", "json"} {
		if _, err := filepath.Abs(s.path("out/apples-digest." + ext)); err != nil || len(mustReadFile(t, s.path("out/apples-digest."+ext))) == 0 {
			t.Errorf("apples-digest.%s not written", ext)
		}
	}
	names := strings.Join((&setup{topics: []topic{{Topic: configTopic("apples", "daily")}}}).outputNames(), " ")
	if !strings.Contains(names, "apples-digest.atom") {
		t.Errorf("serve would not serve the digest: %s", names)
	}
}

func configTopic(name, digest string) config.Topic {
	return config.Topic{Name: name, Formats: []string{"atom", "rss", "json"}, Digest: digest}
}

// TestPeriodEnd_DST: on the days the clocks change, a period still ends
// at the digest's clock time.
func TestPeriodEnd_DST(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	tp := topic{}
	tp.Digest, tp.DigestTime, tp.DigestZone = "daily", 7*time.Hour, berlin
	for _, tt := range []struct{ at, want string }{
		{"2025-03-30T04:30:00Z", "2025-03-30T07:00:00+02:00"}, // 06:30 CEST, the spring-forward day
		{"2025-10-26T05:30:00Z", "2025-10-26T07:00:00+01:00"}, // 06:30 CET, the fall-back day
	} {
		at, _ := time.Parse(time.RFC3339, tt.at)
		if got := periodEnd(tp, at).Format(time.RFC3339); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.at, got, tt.want)
		}
	}
}
