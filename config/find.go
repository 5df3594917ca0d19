package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Find is where a command looks for its configuration when no -config is
// given: $FEEDSIFT_CONFIG, then $XDG_CONFIG_HOME/feedsift/config.toml
// (~/.config/feedsift/config.toml when XDG_CONFIG_HOME is unset), then
// /etc/feedsift/config.toml. It returns the first that exists, and says
// where it looked when none does. getenv is os.Getenv outside tests.
func Find(getenv func(string) string) (string, error) {
	if p := getenv("FEEDSIFT_CONFIG"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("FEEDSIFT_CONFIG=%s: %w", p, err)
		}
		return p, nil
	}
	var tried []string
	xdg := getenv("XDG_CONFIG_HOME")
	if xdg == "" {
		if home := getenv("HOME"); home != "" {
			xdg = filepath.Join(home, ".config")
		}
	}
	candidates := []string{"/etc/feedsift/config.toml"}
	if xdg != "" {
		candidates = append([]string{filepath.Join(xdg, "feedsift", "config.toml")}, candidates...)
	}
	for _, p := range candidates {
		_, err := os.Stat(p)
		if err == nil {
			return p, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("config %s: %w", p, err)
		}
		tried = append(tried, p)
	}
	return "", fmt.Errorf("no configuration: give -config FILE, or set FEEDSIFT_CONFIG, or create %s", strings.Join(tried, " or "))
}
