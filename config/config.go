// Package config loads and validates assetpipe.yaml.
//
// Loading is strict: an unknown key, a duplicate key or a value of the wrong
// type is an error that names the file, the line and the key, because a
// typo in a deploy configuration must never be silently ignored.
package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
	"github.com/goccy/go-yaml"
)

// DefaultFile is the configuration file looked for in the working directory.
const DefaultFile = "assetpipe.yaml"

// DefaultCache is the cache directory, beside the configuration file.
const DefaultCache = ".assetpipe-cache"

// Reference modes.
const (
	Strict  = "strict"
	Lenient = "lenient"
)

// DefaultIgnore excludes dotfiles and dot-directories (secrets such as
// .env live there), except .well-known/, and installed packages. Patterns
// are matched against slash-separated paths relative to the source root;
// the last matching pattern wins and a leading "!" re-includes.
var DefaultIgnore = []string{
	"**/.*",
	"**/.env*",
	"**/node_modules",
	"!.well-known",
	"!.well-known/**",
}

// DefaultUnversioned lists the files that must keep their names: pages and
// well-known URLs that other sites, crawlers and browsers ask for by name.
var DefaultUnversioned = []string{
	"**/*.html",
	"robots.txt",
	"favicon.ico",
	"sw.js",
	"service-worker.js",
	".well-known/**",
}

// Config is assetpipe.yaml. Paths are relative to Dir.
type Config struct {
	Src       string `yaml:"src"`
	Out       string `yaml:"out"`
	URLPrefix string `yaml:"url_prefix"`
	// Ignore and Unversioned extend the defaults; "!pattern" takes a
	// default back out.
	Ignore        []string  `yaml:"ignore"`
	Unversioned   []string  `yaml:"unversioned"`
	References    string    `yaml:"references"`
	KeepOriginals bool      `yaml:"keep_originals"`
	Bundle        Bundle    `yaml:"bundle"`
	Manifests     Manifests `yaml:"manifests"`
	Compress      Compress  `yaml:"compress"`
	Publish       Publish   `yaml:"publish"`
	// Cache sets Cache-Control by glob over the defaults (see CacheRule).
	Cache []CacheRule `yaml:"cache"`
	// CacheDir is the directory of work kept between runs (digests of
	// unchanged sources, compressed variants); "" turns it off.
	CacheDir string `yaml:"cache_dir"`

	// Dir is where relative paths start: the config file's directory, or
	// the working directory when there is no file.
	Dir string `yaml:"-"`
	// File is the file the configuration came from, "" for defaults.
	File string `yaml:"-"`
}

// Bundle configures esbuild.
type Bundle struct {
	// EntryPoints are source-relative paths bundled with their imports.
	EntryPoints []string `yaml:"entry_points"`
	Target      string   `yaml:"target"`
	Format      string   `yaml:"format"`
	Minify      bool     `yaml:"minify"`
	Sourcemap   bool     `yaml:"sourcemap"`
	// KeepInputs also publishes the modules that went into a bundle.
	KeepInputs bool `yaml:"keep_inputs"`
}

// Manifests selects the manifests written besides assetpipe.json, which is
// always written because the later stages read it.
type Manifests struct {
	Django DjangoManifest `yaml:"django"`
	Vite   ViteManifest   `yaml:"vite"`
}

// DjangoManifest is staticfiles.json for ManifestStaticFilesStorage.
type DjangoManifest struct {
	Enabled bool   `yaml:"enabled"`
	Path    string `yaml:"path"`
	Version string `yaml:"version"`
}

// ViteManifest is .vite/manifest.json for django-vite and friends.
type ViteManifest struct {
	Enabled bool   `yaml:"enabled"`
	Path    string `yaml:"path"`
}

