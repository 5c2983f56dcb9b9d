package build

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// RealTree is the real asset tree, assembled from npm on first use.
func RealTree(t testing.TB) string { return realTree(t) }

// CheckOutput scans a built output directory with the same scanners the
// build uses and resolves every reference among the output's own files:
// it returns how many references resolved and the ones that did not.
func CheckOutput(out, prefix string) (resolvedCount int, brokenRefs []string, err error) {
	names := map[string]bool{}
	err = filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(out, p)
		names[filepath.ToSlash(rel)] = true
		return nil
	})
	if err != nil {
		return 0, nil, err
	}
	exists := func(n string) bool { return names[n] }
	for name := range names {
		scan := scannerFor(name)
		if scan == nil {
			continue
		}
		data, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(name)))
		if err != nil {
			return 0, nil, err
		}
		refs, _ := scan(data)
		for _, r := range refs {
			raw := string(data[r.Start:r.End])
			switch _, outcome, msg := resolve(name, raw, r.URL, prefix, exists); outcome {
			case resolved:
				resolvedCount++
			case broken:
				line, col := position(data, r.Start)
				brokenRefs = append(brokenRefs, fmt.Sprintf("%s:%d:%d: %s", name, line, col, msg))
			}
		}
	}
	return resolvedCount, brokenRefs, nil
}
