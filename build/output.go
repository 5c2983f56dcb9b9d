package build

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/muejam/assetpipe/manifest"
)

// checkDirs refuses output directories whose replacement would destroy
// something that is not a previous build: the sources, a directory above
// them, or a directory with other content.
func checkDirs(src, out string) error {
	fi, err := os.Stat(src)
	if err != nil {
		return fmt.Errorf("source directory: %w", err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("source %s is not a directory", src)
	}
	if rel, err := filepath.Rel(out, src); err == nil && (rel == "." || filepath.IsLocal(rel)) {
		return fmt.Errorf("output directory %s contains the sources %s: it is replaced on every build", out, src)
	}
	entries, err := os.ReadDir(out)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("output directory: %w", err)
	case len(entries) == 0:
		return nil
	}
	if _, err := os.Stat(filepath.Join(out, manifest.FileName)); err != nil {
		return fmt.Errorf("output directory %s is not empty and has no %s, so it is not an earlier build: refusing to replace it", out, manifest.FileName)
	}
	return nil
}

// tempPrefix names the staging directories beside out, so that a walk of
// a source tree that contains out can skip them too.
func tempPrefix(out string) string {
	return filepath.Join(filepath.Dir(out), "."+filepath.Base(out)+".tmp-")
}

// stage makes the directory the build writes into: beside out, on the same
// file system, so that it can take out's place with a rename.
func stage(out string) (string, error) {
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return "", fmt.Errorf("output directory: %w", err)
	}
	dir, err := os.MkdirTemp(filepath.Dir(out), filepath.Base(tempPrefix(out))+"*")
	if err != nil {
		return "", fmt.Errorf("output directory: %w", err)
	}
	// MkdirTemp makes 0700; the output is meant to be served.
	if err := os.Chmod(dir, 0o755); err != nil {
		return "", fmt.Errorf("output directory: %w", err)
	}
	return dir, nil
}

// isStaging reports the staging directories of out.
func isStaging(out, full string) bool {
	return strings.HasPrefix(full, tempPrefix(out))
}

// swapIn puts the finished staging directory in place of out, so that out
// is at every moment either the old build or the new one.
func swapIn(staged, out string) error {
	if _, err := os.Lstat(out); errors.Is(err, fs.ErrNotExist) {
		if err := os.Rename(staged, out); err != nil {
			return fmt.Errorf("output directory: %w", err)
		}
		return nil
	}
	if err := exchange(staged, out); err != nil {
		return fmt.Errorf("output directory: %w", err)
	}
	// staged now holds the previous build.
	if err := os.RemoveAll(staged); err != nil {
		return fmt.Errorf("removing the previous build: %w", err)
	}
	return nil
}

// exchangeByRenames swaps two directories with three renames where there is
// no atomic exchange; a crash in between leaves b's old content at b.old.
func exchangeByRenames(a, b string) error {
	old := a + ".old"
	if err := os.Rename(b, old); err != nil {
		return err
	}
	if err := os.Rename(a, b); err != nil {
		return errors.Join(err, os.Rename(old, b))
	}
	return os.Rename(old, a)
}
