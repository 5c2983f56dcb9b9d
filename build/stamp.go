package build

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/muejam/assetpipe/config"
	"github.com/muejam/assetpipe/internal/fileio"
	"github.com/muejam/assetpipe/manifest"
)

// stampFile records, in the cache directory, what the last build read and
// wrote, so that a build in which nothing changed writes nothing: the
// output it would produce is the one in place. It is written only after
// a build without warnings, without bundles (esbuild reads modules the
// walk does not see) and from sources all old enough to be trusted by
// their stat.
const stampFile = "build-stamp-v1"

var stampMagic = "assetpipe build stamp 1"

// stamp is the content of stampFile.
type stamp struct {
	inputs  string  // digest of the configuration, the program and every source's stat
	output  statKey // the output's manifest after the build was sealed
	files   int
	version int
	bytes   int64
	outputs map[string]int64 // every file in the output → size
}

// statFile keys a source by a fresh stat.
func statFile(f *file) (statKey, bool) {
	fi, err := os.Stat(f.path)
	if err != nil {
		return statKey{}, false
	}
	return keyOf(fi)
}

// keyedFile keys a source by the stat taken when the build opened it.
func keyedFile(f *file) (statKey, bool) { return f.key, f.keyed }

// inputsDigest identifies what a build reads: the configuration, this
// program, and each source by its stat key, which key gives. It is ""
// when a source cannot be keyed or changed too recently to be trusted.
func inputsDigest(cfg config.Config, src, out string, files []*file, key func(*file) (statKey, bool), racyBefore int64) string {
	h := sha256.New()
	c, err := json.Marshal(cfg)
	if err != nil {
		return ""
	}
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00", c, src, out)
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	fi, err := os.Stat(exe)
	if err != nil {
		return ""
	}
	self, ok := keyOf(fi)
	if !ok {
		return ""
	}
	var buf []byte
	writeKey := func(k statKey) {
		buf = buf[:0]
		for _, v := range []uint64{k.dev, k.ino, uint64(k.size), uint64(k.mtime), uint64(k.ctime)} {
			buf = binary.LittleEndian.AppendUint64(buf, v)
		}
		h.Write(buf)
	}
	writeKey(self)
	for _, f := range files {
		k, ok := key(f)
		if !ok || k.mtime >= racyBefore || k.ctime >= racyBefore {
			return ""
		}
		h.Write([]byte(f.name))
		h.Write([]byte{0})
		writeKey(k)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// sealed reports whether the output at out is the one the stamp describes,
// as its manifest's stat says: the cheap test before the others.
func (s *stamp) sealed(out string) bool {
	if s == nil {
		return false
	}
	fi, err := os.Stat(filepath.Join(out, manifest.FileName))
	if err != nil {
		return false
	}
	key, ok := keyOf(fi)
	return ok && key == s.output
}

// unchanged reports whether the sealed output at out is what a build with
// these inputs would write: the stamp says so, and none of its files
// changed since, nor was one added or removed.
func (s *stamp) unchanged(inputs, out string) bool {
	if s.inputs != inputs {
		return false
	}
	seen := 0
	var walk func(dir, rel string) bool
	walk = func(dir, rel string) bool {
		entries, err := os.ReadDir(dir)
		if err != nil {
			return false
		}
		for _, e := range entries {
			name := e.Name()
			if rel != "" {
				name = rel + "/" + e.Name()
			}
			full := filepath.Join(dir, e.Name())
			if e.IsDir() {
				if !walk(full, name) {
					return false
				}
				continue
			}
			size, ok := s.outputs[name]
			if !ok {
				return false
			}
			fi, err := os.Lstat(full)
			if err != nil || !fi.Mode().IsRegular() || fi.Size() != size {
				return false
			}
			// Any write, rename or link changes a file's ctime; the
			// manifest's own key was compared whole above.
			if key, ok := keyOf(fi); !ok || key.ctime > s.output.mtime && name != manifest.FileName {
				return false
			}
			seen++
		}
		return true
	}
	return walk(out, "") && seen == len(s.outputs)
}

func (s *stamp) encode() []byte {
	var b bytes.Buffer
	k := s.output
	fmt.Fprintf(&b, "%s\n%s\n%d %d %d %d %d\n%d %d %d\n", stampMagic, s.inputs,
		k.dev, k.ino, k.size, k.mtime, k.ctime, s.files, s.version, s.bytes)
	names := make([]string, 0, len(s.outputs))
	for n := range s.outputs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(&b, "%d\t%s\n", s.outputs[n], n)
	}
	return b.Bytes()
}

// readStamp reads the stamp in dir; nil when there is none or it does not
// parse, which only means a full build.
func readStamp(dir string) *stamp {
	if dir == "" {
		return nil
	}
	data, err := os.ReadFile(filepath.Join(dir, stampFile))
	if err != nil {
		return nil
	}
	lines := strings.Split(string(data), "\n")
	if len(lines) < 5 || lines[0] != stampMagic || lines[len(lines)-1] != "" {
		return nil
	}
	s := &stamp{inputs: lines[1], outputs: make(map[string]int64, len(lines)-5)}
	var k statKey
	if _, err := fmt.Sscanf(lines[2], "%d %d %d %d %d", &k.dev, &k.ino, &k.size, &k.mtime, &k.ctime); err != nil {
		return nil
	}
	s.output = k
	if _, err := fmt.Sscanf(lines[3], "%d %d %d", &s.files, &s.version, &s.bytes); err != nil {
		return nil
	}
	for _, l := range lines[4 : len(lines)-1] {
		size, name, ok := strings.Cut(l, "\t")
		n, err := strconv.ParseInt(size, 10, 64)
		if !ok || err != nil {
			return nil
		}
		s.outputs[name] = n
	}
	return s
}

// writeStamp records a finished build of out; a stamp that cannot be
// made is removed, so that no stale one is ever trusted.
func writeStamp(dir, inputs, out string, res *Result, outputs map[string]int64) error {
	p := filepath.Join(dir, stampFile)
	var key statKey
	fi, err := os.Stat(filepath.Join(out, manifest.FileName))
	if err == nil {
		key, _ = keyOf(fi)
	}
	if inputs == "" || key == (statKey{}) {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return nil
	}
	s := &stamp{inputs: inputs, output: key, files: res.Files, version: res.Versioned, bytes: res.Bytes, outputs: outputs}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return fileio.WriteReplace(p, s.encode())
}
