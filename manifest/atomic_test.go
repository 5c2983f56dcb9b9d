package manifest

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.json")
	if err := WriteFileAtomic(path, []byte("first"), 0o600); err != nil {
		t.Fatal(err)
	}
	// Replacing an existing file sets the new contents and mode exactly.
	if err := WriteFileAtomic(path, []byte("second"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != "second" {
		t.Errorf("contents = %q, want %q", got, "second")
	}
	if runtime.GOOS != "windows" {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o644 {
			t.Errorf("mode = %v, want 0644", fi.Mode().Perm())
		}
	}
	assertEntries(t, dir, "out.json")
}

func TestWriteFileAtomicRelative(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if err := WriteFileAtomic("rel.json", []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	assertEntries(t, dir, "rel.json")
}

func TestWriteFileAtomicMissingDir(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "missing", "out.json")
	err := WriteFileAtomic(path, []byte("x"), 0o644)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("err = %v, want one wrapping fs.ErrNotExist", err)
	}
	assertEntries(t, dir)
}

func TestWriteFileAtomicRenameFails(t *testing.T) {
	// A directory in the way: the temp file is written, the rename fails,
	// and the temp file must not be left behind.
	dir := t.TempDir()
	path := filepath.Join(dir, "out.json")
	if err := os.Mkdir(path, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(path, "keep"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomic(path, []byte("x"), 0o644); err == nil {
		t.Fatal("WriteFileAtomic over a non-empty directory succeeded")
	}
	assertEntries(t, dir, "out.json")
	if fi, err := os.Stat(path); err != nil || !fi.IsDir() {
		t.Errorf("the directory in the way was changed: %v, %v", fi, err)
	}
}

// assertEntries checks that dir holds exactly the named entries: no temp
// file left over.
func assertEntries(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if len(got) != len(names) {
		t.Fatalf("%s holds %q, want %q", dir, got, names)
	}
	for i := range got {
		if got[i] != names[i] {
			t.Fatalf("%s holds %q, want %q", dir, got, names)
		}
	}
}
