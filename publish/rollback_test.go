package publish_test

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/muejam/assetpipe/internal/s3test"
	"github.com/muejam/assetpipe/publish"
)

// snapshot is every object of a release as the bucket serves it.
type stored struct {
	data    []byte
	headers publish.Headers
}

func (f *fixture) snapshot(t *testing.T, objs []publish.Object) map[string]stored {
	t.Helper()
	out := map[string]stored{}
	for _, o := range objs {
		key := "static/" + o.Path
		head, err := f.store.Client.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String("assets"), Key: aws.String(key)})
		if err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		data, _, err := f.store.Get(context.Background(), key)
		if err != nil {
			t.Fatal(err)
		}
		out[key] = stored{data, publish.Headers{CacheControl: aws.ToString(head.CacheControl), ContentType: aws.ToString(head.ContentType), ContentEncoding: aws.ToString(head.ContentEncoding)}}
	}
	return out
}

func TestRollback(t *testing.T) {
	f := newFixture(t, 5)
	f.cfg.Publish.DistributionID = dist
	cf, fake := cdn(t)
	f.build(t)
	f.publish(t, "r1")
	data, _, err := f.store.Get(context.Background(), "static/_assetpipe/releases/r1.json")
	if err != nil {
		t.Fatal(err)
	}
	var r1 publish.Record
	if err := json.Unmarshal(data, &r1); err != nil {
		t.Fatal(err)
	}
	release1 := r1.Objects
	before := f.snapshot(t, release1)

	edit(t, filepath.Join(f.cfg.Src, "index.html"), "home", "start")
	edit(t, filepath.Join(f.cfg.Src, "css", "site.css"), "red", "olive")
	edit(t, filepath.Join(f.cfg.Src, "robots.txt"), "*", "bot")
	f.build(t)
	if _, err := publish.Publish(context.Background(), f.store, cf, publish.Options{Out: f.cfg.Out, Release: "r2", Config: f.cfg}); err != nil {
		t.Fatal(err)
	}
	invalidations := len(fake.Invalidations(dist))

	// Errors change nothing: only reads reach the bucket.
	mark := f.srv.Mark()
	for _, release := range []string{"nope", "r2"} {
		cfg := f.cfg
		if release == "r2" {
			cfg.Publish.KeepReleases = 1
			release = "r1" // not kept when only one release is
		}
		_, err := publish.Rollback(context.Background(), f.store, cf, publish.RollbackOptions{Release: release, Config: cfg})
		if err == nil || !strings.Contains(err.Error(), "is not kept") {
			t.Errorf("rollback to %s: %v", release, err)
		}
	}
	for _, r := range f.srv.Since(mark) {
		if r.Operation != "GetObject" {
			t.Errorf("a failed rollback made %s %s", r.Operation, r.Key)
		}
	}

	mark = f.srv.Mark()
	res, err := publish.Rollback(context.Background(), f.store, cf, publish.RollbackOptions{Release: "r1", Config: f.cfg})
	if err != nil {
		t.Fatal(err)
	}
	after := f.snapshot(t, release1)
	for key, want := range before {
		got := after[key]
		if !bytes.Equal(got.data, want.data) || got.headers != want.headers {
			t.Errorf("%s after the rollback: %d bytes %+v, want r1's %d bytes %+v", key, len(got.data), got.headers, len(want.data), want.headers)
		}
	}
	reqs := f.srv.Since(mark)
	if n := s3test.CountOp(reqs, "PutObject"); n != res.Uploaded+1 || res.Uploaded == 0 {
		t.Errorf("%d PUTs, want %d restored objects and current.json", n, res.Uploaded)
	}
	invs := fake.Invalidations(dist)
	if len(invs) != invalidations+1 {
		t.Fatalf("%d invalidations after the rollback, want one more than %d", len(invs), invalidations)
	}
	last := invs[len(invs)-1]
	for _, p := range []string{"/static/", "/static/index.html", "/static/robots.txt"} {
		if !contains(last.Paths, p) {
			t.Errorf("rollback invalidation %v lacks %s", last.Paths, p)
		}
	}
	data, _, _ = f.store.Get(context.Background(), "static/_assetpipe/current.json")
	if !bytes.Contains(data, []byte(`"release": "r1"`)) {
		t.Errorf("current.json after the rollback: %.120s", data)
	}
	f.checkPagesResolve(t)

	// Publishing the current output again goes back to r2's content.
	res2, err := publish.Publish(context.Background(), f.store, cf, publish.Options{Out: f.cfg.Out, Release: "r3", Config: f.cfg})
	if err != nil || !res2.Plan.Changed() {
		t.Fatalf("publish after the rollback: %v", err)
	}
	f.checkLive(t, "r3")
}

// A kept release's page whose content an earlier release published first
// is restored from that earlier release's record.
func TestRollbackFindsContentInAnEarlierRecord(t *testing.T) {
	f := newFixture(t, 2)
	run := func(release string) {
		t.Helper()
		f.build(t)
		f.publish(t, release)
	}
	run("r1")
	edit(t, filepath.Join(f.cfg.Src, "index.html"), "home", "second")
	run("r2") // index.html's second content: kept in r2's record
	edit(t, filepath.Join(f.cfg.Src, "robots.txt"), "*", "third")
	run("r3") // index.html unchanged: r3 points at r2's record for it
	want, _, err := f.store.Get(context.Background(), "static/index.html")
	if err != nil {
		t.Fatal(err)
	}
	edit(t, filepath.Join(f.cfg.Src, "index.html"), "second", "fourth")
	run("r4")

	mark := f.srv.Mark()
	if _, err := publish.Rollback(context.Background(), f.store, nil, publish.RollbackOptions{Release: "r3", Config: f.cfg}); err != nil {
		t.Fatal(err)
	}
	got, _, err := f.store.Get(context.Background(), "static/index.html")
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("index.html after the rollback to r3: %q %v, want %q", got, err, want)
	}
	read := map[string]bool{}
	for _, r := range f.srv.Since(mark) {
		if r.Operation == "GetObject" {
			read[r.Key] = true
		}
	}
	if !read["static/_assetpipe/releases/r2.json"] || !read["static/_assetpipe/releases/r3.json"] {
		t.Errorf("records read: %v, want r3's and r2's", read)
	}
	f.checkPagesResolve(t)
}
