package feedout

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
)

// Write publishes one topic in every format: dir/name.atom, dir/name.rss
// and dir/name.json, each replaced atomically by WriteFile. Each document's
// self URL is baseURL+name+extension (baseURL is where dir is served, e.g.
// "https://example.org/feeds/"); f.Self is ignored. f is validated once,
// before any file is touched, so invalid input changes nothing.
func Write(dir, baseURL, name string, f Feed) error {
	if name == "" || strings.ContainsAny(name, `/\`) || strings.HasPrefix(name, ".") {
		return fmt.Errorf("feed %s: %w: file name %q", f.ID, ErrInvalid, name)
	}
	if !strings.HasSuffix(baseURL, "/") {
		return fmt.Errorf("feed %s: %w: base URL %q does not end in /", f.ID, ErrInvalid, baseURL)
	}
	f.Self = baseURL + name + ".atom"
	d, err := prepare(&f)
	if err != nil {
		return err
	}
	for _, out := range []struct {
		ext   string
		write func(io.Writer, *doc) error
	}{
		{".atom", func(w io.Writer, d *doc) error { return writeXML(w, atomDoc(d)) }},
		{".rss", func(w io.Writer, d *doc) error { return writeXML(w, rssDocument(d)) }},
		{".json", writeJSON},
	} {
		d.self = baseURL + name + out.ext
		if err := WriteFile(filepath.Join(dir, name+out.ext), func(w io.Writer) error {
			return out.write(w, d)
		}); err != nil {
			return err
		}
	}
	return nil
}
