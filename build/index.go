package build

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/muejam/assetpipe/internal/fileio"
)

// indexFile is the source index's name in the cache directory. Its version
// changes whenever the scanners or the entry layout change, so that an
// index written by another version is never trusted.
const indexFile = "build-index-v2"

var indexMagic = []byte("assetpipe build index 2\n")

// racyWindow is how long after its last change a file is too fresh to be
// recorded: a file changed twice within one timestamp tick keeps its
// ctime, so only files older than that are keyed by what stat says (git's
// "racy clean" problem).
const racyWindow = 2 * time.Second

// sourceIndex remembers, for each source file, the references a scanner
// found in it and the digests of what was written for it, keyed by what
// stat says about the file as git's index does. An unchanged file without
// references is then neither read, hashed nor scanned: it is copied in the
// kernel under the name its digest gives. One with references is read and
// rewritten but not scanned, and not hashed either when its rewrites are
// the ones its digests were taken after. The key includes ctime, which no
// tool can set back, so an edit, a checkout or a touch always misses.
type sourceIndex struct {
	path       string
	old        map[string]indexEntry
	racyBefore int64 // files changed at or after this (ns) are not recorded

	mu   sync.Mutex
	next map[string]indexEntry
}

type statKey struct {
	dev, ino     uint64
	size         int64
	mtime, ctime int64 // ns
}

type indexEntry struct {
	key    statKey
	src    [32]byte // SHA-256 of the source's bytes
	md5    [16]byte // of the bytes written
	sha256 [32]byte
	sha384 [48]byte
	// rewrites identifies the rewrites the digests were taken after (see
	// rewriteSum); zero when the file was written as it is.
	rewrites [32]byte
	// refs are the references found when the file was scanned; empty for
	// a file without any, or one of a kind no scanner reads.
	refs []Ref
}

// plain reports whether the file was written as it is, without rewrites:
// then it can be copied without being read.
func (e *indexEntry) plain() bool { return len(e.refs) == 0 && e.rewrites == [32]byte{} }

func (e *indexEntry) equal(o *indexEntry) bool {
	if e.key != o.key || e.src != o.src || e.md5 != o.md5 || e.sha256 != o.sha256 || e.sha384 != o.sha384 ||
		e.rewrites != o.rewrites || len(e.refs) != len(o.refs) {
		return false
	}
	for i := range e.refs {
		if e.refs[i] != o.refs[i] {
			return false
		}
	}
	return true
}

const entrySize = 8*5 + 32 + 16 + 32 + 48 + 32

// openIndex reads the index in dir. A missing, foreign or damaged index is
// an empty one: the index only ever saves work, so it never fails a build.
// An empty dir means no index.
func openIndex(dir string, racyBefore time.Time) *sourceIndex {
	if dir == "" {
		return nil
	}
	x := &sourceIndex{
		path:       filepath.Join(dir, indexFile),
		old:        map[string]indexEntry{},
		next:       map[string]indexEntry{},
		racyBefore: racyBefore.UnixNano(),
	}
	if data, err := os.ReadFile(x.path); err == nil {
		if m, err := decodeIndex(data); err == nil {
			x.old = m
		}
	}
	return x
}

// lookup returns the entry for name when the file still has key.
func (x *sourceIndex) lookup(name string, key statKey) (*indexEntry, bool) {
	if x == nil {
		return nil, false
	}
	e, ok := x.old[name]
	if !ok || e.key != key {
		return nil, false
	}
	return &e, true
}

// lookupContent returns the entry for name when the file's bytes are the
// ones it was made from, though its stat changed: a fresh checkout, or a
// CI job that restored the cache, has new inodes and times for the same
// contents. Only a source of the recorded size is worth hashing to ask.
func (x *sourceIndex) lookupContent(name string, size int64, data []byte) (*indexEntry, bool) {
	if x == nil {
		return nil, false
	}
	e, ok := x.old[name]
	if !ok || e.key.size != size || int64(len(data)) != size || sha256.Sum256(data) != e.src {
		return nil, false
	}
	return &e, true
}

