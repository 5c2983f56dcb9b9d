package publish

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/muejam/assetpipe/config"
	"github.com/muejam/assetpipe/internal/fileio"
	"github.com/muejam/assetpipe/manifest"
)

// Store is the bucket, as a publish uses it. Keys are full keys.
type Store interface {
	// Get returns an object's bytes and ETag, or an error wrapping
	// ErrNotFound.
	Get(ctx context.Context, key string) (data []byte, etag string, err error)
	// Put stores size bytes from body under key with the headers and the
	// SHA-256 as metadata. cond makes it conditional (see Condition).
	Put(ctx context.Context, key string, body io.ReadSeeker, size int64, h Headers, sha256 string, cond Condition) error
	// Delete removes the keys, in as few requests as it can.
	Delete(ctx context.Context, keys []string) error
}

// CDN invalidates paths of a distribution.
type CDN interface {
	Invalidate(ctx context.Context, distributionID string, inv Invalidation) (id string, err error)
	Wait(ctx context.Context, distributionID, id string) error
}

// ErrNotFound is what a Store's Get wraps for a missing key.
var ErrNotFound = errors.New("no such key")

// ErrConflict is what a Store's conditional Put wraps when the condition
// failed: another publish wrote the key since it was read.
var ErrConflict = errors.New("precondition failed")

// Condition makes a Put conditional: IfMatch replaces only the object
// with that ETag; IfNoneMatch creates only when the key is free.
type Condition struct {
	IfMatch     string
	IfNoneMatch bool
}

// Options are a publish's settings.
type Options struct {
	Out     string // the build output
	Release string
	Config  config.Config
	DryRun  bool
	Wait    bool // wait for the invalidation to complete
	Force   bool // prune more than max_deletes objects
	// Verify compares with what the bucket holds, object by object,
	// instead of trusting the live record; the store must be a Lister.
	Verify   bool
	Now      func() time.Time
	Progress func(done, total int, bytes int64)
}

// Result is what a publish did.
type Result struct {
	Plan         *Plan  `json:"plan"`
	Uploaded     int    `json:"uploaded"`
	Bytes        int64  `json:"bytes"`
	Deleted      int    `json:"deleted"`
	Pruned       int    `json:"pruned"`
	Invalidation string `json:"invalidation_id,omitempty"`
	FirstRelease bool   `json:"first_release"`
	// Note says why a dry run planned against an empty bucket.
	Note     string        `json:"note,omitempty"`
	Duration time.Duration `json:"duration_ns"`
}

