package build

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/muejam/assetpipe/config"
)

// indexTree is a small tree with every kind of file the index treats
// differently: plain files, a scanned file without references, and
// scanned files whose references are rewritten.
var indexTree = map[string]string{
	"img/logo.svg":     `<svg xmlns="http://www.w3.org/2000/svg"/>`,
	"img/dot.png":      "\x89PNG\r\n\x1a\nnot really",
	"css/site.css":     `body { background: url("../img/logo.svg") } .d { background: url(../img/dot.png) }`,
	"css/plain.css":    `body { color: red }`,
	"js/lib.js":        `export const x = 1;`,
	"js/app.js":        `import { x } from "./lib.js"; console.log(x);`,
	"index.html":       `<link href="css/site.css" rel="stylesheet"><script type="module" src="js/app.js"></script>`,
	"robots.txt":       "User-agent: *\n",
	"fonts/LICENSE":    "free",
	"data/big.bin":     string(bytes.Repeat([]byte{7}, 70<<10)),
	"js/vendor.js":     "var a = 1; //# sourceMappingURL=vendor.js.map\n",
	"js/vendor.js.map": `{"version":3,"sources":[],"mappings":""}`,
}

func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// indexConfig is a configuration building src into a fresh directory,
// with its cache in cache ("" for none).
func indexConfig(t *testing.T, src, cache string) config.Config {
	cfg := config.Default()
	cfg.Dir = t.TempDir()
	cfg.Src = src
	cfg.Out = filepath.Join(cfg.Dir, "out")
	cfg.CacheDir = cache
	return cfg
}

