package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"strings"
)

// commandDoc is one line of the command table: a command's name, the
// arguments it takes and what it does. The usage text, the package
// comment (doc.go, made by TestDocCurrent -update) and each command's -h
// are all printed from it; the flags come from the command's FlagSet.
type commandDoc struct {
	name     string // "run", "feeds add"
	synopsis string // "-config FILE [flags]"
	text     string // what it does; may run over several lines
}

// commands is the command table, in the order usage lists it.
var commands = []commandDoc{
	{"run", "-config FILE [flags]", `one pass: fetch every feed, store, filter, write outputs,
prune; exit. With database = "postgres://…", run -worker
processes on any number of machines share the fetching, and
one run without -worker evaluates topics and writes outputs`},
	{"check", "-config FILE", "validate the configuration and every topic; no network, no database"},
	{"status", "-config FILE [-json]", `each feed's health: state, items stored, last success, failures
in a row, next allowed fetch, learned new URL, last error`},
	{"replay", "-config FILE [flags]", `re-evaluate topics over the stored items and rewrite their
outputs; -dry-run prints the diff (+ entries added, - removed,
and why)`},
	{"prune", "-config FILE [flags]", `delete items older than keep_days (unmatched) and
keep_matched_days (matched); never what an output shows`},
	{"feeds add", "-config FILE [-title T] URL", `add a feed: URL is the feed, or a page announcing it
(<link rel="alternate">); the file is edited as text,
keeping every comment`},
	{"feeds list", "-config FILE", "the feeds, with items stored and health"},
	{"feeds import", "-config FILE [-allow-private] FILE.opml", "add the OPML list's feeds not yet listed (not ones on private addresses)"},
	{"feeds export", "-config FILE [-o FILE]", "the feeds as OPML 2.0"},
	{"serve", "-config FILE [-addr 127.0.0.1:8080] [-every 30m]", `serve the output directory (feeds, index.html, OPML) with
ETag/Last-Modified, 304 and gzip; -every also runs the pipeline
at start and then at that interval; stops cleanly on SIGTERM`},
	{"explain", "-config FILE -topic NAME (-link URL | -id ID | -text TEXT)", `show the topic's query as a tree with each clause's truth value
and score for a stored item (or a text), the matched terms and
a highlighted snippet, and when a run leaves the item out
unread, the words it lacks`},
	{"test", "-config FILE -topic NAME -labels FILE.tsv [-split DATE] [-min-f1 F]", `measure the topic on stored items labelled link<TAB>1|0
(a comma or spaces also do; # comments, a header line and
more columns are skipped): precision, recall, F1, false
positives and negatives, and the labelled links not found;
-split also reports the items dated before and from DATE
apart (does a topic written on older items hold on newer
ones?); exit 1 when F1 is below -min-f1`},
	{"items", "-config FILE [-topic T [-matched|-unmatched] [-near S]] [-since 30d] [-n 50] [-json]", `the stored items, newest first: id (what explain -id and
explain-story take), date, feed, title, link; with -topic
each one's score and whether it matches, as a run decides`},
	{"label", "-config FILE -topic T -o FILE.tsv [-near S] [-since 30d]", `walk the topic's matched and near-threshold items in the
terminal (y on topic, n not, s skip, q quit) and append each
answer to FILE.tsv, which test reads; items already in it
are not asked again`},
	{"explain-story", "-config FILE ITEM", `the story group of an item (its id, key or link): every copy of
the story and the similarity that merged it, then the nearest
items that did not join, each signal's score against the
threshold`},
	{"db copy", "-from FILE.db -to postgres://…", `copy a SQLite installation into an empty PostgreSQL
database, then compare row counts and a checksum of
every item key`},
	{"completion", "bash|zsh|fish", `a shell completion script for commands, subcommands and flags
(bash: source <(feedsift completion bash))`},
	{"version", "", "the module version and the VCS revision it was built from"},
	{"help", "", "show this text"},
}

// lookupCommand finds a command of the table by its name.
func lookupCommand(name string) (commandDoc, bool) {
	for _, c := range commands {
		if c.name == name {
			return c, true
		}
	}
	return commandDoc{}, false
}

// textColumn is where usage starts a command's text.
const textColumn = 42

// writeCommandList writes the table as usage lists it, each line
// prefixed with indent.
func writeCommandList(w io.Writer, indent string) {
	for _, c := range commands {
		head := strings.TrimSpace("feedsift " + c.name + " " + c.synopsis)
		lines := strings.Split(c.text, "\n")
		if len(head)+2 < textColumn-len("  ") {
			fmt.Fprintf(w, "%s  %-*s%s\n", indent, textColumn-2, head, lines[0])
			lines = lines[1:]
		} else {
			fmt.Fprintf(w, "%s  %s\n", indent, head)
		}
		for _, l := range lines {
			fmt.Fprintf(w, "%s%s%s\n", indent, strings.Repeat(" ", textColumn), l)
		}
	}
}

// helpError asks runWith to print a command's help: its flags come from
// fs, whose name is the command's.
type helpError struct{ fs *flag.FlagSet }

func (e *helpError) Error() string { return "help requested" }

