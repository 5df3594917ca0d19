package main

import (
	"bytes"
	"errors"
	"fmt"
	"html"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
)

// The seed (../shared/seed beside the checkout) is the report feedsift
// was made for: The Moscow Times on Shoigu, secretary of Russia's
// Security Council, arriving in Beijing to meet Xi Jinping and Wang Yi.
// Its text ends with the outlet's donation appeal, which appears under
// every article of the outlet.
const seedFile = "../../../shared/seed/moscow-times-shoigu-beijing.txt"

// seedParagraphs reads the seed's text and the appeal, the paragraphs
// from "A Message from The Moscow Times" on, or skips the test.
func seedParagraphs(t *testing.T) (report, appeal []string) {
	t.Helper()
	b, err := os.ReadFile(seedFile)
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("seed report not found at %s (it sits beside the checkout as ../shared/seed)", seedFile)
	}
	if err != nil {
		t.Fatal(err)
	}
	var paras []string
	for l := range strings.SplitSeq(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			paras = append(paras, l)
		}
	}
	for i, p := range paras {
		if strings.HasPrefix(p, "A Message from") {
			return paras[:i], paras[i:]
		}
	}
	t.Fatalf("%s: no appeal (a paragraph starting \"A Message from\")", seedFile)
	return nil, nil
}

// htmlParagraphs renders paragraphs as the HTML of a feed's description.
func htmlParagraphs(paras []string) string {
	var b strings.Builder
	for _, p := range paras {
		b.WriteString("<p>" + html.EscapeString(p) + "</p>\n")
	}
	return b.String()
}

// seedEntry is one entry of the seed test's feeds.
type seedEntry struct {
	slug, title string
	paras       []string
	want        bool // the shipped topic publishes it
}

// seedEntries are the seed under several headlines, and the appeal under
// stories written for this test that the topic must not publish.
func seedEntries(report, appeal []string) []seedEntry {
	seed := append(append([]string(nil), report...), appeal...)
	return []seedEntry{
		{"seed-both-named", "Russian Security Council Chief Shoigu Arrives in Beijing", seed, true},
		{"seed-neither-country", "Shoigu Arrives in Beijing for Talks With Xi", seed, true},
		{"seed-bare", "Shoigu in Beijing", seed, true},
		{"seed-no-names", "Security Chief Begins One-Day Visit", seed, true},
		{"seed-no-names-talks", "Security Council Secretary in Talks", seed, true},
		{"seed-no-names-meetings", "Top Security Official Holds High-Level Meetings", seed, true},
		{"seed-security-council", "Security Council Secretary Holds Talks in Beijing", seed, true},
		{"russia-only", "Moscow Court Fines Opposition Politician Over Social Media Posts", append([]string{
			"A Moscow court on Friday fined an opposition politician for social media posts criticising the authorities, Russian news agencies reported.",
			"The politician said he would appeal against the ruling.",
		}, appeal...), false},
		{"trade", "Russia-China Trade Hits Record as Yuan Payments Grow", append([]string{
			"Trade between Russia and China reached a record high last year, customs data showed, as companies settled more payments in yuan.",
			"Exports of oil and gas to China grew, while Chinese cars took a larger share of Russia's market.",
		}, appeal...), false},
		{"security-council-un", "UN Security Council Meets on Sudan as Russia and China Abstain", append([]string{
			"The UN Security Council met on Friday to discuss the fighting in Sudan; Russia and China abstained in a vote on a statement.",
		}, appeal...), false},
	}
}

// seedRSS and seedAtom render the entries as the outlet's feed would.
func seedRSS(base string, es []seedEntry, day time.Time) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<rss version="2.0"><channel><title>The Moscow Times - Independent News from Russia</title><link>https://www.themoscowtimes.com/</link><description>News</description>` + "\n")
	for i, e := range es {
		fmt.Fprintf(&b, "<item><title>%s</title><link>%s/rss/%s</link><guid>%s/rss/%s</guid><pubDate>%s</pubDate><description>%s</description></item>\n",
			html.EscapeString(e.title), base, e.slug, base, e.slug, day.Add(time.Duration(i)*time.Minute).Format(time.RFC1123Z),
			html.EscapeString(htmlParagraphs(e.paras)))
	}
	b.WriteString("</channel></rss>\n")
	return b.String()
}

