package build

import (
	"encoding/json"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/evanw/esbuild/pkg/api"

	"github.com/muejam/assetpipe/config"
)

// bundleOutput is what esbuild made of the configured entry points.
type bundleOutput struct {
	files []*file
	// inputs are the source modules that went into a bundle; they are not
	// published on their own unless bundle.keep_inputs is set.
	inputs map[string]string // input → the entry point it went into
	// entries maps each entry point to the logical names it produced: the
	// bundle first, then its CSS (for the Vite manifest).
	entries map[string][]string
}

var esbuildTargets = map[string]api.Target{
	"esnext": api.ESNext, "es2015": api.ES2015, "es2016": api.ES2016, "es2017": api.ES2017,
	"es2018": api.ES2018, "es2019": api.ES2019, "es2020": api.ES2020, "es2021": api.ES2021,
	"es2022": api.ES2022, "es2023": api.ES2023, "es2024": api.ES2024, "es2025": api.ES2025,
}

var esbuildFormats = map[string]api.Format{"esm": api.FormatESModule, "iife": api.FormatIIFE, "cjs": api.FormatCommonJS}

// assetExternals leaves url() and import references to non-code files as
// they are, so that the rewriting after bundling fingerprints them like any
// other reference instead of esbuild inventing names of its own.
var assetExternals = []string{
	"*.png", "*.jpg", "*.jpeg", "*.gif", "*.webp", "*.avif", "*.svg", "*.ico", "*.bmp",
	"*.woff", "*.woff2", "*.ttf", "*.otf", "*.eot",
	"*.mp4", "*.webm", "*.ogg", "*.mp3", "*.wav", "*.pdf", "*.wasm",
}

// runBundle bundles and minifies the entry points with esbuild. The outputs
// mirror the source layout, so relative references in them stay valid.
func runBundle(src, prefix string, b config.Bundle) (*bundleOutput, error) {
	out := &bundleOutput{inputs: map[string]string{}, entries: map[string][]string{}}
	if len(b.EntryPoints) == 0 {
		return out, nil
	}
	for _, e := range b.EntryPoints {
		if _, err := os.Stat(filepath.Join(src, filepath.FromSlash(e))); err != nil {
			return nil, fmt.Errorf("bundle.entry_points: %s is not in the source directory %s", e, src)
		}
	}
	target, ok := esbuildTargets[b.Target]
	if !ok {
		return nil, fmt.Errorf("bundle.target: unknown esbuild target %q", b.Target)
	}
	opts := api.BuildOptions{
		EntryPoints:       b.EntryPoints,
		AbsWorkingDir:     src,
		Outdir:            src,
		Outbase:           src,
		Bundle:            true,
		Write:             false,
		Metafile:          true,
		LogLevel:          api.LogLevelSilent,
		Target:            target,
		Format:            esbuildFormats[b.Format],
		MinifyWhitespace:  b.Minify,
		MinifyIdentifiers: b.Minify,
		MinifySyntax:      b.Minify,
		External:          append(append([]string{}, assetExternals...), prefix+"*"),
	}
	if b.Sourcemap {
		opts.Sourcemap = api.SourceMapLinked
	}
	res := api.Build(opts)
	if len(res.Errors) > 0 {
		msgs := make([]string, 0, len(res.Errors))
		for _, m := range res.Errors {
			msgs = append(msgs, esbuildMessage(src, m))
		}
		return nil, fmt.Errorf("esbuild: %s", strings.Join(msgs, "\n"))
	}
	for _, of := range res.OutputFiles {
		rel, err := filepath.Rel(src, of.Path)
		if err != nil || !filepath.IsLocal(rel) {
			return nil, fmt.Errorf("esbuild wrote %s outside the source tree", of.Path)
		}
		out.files = append(out.files, &file{name: filepath.ToSlash(rel), data: of.Contents})
	}
	var meta struct {
		Outputs map[string]struct {
			EntryPoint string                     `json:"entryPoint"`
			CSSBundle  string                     `json:"cssBundle"`
			Inputs     map[string]json.RawMessage `json:"inputs"`
		} `json:"outputs"`
	}
	if err := json.Unmarshal([]byte(res.Metafile), &meta); err != nil {
		return nil, fmt.Errorf("esbuild metafile: %w", err)
	}
	for outPath, o := range meta.Outputs {
		if o.EntryPoint == "" || strings.HasSuffix(outPath, ".map") {
			continue
		}
		// A JS entry that imports CSS yields a second output for the same
		// entry point, named in the first one's cssBundle.
		if o.CSSBundle != "" || len(out.entries[o.EntryPoint]) == 0 {
			names := []string{path.Clean(outPath)}
			if o.CSSBundle != "" {
				names = append(names, path.Clean(o.CSSBundle))
			}
			out.entries[o.EntryPoint] = names
		}
		for in := range o.Inputs {
			// Modules from outside the source tree were never going to
			// be published.
			if in != o.EntryPoint && filepath.IsLocal(filepath.FromSlash(in)) {
				out.inputs[in] = o.EntryPoint
			}
		}
	}
	for e := range out.entries {
		delete(out.inputs, e)
	}
	return out, nil
}

// esbuildMessage formats an esbuild message as file:line:col: text.
func esbuildMessage(src string, m api.Message) string {
	if m.Location == nil {
		return m.Text
	}
	return fmt.Sprintf("%s:%d:%d: %s", filepath.Join(src, m.Location.File), m.Location.Line, m.Location.Column+1, m.Text)
}