// Publish uploads the build output at opts.Out to the store, in the
// order the plan gives, records the release, and invalidates the changed
// paths in the CDN (when a distribution is configured). With DryRun it
// only reads the live record and returns the plan; a dry run without a
// store (s nil), or whose store cannot be read, plans against an empty
// bucket and says so in the result's Note.
func Publish(ctx context.Context, s Store, cdn CDN, opts Options) (*Result, error) {
	start := time.Now()
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	pc := opts.Config.Publish
	objs, err := localObjects(opts.Out, opts.Config)
	if err != nil {
		return nil, err
	}
	currentKey := pc.Prefix + MetaDir + "current.json"
	var (
		current *Record
		etag    string
		note    string
	)
	switch {
	case s == nil && opts.DryRun:
		note = "no bucket configured: planned against an empty bucket"
	case s == nil:
		return nil, errors.New("no bucket to publish to")
	default:
		current, etag, err = readRecord(ctx, s, currentKey)
		if err != nil && opts.DryRun {
			note = fmt.Sprintf("the bucket could not be read (%v): planned against an empty bucket", err)
		} else if err != nil {
			return nil, err
		}
	}
	base := current
	if opts.Verify && s != nil {
		l, ok := s.(Lister)
		if !ok {
			return nil, errors.New("--verify: this store cannot be listed")
		}
		if base, err = remoteRecord(ctx, l, pc.Prefix, objs); err != nil {
			return nil, err
		}
		if current != nil {
			base.Release, base.History, base.Retired = current.Release, current.History, current.Retired
		}
	}
	p, err := MakePlan(opts.Release, pc.Prefix, objs, base, pc.WildcardThreshold)
	if err != nil {
		return nil, err
	}
	res := &Result{Plan: p, FirstRelease: current == nil, Note: note}
	var stored map[string]string
	if base != nil {
		stored = base.Stored
	}
	rec := nextRecord(opts.Release, pc.Prefix, now().UTC(), objs, current, stored)
	p.Prune = rec.Prunable(pc.KeepReleases, opts.Config.PruneAge(), rec.Time)
	if len(p.Prune) > pc.MaxDeletes && !opts.Force {
		p.PruneHeld = true
	}
	if opts.DryRun || !p.Changed() {
		res.Duration = time.Since(start)
		return res, nil
	}
	total := 0
	for _, g := range p.Uploads {
		total += len(g)
	}
	up := &uploader{s: s, out: opts.Out, total: total, progress: opts.Progress}
	for _, g := range p.Uploads {
		if err := up.group(ctx, g); err != nil {
			return nil, err
		}
	}
	res.Uploaded, res.Bytes = up.done, up.bytes
	if res.Deleted, err = deleteRemoved(ctx, s, p); err != nil {
		return nil, err
	}
	// Pruned objects belong to no kept release, nor to the live one, so
	// a crash after this leaves nothing live referring to them.
	if len(p.Prune) > 0 && !p.PruneHeld {
		if err := s.Delete(ctx, p.Prune); err != nil {
			return nil, fmt.Errorf("pruning: %w", err)
		}
		for _, k := range p.Prune {
			delete(rec.Retired, k)
		}
		res.Pruned = len(p.Prune)
	}
	// The release's own record also holds the bytes of the unversioned
	// contents no earlier record holds.
	own := *rec
	if own.Contents, err = readContents(opts.Out, p.Keep); err != nil {
		return nil, err
	}
	full, err := json.MarshalIndent(&own, "", " ")
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(full)
	if err := s.Put(ctx, pc.Prefix+MetaDir+"releases/"+opts.Release+".json", bytes.NewReader(full), int64(len(full)), recordHeaders(), hex.EncodeToString(sum[:]), Condition{}); err != nil {
		return nil, fmt.Errorf("recording release %s: %w", opts.Release, err)
	}
	if err := goLive(ctx, s, cdn, pc, p, rec, etag, opts.Wait, res); err != nil {
		return nil, err
	}
	res.Duration = time.Since(start)
	return res, nil
}

// recordHeaders are the release records': never cached.
func recordHeaders() Headers {
	return Headers{CacheControl: "no-cache", ContentType: "application/json; charset=utf-8"}
}

// deleteRemoved deletes the unversioned objects the plan's release does
// not have, and says how many.
func deleteRemoved(ctx context.Context, s Store, p *Plan) (int, error) {
	if len(p.Deletes) == 0 {
		return 0, nil
	}
	keys := make([]string, len(p.Deletes))
	for i, d := range p.Deletes {
		keys[i] = d.Key
	}
	if err := s.Delete(ctx, keys); err != nil {
		return 0, fmt.Errorf("deleting the objects release %s does not have: %w", p.Release, err)
	}
	return len(keys), nil
}

