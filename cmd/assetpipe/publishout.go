package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/muejam/assetpipe/config"
	"github.com/muejam/assetpipe/publish"
)

// printPublish prints a publish's plan (each object with its action,
// reason and headers) for a dry run, and its summary.
func printPublish(w io.Writer, cfg config.Config, res *publish.Result, dryRun bool) {
	p := res.Plan
	where := "s3://" + cfg.Publish.Bucket + "/" + p.Prefix
	if cfg.Publish.Bucket == "" {
		where = "(no bucket)/" + p.Prefix
	}
	if res.Note != "" {
		fmt.Fprintf(w, "note: %s\n", res.Note)
	}
	if dryRun {
		fmt.Fprintf(w, "plan for release %s to %s:\n", p.Release, where)
		names := []string{"versioned files and variants", "other unversioned files", "pages", "manifests"}
		for i, g := range p.Uploads {
			if len(g) == 0 {
				continue
			}
			fmt.Fprintf(w, "%d. %s:\n", i+1, names[i])
			for _, a := range g {
				h := "Cache-Control: " + a.Headers.CacheControl + "; Content-Type: " + a.Headers.ContentType
				if a.Headers.ContentEncoding != "" {
					h += "; Content-Encoding: " + a.Headers.ContentEncoding
				}
				fmt.Fprintf(w, "   upload %s (%s) [%s]\n", a.Key, a.Reason, h)
			}
		}
		for _, d := range p.Deletes {
			fmt.Fprintf(w, "   delete %s (%s)\n", d.Key, d.Reason)
		}
		printPrune(w, cfg, p)
		if p.Changed() {
			fmt.Fprintf(w, "5. record: %s%sreleases/%s.json (with the bytes of %d unversioned files, for rollback), then %s%scurrent.json\n",
				p.Prefix, publish.MetaDir, p.Release, len(p.Keep), p.Prefix, publish.MetaDir)
		}
		printInvalidation(w, cfg, p)
		fmt.Fprintf(w, "would upload %d objects, skip %d unchanged, delete %d\n", uploads(p), len(p.Skipped), len(p.Deletes))
		return
	}
	if !p.Changed() {
		fmt.Fprintf(w, "release %s: nothing changed in %s (%d objects), in %s\n", p.Release, where, len(p.Skipped), res.Duration.Round(time.Millisecond))
		return
	}
	fmt.Fprintf(w, "release %s is live in %s: uploaded %d objects (%s), skipped %d, deleted %d, pruned %d, in %s\n",
		p.Release, where, res.Uploaded, size(res.Bytes), len(p.Skipped), res.Deleted, res.Pruned, res.Duration.Round(time.Millisecond))
	if p.PruneHeld {
		printPrune(w, cfg, p)
	}
	if res.Invalidation != "" {
		fmt.Fprintf(w, "invalidation %s: %s\n", res.Invalidation, strings.Join(p.Paths, " "))
	} else {
		printInvalidation(w, cfg, p)
	}
}

func printPrune(w io.Writer, cfg config.Config, p *publish.Plan) {
	switch {
	case p.PruneHeld:
		fmt.Fprintf(w, "not pruning %d old versioned objects: more than publish.max_deletes (%d); run with --force to prune them\n", len(p.Prune), cfg.Publish.MaxDeletes)
	case len(p.Prune) > 0:
		fmt.Fprintf(w, "   prune %d old versioned objects no kept release has: %s\n", len(p.Prune), strings.Join(p.Prune, " "))
	}
}

func printInvalidation(w io.Writer, cfg config.Config, p *publish.Plan) {
	switch {
	case len(p.Paths) == 0:
		fmt.Fprintln(w, "no path to invalidate")
	case cfg.Publish.DistributionID == "":
		fmt.Fprintf(w, "no distribution configured; would invalidate %s\n", strings.Join(p.Paths, " "))
	default:
		fmt.Fprintf(w, "invalidate in %s: %s\n", cfg.Publish.DistributionID, strings.Join(p.Paths, " "))
	}
}

func uploads(p *publish.Plan) int {
	n := 0
	for _, g := range p.Uploads {
		n += len(g)
	}
	return n
}

// countProgress shows a bar of done/total on a terminal and a plain line
// every few seconds otherwise.
type countProgress struct {
	w     io.Writer
	what  string
	bar   *progressbar.ProgressBar
	start time.Time
	last  time.Time
}

func newCountProgress(w io.Writer, what string) *countProgress {
	now := time.Now()
	p := &countProgress{w: w, what: what, start: now, last: now}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.bar = progressbar.NewOptions(0, progressbar.OptionSetWriter(w), progressbar.OptionShowCount(),
			progressbar.OptionSetPredictTime(true), progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish(), progressbar.OptionSetWidth(20), progressbar.OptionSetDescription(what))
	}
	return p
}

func (p *countProgress) update(done, total int, bytes int64) {
	if p.bar != nil {
		if p.bar.GetMax() != total {
			p.bar.ChangeMax(total)
		}
		p.bar.Set(done)
		return
	}
	if time.Since(p.last) >= plainEvery {
		fmt.Fprintf(p.w, "%s %d/%d objects, %s\n", p.what, done, total, size(bytes))
		p.last = time.Now()
	}
}

func (p *countProgress) finish() {
	if p.bar != nil {
		p.bar.Finish()
	}
}
