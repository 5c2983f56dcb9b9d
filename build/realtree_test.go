package build_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/muejam/assetpipe/build"
	"github.com/muejam/assetpipe/config"
)

// TestRealTree builds Bootstrap, Font Awesome, jQuery and three.js with
// strict references: every rewritten reference must resolve, and Django
// must resolve every manifest entry.
func TestRealTree(t *testing.T) {
	cfg := config.Default()
	cfg.Src = build.RealTree(t)
	cfg.Out = filepath.Join(t.TempDir(), "dist")
	cfg.Cache = t.TempDir()
	res, err := build.Build(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if res.Files < 2000 {
		t.Errorf("built only %d files", res.Files)
	}
	t.Logf("built %d files, %d bytes, in %s", res.Files, res.Bytes, res.Duration)
	checkReferencesResolve(t, cfg.Out, cfg.URLPrefix)
	checkWithDjango(t, cfg.Out)
}
