package build_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/andybalholm/brotli"

	"github.com/muejam/assetpipe/build"
	"github.com/muejam/assetpipe/config"
	"github.com/muejam/assetpipe/manifest"
)

// TestRealTree builds Bootstrap, Font Awesome, jQuery and three.js with
// strict references and compression: every rewritten reference must
// resolve, Django must resolve every manifest entry, and every variant
// must decode, by a decoder independent of the encoder, to its original.
func TestRealTree(t *testing.T) {
	cfg := config.Default()
	cfg.Src = build.RealTree(t)
	cfg.Out = filepath.Join(t.TempDir(), "dist")
	cfg.CacheDir = t.TempDir()
	res, err := build.Build(context.Background(), cfg, build.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Files < 2000 {
		t.Errorf("built only %d files", res.Files)
	}
	t.Logf("built %d files, %d bytes, in %s", res.Files, res.Bytes, res.Duration)
	checkReferencesResolve(t, cfg.Out, cfg.URLPrefix)
	checkWithDjango(t, cfg.Out)
	c := res.Compressed
	if c == nil || c.Files < 2000 {
		t.Fatalf("compressed: %+v", c)
	}
	t.Logf("compressed %d files, %d variants, br %d → %d, gzip %d → %d bytes, in %s",
		c.Files, c.Variants, c.In["br"], c.Out["br"], c.In["gzip"], c.Out["gzip"], c.Duration)
	if n := checkVariantsDecode(t, cfg.Out, res.Manifest); n != c.Variants {
		t.Errorf("%d variants decoded, %d made", n, c.Variants)
	}
}

// checkVariantsDecode decodes every variant the manifest records with
// andybalholm/brotli or the standard library's gzip and compares the result
// with the original; it returns how many it checked.
func checkVariantsDecode(t *testing.T, out string, m *manifest.Manifest) int {
	t.Helper()
	n := 0
	for name, e := range m.Files {
		orig, err := os.ReadFile(filepath.Join(out, e.Path))
		if err != nil {
			t.Fatal(err)
		}
		for enc, v := range e.Variants {
			data, err := os.ReadFile(filepath.Join(out, v.Path))
			if err != nil {
				t.Fatal(err)
			}
			var r io.Reader = brotli.NewReader(bytes.NewReader(data))
			if enc == "gzip" {
				if r, err = gzip.NewReader(bytes.NewReader(data)); err != nil {
					t.Fatalf("%s: %v", v.Path, err)
				}
			}
			got, err := io.ReadAll(r)
			if err != nil || !bytes.Equal(got, orig) {
				t.Errorf("%s (%s): does not decode to %s (%v)", v.Path, name, e.Path, err)
			}
			n++
		}
	}
	return n
}