// goLive makes the plan's release the live one once its objects are
// uploaded: it invalidates the paths that changed, writes rec to
// current.json if current.json still has the ETag read at the
// start (none: still absent), and then, with wait, waits for the
// invalidation to complete.
//
// The objects are live once uploaded; current.json is assetpipe's own
// state. Invalidating before writing it means a run that fails to
// invalidate has not recorded the release, so running it again sends the
// same invalidation again (the same CallerReference: CloudFront makes no
// second one if the first got through).
func goLive(ctx context.Context, s Store, cdn CDN, pc config.Publish, p *Plan, rec *Record, etag string, wait bool, res *Result) error {
	data, err := json.MarshalIndent(rec, "", " ")
	if err != nil {
		return err
	}
	if len(p.Paths) > 0 && pc.DistributionID != "" && cdn != nil {
		id, err := cdn.Invalidate(ctx, pc.DistributionID, p.Invalidation)
		if err != nil {
			return fmt.Errorf("invalidating %d paths failed, so release %s is not recorded as live; run again: %w", len(p.Paths), p.Release, err)
		}
		res.Invalidation = id
	}
	key := pc.Prefix + MetaDir + "current.json"
	sum := sha256.Sum256(data)
	err = s.Put(ctx, key, bytes.NewReader(data), int64(len(data)), recordHeaders(), hex.EncodeToString(sum[:]), Condition{IfMatch: etag, IfNoneMatch: etag == ""})
	// A retried request whose first try was written but whose answer was
	// lost fails its condition on this run's own write.
	if errors.Is(err, ErrConflict) && wrote(ctx, s, key, data) {
		err = nil
	}
	if errors.Is(err, ErrConflict) {
		return fmt.Errorf("another publish changed %s while this one ran; run this one again to make release %s live: %w", key, p.Release, err)
	}
	if err != nil {
		return fmt.Errorf("making release %s live: %w", p.Release, err)
	}
	if res.Invalidation != "" && wait {
		if err := cdn.Wait(ctx, pc.DistributionID, res.Invalidation); err != nil {
			return fmt.Errorf("waiting for invalidation %s: %w", res.Invalidation, err)
		}
	}
	return nil
}

// readContents reads the output files of objs, checking each against the
// SHA-256 the plan was made with.
func readContents(out string, objs []Object) (map[string][]byte, error) {
	contents := make(map[string][]byte, len(objs))
	for _, o := range objs {
		data, err := fileio.ReadFile(filepath.Join(out, filepath.FromSlash(o.Path)))
		if err != nil {
			return nil, fmt.Errorf("reading the output: %w", err)
		}
		if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != o.SHA256 {
			return nil, fmt.Errorf("%s changed since it was built; build again", o.Path)
		}
		contents[o.SHA256] = data
	}
	return contents, nil
}

// wrote reports whether key holds exactly data.
func wrote(ctx context.Context, s Store, key string, data []byte) bool {
	got, _, err := s.Get(ctx, key)
	return err == nil && bytes.Equal(got, data)
}

// readRecord reads the live release's record; nil when there is none.
func readRecord(ctx context.Context, s Store, key string) (*Record, string, error) {
	data, etag, err := s.Get(ctx, key)
	if errors.Is(err, ErrNotFound) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", fmt.Errorf("reading %s: %w", key, err)
	}
	var r Record
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, "", fmt.Errorf("%s: %w", key, err)
	}
	if r.Format != RecordFormat {
		return nil, "", fmt.Errorf("%s: release record format %d, this assetpipe reads %d", key, r.Format, RecordFormat)
	}
	return &r, etag, nil
}

