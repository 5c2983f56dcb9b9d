package build

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"

	"github.com/muejam/assetpipe/manifest"
)

// previous is the output a build replaces. A file in it with the name,
// size and digest the build would write is hard-linked into the new
// output instead of written: no byte copied and no inode allocated.
// Allocating inodes is what costs most on ext4 just after a tree was
// deleted (the allocator skips inodes freed in the last minute, one by
// one), and a rebuild deletes the output it replaces. The old and the new
// output never share an inode for long: the old one is deleted at the end.
type previous struct {
	dir   string
	files map[string]manifest.Entry // by output path
	// before is when the previous build was sealed (see seal): a file
	// changed since, as its ctime says, is trusted only once hashed.
	before int64
}

// loadPrevious reads the manifest of the output at dir. Anything amiss
// means no reuse, never an error: reuse only saves work.
func loadPrevious(dir string) *previous {
	p := filepath.Join(dir, manifest.FileName)
	fi, err := os.Stat(p)
	if err != nil {
		return nil
	}
	key, ok := keyOf(fi)
	if !ok {
		return nil
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return nil
	}
	m, err := manifest.Parse(data)
	if err != nil {
		return nil
	}
	prev := &previous{dir: dir, files: make(map[string]manifest.Entry, len(m.Files)), before: key.mtime}
	for _, e := range m.Files {
		prev.files[e.Path] = e
	}
	return prev
}

// link makes dst a link to the previous output's file out when that holds
// exactly the bytes with the given SHA-256 and size.
func (p *previous) link(out string, sha256 []byte, size int64, dst string) bool {
	if p == nil {
		return false
	}
	e, ok := p.files[out]
	if !ok || e.Size != size || e.SHA256 != hex.EncodeToString(sha256) {
		return false
	}
	src := filepath.Join(p.dir, filepath.FromSlash(out))
	fi, err := os.Lstat(src)
	if err != nil || !fi.Mode().IsRegular() || fi.Size() != size {
		return false
	}
	key, ok := keyOf(fi)
	if !ok || key.ctime >= p.before && !hashes(src, e.SHA256) {
		return false
	}
	return os.Link(src, dst) == nil
}

// hashes reports whether the file at name has the SHA-256 want (hex): the
// check for a file changed in the tick the previous build was sealed in,
// which its ctime cannot tell from one changed after.
func hashes(name, want string) bool {
	f, err := openRead(name)
	if err != nil {
		return false
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return false
	}
	return hex.EncodeToString(h.Sum(nil)) == want
}
