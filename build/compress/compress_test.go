package compress

import (
	"bytes"
	stdgzip "compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/andybalholm/brotli"

	"github.com/muejam/assetpipe/config"
	"github.com/muejam/assetpipe/manifest"
)

// text is compressible content of about n bytes.
func text(seed uint64, n int) []byte {
	rng := rand.New(rand.NewPCG(seed, 1))
	words := []string{"color", "margin", "padding", "display", "flex", "function", "return", "const", "grid", "url", "svg", "path", "0", "1px", "none", "auto"}
	var b bytes.Buffer
	for b.Len() < n {
		fmt.Fprintf(&b, ".c%d { %s: %s; }\n", rng.IntN(500), words[rng.IntN(len(words))], words[rng.IntN(len(words))])
	}
	return b.Bytes()[:n]
}

func noise(seed uint64, n int) []byte {
	rng := rand.New(rand.NewPCG(seed, 2))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.UintN(256))
	}
	return b
}

// site writes files into a fresh output directory and returns it with
// the manifest a build would have written for them.
func site(t *testing.T, files map[string][]byte) (string, *manifest.Manifest) {
	return siteTB(t, files)
}

func siteTB(t testing.TB, files map[string][]byte) (string, *manifest.Manifest) {
	t.Helper()
	dir := t.TempDir()
	m := manifest.New("/static/")
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		m.Files[name] = manifest.NewEntry(name, data, false)
	}
	return dir, m
}

func defaults(cacheDir string) Options {
	cfg := config.Default()
	o := OptionsFrom(cfg)
	o.CacheDir = cacheDir
	return o
}

// counting wraps the real encoders and counts their calls.
func counting(o *Options, calls *atomic.Int64) {
	o.encoders = map[string]encoder{}
	for _, enc := range o.Encodings {
		e, err := newEncoder(enc)
		if err != nil {
			panic(err)
		}
		o.encoders[enc] = countingEncoder{e, calls}
	}
}

type countingEncoder struct {
	encoder
	calls *atomic.Int64
}

func (c countingEncoder) encode(src []byte) ([]byte, error) {
	c.calls.Add(1)
	return c.encoder.encode(src)
}

// decode decodes a variant with a decoder independent of the encoder.
func decode(t *testing.T, encoding string, data []byte) []byte {
	t.Helper()
	var r io.Reader
	switch encoding {
	case config.Brotli:
		r = brotli.NewReader(bytes.NewReader(data))
	case config.Gzip:
		zr, err := stdgzip.NewReader(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("gzip: %v", err)
		}
		r = zr
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("%s: %v", encoding, err)
	}
	return out
}

// checkVariants decodes every variant m records and compares it with its
// original, and checks the recorded size and SHA-256 against the file.
func checkVariants(t *testing.T, dir string, m *manifest.Manifest) int {
	t.Helper()
	n := 0
	for name, e := range m.Files {
		orig, err := os.ReadFile(filepath.Join(dir, e.Path))
		if err != nil {
			t.Fatal(err)
		}
		for enc, v := range e.Variants {
			data, err := os.ReadFile(filepath.Join(dir, v.Path))
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			sum := sha256.Sum256(data)
			if v.Size != int64(len(data)) || v.SHA256 != hex.EncodeToString(sum[:]) {
				t.Errorf("%s %s: manifest says %d bytes %s, file has %d", name, enc, v.Size, v.SHA256, len(data))
			}
			if v.Path != e.Path+Suffix(enc) {
				t.Errorf("%s %s: variant path %s", name, enc, v.Path)
			}
			if !bytes.Equal(decode(t, enc, data), orig) {
				t.Errorf("%s %s: does not decode to the original", name, enc)
			}
			n++
		}
	}
	return n
}

func TestRoundTripsEveryTypeAndEncoding(t *testing.T) {
	files := map[string][]byte{}
	for i, ext := range []string{".css", ".js", ".mjs", ".json", ".map", ".svg", ".html", ".xml", ".txt", ".webmanifest", ".ttf", ".otf", ".eot", ".ico", ".wasm"} {
		files["f/file"+ext] = text(uint64(i), 3000+i*1000)
	}
	files["big/three.js"] = text(99, 3<<20) // a window larger than the default
	dir, m := site(t, files)
	sum, err := Run(context.Background(), dir, m, defaults(""))
	if err != nil {
		t.Fatal(err)
	}
	if n := checkVariants(t, dir, m); n != 2*len(files) {
		t.Fatalf("%d variants, want %d", n, 2*len(files))
	}
	if sum.Files != len(files) || sum.Variants != 2*len(files) || sum.Compressed != 2*len(files) || sum.CacheHits != 0 {
		t.Errorf("summary %+v", sum)
	}
	for _, enc := range []string{config.Brotli, config.Gzip} {
		if sum.Out[enc] <= 0 || sum.Out[enc] >= sum.In[enc] {
			t.Errorf("%s: in %d out %d", enc, sum.In[enc], sum.Out[enc])
		}
	}
}

