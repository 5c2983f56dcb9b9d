package build

import (
	"context"
	"crypto/md5"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
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
	plan          *plan
	keepOriginals bool

	mu      sync.Mutex
	outName map[string]string         // logical name → output name
	entries map[string]manifest.Entry // logical name → manifest entry
	claimed map[string]string         // output name → who writes it
	madeDir map[string]bool
	written int
}

func newExecutor(dir string, p *plan, keepOriginals bool) *executor {
	return &executor{
		dir: dir, plan: p, keepOriginals: keepOriginals,
		outName: map[string]string{}, entries: map[string]manifest.Entry{},
		claimed: map[string]string{}, madeDir: map[string]bool{"": true, ".": true},
	}
}

func (x *executor) run(ctx context.Context, files []*file) error {
	byName := make(map[string]*file, len(files))
	for _, f := range files {
		byName[f.name] = f
	}
	for _, level := range x.plan.levels {
		g, ctx := errgroup.WithContext(ctx)
		g.SetLimit(2 * runtime.GOMAXPROCS(0))
		for _, name := range level {
			f := byName[name]
			g.Go(func() error {
				if err := ctx.Err(); err != nil {
					return err
				}
				return x.process(f)
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

func (x *executor) process(f *file) error {
	data := f.data
	if rws := x.plan.rewrites[f.name]; len(rws) > 0 {
		data = x.rewritten(f.data, rws)
	}
	if data == nil && f.path != "" && f.size <= streamAbove {
		var err error
		if data, err = os.ReadFile(f.path); err != nil {
			return fmt.Errorf("reading %s: %w", f.path, err)
		}
	}
	d := newDigests()
	var tmp string
	if data != nil {
		d.Write(data)
	} else {
		var err error
		if tmp, err = x.copyHashing(f.path, d); err != nil {
			return err
		}
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
	x.entries[f.name] = manifest.Entry{
		Path:        out,
		Size:        d.size,
		SHA256:      hex.EncodeToString(d.sha256.Sum(nil)),
		Integrity:   "sha384-" + base64.StdEncoding.EncodeToString(d.sha384.Sum(nil)),
		ContentType: manifest.ContentType(f.name),
		Versioned:   f.versioned,
	}
	x.written++
	return nil
}

// copyHashing copies a file that needs no rewriting into the staging
// directory under a temporary name, hashing it on the way: one read.
func (x *executor) copyHashing(src string, d *digests) (string, error) {
	in, err := os.Open(src)
	if err != nil {
		return "", fmt.Errorf("reading %s: %w", src, err)
	}
	defer in.Close()
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
