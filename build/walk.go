package build

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
)

// walkSource lists the files under src that are not ignored, as logical
// names. Symbolic links are followed when they stay inside src; one that
// leads outside is an error, because publishing whatever it points to is
// never what was meant. skip is a directory (the output) never entered, nor is anything skip reports.
func walkSource(ctx context.Context, src string, ignore globs, skip func(full string) bool) ([]*file, error) {
	root, err := filepath.EvalSymlinks(src)
	if err != nil {
		return nil, fmt.Errorf("source directory: %w", err)
	}
	w := &walker{ctx: ctx, root: root, ignore: ignore, skip: skip, seen: map[string]bool{}}
	if err := w.dir(root, ""); err != nil {
		return nil, err
	}
	return w.files, nil
}

type walker struct {
	ctx    context.Context
	root   string
	ignore globs
	skip   func(full string) bool
	seen   map[string]bool // real directories being walked, against link loops
	files  []*file
}

func (w *walker) dir(real, logical string) error {
	// Only a directory that contains itself is skipped: a link to a
	// sibling directory publishes its files under both names.
	if w.seen[real] {
		return nil
	}
	w.seen[real] = true
	defer delete(w.seen, real)
	entries, err := os.ReadDir(real)
	if err != nil {
		return fmt.Errorf("reading %s: %w", real, err)
	}
	for _, e := range entries {
		if err := w.ctx.Err(); err != nil {
			return err
		}
		name := path.Join(logical, e.Name())
		full := filepath.Join(real, e.Name())
		if w.skip(full) || w.ignore.match(name) {
			continue
		}
		typ := e.Type()
		if typ&fs.ModeSymlink != 0 {
			target, err := filepath.EvalSymlinks(full)
			if err != nil {
				return fmt.Errorf("%s: broken symbolic link: %w", full, err)
			}
			if rel, err := filepath.Rel(w.root, target); err != nil || !filepath.IsLocal(rel) {
				return fmt.Errorf("%s: symbolic link points outside the source tree, to %s", full, target)
			}
			fi, err := os.Stat(target)
			if err != nil {
				return fmt.Errorf("reading %s: %w", full, err)
			}
			full, typ = target, fi.Mode().Type()
		}
		switch {
		case typ.IsDir():
			if err := w.dir(full, name); err != nil {
				return err
			}
		case typ.IsRegular():
			w.files = append(w.files, &file{name: name, path: full})
		}
	}
	return nil
}
