package s3test

// These tests pin the versitygw (v1.8.0) behaviours the publish stage relies
// on; they double as documentation of what the product may assume.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// apiError returns the S3 error code and HTTP status of err.
func apiError(err error) (code string, status int) {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		code = ae.ErrorCode()
	}
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		status = re.HTTPStatusCode()
	}
	return code, status
}

func put(t *testing.T, c *s3.Client, in *s3.PutObjectInput, body string) *s3.PutObjectOutput {
	t.Helper()
	in.Body = strings.NewReader(body)
	out, err := c.PutObject(testCtx(t), in)
	if err != nil {
		t.Fatalf("PutObject %s: %v", aws.ToString(in.Key), err)
	}
	return out
}

func getBody(t *testing.T, c *s3.Client, bucket, key string) string {
	t.Helper()
	out, err := c.GetObject(testCtx(t), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		t.Fatalf("GetObject %s: %v", key, err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err != nil {
		t.Fatalf("read %s: %v", key, err)
	}
	return string(b)
}

func TestObjectHeadersRoundTrip(t *testing.T) {
	t.Parallel()
	s := Start(t)
	s.CreateBucket(t, "assets")
	c := s.Client()
	const key = "static/css/site 1+2.3f9a.css" // space and '+' exercise escaping
	const body = "compressed-bytes\x00\xff"
	sum := strings.Repeat("ab", 32)
	put(t, c, &s3.PutObjectInput{
		Bucket:          aws.String("assets"),
		Key:             aws.String(key),
		CacheControl:    aws.String("public, max-age=31536000, immutable"),
		ContentType:     aws.String("text/css; charset=utf-8"),
		ContentEncoding: aws.String("br"),
		Metadata:        map[string]string{"sha256": sum},
	}, body)

	h, err := c.HeadObject(testCtx(t), &s3.HeadObjectInput{Bucket: aws.String("assets"), Key: aws.String(key)})
	if err != nil {
		t.Fatalf("HeadObject: %v", err)
	}
	for _, c := range []struct{ name, got, want string }{
		{"Cache-Control", aws.ToString(h.CacheControl), "public, max-age=31536000, immutable"},
		{"Content-Type", aws.ToString(h.ContentType), "text/css; charset=utf-8"},
		// Exactly "br": with checksums only when required, the SDK does not
		// send aws-chunked, and the stored encoding must not gain it.
		{"Content-Encoding", aws.ToString(h.ContentEncoding), "br"},
		{"x-amz-meta-sha256", h.Metadata["sha256"], sum},
	} {
		if c.got != c.want {
			t.Errorf("HeadObject %s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if len(h.Metadata) != 1 {
		t.Errorf("HeadObject metadata = %v, want only sha256", h.Metadata)
	}
	if got := aws.ToInt64(h.ContentLength); got != int64(len(body)) {
		t.Errorf("HeadObject Content-Length = %d, want %d", got, len(body))
	}
	if got := getBody(t, c, "assets", key); got != body {
		t.Errorf("GetObject body = %q, want %q", got, body)
	}
}

func TestConditionalWrites(t *testing.T) {
	t.Parallel()
	s := Start(t)
	s.CreateBucket(t, "cond")
	c := s.Client()
	in := func(key string) *s3.PutObjectInput {
		return &s3.PutObjectInput{Bucket: aws.String("cond"), Key: aws.String(key)}
	}
	wantFail := func(name string, err error, wantCode string, wantStatus int) {
		t.Helper()
		code, status := apiError(err)
		if code != wantCode || status != wantStatus {
			t.Errorf("%s: err = %v; want %s (%d)", name, err, wantCode, wantStatus)
		}
	}

	// If-None-Match: * creates only when the key is absent.
	first := in("manifest.json")
	first.IfNoneMatch = aws.String("*")
	v1 := put(t, c, first, "v1")
	again := in("manifest.json")
	again.IfNoneMatch = aws.String("*")
	again.Body = strings.NewReader("v1-again")
	_, err := c.PutObject(testCtx(t), again)
	wantFail("If-None-Match * on existing key", err, "PreconditionFailed", 412)

	// If-Match: the current ETag replaces; a stale one is refused.
	next := in("manifest.json")
	next.IfMatch = v1.ETag
	v2 := put(t, c, next, "v2")
	if aws.ToString(v2.ETag) == aws.ToString(v1.ETag) {
		t.Fatalf("ETag unchanged after overwrite: %s", aws.ToString(v2.ETag))
	}
	stale := in("manifest.json")
	stale.IfMatch = v1.ETag
	stale.Body = strings.NewReader("v3")
	_, err = c.PutObject(testCtx(t), stale)
	wantFail("If-Match stale ETag", err, "PreconditionFailed", 412)

	// If-Match on a missing key: 404 NoSuchKey (as AWS), not 412.
	missing := in("absent.json")
	missing.IfMatch = v1.ETag
	missing.Body = strings.NewReader("x")
	_, err = c.PutObject(testCtx(t), missing)
	wantFail("If-Match on missing key", err, "NoSuchKey", 404)

	if got := getBody(t, c, "cond", "manifest.json"); got != "v2" {
		t.Errorf("after conditional writes body = %q, want v2", got)
	}
}

func TestCopyObjectReplace(t *testing.T) {
	t.Parallel()
	s := Start(t)
	s.CreateBucket(t, "copy")
	c := s.Client()
	put(t, c, &s3.PutObjectInput{
		Bucket:       aws.String("copy"),
		Key:          aws.String("src/app 1.js"),
		ContentType:  aws.String("text/plain"),
		CacheControl: aws.String("no-cache"),
		Metadata:     map[string]string{"sha256": "old", "extra": "drop-me"},
	}, "console.log(1)")

	// CopySource is bucket/key with the key URL-escaped per segment.
	_, err := c.CopyObject(testCtx(t), &s3.CopyObjectInput{
		Bucket:            aws.String("copy"),
		Key:               aws.String("dst/app.js"),
		CopySource:        aws.String("copy/" + (&url.URL{Path: "src/app 1.js"}).EscapedPath()),
		MetadataDirective: types.MetadataDirectiveReplace,
		ContentType:       aws.String("text/javascript; charset=utf-8"),
		CacheControl:      aws.String("max-age=60"),
		ContentEncoding:   aws.String("gzip"),
		Metadata:          map[string]string{"sha256": "new"},
	})
	if err != nil {
		t.Fatalf("CopyObject: %v", err)
	}
	h, err := c.HeadObject(testCtx(t), &s3.HeadObjectInput{Bucket: aws.String("copy"), Key: aws.String("dst/app.js")})
	if err != nil {
		t.Fatalf("HeadObject: %v", err)
	}
	if got := aws.ToString(h.ContentType); got != "text/javascript; charset=utf-8" {
		t.Errorf("Content-Type = %q", got)
	}
	if got := aws.ToString(h.CacheControl); got != "max-age=60" {
		t.Errorf("Cache-Control = %q", got)
	}
	if got := aws.ToString(h.ContentEncoding); got != "gzip" {
		t.Errorf("Content-Encoding = %q", got)
	}
	if want := map[string]string{"sha256": "new"}; fmt.Sprint(h.Metadata) != fmt.Sprint(want) {
		t.Errorf("metadata = %v, want %v (REPLACE drops the source's)", h.Metadata, want)
	}
	if got := getBody(t, c, "copy", "dst/app.js"); got != "console.log(1)" {
		t.Errorf("copied body = %q", got)
	}
}

func TestDeleteObjectsBatch(t *testing.T) {
	t.Parallel()
	s := Start(t)
	s.CreateBucket(t, "del")
	c := s.Client()
	keys := []string{"a.css", "b/c.js", "b/d e.png"}
	for _, k := range keys {
		put(t, c, &s3.PutObjectInput{Bucket: aws.String("del"), Key: aws.String(k)}, k)
	}
	var ids []types.ObjectIdentifier
	for _, k := range append(slices.Clone(keys), "never-existed.txt") {
		ids = append(ids, types.ObjectIdentifier{Key: aws.String(k)})
	}
	out, err := c.DeleteObjects(testCtx(t), &s3.DeleteObjectsInput{
		Bucket: aws.String("del"),
		Delete: &types.Delete{Objects: ids},
	})
	if err != nil {
		t.Fatalf("DeleteObjects: %v", err)
	}
	var deleted []string
	for _, d := range out.Deleted {
		deleted = append(deleted, aws.ToString(d.Key))
	}
	slices.Sort(deleted)
	// As on AWS, a missing key is reported deleted, not as an error.
	want := []string{"a.css", "b/c.js", "b/d e.png", "never-existed.txt"}
	if !slices.Equal(deleted, want) {
		t.Errorf("Deleted = %q, want %q", deleted, want)
	}
	for _, e := range out.Errors {
		t.Errorf("DeleteObjects error: %s %s %s", aws.ToString(e.Key), aws.ToString(e.Code), aws.ToString(e.Message))
	}
	l, err := c.ListObjectsV2(testCtx(t), &s3.ListObjectsV2Input{Bucket: aws.String("del")})
	if err != nil {
		t.Fatalf("ListObjectsV2: %v", err)
	}
	if len(l.Contents) != 0 {
		t.Errorf("objects left after delete: %d", len(l.Contents))
	}
}

func TestListObjectsV2Pagination(t *testing.T) {
	t.Parallel()
	s := Start(t)
	s.CreateBucket(t, "list")
	c := s.Client()
	var want []string
	for i := range 7 {
		k := fmt.Sprintf("site/f%02d.css", i)
		want = append(want, k)
		put(t, c, &s3.PutObjectInput{Bucket: aws.String("list"), Key: aws.String(k)}, k)
	}
	for _, k := range []string{"other/x.css", "sitemap.xml"} {
		put(t, c, &s3.PutObjectInput{Bucket: aws.String("list"), Key: aws.String(k)}, k)
	}
	// posix backend limit, unlike AWS: keys map to paths, so "site" cannot
	// coexist with "site/..." (409 ExistingObjectIsDirectory).
	_, err := c.PutObject(testCtx(t), &s3.PutObjectInput{Bucket: aws.String("list"), Key: aws.String("site"), Body: strings.NewReader("x")})
	if code, status := apiError(err); code != "ExistingObjectIsDirectory" || status != 409 {
		t.Errorf("PutObject site beside site/...: err = %v; want ExistingObjectIsDirectory (409)", err)
	}

	mark := s.Mark()
	p := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{
		Bucket:  aws.String("list"),
		Prefix:  aws.String("site/"),
		MaxKeys: aws.Int32(3),
	})
	var got []string
	var sizes []int
	for page := 0; p.HasMorePages(); page++ {
		if page >= 10 {
			t.Fatal("paginator did not stop")
		}
		out, err := p.NextPage(testCtx(t))
		if err != nil {
			t.Fatalf("ListObjectsV2 page %d: %v", page, err)
		}
		sizes = append(sizes, len(out.Contents))
		for _, o := range out.Contents {
			got = append(got, aws.ToString(o.Key))
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("listed %q, want %q (lexicographic, prefix only)", got, want)
	}
	if !slices.Equal(sizes, []int{3, 3, 1}) {
		t.Errorf("page sizes %v, want [3 3 1]", sizes)
	}
	if n := CountOp(s.Since(mark), "ListObjectsV2"); n != 3 {
		t.Errorf("ListObjectsV2 requests logged = %d, want 3", n)
	}
}

func TestRequestCounting(t *testing.T) {
	t.Parallel()
	s := Start(t)
	s.CreateBucket(t, "count")
	c := s.Client()
	put(t, c, &s3.PutObjectInput{Bucket: aws.String("count"), Key: aws.String("before")}, "x")

	mark := s.Mark()
	const n = 5
	for i := range n {
		put(t, c, &s3.PutObjectInput{Bucket: aws.String("count"), Key: aws.String(fmt.Sprintf("k %d", i))}, "x")
	}
	reqs := s.Since(mark)
	if len(reqs) != n {
		t.Fatalf("requests since mark = %d, want %d: %v", len(reqs), n, reqs)
	}
	for i, r := range reqs {
		if r.Method != "PUT" || r.Operation != "PutObject" || r.Bucket != "count" ||
			r.Key != fmt.Sprintf("k %d", i) || r.Status != 200 || r.ErrorCode != "" {
			t.Errorf("request %d = %v", i, r)
		}
	}
	all := s.Requests()
	if got := CountOp(all, "PutObject"); got != n+1 {
		t.Errorf("PutObject in whole log = %d, want %d", got, n+1)
	}
	if got := CountOp(all, "CreateBucket"); got != 1 {
		t.Errorf("CreateBucket in whole log = %d, want 1", got)
	}

	// A failed request is logged with its status and code.
	mark = s.Mark()
	_, err := c.HeadObject(testCtx(t), &s3.HeadObjectInput{Bucket: aws.String("count"), Key: aws.String("nope")})
	if err == nil {
		t.Fatal("HeadObject of a missing key succeeded")
	}
	reqs = s.Since(mark)
	if len(reqs) != 1 || reqs[0].Method != "HEAD" || reqs[0].Status != 404 {
		t.Errorf("after missing HeadObject, log = %v", reqs)
	}
}

func TestBytesExact(t *testing.T) {
	t.Parallel()
	s := Start(t)
	s.CreateBucket(t, "bin")
	c := s.Client()
	body := bytes.Repeat([]byte{0, 1, 2, 0xfe, 0xff, '\r', '\n'}, 150_000) // ~1 MB
	put(t, c, &s3.PutObjectInput{Bucket: aws.String("bin"), Key: aws.String("blob.bin")}, string(body))
	if got := getBody(t, c, "bin", "blob.bin"); got != string(body) {
		t.Errorf("GetObject returned %d bytes differing from the %d put", len(got), len(body))
	}
}
