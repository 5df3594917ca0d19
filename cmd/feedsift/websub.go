package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// announce tells the configured WebSub hub which topic documents this
// pass rewrote (hub.mode=publish, one request per document), so that
// readers subscribed there get them at once instead of on their next
// poll. A hub that fails is logged, never fatal: the files are written.
func (p *pass) announce(ctx context.Context) {
	if p.cfg.WebSubHub == "" || len(p.changed) == 0 {
		return
	}
	client := &http.Client{Timeout: 10 * time.Second}
	for _, u := range p.changed {
		if err := publishToHub(ctx, client, p.cfg.WebSubHub, u); err != nil {
			p.log.Warn("websub hub not told", "hub", p.cfg.WebSubHub, "feed", u, "err", err)
			continue
		}
		p.log.Debug("websub hub told", "hub", p.cfg.WebSubHub, "feed", u)
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
		return fmt.Errorf("hub answered %s", resp.Status)
	}
	return nil
}
