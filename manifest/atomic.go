package manifest

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

// WriteFileAtomic replaces path with data so that a reader sees either the
// old file or the whole new one, never a partial write: it writes a temp
// file in the same directory (a rename is atomic only within a filesystem),
// fsyncs it, sets perm and renames it over path. perm is applied exactly,
// not filtered by the umask. On any failure the temp file is removed and
// path is left as it was.
func WriteFileAtomic(path string, data []byte, perm os.FileMode) error {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	fail := func(step string, err error) error {
		f.Close() // may already be closed; err is the error that matters
		os.Remove(tmp)
		return fmt.Errorf("write %s: %s: %w", path, step, err)
	}

	if _, err := f.Write(data); err != nil {
		return fail("write temp file", err)
	}
	if err := f.Sync(); err != nil {
		return fail("sync", err)
	}
	if err := f.Chmod(perm); err != nil {
		return fail("chmod", err)
	}
	if err := f.Close(); err != nil {
		return fail("close", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fail("rename", err)
	}
	// Make the rename itself durable. Windows cannot fsync a directory.
	if runtime.GOOS != "windows" {
		if err := syncDir(dir); err != nil {
			return fmt.Errorf("write %s: file replaced but directory not synced: %w", path, err)
		}
	}
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	if err := d.Sync(); err != nil {
		d.Close()
		return err
	}
	return d.Close()
}
