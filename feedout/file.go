package feedout

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// WriteFile replaces the file at path with what write produces, atomically:
// it writes a temporary file in the same directory, syncs and closes it,
// renames it over path and syncs the directory. Readers (and Handler) see
// the old file or the new one, never a partial one. On any failure the old
// file is left as it was, the temporary file is removed and the error names
// path. The file gets mode 0644.
//
// The temporary file's name starts with a dot, so Handler never serves it.
//
// When the file already holds exactly what write produces, it is left as
// it is: its modification time, and so the ETag and Last-Modified that
// Handler sends, change only when the content does, and a feed reader
// polling an unchanged feed gets 304 Not Modified.
func WriteFile(path string, write func(io.Writer) error) error {
	_, err := writeFile(path, write)
	return err
}

// writeFile is WriteFile that says whether the file's content changed.
func writeFile(path string, write func(io.Writer) error) (changed bool, err error) {
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		return false, fmt.Errorf("write %s: %w", path, err)
	}
	// Only a regular file is compared and replaced: reading a FIFO would
	// wait for ever, and a directory or device is someone else's.
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		return false, fmt.Errorf("write %s: it exists and is not a regular file (%s); remove it or choose another output_dir", path, fi.Mode().Type())
	}
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, buf.Bytes()) {
		return false, nil
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return false, fmt.Errorf("write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close() // may already be closed; the write error matters
			os.Remove(tmp.Name())
			err = fmt.Errorf("write %s: %w", path, err)
		}
	}()
	if _, err := tmp.Write(buf.Bytes()); err != nil {
		return false, err
	}
	if err := tmp.Chmod(0o644); err != nil {
		return false, err
	}
	if err := tmp.Sync(); err != nil {
		return false, err
	}
	if err := tmp.Close(); err != nil {
		return false, err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return false, err
	}
	return true, syncDir(dir)
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
