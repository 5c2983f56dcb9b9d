// Package build turns a source tree into a fingerprinted output directory:
// content-hashed names, rewritten references, esbuild bundles and the
// manifests that servers and later stages read.
//
// The work is a plan over plain values (makePlan: what every reference
// resolves to and in which order files are hashed) and a thin shell around
// it that reads, writes and swaps the output in place.
package build

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/muejam/assetpipe/build/compress"
	"github.com/muejam/assetpipe/config"
	"github.com/muejam/assetpipe/manifest"
)

// Result describes a finished build.
type Result struct {
	Out       string // the output directory
	Manifest  *manifest.Manifest
	Files     int // files written, manifests not counted
	Versioned int
	Bytes     int64
	Reused    int // files copied as they were, known to the cache: not read, hashed or scanned
	// Compressed is what the compress stage did, nil when it did not run.
	Compressed *compress.Summary
	// Unchanged says that nothing the build reads changed since the last
	// one, which wrote the output in place: nothing was written, and
	// Manifest is nil (the output's assetpipe.json is current).
	Unchanged bool
	Warnings  []Problem
	Duration  time.Duration

	scanned, hashed, linked int // files scanned, hashed, linked from the previous output: for tests
	outputs                 map[string]int64
}

// maxReported bounds how many broken references one error lists.
const maxReported = 20

// Options are a run's settings that are not configuration.
type Options struct {
	// CompressProgress, if set, hears how the compress stage is going.
	CompressProgress func(compress.Progress)
}

// Build runs the build stage for cfg and replaces the output directory with
// the result. With cfg.Compress.Enabled the compress stage runs on the
// result before it replaces the output. On error the previous output is
// left as it was.
func Build(ctx context.Context, cfg config.Config, opts Options) (*Result, error) {
	return build(ctx, cfg, opts, time.Now().Add(-racyWindow))
}

// build is Build with the time from which changed files are too fresh for
// the source index to record, which tests move.
func build(ctx context.Context, cfg config.Config, opts Options, racyBefore time.Time) (*Result, error) {
	start := time.Now()
	srcDir := cfg.Path(cfg.Src)
	src, err := filepath.Abs(srcDir)
	if err != nil {
		return nil, err
	}
	out, err := filepath.Abs(cfg.Path(cfg.Out))
	if err != nil {
		return nil, err
	}
	if err := checkDirs(src, out); err != nil {
		return nil, err
	}
	realOut := realPath(out)
	files, err := walkSource(ctx, src, globs(cfg.IgnorePatterns()), func(full string) bool {
		return full == realOut || isStaging(realOut, full)
	})
	if err != nil {
		return nil, err
	}
	// Without bundles the walk sees every file the build reads, so a
	// stamp of the sources can tell that nothing changed.
	stamped := cfg.CachePath() != "" && len(cfg.Bundle.EntryPoints) == 0
	if st := readStamp(cfg.CachePath()); stamped && st.sealed(out) {
		inputs := inputsDigest(cfg, src, out, files, statFile, racyBefore.UnixNano())
		if inputs != "" && st.unchanged(inputs, out) {
			return &Result{Out: out, Files: st.files, Versioned: st.version, Bytes: st.bytes,
				Reused: st.files, Unchanged: true, Duration: time.Since(start)}, nil
		}
	}
	bundled, err := runBundle(src, cfg.URLPrefix, cfg.Bundle)
	if err != nil {
		return nil, err
	}
	files = mergeBundle(files, bundled, cfg.Bundle.KeepInputs)
	unversioned := globs(cfg.UnversionedPatterns())
	for _, f := range files {
		f.versioned = !unversioned.match(f.name)
	}
	staged, err := stage(out)
	if err != nil {
		return nil, err
	}
	index := openIndex(cfg.CachePath(), racyBefore)
	res, problems, err := write(ctx, staged, files, cfg, opts, bundled, index, loadPrevious(out))
	if err == nil {
		err = swapIn(staged, out)
	}
	if err != nil {
		return nil, errors.Join(err, os.RemoveAll(staged))
	}
	seal(out)
	if err := index.save(); err != nil {
		// The output is complete; a cache that cannot be written only
		// costs the next build time.
		problems = append(problems, Problem{File: cfg.CachePath(), Msg: err.Error()})
	}
	if cfg.CachePath() != "" {
		var inputs string // none: warnings are shown on every build
		if stamped && len(problems) == 0 {
			inputs = inputsDigest(cfg, src, out, files, keyedFile, racyBefore.UnixNano())
		}
		if err := writeStamp(cfg.CachePath(), inputs, out, res, res.outputs); err != nil {
			problems = append(problems, Problem{File: cfg.CachePath(), Msg: "cache: " + err.Error()})
		}
	}
	res.Out = out
	res.Warnings = problems
	res.Duration = time.Since(start)
	return res, nil
}

