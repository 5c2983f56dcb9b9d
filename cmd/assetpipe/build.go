package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/muejam/assetpipe/build"
	"github.com/muejam/assetpipe/config"
)

// configFlags are the flags every command that reads the configuration has.
type configFlags struct {
	file      string
	src, out  string
	urlPrefix string
	cache     string
	noCache   bool
}

func (f *configFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVarP(&f.file, "config", "c", "", "configuration `FILE` (default ./"+config.DefaultFile+" when present)")
	fl.StringVar(&f.src, "src", "", "source `DIR` (default from the configuration, else \"static\")")
	fl.StringVar(&f.out, "out", "", "output `DIR`, replaced as a whole (default from the configuration, else \"dist\")")
	fl.StringVar(&f.urlPrefix, "url-prefix", "", "URL `PREFIX` the files are served under (default \"/static/\")")
	fl.StringVar(&f.cache, "cache", "", "cache `DIR` kept between runs (default "+config.DefaultCache+" beside the configuration)")
	fl.BoolVar(&f.noCache, "no-cache", false, "neither read nor write the cache: do all the work again")
}

// load reads the configuration and applies the flags over it. Paths given
// as flags are relative to the working directory, paths in the file to
// the file's directory.
func (f *configFlags) load() (config.Config, error) {
	file := f.file
	if file == "" {
		if _, err := os.Stat(config.DefaultFile); err == nil {
			file = config.DefaultFile
		} else if !errors.Is(err, fs.ErrNotExist) {
			return config.Config{}, fmt.Errorf("config: %w", err)
		}
	}
	cfg, err := config.Load(file, ".")
	if err != nil {
		return cfg, err
	}
	for _, o := range []struct {
		flag string
		dst  *string
	}{{f.src, &cfg.Src}, {f.out, &cfg.Out}, {f.cache, &cfg.CacheDir}} {
		if o.flag == "" {
			continue
		}
		abs, err := filepath.Abs(o.flag)
		if err != nil {
			return cfg, err
		}
		*o.dst = abs
	}
	if f.noCache {
		cfg.CacheDir = ""
	}
	if f.urlPrefix != "" {
		cfg.URLPrefix = f.urlPrefix
		if err := cfg.Validate(); err != nil {
			return cfg, usageError{fmt.Errorf("--url-prefix: %w", err)}
		}
	}
	return cfg, nil
}

// runBuild builds (and compresses, unless noCompress) and prints the
// warnings and the summary.
func runBuild(ctx context.Context, cfg config.Config, noCompress bool, stdout, stderr io.Writer) (*build.Result, error) {
	if noCompress {
		cfg.Compress.Enabled = false
	}
	progress := newCompressProgress(stderr)
	res, err := build.Build(ctx, cfg, build.Options{CompressProgress: progress.update})
	progress.finish()
	if err != nil {
		return nil, err
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(stderr, "warning: %s\n", w)
	}
	fmt.Fprintf(stdout, "built %d files (%d versioned, %s) into %s in %s",
		res.Files, res.Versioned, size(res.Bytes), display(res.Out), res.Duration.Round(timeUnit(res.Duration)))
	switch {
	case res.Unchanged:
		fmt.Fprint(stdout, ", nothing changed")
	case res.Reused > 0:
		fmt.Fprintf(stdout, ", %d unchanged", res.Reused)
	}
	fmt.Fprintln(stdout)
	if res.Compressed != nil {
		printCompressed(stdout, res.Compressed)
	}
	return res, nil
}

func newBuildCmd(stdout, stderr io.Writer) *cobra.Command {
	var flags configFlags
	var noCompress bool
	cmd := &cobra.Command{
		Use:   "build",
		Short: "Fingerprint the source tree into the output directory and write the manifests",
		Long: `build copies every file of the source tree into the output directory, names
each versioned file name.<hash>.ext (the first 12 hex digits of the MD5 of its
final bytes, as Django's ManifestStaticFilesStorage does), rewrites the
references between files (CSS url() and @import, source maps, HTML, JS
imports), bundles the configured entry points with esbuild, and writes
assetpipe.json, staticfiles.json and, when configured, .vite/manifest.json.
Unless compress: false or --no-compress, it then writes brotli and gzip
variants of the compressible files (see assetpipe compress --help).

The output directory is replaced as a whole and only when the build
succeeds; a failed build leaves the previous output untouched.`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := flags.load()
			if err != nil {
				return err
			}
			_, err = runBuild(cmd.Context(), cfg, noCompress, stdout, stderr)
			return err
		},
	}
	flags.register(cmd)
	cmd.Flags().BoolVar(&noCompress, "no-compress", false, "skip the compress stage for this run")
	return cmd
}