// localObjects lists the output's objects: the manifest's files and
// variants, and the manifest files themselves, which it reads to hash.
func localObjects(out string, cfg config.Config) ([]Object, error) {
	m, err := manifest.ReadFile(filepath.Join(out, manifest.FileName))
	if err != nil {
		return nil, fmt.Errorf("no build to publish: %w", err)
	}
	names := []string{manifest.FileName}
	if cfg.Manifests.Django.Enabled {
		names = append(names, cfg.Manifests.Django.Path)
	}
	if cfg.Manifests.Vite.Enabled {
		names = append(names, cfg.Manifests.Vite.Path)
	}
	var files []File
	for _, n := range names {
		data, err := fileio.ReadFile(filepath.Join(out, filepath.FromSlash(n)))
		if err != nil {
			return nil, fmt.Errorf("reading the output: %w", err)
		}
		sum := sha256.Sum256(data)
		files = append(files, File{Path: n, Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:])})
	}
	h := newHeaderRules(cfg)
	pages, configured := cfg.ErrorPageFiles()
	codes := make([]int, 0, len(pages))
	for c := range pages {
		codes = append(codes, c)
	}
	sort.Ints(codes)
	byPath := map[string]bool{}
	for _, e := range m.Files {
		byPath[e.Path] = true
	}
	for _, c := range codes {
		if configured && !byPath[pages[c]] {
			return nil, fmt.Errorf("publish.error_pages: the %d page %s is not in the output %s", c, pages[c], out)
		}
	}
	return Objects(m, files, h), nil
}

// uploader uploads one group at a time, many requests at once.
type uploader struct {
	s        Store
	out      string
	total    int
	progress func(done, total int, bytes int64)

	mu    sync.Mutex
	done  int
	bytes int64
}

func (u *uploader) group(ctx context.Context, actions []Action) error {
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(4 * runtime.GOMAXPROCS(0)) // requests wait on the network, not the CPU
	for _, a := range actions {
		g.Go(func() error {
			if err := u.upload(ctx, a, filepath.Join(u.out, filepath.FromSlash(a.Path))); err != nil {
				return err
			}
			u.count(a.Size)
			return nil
		})
	}
	return g.Wait()
}

// streamAbove is the size from which a file is sent from disk rather
// than read whole first: a few large videos must not fill the memory.
const streamAbove = 8 << 20

// upload sends the file at path for a, checking first that it still has
// the SHA-256 the plan was made with.
func (u *uploader) upload(ctx context.Context, a Action, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("reading the output: %w", err)
	}
	defer f.Close()
	var body io.ReadSeeker = f
	h := sha256.New()
	if a.Size > streamAbove {
		if _, err := io.Copy(h, f); err != nil {
			return fmt.Errorf("reading %s: %w", path, err)
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return err
		}
	} else {
		data, err := io.ReadAll(f)
		if err != nil {
			return fmt.Errorf("reading %s: %w", path, err)
		}
		h.Write(data)
		body = bytes.NewReader(data)
	}
	if hex.EncodeToString(h.Sum(nil)) != a.SHA256 {
		return fmt.Errorf("%s changed since it was built; build again", path)
	}
	if err := u.s.Put(ctx, a.Key, body, a.Size, a.Headers, a.SHA256, Condition{}); err != nil {
		return fmt.Errorf("uploading %s: %w", a.Key, err)
	}
	return nil
}

func (u *uploader) count(n int64) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.done++
	u.bytes += n
	if u.progress != nil {
		u.progress(u.done, u.total, u.bytes)
	}
}

// DefaultRelease names a release the way a CI run makes unique and
// readable: the git commit of dir (with "-dirty" for uncommitted changes)
// when it is in a repository, else the UTC time.
func DefaultRelease(ctx context.Context, dir string, now time.Time) string {
	out, err := exec.CommandContext(ctx, "git", "-C", dir, "rev-parse", "--short=12", "HEAD").Output()
	if err == nil {
		name := strings.TrimSpace(string(out))
		if st, err := exec.CommandContext(ctx, "git", "-C", dir, "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(st) > 0 {
			name += "-dirty-" + now.UTC().Format("20060102T150405Z")
		}
		if ValidRelease(name) == nil {
			return name
		}
	}
	return now.UTC().Format("20060102T150405Z")
}

var releaseRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$`)

// ValidRelease checks that a release name is safe in a key and a file
// name.
func ValidRelease(name string) error {
	if !releaseRE.MatchString(name) {
		return fmt.Errorf("release name %q: use 1-100 letters, digits, '.', '_' and '-', starting with a letter or digit", name)
	}
	return nil
}