// Compress configures the compress stage. `compress: false` and
// `compress: true` are short for setting Enabled alone.
type Compress struct {
	// Enabled runs the stage at the end of every build.
	Enabled bool `yaml:"enabled"`
	// Extensions extend DefaultCompressible; "!.ext" takes one out.
	Extensions []string `yaml:"extensions"`
	// MinSize is the size below which a file is not compressed: the
	// headers of a response outweigh what it would save.
	MinSize int64 `yaml:"min_size"`
	// MaxRatio is the largest variant size, as a fraction of the
	// original's, worth keeping (whitenoise keeps 0.95).
	MaxRatio float64 `yaml:"max_ratio"`
	// Encodings are the variants written: "br", "gzip".
	Encodings []string `yaml:"encodings"`
}

// UnmarshalYAML takes a bool as the shorthand for Enabled.
func (c *Compress) UnmarshalYAML(unmarshal func(any) error) error {
	var on bool
	if err := unmarshal(&on); err == nil {
		c.Enabled = on
		return nil
	}
	type plain Compress
	return unmarshal((*plain)(c))
}

// DefaultCompressible are the extensions of the types worth compressing:
// text and the font and icon formats that are not compressed already.
// Images, WOFF/WOFF2, archives, audio and video are compressed already.
var DefaultCompressible = []string{
	".css", ".js", ".mjs", ".cjs", ".json", ".map", ".svg", ".html", ".htm",
	".xhtml", ".xml", ".rss", ".atom", ".txt", ".csv", ".md", ".wasm",
	".ttf", ".otf", ".eot", ".ico", ".webmanifest",
}

// Encodings of precompressed variants, by their Content-Encoding name.
const (
	Brotli = "br"
	Gzip   = "gzip"
)

// targetRE matches the language targets esbuild knows.
var targetRE = regexp.MustCompile(`^(esnext|es20(1[5-9]|2[0-5]))$`)

// Default is the configuration used when no file sets a key.
func Default() Config {
	return Config{
		Src:        "static",
		Out:        "dist",
		URLPrefix:  "/static/",
		References: Strict,
		CacheDir:   DefaultCache,
		Bundle: Bundle{
			Target:    "es2020",
			Format:    "esm",
			Minify:    true,
			Sourcemap: true,
		},
		Compress: Compress{
			Enabled:   true,
			MinSize:   256,
			MaxRatio:  0.95,
			Encodings: []string{Brotli, Gzip},
		},
		Publish: defaultPublish(),
		Manifests: Manifests{
			Django: DjangoManifest{Enabled: true, Path: "staticfiles.json", Version: "1.0"},
			Vite:   ViteManifest{Path: ".vite/manifest.json"},
		},
	}
}

// Load reads the file at path over the defaults. An empty path means the
// defaults with Dir set to dir.
func Load(path, dir string) (Config, error) {
	cfg := Default()
	cfg.Dir = dir
	if path == "" {
		return cfg, cfg.validate(positions{})
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return cfg, fmt.Errorf("config: %w", err)
	}
	cfg, err = Parse(path, data)
	if err != nil {
		return cfg, err
	}
	return cfg, nil
}

// Parse decodes data, read from file, over the defaults.
func Parse(file string, data []byte) (Config, error) {
	cfg := Default()
	cfg.File = file
	cfg.Dir = filepath.Dir(file)
	pos, err := keyPositions(data)
	if err != nil {
		return cfg, yamlError(file, err, pos)
	}
	if err := yaml.UnmarshalWithOptions(data, &cfg, yaml.Strict()); err != nil {
		return cfg, yamlError(file, err, pos)
	}
	if err := cfg.validate(pos); err != nil {
		return cfg, err
	}
	return cfg, nil
}

// Validate checks the values, for callers that changed them after Load.
func (c *Config) Validate() error { return c.validate(positions{}) }