// record keeps what was written for a file. A file too fresh to be
// trusted by its stat keeps the entry it had: that one no longer matches
// its stat, but still serves lookupContent, so a build right after a
// checkout does not empty the index.
func (x *sourceIndex) record(name string, e indexEntry) {
	if x == nil {
		return
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if e.key.mtime >= x.racyBefore || e.key.ctime >= x.racyBefore {
		if old, ok := x.old[name]; ok {
			x.next[name] = old
		}
		return
	}
	x.next[name] = e
}

// save writes the index when it changed. Files gone from the tree drop
// out of it, so it stays the size of the tree.
func (x *sourceIndex) save() error {
	if x == nil || sameEntries(x.old, x.next) {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(x.path), 0o755); err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	if err := fileio.WriteReplace(x.path, encodeIndex(x.next)); err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	return nil
}

func sameEntries(a, b map[string]indexEntry) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || !w.equal(&v) {
			return false
		}
	}
	return true
}

// The encoding is the magic, then per entry the name's length, the name,
// the fixed-size fields and the references (count, then start, end, URL
// length and URL each), then a CRC-32C of everything before it.
func encodeIndex(m map[string]indexEntry) []byte {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	buf := bytes.NewBuffer(nil)
	buf.Grow(len(indexMagic) + len(m)*(entrySize+64) + 4)
	buf.Write(indexMagic)
	var tmp [binary.MaxVarintLen64]byte
	for _, n := range names {
		e := m[n]
		buf.Write(tmp[:binary.PutUvarint(tmp[:], uint64(len(n)))])
		buf.WriteString(n)
		for _, v := range []uint64{e.key.dev, e.key.ino, uint64(e.key.size), uint64(e.key.mtime), uint64(e.key.ctime)} {
			buf.Write(binary.LittleEndian.AppendUint64(tmp[:0], v))
		}
		buf.Write(e.src[:])
		buf.Write(e.md5[:])
		buf.Write(e.sha256[:])
		buf.Write(e.sha384[:])
		buf.Write(e.rewrites[:])
		buf.Write(tmp[:binary.PutUvarint(tmp[:], uint64(len(e.refs)))])
		for _, r := range e.refs {
			for _, v := range []int{r.Start, r.End, len(r.URL)} {
				buf.Write(tmp[:binary.PutUvarint(tmp[:], uint64(v))])
			}
			buf.WriteString(r.URL)
		}
	}
	return binary.LittleEndian.AppendUint32(buf.Bytes(), crc32.Checksum(buf.Bytes(), castagnoli))
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

var errBadIndex = errors.New("damaged build index")

func decodeIndex(data []byte) (map[string]indexEntry, error) {
	if len(data) < len(indexMagic)+4 || !bytes.HasPrefix(data, indexMagic) {
		return nil, errBadIndex
	}
	body, sum := data[:len(data)-4], binary.LittleEndian.Uint32(data[len(data)-4:])
	if crc32.Checksum(body, castagnoli) != sum {
		return nil, errBadIndex
	}
	m := map[string]indexEntry{}
	for b := body[len(indexMagic):]; len(b) > 0; {
		n, w := binary.Uvarint(b)
		if w <= 0 || uint64(len(b)-w) < n+entrySize {
			return nil, errBadIndex
		}
		name := string(b[w : w+int(n)])
		b = b[w+int(n):]
		u := func(i int) uint64 { return binary.LittleEndian.Uint64(b[8*i:]) }
		e := indexEntry{key: statKey{dev: u(0), ino: u(1), size: int64(u(2)), mtime: int64(u(3)), ctime: int64(u(4))}}
		b = b[40:]
		b = b[copy(e.src[:], b):]
		b = b[copy(e.md5[:], b):]
		b = b[copy(e.sha256[:], b):]
		b = b[copy(e.sha384[:], b):]
		b = b[copy(e.rewrites[:], b):]
		var ok bool
		if e.refs, b, ok = decodeRefs(b); !ok || !fs.ValidPath(name) {
			return nil, errBadIndex
		}
		m[name] = e
	}
	return m, nil
}

func decodeRefs(b []byte) ([]Ref, []byte, bool) {
	uv := func() (int, bool) {
		v, w := binary.Uvarint(b)
		if w <= 0 || v > 1<<40 {
			return 0, false
		}
		b = b[w:]
		return int(v), true
	}
	n, ok := uv()
	if !ok || n > len(b) {
		return nil, nil, false
	}
	var refs []Ref
	for range n {
		start, ok1 := uv()
		end, ok2 := uv()
		l, ok3 := uv()
		if !ok1 || !ok2 || !ok3 || l > len(b) || start > end {
			return nil, nil, false
		}
		refs = append(refs, Ref{Start: start, End: end, URL: string(b[:l])})
		b = b[l:]
	}
	return refs, b, true
}
