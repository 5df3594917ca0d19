package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/feedsift/feedsift/fetcher"
	"github.com/feedsift/feedsift/store"
	"github.com/feedsift/feedsift/store/pg"
)

// db is what the commands need of a database: the SQLite store
// (store.Store) and the PostgreSQL one (pg.Store) both have it. Which one
// is open depends only on the config's database value.
type db interface {
	fetcher.Store
	Close() error
	Count(ctx context.Context) (int, error)
	Since(ctx context.Context) (time.Time, error)
	Feeds(ctx context.Context) ([]store.Feed, error)
	EachItem(ctx context.Context, ids []int64, fn func(*store.FeedItem) error) error
	TopicHash(ctx context.Context, topic string) (string, error)
	SetMatches(ctx context.Context, topic, hash string, all bool, evaluated []int64, matches []store.Match) error
	Matches(ctx context.Context, topic string, limit int) ([]store.Matched, error)
	ItemsByLink(ctx context.Context, link string) ([]store.FeedItem, error)
	ItemByKey(ctx context.Context, key string) ([]store.FeedItem, error)
	FeedTexts(ctx context.Context, feedIDs []int64, perFeed int, fn func(feedURL, summary, content string)) error
	Ungrouped(ctx context.Context) ([]store.FeedItem, error)
	UngroupedStamps(ctx context.Context) ([]store.StoryStamp, error)
	StoryItems(ctx context.Context, ids []int64) ([]store.StoryItem, error)
	StoryWindow(ctx context.Context, from, to time.Time) ([]store.StoryMember, error)
	StoryWindowKeys(ctx context.Context, from, to time.Time) ([]store.StoryMember, error)
	StoryMembers(ctx context.Context, itemIDs []int64) ([]store.StoryMember, error)
	StoryGroups(ctx context.Context, itemIDs []int64) ([]store.StoryMember, error)
	StoryMember(ctx context.Context, itemID int64) (store.StoryMember, bool, error)
	ItemByLink(ctx context.Context, link string) (int64, error)
	SaveStoryMembers(ctx context.Context, ms []store.StoryMember) error
	Prune(ctx context.Context, r store.Retention) (store.Pruned, error)
	Vacuum(ctx context.Context, force bool) (bool, error)
	Summarize(ctx context.Context) (store.Summary, error)
}

// sharedDB is a database several feedsift processes use at once (on one
// machine or many): they split each pass's feeds by claiming them, leave
// the items they store queued for evaluation, and take turns writing
// outputs. Only pg.Store is one; with SQLite a run holds the file's lock
// for the whole pass instead.
type sharedDB interface {
	db
	BeginPass(ctx context.Context, urls []string) (time.Time, error)
	Claim(ctx context.Context, worker string, urls []string, start time.Time, n int, lease time.Duration) ([]string, error)
	Claimed(ctx context.Context, worker string, urls []string, start time.Time) (int, error)
	Renew(ctx context.Context, worker string, lease time.Duration) error
	Release(ctx context.Context, worker string) error
	Unevaluated(ctx context.Context) (ids, versions []int64, err error)
	Evaluated(ctx context.Context, ids, versions []int64) error
	TryLockOutputs(ctx context.Context) (unlock func(), ok bool, err error)
}

var (
	_ db       = (*store.Store)(nil)
	_ sharedDB = (*pg.Store)(nil)
)

// isServer reports whether database names a database server (postgres://)
// rather than a SQLite file: no file lock, no directory to check.
func isServer(database string) bool { return pg.IsURL(database) }

// openDB opens (creating if needed) the database the config names.
func openDB(ctx context.Context, database string) (db, error) {
	var st db
	var err error
	if isServer(database) {
		st, err = pg.Open(ctx, database)
	} else {
		if dir := filepath.Dir(database); !isDir(dir) {
			return nil, &exitError{exitDatabase, fmt.Errorf("database %s: directory %s does not exist", database, dir)}
		}
		st, err = store.Open(ctx, database)
	}
	if err != nil {
		if errors.Is(err, context.Canceled) || ctx.Err() != nil {
			return nil, context.Canceled
		}
		return nil, &exitError{exitDatabase, err}
	}
	return st, nil
}

// lockDB takes the run lock of a SQLite database (see lockRun). A server
// needs none: processes sharing it coordinate through it.
func lockDB(ctx context.Context, database string, wait time.Duration) (unlock func(), err error) {
	if isServer(database) {
		return func() {}, nil
	}
	return lockRun(ctx, database, wait)
}