// What is not worth compressing gets no variant: compressed types, files
// under the minimum size, empty files, and variants above 95% of the
// original, whose earlier file is removed.
func TestSkipsWhatIsNotWorthIt(t *testing.T) {
	dir, m := site(t, map[string][]byte{
		"img/a.png":      text(1, 5000),
		"fonts/a.woff2":  text(2, 5000),
		"img/a.jpg":      text(3, 5000),
		"small.css":      text(4, 255),
		"just.css":       text(5, 256),
		"empty.txt":      {},
		"random.txt":     noise(6, 4000),
		"video/clip.mp4": text(7, 5000),
	})
	if err := os.WriteFile(filepath.Join(dir, "random.txt.br"), []byte("stale"), 0o644); err != nil {
		t.Fatal(err)
	}
	opts := defaults("")
	if _, err := Run(context.Background(), dir, m, opts); err != nil {
		t.Fatal(err)
	}
	for name, e := range m.Files {
		want := 0
		if name == "just.css" {
			want = 2
		}
		if len(e.Variants) != want {
			t.Errorf("%s: %d variants, want %d", name, len(e.Variants), want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "random.txt.br")); err == nil {
		t.Error("a variant no longer kept was left in the output")
	}
	checkVariants(t, dir, m)

	// With no minimum, an empty file is tried and never kept.
	opts.MinSize = 0
	calls := new(atomic.Int64)
	counting(&opts, calls)
	if _, err := Run(context.Background(), dir, m, opts); err != nil {
		t.Fatal(err)
	}
	if len(m.Files["empty.txt"].Variants) != 0 || len(m.Files["small.css"].Variants) != 2 {
		t.Errorf("min size 0: empty %v, small %v", m.Files["empty.txt"].Variants, m.Files["small.css"].Variants)
	}
}

func TestRatioRule(t *testing.T) {
	// Half text, half noise: brotli gets under 95%, and with a ratio of
	// 0.3 nothing is kept.
	data := append(text(1, 4000), noise(2, 4000)...)
	for _, tt := range []struct {
		ratio float64
		want  int
	}{{0.95, 2}, {0.3, 0}} {
		dir, m := site(t, map[string][]byte{"mixed.js": data})
		opts := defaults("")
		opts.MaxRatio = tt.ratio
		if _, err := Run(context.Background(), dir, m, opts); err != nil {
			t.Fatal(err)
		}
		vs := m.Files["mixed.js"].Variants
		if len(vs) != tt.want {
			t.Fatalf("ratio %v: %d variants, want %d", tt.ratio, len(vs), tt.want)
		}
		for _, v := range vs {
			if float64(v.Size) > tt.ratio*float64(len(data)) {
				t.Errorf("ratio %v: kept %d of %d bytes", tt.ratio, v.Size, len(data))
			}
		}
	}
}

func TestCacheCompressesEachContentOnce(t *testing.T) {
	files := map[string][]byte{}
	for i := range 6 {
		files[fmt.Sprintf("css/f%d.css", i)] = text(uint64(i), 2000+i*500)
	}
	cacheDir := t.TempDir()
	run := func(dir string, m *manifest.Manifest) (int64, *Summary) {
		t.Helper()
		opts := defaults(cacheDir)
		calls := new(atomic.Int64)
		counting(&opts, calls)
		sum, err := Run(context.Background(), dir, m, opts)
		if err != nil {
			t.Fatal(err)
		}
		checkVariants(t, dir, m)
		return calls.Load(), sum
	}
	dir, m := site(t, files)
	if calls, _ := run(dir, m); calls != 12 {
		t.Fatalf("cold run: %d encoder calls, want 12", calls)
	}
	// Another output directory with the same contents: all from the cache.
	dir2, m2 := site(t, files)
	if calls, sum := run(dir2, m2); calls != 0 || sum.CacheHits != 12 {
		t.Fatalf("warm run: %d encoder calls, %d hits", calls, sum.CacheHits)
	}
	// One file changed: its two variants are made, the rest come from the cache.
	files["css/f3.css"] = text(33, 2600)
	dir3, m3 := site(t, files)
	if calls, _ := run(dir3, m3); calls != 2 {
		t.Fatalf("one file changed: %d encoder calls, want 2", calls)
	}
}

func TestCorruptCacheEntryIsRecomputed(t *testing.T) {
	data := text(1, 5000)
	cacheDir := t.TempDir()
	dir, m := site(t, map[string][]byte{"a.css": data})
	if _, err := Run(context.Background(), dir, m, defaults(cacheDir)); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	entry := cache{dir: cacheDir}.path(hex.EncodeToString(sum[:]), (&brotliEncoder{}).id())
	good, err := os.ReadFile(entry)
	if err != nil {
		t.Fatal(err)
	}
	for name, damage := range map[string]func([]byte) []byte{
		"bit flipped":   func(b []byte) []byte { b[len(b)-3] ^= 0x10; return b },
		"truncated":     func(b []byte) []byte { return b[:len(b)-1] },
		"header only":   func(b []byte) []byte { return b[:headerSize] },
		"foreign magic": func(b []byte) []byte { b[0] = 'X'; return b },
		"empty":         func([]byte) []byte { return nil },
	} {
		if err := os.WriteFile(entry, damage(bytes.Clone(good)), 0o644); err != nil {
			t.Fatal(err)
		}
		dir, m := site(t, map[string][]byte{"a.css": data})
		opts := defaults(cacheDir)
		calls := new(atomic.Int64)
		counting(&opts, calls)
		if _, err := Run(context.Background(), dir, m, opts); err != nil {
			t.Fatal(err)
		}
		if calls.Load() != 1 {
			t.Errorf("%s: %d encoder calls, want the damaged entry recomputed", name, calls.Load())
		}
		checkVariants(t, dir, m)
		if got, _ := os.ReadFile(entry); !bytes.Equal(got, good) {
			t.Errorf("%s: entry not replaced", name)
		}
	}
}

func TestChangedOriginalIsAnError(t *testing.T) {
	dir, m := site(t, map[string][]byte{"css/a.css": text(1, 3000)})
	if err := os.WriteFile(filepath.Join(dir, "css", "a.css"), text(2, 3000), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Run(context.Background(), dir, m, defaults(""))
	if err == nil || !strings.Contains(err.Error(), "css/a.css changed since it was built") {
		t.Fatalf("err = %v", err)
	}
}

func TestPlanLargestFirstAndCollisions(t *testing.T) {
	m := manifest.New("/")
	for name, size := range map[string]int{"a.css": 300, "b.js": 9000, "c.svg": 1200, "d.png": 99999} {
		e := manifest.NewEntry(name, text(1, size), false)
		m.Files[name] = e
	}
	jobs, err := Plan(m, defaults(""))
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, j := range jobs {
		order = append(order, j.Path+"/"+j.Encoding)
	}
	if got := strings.Join(order, " "); got != "b.js/br b.js/gzip c.svg/br c.svg/gzip a.css/br a.css/gzip" {
		t.Errorf("plan order: %s", got)
	}
	m.Files["b.js.gz"] = manifest.NewEntry("b.js.gz", []byte("x"), false)
	if _, err := Plan(m, defaults("")); err == nil || !strings.Contains(err.Error(), "would replace b.js.gz") {
		t.Errorf("collision: %v", err)
	}
}

// Compressing an output a second time keeps the variants its manifest
// records without reading the cache; one changed in the output since is
// made again.
func TestOutputKeepsRecordedVariants(t *testing.T) {
	files := map[string][]byte{"a.css": text(1, 4000), "b.js": text(2, 6000)}
	dir, m := site(t, files)
	if err := m.WriteFile(filepath.Join(dir, manifest.FileName)); err != nil {
		t.Fatal(err)
	}
	opts := defaults(t.TempDir())
	first, err := Output(context.Background(), dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	if first.Compressed != 4 {
		t.Fatalf("first run: %+v", first)
	}
	calls := new(atomic.Int64)
	counting(&opts, calls)
	again, err := Output(context.Background(), dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	if again.Unchanged != 4 || again.CacheHits != 0 || calls.Load() != 0 {
		t.Fatalf("second run: %+v, %d encoder calls", again, calls.Load())
	}
	m2, err := manifest.ReadFile(filepath.Join(dir, manifest.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if n := checkVariants(t, dir, m2); n != 4 {
		t.Fatalf("%d variants recorded, want 4", n)
	}

	// A variant damaged in place, keeping its size, is made again.
	br := filepath.Join(dir, "a.css.br")
	data, err := os.ReadFile(br)
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)/2] ^= 0xff
	if err := os.WriteFile(br, data, 0o644); err != nil {
		t.Fatal(err)
	}
	third, err := Output(context.Background(), dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	if third.Unchanged != 3 || third.CacheHits != 1 {
		t.Fatalf("after damage: %+v", third)
	}
	m3, _ := manifest.ReadFile(filepath.Join(dir, manifest.FileName))
	checkVariants(t, dir, m3)

	// Without a cache everything is made again.
	opts.CacheDir = ""
	calls.Store(0)
	if _, err := Output(context.Background(), dir, opts); err != nil {
		t.Fatal(err)
	}
	if calls.Load() != 4 {
		t.Fatalf("without a cache: %d encoder calls, want 4", calls.Load())
	}
}
