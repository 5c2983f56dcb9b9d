package publish_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"path"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/muejam/assetpipe/internal/s3test"
	"github.com/muejam/assetpipe/publish"
)

// bucketKeys lists every key below the prefix.
func (f *fixture) bucketKeys(t *testing.T) map[string]bool {
	t.Helper()
	keys := map[string]bool{}
	p := s3.NewListObjectsV2Paginator(f.store.Client, &s3.ListObjectsV2Input{Bucket: aws.String("assets"), Prefix: aws.String("static/")})
	for range 100 {
		if !p.HasMorePages() {
			return keys
		}
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range page.Contents {
			keys[aws.ToString(o.Key)] = true
		}
	}
	t.Fatal("too many pages")
	return nil
}

var hashedRef = regexp.MustCompile(`[\w./-]+\.[0-9a-f]{12}\.\w+`)

// checkPagesResolve checks the invariant a publish keeps at every moment:
// every page in the bucket refers only to objects in the bucket.
func (f *fixture) checkPagesResolve(t *testing.T) {
	t.Helper()
	keys := f.bucketKeys(t)
	for key := range keys {
		if !strings.HasSuffix(key, ".html") {
			continue
		}
		data, _, err := f.store.Get(context.Background(), key)
		if err != nil {
			t.Fatal(err)
		}
		for _, ref := range hashedRef.FindAllString(string(data), -1) {
			target := path.Clean(path.Join(path.Dir(key), ref))
			if !keys[target] {
				t.Errorf("%s refers to %s, which is not in the bucket", key, target)
			}
		}
	}
}

// checkLive checks that the bucket holds the local output as the live
// release: every object with its bytes' SHA-256.
func (f *fixture) checkLive(t *testing.T, release string) {
	t.Helper()
	res, err := publish.Publish(context.Background(), f.store, nil, publish.Options{Out: f.cfg.Out, Release: "check", Config: f.cfg, DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Plan.Changed() {
		t.Fatalf("after %s the bucket still differs from the output: %d uploads planned", release, uploads(res.Plan))
	}
	for _, a := range res.Plan.Skipped {
		head, err := f.store.Client.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String("assets"), Key: aws.String(a.Key)})
		if err != nil {
			t.Fatalf("%s: %v", a.Key, err)
		}
		if head.Metadata["sha256"] != a.SHA256 || aws.ToString(head.CacheControl) != a.Headers.CacheControl {
			t.Errorf("%s: sha256 %s cache-control %q, want %s %q", a.Key, head.Metadata["sha256"], aws.ToString(head.CacheControl), a.SHA256, a.Headers.CacheControl)
		}
	}
}

// Through a proxy that fails or drops about one request in ten, a publish
// still succeeds, and every object is right.
func TestPublishThroughFaults(t *testing.T) {
	f := newFixture(t, 60)
	f.build(t)
	proxy := s3test.NewFaultyProxy(t, f.srv.Endpoint(), 0.1, 2)
	faulty := &publish.S3Store{Client: f.srv.Client(s3test.WithEndpoint(proxy.Endpoint()), s3test.WithRetry(10, 20*time.Millisecond)), Bucket: "assets"}
	for i, change := range []func(){nil, func() { edit(t, f.cfg.Src+"/index.html", "home", "start") }} {
		if change != nil {
			change()
			f.build(t)
		}
		release := []string{"r1", "r2"}[i]
		if _, err := publish.Publish(context.Background(), faulty, nil, publish.Options{Out: f.cfg.Out, Release: release, Config: f.cfg}); err != nil {
			t.Fatalf("%s through faults: %v (%s)", release, err, proxy)
		}
		f.checkLive(t, release)
		f.checkPagesResolve(t)
	}
	// The seed is one under which every kind of fault happens.
	for kind, n := range proxy.Faults() {
		if n == 0 {
			t.Errorf("no %v fault was injected (%s)", kind, proxy)
		}
	}
	t.Logf("%s", proxy)
}

// A publish cancelled at random points never leaves a page referring to
// a missing object, and a re-run ends where an uninterrupted one does.
func TestPublishCancelledAndRerun(t *testing.T) {
	f := newFixture(t, 40)
	f.build(t)
	f.publish(t, "r1")
	edit(t, f.cfg.Src+"/css/site.css", "red", "green")
	edit(t, f.cfg.Src+"/index.html", "home", "start")
	f.build(t)
	rng := rand.New(rand.NewPCG(1, 2))
	for attempt := range 5 {
		ctx, cancel := context.WithCancel(context.Background())
		stopAt := 1 + rng.IntN(12)
		_, err := publish.Publish(ctx, f.store, nil, publish.Options{Out: f.cfg.Out, Release: "r2", Config: f.cfg,
			Progress: func(done, total int, _ int64) {
				if done >= stopAt {
					cancel()
				}
			}})
		cancel()
		if err != nil && !errors.Is(err, context.Canceled) {
			t.Fatalf("attempt %d: %v", attempt, err)
		}
		f.checkPagesResolve(t)
	}
	f.publish(t, "r2")
	f.checkLive(t, "the re-run")
	f.checkPagesResolve(t)
}
