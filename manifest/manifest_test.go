package manifest

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func sampleManifest() *Manifest {
	m := New("/static/")
	m.Files["css/site.css"] = NewEntry("css/site.3f2a9c1b7d0e.css", []byte("body{}"), true)
	m.Files["a<b>&c.txt"] = NewEntry("a<b>&c.txt", []byte(""), false)
	return m
}

func TestNewEntry(t *testing.T) {
	e := NewEntry("css/site.css", []byte("abc"), true)
	want := Entry{
		Path: "css/site.css",
		Size: 3,
		// sha256sum and `openssl dgst -sha384 -binary | base64` of "abc".
		SHA256:      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
		Integrity:   "sha384-ywB1P0WjXou1oD1pmsZQBycsMqsO3tFjGotgWkP/W+2AhgcroefMI1i67KE0yCWn",
		ContentType: "text/css; charset=utf-8",
		Versioned:   true,
	}
	if !reflect.DeepEqual(e, want) {
		t.Errorf("NewEntry =\n%+v\nwant\n%+v", e, want)
	}
}

// The hashes are from sha256sum and `openssl dgst -sha384 -binary | base64`.
func TestMarshal(t *testing.T) {
	got, err := sampleManifest().Marshal()
	if err != nil {
		t.Fatal(err)
	}
	want := `{
  "version": 1,
  "url_prefix": "/static/",
  "files": {
    "a<b>&c.txt": {
      "path": "a<b>&c.txt",
      "size": 0,
      "sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
      "integrity": "sha384-OLBgp1GsljhM2TJ+sbHjaiH9txEUvgdDTAzHv2P24donTt6/529l+9Ua0vFImLlb",
      "content_type": "text/plain; charset=utf-8",
      "versioned": false
    },
    "css/site.css": {
      "path": "css/site.3f2a9c1b7d0e.css",
      "size": 6,
      "sha256": "7c98040a541657584690ae2a1cc3b42a8b53b159cc60c5d3abbfecbaeac6c94a",
      "integrity": "sha384-myyg/hQ74aSgjBBvVME/QXAXEkT4Y9dHbVQ5C0lIyGpldvNLJV2IWc5ElXbqLi06",
      "content_type": "text/css; charset=utf-8",
      "versioned": true
    }
  }
}
`
	if string(got) != want {
		t.Errorf("Marshal:\n%s\nwant\n%s", got, want)
	}
}

func TestMarshalNilFiles(t *testing.T) {
	got, err := (&Manifest{Version: 1, URLPrefix: "/s/"}).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if want := "{\n  \"version\": 1,\n  \"url_prefix\": \"/s/\",\n  \"files\": {}\n}\n"; string(got) != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestRoundTrip(t *testing.T) {
	m := sampleManifest()
	data, err := m.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(m, back) {
		t.Errorf("round trip changed the manifest:\n%+v\n%+v", m, back)
	}
	wantPaths := map[string]string{"css/site.css": "css/site.3f2a9c1b7d0e.css", "a<b>&c.txt": "a<b>&c.txt"}
	if got := back.Paths(); !reflect.DeepEqual(got, wantPaths) {
		t.Errorf("Paths = %v, want %v", got, wantPaths)
	}
}

func TestParseEmptyFiles(t *testing.T) {
	for _, doc := range []string{`{"version": 1, "url_prefix": "/"}`, `{"version": 1, "files": null}`} {
		m, err := Parse([]byte(doc))
		if err != nil {
			t.Fatalf("Parse(%s): %v", doc, err)
		}
		if m.Files == nil || len(m.Files) != 0 {
			t.Errorf("Parse(%s).Files = %#v, want empty non-nil map", doc, m.Files)
		}
	}
}

func TestParseErrors(t *testing.T) {
	// entry encodes a manifest whose one entry mod has spoilt, with
	// encoding/json directly since Marshal would refuse it.
	entry := func(mod func(*Entry)) string {
		e := NewEntry("x.css", nil, false)
		mod(&e)
		data, err := json.Marshal(&Manifest{Version: 1, Files: map[string]Entry{"x.css": e}})
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	tests := []struct{ name, doc, want string }{
		{"not json", `{`, "parse manifest"},
		{"trailing data", `{"version": 1} x`, "parse manifest"},
		{"no version", `{"files": {}}`, `no "version"`},
		{"version 2", `{"version": 2, "files": []}`, "unsupported version 2"},
		{"version 0", `{"version": 0}`, "unsupported version 0"},
		{"version string", `{"version": "1"}`, "parse manifest"},
		{"empty path", entry(func(e *Entry) { e.Path = "" }), "empty path"},
		{"absolute path", entry(func(e *Entry) { e.Path = "/etc/x.css" }), "absolute"},
		{"dot-dot", entry(func(e *Entry) { e.Path = "css/../../x.css" }), "clean relative"},
		{"dot-slash", entry(func(e *Entry) { e.Path = "./x.css" }), "clean relative"},
		{"double slash", entry(func(e *Entry) { e.Path = "css//x.css" }), "clean relative"},
		{"trailing slash", entry(func(e *Entry) { e.Path = "css/" }), "clean relative"},
		{"backslash", entry(func(e *Entry) { e.Path = `..\x.css` }), "backslash"},
		{"bad logical name", `{"version": 1, "files": {"../x.css": {"path": "x.css"}}}`, `logical name "../x.css"`},
		{"negative size", entry(func(e *Entry) { e.Size = -1 }), "negative size"},
		{"short sha256", entry(func(e *Entry) { e.SHA256 = "abc" }), "sha256"},
		{"upper-case sha256", entry(func(e *Entry) { e.SHA256 = strings.ToUpper(e.SHA256) }), "lowercase hex"},
		{"non-hex sha256", entry(func(e *Entry) { e.SHA256 = strings.Repeat("g", 64) }), "sha256"},
		{"sha256 integrity", entry(func(e *Entry) { e.Integrity = "sha256-" + e.Integrity[7:] }), `"sha384-"`},
		{"bad base64", entry(func(e *Entry) { e.Integrity = "sha384-!!!" }), "integrity"},
		{"short integrity", entry(func(e *Entry) { e.Integrity = "sha384-YWJj" }), "holds 3 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.doc))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse(%s): err = %v, want one containing %q", tt.doc, err, tt.want)
			}
		})
	}
}

