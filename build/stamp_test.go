package build

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

func TestStampSkipsABuildWhenNothingChanged(t *testing.T) {
	if _, ok := keyOf(mustStat(t, t.TempDir())); !ok {
		t.Skip("no ctime on this system: no stamps")
	}
	src := t.TempDir()
	writeTree(t, src, indexTree)
	cfg := indexConfig(t, src, t.TempDir())
	first := trusted(t, cfg)
	want := readOut(t, first.Out)

	same := trusted(t, cfg)
	if !same.Unchanged || same.Files != first.Files || same.Bytes != first.Bytes || same.Versioned != first.Versioned {
		t.Fatalf("unchanged rebuild: %+v, first %+v", same, first)
	}
	if got := readOut(t, same.Out); !reflect.DeepEqual(got, want) {
		t.Fatal("output changed by a build that changed nothing")
	}

	changes := []struct {
		name   string
		change func(t *testing.T)
	}{
		{"an output edited in place", func(t *testing.T) {
			p := filepath.Join(cfg.Out, filepath.FromSlash(first.Manifest.Files["css/plain.css"].Path))
			if err := os.WriteFile(p, []byte("BODY { COLOR: RED }"), 0o644); err != nil {
				t.Fatal(err)
			}
		}},
		{"a file added to the output", func(t *testing.T) {
			if err := os.WriteFile(filepath.Join(cfg.Out, "img", "extra.png"), []byte("x"), 0o644); err != nil {
				t.Fatal(err)
			}
		}},
		{"a file removed from the output", func(t *testing.T) {
			if err := os.Remove(filepath.Join(cfg.Out, "robots.txt")); err != nil {
				t.Fatal(err)
			}
		}},
		{"the manifest touched", func(t *testing.T) {
			now := time.Now()
			if err := os.Chtimes(filepath.Join(cfg.Out, "assetpipe.json"), now, now); err != nil {
				t.Fatal(err)
			}
		}},
		{"a source touched", func(t *testing.T) {
			if err := os.Chmod(filepath.Join(src, "robots.txt"), 0o600); err != nil {
				t.Fatal(err)
			}
		}},
	}
	// Each change follows the build before at once: the build returns only
	// once a change would get a later ctime than its seal.
	for _, c := range changes {
		c.change(t)
		res := trusted(t, cfg)
		if res.Unchanged {
			t.Fatalf("after %s: the build did nothing", c.name)
		}
		if got := readOut(t, res.Out); !reflect.DeepEqual(got, want) {
			t.Fatalf("after %s: the output is not what a build writes", c.name)
		}
		if res := trusted(t, cfg); !res.Unchanged {
			t.Fatalf("after %s and a rebuild: the next build was not skipped", c.name)
		}
	}

	other := cfg
	other.URLPrefix = "/assets/"
	if res := trusted(t, other); res.Unchanged {
		t.Fatal("a configuration change was not seen")
	}
}

// A build with warnings is never skipped, so they are shown every time.
func TestStampNotWrittenWithWarnings(t *testing.T) {
	src := t.TempDir()
	writeTree(t, src, map[string]string{"a.css": `b { background: url(missing.png) }`})
	cfg := indexConfig(t, src, t.TempDir())
	cfg.References = "lenient"
	for range 2 {
		res := trusted(t, cfg)
		if res.Unchanged || len(res.Warnings) != 1 {
			t.Fatalf("unchanged %v, warnings %v", res.Unchanged, res.Warnings)
		}
	}
	if _, err := os.Stat(filepath.Join(cfg.CacheDir, stampFile)); err == nil {
		t.Fatal("a stamp was written for a build with warnings")
	}
}
