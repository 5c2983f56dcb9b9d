package manifest

import (
	"strings"
	"testing"
)

func TestVite(t *testing.T) {
	chunks := map[string]ViteChunk{
		"src/main.js": {
			File:    "assets/main-4f3a2b1c.js",
			Src:     "src/main.js",
			IsEntry: true,
			Imports: []string{"_shared-9a8b7c6d.js"},
			CSS:     []string{"assets/main-1a2b3c4d.css"},
			Assets:  []string{"assets/logo<&>-5e6f7a8b.svg"},
		},
		"_shared-9a8b7c6d.js": {File: "assets/shared-9a8b7c6d.js"},
		"src/admin.ts":        {File: "assets/admin-0f1e2d3c.js", Src: "src/admin.ts", IsEntry: true},
	}
	got, err := Vite(chunks)
	if err != nil {
		t.Fatal(err)
	}
	want := `{
  "_shared-9a8b7c6d.js": {
    "file": "assets/shared-9a8b7c6d.js"
  },
  "src/admin.ts": {
    "file": "assets/admin-0f1e2d3c.js",
    "src": "src/admin.ts",
    "isEntry": true
  },
  "src/main.js": {
    "file": "assets/main-4f3a2b1c.js",
    "src": "src/main.js",
    "isEntry": true,
    "imports": [
      "_shared-9a8b7c6d.js"
    ],
    "css": [
      "assets/main-1a2b3c4d.css"
    ],
    "assets": [
      "assets/logo<&>-5e6f7a8b.svg"
    ]
  }
}
`
	if string(got) != want {
		t.Errorf("Vite:\n%s\nwant\n%s", got, want)
	}
}

func TestViteEmpty(t *testing.T) {
	got, err := Vite(nil)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != "{}\n" {
		t.Errorf("Vite(nil) = %q, want %q", got, "{}\n")
	}
}

func TestViteErrors(t *testing.T) {
	tests := []struct {
		name   string
		chunks map[string]ViteChunk
		want   string
	}{
		{"empty key", map[string]ViteChunk{"": {File: "a.js"}}, "empty key"},
		{"no file", map[string]ViteChunk{"src/a.js": {}}, "empty path"},
		{"absolute file", map[string]ViteChunk{"src/a.js": {File: "/assets/a.js"}}, "absolute"},
		{"dangling import", map[string]ViteChunk{"src/a.js": {File: "a.js", Imports: []string{"_missing.js"}}}, `"_missing.js"`},
		{"bad css", map[string]ViteChunk{"src/a.js": {File: "a.js", CSS: []string{"../a.css"}}}, `"../a.css"`},
		{"bad asset", map[string]ViteChunk{"src/a.js": {File: "a.js", Assets: []string{"x//y.png"}}}, `"x//y.png"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Vite(tt.chunks)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want one containing %q", err, tt.want)
			}
		})
	}
	// Keys are source paths and may leave the Vite root.
	if _, err := Vite(map[string]ViteChunk{"../node_modules/x/index.js": {File: "assets/x.js"}}); err != nil {
		t.Errorf(`key "../node_modules/x/index.js": %v`, err)
	}
}
