package publish

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/muejam/assetpipe/config"
)

// RollbackOptions are a rollback's settings.
type RollbackOptions struct {
	Release string // the kept release to make live again
	Config  config.Config
	DryRun  bool
	Wait    bool
	Now     func() time.Time
}

// Rollback makes a kept release live again without rebuilding: its
// unversioned objects are written back to their keys from the release
// records that hold their bytes, with that release's headers, in the same
// safe order as a publish; then one invalidation of the paths that
// changed; then current.json. Its versioned objects are still in the
// bucket: pruning keeps every kept release's.
func Rollback(ctx context.Context, s Store, cdn CDN, opts RollbackOptions) (*Result, error) {
	start := time.Now()
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	pc := opts.Config.Publish
	currentKey := pc.Prefix + MetaDir + "current.json"
	current, etag, err := readRecord(ctx, s, currentKey)
	if err != nil {
		return nil, err
	}
	if current == nil {
		return nil, fmt.Errorf("nothing was published under s3://%s/%s yet", pc.Bucket, pc.Prefix)
	}
	kept := current.Kept(pc.KeepReleases)
	if !slices.Contains(kept, opts.Release) {
		return nil, fmt.Errorf("release %s is not kept (kept: %s): its objects may be pruned, so it cannot be made live again", opts.Release, strings.Join(kept, ", "))
	}
	target, _, err := readRecord(ctx, s, pc.Prefix+MetaDir+"releases/"+opts.Release+".json")
	if err != nil {
		return nil, err
	}
	if target == nil {
		return nil, fmt.Errorf("release %s has no record in the bucket", opts.Release)
	}
	if target.Prefix != pc.Prefix {
		return nil, fmt.Errorf("release %s was published below %q, not %q", opts.Release, target.Prefix, pc.Prefix)
	}
	p, err := MakePlan(opts.Release, pc.Prefix, target.Objects, current, pc.WildcardThreshold)
	if err != nil {
		return nil, err
	}
	restore(p)
	res := &Result{Plan: p}
	if opts.DryRun || !p.Changed() {
		res.Duration = time.Since(start)
		return res, nil
	}
	total := 0
	for _, g := range p.Uploads {
		total += len(g)
	}
	contents := &records{s: s, prefix: pc.Prefix, byName: map[string]*Record{target.Release: target}}
	for _, g := range p.Uploads {
		if err := restoreGroup(ctx, s, contents, target, g); err != nil {
			return nil, err
		}
		res.Uploaded += len(g)
	}
	if res.Deleted, err = deleteRemoved(ctx, s, p); err != nil {
		return nil, err
	}
	rec := nextRecord(opts.Release, pc.Prefix, now().UTC(), target.Objects, current, target.Stored)
	rec.Time = target.Time // the release's own time; History says when it went live again
	if err := goLive(ctx, s, cdn, pc, p, rec, etag, opts.Wait, res); err != nil {
		return nil, err
	}
	res.Duration = time.Since(start)
	return res, nil
}

// restore turns a publish plan into a rollback's: versioned objects are
// in the bucket already, and each unversioned object is written back from
// the release record that holds its bytes, which nothing more needs to
// keep.
func restore(p *Plan) {
	for i, g := range p.Uploads {
		var out []Action
		for _, a := range g {
			if a.Versioned {
				a.Reason = ReasonKept
				p.Skipped = append(p.Skipped, a)
				continue
			}
			a.Reason = ReasonRestore + " (" + a.Reason + ")"
			out = append(out, a)
		}
		p.Uploads[i] = out
	}
	p.Keep = nil
	sortActions(p.Skipped)
}

// restoreGroup writes one group's objects back from the records.
func restoreGroup(ctx context.Context, s Store, contents *records, target *Record, g []Action) error {
	eg, ctx := errgroup.WithContext(ctx)
	eg.SetLimit(4 * runtime.GOMAXPROCS(0))
	for _, a := range g {
		eg.Go(func() error {
			data, err := contents.content(ctx, target.Stored[a.SHA256], a.SHA256)
			if err != nil {
				return fmt.Errorf("restoring %s: %w", a.Key, err)
			}
			if err := s.Put(ctx, a.Key, bytes.NewReader(data), int64(len(data)), a.Headers, a.SHA256, Condition{}); err != nil {
				return fmt.Errorf("restoring %s: %w", a.Key, err)
			}
			return nil
		})
	}
	return eg.Wait()
}

// records reads release records, each once, for the contents they hold.
type records struct {
	s      Store
	prefix string

	mu     sync.Mutex
	byName map[string]*Record
}

// content returns the bytes with SHA-256 sum that the record of release
// holds.
func (r *records) content(ctx context.Context, release, sum string) ([]byte, error) {
	if release == "" {
		return nil, fmt.Errorf("no release record holds content %s", sum)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	rec, ok := r.byName[release]
	if !ok {
		var err error
		if rec, _, err = readRecord(ctx, r.s, r.prefix+MetaDir+"releases/"+release+".json"); err != nil {
			return nil, err
		}
		if rec == nil {
			return nil, fmt.Errorf("the record of release %s, which holds content %s, is gone", release, sum)
		}
		r.byName[release] = rec
	}
	data, ok := rec.Contents[sum]
	if got := sha256.Sum256(data); !ok || hex.EncodeToString(got[:]) != sum {
		return nil, fmt.Errorf("the record of release %s does not hold content %s", release, sum)
	}
	return data, nil
}

// ReleaseInfo describes a kept release.
type ReleaseInfo struct {
	Name    string    `json:"name"`
	Time    time.Time `json:"time"`    // when it went live last
	Objects int       `json:"objects"` // -1 when its record is gone
	Current bool      `json:"current"`
}

// Releases lists the kept releases, newest first, from the live record
// and each release's own record.
func Releases(ctx context.Context, s Store, cfg config.Config) ([]ReleaseInfo, error) {
	pc := cfg.Publish
	current, _, err := readRecord(ctx, s, pc.Prefix+MetaDir+"current.json")
	if err != nil || current == nil {
		return nil, err
	}
	var out []ReleaseInfo
	for i, h := range current.History {
		if i == pc.KeepReleases {
			break
		}
		info := ReleaseInfo{Name: h.Name, Time: h.Time, Objects: -1, Current: i == 0}
		if r, _, err := readRecord(ctx, s, pc.Prefix+MetaDir+"releases/"+h.Name+".json"); err != nil {
			return nil, err
		} else if r != nil {
			info.Objects = len(r.Objects)
		}
		out = append(out, info)
	}
	return out, nil
}
