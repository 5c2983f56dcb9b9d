package manifest

import (
	"errors"
	"fmt"
	"sort"
)

// ViteFileName is where Vite (5+) writes its manifest under outDir and
// where django-vite looks for it.
const ViteFileName = ".vite/manifest.json"

// ViteChunk is one entry of Vite's manifest. Keys of the manifest are source
// paths from the project root ("src/main.js"); shared chunks are "_name".
type ViteChunk struct {
	File    string   `json:"file"`              // output path relative to outDir
	Src     string   `json:"src,omitempty"`     // source path, as the key
	IsEntry bool     `json:"isEntry,omitempty"` // a page entry point
	Imports []string `json:"imports,omitempty"` // keys of statically imported chunks
	CSS     []string `json:"css,omitempty"`     // output paths of its CSS
	Assets  []string `json:"assets,omitempty"`  // output paths of other assets
}

// Vite encodes chunks as Vite's manifest.json: indented two spaces, keys
// sorted, trailing newline, no HTML escaping. It refuses output paths that
// are not clean relative paths and imports that name no chunk, since
// django-vite follows imports by key.
func Vite(chunks map[string]ViteChunk) ([]byte, error) {
	keys := make([]string, 0, len(chunks))
	for k := range chunks {
		keys = append(keys, k)
	}
	sort.Strings(keys) // report the same error on every run
	for _, k := range keys {
		if err := checkViteChunk(chunks, k); err != nil {
			return nil, fmt.Errorf("vite manifest: chunk %q: %w", k, err)
		}
	}
	if chunks == nil {
		chunks = map[string]ViteChunk{} // {} rather than null
	}
	data, err := encodeJSON(chunks)
	if err != nil {
		return nil, fmt.Errorf("vite manifest: %w", err)
	}
	return data, nil
}

func checkViteChunk(chunks map[string]ViteChunk, key string) error {
	// Keys are not checked as paths: Vite writes "../" keys for sources
	// outside its root (monorepos, node_modules).
	if key == "" {
		return errors.New("empty key")
	}
	c := chunks[key]
	if err := ValidatePath(c.File); err != nil {
		return fmt.Errorf("file %q: %w", c.File, err)
	}
	for _, imp := range c.Imports {
		if _, ok := chunks[imp]; !ok {
			return fmt.Errorf("imports %q, which is not in the manifest", imp)
		}
	}
	for _, list := range [][]string{c.CSS, c.Assets} {
		for _, p := range list {
			if err := ValidatePath(p); err != nil {
				return fmt.Errorf("%q: %w", p, err)
			}
		}
	}
	return nil
}
