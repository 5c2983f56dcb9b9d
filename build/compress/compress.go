// Package compress writes precompressed siblings of a build's files —
// name.br (brotli, quality 11) and name.gz (gzip, level 9) — and records
// the ones worth keeping in the build's manifest.
//
// Plan is pure: from the manifest and the options it lists the variants to
// make, largest file first. Run is the shell around it: a worker pool on
// all cores, a content-addressed cache so that nothing is compressed
// twice, and the writes.
package compress

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/muejam/assetpipe/config"
	"github.com/muejam/assetpipe/internal/fileio"
	"github.com/muejam/assetpipe/manifest"
)

// Options say what to compress and how.
type Options struct {
	Extensions []string // compressible extensions, lowercase, with the dot
	MinSize    int64    // smaller files are left alone
	MaxRatio   float64  // a variant is kept when at most this fraction of the original
	Encodings  []string // config.Brotli, config.Gzip
	CacheDir   string   // where finished variants are kept; "" for none
	// Fresh says the output directory was just made by a build that is
	// not yet live: variants are created in place, not written beside and
	// renamed, and there are no earlier ones to remove.
	Fresh bool
	// Since is when the manifest given to Run was written (ns), 0 when
	// unknown. A variant it records, made by the same encoder, whose file
	// has not changed since (its ctime is earlier) is kept as it is:
	// neither read from the cache nor written again.
	Since int64
	// Progress, if set, is called after each variant, one call at a time.
	Progress func(Progress)

	encoders map[string]encoder // by encoding; tests count the calls
}

// OptionsFrom is the configuration's compress options, with its cache.
func OptionsFrom(cfg config.Config) Options {
	return Options{
		Extensions: cfg.CompressibleExtensions(),
		MinSize:    cfg.Compress.MinSize,
		MaxRatio:   cfg.Compress.MaxRatio,
		Encodings:  cfg.Compress.Encodings,
		CacheDir:   cfg.CachePath(),
	}
}

// Suffix is the file name suffix of an encoding's variant.
func Suffix(encoding string) string {
	if encoding == config.Gzip {
		return ".gz"
	}
	return "." + encoding // ".br"
}

// Job is one variant to make: an output file in one encoding.
type Job struct {
	Name     string // the logical name, the manifest's key
	Path     string // the original, relative to the output root
	Size     int64
	SHA256   string
	Encoding string
	Variant  string // the variant's path: Path plus the encoding's suffix
}

// Plan lists the variants to try for m's files, largest file first, so
// that the pool does not end waiting on one long file. It fails when a
// variant would take the name of another file of the output.
func Plan(m *manifest.Manifest, opts Options) ([]Job, error) {
	compressible := map[string]bool{}
	for _, e := range opts.Extensions {
		compressible[e] = true
	}
	outputs := make(map[string]string, len(m.Files))
	for name, e := range m.Files {
		outputs[e.Path] = name
	}
	var jobs []Job
	for name, e := range m.Files {
		if e.Size < opts.MinSize || !compressible[strings.ToLower(path.Ext(e.Path))] {
			continue
		}
		for _, enc := range opts.Encodings {
			v := e.Path + Suffix(enc)
			if other, ok := outputs[v]; ok {
				return nil, fmt.Errorf("the %s variant of %s would replace %s, built from %s", enc, e.Path, v, other)
			}
			jobs = append(jobs, Job{Name: name, Path: e.Path, Size: e.Size, SHA256: e.SHA256, Encoding: enc, Variant: v})
		}
	}
	sort.Slice(jobs, func(i, j int) bool {
		a, b := jobs[i], jobs[j]
		if a.Size != b.Size {
			return a.Size > b.Size
		}
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		return a.Encoding < b.Encoding
	})
	return jobs, nil
}

// Progress is how far a run is.
type Progress struct {
	Done, Total        int   // variants
	BytesIn, TotalIn   int64 // bytes of originals done, and in all
	BytesOut           int64 // bytes of the variants made so far, kept or not
	Compressed, Cached int   // variants made by an encoder, and found in the cache
}

// Summary is what a run did.
type Summary struct {
	Files      int // originals that got at least one variant
	Variants   int // variants kept
	Compressed int // variants an encoder made
	CacheHits  int // variants the cache held
	Unchanged  int // variants already in the output, as the manifest records
	// In and Out are, per encoding, the bytes of the originals that got a
	// variant and of those variants.
	In, Out  map[string]int64
	Duration time.Duration
}