// trusted builds with every file old enough to be recorded, as files are
// in a tree not edited in the last seconds.
func trusted(t *testing.T, cfg config.Config) *Result {
	t.Helper()
	res, err := build(context.Background(), cfg, Options{}, time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// readOut returns every file of a build's output.
func readOut(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestIndexSparesUnchangedFilesAndChangesNothing(t *testing.T) {
	src := t.TempDir()
	writeTree(t, src, indexTree)
	cache := t.TempDir()
	first := trusted(t, indexConfig(t, src, cache))
	if first.Reused != 0 || first.hashed != len(indexTree) {
		t.Fatalf("first build: reused %d, hashed %d of %d", first.Reused, first.hashed, len(indexTree))
	}
	second := trusted(t, indexConfig(t, src, cache))
	// Plain files are copied; the four with rewritten references are read
	// and rewritten but neither scanned nor hashed.
	if want := len(indexTree) - 4; second.Reused != want || second.scanned != 0 || second.hashed != 0 {
		t.Fatalf("second build: reused %d (want %d), scanned %d, hashed %d (want 0)", second.Reused, want, second.scanned, second.hashed)
	}
	uncached, err := Build(context.Background(), indexConfig(t, src, ""), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := readOut(t, second.Out), readOut(t, uncached.Out); !reflect.DeepEqual(got, want) {
		t.Fatalf("a build from the index differs from one without:\n%v\n%v", got, want)
	}
}

// An edit that keeps the size and the modification time is still seen:
// ctime, which no tool can set back, is part of the key.
func TestIndexSeesAnEditThatKeepsSizeAndMtime(t *testing.T) {
	src := t.TempDir()
	writeTree(t, src, indexTree)
	cache := t.TempDir()
	trusted(t, indexConfig(t, src, cache))

	for _, name := range []string{"img/logo.svg", "css/site.css"} {
		p := filepath.Join(src, filepath.FromSlash(name))
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		data := bytes.Replace([]byte(indexTree[name]), []byte("svg"), []byte("SVG"), 1)
		if name == "css/site.css" {
			data = bytes.Replace([]byte(indexTree[name]), []byte("body"), []byte("main"), 1)
		}
		time.Sleep(10 * time.Millisecond) // a ctime tick later
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, fi.ModTime(), fi.ModTime()); err != nil {
			t.Fatal(err)
		}
	}
	res := trusted(t, indexConfig(t, src, cache))
	// The page that links the edited CSS is rewritten differently, so it
	// is hashed again too; only the CSS, whose bytes changed, is scanned.
	if res.hashed != 3 || res.scanned != 1 {
		t.Errorf("hashed %d, scanned %d; want the 2 edited files and the page hashed, the CSS scanned", res.hashed, res.scanned)
	}
	uncached, err := Build(context.Background(), indexConfig(t, src, ""), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := readOut(t, res.Out), readOut(t, uncached.Out); !reflect.DeepEqual(got, want) {
		t.Fatalf("an edited file was served from the index:\n%v\n%v", got, want)
	}
}

// A file changed in the last seconds could change again within the same
// timestamp tick, so it is not recorded.
func TestIndexDoesNotRecordFreshFiles(t *testing.T) {
	src := t.TempDir()
	writeTree(t, src, indexTree)
	cache := t.TempDir()
	for range 2 {
		res, err := Build(context.Background(), indexConfig(t, src, cache), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Reused != 0 || res.hashed != len(indexTree) {
			t.Fatalf("reused %d, hashed %d: files written just now were trusted", res.Reused, res.hashed)
		}
	}
}

// A damaged index is never trusted: the build does all the work, gives
// the right output and writes a good index.
func TestIndexDamagedIsIgnoredAndRewritten(t *testing.T) {
	src := t.TempDir()
	writeTree(t, src, indexTree)
	cache := t.TempDir()
	trusted(t, indexConfig(t, src, cache))
	p := filepath.Join(cache, indexFile)
	good, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, damage := range []func([]byte) []byte{
		func(b []byte) []byte { b[len(b)/2] ^= 1; return b },
		func(b []byte) []byte { return b[:len(b)-7] },
		func(b []byte) []byte { return append([]byte("assetpipe build index 0\n"), b[24:]...) },
		func([]byte) []byte { return nil },
	} {
		if err := os.WriteFile(p, damage(bytes.Clone(good)), 0o644); err != nil {
			t.Fatal(err)
		}
		res := trusted(t, indexConfig(t, src, cache))
		if res.Reused != 0 || res.hashed != len(indexTree) {
			t.Fatalf("damaged index trusted: reused %d, hashed %d", res.Reused, res.hashed)
		}
		if again, _ := os.ReadFile(p); !bytes.Equal(again, good) {
			t.Fatalf("index not rewritten after damage")
		}
	}
}

func TestIndexDropsRemovedFiles(t *testing.T) {
	src := t.TempDir()
	writeTree(t, src, indexTree)
	cache := t.TempDir()
	trusted(t, indexConfig(t, src, cache))
	if err := os.Remove(filepath.Join(src, "fonts", "LICENSE")); err != nil {
		t.Fatal(err)
	}
	trusted(t, indexConfig(t, src, cache))
	data, err := os.ReadFile(filepath.Join(cache, indexFile))
	if err != nil {
		t.Fatal(err)
	}
	m, err := decodeIndex(data)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := m["fonts/LICENSE"]; ok || len(m) != len(indexTree)-1 {
		t.Fatalf("index holds %d entries, fonts/LICENSE present: %v", len(m), ok)
	}
}

func TestIndexEncodingRoundTrips(t *testing.T) {
	m := map[string]indexEntry{
		"a/b.css": {key: statKey{dev: 1, ino: 2, size: 3, mtime: -4, ctime: 5}, src: [32]byte{7}, md5: [16]byte{1}, sha256: [32]byte{2}, sha384: [48]byte{3},
			rewrites: [32]byte{9}, refs: []Ref{{Start: 1, End: 5, URL: "x.png"}, {Start: 9, End: 9}}},
		"ü/ß.js": {key: statKey{ino: 1 << 62}},
	}
	got, err := decodeIndex(encodeIndex(m))
	if err != nil {
		t.Fatal(err)
	}
	if !sameEntries(got, m) {
		t.Fatalf("round trip:\n%+v\n%+v", got, m)
	}
}

func FuzzDecodeIndex(f *testing.F) {
	f.Add(encodeIndex(map[string]indexEntry{"a": {refs: []Ref{{1, 2, "u"}}}}))
	f.Fuzz(func(t *testing.T, data []byte) {
		decodeIndex(data) // must not panic
	})
}

// A rebuild links the files it would write unchanged from the output it
// replaces, build after build, and a file edited in that output is
// written again, never linked.
func TestRebuildLinksUnchangedOutputs(t *testing.T) {
	if _, ok := keyOf(mustStat(t, t.TempDir())); !ok {
		t.Skip("no ctime on this system: outputs are not reused")
	}
	src := t.TempDir()
	writeTree(t, src, indexTree)
	cfg := indexConfig(t, src, t.TempDir())
	first := trusted(t, cfg)
	if first.linked != 0 {
		t.Fatalf("first build linked %d files", first.linked)
	}
	for i := range 2 {
		os.Remove(filepath.Join(cfg.CacheDir, stampFile)) // a full build, not a no-op
		res := trusted(t, cfg)
		if res.linked != len(indexTree) {
			t.Fatalf("rebuild %d linked %d of %d files", i+1, res.linked, len(indexTree))
		}
	}
	// Damage one output in place, keeping its size.
	logo := filepath.Join(cfg.Out, filepath.FromSlash(first.Manifest.Files["img/logo.svg"].Path))
	if err := os.WriteFile(logo, []byte(strings.ToUpper(indexTree["img/logo.svg"])), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg.CacheDir = ""
	res := trusted(t, cfg)
	if res.linked != len(indexTree)-1 {
		t.Errorf("linked %d files, want all but the damaged one", res.linked)
	}
	if got, _ := os.ReadFile(logo); string(got) != indexTree["img/logo.svg"] {
		t.Errorf("damaged output kept: %q", got)
	}
	uncached, err := Build(context.Background(), indexConfig(t, src, ""), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := readOut(t, res.Out), readOut(t, uncached.Out); !reflect.DeepEqual(got, want) {
		t.Fatalf("a rebuild with links differs from a fresh build:\n%v\n%v", got, want)
	}
}

func mustStat(t *testing.T, p string) os.FileInfo {
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return fi
}

// A fresh checkout (new inodes and times, the same contents) with the
// cache restored, as in CI: files are read but neither hashed for their
// names nor scanned, and the next build knows them by their stat again.
func TestIndexRecognisesContentsAfterACheckout(t *testing.T) {
	src := t.TempDir()
	writeTree(t, src, indexTree)
	cache := t.TempDir()
	trusted(t, indexConfig(t, src, cache))

	checkout := t.TempDir()
	writeTree(t, checkout, indexTree)
	// Files this fresh are not recorded by their stat, and builds right
	// after the checkout must not lose what the index knows either.
	for i := range 2 {
		res, err := Build(context.Background(), indexConfig(t, checkout, cache), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if res.hashed != 0 || res.scanned != 0 || res.Reused != 0 {
			t.Fatalf("build %d after a checkout: hashed %d, scanned %d, reused %d; want everything known by its contents", i+1, res.hashed, res.scanned, res.Reused)
		}
	}
	res := trusted(t, indexConfig(t, checkout, cache))
	uncached, err := Build(context.Background(), indexConfig(t, checkout, ""), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := readOut(t, res.Out), readOut(t, uncached.Out); !reflect.DeepEqual(got, want) {
		t.Fatal("a build from contents the index knows differs from one without")
	}
	if again := trusted(t, indexConfig(t, checkout, cache)); again.Reused != len(indexTree)-4 {
		t.Errorf("the build after: reused %d, want the plain files known by their stat", again.Reused)
	}

	// Other contents of the same size under the same names are not taken
	// for known: those two files are hashed, and the two that refer to the
	// logo through the CSS, whose rewrites change.
	edited := map[string]string{}
	for name, data := range indexTree {
		edited[name] = data
	}
	edited["robots.txt"] = "User-agent: X\n"
	edited["img/logo.svg"] = strings.Replace(indexTree["img/logo.svg"], "<svg", "<SVG", 1)
	other := t.TempDir()
	writeTree(t, other, edited)
	if res := trusted(t, indexConfig(t, other, cache)); res.hashed != 4 {
		t.Errorf("two files changed: hashed %d, want 4", res.hashed)
	}
}
