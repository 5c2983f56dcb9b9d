// Package fileio reads and writes whole files with as few system calls
// as the job takes: a build handles thousands of small files, and on a
// virtual machine the calls, not the bytes, are what costs.
package fileio

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
)

// ReadFile reads the whole file: an open, a stat, one read and a close.
func ReadFile(name string) ([]byte, error) {
	f, err := OpenRead(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	// One byte more than stat says, to see the end in the same read.
	buf := make([]byte, fi.Size()+1)
	n, err := io.ReadFull(f, buf)
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return buf[:n], nil
	case err != nil:
		return nil, err
	}
	// The file grew since the stat: read the rest.
	rest, err := io.ReadAll(f)
	return append(buf, rest...), err
}

// WriteNew writes data to name, which must not exist yet.
func WriteNew(name string, data []byte) error {
	w, err := CreateNew(name)
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	return err
}

// WriteReplace writes data to a temporary file beside name and renames it
// over name: whoever opens name sees the old file or the new one, whole.
// It does not sync: it is for files a crash may lose (caches, outputs a
// rerun rewrites), not for ones that must survive it.
func WriteReplace(name string, data []byte) error {
	for range 10 {
		tmp := filepath.Join(filepath.Dir(name), fmt.Sprintf(".%s.tmp-%016x", filepath.Base(name), rand.Uint64()))
		err := WriteNew(tmp, data)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err == nil {
			err = os.Rename(tmp, name)
		}
		if err != nil {
			os.Remove(tmp)
		}
		return err
	}
	return fmt.Errorf("writing %s: no free temporary name", name)
}
