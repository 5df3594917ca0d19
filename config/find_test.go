package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFind: FEEDSIFT_CONFIG, then $XDG_CONFIG_HOME (or ~/.config), then
// /etc; none found says where it looked.
func TestFind(t *testing.T) {
	dir := t.TempDir()
	explicit := filepath.Join(dir, "mine.toml")
	xdgFile := filepath.Join(dir, "xdg", "feedsift", "config.toml")
	homeFile := filepath.Join(dir, "home", ".config", "feedsift", "config.toml")
	for _, p := range []string{explicit, xdgFile, homeFile} {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("# x\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat("/etc/feedsift/config.toml"); err == nil {
		t.Skip("/etc/feedsift/config.toml exists on this machine: the fallbacks cannot be told apart")
	}
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	for _, c := range []struct {
		name string
		env  map[string]string
		want string
		err  string
	}{
		{"FEEDSIFT_CONFIG first", map[string]string{"FEEDSIFT_CONFIG": explicit, "XDG_CONFIG_HOME": filepath.Join(dir, "xdg")}, explicit, ""},
		{"FEEDSIFT_CONFIG missing", map[string]string{"FEEDSIFT_CONFIG": filepath.Join(dir, "none.toml")}, "", "FEEDSIFT_CONFIG="},
		{"XDG_CONFIG_HOME", map[string]string{"XDG_CONFIG_HOME": filepath.Join(dir, "xdg"), "HOME": filepath.Join(dir, "home")}, xdgFile, ""},
		{"HOME/.config", map[string]string{"HOME": filepath.Join(dir, "home")}, homeFile, ""},
		{"nowhere", map[string]string{"HOME": filepath.Join(dir, "nobody")}, "", "no configuration: give -config FILE, or set FEEDSIFT_CONFIG, or create " + filepath.Join(dir, "nobody", ".config", "feedsift", "config.toml") + " or /etc/feedsift/config.toml"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := Find(env(c.env))
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Errorf("Find = %q, %v; want an error with %q", got, err, c.err)
				}
				return
			}
			if err != nil || got != c.want {
				t.Errorf("Find = %q, %v; want %q", got, err, c.want)
			}
		})
	}
}
