package compress

import (
	"bytes"
	"fmt"
	"sync"

	"github.com/klauspost/compress/gzip"
	brrr "github.com/molecule-man/go-brrr"

	"github.com/muejam/assetpipe/config"
)

// encoder makes one encoding's variant of a file's bytes. id names the
// encoder and every setting that changes its output: it is part of the
// cache key.
type encoder interface {
	id() string
	encode(src []byte) ([]byte, error)
}

func newEncoder(encoding string) (encoder, error) {
	switch encoding {
	case config.Brotli:
		return &brotliEncoder{}, nil
	case config.Gzip:
		return &gzipEncoder{}, nil
	}
	return nil, fmt.Errorf("compress: unknown encoding %q", encoding)
}

// brotliQuality is the densest brotli: the files are compressed once and
// served many times.
const brotliQuality = 11

// brotliEncoder is go-brrr at quality 11 with the window the C brotli
// tool picks (the smallest that holds the whole file, at most the
// standard's 16 MiB), so its output is byte for byte the C tool's.
// Writers are reused per window size: a quality-11 writer's tables are
// megabytes.
type brotliEncoder struct {
	pools sync.Map // window bits → *sync.Pool of *brrr.Writer
}

func (e *brotliEncoder) id() string { return fmt.Sprintf("br-q%d", brotliQuality) }

func (e *brotliEncoder) encode(src []byte) ([]byte, error) {
	lgwin := windowBits(len(src))
	p, _ := e.pools.LoadOrStore(lgwin, &sync.Pool{})
	pool := p.(*sync.Pool)
	var buf bytes.Buffer
	buf.Grow(len(src)/3 + 64)
	w, _ := pool.Get().(*brrr.Writer)
	if w == nil {
		var err error
		w, err = brrr.NewWriterOptions(&buf, brotliQuality, brrr.WriterOptions{LGWin: lgwin, SizeHint: uint(len(src))})
		if err != nil {
			return nil, fmt.Errorf("brotli: %w", err)
		}
	} else {
		w.ResetWithSizeHint(&buf, uint(len(src)))
	}
	if _, err := w.Write(src); err != nil {
		return nil, fmt.Errorf("brotli: %w", err)
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("brotli: %w", err)
	}
	pool.Put(w)
	return buf.Bytes(), nil
}

// windowBits is the brotli window the C tool chooses for n bytes: the
// smallest from 2^10 up that holds them, at most 2^24 (a window is 2^w-16).
func windowBits(n int) int {
	w := 10
	for w < 24 && (1<<w)-16 < n {
		w++
	}
	return w
}

// gzipLevel is gzip's densest level, as whitenoise and gzip -9 use.
const gzipLevel = 9

// gzipEncoder is klauspost/compress at level 9, with no name and no
// modification time in the header, so equal inputs give equal outputs.
type gzipEncoder struct {
	pool sync.Pool // *gzip.Writer
}

func (e *gzipEncoder) id() string { return fmt.Sprintf("gzip-%d", gzipLevel) }

func (e *gzipEncoder) encode(src []byte) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(len(src)/3 + 64)
	w, _ := e.pool.Get().(*gzip.Writer)
	if w == nil {
		var err error
		if w, err = gzip.NewWriterLevel(&buf, gzipLevel); err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
	} else {
		w.Reset(&buf)
	}
	if _, err := w.Write(src); err != nil {
		return nil, fmt.Errorf("gzip: %w", err)
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("gzip: %w", err)
	}
	e.pool.Put(w)
	return buf.Bytes(), nil
}
