package config

import (
	"strings"
	"testing"
	"time"
)

func TestParseErrorsNameFileLineAndKey(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"unknown key", "src: a\nbogus: 1\n", `assetpipe.yaml:2:1: bogus: unknown key "bogus"`},
		{"unknown nested key", "src: a\nbundle:\n  entry_ponts: [a.js]\n", `assetpipe.yaml:3:3: bundle.entry_ponts: unknown key "entry_ponts"`},
		{"wrong type", "src: a\nkeep_originals: maybe\n", `assetpipe.yaml:2:17: keep_originals: cannot unmarshal string into bool`},
		{"scalar for list", "bundle:\n  entry_points: 3\n", `assetpipe.yaml:2:17: bundle.entry_points: `},
		{"duplicate key", "src: a\nsrc: b\n", `assetpipe.yaml:2:1: `},
		{"syntax", "src: [\n", `assetpipe.yaml:1:`},
		{"bad enum", "out: d\nreferences: loose\n", `assetpipe.yaml:2:13: references: must be "strict" or "lenient", got "loose"`},
		{"bad prefix", "url_prefix: /static\n", `assetpipe.yaml:1:13: url_prefix: must end with "/"`},
		{"bad glob", "ignore:\n  - \"a/[\"\n", `assetpipe.yaml:2:5: ignore[0]: invalid glob "a/["`},
		{"entry outside", "bundle:\n  entry_points: [../x.js]\n", `assetpipe.yaml:2:18: bundle.entry_points[0]: "../x.js" must be a path inside src`},
		{"django version", "manifests:\n  django:\n    version: \"2.0\"\n", `assetpipe.yaml:3:14: manifests.django.version: must be "1.0" or "1.1"`},
		{"compress unknown key", "src: a\ncompress:\n  level: 9\n", `assetpipe.yaml:3:3: compress.level: unknown key "level"`},
		{"compress ratio", "compress:\n  max_ratio: 1.5\n", `assetpipe.yaml:2:14: compress.max_ratio: must be more than 0 and at most 1, got 1.5`},
		{"compress encoding", "compress:\n  encodings: [br, zstd]\n", `assetpipe.yaml:2:19: compress.encodings[1]: must be "br" or "gzip", each once, got "zstd"`},
		{"compress extension", "compress:\n  extensions: [css]\n", `assetpipe.yaml:2:16: compress.extensions[0]: must be an extension like ".css"`},
		{"compress min size", "compress:\n  min_size: -1\n", `assetpipe.yaml:2:13: compress.min_size: must not be negative`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("assetpipe.yaml", []byte(tt.yaml))
			if err == nil {
				t.Fatalf("no error for %q", tt.yaml)
			}
			if !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error\n got: %s\nwant prefix: %s", err, tt.want)
			}
		})
	}
}

