package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/feedsift/feedsift/filter"
	"github.com/feedsift/feedsift/store"
)

// explainCmd shows why a topic keeps (or drops) an item.
type explainCmd struct {
	stdout, stderr io.Writer
}

func (c *explainCmd) Run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("explain", flag.ContinueOnError)
	path := fs.String("config", "", "configuration `file`")
	topicName := fs.String("topic", "", "topic `name`")
	link := fs.String("link", "", "explain the stored item(s) with this `URL`")
	id := fs.String("id", "", "explain the stored item with this `id` (as feedsift items lists it), key, Atom entry id or link")
	text := fs.String("text", "", "explain this `text` (first line as the title, the rest as the summary)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	n := 0
	for _, s := range []string{*link, *id, *text} {
		if s != "" {
			n++
		}
	}
	if *topicName == "" || n != 1 {
		return &exitError{exitUsage, errors.New("want -topic NAME and exactly one of -link URL, -id ID, -text TEXT")}
	}
	s, t, err := loadTopic(*path, *topicName)
	if err != nil {
		return err
	}
	screen := filter.NewScreen(t.match)
	if *text != "" {
		title, summary, _ := strings.Cut(*text, "\n")
		item := filter.Item{Title: title, Summary: summary}
		if _, err := t.match.Explain(filter.NewDoc(item)).WriteTo(c.stdout); err != nil {
			return err
		}
		explainScreen(c.stdout, screen, item)
		explainMutes(c.stdout, t, filter.NewDoc(item), time.Now())
		return nil
	}
	p, err := s.openPass(ctx, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	defer p.st.Close()
	var items []store.FeedItem
	if *link != "" {
		items, err = p.st.ItemsByLink(ctx, *link)
	} else {
		items, err = p.itemByAnyID(ctx, *id)
	}
	if err != nil {
		return &exitError{exitDatabase, err}
	}
	if len(items) == 0 {
		return &exitError{exitFailure, fmt.Errorf("no stored item with %s", strings.TrimSpace(*link+*id))}
	}
	ids := make([]int64, len(items))
	for i := range items {
		ids[i] = items[i].ID
	}
	explained := 0
	var werr error
	err = p.storedDocs(ctx, ids, []*filter.Topic{t.match}, func(*store.FeedItem) (bool, bool) { return false, true },
		func(it *store.FeedItem, d *filter.Doc) {
			if werr != nil {
				return
			}
			if explained++; explained > 1 {
				fmt.Fprintln(c.stdout)
			}
			fmt.Fprintf(c.stdout, "item %d (key %s) from %s\n", it.ID, it.Key, it.FeedURL)
			if _, werr = t.match.Explain(d).WriteTo(c.stdout); werr != nil {
				return
			}
			explainScreen(c.stdout, screen, filterItem(it, p.feedTitle(it)))
			explainMutes(c.stdout, t, d, time.Now())
			// The story the item belongs to: the copies from other feeds
			// and the similarity that joined each.
			if p.cfg.Dedup.Enabled {
				fmt.Fprintln(c.stdout)
				if err := explainStory(ctx, c.stdout, p.st, it.ID, p.titles, p.cfg.Dedup); err != nil {
					fmt.Fprintf(c.stdout, "story: %v\n", err)
				}
			}
		})
	if err != nil {
		return err
	}
	if werr != nil {
		return werr
	}
	return nil
}

// explainMutes says which of the topic's mutes match the item: one in
// force hides it from the outputs.
func explainMutes(w io.Writer, t topic, d *filter.Doc, now time.Time) {
	for _, m := range t.mutes {
		if !m.match.Match(d).Match {
			continue
		}
		if m.InForce(now) {
			fmt.Fprintf(w, "mute %q (until %s) hides this item from the topic's outputs\n", oneLine(m.Query), m.Until.Format(time.RFC3339))
		} else {
			fmt.Fprintf(w, "mute %q expired %s: it no longer hides this item\n", oneLine(m.Query), m.Until.Format(time.RFC3339))
		}
	}
}

// explainScreen says when a pass leaves the item out before matching it
// (the topic's screen): it holds none of the words of a set the topic
// needs one of, or it never has two such sets in one place, naming a few
// of those words.
func explainScreen(w io.Writer, s *filter.Screen, it filter.Item) {
	if missing := s.Missing(it); missing != nil {
		fmt.Fprintf(w, "screen: a run leaves this item out before matching: it has none of the words the topic needs one of: %s\n", wordList(missing))
		return
	}
	if a, b := s.Apart(it); a != nil {
		fmt.Fprintf(w, "screen: a run leaves this item out before matching: the topic needs one of %s and one of %s in the title or in one sentence, and the item has them only apart\n",
			wordList(a), wordList(b))
	}
}

// wordList shows a few of words.
func wordList(words []string) string {
	const shown = 12
	list := strings.Join(words[:min(len(words), shown)], ", ")
	if len(words) > shown {
		list += fmt.Sprintf(", … (%d in all)", len(words))
	}
	return list
}

// loadTopic loads the configuration at path and returns it with its topic
// called name: what explain, test and label start from.
func loadTopic(path, name string) (*setup, topic, error) {
	s, err := load(path)
	if err != nil {
		return nil, topic{}, err
	}
	t, err := s.topic(name)
	return s, t, err
}

// topic returns the configured topic called name.
func (s *setup) topic(name string) (topic, error) {
	var names []string
	for _, t := range s.topics {
		if t.Name == name {
			return t, nil
		}
		names = append(names, t.Name)
	}
	return topic{}, &exitError{exitUsage, fmt.Errorf("no topic %q in %s (topics: %s)", name, s.cfg.Path, strings.Join(names, ", "))}
}

// itemByAnyID finds an item by key, database id, or the Atom entry id
// feedsift published for it.
func (p *pass) itemByAnyID(ctx context.Context, id string) ([]store.FeedItem, error) {
	return findItems(ctx, p.st, id)
}

// findItems finds the stored items ref names: a database id (what
// feedsift items lists), a key, the Atom entry id feedsift published for
// it, or its link. explain and explain-story take the same references.
func findItems(ctx context.Context, st db, ref string) ([]store.FeedItem, error) {
	items, err := st.ItemByKey(ctx, ref)
	if err != nil || len(items) > 0 {
		return items, err
	}
	if !strings.HasPrefix(ref, "urn:uuid:") {
		return st.ItemsByLink(ctx, ref)
	}
	var found []store.FeedItem
	err = st.EachItem(ctx, nil, func(it *store.FeedItem) error {
		if entryID(it.Key) == ref {
			found = append(found, *it)
		}
		return nil
	})
	return found, err
}