func TestMarshalValidates(t *testing.T) {
	m := sampleManifest()
	m.Version = 0
	if _, err := m.Marshal(); err == nil {
		t.Error("Marshal accepted version 0")
	}
	m = sampleManifest()
	m.Files["../escape"] = NewEntry("x", nil, false)
	if _, err := m.Marshal(); err == nil {
		t.Error(`Marshal accepted logical name "../escape"`)
	}
}

func TestWriteReadFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	m := sampleManifest()
	if err := m.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	back, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(m, back) {
		t.Errorf("ReadFile after WriteFile: %+v, want %+v", back, m)
	}
}

func TestReadFileErrorsNameFile(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.json")
	_, err := ReadFile(missing)
	if err == nil || !strings.Contains(err.Error(), missing) || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: err = %v", err)
	}
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"version": 9}`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = ReadFile(bad)
	if err == nil || !strings.Contains(err.Error(), bad) || !strings.Contains(err.Error(), "version 9") {
		t.Errorf("bad file: err = %v", err)
	}
}

func TestValidatePath(t *testing.T) {
	for _, p := range []string{"a", "a.css", "css/site.3f2a9c1b7d0e.css", "a b/c<d>&e.js", "caf\u00e9/\U0001F600.png", ".well-known/x", "..a/b..", "a/.hidden"} {
		if err := ValidatePath(p); err != nil {
			t.Errorf("ValidatePath(%q) = %v, want nil", p, err)
		}
	}
	for _, p := range []string{"", ".", "..", "/a", "a/", "./a", "a/./b", "a/../b", "../a", "a//b", `a\b`, "a\x00b", "bad\xff"} {
		if err := ValidatePath(p); err == nil {
			t.Errorf("ValidatePath(%q) = nil, want an error", p)
		}
	}
}

// The hand-written encoder writes what encoding/json writes, for every
// kind of string a path can hold.
func TestMarshalMatchesEncodingJSON(t *testing.T) {
	for _, files := range []map[string]Entry{
		nil,
		{},
		{
			"css/a.css":           NewEntry("css/a.0123456789ab.css", []byte("a"), true),
			"index.html":          NewEntry("index.html", nil, false),
			`q"uote\back.js`:      NewEntry(`q"uote\back.0123456789ab.js`, []byte("b"), true),
			"ünï/çødé <&>.svg":    NewEntry("ünï/çødé <&>.0123456789ab.svg", []byte("c"), true),
			"ctl\x01\t\n.txt":     NewEntry("ctl\x01\t\n.txt", []byte("d"), false),
			"sep\u2028\u2029.txt": NewEntry("sep\u2028\u2029.txt", []byte("e"), false),
			"bad\xff\xfeutf8.txt": NewEntry("bad\xff\xfeutf8.txt", []byte("f"), false),
			"emoji/😀.png":         NewEntry("emoji/😀.0123456789ab.png", []byte("g"), true),
			"js/app.js": withVariants(NewEntry("js/app.0123456789ab.js", []byte("h"), true), map[string]Variant{
				"br":   {Path: "js/app.0123456789ab.js.br", Size: 10, SHA256: strings.Repeat("a", 64), Encoder: "br-q11"},
				"gzip": {Path: "js/app.0123456789ab.js.gz", Size: 0, SHA256: strings.Repeat("b", 64), Encoder: "gzip-9"},
			}),
			"one.css": withVariants(NewEntry("one.css", []byte("i"), false), map[string]Variant{
				"gzip": {Path: "one.css.gz", Size: 3, SHA256: strings.Repeat("c", 64), Encoder: "gzip-9"},
			}),
		},
	} {
		m := &Manifest{Version: FormatVersion, URLPrefix: "https://cdn.example/ä/", Files: files}
		want := *m
		if want.Files == nil {
			want.Files = map[string]Entry{}
		}
		wantJSON, err := encodeJSON(&want)
		if err != nil {
			t.Fatal(err)
		}
		if got := marshalManifest(m); string(got) != string(wantJSON) {
			t.Errorf("marshalManifest differs from encoding/json:\n%s\nwant:\n%s", got, wantJSON)
		}
	}
}

func FuzzMarshalMatchesEncodingJSON(f *testing.F) {
	f.Add("css/a.css", "css/a.0123456789ab.css", "/static/")
	f.Add("\u2028\"\\", "\xff", "ä")
	f.Fuzz(func(t *testing.T, name, out, prefix string) {
		e := NewEntry(out, []byte(name), true)
		e.Variants = map[string]Variant{prefix: {Path: out + ".br", Size: int64(len(name)), SHA256: name, Encoder: out}}
		m := &Manifest{Version: FormatVersion, URLPrefix: prefix, Files: map[string]Entry{name: e}}
		want, err := encodeJSON(m)
		if err != nil {
			t.Fatal(err)
		}
		if got := marshalManifest(m); string(got) != string(want) {
			t.Fatalf("differs:\n%q\n%q", got, want)
		}
	})
}

func withVariants(e Entry, vs map[string]Variant) Entry {
	e.Variants = vs
	return e
}
