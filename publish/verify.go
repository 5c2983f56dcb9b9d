package publish

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"golang.org/x/sync/errgroup"
)

// Lister reads what a bucket holds, for a publish that does not trust
// the live record (--verify): a bucket that drifted, or that assetpipe
// never published to.
type Lister interface {
	// List returns the keys below prefix.
	List(ctx context.Context, prefix string) ([]string, error)
	// Head returns an object's headers and the SHA-256 its metadata
	// records ("" when none).
	Head(ctx context.Context, key string) (Headers, int64, string, error)
}

// remoteRecord builds a record of what the bucket holds for the objects
// objs would put there, from each object's own headers and SHA-256
// metadata, so that MakePlan uploads exactly what is missing or differs.
// Objects assetpipe did not put there have no SHA-256 and are uploaded.
// Keys the release does not have are left alone: they may not be
// assetpipe's to delete.
func remoteRecord(ctx context.Context, l Lister, prefix string, objs []Object) (*Record, error) {
	keys, err := l.List(ctx, prefix)
	if err != nil {
		return nil, fmt.Errorf("listing the bucket: %w", err)
	}
	present := map[string]bool{}
	for _, k := range keys {
		present[k] = true
	}
	rec := &Record{Format: RecordFormat, Prefix: prefix}
	var mu sync.Mutex
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(4 * runtime.GOMAXPROCS(0))
	for _, o := range objs {
		if !present[prefix+o.Path] {
			continue
		}
		g.Go(func() error {
			h, size, sha, err := l.Head(ctx, prefix+o.Path)
			if err != nil {
				return fmt.Errorf("reading %s: %w", prefix+o.Path, err)
			}
			if sha == "" || size != o.Size {
				return nil // not known: uploaded again
			}
			mu.Lock()
			defer mu.Unlock()
			rec.Objects = append(rec.Objects, Object{Path: o.Path, Size: size, SHA256: sha, Versioned: o.Versioned && sha == o.SHA256, Headers: h})
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return rec, nil
}

// List returns the keys below prefix, a page of up to 1,000 at a time.
func (s *S3Store) List(ctx context.Context, prefix string) ([]string, error) {
	var keys []string
	p := s3.NewListObjectsV2Paginator(s.Client, &s3.ListObjectsV2Input{Bucket: &s.Bucket, Prefix: aws.String(prefix)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, o := range page.Contents {
			if k := aws.ToString(o.Key); !strings.HasPrefix(k, prefix+MetaDir) {
				keys = append(keys, k)
			}
		}
	}
	return keys, nil
}

// Head reads an object's headers and SHA-256 metadata.
func (s *S3Store) Head(ctx context.Context, key string) (Headers, int64, string, error) {
	out, err := s.Client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &s.Bucket, Key: &key})
	if err != nil {
		return Headers{}, 0, "", err
	}
	h := Headers{CacheControl: aws.ToString(out.CacheControl), ContentType: aws.ToString(out.ContentType), ContentEncoding: aws.ToString(out.ContentEncoding)}
	return h, aws.ToInt64(out.ContentLength), out.Metadata["sha256"], nil
}
