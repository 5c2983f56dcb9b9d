package compress

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"

	"github.com/muejam/assetpipe/internal/fileio"
)

// cache holds finished variants by (the original's SHA-256, encoder id),
// so that content compressed once is never compressed again: not in the
// next build, not on another branch, not in a CI job that restores the
// directory. An entry is written to a temporary name and renamed, so a
// reader sees it whole or not at all, and two processes writing the same
// entry write the same bytes. Each entry carries its size and SHA-256 and
// is checked against them when read: a damaged entry is a miss, and is
// replaced.
type cache struct {
	dir string // "" for no cache
}

// cacheVersion names the layout below the cache directory.
const cacheVersion = "compress-v1"

// entryMagic starts every entry; the size and SHA-256 of the variant
// follow, then the variant.
const entryMagic = "assetpipe variant 1\n"

const headerSize = len(entryMagic) + 8 + sha256.Size

func (c cache) path(original, encoderID string) string {
	return filepath.Join(c.dir, cacheVersion, encoderID, original[:2], original)
}

// get returns the variant stored for original, or ok false.
func (c cache) get(original, encoderID string) (variant []byte, sum [32]byte, ok bool) {
	if c.dir == "" {
		return nil, sum, false
	}
	data, err := fileio.ReadFile(c.path(original, encoderID))
	if err != nil || len(data) < headerSize || !bytes.HasPrefix(data, []byte(entryMagic)) {
		return nil, sum, false
	}
	h := data[len(entryMagic):]
	size := binary.LittleEndian.Uint64(h)
	copy(sum[:], h[8:])
	variant = data[headerSize:]
	if uint64(len(variant)) != size || sha256.Sum256(variant) != sum {
		return nil, sum, false
	}
	return variant, sum, true
}

// put stores variant for original.
func (c cache) put(original, encoderID string, variant []byte, sum [32]byte) error {
	if c.dir == "" {
		return nil
	}
	p := c.path(original, encoderID)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	entry := make([]byte, 0, headerSize+len(variant))
	entry = append(entry, entryMagic...)
	entry = binary.LittleEndian.AppendUint64(entry, uint64(len(variant)))
	entry = append(entry, sum[:]...)
	entry = append(entry, variant...)
	if err := fileio.WriteReplace(p, entry); err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	return nil
}