func seedAtom(base string, es []seedEntry, day time.Time) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<feed xmlns="http://www.w3.org/2005/Atom"><title>The Moscow Times</title><id>` + base + `/atom</id><updated>` + day.Format(time.RFC3339) + `</updated>` + "\n")
	for i, e := range es {
		fmt.Fprintf(&b, `<entry><title>%s</title><id>%s/atom/%s</id><link href="%s/atom/%s"/><updated>%s</updated><content type="html">%s</content></entry>`+"\n",
			html.EscapeString(e.title), base, e.slug, base, e.slug, day.Add(time.Duration(i)*time.Minute).Format(time.RFC3339),
			html.EscapeString(htmlParagraphs(e.paras)))
	}
	b.WriteString("</feed>\n")
	return b.String()
}

// exampleTopicConfig is a configuration with the given feeds and the
// groups and topics of the shipped config.example.toml, as they are there.
func exampleTopicConfig(t *testing.T, dir string, feeds []string) string {
	t.Helper()
	src := string(mustReadFile(t, "../../config.example.toml"))
	i := strings.Index(src, "\n[groups.")
	if i < 0 {
		t.Fatal("config.example.toml has no [groups.…] table")
	}
	var b strings.Builder
	b.WriteString("database = \"feedsift.db\"\noutput_dir = \"out\"\n")
	for _, f := range feeds {
		fmt.Fprintf(&b, "[[feeds]]\nurl = %q\n", f)
	}
	b.WriteString(src[i:])
	cfg := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(cfg, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// TestRun_Seed: the shipped topic publishes the seed report delivered as
// RSS and as Atom under every headline, with the appeal in the text, and
// publishes none of the appeal's other stories — both when the appeal is
// learned as the feed's boilerplate (each headline of the seed in a feed
// of its own with the other stories, so that every feed carries the
// appeal four times and the report once) and when it cannot be (one
// entry a feed).
func TestRun_Seed(t *testing.T) {
	report, appeal := seedParagraphs(t)
	entries := seedEntries(report, appeal)
	var seeds, others []seedEntry
	for _, e := range entries {
		if e.want {
			seeds = append(seeds, e)
		} else {
			others = append(others, e)
		}
	}
	day := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	for _, layout := range []string{"with the outlet's other stories", "a feed each"} {
		t.Run(layout, func(t *testing.T) {
			mux := http.NewServeMux()
			srv := httptest.NewServer(mux)
			defer srv.Close()
			var feeds []string
			serve := func(path, ctype, body string) {
				mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", ctype)
					fmt.Fprint(w, body)
				})
				feeds = append(feeds, srv.URL+path)
			}
			base := "https://www.themoscowtimes.com/2026/11/21"
			if layout != "a feed each" {
				for _, e := range seeds {
					es := append([]seedEntry{e}, others...)
					serve("/rss/"+e.slug, "application/rss+xml", seedRSS(base, es, day))
					serve("/atom/"+e.slug, "application/atom+xml", seedAtom(base, es, day))
				}
			} else {
				for _, e := range entries {
					serve("/rss/"+e.slug, "application/rss+xml", seedRSS(base, []seedEntry{e}, day))
					serve("/atom/"+e.slug, "application/atom+xml", seedAtom(base, []seedEntry{e}, day))
				}
			}
			dir := t.TempDir()
			cfg := exampleTopicConfig(t, dir, feeds)
			code, _, stderr := feedsiftAt(t, day.Add(time.Hour), "run", "-config", cfg)
			if code != exitOK {
				t.Fatalf("run: exit %d\n%s", code, stderr)
			}
			f, err := gofeed.NewParser().Parse(bytes.NewReader(mustReadFile(t, filepath.Join(dir, "out", "russia-china-security.atom"))))
			if err != nil {
				t.Fatal(err)
			}
			// Copies of one story are one entry naming the others, so
			// a published link and its related links are all published.
			published := map[string]bool{}
			for _, it := range f.Items {
				published[it.Link] = true
				for _, l := range it.Links {
					published[l] = true
				}
			}
			for _, e := range entries {
				for _, kind := range []string{"rss", "atom"} {
					link := base + "/" + kind + "/" + e.slug
					if published[link] != e.want {
						_, out, _ := feedsiftAt(t, day.Add(time.Hour), "explain", "-config", cfg, "-topic", "russia-china-security", "-link", link)
						t.Errorf("%s %q (%s): published %v, want %v\n%s", kind, e.title, e.slug, published[link], e.want, out)
					}
				}
			}
		})
	}
}

// TestExplain_Seed: explain on the stored seed names the clauses that
// fired, and the appeal plays no part: it is left out as the feed's
// boilerplate, and no sentence of it is shown as matching.
func TestExplain_Seed(t *testing.T) {
	report, appeal := seedParagraphs(t)
	entries := seedEntries(report, appeal)
	day := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	base := "https://www.themoscowtimes.com/2026/11/21"
	var es []seedEntry // the seed under its first headline, and the other stories
	for i, e := range entries {
		if i == 0 || !e.want {
			es = append(es, e)
		}
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, seedRSS(base, es, day))
	}))
	defer srv.Close()
	dir := t.TempDir()
	cfg := exampleTopicConfig(t, dir, []string{srv.URL + "/rss/news"})
	if code, _, stderr := feedsiftAt(t, day.Add(time.Hour), "run", "-config", cfg); code != exitOK {
		t.Fatalf("run: exit %d\n%s", code, stderr)
	}
	code, out, stderr := feedsiftAt(t, day.Add(time.Hour), "explain", "-config", cfg, "-topic", "russia-china-security", "-link", base+"/rss/seed-both-named")
	if code != exitOK {
		t.Fatalf("explain: exit %d\n%s", code, stderr)
	}
	for _, want := range []string{"match, score", "[x] title:(@russia AND @china)", "@russia  <- "} {
		if !strings.Contains(out, want) {
			t.Errorf("explain does not say %q:\n%s", want, out)
		}
	}
	if !strings.Contains(out, "left out as the feed's boilerplate") || !strings.Contains(out, "A Message from The Moscow Times") {
		t.Errorf("explain does not show the appeal left out as boilerplate:\n%s", out)
	}
	var shown []string
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "[[") {
			shown = append(shown, l)
		}
	}
	if len(shown) == 0 {
		t.Errorf("explain shows no matching sentence:\n%s", out)
	}
	for _, l := range shown {
		for _, p := range appeal {
			if words := strings.Fields(p); len(words) > 4 && strings.Contains(strings.ReplaceAll(strings.ReplaceAll(l, "[[", ""), "]]", ""), strings.Join(words[:5], " ")) {
				t.Errorf("explain shows a sentence of the appeal as matching: %s", l)
			}
		}
	}
	sort.Strings(shown)
	t.Logf("sentences shown as matching:\n%s", strings.Join(shown, "\n"))
}
