package build

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/muejam/assetpipe/manifest"
)

// executor writes planned files into the staging directory, level by
// level, each level in parallel.
type executor struct {
	dir           string
	keepOriginals bool
	streamAbove   int64

	mu      sync.Mutex
	outName map[string]string         // logical name → output name
	entries map[string]manifest.Entry // logical name → manifest entry
	claimed map[string]string         // output name → who writes it
	madeDir map[string]bool
	written int
}

func newExecutor(dir string, keepOriginals bool) *executor {
	return &executor{
		dir: dir, keepOriginals: keepOriginals, streamAbove: streamAbove,
		outName: map[string]string{}, entries: map[string]manifest.Entry{},
		claimed: map[string]string{}, madeDir: map[string]bool{"": true, ".": true},
	}
}

// scanOrWrite reads and scans every file that can hold references and,
// at the same time, writes every other file: those have no references, so
// their names depend on nothing and they need not wait for the plan. The
// files scanned go first, as they take longest. A file the JS lexer cannot
// read is a problem, not a failure: the references before that point are
// still found.
func (x *executor) scanOrWrite(ctx context.Context, files []*file) ([]Problem, error) {
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(2 * runtime.GOMAXPROCS(0))
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
			scan := scannerFor(f.name)
			if scan == nil {
				return x.process(f, nil)
			}
			if f.data == nil {
				data, err := os.ReadFile(f.path)
				if err != nil {
					return fmt.Errorf("reading %s: %w", f.path, err)
				}
				f.data = data
			}
			refs, err := scan(f.data)
			f.refs = refs
			if err != nil {
				problems[i] = &Problem{File: f.name, Msg: fmt.Sprintf("cannot read all of it as JavaScript (%v); references after that point are not rewritten", err)}
			}
			return nil
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

// writePlanned writes the files not written yet, level by level.
func (x *executor) writePlanned(ctx context.Context, files []*file, p *plan) error {
	byName := make(map[string]*file, len(files))
	for _, f := range files {
		byName[f.name] = f
	}
	for _, level := range p.levels {
		g, ctx := errgroup.WithContext(ctx)
		g.SetLimit(2 * runtime.GOMAXPROCS(0))
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

// digests are the hashes every output gets: MD5 names it (as Django
// does), SHA-256 identifies it for publishing, SHA-384 is its SRI.
type digests struct {
	md5, sha256, sha384 hash.Hash
	size                int64
}

func newDigests() *digests {
	return &digests{md5: md5.New(), sha256: sha256.New(), sha384: sha512.New384()}
}

func (d *digests) Write(p []byte) (int, error) {
	d.md5.Write(p)
	d.sha256.Write(p)
	d.sha384.Write(p)
	d.size += int64(len(p))
	return len(p), nil
}

// streamAbove is the size from which a file that needs no rewriting is
// streamed through a temporary file instead of read whole: below it, one
// read and one create cost less than a create and a rename.
const streamAbove = 8 << 20

// process rewrites, hashes and writes one file.
func (x *executor) process(f *file, rws []rewrite) error {
	data := f.data
	if len(rws) > 0 {
		data = x.rewritten(f.data, rws)
	}
	d := newDigests()
	var tmp string
	if data == nil {
		var err error
		if data, tmp, err = x.load(f.path, d); err != nil {
			return err
		}
	}
	if tmp == "" {
		d.Write(data)
	}
	out := f.name
	if f.versioned {
		out = hashedName(f.name, hex.EncodeToString(d.md5.Sum(nil))[:hashLen])
	}
	if err := x.claim(out, f.name); err != nil {
		return err
	}
	dst := filepath.Join(x.dir, filepath.FromSlash(out))
	if err := x.mkdir(path.Dir(out)); err != nil {
		return err
	}
	var err error
	if tmp != "" {
		err = os.Rename(tmp, dst)
	} else {
		err = os.WriteFile(dst, data, 0o644)
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", out, err)
	}
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
	x.outName[f.name] = out
	x.entries[f.name] = manifest.EntryOf(out, d.size, d.sha256.Sum(nil), d.sha384.Sum(nil), f.versioned)
	x.written++
	f.written = true
	return nil
}

// load reads a file that needs no rewriting: whole when it is small, else
// copied into the staging directory under a temporary name while hashed.
func (x *executor) load(src string, d *digests) (data []byte, tmp string, err error) {
	in, err := os.Open(src)
	if err != nil {
		return nil, "", fmt.Errorf("reading %s: %w", src, err)
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil {
		return nil, "", fmt.Errorf("reading %s: %w", src, err)
	}
	if fi.Size() > x.streamAbove {
		tmp, err = x.copyHashing(src, in, d)
		return nil, tmp, err
	}
	// Room for one more read, which finds the end.
	buf := bytes.NewBuffer(make([]byte, 0, fi.Size()+bytes.MinRead))
	if _, err := buf.ReadFrom(in); err != nil {
		return nil, "", fmt.Errorf("reading %s: %w", src, err)
	}
	return buf.Bytes(), "", nil
}

// copyHashing copies a file that needs no rewriting into the staging
// directory under a temporary name, hashing it on the way: one read.
func (x *executor) copyHashing(src string, in io.Reader, d *digests) (string, error) {
	tmp, err := os.CreateTemp(x.dir, ".part-*")
	if err != nil {
		return "", fmt.Errorf("staging %s: %w", src, err)
	}
	buf := make([]byte, 256<<10)
	_, err = io.CopyBuffer(io.MultiWriter(tmp, d), onlyReader{in}, buf)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return "", fmt.Errorf("copying %s: %w", src, err)
	}
	return tmp.Name(), nil
}

// onlyReader hides WriterTo, so that CopyBuffer uses the buffer given.
type onlyReader struct{ io.Reader }

// rewritten applies the rewrites to data, using the output names of the
// targets, which earlier levels have settled.
func (x *executor) rewritten(data []byte, rws []rewrite) []byte {
	x.mu.Lock()
	defer x.mu.Unlock()
	out := make([]byte, 0, len(data)+len(rws)*(hashLen+1))
	last := 0
	for _, rw := range rws {
		out = append(out, data[last:rw.start]...)
		out = append(out, renamed(rw.raw, rw.target, x.outName[rw.target.name])...)
		last = rw.end
	}
	return append(out, data[last:]...)
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
