package cffake_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/aws/smithy-go"

	"github.com/muejam/assetpipe/internal/cffake"
)

func isType[T error](err error) bool {
	var target T
	return errors.As(err, &target)
}

func TestCreateValidation(t *testing.T) {
	tests := []struct {
		name   string
		distID string
		batch  *types.InvalidationBatch
		check  func(error) bool
		status int
	}{
		{"unknown distribution", "ENOPE", batch("r", "/a"), isType[*types.NoSuchDistribution], 404},
		{"no leading slash", dist, batch("r", "a.js"), isType[*types.InvalidArgument], 400},
		{"inner wildcard", dist, batch("r", "/a/*/b"), isType[*types.InvalidArgument], 400},
		{"double wildcard", dist, batch("r", "/a/**"), isType[*types.InvalidArgument], 400},
		{"path too long", dist, batch("r", "/"+strings.Repeat("x", cffake.MaxPathLength)), isType[*types.InvalidArgument], 400},
		{"no paths", dist, batch("r"), isType[*types.InvalidArgument], 400},
		{"quantity mismatch", dist, &types.InvalidationBatch{
			CallerReference: aws.String("r"),
			Paths:           &types.Paths{Quantity: aws.Int32(3), Items: []string{"/a"}},
		}, isType[*types.InconsistentQuantities], 400},
		{"too many files in one batch", dist, batch("r", files("f", cffake.MaxInProgressPaths+1)...), isType[*types.BatchTooLarge], 413},
		{"too many wildcards in one batch", dist, batch("r", wildcards("w", cffake.MaxInProgressWildcard+1)...), isType[*types.BatchTooLarge], 413},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(cffake.Options{})
			c := newClient(t, f)
			_, err := create(t, c, tc.distID, tc.batch)
			if err == nil || !tc.check(err) {
				t.Fatalf("err = %v (%T)", err, err)
			}
			if got := httpStatus(t, err); got != tc.status {
				t.Errorf("HTTP status %d, want %d", got, tc.status)
			}
			if n := len(f.Invalidations(dist)); n != 0 {
				t.Errorf("%d invalidations stored after a rejected request", n)
			}
		})
	}
}

func TestLimitsAtBoundaryAreAccepted(t *testing.T) {
	c := newClient(t, newFake(cffake.Options{}))
	paths := append(files("f", cffake.MaxInProgressPaths-1), wildcards("w", cffake.MaxInProgressWildcard)...)
	paths = append(paths, "/"+strings.Repeat("x", cffake.MaxPathLength-1))
	mustCreate(t, c, batch("full", paths...))
	_, err := create(t, c, dist, batch("more", "/one-more"))
	if !isType[*types.TooManyInvalidationsInProgress](err) {
		t.Fatalf("err = %v, want TooManyInvalidationsInProgress", err)
	}
}

func TestMissingBody(t *testing.T) {
	c := newClient(t, newFake(cffake.Options{}), dropBody)
	_, err := create(t, c, dist, batch("r", "/a"))
	if !isType[*types.MissingBody](err) {
		t.Fatalf("err = %v (%T), want MissingBody", err, err)
	}
}

func TestInProgressLimits(t *testing.T) {
	f := newFake(cffake.Options{PollsToComplete: 1})
	c := newClient(t, f)

	first := mustCreate(t, c, batch("w1", wildcards("a", 10)...))
	_, err := create(t, c, dist, batch("w2", wildcards("b", 6)...))
	if !isType[*types.TooManyInvalidationsInProgress](err) || httpStatus(t, err) != 400 {
		t.Fatalf("16 wildcards in progress: err = %v", err)
	}
	// The limits are independent: files are still accepted.
	mustCreate(t, c, batch("f1", files("a", 2000)...))
	if _, err := create(t, c, dist, batch("f2", files("b", 1001)...)); !isType[*types.TooManyInvalidationsInProgress](err) {
		t.Fatalf("3001 files in progress: err = %v", err)
	}
	mustCreate(t, c, batch("f3", files("c", 1000)...))

	// Completed invalidations stop counting.
	getStatus(t, c, aws.ToString(first.Id))
	if s := getStatus(t, c, aws.ToString(first.Id)); s != cffake.StatusCompleted {
		t.Fatalf("status %q, want Completed", s)
	}
	mustCreate(t, c, batch("w2", wildcards("b", 6)...))
}

func TestGetErrors(t *testing.T) {
	f := cffake.New(cffake.Options{DistributionIDs: []string{dist, "E2OTHER"}})
	c := newClient(t, f)
	id := mustCreate(t, c, batch("r", "/a")).Id

	cases := []struct {
		name   string
		distID string
		id     *string
		check  func(error) bool
	}{
		{"unknown distribution", "ENOPE", id, isType[*types.NoSuchDistribution]},
		{"unknown id", dist, aws.String("INOPE"), isType[*types.NoSuchInvalidation]},
		{"id of another distribution", "E2OTHER", id, isType[*types.NoSuchInvalidation]},
	}
	for _, tc := range cases {
		_, err := c.GetInvalidation(ctx(t), &cloudfront.GetInvalidationInput{DistributionId: aws.String(tc.distID), Id: tc.id})
		if !tc.check(err) || httpStatus(t, err) != 404 {
			t.Errorf("%s: err = %v", tc.name, err)
		}
	}
}

