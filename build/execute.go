package build

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/muejam/assetpipe/internal/fileio"
	"github.com/muejam/assetpipe/manifest"
)

// executor writes planned files into the staging directory, level by
// level, each level in parallel.
type executor struct {
	dir           string
	keepOriginals bool
	streamAbove   int64
	index         *sourceIndex // nil without a cache directory
	prev          *previous    // the output replaced, nil when none
	bufs          chan []byte  // read buffers for reuse: fresh ones cost page faults

	mu      sync.Mutex
	outName map[string]string         // logical name → output name
	entries map[string]manifest.Entry // logical name → manifest entry
	claimed map[string]string         // output name → who writes it
	madeDir map[string]bool
	outputs map[string]int64 // every file written, manifests too → size
	written int
	reused  int // files the index spared reading
	linked  int // files linked from the previous output
	scanned int
	hashed  int
}

func newExecutor(dir string, keepOriginals bool, index *sourceIndex, prev *previous) *executor {
	return &executor{
		dir: dir, keepOriginals: keepOriginals, streamAbove: streamAbove, index: index, prev: prev,
		bufs:    make(chan []byte, 2*runtime.GOMAXPROCS(0)+2),
		outName: map[string]string{}, entries: map[string]manifest.Entry{},
		claimed: map[string]string{}, madeDir: map[string]bool{"": true, ".": true},
		outputs: map[string]int64{},
	}
}

// workers is how many files are in flight at once: more than the cores,
// so that one waiting on the disk leaves a core busy.
func workers() int { return 2 * runtime.GOMAXPROCS(0) }

