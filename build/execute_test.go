package build

import (
	"bytes"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
)

// Large files are streamed through a temporary file; the result must be
// the same as for files read whole.
func TestProcessStreamsLargeFilesToTheSameResult(t *testing.T) {
	src := t.TempDir()
	data := bytes.Repeat([]byte("0123456789abcdef"), 64<<10) // 1 MiB
	path := filepath.Join(src, "video.mp4")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	sum := md5.Sum(data)
	wantName := "video." + hex.EncodeToString(sum[:])[:hashLen] + ".mp4"
	sha := sha256.Sum256(data)
	for _, limit := range []int64{streamAbove, 1024} {
		dir := t.TempDir()
		x := newExecutor(dir, false, nil, nil)
		x.streamAbove = limit
		f := &file{name: "video.mp4", path: path, versioned: true}
		if err := x.process(f, nil); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(dir, wantName))
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("limit %d: output %s wrong (%v)", limit, wantName, err)
		}
		e := x.entries["video.mp4"]
		if e.Path != wantName || e.Size != int64(len(data)) || e.SHA256 != hex.EncodeToString(sha[:]) || e.ContentType != "video/mp4" {
			t.Errorf("limit %d: entry %+v", limit, e)
		}
		left, _ := filepath.Glob(filepath.Join(dir, ".part-*"))
		if len(left) != 0 {
			t.Errorf("limit %d: temporary files left: %v", limit, left)
		}
	}
}

func TestTwoFilesUnderOneNameIsAnError(t *testing.T) {
	x := newExecutor(t.TempDir(), false, nil, nil)
	if err := x.process(&file{name: "staticfiles.json", data: []byte("{}")}, nil); err != nil {
		t.Fatal(err)
	}
	err := x.writeManifest("staticfiles.json", []byte("{}"))
	if err == nil || err.Error() != "staticfiles.json and the manifest would both be written as staticfiles.json" {
		t.Fatalf("err = %v", err)
	}
}