// Run makes the variants that Plan lists for m in dir, the output root,
// and records each one kept in m. A variant not kept leaves no file: an
// earlier run's is removed. m is not written; the caller writes it.
func Run(ctx context.Context, dir string, m *manifest.Manifest, opts Options) (*Summary, error) {
	start := time.Now()
	jobs, err := Plan(m, opts)
	if err != nil {
		return nil, err
	}
	encoders := opts.encoders
	if encoders == nil {
		encoders = map[string]encoder{}
		for _, enc := range opts.Encodings {
			if encoders[enc], err = newEncoder(enc); err != nil {
				return nil, err
			}
		}
	}
	r := &runner{dir: dir, opts: opts, cache: cache{dir: opts.CacheDir}, encoders: encoders,
		sum: &Summary{In: map[string]int64{}, Out: map[string]int64{}}, kept: map[string]map[string]manifest.Variant{},
		prior: map[string]map[string]manifest.Variant{}}
	for name, e := range m.Files {
		if len(e.Variants) > 0 {
			r.prior[name] = e.Variants
		}
	}
	for _, j := range jobs {
		r.progress.Total++
		r.progress.TotalIn += j.Size
	}
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for _, j := range jobs {
		g.Go(func() error {
			if err := ctx.Err(); err != nil {
				return err
			}
			return r.do(j)
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	for name, vs := range r.kept {
		e := m.Files[name]
		e.Variants = vs
		m.Files[name] = e
	}
	for name, e := range m.Files {
		if _, ok := r.kept[name]; !ok && e.Variants != nil {
			e.Variants = nil
			m.Files[name] = e
		}
	}
	r.sum.Files = len(r.kept)
	r.sum.Duration = time.Since(start)
	return r.sum, nil
}

type runner struct {
	dir      string
	opts     Options
	cache    cache
	encoders map[string]encoder

	prior map[string]map[string]manifest.Variant // what the manifest recorded before the run

	mu       sync.Mutex
	sum      *Summary
	progress Progress
	kept     map[string]map[string]manifest.Variant // logical name → encoding → variant
}

// do makes one variant: from the cache, or by reading and encoding the
// original, whose bytes must still be those the manifest names.
func (r *runner) do(j Job) error {
	enc := r.encoders[j.Encoding]
	if v, ok := r.unchanged(j, enc.id()); ok {
		r.record(j, v, nil)
		return nil
	}
	variant, sum, hit := r.cache.get(j.SHA256, enc.id())
	if !hit {
		src, err := fileio.ReadFile(filepath.Join(r.dir, filepath.FromSlash(j.Path)))
		if err != nil {
			return fmt.Errorf("compress: %w", err)
		}
		if got := sha256.Sum256(src); hex.EncodeToString(got[:]) != j.SHA256 {
			return fmt.Errorf("compress: %s changed since it was built; build again", j.Path)
		}
		if variant, err = enc.encode(src); err != nil {
			return fmt.Errorf("compress %s: %w", j.Path, err)
		}
		sum = sha256.Sum256(variant)
		if err := r.cache.put(j.SHA256, enc.id(), variant, sum); err != nil {
			return err
		}
	}
	dst := filepath.Join(r.dir, filepath.FromSlash(j.Variant))
	keep := float64(len(variant)) <= r.opts.MaxRatio*float64(j.Size)
	switch {
	case keep:
		write := fileio.WriteReplace
		if r.opts.Fresh {
			write = fileio.WriteNew
		}
		if err := write(dst, variant); err != nil {
			return fmt.Errorf("compress: writing %s: %w", j.Variant, err)
		}
	case !r.opts.Fresh:
		if err := os.Remove(dst); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("compress: %w", err)
		}
	}

	v := manifest.Variant{Path: j.Variant, Size: int64(len(variant)), SHA256: hex.EncodeToString(sum[:]), Encoder: enc.id()}
	if !keep {
		v = manifest.Variant{Size: v.Size}
	}
	r.record(j, v, &hit)
	return nil
}

// unchanged returns the variant the manifest records for j when the
// output holds it as it was written: made by encoder, at most the size
// kept, and a file whose ctime is before the manifest was written.
func (r *runner) unchanged(j Job, encoder string) (manifest.Variant, bool) {
	v, ok := r.prior[j.Name][j.Encoding]
	if !ok || r.opts.Fresh || r.opts.Since == 0 || v.Path != j.Variant || v.Encoder != encoder ||
		float64(v.Size) > r.opts.MaxRatio*float64(j.Size) {
		return v, false
	}
	fi, err := os.Lstat(filepath.Join(r.dir, filepath.FromSlash(v.Path)))
	if err != nil || !fi.Mode().IsRegular() || fi.Size() != v.Size {
		return v, false
	}
	ctime, ok := fileio.ChangeTime(fi)
	return v, ok && ctime < r.opts.Since
}

// record counts a finished job; v.Path is empty when the variant was not
// kept. hit says where it came from: nil for the output, else the cache
// (true) or the encoder.
func (r *runner) record(j Job, v manifest.Variant, hit *bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if v.Path != "" {
		if r.kept[j.Name] == nil {
			r.kept[j.Name] = map[string]manifest.Variant{}
		}
		r.kept[j.Name][j.Encoding] = v
		r.sum.Variants++
		r.sum.In[j.Encoding] += j.Size
		r.sum.Out[j.Encoding] += v.Size
	}
	switch {
	case hit == nil:
		r.sum.Unchanged++
	case *hit:
		r.sum.CacheHits++
		r.progress.Cached++
	default:
		r.sum.Compressed++
		r.progress.Compressed++
	}
	r.progress.Done++
	r.progress.BytesIn += j.Size
	r.progress.BytesOut += v.Size
	if r.opts.Progress != nil {
		r.opts.Progress(r.progress)
	}
}

// Output compresses the build output at dir in place: it reads its
// assetpipe.json, makes the variants, and writes the manifest back with
// them. Variants the manifest already records and the output still holds
// as written are kept without work, unless there is no cache (a run
// without one redoes everything).
func Output(ctx context.Context, dir string, opts Options) (*Summary, error) {
	mpath := filepath.Join(dir, manifest.FileName)
	fi, err := os.Stat(mpath)
	if err != nil {
		return nil, fmt.Errorf("no build to compress: %w", err)
	}
	m, err := manifest.ReadFile(mpath)
	if err != nil {
		return nil, err
	}
	opts.Fresh = false
	if opts.CacheDir != "" {
		opts.Since = fi.ModTime().UnixNano()
	}
	sum, err := Run(ctx, dir, m, opts)
	if err != nil {
		return nil, err
	}
	// A variant written in the manifest's clock tick could not be told
	// from one changed after it; so the manifest is written a tick later.
	fileio.WaitPast(fileio.Now())
	if err := m.WriteFile(mpath); err != nil {
		return nil, err
	}
	return sum, nil
}
