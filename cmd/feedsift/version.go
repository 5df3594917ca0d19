package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"runtime/debug"
	"strings"
)

// versionCmd prints the build's version.
type versionCmd struct{ stdout io.Writer }

func (c *versionCmd) Run(ctx context.Context, args []string) error {
	if err := parseFlags(flag.NewFlagSet("version", flag.ContinueOnError), args); err != nil {
		return err
	}
	fmt.Fprintln(c.stdout, versionText())
	return nil
}

// versionText is what feedsift version prints: the module version (a
// tag for go install …@v1.2.3, "(devel)" for a build from a checkout),
// the VCS revision and time when the build recorded them, and Go's
// version.
func versionText() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "feedsift (no build information)"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "feedsift %s", bi.Main.Version)
	settings := map[string]string{}
	for _, s := range bi.Settings {
		settings[s.Key] = s.Value
	}
	if rev := settings["vcs.revision"]; rev != "" {
		fmt.Fprintf(&b, " (%s", rev[:min(len(rev), 12)])
		if t := settings["vcs.time"]; t != "" {
			fmt.Fprintf(&b, ", %s", t)
		}
		if settings["vcs.modified"] == "true" {
			b.WriteString(", modified")
		}
		b.WriteString(")")
	}
	fmt.Fprintf(&b, " %s", bi.GoVersion)
	return b.String()
}
