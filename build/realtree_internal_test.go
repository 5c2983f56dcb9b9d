package build

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// realPackages is the real asset tree: pinned, so that the test and the
// measurements in the notes are of the same bytes.
var realPackages = []string{
	"bootstrap@5.3.8",
	"@fortawesome/fontawesome-free@6.7.2",
	"jquery@3.7.1",
	"three@0.181.0",
}

// realTree assembles, once per cache, the tree a Django site would collect:
// Bootstrap's dist, Font Awesome's css, webfonts and svgs, jQuery's dist and
// three.js's build, plus a page that uses them. The npm packages are
// installed from the registry into the user cache directory.
func realTree(t testing.TB) string {
	t.Helper()
	cache, err := os.UserCacheDir()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(cache, "assetpipe-test", "realtree-v1")
	tree := filepath.Join(dir, "tree")
	if _, err := os.Stat(filepath.Join(dir, "complete")); err == nil {
		return tree
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("npm is needed to assemble the real asset tree")
		}
		t.Skip("npm is needed to assemble the real asset tree")
	}
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	args := append([]string{"install", "--prefix", dir, "--no-audit", "--no-fund", "--ignore-scripts", "--no-package-lock", "--no-save"}, realPackages...)
	if out, err := exec.CommandContext(ctx, npm, args...).CombinedOutput(); err != nil {
		t.Fatalf("npm install: %v\n%s", err, out)
	}
	nm := filepath.Join(dir, "node_modules")
	for _, c := range []struct{ from, to string }{
		{"bootstrap/dist", "bootstrap"},
		{"@fortawesome/fontawesome-free/css", "fontawesome/css"},
		{"@fortawesome/fontawesome-free/webfonts", "fontawesome/webfonts"},
		{"@fortawesome/fontawesome-free/svgs", "fontawesome/svgs"},
		{"jquery/dist", "jquery"},
		{"three/build", "three"},
	} {
		if err := os.CopyFS(filepath.Join(tree, c.to), os.DirFS(filepath.Join(nm, c.from))); err != nil {
			t.Fatal(err)
		}
	}
	page := `<!doctype html>
<html><head>
<link rel="stylesheet" href="bootstrap/css/bootstrap.min.css">
<link rel="stylesheet" href="fontawesome/css/all.min.css">
<script src="jquery/jquery.min.js"></script>
<script src="bootstrap/js/bootstrap.bundle.min.js" defer></script>
<script type="module">
  import * as THREE from "./three/three.module.min.js";
  console.log(THREE.REVISION);
</script>
</head><body><i class="fa-solid fa-house"></i><img src="fontawesome/svgs/solid/house.svg" alt=""></body></html>
`
	if err := os.WriteFile(filepath.Join(tree, "index.html"), []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "complete"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	return tree
}
