package manifest

import (
	"bytes"
	"context"
	"encoding/json"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// djangoVectors were computed with CPython 3.11.7:
//
//	s = json.dumps(sorted(d.items()))
//	h = hashlib.md5(s.encode()).hexdigest()[:12]
//	json.dumps({"paths": dict(sorted(d.items())), "version": "1.0", "hash": h})
var djangoVectors = []struct {
	name   string
	paths  map[string]string
	dumps  string // json.dumps(sorted(paths.items()))
	hash   string
	django string // staticfiles.json, version "1.0"
}{
	{
		name:   "empty",
		paths:  map[string]string{},
		dumps:  `[]`,
		hash:   "d75171398898",
		django: `{"paths": {}, "version": "1.0", "hash": "d75171398898"}`,
	},
	{
		name:   "ascii",
		paths:  map[string]string{"css/site.css": "css/site.3f2a9c1b7d0e.css", "js/app.js": "js/app.0123456789ab.js", "img/logo.png": "img/logo.abcdef012345.png"},
		dumps:  `[["css/site.css", "css/site.3f2a9c1b7d0e.css"], ["img/logo.png", "img/logo.abcdef012345.png"], ["js/app.js", "js/app.0123456789ab.js"]]`,
		hash:   "42b08b8de4c5",
		django: `{"paths": {"css/site.css": "css/site.3f2a9c1b7d0e.css", "img/logo.png": "img/logo.abcdef012345.png", "js/app.js": "js/app.0123456789ab.js"}, "version": "1.0", "hash": "42b08b8de4c5"}`,
	},
	{
		name:   "html characters and slash unescaped",
		paths:  map[string]string{"a<b>&c/d.css": "a<b>&c/d.111111111111.css", "x/y'z.js": "x/y'z.222222222222.js"},
		dumps:  `[["a<b>&c/d.css", "a<b>&c/d.111111111111.css"], ["x/y'z.js", "x/y'z.222222222222.js"]]`,
		hash:   "c3f254ca934b",
		django: `{"paths": {"a<b>&c/d.css": "a<b>&c/d.111111111111.css", "x/y'z.js": "x/y'z.222222222222.js"}, "version": "1.0", "hash": "c3f254ca934b"}`,
	},
	{
		name:   "quote and backslash",
		paths:  map[string]string{"q\"uote.css": "q\"uote.333333333333.css", "back\\slash.css": "back\\slash.444444444444.css"},
		dumps:  `[["back\\slash.css", "back\\slash.444444444444.css"], ["q\"uote.css", "q\"uote.333333333333.css"]]`,
		hash:   "c82697bf0b09",
		django: `{"paths": {"back\\slash.css": "back\\slash.444444444444.css", "q\"uote.css": "q\"uote.333333333333.css"}, "version": "1.0", "hash": "c82697bf0b09"}`,
	},
	{
		name:   "control characters and DEL",
		paths:  map[string]string{"ctl\n\r\t\b\f.txt": "ctl.555555555555.txt", "nul\x00\x01\x1f\x7f.txt": "nul.666666666666.txt", "space ~.txt": "space ~.777777777777.txt"},
		dumps:  `[["ctl\n\r\t\b\f.txt", "ctl.555555555555.txt"], ["nul\u0000\u0001\u001f\u007f.txt", "nul.666666666666.txt"], ["space ~.txt", "space ~.777777777777.txt"]]`,
		hash:   "92f59be53b01",
		django: `{"paths": {"ctl\n\r\t\b\f.txt": "ctl.555555555555.txt", "nul\u0000\u0001\u001f\u007f.txt": "nul.666666666666.txt", "space ~.txt": "space ~.777777777777.txt"}, "version": "1.0", "hash": "92f59be53b01"}`,
	},
	{
		name:   "non-ASCII in the BMP",
		paths:  map[string]string{"caf\u00e9/\u00e9t\u00e9.css": "caf\u00e9/\u00e9t\u00e9.888888888888.css", "\u65e5\u672c/\u8a9e.js": "\u65e5\u672c/\u8a9e.999999999999.js", "\u0080\u00ff\u0100\u07ff\u0800\uffff.bin": "x"},
		dumps:  `[["caf\u00e9/\u00e9t\u00e9.css", "caf\u00e9/\u00e9t\u00e9.888888888888.css"], ["\u0080\u00ff\u0100\u07ff\u0800\uffff.bin", "x"], ["\u65e5\u672c/\u8a9e.js", "\u65e5\u672c/\u8a9e.999999999999.js"]]`,
		hash:   "6d81cc7638c3",
		django: `{"paths": {"caf\u00e9/\u00e9t\u00e9.css": "caf\u00e9/\u00e9t\u00e9.888888888888.css", "\u0080\u00ff\u0100\u07ff\u0800\uffff.bin": "x", "\u65e5\u672c/\u8a9e.js": "\u65e5\u672c/\u8a9e.999999999999.js"}, "version": "1.0", "hash": "6d81cc7638c3"}`,
	},
	{
		name:   "above U+FFFF as surrogate pairs",
		paths:  map[string]string{"emoji/\U0001F600.png": "emoji/\U0001F600.aaaaaaaaaaaa.png", "max\U0010FFFF": "\U00010000"},
		dumps:  `[["emoji/\ud83d\ude00.png", "emoji/\ud83d\ude00.aaaaaaaaaaaa.png"], ["max\udbff\udfff", "\ud800\udc00"]]`,
		hash:   "017dc4846474",
		django: `{"paths": {"emoji/\ud83d\ude00.png": "emoji/\ud83d\ude00.aaaaaaaaaaaa.png", "max\udbff\udfff": "\ud800\udc00"}, "version": "1.0", "hash": "017dc4846474"}`,
	},
	{
		// Code point order: U+E000 and U+FF5E before U+1F600, which UTF-16
		// order would reverse; "-" < "." < "/" < "0"; upper case first.
		name: "ordering",
		paths: map[string]string{"a": "1", "B": "2", "\u00e9": "3", "z": "4", "\uff5e": "5", "\U0001F600": "6", "\ue000": "7",
			"a-b.css": "8", "a.css": "9", "a/b.css": "10", "a0": "11", "a\u00e9": "12", "A": "13", "_": "14", "~": "15", "\x7f": "16"},
		dumps:  `[["A", "13"], ["B", "2"], ["_", "14"], ["a", "1"], ["a-b.css", "8"], ["a.css", "9"], ["a/b.css", "10"], ["a0", "11"], ["a\u00e9", "12"], ["z", "4"], ["~", "15"], ["\u007f", "16"], ["\u00e9", "3"], ["\ue000", "7"], ["\uff5e", "5"], ["\ud83d\ude00", "6"]]`,
		hash:   "36dec7e81e32",
		django: `{"paths": {"A": "13", "B": "2", "_": "14", "a": "1", "a-b.css": "8", "a.css": "9", "a/b.css": "10", "a0": "11", "a\u00e9": "12", "z": "4", "~": "15", "\u007f": "16", "\u00e9": "3", "\ue000": "7", "\uff5e": "5", "\ud83d\ude00": "6"}, "version": "1.0", "hash": "36dec7e81e32"}`,
	},
}

func TestDjangoVectors(t *testing.T) {
	for _, v := range djangoVectors {
		t.Run(v.name, func(t *testing.T) {
			if got := string(pyDumpsItems(sortedItems(v.paths))); got != v.dumps {
				t.Errorf("json.dumps:\n got %s\nwant %s", got, v.dumps)
			}
			if got := DjangoHash(v.paths); got != v.hash {
				t.Errorf("DjangoHash = %s, want %s", got, v.hash)
			}
			got, err := Django(v.paths, "")
			if err != nil {
				t.Fatalf("Django: %v", err)
			}
			if string(got) != v.django {
				t.Errorf("Django:\n got %s\nwant %s", got, v.django)
			}
		})
	}
}

func TestDjangoNilPaths(t *testing.T) {
	got, err := Django(nil, DjangoVersion10)
	if err != nil {
		t.Fatal(err)
	}
	if want := djangoVectors[0].django; string(got) != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestDjangoVersions(t *testing.T) {
	paths := map[string]string{"css/site.css": "css/site.3f2a9c1b7d0e.css", "js/app.js": "js/app.0123456789ab.js", "img/logo.png": "img/logo.abcdef012345.png"}
	for _, version := range []string{"", "1.0", "1.1"} {
		got, err := Django(paths, version)
		if err != nil {
			t.Fatalf("Django(%q): %v", version, err)
		}
		var doc map[string]json.RawMessage
		if err := json.Unmarshal(got, &doc); err != nil {
			t.Fatalf("Django(%q) output is not JSON: %v\n%s", version, err, got)
		}
		if len(doc) != 3 || doc["paths"] == nil || doc["version"] == nil || doc["hash"] == nil {
			t.Fatalf("Django(%q) keys: want exactly paths, version, hash; got %s", version, got)
		}
		var back struct {
			Paths   map[string]string `json:"paths"`
			Version string            `json:"version"`
			Hash    string            `json:"hash"`
		}
		if err := json.Unmarshal(got, &back); err != nil {
			t.Fatal(err)
		}
		wantVersion := version
		if version == "" {
			wantVersion = "1.0"
		}
		if back.Version != wantVersion || back.Hash != "42b08b8de4c5" || len(back.Paths) != len(paths) {
			t.Errorf("Django(%q) = %s", version, got)
		}
		for k, v := range paths {
			if back.Paths[k] != v {
				t.Errorf("Django(%q): paths[%q] = %q, want %q", version, k, back.Paths[k], v)
			}
		}
	}
}

func TestDjangoErrors(t *testing.T) {
	if _, err := Django(map[string]string{"a": "b"}, "2.0"); err == nil || !strings.Contains(err.Error(), `"2.0"`) {
		t.Errorf("version 2.0: err = %v, want an error naming the version", err)
	}
	for _, paths := range []map[string]string{
		{"bad\xff.css": "ok.css"},
		{"ok.css": "bad\xc3.css"},
		{"surrogate\xed\xa0\x80.css": "ok.css"}, // UTF-8-encoded U+D800 is not valid UTF-8
	} {
		if _, err := Django(paths, ""); err == nil || !strings.Contains(err.Error(), "UTF-8") {
			t.Errorf("Django(%q): err = %v, want an invalid UTF-8 error", paths, err)
		}
	}
}

// pythonScript reads a JSON object of paths on stdin and writes Django's
// hash, json.dumps(sorted(items)) and the staticfiles.json that Django()
// should produce, one per line.
const pythonScript = `
import hashlib, json, sys
d = json.loads(sys.stdin.buffer.read())
s = json.dumps(sorted(d.items()))
h = hashlib.md5(s.encode()).hexdigest()[:12]
full = json.dumps({"paths": dict(sorted(d.items())), "version": "1.1", "hash": h})
sys.stdout.buffer.write((h + "\n" + s + "\n" + full + "\n").encode("ascii"))
`

// TestDjangoHashAgainstPython compares with CPython on generated paths.
func TestDjangoHashAgainstPython(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("python3 not found (required in CI): %v", err)
		}
		t.Skipf("python3 not found: %v", err)
	}
	paths := randomPaths(500)
	input, err := json.Marshal(paths)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, python, "-I", "-c", pythonScript) // -I: ignore PYTHON* env and user site
	cmd.Stdin = bytes.NewReader(input)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python3: %v\n%s", err, stderr.Bytes())
	}
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("python3 printed %d lines, want 3:\n%s", len(lines), out)
	}
	if got := DjangoHash(paths); got != lines[0] {
		t.Errorf("DjangoHash = %s, Python says %s", got, lines[0])
	}
	if got := string(pyDumpsItems(sortedItems(paths))); got != lines[1] {
		t.Errorf("json.dumps differs at byte %d:\n go %s\n py %s", firstDiff(got, lines[1]), got, lines[1])
	}
	full, err := Django(paths, DjangoVersion11)
	if err != nil {
		t.Fatal(err)
	}
	if string(full) != lines[2] {
		t.Errorf("Django() differs from Python at byte %d", firstDiff(string(full), lines[2]))
	}
}

// randomPaths builds n distinct paths from pieces chosen to stress escaping
// and ordering: shared prefixes, every escape class, each UTF-8 length.
func randomPaths(n int) map[string]string {
	pieces := []string{
		"a", "b", "B", "z", "0", "9", "/", ".", "-", "_", " ", "~", ".css", ".js", "css/", "img/",
		`"`, `\`, "<", ">", "&", "'", "\n", "\r", "\t", "\b", "\f", "\x00", "\x01", "\x1f", "\x7f",
		"\u0080", "\u00e9", "\u00fc", "\u00df", "\u07ff", "\u0800", "\u65e5\u672c", "\u8a9e",
		"\u2028", "\ue000", "\uff5e", "\ufffd", "\uffff", "\U00010000", "\U0001F600", "\U0010FFFF",
	}
	rng := rand.New(rand.NewPCG(1, 2)) // fixed seed: the same set every run
	paths := make(map[string]string, n)
	for len(paths) < n {
		var b strings.Builder
		for range 1 + rng.IntN(8) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		key := b.String()
		paths[key] = key + "." + strings.Repeat(string(rune('a'+rng.IntN(6))), 12)
	}
	return paths
}

func firstDiff(a, b string) int {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	return i
}