// validate checks what the types cannot say. pos locates keys for messages.
func (c *Config) validate(pos positions) error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, &Error{File: c.File, Pos: pos.near(key), Key: key, Msg: fmt.Sprintf(format, args...)})
	}
	if c.Src == "" {
		bad("src", "must not be empty")
	}
	if c.Out == "" {
		bad("out", "must not be empty")
	}
	if !strings.HasSuffix(c.URLPrefix, "/") {
		bad("url_prefix", "must end with \"/\", got %q", c.URLPrefix)
	}
	if c.References != Strict && c.References != Lenient {
		bad("references", "must be %q or %q, got %q", Strict, Lenient, c.References)
	}
	for i, p := range c.Ignore {
		if !doublestar.ValidatePattern(strings.TrimPrefix(p, "!")) {
			bad(fmt.Sprintf("ignore[%d]", i), "invalid glob %q", p)
		}
	}
	for i, p := range c.Unversioned {
		if !doublestar.ValidatePattern(strings.TrimPrefix(p, "!")) {
			bad(fmt.Sprintf("unversioned[%d]", i), "invalid glob %q", p)
		}
	}
	for i, e := range c.Bundle.EntryPoints {
		if !filepath.IsLocal(filepath.FromSlash(e)) {
			bad(fmt.Sprintf("bundle.entry_points[%d]", i), "%q must be a path inside src", e)
		}
	}
	if !targetRE.MatchString(c.Bundle.Target) {
		bad("bundle.target", "must be an esbuild target es2015 … es2025 or esnext, got %q", c.Bundle.Target)
	}
	switch c.Bundle.Format {
	case "esm", "iife", "cjs":
	default:
		bad("bundle.format", "must be esm, iife or cjs, got %q", c.Bundle.Format)
	}
	if v := c.Manifests.Django.Version; v != "1.0" && v != "1.1" {
		bad("manifests.django.version", "must be \"1.0\" or \"1.1\", got %q", v)
	}
	if p := c.Manifests.Django.Path; !filepath.IsLocal(filepath.FromSlash(p)) {
		bad("manifests.django.path", "%q must be a relative path inside out", p)
	}
	if p := c.Manifests.Vite.Path; !filepath.IsLocal(filepath.FromSlash(p)) {
		bad("manifests.vite.path", "%q must be a relative path inside out", p)
	}
	for i, e := range c.Compress.Extensions {
		if !extRE.MatchString(strings.TrimPrefix(e, "!")) {
			bad(fmt.Sprintf("compress.extensions[%d]", i), "must be an extension like \".css\" (\"!.css\" removes one), got %q", e)
		}
	}
	if c.Compress.MinSize < 0 {
		bad("compress.min_size", "must not be negative, got %d", c.Compress.MinSize)
	}
	if r := c.Compress.MaxRatio; !(r > 0 && r <= 1) {
		bad("compress.max_ratio", "must be more than 0 and at most 1, got %v", r)
	}
	c.validatePublish(bad)
	seen := map[string]bool{}
	for i, e := range c.Compress.Encodings {
		if e != Brotli && e != Gzip || seen[e] {
			bad(fmt.Sprintf("compress.encodings[%d]", i), "must be %q or %q, each once, got %q", Brotli, Gzip, e)
		}
		seen[e] = true
	}
	return errors.Join(errs...)
}

var extRE = regexp.MustCompile(`^\.[A-Za-z0-9][A-Za-z0-9._-]*$`)

// CompressibleExtensions is the defaults changed by the configured ones,
// lowercased.
func (c *Config) CompressibleExtensions() []string {
	set := map[string]bool{}
	for _, e := range DefaultCompressible {
		set[e] = true
	}
	for _, e := range c.Compress.Extensions {
		e = strings.ToLower(e)
		if off, ok := strings.CutPrefix(e, "!"); ok {
			delete(set, off)
		} else {
			set[e] = true
		}
	}
	out := make([]string, 0, len(set))
	for e := range set {
		out = append(out, e)
	}
	sort.Strings(out)
	return out
}

// IgnorePatterns is the defaults followed by the configured patterns.
func (c *Config) IgnorePatterns() []string {
	return append(append([]string{}, DefaultIgnore...), c.Ignore...)
}

// UnversionedPatterns is the defaults followed by the configured patterns.
func (c *Config) UnversionedPatterns() []string {
	return append(append([]string{}, DefaultUnversioned...), c.Unversioned...)
}

// CachePath is the cache directory resolved against Dir, "" when off.
func (c *Config) CachePath() string {
	if c.CacheDir == "" {
		return ""
	}
	return c.Path(c.CacheDir)
}

// Path resolves p against Dir.
func (c *Config) Path(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(c.Dir, p)
}