func TestListErrors(t *testing.T) {
	c := newClient(t, newFake(cffake.Options{}))
	_, err := c.ListInvalidations(ctx(t), &cloudfront.ListInvalidationsInput{DistributionId: aws.String("ENOPE")})
	if !isType[*types.NoSuchDistribution](err) {
		t.Errorf("unknown distribution: err = %v", err)
	}
	_, err = c.ListInvalidations(ctx(t), &cloudfront.ListInvalidationsInput{DistributionId: aws.String(dist), Marker: aws.String("INOPE")})
	if !isType[*types.InvalidArgument](err) {
		t.Errorf("unknown marker: err = %v", err)
	}
	_, err = c.ListInvalidations(ctx(t), &cloudfront.ListInvalidationsInput{DistributionId: aws.String(dist), MaxItems: aws.Int32(-1)})
	if !isType[*types.InvalidArgument](err) {
		t.Errorf("negative MaxItems: err = %v", err)
	}
	_, err = c.GetDistributionConfig(ctx(t), &cloudfront.GetDistributionConfigInput{Id: aws.String("ENOPE")})
	if !isType[*types.NoSuchDistribution](err) {
		t.Errorf("config of unknown distribution: err = %v", err)
	}
}

func TestCallerReferenceIdempotency(t *testing.T) {
	f := newFake(cffake.Options{})
	c := newClient(t, f)
	first := mustCreate(t, c, batch("deploy-42", "/a", "/b"))

	// Same reference and paths (order aside): the existing invalidation.
	again := mustCreate(t, c, batch("deploy-42", "/b", "/a"))
	if aws.ToString(again.Id) != aws.ToString(first.Id) {
		t.Errorf("resubmission got Id %q, want %q", aws.ToString(again.Id), aws.ToString(first.Id))
	}

	// Same reference, different paths: rejected. The SDK has no typed error
	// for this code, so it surfaces as a generic API error.
	_, err := create(t, c, dist, batch("deploy-42", "/a", "/c"))
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "InvalidationBatchAlreadyExists" {
		t.Fatalf("err = %v, want InvalidationBatchAlreadyExists", err)
	}
	if got := httpStatus(t, err); got != http.StatusConflict {
		t.Errorf("HTTP status %d, want 409", got)
	}

	// The resubmission created nothing; every attempt was recorded.
	if n := len(f.Invalidations(dist)); n != 1 {
		t.Errorf("%d invalidations stored, want 1", n)
	}
	creates := 0
	for _, call := range f.Calls() {
		if call.Operation == cffake.OpCreateInvalidation {
			creates++
		}
	}
	if creates != 3 {
		t.Errorf("recorded %d create calls, want 3", creates)
	}
}

func TestInjectedFailures(t *testing.T) {
	f := newFake(cffake.Options{})
	c := newClient(t, f)

	f.FailNextCreates(1, cffake.Failure{StatusCode: 400, Code: "TooManyInvalidationsInProgress"})
	if _, err := create(t, c, dist, batch("r1", "/a")); !isType[*types.TooManyInvalidationsInProgress](err) {
		t.Fatalf("injected: err = %v", err)
	}
	mustCreate(t, c, batch("r1", "/a")) // the queue is drained

	// 503s are retried by the SDK's standard retryer; the fake sees each try.
	retrying := func(o *cloudfront.Options) {
		o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) {
			so.MaxAttempts = 3
			so.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return time.Millisecond, nil })
		})
	}
	f.FailNextCreates(2, cffake.Failure{StatusCode: 503, Code: "ServiceUnavailable", Message: "try again"})
	out, err := c.CreateInvalidation(ctx(t), &cloudfront.CreateInvalidationInput{
		DistributionId: aws.String(dist), InvalidationBatch: batch("r2", "/b", "/c"),
	}, retrying)
	if err != nil {
		t.Fatalf("retried create: %v", err)
	}
	var tries []cffake.Call
	for _, call := range f.Calls() {
		if call.Operation == cffake.OpCreateInvalidation && call.Batch != nil && call.Batch.CallerReference == "r2" {
			tries = append(tries, call)
		}
	}
	if len(tries) != 3 || tries[0].StatusCode != 503 || tries[0].ErrorCode != "ServiceUnavailable" || tries[2].StatusCode != 201 {
		t.Fatalf("attempts = %+v", tries)
	}
	if got := f.Invalidations(dist); len(got) != 2 || got[1].ID != aws.ToString(out.Invalidation.Id) {
		t.Errorf("Invalidations = %+v", got)
	}
}
