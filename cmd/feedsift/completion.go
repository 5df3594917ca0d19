package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
)

// The shell completions and the man page are printed from the command
// table and each command's own FlagSet, as -h is: none can go stale.

// completionCmd prints a shell completion script.
type completionCmd struct{ stdout io.Writer }

func (c *completionCmd) Run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("completion", flag.ContinueOnError)
	pos, err := parseArgs(fs, args, 1, "a shell: bash, zsh or fish")
	if err != nil {
		return err
	}
	switch pos[0] {
	case "bash":
		_, err = io.WriteString(c.stdout, bashCompletion())
	case "zsh":
		_, err = io.WriteString(c.stdout, "#compdef feedsift\n# feedsift completion for zsh: the bash one, through bashcompinit.\nautoload -U +X bashcompinit && bashcompinit\n"+bashCompletion())
	case "fish":
		_, err = io.WriteString(c.stdout, fishCompletion())
	default:
		return &exitError{exitUsage, fmt.Errorf("unknown shell %q: want bash, zsh or fish", pos[0])}
	}
	return err
}

// flagsOf returns the flags of the table's command name, as its FlagSet
// defines them (asked for its -h, which has no other effect).
func flagsOf(name string) []*flag.Flag {
	words := strings.Fields(name)
	cmd := newCommand(words[0], io.Discard, io.Discard, time.Now)
	if cmd == nil {
		return nil
	}
	err := cmd.Run(context.Background(), append(words[1:], "-h"))
	var help *helpError
	if !errors.As(err, &help) {
		return nil
	}
	var out []*flag.Flag
	help.fs.VisitAll(func(f *flag.Flag) { out = append(out, f) })
	return out
}

// takesFile reports whether a flag's value is a file (its usage says
// `file`, as -config's does).
func takesFile(f *flag.Flag) bool {
	name, _ := flag.UnquoteUsage(f)
	return strings.Contains(name, "file") || strings.HasSuffix(name, ".tsv")
}

// families are the commands that take a subcommand ("feeds add").
func families() map[string][]string {
	out := map[string][]string{}
	for _, c := range commands {
		if fam, sub, ok := strings.Cut(c.name, " "); ok {
			out[fam] = append(out[fam], sub)
		}
	}
	return out
}

// topWords are the first words of the table's commands, in its order.
func topWords() []string {
	var out []string
	seen := map[string]bool{}
	for _, c := range commands {
		w, _, _ := strings.Cut(c.name, " ")
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}

func bashCompletion() string {
	var b strings.Builder
	b.WriteString(`# feedsift completion for bash: source it, or put it in
# /usr/share/bash-completion/completions/feedsift.
_feedsift() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	if [ "$COMP_CWORD" -eq 1 ]; then
`)
	fmt.Fprintf(&b, "\t\tCOMPREPLY=($(compgen -W %q -- \"$cur\"))\n\t\treturn\n\tfi\n", strings.Join(topWords(), " "))
	b.WriteString("\tlocal name=${COMP_WORDS[1]} flags= files=\n\tcase \"$name\" in\n")
	fams := families()
	var famNames []string
	for f := range fams {
		famNames = append(famNames, f)
	}
	sort.Strings(famNames)
	for _, f := range famNames {
		fmt.Fprintf(&b, "\t%s)\n\t\tif [ \"$COMP_CWORD\" -eq 2 ]; then\n\t\t\tCOMPREPLY=($(compgen -W %q -- \"$cur\"))\n\t\t\treturn\n\t\tfi\n\t\tname=\"$name ${COMP_WORDS[2]}\" ;;\n",
			f, strings.Join(fams[f], " "))
	}
	b.WriteString("\tesac\n\tcase \"$name\" in\n")
	for _, c := range commands {
		flags := flagsOf(c.name)
		if len(flags) == 0 {
			continue
		}
		var names, files []string
		for _, f := range flags {
			names = append(names, "-"+f.Name)
			if takesFile(f) {
				files = append(files, "-"+f.Name)
			}
		}
		fmt.Fprintf(&b, "\t%q) flags=%q files=%q ;;\n", c.name, strings.Join(names, " "), strings.Join(files, " "))
	}
	b.WriteString(`	esac
	case " $files " in
	*" $prev "*)
		COMPREPLY=($(compgen -f -- "$cur"))
		return ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$flags" -- "$cur"))
	else
		COMPREPLY=($(compgen -f -- "$cur"))
	fi
}
complete -o filenames -F _feedsift feedsift
`)
	return b.String()
}

func fishCompletion() string {
	var b strings.Builder
	b.WriteString("# feedsift completion for fish: put it in ~/.config/fish/completions/feedsift.fish.\n")
	b.WriteString("complete -c feedsift -f\n")
	fams := families()
	for _, c := range commands {
		fam, sub, isSub := strings.Cut(c.name, " ")
		desc := fishQuote(strings.SplitN(c.text, "\n", 2)[0])
		if isSub {
			others := strings.Join(fams[fam], " ")
			fmt.Fprintf(&b, "complete -c feedsift -n '__fish_seen_subcommand_from %s; and not __fish_seen_subcommand_from %s' -a %s -d %s\n", fam, others, sub, desc)
		} else if _, ok := fams[fam]; !ok {
			fmt.Fprintf(&b, "complete -c feedsift -n __fish_use_subcommand -a %s -d %s\n", c.name, desc)
		}
	}
	famNames := make([]string, 0, len(fams))
	for f := range fams {
		famNames = append(famNames, f)
	}
	sort.Strings(famNames)
	for _, f := range famNames {
		fmt.Fprintf(&b, "complete -c feedsift -n __fish_use_subcommand -a %s -d %s\n", f, fishQuote(f+": "+strings.Join(fams[f], ", ")))
	}
	for _, c := range commands {
		fam, sub, isSub := strings.Cut(c.name, " ")
		cond := "__fish_seen_subcommand_from " + c.name
		if isSub {
			cond = "__fish_seen_subcommand_from " + fam + "; and __fish_seen_subcommand_from " + sub
		}
		for _, f := range flagsOf(c.name) {
			extra := ""
			if takesFile(f) {
				extra = " -r -F"
			} else if name, _ := flag.UnquoteUsage(f); name != "" {
				extra = " -r"
			}
			fmt.Fprintf(&b, "complete -c feedsift -n %s -o %s%s -d %s\n", fishQuote(cond), f.Name, extra, fishQuote(firstLine(f.Usage)))
		}
	}
	return b.String()
}

func fishQuote(s string) string {
	return "'" + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), "'", `\'`) + "'"
}