// write builds into staged: the files without references at once, the
// others in the order the plan gives, then the manifests. It returns the
// problems found, which are an error when references are strict.
func write(ctx context.Context, staged string, files []*file, cfg config.Config, opts Options, bundled *bundleOutput, index *sourceIndex, prev *previous) (*Result, []Problem, error) {
	x := newExecutor(staged, cfg.KeepOriginals, index, prev)
	problems, err := x.scanOrWrite(ctx, files)
	if err != nil {
		return nil, nil, err
	}
	p, err := makePlan(files, cfg.URLPrefix)
	if err != nil {
		return nil, nil, err
	}
	problems = append(problems, p.broken...)
	for i := range problems {
		problems[i].File = filepath.Join(cfg.Path(cfg.Src), filepath.FromSlash(problems[i].File))
	}
	if len(problems) > 0 && cfg.References == config.Strict {
		return nil, nil, problemsError(problems)
	}
	if err := x.writePlanned(ctx, files, p); err != nil {
		return nil, nil, err
	}
	m := &manifest.Manifest{Version: 1, URLPrefix: cfg.URLPrefix, Files: x.entries}
	var compressed *compress.Summary
	if cfg.Compress.Enabled {
		co := compress.OptionsFrom(cfg)
		co.Progress = opts.CompressProgress
		co.Fresh = true
		if compressed, err = compress.Run(ctx, staged, m, co); err != nil {
			return nil, nil, err
		}
		for _, e := range m.Files {
			for _, v := range e.Variants {
				x.outputs[v.Path] = v.Size
			}
		}
	}
	if err := x.writeManifests(m, cfg.Manifests, bundled.entries); err != nil {
		return nil, nil, err
	}
	res := &Result{Manifest: m, Files: x.written, Reused: x.reused, Compressed: compressed,
		scanned: x.scanned, hashed: x.hashed, linked: x.linked, outputs: x.outputs}
	for _, e := range m.Files {
		res.Bytes += e.Size
		if e.Versioned {
			res.Versioned++
		}
	}
	return res, problems, nil
}

// realPath resolves symbolic links in the existing part of p, so that it
// compares equal to the paths the walk sees.
func realPath(p string) string {
	if r, err := filepath.EvalSymlinks(p); err == nil {
		return r
	}
	if dir, err := filepath.EvalSymlinks(filepath.Dir(p)); err == nil {
		return filepath.Join(dir, filepath.Base(p))
	}
	return p
}

// mergeBundle puts esbuild's outputs in place of their entry points and,
// unless keepInputs, leaves out the modules that went into a bundle.
func mergeBundle(files []*file, b *bundleOutput, keepInputs bool) []*file {
	if len(b.files) == 0 {
		return files
	}
	replaced := map[string]bool{}
	for _, f := range b.files {
		replaced[f.name] = true
	}
	kept := files[:0]
	for _, f := range files {
		_, input := b.inputs[f.name]
		_, entry := b.entries[f.name]
		if replaced[f.name] || (!keepInputs && (input || entry)) {
			continue
		}
		kept = append(kept, f)
	}
	return append(kept, b.files...)
}

// scanner finds the references in one kind of file.
type scanner func([]byte) ([]Ref, error)

func scannerFor(name string) scanner {
	switch strings.ToLower(path.Ext(name)) {
	case ".css":
		return func(b []byte) ([]Ref, error) { return scanCSS(b), nil }
	case ".js", ".mjs":
		return scanJS
	case ".html", ".htm":
		return func(b []byte) ([]Ref, error) { return scanHTML(b), nil }
	}
	return nil
}

// problemsError is the one error for a build's broken references.
func problemsError(problems []Problem) error {
	var b strings.Builder
	for i, p := range problems {
		if i == maxReported {
			fmt.Fprintf(&b, "\n... and %d more", len(problems)-maxReported)
			break
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p.String())
	}
	b.WriteString("\n(set references: lenient to build anyway and leave them unchanged)")
	return errors.New(b.String())
}
