package build

import (
	"crypto/sha256"
	"io"
	"os"
	"path/filepath"

	"github.com/muejam/assetpipe/internal/fileio"
	"github.com/muejam/assetpipe/manifest"
)

// previous is the output a build replaces. A file in it with the name,
// size and content the build would write is hard-linked into the new
// output instead of written: no byte copied and no inode allocated.
// Allocating inodes is what costs most on ext4 just after a tree was
// deleted (the allocator skips inodes freed in the last minute, one by
// one), and a rebuild deletes the output it replaces. The old and the new
// output never share an inode for long: the old one is deleted at the end.
type previous struct {
	dir string
	// before is when the previous build was sealed (see seal). A file not
	// changed since, its ctime at or before that, holds what its name
	// says: a versioned name is the content's MD5. Any other is hashed.
	before int64
}

// loadPrevious finds the output at dir, nil when there is none that
// assetpipe sealed. Reuse only saves work, so nothing here is an error.
func loadPrevious(dir string) *previous {
	fi, err := os.Stat(filepath.Join(dir, manifest.FileName))
	if err != nil {
		return nil
	}
	key, ok := keyOf(fi)
	if !ok {
		return nil
	}
	return &previous{dir: dir, before: key.mtime}
}

// link makes dst a link to the previous output's file out when that holds
// the bytes with the given size and SHA-256.
func (p *previous) link(out string, versioned bool, size int64, sha []byte, dst string) bool {
	if p == nil {
		return false
	}
	src := filepath.Join(p.dir, filepath.FromSlash(out))
	fi, err := os.Lstat(src)
	if err != nil || !fi.Mode().IsRegular() || fi.Size() != size {
		return false
	}
	key, ok := keyOf(fi)
	if !ok || (!versioned || key.ctime > p.before) && !hashes(src, sha) {
		return false
	}
	return os.Link(src, dst) == nil
}

// hashes reports whether the file at name has the SHA-256 want.
func hashes(name string, want []byte) bool {
	f, err := fileio.OpenRead(name)
	if err != nil {
		return false
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return false
	}
	return string(h.Sum(nil)) == string(want)
}
