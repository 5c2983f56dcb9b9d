package compress

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// The brotli variants are byte for byte what the C brotli tool writes at
// quality 11: the same window choice, the same encoder.
func TestBrotliMatchesTheCTool(t *testing.T) {
	if _, err := exec.LookPath("brotli"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("the brotli tool (Debian package brotli) is missing; .ci/run installs it")
		}
		t.Skip("brotli tool not installed")
	}
	dir := t.TempDir()
	for i, size := range []int{300, 5000, 70000, 1 << 20} {
		data := text(uint64(i), size)
		p := filepath.Join(dir, "f.js")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		want, err := exec.Command("brotli", "-q", "11", "-c", p).Output()
		if err != nil {
			t.Fatal(err)
		}
		got, err := (&brotliEncoder{}).encode(data)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%d bytes: go-brrr wrote %d bytes, the C tool %d, not the same", size, len(got), len(want))
		}
	}
}
