package feedout

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"strings"
)

// Format is an output format; its value is the file extension without
// the dot.
type Format string

// The output formats.
const (
	Atom     Format = "atom"
	RSS      Format = "rss"
	JSONFeed Format = "json"
)

// Formats lists every format, in the order Write writes them.
var Formats = []Format{Atom, RSS, JSONFeed}

// Write publishes one topic in the given formats (none given: all):
// dir/name.atom, dir/name.rss and dir/name.json, each replaced atomically
// by WriteFile. Each document's self URL is baseURL+name+extension
// (baseURL is where dir is served, e.g. "https://example.org/feeds/");
// f.Self is ignored. f is validated once, before any file is touched, so
// invalid input changes nothing.
func Write(dir, baseURL, name string, f Feed, formats ...Format) error {
	_, err := Publish(dir, baseURL, name, f, formats...)
	return err
}

// Publish is Write that returns the self URLs of the documents whose
// content changed (rewritten files): what a WebSub hub is told about.
func Publish(dir, baseURL, name string, f Feed, formats ...Format) (changed []string, err error) {
	if len(formats) == 0 {
		formats = Formats
	}
	if name == "" || strings.ContainsAny(name, `/\`) || strings.HasPrefix(name, ".") {
		return nil, fmt.Errorf("feed %s: %w: file name %q", f.ID, ErrInvalid, name)
	}
	if !strings.HasSuffix(baseURL, "/") {
		return nil, fmt.Errorf("feed %s: %w: base URL %q does not end in /", f.ID, ErrInvalid, baseURL)
	}
	f.Self = baseURL + name + ".atom"
	d, err := prepare(&f)
	if err != nil {
		return nil, err
	}
	writers := map[Format]func(io.Writer, *doc) error{
		Atom:     func(w io.Writer, d *doc) error { return writeXML(w, atomDoc(d)) },
		RSS:      func(w io.Writer, d *doc) error { return writeXML(w, rssDocument(d)) },
		JSONFeed: writeJSON,
	}
	renders := make([]func(*doc) ([]byte, error), len(formats))
	for i, format := range formats {
		write, ok := writers[format]
		if !ok {
			return nil, fmt.Errorf("feed %s: %w: unknown format %q", f.ID, ErrInvalid, format)
		}
		self := baseURL + name + "." + string(format)
		renders[i] = rendered(func(w *bytes.Buffer, d *doc) error {
			d.self = self
			return write(w, d)
		})
	}
	outs, err := fit(d, renders)
	if err != nil {
		return nil, fmt.Errorf("feed %s: %w", f.ID, err)
	}
	for i, format := range formats {
		c, err := writeFile(filepath.Join(dir, name+"."+string(format)), func(w io.Writer) error {
			_, err := w.Write(outs[i])
			return err
		})
		if err != nil {
			return changed, err
		}
		if c {
			changed = append(changed, baseURL+name+"."+string(format))
		}
	}
	return changed, nil
}
