package build

import (
	"crypto/md5"
	"crypto/sha256"
	"crypto/sha512"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
)

// digests are the hashes every output gets: MD5 names it (as Django
// does), SHA-256 identifies it for publishing, SHA-384 is its SRI.
type digests struct {
	md5, sha256, sha384 hash.Hash
	size                int64
}

func newDigests() *digests {
	return &digests{md5: md5.New(), sha256: sha256.New(), sha384: sha512.New384()}
}

func (d *digests) Write(p []byte) (int, error) {
	d.md5.Write(p)
	d.sha256.Write(p)
	d.sha384.Write(p)
	d.size += int64(len(p))
	return len(p), nil
}

// sums stores the digests in e.
func (d *digests) sums(e *indexEntry) {
	d.md5.Sum(e.md5[:0])
	d.sha256.Sum(e.sha256[:0])
	d.sha384.Sum(e.sha384[:0])
}

// readAll reads the size bytes stat gave for in into a reused buffer. A
// file that changes meanwhile is read as far as it goes: what is read is
// what is hashed and written, so the output stays consistent.
func (x *executor) readAll(in *os.File, size int64) ([]byte, error) {
	buf := x.getBuf(int(size))[:size]
	n, err := io.ReadFull(in, buf)
	if errors.Is(err, io.ErrUnexpectedEOF) {
		err = nil
	}
	return buf[:n], err
}

func (x *executor) getBuf(n int) []byte {
	select {
	case b := <-x.bufs:
		if cap(b) >= n {
			return b[:0]
		}
	default:
	}
	return make([]byte, 0, max(n, 64<<10))
}

func (x *executor) putBuf(b []byte) {
	select {
	case x.bufs <- b:
	default:
	}
}

// copyHashing copies a file that needs no rewriting into the staging
// directory under a temporary name, hashing it on the way: one read.
func (x *executor) copyHashing(src string, in io.Reader, d *digests) (string, error) {
	tmp, err := os.CreateTemp(x.dir, ".part-*")
	if err != nil {
		return "", fmt.Errorf("staging %s: %w", src, err)
	}
	buf := make([]byte, 256<<10)
	_, err = io.CopyBuffer(io.MultiWriter(tmp, d), onlyReader{in}, buf)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return "", fmt.Errorf("copying %s: %w", src, err)
	}
	return tmp.Name(), nil
}

// onlyReader hides WriterTo, so that CopyBuffer uses the buffer given.
type onlyReader struct{ io.Reader }
