package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/muejam/assetpipe/build/compress"
)

// compressProgress reports the compress stage on w: a bar with the
// variants done, bytes in and out and the time left when w is a terminal,
// else, for CI logs, a plain line every few seconds of a long run (a short
// one prints none).
type compressProgress struct {
	w     io.Writer
	bar   *progressbar.ProgressBar
	start time.Time
	last  time.Time // plain lines: when the last was printed, or the start
}

// plainEvery is how often a plain progress line is printed.
const plainEvery = 3 * time.Second

func newCompressProgress(w io.Writer) *compressProgress {
	now := time.Now()
	p := &compressProgress{w: w, start: now, last: now}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.bar = progressbar.NewOptions64(0,
			progressbar.OptionSetWriter(w),
			progressbar.OptionShowBytes(true),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish(),
			progressbar.OptionSetWidth(20),
		)
	}
	return p
}

// update is compress.Options.Progress.
func (p *compressProgress) update(s compress.Progress) {
	desc := fmt.Sprintf("compress %d/%d variants, %s → %s", s.Done, s.Total, size(s.BytesIn), size(s.BytesOut))
	if p.bar != nil {
		if p.bar.GetMax64() != s.TotalIn {
			p.bar.ChangeMax64(s.TotalIn)
		}
		p.bar.Describe(desc)
		p.bar.Set64(s.BytesIn)
		return
	}
	if time.Since(p.last) >= plainEvery {
		left := ""
		if s.BytesIn > 0 {
			elapsed := time.Since(p.start)
			eta := time.Duration(float64(elapsed) * float64(s.TotalIn-s.BytesIn) / float64(s.BytesIn))
			left = fmt.Sprintf(", about %s left", eta.Round(time.Second))
		}
		fmt.Fprintln(p.w, desc+left)
		p.last = time.Now()
	}
}

func (p *compressProgress) finish() {
	if p.bar != nil {
		p.bar.Finish()
	}
}

// printCompressed is the summary of a compress run.
func printCompressed(w io.Writer, s *compress.Summary) {
	unchanged := ""
	if s.Unchanged > 0 {
		unchanged = fmt.Sprintf(", %d unchanged", s.Unchanged)
	}
	fmt.Fprintf(w, "compressed %d files: %d variants, %d encoded, %d from the cache%s, in %s\n",
		s.Files, s.Variants, s.Compressed, s.CacheHits, unchanged, s.Duration.Round(timeUnit(s.Duration)))
	for _, enc := range []string{"br", "gzip"} {
		in, out := s.In[enc], s.Out[enc]
		if in == 0 {
			continue
		}
		fmt.Fprintf(w, "  %-4s %s → %s, %s saved (%.0f%%)\n", enc, size(in), size(out), size(in-out), 100*float64(in-out)/float64(in))
	}
}
