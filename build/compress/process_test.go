package compress

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/muejam/assetpipe/manifest"
)

// TestMain lets the test binary act as a second compressing process.
func TestMain(m *testing.M) {
	if dir := os.Getenv("ASSETPIPE_COMPRESS_HELPER"); dir != "" {
		os.Exit(helper(dir, os.Getenv("ASSETPIPE_COMPRESS_CACHE")))
	}
	os.Exit(m.Run())
}

func helper(dir, cacheDir string) int {
	m, err := manifest.ReadFile(filepath.Join(dir, manifest.FileName))
	if err == nil {
		_, err = Run(context.Background(), dir, m, defaults(cacheDir))
	}
	if err == nil {
		err = m.WriteFile(filepath.Join(dir, manifest.FileName))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// Two processes compressing the same contents into one cache directory at
// once both write correct output, and leave a cache that serves a third.
func TestTwoProcessesShareOneCache(t *testing.T) {
	files := map[string][]byte{}
	for i := range 40 {
		files[fmt.Sprintf("js/m%02d.js", i)] = text(uint64(i), 20000+i*300)
	}
	cacheDir := t.TempDir()
	var dirs []string
	for range 2 {
		dir, m := site(t, files)
		if err := m.WriteFile(filepath.Join(dir, manifest.FileName)); err != nil {
			t.Fatal(err)
		}
		dirs = append(dirs, dir)
	}
	var wg sync.WaitGroup
	errs := make([]error, len(dirs))
	outs := make([][]byte, len(dirs))
	for i, dir := range dirs {
		wg.Go(func() {
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), "ASSETPIPE_COMPRESS_HELPER="+dir, "ASSETPIPE_COMPRESS_CACHE="+cacheDir)
			outs[i], errs[i] = cmd.CombinedOutput()
		})
	}
	wg.Wait()
	for i, dir := range dirs {
		if errs[i] != nil {
			t.Fatalf("process %d: %v\n%s", i, errs[i], outs[i])
		}
		m, err := manifest.ReadFile(filepath.Join(dir, manifest.FileName))
		if err != nil {
			t.Fatal(err)
		}
		if n := checkVariants(t, dir, m); n != 2*len(files) {
			t.Fatalf("process %d: %d variants, want %d", i, n, 2*len(files))
		}
	}
	dir, m := site(t, files)
	opts := defaults(cacheDir)
	calls := new(atomic.Int64)
	counting(&opts, calls)
	if _, err := Run(context.Background(), dir, m, opts); err != nil {
		t.Fatal(err)
	}
	if calls.Load() != 0 {
		t.Fatalf("after both: %d encoder calls, want every entry served by the cache", calls.Load())
	}
	checkVariants(t, dir, m)
}