func TestParseOverDefaults(t *testing.T) {
	cfg, err := Parse("site/assetpipe.yaml", []byte("src: assets\nignore: [\"*.psd\"]\nbundle:\n  entry_points: [js/app.js]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Src != "assets" || cfg.Out != "dist" || cfg.URLPrefix != "/static/" || cfg.References != Strict {
		t.Errorf("defaults not kept: %+v", cfg)
	}
	if !cfg.Bundle.Minify || cfg.Bundle.Format != "esm" || len(cfg.Bundle.EntryPoints) != 1 {
		t.Errorf("bundle: %+v", cfg.Bundle)
	}
	if got := cfg.IgnorePatterns(); got[len(got)-1] != "*.psd" || len(got) != len(DefaultIgnore)+1 {
		t.Errorf("ignore patterns: %v", got)
	}
	if cfg.Path("assets") != "site/assets" {
		t.Errorf("Path: %s", cfg.Path("assets"))
	}
	if !cfg.Manifests.Django.Enabled || cfg.Manifests.Vite.Enabled {
		t.Errorf("manifests: %+v", cfg.Manifests)
	}
}

func TestParseReportsEveryValidationError(t *testing.T) {
	_, err := Parse("a.yaml", []byte("references: x\nurl_prefix: y\n"))
	if err == nil || !strings.Contains(err.Error(), "references") || !strings.Contains(err.Error(), "url_prefix") {
		t.Fatalf("want both errors, got %v", err)
	}
}

func TestCompressShorthandAndExtensions(t *testing.T) {
	cfg, err := Parse("a.yaml", []byte("compress: false\n"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Compress.Enabled || cfg.Compress.MinSize != 256 || len(cfg.Compress.Encodings) != 2 {
		t.Errorf("compress: false: %+v", cfg.Compress)
	}
	cfg, err = Parse("a.yaml", []byte("compress:\n  encodings: [gzip]\n  extensions: [.GLSL, \"!.ico\"]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.Compress.Enabled || len(cfg.Compress.Encodings) != 1 || cfg.Compress.Encodings[0] != Gzip {
		t.Errorf("mapping: %+v", cfg.Compress)
	}
	exts := strings.Join(cfg.CompressibleExtensions(), " ")
	if !strings.Contains(exts, ".glsl") || strings.Contains(exts, ".ico") || !strings.Contains(exts, ".css") {
		t.Errorf("extensions: %s", exts)
	}
}

func TestPublishBlock(t *testing.T) {
	cfg, err := Parse("a.yaml", []byte(`publish:
  bucket: my-assets
  prefix: static/
  distribution_id: E123
  error_pages:
    404: errors/404.html
  prune_after: 14d
cache:
  - match: "uploads/**"
    cache_control: "public, max-age=86400"
`))
	if err != nil {
		t.Fatal(err)
	}
	p := cfg.Publish
	if p.Bucket != "my-assets" || p.Prefix != "static/" || p.ErrorPages[404] != "errors/404.html" ||
		cfg.PruneAge() != 14*24*time.Hour || p.KeepReleases != 3 || p.MaxDeletes != 500 {
		t.Errorf("publish: %+v", p)
	}
	if pages, configured := cfg.ErrorPageFiles(); !configured || len(pages) != 1 {
		t.Errorf("error pages: %v %v", pages, configured)
	}
	if len(cfg.Cache) != 1 || cfg.Cache[0].Match != "uploads/**" {
		t.Errorf("cache: %+v", cfg.Cache)
	}
	env := map[string]string{"ASSETPIPE_BUCKET": "other", "CLOUDFRONT_DISTRIBUTION_ID": "E9", "AWS_REGION": "eu-west-1"}
	if err := cfg.ApplyEnv(func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	if cfg.Publish.Bucket != "other" || cfg.Publish.DistributionID != "E9" || cfg.Publish.Region != "eu-west-1" || cfg.Publish.Prefix != "static/" {
		t.Errorf("after env: %+v", cfg.Publish)
	}
	if err := cfg.ApplyEnv(func(k string) string { return map[string]string{"ASSETPIPE_PREFIX": "/abs"}[k] }); err == nil ||
		!strings.Contains(err.Error(), "publish.prefix") {
		t.Errorf("bad prefix from the environment: %v", err)
	}
}

func TestPublishErrors(t *testing.T) {
	for _, tt := range []struct{ yaml, want string }{
		{"publish:\n  bucket: My_Bucket\n", `a.yaml:2:11: publish.bucket: "My_Bucket" is not a valid bucket name`},
		{"publish:\n  prefix: static\n", `a.yaml:2:11: publish.prefix: must be a clean relative key prefix`},
		{"publish:\n  prune_after: soon\n", `a.yaml:2:16: publish.prune_after: invalid duration "soon"`},
		{"publish:\n  error_pages:\n    200: ok.html\n", `a.yaml:3:10: publish.error_pages.200: 200 is not an HTTP error status`},
		{"cache:\n  - match: \"a/[\"\n    cache_control: x\n", `a.yaml:2:12: cache[0].match: invalid glob "a/["`},
		{"cache:\n  - match: \"*.css\"\n", `a.yaml:2:10: cache[0].cache_control: must be a one-line Cache-Control value`},
	} {
		_, err := Parse("a.yaml", []byte(tt.yaml))
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%q:\n got: %v\nwant: %s", tt.yaml, err, tt.want)
		}
	}
}
