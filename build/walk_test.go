package build

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/muejam/assetpipe/config"
)

func TestWalkFollowsLinksInsideAndIgnores(t *testing.T) {
	src := t.TempDir()
	for _, name := range []string{"css/a.css", "img/x.png", "node_modules/pkg/index.js", ".env", ".git/config", ".well-known/security.txt", "art/cover.psd", "dist/old.css"} {
		p := filepath.Join(src, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(name), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// A link to a directory inside the tree is walked under its own name,
	// and a link back up to the root does not loop.
	if err := os.Symlink("img", filepath.Join(src, "images")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("..", filepath.Join(src, "css", "up")); err != nil {
		t.Fatal(err)
	}
	ignore := globs(append(slices.Clone(config.DefaultIgnore), "*.psd"))
	out := filepath.Join(src, "dist")
	files, err := walkSource(context.Background(), src, ignore, func(full string) bool { return full == out })
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		names = append(names, f.name)
	}
	slices.Sort(names)
	want := []string{".well-known/security.txt", "css/a.css", "images/x.png", "img/x.png"}
	if !slices.Equal(names, want) {
		t.Errorf("walked %v", names)
	}
}

func TestWalkRefusesLinksOutOfTheTree(t *testing.T) {
	src := t.TempDir()
	if err := os.Symlink("/etc/passwd", filepath.Join(src, "passwd")); err != nil {
		t.Fatal(err)
	}
	_, err := walkSource(context.Background(), src, nil, func(string) bool { return false })
	if err == nil || !strings.Contains(err.Error(), "points outside the source tree") {
		t.Fatalf("err = %v", err)
	}
}
