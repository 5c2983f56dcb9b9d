package publish_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/muejam/assetpipe/build"
	"github.com/muejam/assetpipe/config"
	"github.com/muejam/assetpipe/internal/s3test"
	"github.com/muejam/assetpipe/manifest"
	"github.com/muejam/assetpipe/publish"
)

// siteTree writes a small site: pages that link CSS and JS, an error
// page, robots.txt and many icons.
func siteTree(t *testing.T, dir string, icons int) {
	t.Helper()
	files := map[string]string{
		"index.html":      `<link rel="stylesheet" href="css/site.css"><script type="module" src="js/app.js"></script>` + strings.Repeat("<p>home</p>", 40),
		"docs/index.html": `<link rel="stylesheet" href="../css/site.css">` + strings.Repeat("<p>docs</p>", 40),
		"404.html":        `<p>Not found.</p>`,
		"robots.txt":      "User-agent: *\n",
		"css/site.css":    `body { background: url("../img/i0.svg") }` + strings.Repeat("\n.a { color: red }", 30),
		"js/app.js":       `export const answer = 42;` + strings.Repeat("\n// comment", 40),
	}
	for i := range icons {
		files[fmt.Sprintf("img/i%d.svg", i)] = fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg"><title>%d</title></svg>`, i)
	}
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func edit(t *testing.T, p, old, new string) {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, bytes.Replace(data, []byte(old), []byte(new), 1), 0o644); err != nil {
		t.Fatal(err)
	}
}

type fixture struct {
	srv   *s3test.Server
	store *publish.S3Store
	cfg   config.Config
}

func newFixture(t *testing.T, icons int) *fixture {
	srv := s3test.Start(t)
	srv.CreateBucket(t, "assets")
	cfg := config.Default()
	cfg.Dir = t.TempDir()
	cfg.Src = filepath.Join(cfg.Dir, "site")
	cfg.Out = filepath.Join(cfg.Dir, "dist")
	cfg.CacheDir = filepath.Join(cfg.Dir, "cache")
	cfg.Publish.Bucket = "assets"
	cfg.Publish.Prefix = "static/"
	siteTree(t, cfg.Src, icons)
	return &fixture{srv: srv, store: &publish.S3Store{Client: srv.Client(), Bucket: "assets"}, cfg: cfg}
}

func (f *fixture) build(t *testing.T) *manifest.Manifest {
	t.Helper()
	if _, err := build.Build(context.Background(), f.cfg, build.Options{}); err != nil {
		t.Fatal(err)
	}
	m, err := manifest.ReadFile(filepath.Join(f.cfg.Out, manifest.FileName))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// publish runs a publish and returns it with the requests it made.
func (f *fixture) publish(t *testing.T, release string) (*publish.Result, []s3test.Request) {
	t.Helper()
	mark := f.srv.Mark()
	res, err := publish.Publish(context.Background(), f.store, nil, publish.Options{Out: f.cfg.Out, Release: release, Config: f.cfg})
	if err != nil {
		t.Fatal(err)
	}
	return res, f.srv.Since(mark)
}

func uploads(p *publish.Plan) int {
	n := 0
	for _, g := range p.Uploads {
		n += len(g)
	}
	return n
}

// checkObject compares an object in the bucket with the output file and
// the headers it must have.
func (f *fixture) checkObject(t *testing.T, path string, want publish.Headers) {
	t.Helper()
	key := "static/" + path
	head, err := f.store.Client.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String("assets"), Key: &key})
	if err != nil {
		t.Fatalf("%s: %v", key, err)
	}
	got := publish.Headers{CacheControl: aws.ToString(head.CacheControl), ContentType: aws.ToString(head.ContentType), ContentEncoding: aws.ToString(head.ContentEncoding)}
	if got != want {
		t.Errorf("%s: headers %+v, want %+v", key, got, want)
	}
	data, _, err := f.store.Get(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	local, err := os.ReadFile(filepath.Join(f.cfg.Out, filepath.FromSlash(path)))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, local) {
		t.Errorf("%s: bytes differ from the output", key)
	}
	if head.Metadata["sha256"] == "" {
		t.Errorf("%s: no sha256 metadata", key)
	}
}

