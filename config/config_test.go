package config

import (
	"strings"
	"testing"
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
