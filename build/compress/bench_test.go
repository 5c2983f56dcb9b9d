package compress

import (
	"context"
	"fmt"
	"testing"
)

// benchFiles is a generated tree shaped like a site's text assets: many
// small SVG icons, some CSS and JS, a few large bundles.
func benchFiles() map[string][]byte {
	files := map[string][]byte{}
	for i := range 200 {
		files[fmt.Sprintf("icons/i%03d.svg", i)] = text(uint64(i), 600+i*7)
	}
	for i := range 30 {
		files[fmt.Sprintf("css/c%02d.css", i)] = text(uint64(1000+i), 8000+i*900)
	}
	for i := range 3 {
		files[fmt.Sprintf("js/bundle%d.js", i)] = text(uint64(2000+i), 200_000)
	}
	return files
}

// BenchmarkCompress compresses the generated tree: cold (every variant
// encoded) and warm (every variant from the cache, into a new output).
func BenchmarkCompress(b *testing.B) {
	files := benchFiles()
	var in int64
	for _, d := range files {
		in += int64(len(d))
	}
	run := func(b *testing.B, cacheDir string) {
		for b.Loop() {
			b.StopTimer()
			dir, m := siteTB(b, files)
			b.StartTimer()
			if _, err := Run(context.Background(), dir, m, defaults(cacheDir)); err != nil {
				b.Fatal(err)
			}
		}
		b.SetBytes(in)
	}
	b.Run("cold", func(b *testing.B) { run(b, "") })
	b.Run("warm", func(b *testing.B) {
		cacheDir := b.TempDir()
		dir, m := siteTB(b, files)
		if _, err := Run(context.Background(), dir, m, defaults(cacheDir)); err != nil {
			b.Fatal(err)
		}
		run(b, cacheDir)
	})
}