func TestPublishUploadsOnlyWhatChangedInOrder(t *testing.T) {
	f := newFixture(t, 2000) // about 2,000 files, as in the issue
	m := f.build(t)

	// First publish: everything, one GET for current.json, then PUTs.
	first, reqs := f.publish(t, "r1")
	if !first.FirstRelease || first.Uploaded != uploads(first.Plan) {
		t.Fatalf("first publish: %+v", first)
	}
	if n := s3test.CountOp(reqs, "GetObject"); n != 1 {
		t.Errorf("first publish: %d GETs, want 1", n)
	}
	if n := s3test.CountOp(reqs, "PutObject"); n != first.Uploaded+2 {
		t.Errorf("first publish: %d PUTs, want %d objects + 2 records", n, first.Uploaded)
	}
	css := m.Files["css/site.css"]
	f.checkObject(t, css.Path, publish.Headers{CacheControl: config.CacheImmutable, ContentType: "text/css; charset=utf-8"})
	f.checkObject(t, css.Variants["br"].Path, publish.Headers{CacheControl: config.CacheImmutable, ContentType: "text/css; charset=utf-8", ContentEncoding: "br"})
	f.checkObject(t, "index.html", publish.Headers{CacheControl: config.CacheUnversioned, ContentType: "text/html; charset=utf-8"})
	f.checkObject(t, "index.html.gz", publish.Headers{CacheControl: config.CacheUnversioned, ContentType: "text/html; charset=utf-8", ContentEncoding: "gzip"})
	f.checkObject(t, "404.html", publish.Headers{CacheControl: config.CacheErrorPage, ContentType: "text/html; charset=utf-8"})
	f.checkObject(t, "staticfiles.json", publish.Headers{CacheControl: config.CacheUnversioned, ContentType: "application/json; charset=utf-8"})
	checkOrder(t, reqs)
	t.Logf("first publish: %d objects, %d requests", len(m.Files), len(reqs))

	// Nothing changed: exactly one request.
	same, reqs := f.publish(t, "r2")
	if same.Plan.Changed() || len(reqs) != 1 || reqs[0].Operation != "GetObject" {
		t.Fatalf("no-op publish: changed %v, requests %v", same.Plan.Changed(), reqs)
	}

	// Three files changed: one GET, a PUT per changed object, the records.
	time.Sleep(10 * time.Millisecond)
	edit(t, filepath.Join(f.cfg.Src, "css", "site.css"), "red", "blue")
	edit(t, filepath.Join(f.cfg.Src, "docs", "index.html"), "docs", "guide")
	edit(t, filepath.Join(f.cfg.Src, "robots.txt"), "*", "assetpipe")
	f.build(t)
	third, reqs := f.publish(t, "r3")
	if n := s3test.CountOp(reqs, "GetObject"); n != 1 {
		t.Errorf("3-file publish: %d GETs", n)
	}
	if n := s3test.CountOp(reqs, "PutObject"); n != uploads(third.Plan)+2 || len(reqs) != n+1 {
		t.Errorf("3-file publish: %d PUTs of %d requests, want %d objects + 2 records", n, len(reqs), uploads(third.Plan))
	}
	checkOrder(t, reqs)
	t.Logf("3 files changed: %d uploads planned, %d requests", uploads(third.Plan), len(reqs))
	for _, p := range []string{"/static/", "/static/index.html", "/static/docs/", "/static/docs/index.html", "/static/robots.txt"} {
		if !contains(third.Plan.Paths, p) {
			t.Errorf("invalidation %v lacks %s", third.Plan.Paths, p)
		}
	}
	for _, p := range third.Plan.Paths {
		if strings.Contains(p, "css/") || strings.Contains(p, "img/") {
			t.Errorf("invalidates a versioned path: %s", p)
		}
	}
	f.checkObject(t, "docs/index.html", publish.Headers{CacheControl: config.CacheUnversioned, ContentType: "text/html; charset=utf-8"})
	f.checkObject(t, "robots.txt", publish.Headers{CacheControl: config.CacheUnversioned, ContentType: "text/plain; charset=utf-8"})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// checkOrder checks that no page was written before a versioned object of
// the same publish, and the records last, current.json very last.
func checkOrder(t *testing.T, reqs []s3test.Request) {
	t.Helper()
	lastAsset, firstPage, current := -1, len(reqs), -1
	for i, r := range reqs {
		if r.Operation != "PutObject" {
			continue
		}
		switch {
		case strings.HasSuffix(r.Key, "_assetpipe/current.json"):
			current = i
		case strings.Contains(r.Key, ".html"):
			firstPage = min(firstPage, i)
		case !strings.Contains(r.Key, "_assetpipe/") && isVersioned(r.Key):
			lastAsset = i
		}
	}
	if lastAsset > firstPage {
		t.Errorf("a page was uploaded (request %d) before a versioned object (request %d)", firstPage, lastAsset)
	}
	if current != len(reqs)-1 {
		t.Errorf("current.json written at request %d of %d, want last", current, len(reqs))
	}
}

// isVersioned spots a hashed name: a 12-hex-digit segment.
func isVersioned(key string) bool {
	for _, part := range strings.Split(filepath.Base(key), ".") {
		if len(part) == 12 && strings.Trim(part, "0123456789abcdef") == "" {
			return true
		}
	}
	return false
}

// racing is a store whose first read lets another publish run to the end,
// as if two CI jobs published at once.
type racing struct {
	publish.Store
	other func()
	done  bool
}

func (r *racing) Get(ctx context.Context, key string) ([]byte, string, error) {
	data, etag, err := r.Store.Get(ctx, key)
	if !r.done {
		r.done = true
		r.other()
	}
	return data, etag, err
}

// Two publishes racing on one prefix: the one that makes its release live
// second loses, with a clear error, and the bucket serves the winner.
func TestPublishRaceLoserStops(t *testing.T) {
	for _, first := range []bool{true, false} {
		t.Run(fmt.Sprintf("first release %v", first), func(t *testing.T) {
			f := newFixture(t, 5)
			f.build(t)
			if !first {
				f.publish(t, "r0")
				edit(t, filepath.Join(f.cfg.Src, "index.html"), "home", "start")
				f.build(t)
			}
			store := &racing{Store: f.store, other: func() {
				if _, err := publish.Publish(context.Background(), f.store, nil, publish.Options{Out: f.cfg.Out, Release: "winner", Config: f.cfg}); err != nil {
					t.Errorf("winner: %v", err)
				}
			}}
			_, err := publish.Publish(context.Background(), store, nil, publish.Options{Out: f.cfg.Out, Release: "loser", Config: f.cfg})
			if !errors.Is(err, publish.ErrConflict) || !strings.Contains(err.Error(), "another publish changed") {
				t.Fatalf("loser: %v", err)
			}
			data, _, err := f.store.Get(context.Background(), "static/_assetpipe/current.json")
			if err != nil || !bytes.Contains(data, []byte(`"release": "winner"`)) {
				t.Fatalf("current.json after the race: %v\n%.200s", err, data)
			}
		})
	}
}

// Versioned objects no kept release has are pruned once retired long
// enough, and no more than max_deletes of them without Force.
func TestPublishPrunes(t *testing.T) {
	f := newFixture(t, 3)
	f.cfg.Publish.KeepReleases = 1
	f.cfg.Publish.PruneAfter = "0s"
	m1 := f.build(t)
	f.publish(t, "r1")
	old := "static/" + m1.Files["css/site.css"].Path
	exists := func(key string) bool {
		_, err := f.store.Client.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String("assets"), Key: aws.String(key)})
		return err == nil
	}

	// r2 retires r1's CSS; with max_deletes 0 it is held back.
	f.cfg.Publish.MaxDeletes = 0
	edit(t, filepath.Join(f.cfg.Src, "css", "site.css"), "red", "navy")
	f.build(t)
	res, _ := f.publish(t, "r2")
	if !res.Plan.PruneHeld || res.Pruned != 0 || !exists(old) {
		t.Fatalf("held back: %+v, pruned %d, old CSS exists %v", res.Plan.Prune, res.Pruned, exists(old))
	}

	// r3 prunes it (and r2's CSS, retired by r3) with Force.
	edit(t, filepath.Join(f.cfg.Src, "css", "site.css"), "navy", "teal")
	m3 := f.build(t)
	mark := f.srv.Mark()
	res, err := publish.Publish(context.Background(), f.store, nil, publish.Options{Out: f.cfg.Out, Release: "r3", Config: f.cfg, Force: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Pruned == 0 || exists(old) || !exists("static/"+m3.Files["css/site.css"].Path) {
		t.Fatalf("pruned %d (%v); old CSS exists %v", res.Pruned, res.Plan.Prune, exists(old))
	}
	if n := s3test.CountOp(f.srv.Since(mark), "DeleteObjects"); n != 1 {
		t.Errorf("%d DeleteObjects requests, want 1 batch", n)
	}
	f.checkPagesResolve(t)
	for _, k := range res.Plan.Prune {
		if !strings.HasPrefix(k, "static/") || strings.Contains(k, "_assetpipe") || strings.HasSuffix(k, ".html") {
			t.Errorf("pruned %s", k)
		}
	}
}

// A bucket that drifted from its record: a normal publish trusts the
// record, --verify finds the objects that differ and uploads just those.
func TestPublishVerify(t *testing.T) {
	f := newFixture(t, 10)
	m := f.build(t)
	f.publish(t, "r1")
	icon := "static/" + m.Files["img/i3.svg"].Path
	if err := f.store.Put(context.Background(), icon, strings.NewReader("<svg>tampered</svg>"), 19, publish.Headers{CacheControl: "no-store", ContentType: "image/svg+xml"}, "", publish.Condition{}); err != nil {
		t.Fatal(err)
	}
	if err := f.store.Delete(context.Background(), []string{"static/robots.txt"}); err != nil {
		t.Fatal(err)
	}
	if res, _ := f.publish(t, "r2"); res.Plan.Changed() {
		t.Fatalf("without --verify the record is trusted: %d uploads", uploads(res.Plan))
	}
	mark := f.srv.Mark()
	res, err := publish.Publish(context.Background(), f.store, nil, publish.Options{Out: f.cfg.Out, Release: "r3", Config: f.cfg, Verify: true})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, g := range res.Plan.Uploads {
		for _, a := range g {
			got = append(got, a.Key)
		}
	}
	if strings.Join(got, " ") != icon+" static/robots.txt" {
		t.Errorf("verify uploaded %v, want the tampered icon and the deleted robots.txt", got)
	}
	if n := s3test.CountOp(f.srv.Since(mark), "ListObjectsV2"); n == 0 {
		t.Error("--verify did not list the bucket")
	}
	f.checkLive(t, "r3")
}

// A file above the streaming size is sent from disk, and checked first
// like any other: one changed since the build is refused.
func TestPublishLargeFile(t *testing.T) {
	f := newFixture(t, 1)
	big := bytes.Repeat([]byte("0123456789abcdef"), 9<<16) // 9 MiB
	if err := os.WriteFile(filepath.Join(f.cfg.Src, "video.mp4"), big, 0o644); err != nil {
		t.Fatal(err)
	}
	m := f.build(t)
	path := m.Files["video.mp4"].Path
	damaged := bytes.Clone(big)
	damaged[len(damaged)/2] ^= 1
	if err := os.WriteFile(filepath.Join(f.cfg.Out, path), damaged, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := publish.Publish(context.Background(), f.store, nil, publish.Options{Out: f.cfg.Out, Release: "r0", Config: f.cfg})
	if err == nil || !strings.Contains(err.Error(), path+" changed since it was built") {
		t.Fatalf("a damaged output: %v", err)
	}
	if _, _, err := f.store.Get(context.Background(), "static/_assetpipe/current.json"); !errors.Is(err, publish.ErrNotFound) {
		t.Fatalf("a failed publish recorded a release: %v", err)
	}
	f.build(t) // puts the right bytes back
	f.publish(t, "r1")
	f.checkObject(t, path, publish.Headers{CacheControl: config.CacheImmutable, ContentType: "video/mp4"})
}
