package build_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/muejam/assetpipe/build"
	"github.com/muejam/assetpipe/config"
)

// genTree writes a tree of about n files shaped like a real static
// directory: mostly images and fonts, CSS that references them and imports
// other CSS, JS modules that import each other, and pages that link both.
func genTree(tb testing.TB, dir string, n int) {
	tb.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	write := func(name string, data []byte) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	blob := func(size int) []byte {
		b := make([]byte, size)
		for i := range b {
			b[i] = byte(rng.UintN(256))
		}
		return b
	}
	nImages, nCSS, nJS, nHTML := n*75/100, n*12/100, n*10/100, n*3/100
	images := make([]string, nImages)
	for i := range images {
		ext := []string{"png", "svg", "jpg", "woff2"}[i%4]
		images[i] = fmt.Sprintf("img/set%d/icon-%d.%s", i%20, i, ext)
		write(images[i], blob(500+rng.IntN(8000)))
	}
	for i := 0; i < nCSS; i++ {
		var b strings.Builder
		if i > 0 {
			fmt.Fprintf(&b, "@import \"base-%d.css\";\n", rng.IntN(i))
		}
		for j := 0; j < 8; j++ {
			fmt.Fprintf(&b, ".c%d-%d { background: url(\"../%s\") no-repeat; color: #%06x; padding: %dpx }\n",
				i, j, images[rng.IntN(nImages)], rng.IntN(1<<24), rng.IntN(40))
		}
		b.WriteString(strings.Repeat("/* filler to give the file a realistic size */\n", 20))
		write(fmt.Sprintf("css/base-%d.css", i), []byte(b.String()))
	}
	for i := 0; i < nJS; i++ {
		var b strings.Builder
		if i > 0 {
			fmt.Fprintf(&b, "import { f%d } from \"./mod-%d.js\";\n", rng.IntN(i), rng.IntN(i))
		}
		fmt.Fprintf(&b, "export function f%d(x) { return x * %d + `${x}`.length; }\n", i, i)
		b.WriteString(strings.Repeat("const re = /[a-z]+\\/\\d+/g; // a regular expression\n", 30))
		write(fmt.Sprintf("js/mod-%d.js", i), []byte(b.String()))
	}
	for i := 0; i < nHTML; i++ {
		page := fmt.Sprintf(`<!doctype html><link rel="stylesheet" href="../css/base-%d.css"><script type="module" src="../js/mod-%d.js"></script><img src="../%s" srcset="../%s 2x">`,
			rng.IntN(nCSS), rng.IntN(nJS), images[rng.IntN(nImages)], images[rng.IntN(nImages)])
		write(fmt.Sprintf("pages/p%d.html", i), []byte(page))
	}
}

// generatedConfig is the default configuration over a generated tree of
// about n files, with the output in a temporary directory and no cache.
func generatedConfig(tb testing.TB, n int) config.Config {
	tb.Helper()
	cfg := config.Default()
	cfg.Src = tb.TempDir()
	genTree(tb, cfg.Src, n)
	cfg.Out = filepath.Join(tb.TempDir(), "dist")
	cfg.CacheDir = ""
	return cfg
}

// BenchmarkBuild is a full build of a generated tree of ~2,000 files, all
// the work done every time: no cache.
func BenchmarkBuild(b *testing.B) {
	cfg := generatedConfig(b, 2000)
	b.ResetTimer()
	for b.Loop() {
		res, err := build.Build(context.Background(), cfg, build.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(res.Files), "files")
	}
}

func TestGeneratedTreeBuilds(t *testing.T) {
	cfg := generatedConfig(t, 400)
	res, err := build.Build(context.Background(), cfg, build.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Files != 400 {
		t.Errorf("built %d files, want 400", res.Files)
	}
	checkReferencesResolve(t, cfg.Out, cfg.URLPrefix)
}
