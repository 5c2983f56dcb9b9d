package publish

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
)

// CloudFront is a CDN through the AWS SDK's CloudFront client.
type CloudFront struct {
	Client *cloudfront.Client
	// Retries and Backoff govern TooManyInvalidationsInProgress, which the
	// SDK does not retry: the limit frees up as earlier ones complete.
	Retries int
	Backoff func(attempt int) time.Duration
	// MaxWait bounds Wait; PollMin and PollMax space its polls (0: the
	// SDK's defaults, 20 s to 2 min).
	MaxWait          time.Duration
	PollMin, PollMax time.Duration
}

// NewCloudFront makes the client from the SDK's default chain (and
// AWS_ENDPOINT_URL_CLOUDFRONT for another endpoint).
func NewCloudFront(ctx context.Context) (*CloudFront, error) {
	// CloudFront is global; its API lives in us-east-1.
	ac, err := awsconfig.LoadDefaultConfig(ctx, awsconfig.WithRegion("us-east-1"))
	if err != nil {
		return nil, fmt.Errorf("AWS configuration: %w", err)
	}
	return &CloudFront{
		Client:  cloudfront.NewFromConfig(ac),
		Retries: 8,
		Backoff: func(attempt int) time.Duration { return time.Duration(1<<min(attempt, 6)) * time.Second },
		MaxWait: 30 * time.Minute,
	}, nil
}

// Invalidate creates the invalidation. CloudFront answers a repeated
// CallerReference with the same paths with the invalidation it made
// before, so a retried publish never invalidates twice.
func (c *CloudFront) Invalidate(ctx context.Context, dist string, inv Invalidation) (string, error) {
	in := &cloudfront.CreateInvalidationInput{
		DistributionId: aws.String(dist),
		InvalidationBatch: &types.InvalidationBatch{
			CallerReference: aws.String(inv.CallerReference),
			Paths:           &types.Paths{Quantity: aws.Int32(int32(len(inv.Paths))), Items: inv.Paths},
		},
	}
	for attempt := 0; ; attempt++ {
		out, err := c.Client.CreateInvalidation(ctx, in)
		var busy *types.TooManyInvalidationsInProgress
		if errors.As(err, &busy) && attempt < c.Retries {
			select {
			case <-time.After(c.Backoff(attempt)):
				continue
			case <-ctx.Done():
				return "", ctx.Err()
			}
		}
		if err != nil {
			return "", err
		}
		if out.Invalidation == nil || out.Invalidation.Id == nil {
			return "", errors.New("CloudFront answered without an invalidation")
		}
		return *out.Invalidation.Id, nil
	}
}

// Wait polls until the invalidation is Completed.
func (c *CloudFront) Wait(ctx context.Context, dist, id string) error {
	w := cloudfront.NewInvalidationCompletedWaiter(c.Client, func(o *cloudfront.InvalidationCompletedWaiterOptions) {
		if c.PollMin > 0 {
			o.MinDelay = c.PollMin
		}
		if c.PollMax > 0 {
			o.MaxDelay = c.PollMax
		}
	})
	return w.Wait(ctx, &cloudfront.GetInvalidationInput{DistributionId: aws.String(dist), Id: aws.String(id)}, c.MaxWait)
}
