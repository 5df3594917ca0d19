package main

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/feedsift/feedsift/fetcher"
)

// announce tells the configured WebSub hub which topic documents this
// pass rewrote (hub.mode=publish, one request per document), so that
// readers subscribed there get them at once instead of on their next
// poll. A hub that fails is logged, never fatal: the files are written.
func (p *pass) announce(ctx context.Context) {
	if p.cfg.WebSubHub == "" || len(p.changed) == 0 {
		return
	}
	// A hub that does not answer costs the run at most hubBudget, and
	// one that cannot be reached is not tried again for each document.
	ctx, cancel := context.WithTimeout(ctx, hubBudget)
	defer cancel()
	client := &http.Client{Timeout: 10 * time.Second}
	hub := fetcher.RedactURL(p.cfg.WebSubHub)
	for i, u := range p.changed {
		err := publishToHub(ctx, client, p.cfg.WebSubHub, u)
		if err == nil {
			p.log.Debug("websub hub told", "hub", hub, "feed", u)
			continue
		}
		p.log.Warn("websub hub not told", "hub", hub, "feed", u, "err", fetcher.RedactText(err.Error()))
		var he *hubError
		if !errors.As(err, &he) {
			if left := len(p.changed) - i - 1; left > 0 {
				p.log.Warn("websub hub not reached: the other documents are not announced this run", "hub", hub, "documents", left)
			}
			break
		}
	}
	p.changed = nil
}

// publishToHub sends one publish notification (WebSub's de facto
// publisher ping: a form POST of hub.mode and hub.url).
func publishToHub(ctx context.Context, client *http.Client, hub, feed string) error {
	form := url.Values{"hub.mode": {"publish"}, "hub.url": {feed}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, hub, strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", "feedsift (WebSub publisher)")
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return &hubError{resp.Status}
	}
	return nil
}

// hubError is a hub that answered, but not with success: the next
// document may still be taken.
type hubError struct{ status string }

func (e *hubError) Error() string { return "hub answered " + e.status }

// hubBudget bounds the time a run spends telling the hub.
const hubBudget = 30 * time.Second