func firstLine(s string) string { return strings.SplitN(s, "\n", 2)[0] }

// manPage is feedsift.1: the usage text's parts as roff.
func manPage() string {
	var b strings.Builder
	b.WriteString(`.\" Generated from the command table (cmd/feedsift/commands.go):
.\" go test ./cmd/feedsift -run TestManCurrent -update
.TH FEEDSIFT 1 "" "feedsift" "User Commands"
.SH NAME
feedsift \- watch news feeds and publish the items that match your topics
.SH SYNOPSIS
.B feedsift
.I command
.RI [ flags ]
.SH DESCRIPTION
feedsift fetches RSS, Atom and JSON feeds into SQLite (or PostgreSQL), matches every item
against the topics written in a TOML file, and publishes each topic as an Atom feed (also RSS,
JSON Feed, an HTML index and OPML lists).
.SH COMMANDS
`)
	for _, c := range commands {
		fmt.Fprintf(&b, ".TP\n.B %s\n%s\n", roff(strings.TrimSpace("feedsift "+c.name+" "+c.synopsis)), roff(strings.ReplaceAll(c.text, "\n", " ")))
		flags := flagsOf(c.name)
		if len(flags) == 0 {
			continue
		}
		b.WriteString(".RS\n")
		for _, f := range flags {
			name, usage := flag.UnquoteUsage(f)
			head := "\\-" + roff(f.Name)
			if name != "" {
				head += " \\fI" + roff(name) + "\\fR"
			}
			if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" && f.DefValue != "0s" {
				usage += " (default " + f.DefValue + ")"
			}
			fmt.Fprintf(&b, ".TP\n.B %s\n%s\n", head, roff(usage))
		}
		b.WriteString(".RE\n")
	}
	tail := strings.TrimSpace(usageTail)
	sections := strings.Split(tail, "\n\n")
	b.WriteString(".SH NOTES\n")
	for _, sec := range sections {
		lines := strings.Split(sec, "\n")
		switch {
		case strings.HasPrefix(lines[0], "Examples:"):
			b.WriteString(".SH EXAMPLES\n.nf\n")
			for _, l := range lines[1:] {
				b.WriteString(roff(strings.TrimSpace(l)) + "\n")
			}
			b.WriteString(".fi\n")
		case strings.HasPrefix(lines[0], "Exit codes:"):
			b.WriteString(".SH EXIT STATUS\n")
			for _, l := range lines[1:] {
				code, text, _ := strings.Cut(strings.TrimSpace(l), " ")
				fmt.Fprintf(&b, ".TP\n.B %s\n%s\n", roff(code), roff(strings.TrimSpace(text)))
			}
		default:
			b.WriteString(".PP\n" + roff(strings.Join(lines, " ")) + "\n")
		}
	}
	b.WriteString(`.SH FILES
.TP
.I $XDG_CONFIG_HOME/feedsift/config.toml, /etc/feedsift/config.toml
the configuration, when neither \-config nor $FEEDSIFT_CONFIG names one
.SH SEE ALSO
The README and config.example.toml of the source, and filter/LANGUAGE.md for the topic language.
`)
	return b.String()
}

// roff escapes text for a roff line: backslashes, hyphens (so that
// flags copy as ASCII), a leading dot or quote, and characters beyond
// ASCII.
func roff(s string) string {
	s = strings.ReplaceAll(s, `\`, `\e`)
	s = strings.ReplaceAll(s, "-", `\-`)
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "'") {
		s = `\&` + s
	}
	if strings.IndexFunc(s, func(r rune) bool { return r > 127 }) < 0 {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if r > 127 {
			fmt.Fprintf(&b, `\[u%04X]`, r) // roff's own spelling: the page stays ASCII
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}