// scanOrWrite reads and scans every file that can hold references and,
// at the same time, writes every other file: those have no references, so
// their names depend on nothing and they need not wait for the plan. The
// files scanned go first, as they take longest. A file the JS lexer cannot
// read is a problem, not a failure: the references before that point are
// still found.
func (x *executor) scanOrWrite(ctx context.Context, files []*file) ([]Problem, error) {
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(workers())
	problems := make([]*Problem, len(files))
	order := make([]int, 0, len(files))
	for i, f := range files {
		if scannerFor(f.name) != nil {
			order = append(order, i)
		}
	}
	for i, f := range files {
		if scannerFor(f.name) == nil {
			order = append(order, i)
		}
	}
	for _, i := range order {
		f := files[i]
		g.Go(func() error {
			if err := ctx.Err(); err != nil {
				return err
			}
			p, err := x.first(f)
			problems[i] = p
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	var out []Problem
	for _, p := range problems {
		if p != nil {
			out = append(out, *p)
		}
	}
	return out, nil
}

// first is a file's first step: a file the index knows to need no
// rewriting is copied, any other without references is read, hashed and
// written, and one that may hold references is read and scanned (unless
// the index knows its references) for the plan.
func (x *executor) first(f *file) (*Problem, error) {
	scan := scannerFor(f.name)
	if f.data == nil {
		in, err := fileio.OpenRead(f.path)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", f.path, err)
		}
		defer in.Close()
		fi, err := in.Stat()
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", f.path, err)
		}
		f.key, f.keyed = keyOf(fi)
		if f.keyed {
			f.known, _ = x.index.lookup(f.name, f.key)
		}
		if f.known != nil && f.known.plain() {
			return nil, x.copyKnown(f, in, f.known)
		}
		if scan == nil {
			return nil, x.processOpen(f, in, fi.Size())
		}
		if f.data, err = x.readAll(in, fi.Size()); err != nil {
			return nil, fmt.Errorf("reading %s: %w", f.path, err)
		}
		f.pooled = true
		if f.keyed && f.known == nil {
			f.known, _ = x.index.lookupContent(f.name, fi.Size(), f.data)
		}
	}
	if scan == nil {
		f.indexable = true
		return nil, x.process(f, nil)
	}
	if f.known != nil && !refsFit(f.known.refs, len(f.data)) {
		f.known = nil
	}
	if f.known != nil {
		f.refs = f.known.refs
	} else {
		refs, err := scan(f.data)
		f.refs = refs
		x.count(&x.scanned)
		if err != nil {
			return &Problem{File: f.name, Msg: fmt.Sprintf("cannot read all of it as JavaScript (%v); references after that point are not rewritten", err)}, nil
		}
	}
	f.indexable = true
	if len(f.refs) == 0 {
		return nil, x.process(f, nil) // nothing to wait for
	}
	return nil, nil
}

// refsFit reports whether refs lie inside a file of size n: a check that
// what the index says still fits what was read.
func refsFit(refs []Ref, n int) bool {
	for _, r := range refs {
		if r.End > n {
			return false
		}
	}
	return true
}

// writePlanned writes the files not written yet, level by level.
func (x *executor) writePlanned(ctx context.Context, files []*file, p *plan) error {
	byName := make(map[string]*file, len(files))
	for _, f := range files {
		byName[f.name] = f
	}
	for _, level := range p.levels {
		g, ctx := errgroup.WithContext(ctx)
		g.SetLimit(workers())
		for _, name := range level {
			f := byName[name]
			if f.written {
				continue
			}
			g.Go(func() error {
				if err := ctx.Err(); err != nil {
					return err
				}
				return x.process(f, p.rewrites[name])
			})
		}
		if err := g.Wait(); err != nil {
			return err
		}
	}
	return nil
}

// streamAbove is the size from which a file that needs no rewriting is
// streamed through a temporary file instead of read whole: below it, one
// read and one create cost less than a create and a rename.
const streamAbove = 8 << 20

// process rewrites, hashes and writes one file whose bytes are in f.data,
// or are read from f.path when f.data is nil. The hashing is skipped when
// the index holds the digests of the same source after the same rewrites.
func (x *executor) process(f *file, rws []rewrite) error {
	if f.data == nil {
		in, err := fileio.OpenRead(f.path)
		if err != nil {
			return fmt.Errorf("reading %s: %w", f.path, err)
		}
		defer in.Close()
		fi, err := in.Stat()
		if err != nil {
			return fmt.Errorf("reading %s: %w", f.path, err)
		}
		return x.processOpen(f, in, fi.Size())
	}
	data := f.data
	var sum [32]byte
	if len(rws) > 0 {
		data, sum = x.rewritten(f.data, rws)
	}
	e := indexEntry{key: f.key, rewrites: sum, refs: f.refs}
	if k := f.known; k != nil && k.rewrites == sum {
		e.src, e.md5, e.sha256, e.sha384 = k.src, k.md5, k.sha256, k.sha384
	} else {
		d := newDigests()
		d.Write(data)
		d.sums(&e)
		x.count(&x.hashed)
		switch {
		case len(rws) == 0:
			e.src = e.sha256
		case f.known != nil:
			e.src = f.known.src
		case f.keyed && f.indexable:
			e.src = sha256.Sum256(f.data)
		}
	}
	out := x.outputName(f, e.md5[:])
	dst, err := x.prepare(out, f.name)
	if err != nil {
		return err
	}
	if x.prev.link(out, f.versioned, int64(len(data)), e.sha256[:], dst) {
		x.count(&x.linked)
	} else if err := fileio.WriteNew(dst, data); err != nil {
		return fmt.Errorf("writing %s: %w", out, err)
	}
	if f.keyed && f.indexable {
		x.index.record(f.name, e)
	}
	if f.pooled {
		x.putBuf(f.data)
	}
	f.data = nil
	return x.finish(f, out, dst, manifest.EntryOf(out, int64(len(data)), e.sha256[:], e.sha384[:], f.versioned))
}

// processOpen hashes and writes a file that needs no rewriting from in:
// read whole when it is small, else copied under a temporary name while
// hashed.
func (x *executor) processOpen(f *file, in *os.File, size int64) error {
	d := newDigests()
	if size > x.streamAbove {
		tmp, err := x.copyHashing(f.path, in, d)
		if err != nil {
			return err
		}
		e := indexEntry{key: f.key}
		d.sums(&e)
		e.src = e.sha256
		x.count(&x.hashed)
		out := x.outputName(f, e.md5[:])
		dst, err := x.prepare(out, f.name)
		if err == nil {
			err = os.Rename(tmp, dst)
		}
		if err != nil {
			os.Remove(tmp)
			return fmt.Errorf("writing %s: %w", out, err)
		}
		if f.keyed {
			x.index.record(f.name, e)
		}
		return x.finish(f, out, dst, manifest.EntryOf(out, d.size, e.sha256[:], e.sha384[:], f.versioned))
	}
	data, err := x.readAll(in, size)
	if err != nil {
		return fmt.Errorf("reading %s: %w", f.path, err)
	}
	f.data, f.pooled, f.indexable = data, true, true
	if f.keyed && f.known == nil {
		f.known, _ = x.index.lookupContent(f.name, size, data)
	}
	return x.process(f, nil)
}

// copyKnown writes a file whose digests the index holds: the kernel copies
// it, no byte passes through here. A file changed between its stat and the
// end of the copy would be published under the wrong hash, so that is
// checked, and is an error.
func (x *executor) copyKnown(f *file, in *os.File, e *indexEntry) error {
	out := x.outputName(f, e.md5[:])
	dst, err := x.prepare(out, f.name)
	if err != nil {
		return err
	}
	if x.prev.link(out, f.versioned, e.key.size, e.sha256[:], dst) {
		x.count(&x.linked)
	} else if err := x.copyFile(dst, in, f.path, e.key); err != nil {
		return fmt.Errorf("writing %s: %w", out, err)
	}
	x.index.record(f.name, *e)
	x.count(&x.reused)
	return x.finish(f, out, dst, manifest.EntryOf(out, e.key.size, e.sha256[:], e.sha384[:], f.versioned))
}

// copyFile copies in, whose stat gave key, to a new file dst.
func (x *executor) copyFile(dst string, in *os.File, src string, key statKey) error {
	w, err := fileio.CreateNew(dst)
	if err != nil {
		return err
	}
	n, copied, err := kernelCopy(w, in, key.size)
	if err == nil && !copied {
		var data []byte
		if data, err = x.readAll(in, key.size); err == nil {
			n = int64(len(data))
			_, err = w.Write(data)
			x.putBuf(data)
		}
	}
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	fi, err := in.Stat()
	if err != nil {
		return err
	}
	if now, _ := keyOf(fi); now != key || n != key.size {
		return fmt.Errorf("%s changed during the build; build again", src)
	}
	return nil
}

func (x *executor) count(n *int) {
	x.mu.Lock()
	*n++
	x.mu.Unlock()
}

// outputName is f's name in the output, given the MD5 of its final bytes.
func (x *executor) outputName(f *file, md5 []byte) string {
	if !f.versioned {
		return f.name
	}
	return hashedName(f.name, hex.EncodeToString(md5)[:hashLen])
}

// prepare claims out for the logical name and makes its directory; it
// returns the path to write.
func (x *executor) prepare(out, name string) (string, error) {
	if err := x.claim(out, name); err != nil {
		return "", err
	}
	if err := x.mkdir(path.Dir(out)); err != nil {
		return "", err
	}
	return filepath.Join(x.dir, filepath.FromSlash(out)), nil
}

// finish keeps the original name when asked and records the written file.
func (x *executor) finish(f *file, out, dst string, e manifest.Entry) error {
	if x.keepOriginals && f.versioned {
		if err := x.claim(f.name, f.name); err != nil {
			return err
		}
		if err := os.Link(dst, filepath.Join(x.dir, filepath.FromSlash(f.name))); err != nil {
			return fmt.Errorf("keeping original %s: %w", f.name, err)
		}
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	x.outputs[out] = e.Size
	if x.keepOriginals && f.versioned {
		x.outputs[f.name] = e.Size
	}
	x.outName[f.name] = out
	x.entries[f.name] = e
	x.written++
	f.written = true
	return nil
}

// rewritten applies the rewrites to data, using the output names of the
// targets, which earlier levels have settled. It also returns a digest of
// the rewrites, which with the source's identity identifies the result.
func (x *executor) rewritten(data []byte, rws []rewrite) ([]byte, [32]byte) {
	x.mu.Lock()
	defer x.mu.Unlock()
	out := make([]byte, 0, len(data)+len(rws)*(hashLen+1))
	h := sha256.New()
	var num [8]byte
	last := 0
	for _, rw := range rws {
		text := renamed(rw.raw, rw.target, x.outName[rw.target.name])
		out = append(out, data[last:rw.start]...)
		out = append(out, text...)
		last = rw.end
		h.Write(binary.LittleEndian.AppendUint32(binary.LittleEndian.AppendUint32(num[:0], uint32(rw.start)), uint32(rw.end)))
		h.Write([]byte(text))
		h.Write([]byte{0})
	}
	var sum [32]byte
	h.Sum(sum[:0])
	return append(out, data[last:]...), sum
}

// claim records that out is written for logical name by, and fails when
// two files would be written under one name.
func (x *executor) claim(out, by string) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if other, ok := x.claimed[out]; ok {
		return fmt.Errorf("%s and %s would both be written as %s", other, by, out)
	}
	x.claimed[out] = by
	return nil
}

func (x *executor) mkdir(dir string) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.madeDir[dir] {
		return nil
	}
	if err := os.MkdirAll(filepath.Join(x.dir, filepath.FromSlash(dir)), 0o755); err != nil {
		return fmt.Errorf("output directory: %w", err)
	}
	x.madeDir[dir] = true
	return nil
}
