package s3test

import (
	"fmt"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// TestProxyPassThrough: with no faults the proxy is invisible, including
// to SigV4 over keys whose escaping Go would normalise differently.
func TestProxyPassThrough(t *testing.T) {
	t.Parallel()
	s := Start(t)
	s.CreateBucket(t, "pass")
	p := NewFaultyProxy(t, s.Endpoint(), 0, 1)
	c := s.Client(WithEndpoint(p.Endpoint()))
	const key = "a b/c+d(1)!*'~;=,@$&.css"
	put(t, c, &s3.PutObjectInput{Bucket: aws.String("pass"), Key: aws.String(key), ContentType: aws.String("text/css")}, "body")
	h, err := c.HeadObject(testCtx(t), &s3.HeadObjectInput{Bucket: aws.String("pass"), Key: aws.String(key)})
	if err != nil {
		t.Fatalf("HeadObject via proxy: %v", err)
	}
	if aws.ToString(h.ContentType) != "text/css" || aws.ToInt64(h.ContentLength) != 4 {
		t.Errorf("HeadObject via proxy: type %q length %d", aws.ToString(h.ContentType), aws.ToInt64(h.ContentLength))
	}
	if got := getBody(t, c, "pass", key); got != "body" {
		t.Errorf("GetObject via proxy = %q", got)
	}
	if p.FaultCount() != 0 || p.Requests() != 3 {
		t.Errorf("proxy: %v, want 3 requests, no faults", p)
	}
}

// TestProxyHostMustBePreserved pins why the proxy forwards the client's Host:
// a proxy that rewrites Host to the target breaks the SigV4 signature.
func TestProxyHostMustBePreserved(t *testing.T) {
	t.Parallel()
	s := Start(t)
	s.CreateBucket(t, "host")
	target, err := url.Parse(s.Endpoint())
	if err != nil {
		t.Fatal(err)
	}
	rewriting := httptest.NewServer(&httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) { pr.SetURL(target) }, // sets Host to target
	})
	t.Cleanup(rewriting.Close)
	c := s.Client(WithEndpoint(rewriting.URL), WithRetry(1, time.Millisecond))
	_, err = c.PutObject(testCtx(t), &s3.PutObjectInput{Bucket: aws.String("host"), Key: aws.String("k"), Body: strings.NewReader("x")})
	if code, status := apiError(err); code != "SignatureDoesNotMatch" || status != 403 {
		t.Errorf("PutObject with rewritten Host: err = %v; want SignatureDoesNotMatch (403)", err)
	}
}

// TestFaultyProxyUploads: the SDK's standard retryer, with attempts raised,
// completes every upload through a proxy failing ~10% of requests.
func TestFaultyProxyUploads(t *testing.T) {
	t.Parallel()
	s := Start(t)
	s.CreateBucket(t, "faulty")
	p := NewFaultyProxy(t, s.Endpoint(), 0.1, 42)
	c := s.Client(WithEndpoint(p.Endpoint()), WithRetry(10, 20*time.Millisecond))
	mark := s.Mark()
	const n = 100
	for i := range n {
		key := fmt.Sprintf("obj/%03d.txt", i)
		put(t, c, &s3.PutObjectInput{Bucket: aws.String("faulty"), Key: aws.String(key)}, strings.Repeat(key, i+1))
	}
	t.Logf("proxy: %v", p)
	if p.FaultCount() == 0 {
		t.Errorf("proxy injected no faults: %v", p)
	}
	direct := s.Client()
	for i := range n {
		key := fmt.Sprintf("obj/%03d.txt", i)
		if got := getBody(t, direct, "faulty", key); got != strings.Repeat(key, i+1) {
			t.Errorf("%s: wrong bytes (%d)", key, len(got))
		}
	}
	// Only forwarded attempts reach versitygw: the successful ones plus
	// those whose response the proxy cut off.
	want := n + p.Faults()[FaultDropResponse]
	if got := CountOp(s.Since(mark), "PutObject"); got != want {
		t.Errorf("PutObject requests logged = %d, want %d (%v)", got, want, p)
	}
}
