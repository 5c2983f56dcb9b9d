package publish

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/muejam/assetpipe/config"
)

// S3Store is a Store on an S3 bucket through the AWS SDK.
type S3Store struct {
	Client *s3.Client
	Bucket string
}

// NewS3Store makes the S3 client the way S3 and the S3-compatible stores
// (MinIO, R2, versitygw) all accept: credentials and region from the
// SDK's default chain, the endpoint from AWS_ENDPOINT_URL_S3 or
// AWS_ENDPOINT_URL, path-style addressing with a custom endpoint (unless
// publish.path_style says otherwise), and checksums only where S3
// requires them, so that no body is sent aws-chunked.
func NewS3Store(ctx context.Context, cfg config.Config) (*S3Store, error) {
	pc := cfg.Publish
	if pc.Bucket == "" {
		return nil, errors.New("no bucket to publish to: set publish.bucket in the configuration or ASSETPIPE_BUCKET")
	}
	var opts []func(*awsconfig.LoadOptions) error
	if pc.Region != "" {
		opts = append(opts, awsconfig.WithRegion(pc.Region))
	}
	ac, err := awsconfig.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("AWS configuration: %w", err)
	}
	pathStyle := os.Getenv("AWS_ENDPOINT_URL_S3") != "" || os.Getenv("AWS_ENDPOINT_URL") != ""
	if pc.PathStyle != nil {
		pathStyle = *pc.PathStyle
	}
	client := s3.NewFromConfig(ac, func(o *s3.Options) {
		o.UsePathStyle = pathStyle
		o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
		o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
	})
	return &S3Store{Client: client, Bucket: pc.Bucket}, nil
}

// getAttempts bounds the reads of a body cut off mid-way, which the
// SDK's retryer does not see: it has returned by then.
const getAttempts = 4

// Get reads an object.
func (s *S3Store) Get(ctx context.Context, key string) ([]byte, string, error) {
	for attempt := 1; ; attempt++ {
		out, err := s.Client.GetObject(ctx, &s3.GetObjectInput{Bucket: &s.Bucket, Key: &key})
		if err != nil {
			var nsk *types.NoSuchKey
			if errors.As(err, &nsk) || httpStatus(err) == http.StatusNotFound {
				return nil, "", fmt.Errorf("%s: %w", key, ErrNotFound)
			}
			return nil, "", err
		}
		data, err := io.ReadAll(out.Body)
		out.Body.Close()
		if err == nil {
			return data, aws.ToString(out.ETag), nil
		}
		if attempt == getAttempts || ctx.Err() != nil {
			return nil, "", fmt.Errorf("reading %s: %w", key, err)
		}
	}
}

// Put writes an object with its headers and its SHA-256 as metadata,
// never with a public ACL: the bucket stays private behind CloudFront.
func (s *S3Store) Put(ctx context.Context, key string, body io.ReadSeeker, size int64, h Headers, sha256 string, cond Condition) error {
	in := &s3.PutObjectInput{
		Bucket:        &s.Bucket,
		Key:           &key,
		Body:          body,
		ContentLength: aws.Int64(size),
		CacheControl:  aws.String(h.CacheControl),
		ContentType:   aws.String(h.ContentType),
		Metadata:      map[string]string{"sha256": sha256},
	}
	if h.ContentEncoding != "" {
		in.ContentEncoding = aws.String(h.ContentEncoding)
	}
	if cond.IfMatch != "" {
		in.IfMatch = aws.String(cond.IfMatch)
	} else if cond.IfNoneMatch {
		in.IfNoneMatch = aws.String("*")
	}
	if _, err := s.Client.PutObject(ctx, in); err != nil {
		if st := httpStatus(err); st == http.StatusPreconditionFailed || st == http.StatusConflict {
			return fmt.Errorf("%s: %w", key, ErrConflict)
		}
		return err
	}
	return nil
}

// maxDeleteBatch is how many keys one DeleteObjects request may name.
const maxDeleteBatch = 1000

// Delete removes keys in batches of up to 1,000 and reads each batch's
// per-key errors: DeleteObjects answers 200 even when some keys fail.
func (s *S3Store) Delete(ctx context.Context, keys []string) error {
	for len(keys) > 0 {
		n := min(len(keys), maxDeleteBatch)
		ids := make([]types.ObjectIdentifier, n)
		for i, k := range keys[:n] {
			ids[i] = types.ObjectIdentifier{Key: aws.String(k)}
		}
		out, err := s.Client.DeleteObjects(ctx, &s3.DeleteObjectsInput{
			Bucket: &s.Bucket,
			Delete: &types.Delete{Objects: ids, Quiet: aws.Bool(true)},
		})
		if err != nil {
			return err
		}
		if len(out.Errors) > 0 {
			e := out.Errors[0]
			return fmt.Errorf("%d of %d keys not deleted, first %s: %s %s", len(out.Errors), n,
				aws.ToString(e.Key), aws.ToString(e.Code), aws.ToString(e.Message))
		}
		keys = keys[n:]
	}
	return nil
}

// httpStatus is the HTTP status of an SDK error, 0 when it has none.
func httpStatus(err error) int {
	var re interface{ HTTPStatusCode() int }
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	var ae smithy.APIError
	if errors.As(err, &ae) && ae.ErrorCode() == "PreconditionFailed" {
		return http.StatusPreconditionFailed
	}
	return 0
}
