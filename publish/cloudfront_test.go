package publish_test

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"

	"github.com/muejam/assetpipe/internal/cffake"
	"github.com/muejam/assetpipe/publish"
)

const dist = "E2ASSETPIPE"

// cdn is the real CloudFront client against the in-process fake.
func cdn(t *testing.T) (*publish.CloudFront, *cffake.Fake) {
	fake := cffake.New(cffake.Options{DistributionIDs: []string{dist}})
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	client := cloudfront.NewFromConfig(aws.Config{
		Region:      "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", ""),
	}, func(o *cloudfront.Options) { o.BaseEndpoint = aws.String(srv.URL) })
	return &publish.CloudFront{
		Client:  client,
		Retries: 5,
		Backoff: func(int) time.Duration { return time.Millisecond },
		MaxWait: 10 * time.Second,
		PollMin: time.Millisecond, PollMax: 5 * time.Millisecond,
	}, fake
}

func creates(fake *cffake.Fake) int {
	n := 0
	for _, c := range fake.Calls() {
		if c.Operation == cffake.OpCreateInvalidation {
			n++
		}
	}
	return n
}

func TestPublishInvalidatesChangedPathsOnce(t *testing.T) {
	f := newFixture(t, 5)
	f.cfg.Publish.DistributionID = dist
	cf, fake := cdn(t)
	run := func(release string, wait bool) *publish.Result {
		t.Helper()
		res, err := publish.Publish(context.Background(), f.store, cf, publish.Options{Out: f.cfg.Out, Release: release, Config: f.cfg, Wait: wait})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	f.build(t)
	run("r1", false)
	if n := creates(fake); n != 0 {
		t.Fatalf("first release: %d invalidations, want none (every path is new)", n)
	}
	run("r2", false)
	if n := creates(fake); n != 0 {
		t.Fatalf("nothing changed: %d invalidations", n)
	}

	edit(t, filepath.Join(f.cfg.Src, "index.html"), "home", "start")
	f.build(t)
	res := run("r3", true)
	invs := fake.Invalidations(dist)
	if len(invs) != 1 || creates(fake) != 1 {
		t.Fatalf("%d invalidations in %d calls, want 1", len(invs), creates(fake))
	}
	inv := invs[0]
	if !reflect.DeepEqual(inv.Paths, res.Plan.Paths) || inv.CallerReference != res.Plan.CallerReference || inv.ID != res.Invalidation {
		t.Errorf("invalidation %+v, plan %+v", inv, res.Plan.Invalidation)
	}
	for _, p := range []string{"/static/", "/static/index.html", "/static/index.html.br"} {
		if !contains(inv.Paths, p) {
			t.Errorf("paths %v lack %s", inv.Paths, p)
		}
	}
	// --wait polled until Completed.
	if got := fake.Invalidations(dist)[0].Status; got != cffake.StatusCompleted {
		t.Errorf("after --wait: %s", got)
	}

	// The same release and paths again (a retried publish) make no second
	// invalidation.
	id, err := cf.Invalidate(context.Background(), dist, res.Plan.Invalidation)
	if err != nil || id != res.Invalidation || len(fake.Invalidations(dist)) != 1 {
		t.Fatalf("retried invalidation: %s %v, %d invalidations", id, err, len(fake.Invalidations(dist)))
	}
}

// TooManyInvalidationsInProgress, which the SDK does not retry, is
// retried with backoff.
func TestInvalidateRetriesWhenTooManyInProgress(t *testing.T) {
	cf, fake := cdn(t)
	fake.FailNextCreates(2, cffake.Failure{StatusCode: 400, Code: "TooManyInvalidationsInProgress", Message: "busy"})
	id, err := cf.Invalidate(context.Background(), dist, publish.Invalidation{Paths: []string{"/index.html"}, CallerReference: "assetpipe r1 x"})
	if err != nil || id == "" {
		t.Fatalf("%q %v", id, err)
	}
	if n := creates(fake); n != 3 {
		t.Errorf("%d create calls, want 2 refused and 1 accepted", n)
	}
	fake.FailNextCreates(10, cffake.Failure{StatusCode: 400, Code: "TooManyInvalidationsInProgress", Message: "busy"})
	_, err = cf.Invalidate(context.Background(), dist, publish.Invalidation{Paths: []string{"/a.html"}, CallerReference: "assetpipe r2 y"})
	if err == nil || !strings.Contains(err.Error(), "TooManyInvalidationsInProgress") {
		t.Errorf("after the retries: %v", err)
	}
}

// A publish whose invalidation fails does not record the release as live,
// so running it again sends the invalidation again.
func TestPublishRetriesAFailedInvalidation(t *testing.T) {
	f := newFixture(t, 3)
	f.cfg.Publish.DistributionID = dist
	cf, fake := cdn(t)
	f.build(t)
	f.publish(t, "r1")
	edit(t, filepath.Join(f.cfg.Src, "index.html"), "home", "start")
	f.build(t)
	// As many failures as the SDK makes attempts.
	fake.FailNextCreates(3, cffake.Failure{StatusCode: 503, Code: "ServiceUnavailable", Message: "down"})
	_, err := publish.Publish(context.Background(), f.store, cf, publish.Options{Out: f.cfg.Out, Release: "r2", Config: f.cfg})
	if err == nil || !strings.Contains(err.Error(), "not recorded as live; run again") {
		t.Fatalf("err = %v", err)
	}
	data, _, _ := f.store.Get(context.Background(), "static/_assetpipe/current.json")
	if !strings.Contains(string(data), `"release": "r1"`) {
		t.Fatal("the release was recorded as live although its invalidation failed")
	}
	res, err := publish.Publish(context.Background(), f.store, cf, publish.Options{Out: f.cfg.Out, Release: "r2", Config: f.cfg})
	if err != nil {
		t.Fatal(err)
	}
	if invs := fake.Invalidations(dist); len(invs) != 1 || invs[0].ID != res.Invalidation || !contains(invs[0].Paths, "/static/index.html") {
		t.Fatalf("invalidations %+v", invs)
	}
}