// writeHelp prints a command's -h: its synopsis, what it does and its
// flags.
func writeHelp(w io.Writer, fs *flag.FlagSet) {
	c, ok := lookupCommand(fs.Name())
	if !ok {
		fmt.Fprint(w, usage)
		return
	}
	fmt.Fprintf(w, "Usage: %s\n\n", strings.TrimSpace("feedsift "+c.name+" "+c.synopsis))
	fmt.Fprintf(w, "%s\n", strings.ReplaceAll(c.text, "\n", " "))
	var flags bytes.Buffer
	fs.SetOutput(&flags)
	fs.PrintDefaults()
	if flags.Len() > 0 {
		fmt.Fprintf(w, "\nFlags:\n%s", flags.String())
	}
}

// writeFamilyHelp prints the commands of a family ("feeds", "db") for
// "feedsift feeds -h".
func writeFamilyHelp(w io.Writer, family string) {
	fmt.Fprintf(w, "Usage:\n")
	for _, c := range commands {
		if strings.HasPrefix(c.name, family+" ") {
			fmt.Fprintf(w, "  %s\n", strings.TrimSpace("feedsift "+c.name+" "+c.synopsis))
		}
	}
	fmt.Fprintf(w, "\n'feedsift %s SUBCOMMAND -h' shows a subcommand's flags.\n", family)
}

// usage is the text of feedsift help.
var usage = func() string {
	var b strings.Builder
	b.WriteString("feedsift watches news feeds and publishes the items that match your topics.\n\nUsage:\n")
	writeCommandList(&b, "")
	b.WriteString(usageTail)
	return b.String()
}()

const usageTail = `
'feedsift COMMAND -h' shows a command's flags. Without -config a command reads
$FEEDSIFT_CONFIG, else $XDG_CONFIG_HOME/feedsift/config.toml (~/.config/feedsift/config.toml),
else /etc/feedsift/config.toml.

On a terminal run shows a progress line; under cron, systemd or in a pipe it logs only
warnings, the topics written and a one-line summary.

Examples:
  feedsift check -config config.toml
  feedsift status -config config.toml -json
  feedsift run -config config.toml -budget 10m -json /var/lib/feedsift/last-run.json
  feedsift replay -config config.toml -topic russia-china-security -since 30d -dry-run
  feedsift prune -config config.toml -dry-run
  feedsift feeds add -config config.toml https://www.example.org/
  feedsift serve -config config.toml -addr 127.0.0.1:8080 -every 30m
  feedsift explain -config config.toml -topic russia-china-security -text "Shoigu arrives in Beijing"
  feedsift test -config config.toml -topic russia-china-security -labels truth.tsv -min-f1 0.82
  feedsift db copy -from /var/lib/feedsift/feedsift.db -to postgres://feedsift@db.example.org/feedsift
  feedsift run -config shared.toml -worker     # on each fetching machine; shared.toml: database = "postgres://…"

Exit codes:
  0    the pass completed (feeds that failed are reported, not fatal)
  1    outputs could not be written, or another error at run time
  2    usage or configuration error (nothing was fetched)
  3    the database cannot be used (missing directory, corrupt, newer schema)
  4    with run -strict: the pass completed but some feeds failed
  75   another feedsift run holds the database's lock
  130  interrupted (SIGINT or SIGTERM); finished feeds are kept
`

// packageDoc is the package comment that doc.go holds: the usage text
// as a Go comment. TestDocCurrent keeps doc.go equal to it.
func packageDoc() string {
	var b strings.Builder
	b.WriteString(`// Command feedsift watches news feeds for the few stories a person cares
// about: it fetches RSS, Atom and JSON feeds into SQLite, matches every item
// against the topics written in a TOML file, and publishes each topic as an
// Atom feed.
//
// Usage:
//
`)
	var list strings.Builder
	writeCommandList(&list, "")
	for _, l := range strings.Split(strings.TrimRight(list.String(), "\n"), "\n") {
		b.WriteString("//\t" + strings.TrimPrefix(l, "  ") + "\n")
	}
	b.WriteString(`//
// 'feedsift COMMAND -h' shows a command's flags. Without -config a command
// reads $FEEDSIFT_CONFIG, else $XDG_CONFIG_HOME/feedsift/config.toml
// (~/.config/feedsift/config.toml), else /etc/feedsift/config.toml.
//
// With database = "postgres://…" (or postgresql://) in the config, any
// number of run processes on any number of machines share one PostgreSQL
// database: each pass's feeds are claimed in batches, so that each is
// fetched once; a killed process's claims expire after -lease (default
// 1m) and are taken over. run -worker only fetches; a run without it also
// evaluates topics and writes outputs, one process at a time.
//
// On a terminal run shows a progress line; under cron, systemd or in a
// pipe it logs only warnings, the topics written and a one-line summary.
//
// Exit codes:
//
`)
	for _, l := range strings.Split(strings.TrimRight(usageTail[strings.Index(usageTail, "Exit codes:\n")+len("Exit codes:\n"):], "\n"), "\n") {
		f := strings.Fields(l)
		b.WriteString(fmt.Sprintf("//\t%-4s%s\n", f[0], strings.Join(f[1:], " ")))
	}
	b.WriteString("package main\n")
	return "// Code generated by TestDocCurrent -update from the command table; DO NOT EDIT.\n\n" + b.String()
}
