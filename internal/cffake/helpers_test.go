package cffake_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/muejam/assetpipe/internal/cffake"
)

const dist = "E1FAKEDIST"

// newClient serves f on 127.0.0.1 and returns a real SDK client pointed at
// it. Retries are off unless a test installs its own retryer, so every SDK
// call maps to exactly one request.
func newClient(t *testing.T, f *cffake.Fake, optFns ...func(*cloudfront.Options)) *cloudfront.Client {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	srv := httptest.NewUnstartedServer(f)
	_ = srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)

	cfg := aws.Config{
		Region:      "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider("AKIDFAKE", "fake-secret", ""),
		HTTPClient:  &http.Client{Transport: hideWriteTo{srv.Client().Transport}},
		Retryer:     func() aws.Retryer { return aws.NopRetryer{} },
	}
	fns := append([]func(*cloudfront.Options){func(o *cloudfront.Options) {
		o.BaseEndpoint = aws.String(srv.URL)
	}}, optFns...)
	return cloudfront.NewFromConfig(cfg, fns...)
}

// hideWriteTo works around a client-side race between smithy-go and
// net/http (seen with Go 1.26): after Do returns, the SDK closes its request
// body wrapper, whose WriteTo then returns io.EOF. net/http's writeLoop, which
// may still be draining the body via io.Copy (and so WriteTo), treats that as a
// write error and closes the connection while the SDK is reading the response
// ("use of closed network connection"). Exposing only Read makes io.Copy see
// a plain EOF instead. The fake itself is not involved.
type hideWriteTo struct{ next http.RoundTripper }

func (h hideWriteTo) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil && r.Body != http.NoBody {
		r = r.Clone(r.Context())
		r.Body = struct{ io.ReadCloser }{r.Body}
	}
	return h.next.RoundTrip(r)
}

func newFake(opts cffake.Options) *cffake.Fake {
	if opts.DistributionIDs == nil {
		opts.DistributionIDs = []string{dist}
	}
	return cffake.New(opts)
}

func ctx(t *testing.T) context.Context {
	t.Helper()
	c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return c
}

func batch(ref string, paths ...string) *types.InvalidationBatch {
	return &types.InvalidationBatch{
		CallerReference: aws.String(ref),
		Paths:           &types.Paths{Quantity: aws.Int32(int32(len(paths))), Items: paths},
	}
}

func create(t *testing.T, c *cloudfront.Client, distID string, b *types.InvalidationBatch) (*cloudfront.CreateInvalidationOutput, error) {
	t.Helper()
	return c.CreateInvalidation(ctx(t), &cloudfront.CreateInvalidationInput{
		DistributionId:    aws.String(distID),
		InvalidationBatch: b,
	})
}

func mustCreate(t *testing.T, c *cloudfront.Client, b *types.InvalidationBatch) *types.Invalidation {
	t.Helper()
	out, err := create(t, c, dist, b)
	if err != nil {
		t.Fatalf("CreateInvalidation: %v", err)
	}
	return out.Invalidation
}

func getStatus(t *testing.T, c *cloudfront.Client, id string) string {
	t.Helper()
	out, err := c.GetInvalidation(ctx(t), &cloudfront.GetInvalidationInput{
		DistributionId: aws.String(dist), Id: aws.String(id),
	})
	if err != nil {
		t.Fatalf("GetInvalidation(%s): %v", id, err)
	}
	return aws.ToString(out.Invalidation.Status)
}

// wildcards returns n distinct wildcard paths.
func wildcards(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("/%s/%d/*", prefix, i)
	}
	return out
}

// files returns n distinct non-wildcard paths.
func files(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("/%s/%d.js", prefix, i)
	}
	return out
}

// httpStatus extracts the HTTP status the SDK saw for a failed call.
func httpStatus(t *testing.T, err error) int {
	t.Helper()
	var re *awshttp.ResponseError
	if !errors.As(err, &re) {
		t.Fatalf("error %v carries no HTTP response", err)
	}
	return re.HTTPStatusCode()
}

// dropBody removes the serialized request body, the only way to make the
// real client send CreateInvalidation without one.
func dropBody(o *cloudfront.Options) {
	o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
		return s.Build.Add(middleware.BuildMiddlewareFunc("cffakeDropBody",
			func(ctx context.Context, in middleware.BuildInput, next middleware.BuildHandler) (middleware.BuildOutput, middleware.Metadata, error) {
				req, ok := in.Request.(*smithyhttp.Request)
				if !ok {
					return middleware.BuildOutput{}, middleware.Metadata{}, fmt.Errorf("unexpected request type %T", in.Request)
				}
				req, err := req.SetStream(nil)
				if err != nil {
					return middleware.BuildOutput{}, middleware.Metadata{}, fmt.Errorf("drop body: %w", err)
				}
				req.ContentLength = 0
				req.Header.Del("Content-Type")
				in.Request = req
				return next.HandleBuild(ctx, in)
			}), middleware.After)
	})
}
